// Instance tags through the Resource Groups Tagging API: it tags EC2 instances without bundling the EC2 client.
// IAM needs both tag:TagResources and ec2:CreateTags.
import { type ResourceGroupsTaggingAPIClient, TagResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import type { EffectOf } from './outcome';

/** EC2 tag values hold at most 256 characters. */
const MAX_TAG_VALUE = 256;

export function tagValue(text: string | null): string {
  const chars = Array.from(text ?? '');
  return chars.length > MAX_TAG_VALUE ? `${chars.slice(0, MAX_TAG_VALUE - 1).join('')}…` : chars.join('');
}

export function instanceArn(region: string, accountId: string, instanceId: string): string {
  return `arn:aws:ec2:${region}:${accountId}:instance/${instanceId}`;
}

/** TagResources takes 1 to 20 ARNs per call (Resource Groups Tagging API reference, ResourceARNList). */
export const ARNS_PER_TAG_CALL = 20;

/** The tags a tag effect sets; effects with equal tags can share one TagResources call. */
export function statusTags(effect: EffectOf<'tag'>): Record<string, string> {
  return { 'gmsa-ready:status': tagValue(effect.status), 'gmsa-ready:reason': tagValue(effect.reason) };
}

/**
 * Tags up to ARNS_PER_TAG_CALL resources with the same tags in one call; returns the per-resource failures
 * TagResources reports in a successful response (FailedResourcesMap), by ARN.
 */
export async function tagResources(
  tagging: ResourceGroupsTaggingAPIClient,
  arns: readonly string[],
  tags: Record<string, string>,
): Promise<Map<string, string>> {
  if (arns.length > ARNS_PER_TAG_CALL)
    throw new Error(`tagResources: ${arns.length} ARNs; at most ${ARNS_PER_TAG_CALL} per call`);
  const out = await tagging.send(new TagResourcesCommand({ ResourceARNList: [...arns], Tags: tags }));
  return new Map(
    Object.entries(out.FailedResourcesMap ?? {}).map(([resource, info]) => [
      resource,
      `${resource}: ${info.ErrorCode ?? 'error'} ${info.ErrorMessage ?? ''}`.trim(),
    ]),
  );
}
