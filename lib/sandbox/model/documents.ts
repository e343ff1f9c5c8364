// What each SSM document does to the world when it runs on a host, and how long it takes. Effects
// land when the invocation ends; the output follows the project documents' contract
// (GMSA-READY-RESULT / GMSA-READY-MEMBER lines).
import { patterns } from '../../config/patterns';
import { timings } from '../timings';
import { JOIN_DOCUMENT, WINDOWS_NAME_ALPHABET } from './constants';
import type { DocumentsContext, Execution, Outcome } from './context';
import type { SimCommand, SimInstance } from './types';

/** A hung invocation at the command's timeout. */
export const timedOut: Outcome = {
  status: 'TimedOut',
  statusDetails: 'Delivery Timed Out',
  responseCode: -1,
  output: '',
};

const success = (output: string): Outcome => ({ status: 'Success', statusDetails: 'Success', responseCode: 0, output });
const failure = (output: string, error = output): Outcome => ({
  status: 'Failed',
  statusDetails: 'Failed',
  responseCode: 1,
  output,
  error,
});

/** The allowedPattern of each parameter of the project's documents: SendCommand rejects anything else. */
export const documentPatterns: Record<'groupChange' | 'listMembers', Record<string, RegExp>> = {
  groupChange: {
    Action: /^(add|remove|delete)$/,
    GroupName: patterns.adGroupName,
    ComputerNames: /^[A-Za-z0-9][A-Za-z0-9-]{0,14}\$(,[A-Za-z0-9][A-Za-z0-9-]{0,14}\$){0,49}$/,
    DeleteComputerAccount: /^(true|false)$/,
    DomainName: patterns.dnsName,
  },
  listMembers: { GroupName: patterns.adGroupName, DomainName: patterns.dnsName },
};

export function execute(ctx: DocumentsContext, command: SimCommand, instance: SimInstance): Execution {
  const { documents } = ctx;
  const p = (name: string) => command.parameters[name]?.[0] ?? '';
  switch (command.documentName) {
    case JOIN_DOCUMENT:
      return join(ctx, instance, p('directoryId'), p('directoryName'));
    case documents.refreshWindows:
    case documents.refreshLinux:
      return refresh(ctx, instance, command.documentName === documents.refreshLinux ? 'linux' : 'windows');
    case documents.groupChange:
      return groupChange(
        ctx,
        command.commandId,
        p('Action'),
        p('GroupName'),
        p('ComputerNames').split(','),
        p('DeleteComputerAccount'),
      );
    default:
      return listMembers(ctx, p('GroupName'));
  }
}

function join(ctx: DocumentsContext, instance: SimInstance, directoryId: string, directoryName: string): Execution {
  const { directory } = ctx;
  if (directoryId !== directory.id || directoryName.toLowerCase() !== directory.name.toLowerCase())
    return { duration: 30, finish: () => failure(`Directory ${directoryId} (${directoryName}) was not found.`) };
  if (instance.faults.has('join-times-out')) return { finish: () => timedOut };
  if (instance.faults.has('join-fails'))
    return {
      duration: timings.joinFailure,
      finish: () =>
        failure('Domain join failed: The specified domain either does not exist or could not be contacted. (1355)'),
    };
  if (instance.joined)
    return { duration: 10, finish: () => success(`The instance is already joined to ${directory.name}.`) };
  const windows = instance.platform === 'windows';
  return {
    duration: windows ? timings.joinWindows : timings.joinLinux,
    finish: () => {
      // The Linux join renames the host (aws-facts 4.7); the name is drawn when the join runs.
      const hostname = windows ? instance.hostname : `EC2AMAZ-${ctx.random.chars(6, WINDOWS_NAME_ALPHABET)}`;
      const accountName = `${hostname.slice(0, 15).toUpperCase()}$`;
      if (directory.hasComputer(accountName))
        return failure(`Domain join failed: the computer account ${accountName} already exists.`);
      instance.hostname = hostname;
      instance.joined = true;
      ctx.createComputerAccount(instance, accountName);
      ctx.observe(instance.instanceId, 'join', `joined ${directory.name} as ${accountName}`);
      // Windows reboots to finish the join, which restarts the ECS agent; Linux requests no reboot.
      if (windows) ctx.restartEcsAgent(instance);
      return success(windows ? 'Domain join succeeded. SuccessAndReboot' : `Joined ${directory.name} as ${hostname}`);
    },
  };
}

function refresh(ctx: DocumentsContext, instance: SimInstance, documentPlatform: 'windows' | 'linux'): Execution {
  if (documentPlatform !== instance.platform)
    return { duration: 1, finish: () => ({ ...failure('Invalid platform'), statusDetails: 'Invalid Platform' }) };
  if (instance.faults.has('refresh-fails'))
    return {
      duration: 10,
      finish: () => failure('Restart-Service : Service cannot be started due to the following error: timeout'),
    };
  return {
    duration: instance.platform === 'windows' ? timings.refreshWindows : timings.refreshLinux,
    finish: () => {
      // Purging the tickets and restarting the agents: the ECS agent re-reads the join state.
      ctx.restartEcsAgent(instance);
      return success('tickets purged; ECS agent restarted');
    },
  };
}

function groupChange(
  ctx: DocumentsContext,
  commandId: string,
  action: string,
  group: string,
  names: string[],
  deleteComputerAccount: string,
): Execution {
  const { directory } = ctx;
  return {
    duration: timings.groupChangeBase + timings.groupChangePerName * names.length,
    finish: () => {
      const lines = names.map((name) => {
        const host = ctx.instanceByComputerAccount(name);
        const wasMember = directory.isMember(group, name);
        const hadComputer = directory.hasComputer(name);
        const error =
          action === 'add'
            ? host?.faults.has('authorize-fails')
              ? 'Insufficient access rights to perform the operation'
              : directory.addMember(group, name)
            : action === 'remove'
              ? directory.removeMember(group, name)
              : undefined;
        if (!error && action !== 'add' && deleteComputerAccount === 'true') directory.removeComputer(name);
        // A delete changes no membership: it is not a group change for the invariants.
        if (action === 'delete') {
          if (!error) ctx.observe(host?.instanceId, 'deauthorize', `delete ${name}`);
          return error ? `GMSA-READY-RESULT ${name} error ${error}` : `GMSA-READY-RESULT ${name} ok`;
        }
        ctx.journal.membership.push({
          at: ctx.clock.now(),
          commandId,
          group,
          account: name,
          action: action === 'add' ? 'add' : 'remove',
          ok: !error,
          changed: wasMember !== directory.isMember(group, name),
          computerDeleted: hadComputer && !directory.hasComputer(name),
          instanceId: host?.instanceId,
          hostState: host?.state,
          hostJoined: host?.joined,
        });
        if (!error)
          ctx.observe(
            ctx.instanceByComputerAccount(name)?.instanceId,
            action === 'add' ? 'authorize' : 'deauthorize',
            `${action} ${name} ${action === 'add' ? 'to' : 'from'} ${group}`,
          );
        return error ? `GMSA-READY-RESULT ${name} error ${error}` : `GMSA-READY-RESULT ${name} ok`;
      });
      const output = `${lines.join('\n')}\n`;
      return lines.some((line) => line.includes(' error '))
        ? failure(output, 'one or more names failed')
        : success(output);
    },
  };
}

function listMembers(ctx: DocumentsContext, group: string): Execution {
  return {
    duration: timings.listMembers,
    finish: () =>
      success(
        ctx.directory
          .members(group)
          .map((name) => `GMSA-READY-MEMBER ${name}\n`)
          .join(''),
      ),
  };
}
