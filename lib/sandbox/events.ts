// Builders for the events AWS delivers to gmsa-ready, shaped as in aws-facts sections 1 and 2.
import { createHash } from 'node:crypto';
import type { EventBridgeEvent, ScheduledEvent, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Transition } from '../workflow/types';
import type { SimCommand, SimLifecycleAction } from './model/types';

export interface EventContext {
  account: string;
  region: string;
  id: string;
  at: number;
}

const iso = (at: number) => new Date(Math.round(at * 1000)).toISOString().replace(/\.\d{3}Z$/, 'Z');

export const LIFECYCLE_DETAIL_TYPES: Record<Transition, string> = {
  launch: 'EC2 Instance-launch Lifecycle Action',
  terminate: 'EC2 Instance-terminate Lifecycle Action',
};

export function lifecycleEvent(ctx: EventContext, action: SimLifecycleAction, groupUuid: string) {
  const launch = action.transition === 'launch';
  return {
    version: '0',
    id: ctx.id,
    'detail-type': LIFECYCLE_DETAIL_TYPES[action.transition],
    source: 'aws.autoscaling',
    account: ctx.account,
    time: iso(ctx.at),
    region: ctx.region,
    resources: [
      `arn:aws:autoscaling:${ctx.region}:${ctx.account}:autoScalingGroup:${groupUuid}:autoScalingGroupName/${action.autoScalingGroupName}`,
    ],
    detail: {
      LifecycleActionToken: action.token,
      AutoScalingGroupName: action.autoScalingGroupName,
      LifecycleHookName: action.hookName,
      EC2InstanceId: action.instanceId,
      LifecycleTransition: launch ? 'autoscaling:EC2_INSTANCE_LAUNCHING' : 'autoscaling:EC2_INSTANCE_TERMINATING',
      Origin: action.origin ?? (launch ? 'EC2' : 'AutoScalingGroup'),
      Destination: action.destination ?? (launch ? 'AutoScalingGroup' : 'EC2'),
    },
  } satisfies EventBridgeEvent<string, unknown>;
}

export function commandStatusEvent(ctx: EventContext, command: SimCommand, instanceId: string, status: string) {
  return {
    version: '0',
    id: ctx.id,
    'detail-type': 'EC2 Command Invocation Status-change Notification',
    source: 'aws.ssm',
    account: ctx.account,
    time: iso(ctx.at),
    region: ctx.region,
    resources: [`arn:aws:ec2:${ctx.region}:${ctx.account}:instance/${instanceId}`],
    detail: {
      'command-id': command.commandId,
      'document-name': command.documentName,
      'instance-id': instanceId,
      'requested-date-time': new Date(command.requestedAt * 1000).toISOString(),
      status,
    },
  } satisfies EventBridgeEvent<string, unknown>;
}

export function scheduledEvent(ctx: EventContext, ruleName: string): ScheduledEvent {
  return {
    version: '0',
    id: ctx.id,
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: ctx.account,
    time: iso(ctx.at),
    region: ctx.region,
    resources: [`arn:aws:events:${ctx.region}:${ctx.account}:rule/${ruleName}`],
    detail: {},
  };
}

export interface QueuedMessage {
  messageId: string;
  body: string;
  sentAt: number;
  receiveCount: number;
}

export function sqsEvent(ctx: Omit<EventContext, 'id'>, queueArn: string, messages: QueuedMessage[]): SQSEvent {
  return {
    Records: messages.map(
      (m): SQSRecord => ({
        messageId: m.messageId,
        receiptHandle: `${m.messageId}#${m.receiveCount}`,
        body: m.body,
        attributes: {
          ApproximateReceiveCount: String(m.receiveCount),
          SentTimestamp: String(Math.round(m.sentAt * 1000)),
          SenderId: 'AROASANDBOX:gmsa-ready',
          ApproximateFirstReceiveTimestamp: String(Math.round(ctx.at * 1000)),
        },
        messageAttributes: {},
        md5OfBody: createHash('md5').update(m.body).digest('hex'),
        eventSource: 'aws:sqs',
        eventSourceARN: queueArn,
        awsRegion: ctx.region,
      }),
    ),
  };
}

/** The intake function an EventBridge event goes to, by its source; undefined for anything else. */
export function intakeFunctionFor(event: unknown): 'lifecycle' | 'command-status' | undefined {
  const source = (event as { source?: unknown } | null)?.source;
  if (source === 'aws.autoscaling') return 'lifecycle';
  if (source === 'aws.ssm') return 'command-status';
  return undefined;
}
