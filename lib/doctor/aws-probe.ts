// The doctor's probe against a deployed stage, with the operator's credentials: only Describe, List and
// Get calls, plus ssm:SendCommand of the read-only DoctorProbe document to the management host, whose
// result the CLI polls (the CLI is not Lambda: waiting is fine here, bounded). docs/doctor.md lists every
// call as an IAM action; test/doctor/aws-probe.test.ts checks the list and that each call is read-only.
import {
  type AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  DescribeLifecycleHooksCommand,
} from '@aws-sdk/client-auto-scaling';
import { DescribeDirectoriesCommand, type DirectoryServiceClient } from '@aws-sdk/client-directory-service';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type EventBridgeClient, ListRulesCommand } from '@aws-sdk/client-eventbridge';
import type { S3Client } from '@aws-sdk/client-s3';
import { DescribeSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetQueueAttributesCommand, GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';
import {
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  SendCommandCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { describeError, errorName } from '../aws/errors';
import { fetchObject, fetchParameter } from '../credspec/fetch';
import { parseSource } from '../credspec/source';
import type { GroupFact, Read } from './facts';
import type { Probe } from './probe';

export interface AwsProbeClients {
  autoScaling: AutoScalingClient;
  directory: DirectoryServiceClient;
  dynamo: DynamoDBClient;
  events: EventBridgeClient;
  s3: S3Client;
  secrets: SecretsManagerClient;
  sqs: SQSClient;
  ssm: SSMClient;
}

export interface AwsProbeOptions {
  /** The stage's DoctorProbe document: the only document this probe sends. */
  probeDocument: string;
  /** How long to wait for the probe document's result before saying so. */
  timeoutSeconds: number;
  /** Between GetCommandInvocation polls (tests pass one that does not wait). */
  sleep?: (ms: number) => Promise<void>;
  /** Wall-clock seconds (tests pass a fake). */
  now?: () => number;
}

/** Between polls of the probe's invocation: the JS SDK's waitUntilCommandExecuted starts at 5 s (aws-facts 4.3). */
export const POLL_MS = 3000;
const PENDING = new Set(['Pending', 'InProgress', 'Delayed']);

const ok = <T>(value: T): Read<T> => ({ ok: true, value });
const failed = (error: unknown): Read<never> => ({ ok: false, error: describeError(error) });

/** A read whose not-found error means "absent": the value becomes undefined instead of an error. */
async function absentOn<T>(names: string[], read: () => Promise<T>): Promise<Read<T | undefined>> {
  try {
    return ok(await read());
  } catch (error) {
    return names.includes(errorName(error)) ? ok(undefined) : failed(error);
  }
}

export function awsProbe(clients: AwsProbeClients, options: AwsProbeOptions): Probe {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? (() => Date.now() / 1000);
  return {
    async groups(names) {
      try {
        const found = new Set<string>();
        // DescribeAutoScalingGroups takes up to 100 names per call (its MaxRecords limit).
        for (let i = 0; i < names.length; i += 100) {
          let token: string | undefined;
          do {
            const page = await clients.autoScaling.send(
              new DescribeAutoScalingGroupsCommand({
                AutoScalingGroupNames: names.slice(i, i + 100),
                NextToken: token,
              }),
            );
            for (const g of page.AutoScalingGroups ?? []) if (g.AutoScalingGroupName) found.add(g.AutoScalingGroupName);
            token = page.NextToken;
          } while (token);
        }
        const groups: GroupFact[] = [];
        for (const name of names) {
          if (!found.has(name)) {
            groups.push({ name, exists: false });
            continue;
          }
          const out = await clients.autoScaling.send(new DescribeLifecycleHooksCommand({ AutoScalingGroupName: name }));
          groups.push({
            name,
            exists: true,
            hooks: (out.LifecycleHooks ?? []).map((h) => ({
              name: h.LifecycleHookName ?? '',
              transition: h.LifecycleTransition ?? '',
              heartbeatTimeout: h.HeartbeatTimeout ?? 0,
            })),
          });
        }
        return ok(groups);
      } catch (error) {
        return failed(error);
      }
    },
    directoryStage: (id) =>
      absentOn(['EntityDoesNotExistException'], async () => {
        const out = await clients.directory.send(new DescribeDirectoriesCommand({ DirectoryIds: [id] }));
        return out.DirectoryDescriptions?.[0]?.Stage;
      }),
    async managedNode(instanceId) {
      try {
        const out = await clients.ssm.send(
          new DescribeInstanceInformationCommand({ Filters: [{ Key: 'InstanceIds', Values: [instanceId] }] }),
        );
        const node = out.InstanceInformationList?.[0];
        return ok(
          node ? { pingStatus: node.PingStatus ?? 'unknown', platformType: node.PlatformType ?? 'unknown' } : undefined,
        );
      } catch (error) {
        return failed(error);
      }
    },
    async runProbe(instanceId, parameters) {
      let commandId: string | undefined;
      try {
        const sent = await clients.ssm.send(
          new SendCommandCommand({
            DocumentName: options.probeDocument,
            InstanceIds: [instanceId],
            Parameters: {
              GroupName: [parameters.GroupName],
              DomainName: [parameters.DomainName],
              GmsaNames: [parameters.GmsaNames],
            },
            // Not started by then, it never runs (aws-facts 4.1): an offline host cannot leave it queued.
            TimeoutSeconds: Math.max(30, options.timeoutSeconds),
            Comment: 'gmsa-ready doctor (read-only probe)',
          }),
        );
        commandId = sent.Command?.CommandId ?? '';
        const deadline = now() + options.timeoutSeconds;
        for (;;) {
          await sleep(POLL_MS);
          const invocation = await absentOn(['InvocationDoesNotExist'], () =>
            clients.ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId })),
          );
          if (!invocation.ok) return invocation;
          const status = invocation.value?.Status;
          if (status !== undefined && !PENDING.has(status))
            return status === 'Success'
              ? ok(invocation.value?.StandardOutputContent ?? '')
              : failed(
                  `the probe command ${commandId} ended ${status} (${invocation.value?.StatusDetails}): ${(invocation.value?.StandardErrorContent ?? '').slice(0, 300)}`,
                );
          if (now() >= deadline)
            return {
              ok: false,
              error: `the probe command ${commandId} did not finish within ${options.timeoutSeconds} s (still ${status ?? 'not visible'}); see aws ssm get-command-invocation --command-id ${commandId} --instance-id ${instanceId}`,
            };
        }
      } catch (error) {
        return failed(error);
      }
    },
    async credentialSpec(arn) {
      const source = parseSource(arn);
      if (source.kind !== 'ssm' && source.kind !== 's3') return { ok: false, error: `${arn} is not an SSM or S3 ARN` };
      const fetched =
        source.kind === 'ssm'
          ? await fetchParameter(clients.ssm, source.arn)
          : await fetchObject(clients.s3, source.bucket, source.key);
      return 'text' in fetched ? ok(fetched.text) : { ok: false, error: fetched.finding.message };
    },
    async secretExists(arn) {
      const out = await absentOn(['ResourceNotFoundException'], () =>
        clients.secrets.send(new DescribeSecretCommand({ SecretId: arn })),
      );
      return out.ok ? ok(out.value !== undefined && out.value.DeletedDate === undefined) : out;
    },
    async rules(prefix) {
      try {
        const rules: { name: string; state: string }[] = [];
        let token: string | undefined;
        do {
          const page = await clients.events.send(new ListRulesCommand({ NamePrefix: prefix, NextToken: token }));
          for (const r of page.Rules ?? []) rules.push({ name: r.Name ?? '', state: r.State ?? 'unknown' });
          token = page.NextToken;
        } while (token);
        return ok(rules);
      } catch (error) {
        return failed(error);
      }
    },
    tableStatus: (name) =>
      absentOn(['ResourceNotFoundException'], async () => {
        const out = await clients.dynamo.send(new DescribeTableCommand({ TableName: name }));
        return out.Table?.TableStatus ?? 'unknown';
      }),
    queueMessages: (name) =>
      absentOn(['QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue'], async () => {
        const { QueueUrl } = await clients.sqs.send(new GetQueueUrlCommand({ QueueName: name }));
        const out = await clients.sqs.send(
          new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
        );
        return Number(out.Attributes?.ApproximateNumberOfMessages ?? 0);
      }),
  };
}
