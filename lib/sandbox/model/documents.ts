// What each SSM document does to the world when it runs on a host, and how long it takes. Effects
// land when the invocation ends; the output follows the project documents' contract
// (GMSA-READY-RESULT / GMSA-READY-MEMBER lines, ssm/group-change.yml and ssm/list-members.yml).
// Sources: aws-facts 4.7 (the join), 6.5 (the ECS agent), 8.1-8.3 (names, cmdlets, tickets); durations in
// lib/sandbox/timings.ts are rough guesses, not measured.
import { patterns } from '../../config/patterns';
import { GMSA_NAMES } from '../../doctor/probe-output';
import { LAST_PAGE, MEMBERS_PER_PAGE, START_AFTER } from '../../workflow/scavenge';
import { timings } from '../timings';
import { JOIN_DOCUMENT, WINDOWS_NAME_ALPHABET } from './constants';
import type { DocumentsContext, Execution, Outcome } from './context';
import type { Computer } from './directory';
import type { SimCommand, SimInstance } from './types';

/** A hung invocation at the command's timeout: "Delivery Timed Out" (aws-facts 4.2, 4.3). */
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

/**
 * The allowedPattern of each parameter of ssm/group-change.yml and ssm/list-members.yml (kept equal to the
 * files by hand): SendCommand rejects anything else (aws-facts 4.1, InvalidParameters). The refresh
 * documents' patterns are not checked by the model.
 */
export const documentPatterns: Record<'groupChange' | 'listMembers' | 'doctorProbe', Record<string, RegExp>> = {
  groupChange: {
    Action: /^(resolve|add|remove|delete)$/,
    GroupName: patterns.adGroupName,
    ComputerNames: /^[A-Za-z0-9][A-Za-z0-9-]{0,14}\$(,[A-Za-z0-9][A-Za-z0-9-]{0,14}\$){0,49}$/,
    ObjectSids:
      /^(-|S-1-5-21-[0-9]{1,10}-[0-9]{1,10}-[0-9]{1,10}-[0-9]{1,10})(,(-|S-1-5-21-[0-9]{1,10}-[0-9]{1,10}-[0-9]{1,10}-[0-9]{1,10})){0,49}$/,
    DeleteComputerAccount: /^(true|false)$/,
    DomainName: patterns.dnsName,
  },
  listMembers: { GroupName: patterns.adGroupName, DomainName: patterns.dnsName, StartAfter: START_AFTER },
  doctorProbe: { GroupName: patterns.adGroupName, DomainName: patterns.dnsName, GmsaNames: GMSA_NAMES },
};

/**
 * What `Import-Module ActiveDirectory` writes when RSAT is not installed (PowerShell's ModuleNotFound error, as
 * Windows PowerShell 5.1 words it); with $ErrorActionPreference = 'Stop' the script ends there, exit 1.
 */
export const AD_MODULE_MISSING =
  "Import-Module : The specified module 'ActiveDirectory' was not loaded because no valid module file was found in any module directory.";

export function execute(ctx: DocumentsContext, command: SimCommand, instance: SimInstance): Execution {
  const { documents } = ctx;
  const p = (name: string) => command.parameters[name]?.[0] ?? '';
  const management = [documents.groupChange, documents.listMembers].includes(command.documentName);
  if (management && instance.adModuleMissing)
    return { duration: timings.groupChangeBase, finish: () => failure('', `${AD_MODULE_MISSING}\n`) };
  switch (command.documentName) {
    case documents.doctorProbe:
      return doctorProbe(ctx, instance, p('GroupName'), p('GmsaNames'));
    case JOIN_DOCUMENT:
      return join(ctx, instance, p('directoryId'), p('directoryName'), p('directoryOU') || undefined);
    case documents.joinWindows:
    case documents.joinLinux:
      return selfManagedJoin(ctx, instance, command.documentName === documents.joinLinux ? 'linux' : 'windows', {
        domain: p('DomainName'),
        secretArn: p('SecretArn'),
        ou: p('OuPath') || undefined,
      });
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
        p('ObjectSids').split(','),
        p('DeleteComputerAccount'),
      );
    default:
      return listMembers(ctx, p('GroupName'), p('StartAfter') || '-');
  }
}

