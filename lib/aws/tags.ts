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

/** Tags the instance; returns the per-resource failures TagResources reports in a successful response. */
export async function tagInstance(
  tagging: ResourceGroupsTaggingAPIClient,
  arn: string,
  effect: EffectOf<'tag'>,
): Promise<string[]> {
  const out = await tagging.send(
    new TagResourcesCommand({
      ResourceARNList: [arn],
      Tags: { 'gmsa-ready:status': tagValue(effect.status), 'gmsa-ready:reason': tagValue(effect.reason) },
    }),
  );
  return Object.entries(out.FailedResourcesMap ?? {}).map(([resource, info]) =>
    `${resource}: ${info.ErrorCode ?? 'error'} ${info.ErrorMessage ?? ''}`.trim(),
  );
}
