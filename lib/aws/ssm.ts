// Systems Manager: agent presence, Run Command sends and invocation status.
import {
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  ListCommandsCommand,
  SendCommandCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { keepableOutput } from '../failures/command-output';
import type { CommandStatus } from '../workflow/types';
import { hasName } from './errors';
import type { EffectOf, OutcomeOf } from './outcome';

export const JOIN_DOCUMENT = 'AWS-JoinDirectoryServiceDomain';
const MAX_COMMENT = 100;

/**
 * Instance ids one DescribeInstanceInformation call asks about: MaxResults is at most 50 (aws-facts 4.4), so
 * 50 ids fit one page. The issue-16 brief and aws-facts 4.1 give 50 as the InstanceIds limit of Run Command;
 * no source we hold states the filter's own limit, so the call stays at the page size.
 */
export const AGENT_IDS_PER_CALL = 50;

type AgentReport = OutcomeOf<'agent'>;

/** The agents of up to AGENT_IDS_PER_CALL instances in one call (a page of 50; NextToken followed if SSM pages anyway). */
export async function describeAgents(
  ssm: SSMClient,
  instanceIds: readonly string[],
): Promise<Map<string, AgentReport>> {
  const ids = [...new Set(instanceIds)];
  if (ids.length > AGENT_IDS_PER_CALL)
    throw new Error(`describeAgents: ${ids.length} instance ids; at most ${AGENT_IDS_PER_CALL} per call`);
  const reports = new Map<string, AgentReport>(ids.map((id) => [id, { type: 'agent', online: false }]));
  let nextToken: string | undefined;
  do {
    const out = await ssm.send(
      new DescribeInstanceInformationCommand({
        Filters: [{ Key: 'InstanceIds', Values: ids }],
        MaxResults: AGENT_IDS_PER_CALL,
        ...(nextToken ? { NextToken: nextToken } : {}),
      }),
    );
    for (const info of out.InstanceInformationList ?? []) {
      // A node SSM does not list (not registered yet, stopped, terminated) keeps its "not online" report.
      if (!info.InstanceId || !reports.has(info.InstanceId)) continue;
      reports.set(info.InstanceId, {
        type: 'agent',
        online: info.PingStatus === 'Online',
        computerName: info.ComputerName,
        platformType: info.PlatformType,
      });
    }
    nextToken = out.NextToken;
  } while (nextToken);
  return reports;
}

/** Instance ids one SendCommand takes: InstanceIds is at most 50 (aws-facts 4.1). */
export const INSTANCES_PER_COMMAND = 50;

/** The documents of the host commands a stage deploys (the join documents are absent in stages that predate them). */
export interface HostDocuments {
  refreshWindowsDocument: string;
  refreshLinuxDocument: string;
  /** The project's join documents for self-managed directories. */
  joinWindowsDocument?: string;
  joinLinuxDocument?: string;
}

/** The document a command of this purpose runs: the join, the platform's refresh, or the group change. */
export function documentFor(
  effect: Pick<EffectOf<'sendCommand'>, 'platform' | 'selfManagedJoin'> & { purpose: string },
  env: HostDocuments & { groupChangeDocument?: string },
): string {
  if (effect.purpose === 'join' && effect.selfManagedJoin) {
    const document = effect.platform === 'windows' ? env.joinWindowsDocument : env.joinLinuxDocument;
    if (!document) throw new Error(`AWS effector: no join document for a self-managed ${effect.platform} fleet`);
    return document;
  }
  if (effect.purpose === 'join') return JOIN_DOCUMENT;
  if (effect.purpose === 'refresh')
    return effect.platform === 'windows' ? env.refreshWindowsDocument : env.refreshLinuxDocument;
  if (!env.groupChangeDocument) throw new Error(`AWS effector: no document for ${effect.purpose}`);
  return env.groupChangeDocument;
}

/**
 * One command for hosts whose effects send the same document with the same parameters and timeout: SSM runs
 * one invocation per instance under one command id (aws-facts 4.1). Each host gets that id back.
 */
export async function sendCommand(
  ssm: SSMClient,
  effects: readonly EffectOf<'sendCommand'>[],
  documentName: string,
): Promise<OutcomeOf<'commandSent'>[]> {
  const first = effects[0];
  if (!first) return [];
  // SendCommand refuses a repeated id (DuplicateInstanceId): a host named twice is sent to once.
  const instanceIds = [...new Set(effects.map((effect) => effect.instanceId))];
  if (instanceIds.length > INSTANCES_PER_COMMAND)
    throw new Error(`sendCommand: ${instanceIds.length} instance ids; at most ${INSTANCES_PER_COMMAND} per call`);
  // One host keeps the comment it always had; a shared command names how many it serves.
  const about = instanceIds.length === 1 ? first.instanceId : `${instanceIds.length} hosts`;
  const out = await ssm.send(
    new SendCommandCommand({
      DocumentName: documentName,
      InstanceIds: instanceIds,
      Parameters: first.parameters,
      TimeoutSeconds: first.timeoutSeconds,
      Comment: `gmsa-ready ${first.purpose} ${about}`.slice(0, MAX_COMMENT),
    }),
  );
  const commandId = out.Command?.CommandId;
  if (!commandId) throw new Error('SendCommand returned no Command.CommandId');
  return effects.map((effect) => ({ type: 'commandSent', purpose: effect.purpose, commandId }));
}

/** StatusDetails that name a terminal state more precisely than Status TimedOut/Failed does. */
const DETAILED: Record<string, CommandStatus> = {
  'Delivery Timed Out': 'DeliveryTimedOut',
  'Execution Timed Out': 'ExecutionTimedOut',
  Undeliverable: 'Undeliverable',
  Terminated: 'Terminated',
  'Access Denied': 'AccessDenied',
  'Invalid Platform': 'InvalidPlatform',
};

export function commandStatus(status: string | undefined, details: string | undefined): CommandStatus {
  if ((status === 'TimedOut' || status === 'Failed') && details && DETAILED[details]) return DETAILED[details];
  // An invocation without a status has not been picked up yet.
  return (status as CommandStatus | undefined) ?? 'Pending';
}

/** Terminal statuses other than Success: their output says why (issue 15). */
const FINISHED_BADLY = new Set<CommandStatus>([
  'Failed',
  'TimedOut',
  'Cancelled',
  'DeliveryTimedOut',
  'ExecutionTimedOut',
  'Undeliverable',
  'Terminated',
  'InvalidPlatform',
  'AccessDenied',
]);

/** Characters kept of each stream (the end: a script prints why it failed last); the record keeps one line. */
export const FAILURE_OUTPUT_MAX = 4000;

/**
 * What a failed invocation printed, fit for the core to classify: standard error first (the tools' own error
 * text), then standard output, each bounded, control characters stripped and secrets redacted.
 */
export function failureOutput(stderr: string | undefined, stdout: string | undefined): string {
  return [keepableOutput(stderr, FAILURE_OUTPUT_MAX), keepableOutput(stdout, FAILURE_OUTPUT_MAX)]
    .filter(Boolean)
    .join('\n');
}

export async function getCommandInvocation(
  ssm: SSMClient,
  effect: EffectOf<'getCommandInvocation'>,
): Promise<OutcomeOf<'commandStatus'>> {
  try {
    const out = await ssm.send(
      new GetCommandInvocationCommand({ CommandId: effect.commandId, InstanceId: effect.instanceId }),
    );
    const status = commandStatus(out.Status, out.StatusDetails);
    const errorOutput = FINISHED_BADLY.has(status)
      ? failureOutput(out.StandardErrorContent, out.StandardOutputContent)
      : undefined;
    return {
      type: 'commandStatus',
      commandId: effect.commandId,
      status,
      output: out.StandardOutputContent,
      ...(errorOutput ? { errorOutput } : {}),
    };
  } catch (error) {
    // Normal for a short while after SendCommand (Run Command is eventually consistent).
    if (hasName(error, 'InvocationDoesNotExist')) {
      return { type: 'commandStatus', commandId: effect.commandId, status: 'NotFound' };
    }
    throw error;
  }
}

/** A project document on a fleet's management host (batched group changes, member listings). */
export async function sendManagementCommand(
  ssm: SSMClient,
  input: { documentName: string; instanceId: string; parameters: Record<string, string[]>; comment: string },
): Promise<string> {
  const out = await ssm.send(
    new SendCommandCommand({
      DocumentName: input.documentName,
      InstanceIds: [input.instanceId],
      Parameters: input.parameters,
      TimeoutSeconds: 600,
      Comment: input.comment.slice(0, MAX_COMMENT),
    }),
  );
  const commandId = out.Command?.CommandId;
  if (!commandId) throw new Error('SendCommand returned no Command.CommandId');
  return commandId;
}

/**
 * Commands of one document SSM holds for an instance since a time, newest first; for a group change, only
 * those whose ComputerNames include the account (a batch carries many hosts).
 */
export async function findCommands(
  ssm: SSMClient,
  effect: EffectOf<'findCommand'>,
  documentName: string,
): Promise<OutcomeOf<'commandsFound'>> {
  const out = await ssm.send(
    new ListCommandsCommand({
      InstanceId: effect.instanceId,
      Filters: [
        { key: 'DocumentName', value: documentName },
        { key: 'InvokedAfter', value: new Date(effect.after * 1000).toISOString() },
      ],
      MaxResults: 50,
    }),
  );
  const wanted = effect.computerAccount?.toUpperCase();
  const commandIds = (out.Commands ?? [])
    .filter((c) => !wanted || (c.Parameters?.ComputerNames?.[0] ?? '').toUpperCase().split(',').includes(wanted))
    .sort((a, b) => (b.RequestedDateTime?.getTime() ?? 0) - (a.RequestedDateTime?.getTime() ?? 0))
    .flatMap((c) => (c.CommandId ? [c.CommandId] : []));
  return { type: 'commandsFound', purpose: effect.purpose, commandIds };
}