function join(
  ctx: DocumentsContext,
  instance: SimInstance,
  directoryId: string,
  directoryName: string,
  ou: string | undefined,
): Execution {
  const { directory } = ctx;
  // The failure texts below are the model's own: no captured output of a failed AWS-JoinDirectoryServiceDomain.
  if (directoryId !== directory.id || directoryName.toLowerCase() !== directory.name.toLowerCase())
    return { duration: 30, finish: () => failure(`Directory ${directoryId} (${directoryName}) was not found.`) };
  if (instance.faults.has('join-times-out')) return { finish: () => timedOut };
  if (instance.faults.has('join-fails'))
    return {
      duration: timings.joinFailure,
      // "Domain join failed." is what the plugin appends to its output (amazon-ssm-agent domainjoin_windows.go);
      // the error output is the world's joinError, else the model's line with Windows error 1355's text.
      finish: () =>
        failure(
          'Domain join failed.',
          instance.joinError ??
            'Domain join failed: The specified domain either does not exist or could not be contacted. (1355)',
        ),
    };
  // Joining again changes nothing (aws-facts 4.7 for Linux, fact 24; assumed the same on Windows).
  if (instance.joined)
    return { duration: 10, finish: () => success(`The instance is already joined to ${directory.name}.`) };
  const windows = instance.platform === 'windows';
  return {
    duration: windows ? timings.joinWindows : timings.joinLinux,
    finish: () => {
      // The Linux join renames the host to EC2AMAZ- + 6 characters (aws-facts 4.7, fact 24); the name is drawn
      // when the join runs. AWS draws from [a-zA-Z0-9]; the model draws upper case and digits only.
      // The computer account is the NetBIOS name, at most 15 characters, plus $ (aws-facts 8.1).
      const hostname = windows ? instance.hostname : `EC2AMAZ-${ctx.random.chars(6, WINDOWS_NAME_ALPHABET)}`;
      const accountName = `${hostname.slice(0, 15).toUpperCase()}$`;
      // A name already taken (two hosts whose names share 15 characters, aws-facts 8.1): no source says what
      // the join reports, so the model fails it, the safer choice.
      if (directory.hasComputer(accountName))
        return failure(`Domain join failed: the computer account ${accountName} already exists.`);
      instance.hostname = hostname;
      instance.joined = true;
      ctx.createComputerAccount(instance, accountName, ou);
      ctx.observe(instance.instanceId, 'join', `joined ${directory.name} as ${accountName}`);
      // Windows reboots to finish the join (SuccessAndReboot), which restarts the ECS agent; Linux requests no
      // reboot (aws-facts 4.7, 6.5).
      if (windows) ctx.restartEcsAgent(instance);
      return success(windows ? 'Domain join succeeded. SuccessAndReboot' : `Joined ${directory.name} as ${hostname}`);
    },
  };
}

/**
 * ssm/join-windows.yml and ssm/join-linux.yml (their Pester tests pin the lines): the credential is read on the
 * host from the secret (world `secrets` as {ARN: value}); a joined host answers ok unchanged; Linux is renamed
 * EC2AMAZ- + 6 characters; Windows exits 3010 and SSM reboots it and runs the script again, which the model
 * folds into one invocation that ends with the second run's line (aws-facts 4.6). The output never holds the
 * secret's value.
 */
