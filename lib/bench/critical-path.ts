// Per-host timings read from the simulated account (what Auto Scaling and SSM saw, not what gmsa-ready
// believes): time to ready, the modelled AWS work on the host's critical path, and the rest, which is
// gmsa-ready's own overhead. docs/performance.md defines each term.

import type { Account } from '../sandbox/model/account';
import { JOIN_DOCUMENT } from '../sandbox/model/constants';
import type { SimCommand, SimInstance, SimLifecycleAction } from '../sandbox/model/types';
import { timings } from '../sandbox/timings';

export interface HostTiming {
  instanceId: string;
  /** Launch action start (boot) to CompleteLifecycleAction CONTINUE; undefined if the host never got there. */
  timeToReady?: number;
  /** Modelled AWS work on the launch's critical path. */
  awsWork?: number;
  /** timeToReady - awsWork. */
  overhead?: number;
  /** Terminate action start to its completion. */
  timeToTerminate?: number;
  launchStartedAt: number;
  readyAt?: number;
}

type Kind = 'join' | 'authorize' | 'refresh';

export function hostTimings(account: Account): HostTiming[] {
  const commands = commandsByHost(account);
  return [...account.instances.values()]
    .filter((host) => !host.management && host.launchedAt !== undefined)
    .map((host) => timing(host, commands));
}

function timing(host: SimInstance, commands: Map<string, Command[]>): HostTiming {
  const launch = completed(host, 'launch');
  const terminate = completed(host, 'terminate');
  const result: HostTiming = {
    instanceId: host.instanceId,
    launchStartedAt: (host.actions[0]?.startedAt ?? host.launchedAt) as number,
    timeToTerminate: terminate && (terminate.completedAt as number) - terminate.startedAt,
  };
  if (launch?.result !== 'CONTINUE') return result;
  const readyAt = launch.completedAt as number;
  // The last command of each kind sent during the launch is the one that carried the host on.
  const launchCommands = (commands.get(host.instanceId) ?? []).filter(
    (c) => c.requestedAt >= launch.startedAt && c.endAt <= readyAt,
  );
  const commandWork = (['join', 'authorize', 'refresh'] as Kind[])
    .map((kind) => launchCommands.filter((c) => c.kind === kind).at(-1))
    .reduce((sum, c) => sum + (c ? c.endAt - c.requestedAt : 0), 0);
  // The SSM agent comes online after boot; then the commands run one after another, while the ECS agent
  // registers on its own: whichever ends later bounds the launch.
  const awsWork = timings.agentOnline + Math.max(commandWork, timings.ecsRegister);
  const timeToReady = readyAt - launch.startedAt;
  return { ...result, readyAt, timeToReady, awsWork, overhead: timeToReady - awsWork };
}

function completed(host: SimInstance, transition: 'launch' | 'terminate'): SimLifecycleAction | undefined {
  return host.actions.filter((a) => a.transition === transition && a.completedBy === 'CompleteLifecycleAction').at(-1);
}

interface Command {
  kind: Kind;
  requestedAt: number;
  endAt: number;
}

/** Host id -> the join, refresh and group-add commands that served it (a group change names hosts by account). */
function commandsByHost(account: Account): Map<string, Command[]> {
  const byHost = new Map<string, Command[]>();
  const add = (instanceId: string | undefined, command: Command) => {
    if (!instanceId) return;
    const list = byHost.get(instanceId) ?? [];
    list.push(command);
    byHost.set(instanceId, list);
  };
  const { documents } = account;
  for (const command of account.commands.values()) {
    const kind = kindOf(command, documents);
    if (!kind) continue;
    for (const [target, invocation] of command.invocations) {
      const entry = { kind, requestedAt: command.requestedAt, endAt: invocation.endAt };
      if (kind !== 'authorize') add(target, entry);
      else
        for (const name of (command.parameters.ComputerNames?.[0] ?? '').split(','))
          add(account.instanceByComputerAccount(name)?.instanceId, entry);
    }
  }
  return byHost;
}

function kindOf(command: SimCommand, documents: Account['documents']): Kind | undefined {
  if (command.documentName === JOIN_DOCUMENT) return 'join';
  if (command.documentName === documents.refreshWindows || command.documentName === documents.refreshLinux)
    return 'refresh';
  if (command.documentName === documents.groupChange && command.parameters.Action?.[0] === 'add') return 'authorize';
  return undefined;
}
