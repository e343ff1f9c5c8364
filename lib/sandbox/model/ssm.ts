// Systems Manager as gmsa-ready sees it: instance information, Run Command with modelled run times,
// eventually consistent GetCommandInvocation, status-change events, and Parameter Store credspecs.
// Sources: /work/shared/reference/aws-facts.md sections 2, 4 and 5 (cited at each behaviour below); what the
// documents do on the host is model/documents.ts.
import {
  type DescribeInstanceInformationCommandInput,
  DuplicateInstanceId,
  type GetCommandInvocationCommandInput,
  type GetParameterCommandInput,
  InvalidDocument,
  InvalidInstanceId,
  InvalidParameters,
  InvocationDoesNotExist,
  type ListCommandsCommandInput,
  ParameterNotFound,
  type SendCommandCommandInput,
  SSMServiceException,
} from '@aws-sdk/client-ssm';
import { awsError } from '../aws-errors';
import { commandStatusEvent } from '../events';
import { timings } from '../timings';
import { JOIN_DOCUMENT } from './constants';
import type { SsmContext } from './context';
import { documentPatterns, timedOut } from './documents';
import { unreadableSpecs } from './misconfigurations';
import type { SimCommand, SimInstance, SimInvocation } from './types';

/** Terminal invocation statuses among those the model produces (aws-facts 2, 4.3). */
const TERMINAL = new Set(['Success', 'Failed', 'TimedOut', 'Cancelled']);
/** GetCommandInvocation returns the first 24,000 characters of stdout and 8,000 of stderr (aws-facts 4.3). */
const MAX_OUTPUT = 24_000;
const MAX_ERROR_OUTPUT = 8000;

export class Ssm {
  constructor(private readonly ctx: SsmContext) {}

  /**
   * Only nodes whose agent is online are listed, with ComputerName the FQDN once joined (aws-facts 4.4).
   * AgentVersion, PlatformName and IPAddress are fixed placeholders: gmsa-ready reads none of them.
   */
  describeInstanceInformation(input: DescribeInstanceInformationCommandInput) {
    const ids =
      input.Filters?.find((f) => f.Key === 'InstanceIds')?.Values ??
      input.InstanceInformationFilterList?.find((f) => f.key === 'InstanceIds')?.valueSet ??
      [];
    const listed = ids
      .map((id) => this.ctx.instance(id))
      .filter((instance): instance is SimInstance => !!instance?.agentOnline)
      .map((instance) => ({
        InstanceId: instance.instanceId,
        // management-host-offline: the agent stopped reporting; SSM lists the node ConnectionLost (aws-facts 4.4).
        PingStatus: instance.connectionLost ? ('ConnectionLost' as const) : ('Online' as const),
        LastPingDateTime: new Date(this.ctx.clock.now() * 1000),
        AgentVersion: '3.3.1142.0',
        IsLatestVersion: true,
        PlatformType: instance.platform === 'windows' ? ('Windows' as const) : ('Linux' as const),
        PlatformName: instance.platform === 'windows' ? 'Microsoft Windows Server 2022 Datacenter' : 'Amazon Linux',
        ResourceType: 'EC2Instance' as const,
        ComputerName: this.ctx.computerName(instance),
        IPAddress: '10.0.0.10',
      }));
    // A page of MaxResults (5-50, default 10), NextToken for the rest (aws-facts 4.4); the token is the model's own.
    const pageSize = input.MaxResults ?? 10;
    if (pageSize < 5 || pageSize > 50)
      throw awsError(SSMServiceException, 'ValidationException', 'MaxResults must be between 5 and 50');
    const from = Number(input.NextToken ?? 0);
    const page = listed.slice(from, from + pageSize);
    const more = from + pageSize < listed.length;
    return { InstanceInformationList: page, ...(more ? { NextToken: String(from + pageSize) } : {}) };
  }

