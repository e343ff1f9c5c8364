// The events gmsa-ready accepts, validated at the edge. Everything that later reaches a Run Command
// parameter or a key is constrained to its AWS shape here, so hostile text never gets further.
import * as z from 'zod';
import { INSTANCE_ID_SHAPE, patterns } from '../config/patterns';

/** EventBridge refuses events over 256 KB; anything larger did not come from EventBridge. */
export const MAX_EVENT_BYTES = 256 * 1024;

const place = z.enum(['EC2', 'AutoScalingGroup', 'WarmPool']);

/**
 * The EventBridge envelope, after Powertools' EventBridgeSchema. Ours because that module imports zod's whole
 * `z` namespace object (locales, JSON-schema tooling: ~370 KB more in every bundle); a namespace import lets
 * the bundler keep only what is used. Only the fields gmsa-ready reads are checked: `version`, `id`,
 * `account`, `region` and `resources` are never used, so an event is never refused for them (issue 11).
 */
export const eventBridgeEnvelope = z.object({
  source: z.string(),
  time: z.iso.datetime(),
  'detail-type': z.string(),
  detail: z.unknown(),
  'replay-name': z.string().optional(),
});

/**
 * What an instance refresh is doing when it sends the action: `ReplaceRootVolume` (the same instance id
 * boots a fresh OS: a terminate action, then a launch action). AWS docs, "Instance refresh replace root
 * volume lifecycle events" (docs.aws.amazon.com/autoscaling/ec2/userguide/instance-refresh-eventbridge-events.html).
 * Read for history only; a value AWS adds later is kept, anything that is not a plain word is refused.
 */
const action = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9]{0,63}$/, 'must be a lifecycle action kind such as ReplaceRootVolume');

export const lifecycleDetailSchema = z.object({
  LifecycleActionToken: z
    .string()
    .regex(patterns.lifecycleActionToken, 'must be a 36-character lifecycle action token'),
  AutoScalingGroupName: z.string().regex(patterns.autoScalingGroupName, 'must be an Auto Scaling group name'),
  LifecycleHookName: z.string().regex(patterns.lifecycleHookName, 'must be a lifecycle hook name'),
  EC2InstanceId: z.string().regex(patterns.instanceId, `must be ${INSTANCE_ID_SHAPE}`),
  LifecycleTransition: z.enum(['autoscaling:EC2_INSTANCE_LAUNCHING', 'autoscaling:EC2_INSTANCE_TERMINATING'], {
    error: 'must be autoscaling:EC2_INSTANCE_LAUNCHING or autoscaling:EC2_INSTANCE_TERMINATING',
  }),
  // Absent, a string, or (a hook created with JSON metadata) an object: aws-facts 16. Never read, never refused.
  NotificationMetadata: z.unknown().optional(),
  Origin: place.optional(),
  Destination: place.optional(),
  Action: action.optional(),
});

export const lifecycleEventSchema = eventBridgeEnvelope
  .extend({
    source: z.literal('aws.autoscaling', { error: 'must be aws.autoscaling' }),
    'detail-type': z.enum(['EC2 Instance-launch Lifecycle Action', 'EC2 Instance-terminate Lifecycle Action'], {
      error: 'must be an EC2 Instance-launch/terminate Lifecycle Action',
    }),
    detail: lifecycleDetailSchema,
  })
  .superRefine((event, ctx) => {
    const launch = event['detail-type'] === 'EC2 Instance-launch Lifecycle Action';
    if (launch !== (event.detail.LifecycleTransition === 'autoscaling:EC2_INSTANCE_LAUNCHING'))
      ctx.addIssue({ code: 'custom', path: ['detail', 'LifecycleTransition'], message: 'does not match detail-type' });
  });

export const commandStatusEventSchema = eventBridgeEnvelope.extend({
  source: z.literal('aws.ssm', { error: 'must be aws.ssm' }),
  'detail-type': z.literal('EC2 Command Invocation Status-change Notification', {
    error: 'must be EC2 Command Invocation Status-change Notification',
  }),
  detail: z.object({
    'command-id': z.string().regex(/^[0-9a-f-]{36}$/, 'must be a 36-character command id'),
    'instance-id': z.string().regex(patterns.instanceId, `must be ${INSTANCE_ID_SHAPE}`),
    'document-name': z.string().regex(/^[a-zA-Z0-9_\-.:/]{3,128}$/, 'must be an SSM document name'),
    status: z.string().regex(/^[A-Za-z]{1,32}$/, 'must be a command status'),
  }),
});

export type LifecycleEvent = z.output<typeof lifecycleEventSchema>;
export type CommandStatusEvent = z.output<typeof commandStatusEventSchema>;
