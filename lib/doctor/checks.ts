// The doctor's judgement: Facts in, one Check per line out. Pure: no SDK, no clock, no I/O. A check whose
// evidence depends on another (the hooks on the group existing, the AD checks on the management host
// answering) is left out when that one failed, and the failed check says what it left unchecked: each
// problem fails its own line, not a cascade.
import type { Config, Fleet } from '../config/schema';
import { inspectCredSpecText } from '../credspec';
import { CHECKS, type Check, type CheckId } from './catalogue';
import type { Facts, FleetFacts, GroupFact, HookFact, ProbeLine, StageFacts } from './facts';

export const LAUNCHING = 'autoscaling:EC2_INSTANCE_LAUNCHING';
export const TERMINATING = 'autoscaling:EC2_INSTANCE_TERMINATING';

const pass = (id: CheckId, fleet: string | null, message: string): Check => ({
  id,
  fleet,
  ok: true,
  message,
  remedy: null,
});
const fail = (id: CheckId, fleet: string | null, message: string): Check => ({
  id,
  fleet,
  ok: false,
  message,
  remedy: CHECKS[id].remedy,
});
const judge = (id: CheckId, fleet: string | null, problems: string[], okMessage: string): Check =>
  problems.length === 0 ? pass(id, fleet, okMessage) : fail(id, fleet, problems.join('; '));

/** A failed check's remedy with its placeholders (GROUP, HOOK, SECONDS, GMSA) replaced by the values at hand. */
function filled(check: Check, values: Partial<Record<'GROUP' | 'HOOK' | 'SECONDS' | 'GMSA', string>>): Check {
  if (!check.remedy) return check;
  return {
    ...check,
    remedy: check.remedy.replace(/\b(GROUP|HOOK|SECONDS|GMSA)\b/g, (word) => {
      const value = values[word as keyof typeof values];
      // Group names may hold spaces: quoted, they stay one argument in a shell and in PowerShell.
      return value === undefined ? word : /\s/.test(value) ? `'${value}'` : value;
    }),
  };
}

export function runChecks(config: Config, facts: Facts): Check[] {
  return [
    ...stageChecks(facts.stage),
    ...config.fleets.flatMap((fleet) => {
      const found = facts.fleets.find((f) => f.fleet === fleet.name);
      return found ? fleetChecks(fleet, found) : [];
    }),
  ];
}

/** Exit 0 when every check passed, 1 when any failed. */
export const allPassed = (checks: Check[]): boolean => checks.every((check) => check.ok);

function stageChecks(stage: StageFacts): Check[] {
  const checks: Check[] = [];
  if (!stage.rules.ok) checks.push(fail('eventbridge-rules', null, `cannot list the rules: ${stage.rules.error}`));
  else {
    const problems = [
      ...stage.expectedRules
        .filter((name) => !stage.rules.ok || !stage.rules.value.some((r) => r.name === name))
        .map((name) => `rule ${name} does not exist`),
      ...stage.rules.value.filter((r) => r.state !== 'ENABLED').map((r) => `rule ${r.name} is ${r.state}`),
    ];
    checks.push(judge('eventbridge-rules', null, problems, `${stage.rules.value.length} rules, all ENABLED`));
  }
  const table = stage.table;
  if (!table.status.ok) checks.push(fail('table', null, `cannot describe ${table.name}: ${table.status.error}`));
  else if (table.status.value === undefined) checks.push(fail('table', null, `table ${table.name} does not exist`));
  else
    checks.push(
      judge(
        'table',
        null,
        table.status.value === 'ACTIVE' ? [] : [`table ${table.name} is ${table.status.value}`],
        `table ${table.name} is ACTIVE`,
      ),
    );
  const missing = stage.queues.flatMap((q) =>
    !q.messages.ok ? [`cannot read ${q.name}: ${q.messages.error}`] : q.messages.value === undefined ? [q.name] : [],
  );
  checks.push(
    judge(
      'queues',
      null,
      missing.map((m) => (m.startsWith('cannot') ? m : `queue ${m} does not exist`)),
      `${stage.queues.length} queues exist`,
    ),
  );
  const waiting = stage.queues.flatMap((q) =>
    q.deadLetter && q.messages.ok && (q.messages.value ?? 0) > 0 ? [`${q.name} holds ${q.messages.value}`] : [],
  );
  checks.push(judge('dead-letter-queues', null, waiting, 'every dead-letter queue is empty'));
  return checks;
}

function fleetChecks(fleet: Fleet, facts: FleetFacts): Check[] {
  return [
    ...groupChecks(fleet, facts),
    ...directoryCheck(fleet, facts),
    ...managementChecks(fleet, facts),
    ...credentialSpecChecks(fleet, facts),
  ];
}