function selfManagedJoin(
  ctx: DocumentsContext,
  instance: SimInstance,
  documentPlatform: 'windows' | 'linux',
  input: { domain: string; secretArn: string; ou?: string },
): Execution {
  const { directory } = ctx;
  const error = (reason: string): Execution => ({
    duration: 30,
    finish: () => failure(`GMSA-READY-JOIN error ${reason}\n`, ''),
  });
  if (documentPlatform !== instance.platform)
    return { duration: 1, finish: () => ({ ...failure('Invalid platform'), statusDetails: 'Invalid Platform' }) };
  if (instance.joined) return { duration: 10, finish: () => success(`GMSA-READY-JOIN ok ${instance.hostname}\n`) };
  const secret = ctx.secretValue(input.secretArn);
  if (secret === undefined) return error(`reading the join credential ${input.secretArn} failed`);
  if (!isCredential(secret)) return error('the join credential is not JSON with username and password');
  if (input.domain.toLowerCase() !== directory.name.toLowerCase()) return error(`realm join ${input.domain} failed`); // the model's text for a domain it does not hold
  if (instance.faults.has('join-times-out')) return { finish: () => timedOut };
  if (instance.faults.has('join-fails')) return selfManagedJoinFailure(instance, input.domain);
  const windows = instance.platform === 'windows';
  return {
    duration: windows ? timings.joinWindows : timings.joinLinux,
    finish: () => {
      const hostname = windows ? instance.hostname : `EC2AMAZ-${ctx.random.chars(6, WINDOWS_NAME_ALPHABET)}`;
      const accountName = `${hostname.slice(0, 15).toUpperCase()}$`;
      if (directory.hasComputer(accountName))
        return failure(`GMSA-READY-JOIN error the computer account ${accountName} already exists\n`, '');
      instance.hostname = hostname;
      instance.joined = true;
      ctx.createComputerAccount(instance, accountName, input.ou);
      ctx.observe(instance.instanceId, 'join', `joined ${directory.name} as ${accountName}`);
      if (windows) ctx.restartEcsAgent(instance);
      return success(`GMSA-READY-JOIN ok ${hostname}\n`);
    },
  };
}

/**
 * A failing self-managed join, as ssm/join-*.yml print it: Windows puts Add-Computer's message in its
 * GMSA-READY-JOIN line (standard output); Linux prints realm's own error on standard error. The text is the
 * world's joinError, else a domain that cannot be found: Add-Computer's FailToJoinDomainFromWorkgroup with
 * Windows error 1355 (PowerShell ComputerResources.resx), realm's "No such realm found" (realmd realm-join.c).
 */
function selfManagedJoinFailure(instance: SimInstance, domain: string): Execution {
  const windows = instance.platform === 'windows';
  const text =
    instance.joinError ??
    (windows
      ? `Computer '${instance.hostname}' failed to join domain '${domain}' from its current workgroup 'WORKGROUP' with following error message: The specified domain either does not exist or could not be contacted.`
      : 'realm: No such realm found');
  return {
    duration: 30,
    finish: () =>
      windows
        ? failure(`GMSA-READY-JOIN error Add-Computer failed: ${text.replace(/[\r\n]+/g, ' ').trim()}\n`, '')
        : failure(`GMSA-READY-JOIN error realm join ${domain} failed\n`, `${text}\n`),
  };
}

function isCredential(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return (
      typeof value === 'object' &&
      value !== null &&
      typeof (value as Record<string, unknown>).username === 'string' &&
      typeof (value as Record<string, unknown>).password === 'string'
    );
  } catch {
    return false;
  }
}

function refresh(ctx: DocumentsContext, instance: SimInstance, documentPlatform: 'windows' | 'linux'): Execution {
  // A document for the other platform ends "Invalid Platform" (an invocation status detail, aws-facts 2).
  if (documentPlatform !== instance.platform)
    return { duration: 1, finish: () => ({ ...failure('Invalid platform'), statusDetails: 'Invalid Platform' }) };
  // The lines ssm/refresh-windows.yml and ssm/refresh-linux.yml print (their Pester tests pin them): a failed
  // klist purge on Windows, a credentials-fetcher that does not restart on Linux (systemd's message on stderr).
  if (instance.faults.has('refresh-fails'))
    return {
      duration: 10,
      finish: () =>
        instance.platform === 'windows'
          ? failure('GMSA-READY-REFRESH error klist purge exited with 1\n', '')
          : failure(
              'GMSA-READY-REFRESH error systemctl restart credentials-fetcher failed\n',
              'Job for credentials-fetcher.service failed because the control process exited with error code.\n',
            ),
    };
  return {
    duration: instance.platform === 'windows' ? timings.refreshWindows : timings.refreshLinux,
    finish: () => {
      // Purging the tickets and restarting the agents: the ECS agent re-reads the join state (aws-facts 6.5, 8.3).
      ctx.restartEcsAgent(instance);
      return success('GMSA-READY-REFRESH ok\n');
    },
  };
}