  /**
   * InvalidInstanceId for a node whose agent is not online or that is not running, InvalidDocument for an
   * unknown document, InvalidParameters when a value breaks the document's allowedPattern (aws-facts 4.1;
   * the error messages are the model's own wording). TimeoutSeconds defaults to 3600 (aws-facts 4.2).
   * Several InstanceIds (at most 50, aws-facts 4.1) make one command with one invocation, one status event and
   * one GetCommandInvocation answer per instance (aws-facts 2: the Invocation event names its instance); one id
   * in a bad state refuses the whole call. It is one request against the SendCommand quota (lib/sandbox/quotas.ts
   * counts calls). A repeated id is DuplicateInstanceId (aws-facts 4.1); over 50 ids the model answers with a
   * ValidationException, the error the SDK models for a broken member constraint (its wording is the model's).
   */
  sendCommand(input: SendCommandCommandInput) {
    const { ctx } = this;
    const documentName = input.DocumentName ?? '';
    const kind = this.documentKind(documentName);
    const instanceIds = input.InstanceIds ?? [];
    if (instanceIds.length > 50)
      throw awsError(
        SSMServiceException,
        'ValidationException',
        "Value at 'instanceIds' failed to satisfy constraint: Member must have length less than or equal to 50",
      );
    if (new Set(instanceIds).size !== instanceIds.length)
      throw awsError(DuplicateInstanceId, 'DuplicateInstanceId', 'Instance Id list contains duplicate Ids');
    for (const id of instanceIds) {
      const instance = ctx.instance(id);
      if (!instance?.agentOnline || instance.state !== 'running')
        throw awsError(InvalidInstanceId, 'InvalidInstanceId', 'Instances not in a valid state for account');
    }
    const parameters = (input.Parameters ?? {}) as Record<string, string[]>;
    if (kind === 'groupChange' || kind === 'listMembers' || kind === 'doctorProbe')
      this.checkParameters(kind, parameters);
    const now = ctx.clock.now();
    const command: SimCommand = {
      commandId: ctx.random.uuid(),
      documentName,
      instanceIds: [...instanceIds],
      parameters,
      requestedAt: now,
      timeoutSeconds: input.TimeoutSeconds ?? 3600,
      invocations: new Map(),
    };
    ctx.commands.set(command.commandId, command);
    for (const id of instanceIds) this.start(command, ctx.instance(id) as SimInstance);
    return {
      Command: {
        CommandId: command.commandId,
        DocumentName: documentName,
        InstanceIds: command.instanceIds,
        Parameters: parameters,
        Status: 'Pending' as const,
        RequestedDateTime: new Date(now * 1000),
        TimeoutSeconds: command.timeoutSeconds,
        TargetCount: instanceIds.length,
      },
    };
  }

  /**
   * ListCommands with the InstanceId and the DocumentName / InvokedAfter filters gmsa-ready uses (filter keys
   * from the SSM API model, botocore `ssm` CommandFilterKey). Unpaged: no source says how AWS pages these.
   */
  listCommands(input: ListCommandsCommandInput) {
    const filter = (key: string) => input.Filters?.find((f) => f.key === key)?.value;
    const document = filter('DocumentName');
    const after = filter('InvokedAfter');
    const since = after === undefined ? Number.NEGATIVE_INFINITY : Date.parse(after) / 1000;
    const commands = [...this.ctx.commands.values()].filter(
      (c) =>
        (!input.InstanceId || c.instanceIds.includes(input.InstanceId)) &&
        (!document || c.documentName === document) &&
        c.requestedAt >= since,
    );
    return {
      Commands: commands.map((c) => ({
        CommandId: c.commandId,
        DocumentName: c.documentName,
        InstanceIds: c.instanceIds,
        Parameters: c.parameters,
        RequestedDateTime: new Date(c.requestedAt * 1000),
      })),
    };
  }

  getCommandInvocation(input: GetCommandInvocationCommandInput) {
    const command = this.ctx.commands.get(input.CommandId ?? '');
    const invocation = command?.invocations.get(input.InstanceId ?? '');
    // Run Command is eventually consistent: a fresh invocation is not visible yet (aws-facts 4.3). How long
    // that lasts is not documented; timings.invocationVisible is a guess.
    if (!command || !invocation || this.ctx.clock.now() < command.requestedAt + timings.invocationVisible)
      throw awsError(InvocationDoesNotExist, 'InvocationDoesNotExist', '');
    const status = this.statusOf(invocation);
    return {
      CommandId: command.commandId,
      InstanceId: invocation.instanceId,
      DocumentName: command.documentName,
      Status: status as 'Success',
      StatusDetails: TERMINAL.has(status)
        ? invocation.statusDetails
        : status === 'InProgress'
          ? 'InProgress'
          : 'Pending',
      ResponseCode: TERMINAL.has(status) ? invocation.responseCode : -1,
      StandardOutputContent: invocation.output.slice(0, MAX_OUTPUT),
      StandardErrorContent: invocation.error.slice(0, MAX_ERROR_OUTPUT),
      ExecutionStartDateTime: new Date(invocation.startAt * 1000).toISOString(),
    };
  }

  /** A name or an ARN; the ARN is `arn:aws:ssm:REGION:ACCOUNT:parameter/NAME`; missing → ParameterNotFound (aws-facts 5). */
  getParameter(input: GetParameterCommandInput) {
    const { world } = this.ctx;
    const name = input.Name ?? '';
    const arn = name.startsWith('arn:')
      ? name
      : `arn:aws:ssm:${world.region}:${world.account}:parameter/${name.replace(/^\//, '')}`;
    const value = world.credentialSpecs[arn];
    if (value === undefined || !arn.includes(':ssm:')) throw awsError(ParameterNotFound, 'ParameterNotFound', '');
    // credspec-unreadable: the KMS key of a SecureString denies Decrypt, which GetParameter reports as its own
    // AccessDeniedException (the SSM API reference lists it; the wording is the model's).
    if (unreadableSpecs(world).has(arn))
      throw awsError(
        SSMServiceException,
        'AccessDeniedException',
        `User is not authorized to perform: kms:Decrypt on the key of ${arn.split(':parameter')[1]}`,
      );
    return {
      Parameter: {
        Name: `/${arn.split(':parameter/')[1]}`,
        Type: 'String' as const,
        Value: typeof value === 'string' ? value : JSON.stringify(value),
        Version: 1,
        ARN: arn,
        DataType: 'text',
      },
    };
  }