function groupChecks(fleet: Fleet, facts: FleetFacts): Check[] {
  const name = fleet.name;
  if (!facts.groups.ok) return [fail('auto-scaling-groups', name, `cannot describe the groups: ${facts.groups.error}`)];
  const groups = facts.groups.value;
  const present = groups.filter((g): g is Extract<GroupFact, { exists: true }> => g.exists);
  const absent = groups.filter((g) => !g.exists).map((g) => g.name);
  const checks = [
    judge(
      'auto-scaling-groups',
      name,
      absent.map((g) => `group ${g} does not exist${present.length === 0 ? '; its hooks were not checked' : ''}`),
      groups.length === 1 ? `group ${groups[0]?.name} exists` : `groups ${groups.map((g) => g.name).join(', ')} exist`,
    ),
  ];
  if (present.length === 0) return checks;
  const hookOf = (group: Extract<GroupFact, { exists: true }>, hookName: string, transition: string) =>
    group.hooks.find((h) => h.name === hookName && h.transition === transition);
  const hooks: { group: string; hook: HookFact }[] = [];
  for (const [id, hookName, transition] of [
    ['launch-hook', fleet.launchHookName, LAUNCHING],
    ['terminate-hook', fleet.terminateHookName, TERMINATING],
  ] as const) {
    const problems: string[] = [];
    const lacking: string[] = [];
    for (const group of present) {
      const hook = hookOf(group, hookName, transition);
      if (hook) hooks.push({ group: group.name, hook });
      else {
        problems.push(missingHook(group, hookName, transition));
        lacking.push(group.name);
      }
    }
    const check = judge(id, name, problems, `${hookName} (${transition}) on ${present.map((g) => g.name).join(', ')}`);
    checks.push(filled(check, { GROUP: lacking[0], HOOK: hookName, SECONDS: String(fleet.heartbeatTimeoutSeconds) }));
  }
  if (hooks.length > 0) {
    const wrong = hooks
      .filter(({ hook }) => hook.heartbeatTimeout !== fleet.heartbeatTimeoutSeconds)
      .map(
        ({ group, hook }) =>
          `${hook.name} on ${group} has HeartbeatTimeout ${hook.heartbeatTimeout} s, the fleet's heartbeatTimeoutSeconds is ${fleet.heartbeatTimeoutSeconds}`,
      );
    checks.push(
      judge('hook-timeout', name, wrong, `HeartbeatTimeout ${fleet.heartbeatTimeoutSeconds} s on every hook found`),
    );
  }
  return checks;
}

function missingHook(group: Extract<GroupFact, { exists: true }>, hookName: string, transition: string): string {
  const sameName = group.hooks.find((h) => h.name === hookName);
  if (sameName) return `${hookName} on ${group.name} is for ${sameName.transition}, not ${transition}`;
  return `group ${group.name} has no hook ${hookName} for ${transition}`;
}

function directoryCheck(fleet: Fleet, facts: FleetFacts): Check[] {
  if (!facts.directory || fleet.directory.type !== 'aws-managed') return [];
  const id = fleet.directory.id;
  if (!facts.directory.ok) return [fail('directory', fleet.name, `cannot describe ${id}: ${facts.directory.error}`)];
  const stage = facts.directory.value;
  if (stage === undefined) return [fail('directory', fleet.name, `directory ${id} does not exist in this Region`)];
  return [judge('directory', fleet.name, stage === 'Active' ? [] : [`directory ${id} is ${stage}`], `${id} is Active`)];
}

const AD_CHECKS = 'ad-module, host-group, gmsa-principals and kds-root-key';

function managementChecks(fleet: Fleet, facts: FleetFacts): Check[] {
  const m = facts.management;
  if (!m) return [];
  const name = fleet.name;
  if (!m.node.ok)
    return [fail('management-host-online', name, `cannot ask SSM about ${m.instanceId}: ${m.node.error}`)];
  const node = m.node.value;
  if (!node)
    return [
      fail(
        'management-host-online',
        name,
        `${m.instanceId} is not a managed node SSM lists; ${AD_CHECKS} were not checked`,
      ),
    ];
  if (node.pingStatus !== 'Online')
    return [
      fail(
        'management-host-online',
        name,
        `${m.instanceId} is ${node.pingStatus} in SSM; ${AD_CHECKS} were not checked`,
      ),
    ];
  const checks = [pass('management-host-online', name, `${m.instanceId} is Online in SSM`)];
  if (node.platformType !== 'Windows') {
    checks.push(
      fail('management-host-windows', name, `${m.instanceId} runs ${node.platformType}; ${AD_CHECKS} were not checked`),
    );
    return checks;
  }
  checks.push(pass('management-host-windows', name, `${m.instanceId} runs Windows`));
  if (!m.probe) return checks;
  if (!m.probe.ok) {
    checks.push(fail('management-probe', name, `${m.probe.error}; ${AD_CHECKS} were not checked`));
    return checks;
  }
  return [...checks, ...probeChecks(fleet, facts, m.probe.value)];
}