/**
 * ssm/group-change.yml: resolve prints each account's identity; add, remove and delete act on the objectSID
 * passed with each name, and when that object is gone report `gone` and leave the name's holder alone.
 */
function groupChange(
  ctx: DocumentsContext,
  commandId: string,
  action: string,
  group: string,
  names: string[],
  sids: string[],
  deleteComputerAccount: string,
): Execution {
  const { directory } = ctx;
  return {
    duration: timings.groupChangeBase + timings.groupChangePerName * names.length,
    finish: () => {
      // Add-/Remove-ADGroupMember are permissive (aws-facts 8.2); the access-denied text is the usual AD message.
      const notFound = (identity: string) =>
        `Cannot find an object with identity: '${identity}' under: '${directory.name}'.`;
      const lines = names.flatMap((name, i): string[] => {
        const result = (outcome: string) => `GMSA-READY-RESULT ${name} ${outcome}`;
        if (!directory.groupExists(group)) return [result(`error ${notFound(group)}`)];
        if (action === 'resolve') {
          const computer = directory.computer(name);
          if (!computer) return [result(`error ${notFound(name)}`)];
          // Direct membership by the object (memberOf holds the group's DN, which follows the object).
          const member = directory.isMemberSid(group, computer.objectSid) ? 'member' : 'not-member';
          return [
            `GMSA-READY-IDENTITY ${name} ${identityJson(computer)}`,
            `GMSA-READY-MEMBERSHIP ${name} ${computer.objectSid} ${member}`,
            result('ok'),
          ];
        }
        const sid = sids[i] ?? '-';
        const host = ctx.instanceByComputerAccount(name);
        if (sid === '-') {
          if (action !== 'remove')
            return [result(`error no recorded objectSID: ${action} acts only on a verified object`)];
          const current = directory.computer(name);
          if (current)
            record(
              ctx,
              commandId,
              group,
              name,
              'remove',
              current.objectSid,
              () => directory.removeMember(group, current.objectSid),
              false,
            );
          return [result('ok membership removed by name; no recorded objectSID, so the account is kept')];
        }
        const computer = directory.bySid(sid);
        if (!computer) {
          const holder = directory.computer(name);
          const now = holder
            ? `the name now belongs to ${holder.objectSid}, left alone`
            : 'no object holds the name now';
          ctx.observe(host?.instanceId, 'deauthorize', `${name}: object ${sid} is gone; ${now}`);
          return [result(`gone object ${sid} no longer exists; ${now}`)];
        }
        if (action === 'add') {
          const error = host?.faults.has('authorize-fails')
            ? 'Insufficient access rights to perform the operation'
            : record(ctx, commandId, group, name, 'add', sid, () => directory.addMember(group, sid), false);
          return [error ? result(`error ${error}`) : result('ok')];
        }
        const remove = deleteComputerAccount === 'true';
        if (action === 'delete') {
          if (remove) {
            directory.removeBySid(sid);
            ctx.observe(host?.instanceId, 'deauthorize', `delete ${name}`);
          }
          return [result('ok')];
        }
        const error = record(
          ctx,
          commandId,
          group,
          name,
          'remove',
          sid,
          () => {
            const failed = directory.removeMember(group, sid);
            if (!failed && remove) directory.removeBySid(sid);
            return failed;
          },
          true,
        );
        return [error ? result(`error ${error}`) : result('ok')];
      });
      const output = `${lines.join('\n')}\n`;
      // The script counts an error, and a gone object only for add (for remove and delete nothing is left to do).
      const failed = (line: string) => / error /.test(line) || (action === 'add' && / gone /.test(line));
      return lines.some((line) => line.startsWith('GMSA-READY-RESULT') && failed(line))
        ? failure(output, 'one or more names failed')
        : success(output);
    },
  };
}