  /**
   * The aggregate status a command shows (one invocation's for a command sent to one host). For
   * several invocations the model's own rule (first unfinished, else first unsuccessful): no source found.
   */
  commandStatus(command: SimCommand): string {
    const statuses = [...command.invocations.values()].map((i) => this.statusOf(i));
    return statuses.find((s) => !TERMINAL.has(s)) ?? statuses.find((s) => s !== 'Success') ?? 'Success';
  }

  private statusOf(invocation: SimInvocation): string {
    if (TERMINAL.has(invocation.status)) return invocation.status;
    return this.ctx.clock.now() < invocation.startAt ? 'Pending' : 'InProgress';
  }

  private documentKind(name: string): 'join' | 'refresh' | 'groupChange' | 'listMembers' | 'doctorProbe' {
    const { documents } = this.ctx;
    if (name === JOIN_DOCUMENT || name === documents.joinWindows || name === documents.joinLinux) return 'join';
    if (name === documents.refreshWindows || name === documents.refreshLinux) return 'refresh';
    if (name === documents.groupChange) return 'groupChange';
    if (name === documents.listMembers) return 'listMembers';
    if (name === documents.doctorProbe) return 'doctorProbe';
    throw awsError(InvalidDocument, 'InvalidDocument', `Document ${name} does not exist in your account`);
  }

  /** The documents' allowedPattern: SSM refuses the whole command when a value does not match. */
  private checkParameters(kind: keyof typeof documentPatterns, parameters: Record<string, string[]>): void {
    for (const [name, pattern] of Object.entries(documentPatterns[kind])) {
      const values = parameters[name];
      if (values?.length !== 1 || !pattern.test(values[0] as string))
        throw awsError(
          InvalidParameters,
          'InvalidParameters',
          `Parameter "${name}" value ${JSON.stringify(values ?? null)} does not match the allowedPattern ${pattern.source}`,
        );
    }
  }

  private start(command: SimCommand, instance: SimInstance): void {
    const { ctx } = this;
    // A node whose agent lost its connection accepts the command, which never runs: it ends in a delivery
    // timeout (aws-facts 4.2; world misconfiguration management-host-offline).
    const execution = instance.connectionLost ? { finish: () => timedOut } : ctx.execute(command, instance);
    const startAt = command.requestedAt + timings.commandStart;
    const endAt =
      execution.duration === undefined ? command.requestedAt + command.timeoutSeconds : startAt + execution.duration;
    const invocation: SimInvocation = {
      instanceId: instance.instanceId,
      status: 'Pending',
      statusDetails: 'Pending',
      responseCode: -1,
      output: '',
      error: '',
      startAt,
      endAt,
    };
    command.invocations.set(instance.instanceId, invocation);
    ctx.observe(
      instance.management ? undefined : instance.instanceId,
      'command',
      `${command.documentName} sent (${command.commandId.slice(0, 8)})`,
    );
    ctx.clock.at(endAt, `command ${command.commandId} on ${instance.instanceId}`, () => {
      // A host that died meanwhile never reports and its document's effects never land: with no terminal
      // response from the agent the invocation ends in a delivery timeout (aws-facts 4.2).
      const gone = instance.state === 'terminated';
      const outcome = execution.duration === undefined || gone ? timedOut : execution.finish();
      Object.assign(invocation, { ...outcome, error: outcome.error ?? '' });
      ctx.journal.executions.push({
        at: ctx.clock.now(),
        commandId: command.commandId,
        documentName: command.documentName,
        targetInstanceId: instance.instanceId,
        parameters: command.parameters,
        status: outcome.status,
        statusDetails: outcome.statusDetails,
        ran: outcome !== timedOut,
        output: outcome.output,
      });
      ctx.observe(
        instance.management ? undefined : instance.instanceId,
        'command',
        `${command.documentName} ${outcome.status}`,
      );
      // The status-change event carries no output (aws-facts 2), best effort like every SSM event (aws-facts 9).
      const event = commandStatusEvent(ctx.events.context(), command, instance.instanceId, outcome.status);
      ctx.events.deliver('commandStatus', `status event ${command.commandId}`, () => ctx.commandStatusTarget(event));
    });
  }
}