function probeChecks(fleet: Fleet, facts: FleetFacts, lines: ProbeLine[]): Check[] {
  const name = fleet.name;
  const line = (what: ProbeLine['what']) => lines.find((l) => l.what === what);
  const said = (l: ProbeLine | undefined) => (l ? `${l.state}${l.detail ? `: ${l.detail}` : ''}` : 'no answer');
  const ad = line('ad-module');
  if (ad?.state !== 'ok')
    return [
      fail(
        'ad-module',
        name,
        `Import-Module ActiveDirectory on the management host: ${said(ad)}; host-group, gmsa-principals and kds-root-key were not checked`,
      ),
    ];
  const group = line('host-group');
  const kds = line('kds-root-key');
  const groupChecks =
    group?.state === 'ok'
      ? [
          pass('host-group', name, `the management host reads host group ${fleet.hostGroup}`),
          ...gmsaCheck(fleet, facts, lines),
        ]
      : [fail('host-group', name, `host group ${fleet.hostGroup}: ${said(group)}; gmsa-principals was not checked`)];
  return [
    pass('ad-module', name, 'the ActiveDirectory module loads on the management host'),
    ...groupChecks,
    judge('kds-root-key', name, kds?.state === 'ok' ? [] : [`KDS root key: ${said(kds)}`], 'a KDS root key exists'),
  ];
}

function gmsaCheck(fleet: Fleet, facts: FleetFacts, lines: ProbeLine[]): Check[] {
  const gmsas = lines.filter((l) => l.what === 'gmsa');
  const unread = facts.credentialSpecs.some((spec) => !spec.text.ok);
  // Which gMSAs to ask about comes from the specs: with one unreadable, "all allowed" cannot be claimed.
  if (gmsas.length === 0 && unread) return [];
  const problems = gmsas
    .filter((l) => l.state !== 'allowed')
    .map((l) =>
      l.state === 'not-allowed'
        ? `gMSA ${l.name}: ${fleet.hostGroup} is not in PrincipalsAllowedToRetrieveManagedPassword${l.detail ? ` (${l.detail})` : ''}`
        : `gMSA ${l.name}: ${l.state}${l.detail ? `: ${l.detail}` : ''}`,
    );
  const names = gmsas.map((l) => l.name).join(', ');
  const check = judge(
    'gmsa-principals',
    fleet.name,
    problems,
    gmsas.length === 0 ? 'no credential spec names a gMSA' : `${fleet.hostGroup} may retrieve the password of ${names}`,
  );
  return [filled(check, { GROUP: fleet.hostGroup, GMSA: gmsas.find((l) => l.state !== 'allowed')?.name })];
}

function credentialSpecChecks(fleet: Fleet, facts: FleetFacts): Check[] {
  if (facts.credentialSpecs.length === 0) return [];
  const problems = facts.credentialSpecs.flatMap((spec) => {
    if (!spec.text.ok) return [`${spec.arn} cannot be read: ${spec.text.error}`];
    const errors = inspectCredSpecText(spec.text.value, {
      domain: fleet.directory.name,
      platform: fleet.platform,
      domainless: fleet.mode === 'domainless',
      sourceKind: spec.arn.includes(':ssm:') ? 'ssm' : 's3',
    }).findings.filter((f) => f.severity === 'error');
    return errors.map((f) => `${spec.arn}: ${f.code} at ${f.path}: ${f.message}`);
  });
  const checks = [
    judge(
      'credential-specs',
      fleet.name,
      problems,
      `${facts.credentialSpecs.length} credential ${facts.credentialSpecs.length === 1 ? 'spec' : 'specs'}, readable and valid`,
    ),
  ];
  if (facts.secrets.length > 0) {
    const missing = facts.secrets.flatMap((s) =>
      !s.exists.ok
        ? [`cannot describe ${s.arn}: ${s.exists.error}`]
        : s.exists.value
          ? []
          : [`secret ${s.arn} does not exist`],
    );
    checks.push(judge('domainless-secrets', fleet.name, missing, `${facts.secrets.length} domainless secrets exist`));
  }
  return checks;
}