/** The identity line as the script prints it (ConvertTo-Json of an ordered table; whenCreated in ISO 8601 UTC). */
function identityJson(computer: Computer): string {
  return JSON.stringify({
    sAMAccountName: computer.name,
    objectSid: computer.objectSid,
    objectGuid: computer.objectGuid,
    distinguishedName: computer.distinguishedName,
    whenCreated: new Date(computer.whenCreated * 1000).toISOString(),
    dNSHostName: computer.dNSHostName,
  });
}

/** Applies a membership change and journals it for the invariants; returns the error, if any. */
function record(
  ctx: DocumentsContext,
  commandId: string,
  group: string,
  name: string,
  action: 'add' | 'remove',
  objectSid: string,
  change: () => string | undefined,
  mayDelete: boolean,
): string | undefined {
  const { directory } = ctx;
  const host = ctx.instanceByComputerAccount(name);
  const wasMember = directory.isMemberSid(group, objectSid);
  const hadComputer = !!directory.bySid(objectSid);
  const error = change();
  ctx.journal.membership.push({
    at: ctx.clock.now(),
    commandId,
    group,
    account: name,
    action,
    ok: !error,
    changed: wasMember !== directory.isMemberSid(group, objectSid),
    computerDeleted: mayDelete && hadComputer && !directory.bySid(objectSid),
    instanceId: host?.instanceId,
    hostState: host?.state,
    hostJoined: host?.joined,
  });
  if (!error)
    ctx.observe(
      host?.instanceId,
      action === 'add' ? 'authorize' : 'deauthorize',
      `${action} ${name} ${action === 'add' ? 'to' : 'from'} ${group}`,
    );
  return error;
}

/**
 * ssm/doctor-probe.yml (its Pester test pins the lines): read-only. Without the AD module it says so and stops;
 * otherwise the host group, each gMSA's PrincipalsAllowedToRetrieveManagedPassword, and the KDS root key.
 */
function doctorProbe(ctx: DocumentsContext, instance: SimInstance, group: string, gmsaNames: string): Execution {
  const { directory } = ctx;
  const line = (text: string) => `GMSA-READY-PROBE ${text}\n`;
  return {
    duration: timings.listMembers,
    finish: () => {
      if (instance.adModuleMissing) return success(line(`ad-module missing ${AD_MODULE_MISSING}`));
      const notFound = (identity: string) =>
        `Cannot find an object with identity: '${identity}' under: '${directory.domainDn}'.`;
      const gmsas = gmsaNames === '-' ? [] : gmsaNames.split(',');
      const groupFound = directory.groupExists(group);
      return success(
        [
          line('ad-module ok'),
          line(groupFound ? 'host-group ok' : `host-group missing ${notFound(group)}`),
          ...(groupFound
            ? gmsas.map((name) => {
                const allows = directory.gmsaAllows(name, group);
                if (allows === undefined) return line(`gmsa ${name} missing ${notFound(name)}`);
                return line(`gmsa ${name} ${allows ? 'allowed' : 'not-allowed'}`);
              })
            : []),
          line(directory.kdsRootKey ? 'kds-root-key ok' : 'kds-root-key missing Get-KdsRootKey returned no key'),
        ].join(''),
      );
    },
  };
}

/**
 * One page of ssm/list-members.yml: the members after StartAfter in ordinal order of their upper-cased names,
 * at most MEMBERS_PER_PAGE, then the GMSA-READY-PAGE marker (the document's own paging, run under pwsh in
 * test/documents/list-members.Tests.ps1).
 */
function listMembers(ctx: DocumentsContext, group: string, after: string): Execution {
  return {
    duration: timings.listMembers,
    finish: () => {
      const all = ctx.directory
        .memberObjects(group)
        .map((computer) => ({ key: computer.name.toUpperCase(), sid: computer.objectSid }))
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      const rest = all.filter((m) => after === '-' || m.key > after);
      const page = rest.slice(0, MEMBERS_PER_PAGE);
      const next = rest.length > page.length ? (page.at(-1)?.key ?? LAST_PAGE) : LAST_PAGE;
      const lines = page.map((m) => `GMSA-READY-MEMBER ${m.key} ${m.sid}\r\n`).join('');
      return success(`${lines}GMSA-READY-PAGE ${after} ${page.length} ${all.length} ${next}\r\n`);
    },
  };
}
