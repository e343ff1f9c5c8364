// The doctor's probe against a sandbox world: a simulated account built from the world (its
// misconfigurations included) answers each question from the model's state, and the probe document runs
// on the model's management host on the virtual clock. The sandbox deploys the stage's table, queues and
// rules with the world, so those exist; its dead-letter queues start empty.
import type { Fleet } from '../config/schema';
import { deploymentNames } from '../sandbox/functions';
import { Account } from '../sandbox/model/account';
import { Random } from '../sandbox/random';
import { Scheduler } from '../sandbox/scheduler';
import type { World } from '../sandbox/world';
import { LAUNCHING, TERMINATING } from './checks';
import type { GroupFact, Read } from './facts';
import type { Probe, ProbeParameters } from './probe';

const ok = <T>(value: T): Read<T> => ({ ok: true, value });
const failed = (error: unknown): Read<never> => ({
  ok: false,
  error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
});

/** How long the doctor waits for the probe document, in virtual seconds here (the AWS probe: real ones). */
export const SANDBOX_PROBE_TIMEOUT = 120;

export function sandboxProbe(world: World): Probe {
  const scheduler = new Scheduler(Date.parse(world.start) / 1000);
  const names = deploymentNames(world);
  const ignore = async () => undefined;
  const account = new Account({
    world,
    scheduler,
    random: new Random(1),
    documents: names.documents,
    queueUrls: names.queueUrls,
    // Nothing is deployed to receive events: the doctor only looks.
    targets: { lifecycle: ignore, commandStatus: ignore, wake: async () => [], directory: async () => [] },
  });
  const fleetOf = (group: string): Fleet | undefined => account.fleetFor(group);

  return {
    async groups(groupNames) {
      return ok(
        groupNames.map((name): GroupFact => {
          const fleet = fleetOf(name);
          if (!fleet) return { name, exists: false };
          const hooks = (['launch', 'terminate'] as const).flatMap((transition) => {
            const hook = account.hookSetup(fleet, transition);
            return hook
              ? [
                  {
                    name: hook.name,
                    transition: transition === 'launch' ? LAUNCHING : TERMINATING,
                    heartbeatTimeout: hook.heartbeatTimeout,
                  },
                ]
              : [];
          });
          return { name, exists: true, hooks };
        }),
      );
    },
    async directoryStage(id) {
      return ok(id === world.directory.id ? 'Active' : undefined);
    },
    async managedNode(instanceId) {
      const listed = account.ssm.describeInstanceInformation({
        Filters: [{ Key: 'InstanceIds', Values: [instanceId] }],
      });
      const node = listed.InstanceInformationList[0];
      return ok(node ? { pingStatus: node.PingStatus, platformType: node.PlatformType } : undefined);
    },
    async runProbe(instanceId, parameters: ProbeParameters) {
      try {
        const sent = account.ssm.sendCommand({
          DocumentName: names.documents.doctorProbe,
          InstanceIds: [instanceId],
          Parameters: {
            GroupName: [parameters.GroupName],
            DomainName: [parameters.DomainName],
            GmsaNames: [parameters.GmsaNames],
          },
          TimeoutSeconds: SANDBOX_PROBE_TIMEOUT,
        });
        const commandId = sent.Command.CommandId;
        const deadline = scheduler.now() + SANDBOX_PROBE_TIMEOUT;
        while (scheduler.now() <= deadline) {
          const invocation = tryInvocation(account, commandId, instanceId);
          if (invocation && !['Pending', 'InProgress', 'Delayed'].includes(invocation.Status))
            return invocation.Status === 'Success'
              ? ok(invocation.StandardOutputContent)
              : failed(`the probe command ${commandId} ended ${invocation.Status} (${invocation.StatusDetails})`);
          if (!(await scheduler.step())) break;
        }
        return failed(`the probe command ${commandId} did not finish within ${SANDBOX_PROBE_TIMEOUT} s`);
      } catch (error) {
        return failed(error);
      }
    },
    async credentialSpec(arn) {
      try {
        if (arn.includes(':ssm:')) return ok(account.ssm.getParameter({ Name: arn }).Parameter.Value);
        const [bucket, ...key] = arn.slice('arn:aws:s3:::'.length).split('/');
        return ok(await account.storage.getObject({ Bucket: bucket, Key: key.join('/') }).Body.transformToString());
      } catch (error) {
        return failed(error);
      }
    },
    async secretExists(arn) {
      return ok(world.secrets.includes(arn));
    },
    async rules(prefix) {
      return ok(
        ['lifecycle', 'command-status', 'reconciler-schedule'].map((rule) => ({
          name: `${prefix}${rule}`,
          state: 'ENABLED',
        })),
      );
    },
    async tableStatus() {
      return ok('ACTIVE');
    },
    async queueMessages(name) {
      if (name.endsWith('-wake-dlq')) return ok(account.queues.deadLetters.wake.length);
      if (name.endsWith('-directory-dlq')) return ok(account.queues.deadLetters.directory.length);
      return ok(0);
    },
  };
}

function tryInvocation(account: Account, commandId: string, instanceId: string) {
  try {
    return account.ssm.getCommandInvocation({ CommandId: commandId, InstanceId: instanceId });
  } catch {
    // InvocationDoesNotExist right after SendCommand (aws-facts 4.3): ask again after the next step.
    return undefined;
  }
}
