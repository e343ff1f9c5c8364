import {
  ResourceGroupsTaggingAPIClient,
  TagResourcesCommand,
  ThrottledException,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createAwsEffector } from '../../lib/aws/effector';
import { tagValue } from '../../lib/aws/tags';
import { AT, sent } from './helpers';

const tagging = mockClient(ResourceGroupsTaggingAPIClient);
const warn = vi.fn();
const effector = createAwsEffector(['tags'], {
  tagging: new ResourceGroupsTaggingAPIClient({}),
  env: { region: 'eu-west-1', accountId: '123456789012' },
  warn,
});
const instanceId = 'i-0123456789abcdef0';
const arn = `arn:aws:ec2:eu-west-1:123456789012:instance/${instanceId}`;

beforeEach(() => {
  tagging.reset();
  warn.mockClear();
});

describe('tag', () => {
  it('tags the instance ARN with status and reason and produces no signal', async () => {
    tagging.on(TagResourcesCommand).resolves({ FailedResourcesMap: {} });
    expect(
      await effector.run({ type: 'tag', instanceId, status: 'FAILED', reason: 'join timed out' }, AT),
    ).toBeUndefined();
    expect(sent(tagging)).toEqual([
      [
        TagResourcesCommand,
        { ResourceARNList: [arn], Tags: { 'gmsa-ready:status': 'FAILED', 'gmsa-ready:reason': 'join timed out' } },
      ],
    ]);
    expect(warn).not.toHaveBeenCalled();
  });

  it('writes an empty reason when there is none', async () => {
    tagging.on(TagResourcesCommand).resolves({});
    await effector.run({ type: 'tag', instanceId, status: 'READY', reason: null }, AT);
    expect(sent(tagging)[0]?.[1]).toMatchObject({ Tags: { 'gmsa-ready:status': 'READY', 'gmsa-ready:reason': '' } });
  });

  it('is best effort: a thrown error goes to warn, not into a signal', async () => {
    tagging.on(TagResourcesCommand).rejects(new ThrottledException({ message: 'Rate exceeded', $metadata: {} }));
    expect(await effector.run({ type: 'tag', instanceId, status: 'READY', reason: null }, AT)).toBeUndefined();
    expect(warn).toHaveBeenCalledWith('tagging the instance failed', {
      instanceId,
      error: 'ThrottledException: Rate exceeded',
    });
  });

  it('warns about the per-resource failures of a successful call', async () => {
    tagging.on(TagResourcesCommand).resolves({
      FailedResourcesMap: {
        [arn]: { StatusCode: 403, ErrorCode: 'InvalidParameterException', ErrorMessage: 'denied' },
      },
    });
    expect(await effector.run({ type: 'tag', instanceId, status: 'READY', reason: null }, AT)).toBeUndefined();
    expect(warn).toHaveBeenCalledWith('tagging the instance failed', {
      instanceId,
      failures: [`${arn}: InvalidParameterException denied`],
    });
  });
});

describe('tagValue', () => {
  it('keeps values up to 256 characters', () => {
    expect(tagValue('a'.repeat(256))).toBe('a'.repeat(256));
  });

  it('cuts longer values to 256 characters ending in an ellipsis', () => {
    const value = tagValue('b'.repeat(300));
    expect(value).toBe(`${'b'.repeat(255)}…`);
    expect(Array.from(value)).toHaveLength(256);
  });

  it('counts characters, not UTF-16 units', () => {
    const value = tagValue('😀'.repeat(300));
    expect(Array.from(value)).toHaveLength(256);
    expect(value.startsWith('😀'.repeat(255))).toBe(true);
  });
});
