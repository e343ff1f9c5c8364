// The failure catalogue (issue 15): every documented failure code, the step it belongs to, the texts that
// identify it, what it means and what to do. Data only; lib/failures/classify.ts matches output against it and
// docs/troubleshooting.md has a section per code (a test holds the two together).
// Patterns are built from the real tools' texts, each cited: the tool's source where it is public, else the
// documented message. A pattern matches one line of (sanitized) command output or one gmsa-ready message.

/** Where in a launch a failure happens: the stages the issue names (a workflow step maps to one, see classify.ts). */
export type Stage = 'agent' | 'join' | 'group-change' | 'refresh' | 'verify' | 'lifecycle' | 'command';

export interface CatalogueEntry {
  code: string;
  stage: Stage;
  /** Any one matching a line identifies the failure; tried in catalogue order, the first entry that matches wins. */
  patterns: readonly RegExp[];
  /** What the code means, one line. */
  summary: string;
  /** What to do about it, one or two sentences. */
  remedy: string;
  /** Where each pattern's text comes from. */
  sources: readonly string[];
}

const WIN32 = 'Windows system error text (winerror.h / lmerr.h MessageText, learn.microsoft.com "System Error Codes")';
const ADD_COMPUTER =
  "Add-Computer's FailToJoinDomainFromWorkgroup wraps it: \"Computer '{0}' failed to join domain '{1}' from its current workgroup '{2}' with following error message: {3}.\" (PowerShell/PowerShell src/Microsoft.PowerShell.Commands.Management/resources/ComputerResources.resx)";
const ADCLI = 'adcli (sumit-bose/adcli 9c31bb0)';
const REALMD = 'realmd (stefwalter/realmd 672284f)';
const KRB5 = 'MIT krb5 src/lib/krb5/error_tables/krb5_err.et (krb5/krb5 473b51b)';
const SSM_JOIN = 'amazon-ssm-agent agent/plugins/domainjoin/domainjoin_unix_script.go (aws/amazon-ssm-agent 1c217c8)';
const AD_MODULE =
  'ActiveDirectory module (closed source): the message as the cmdlets print it, quoted in Microsoft Q&A';
const OWN = 'gmsa-ready';

export const CATALOGUE = [
  // ------------------------------------------------------------------ agent
  {
    code: 'agent-never-online',
    stage: 'agent',
    patterns: [/SSM agent not online/],
    summary: 'The host never reported to Systems Manager as Online before the agent step ran out of time.',
    remedy:
      'Check the instance profile has AmazonSSMManagedInstanceCore, the host can reach the ssm, ssmmessages and ec2messages endpoints (NAT or VPC endpoints), and the SSM Agent is installed and running.',
    sources: [`${OWN} lib/workflow/launch.ts (DescribeInstanceInformation PingStatus, aws-facts 4.4)`],
  },
  {
    code: 'agent-platform-mismatch',
    stage: 'agent',
    patterns: [/SSM reports platform \S+, fleet \S+ is (windows|linux)/],
    summary: "Systems Manager reports a platform (Windows or Linux) other than the fleet's.",
    remedy:
      "Point the fleet at the Auto Scaling group whose AMI matches its `platform`, or fix the fleet's `platform` in the config.",
    sources: [`${OWN} lib/workflow/launch.ts (DescribeInstanceInformation PlatformType, aws-facts 4.4)`],
  },
  {
    code: 'agent-invalid-computer-name',
    stage: 'agent',
    patterns: [/is not a valid NetBIOS name/],
    summary:
      "The host's computer name cannot be an AD computer account (more than 15 characters, or other than letters, digits and hyphens).",
    remedy:
      'Give Windows hosts names of at most 15 characters (EC2 resource-name hostnames are longer: use IP names, or set the name in user data before the join).',
    sources: [`${OWN} lib/workflow/names.ts (aws-facts 8.1)`],
  },
  // ------------------------------------------------------------------ join
  {
    code: 'join-domain-not-found',
    stage: 'join',
    patterns: [
      /The specified domain either does not exist or could not be contacted/i,
      /No such realm found/,
      /Could not resolve \S+/,
      /No LDAP SRV records for domain/,
      /Cannot find KDC for requested realm/,
      /Cannot resolve network address for KDC/,
      /setting the DNS servers( on \S+)? failed/,
    ],
    summary:
      "The host could not find the domain: DNS does not resolve its name or its domain controllers' SRV records.",
    remedy:
      "Give the fleet the domain's DNS servers (`dnsIpAddresses`) or point the VPC's DHCP options at them, and check `nslookup -type=SRV _ldap._tcp.dc._msdcs.<domain>` answers from the host.",
    sources: [
      `${WIN32}: 1355 ERROR_NO_SUCH_DOMAIN; ${ADD_COMPUTER}`,
      `${REALMD} tools/realm-join.c, tools/realm-discover.c`,
      `${SSM_JOIN} (resolve_name_to_ip)`,
      `${ADCLI} library/addisco.c`,
      `${KRB5}: KRB5_REALM_UNKNOWN, KRB5_REALM_CANT_RESOLVE`,
      `${OWN} ssm/join-windows.yml, ssm/join-linux.yml`,
    ],
  },
  {
    code: 'join-dc-unreachable',
    stage: 'join',
    patterns: [
      /The RPC server is unavailable/i,
      /Couldn't find usable domain controller/,
      /Couldn't connect to host: /,
      /Cannot contact any KDC for requested realm/,
      /The network path was not found/i,
      /The server is not operational/i,
    ],
    summary:
      'The domain name resolved but no domain controller answered: security groups, network ACLs or a firewall block the ports.',
    remedy:
      "Allow the hosts' security group to reach the domain controllers on TCP/UDP 53, 88, 389, 464, TCP 135, 445, 636, 3268-3269 and 49152-65535 (RPC), and check the directory's security group admits them.",
    sources: [
      `${WIN32}: 1722 RPC_S_SERVER_UNAVAILABLE, 53 ERROR_BAD_NETPATH, 8250 ERROR_DS_SERVER_DOWN`,
      `${ADCLI} library/adconn.c`,
      `${KRB5}: KRB5_KDC_UNREACH`,
    ],
  },
  {
    code: 'join-account-exists',
    stage: 'join',
    patterns: [
      /The account already exists/i,
      /The computer account \S+ already exists/,
      /Re-using the account was blocked by security policy/i,
    ],
    summary:
      'A computer account with the name this host joins as already exists, and the join may not reuse it (another OU, or the October 2022 join hardening).',
    remedy:
      'Delete the stale computer account (after checking no live host uses it), or let the join account reuse accounts it created; with Windows hosts, keep host names unique in their first 15 characters.',
    sources: [
      `${WIN32}: 2224 NERR_UserExists, 2732 NERR_AccountReuseBlockedByPolicy (KB5020276)`,
      `${ADCLI} library/adenroll.c`,
      `${OWN} lib/sandbox (the model's text for a taken name)`,
    ],
  },
  {
    code: 'join-ou-not-found',
    stage: 'join',
    patterns: [
      /The organizational unit does not exist/,
      /Couldn't lookup computer container/,
      /There is no such object on the server/i,
    ],
    summary:
      "The OU the fleet names for computer accounts (`directory.ou`) does not exist, or the join account can't see it.",
    remedy:
      "Fix the fleet's `directory.ou` to the OU's exact distinguished name (`Get-ADOrganizationalUnit -Filter *` lists them).",
    sources: [`${ADCLI} library/adenroll.c`, `${WIN32}: 8240 ERROR_DS_NO_SUCH_OBJECT`],
  },
  {
    code: 'join-clock-skew',
    stage: 'join',
    patterns: [/Clock skew too great/i, /time and\/or date difference between the client and server/i],
    summary:
      "The host's clock differs from the domain controllers' by more than Kerberos allows (5 minutes by default).",
    remedy:
      "Sync the host's clock (Amazon Time Sync Service at 169.254.169.123, or the domain controllers) before the join, and check the domain controllers' own time.",
    sources: [`${KRB5}: KRB5KRB_AP_ERR_SKEW, KRB5_KDCREP_SKEW`, `${WIN32}: 1398 ERROR_TIME_SKEW`],
  },
  {
    code: 'join-access-denied',
    stage: 'join',
    patterns: [
      /The user name or password is incorrect/i,
      /unknown user name or bad password/i,
      /Insufficient permissions to join the domain/,
      /Couldn't authenticate as/,
      /Preauthentication failed/,
      /not found in Kerberos database/,
      /exceeded the maximum number of computer accounts/i,
      /Access is denied/i,
    ],
    summary:
      'The domain refused the join account: wrong user name or password, or the account may not create computer objects there.',
    remedy:
      'Check the join credential (the directory\'s seamless-join secret, or `joinCredentialSecretArn`), and delegate "Create computer objects" on the target OU to the join account.',
    sources: [
      `${WIN32}: 1326 ERROR_LOGON_FAILURE, 5 ERROR_ACCESS_DENIED, 8557 ERROR_DS_MACHINE_ACCOUNT_QUOTA_EXCEEDED`,
      `${REALMD} service/realm-adcli-enroll.c`,
      `${ADCLI} library/adconn.c`,
      `${KRB5}: KRB5KDC_ERR_PREAUTH_FAILED, KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN`,
    ],
  },
  {
    code: 'join-credential-unreadable',
    stage: 'join',
    patterns: [/reading the join credential/, /the join credential is not JSON/],
    summary: "The host could not read the join credential from Secrets Manager, or it isn't {username, password} JSON.",
    remedy:
      'Allow the hosts\' instance profile secretsmanager:GetSecretValue on the secret (and kms:Decrypt on its key), and store it as {"username": ..., "password": ...}.',
    sources: [`${OWN} ssm/join-windows.yml, ssm/join-linux.yml`],
  },
  {
    code: 'join-wrong-domain',
    stage: 'join',
    patterns: [/the host is joined to \S+, not \S+/],
    summary: "The host is already joined to another domain than the fleet's.",
    remedy:
      'Build the AMI without a domain join (sysprep/generalize it), or point the fleet at the domain the hosts join.',
    sources: [`${OWN} ssm/join-windows.yml`],
  },
  // ------------------------------------------------------------------ group change (on the management host)
  {
    code: 'group-ad-module-missing',
    stage: 'group-change',
    patterns: [
      /The specified module 'ActiveDirectory' was not loaded/i,
      /The term '(Get|Add|Remove)-AD\w+' is not recognized/i,
    ],
    summary: 'The management host has no ActiveDirectory PowerShell module.',
    remedy:
      'Install it on the management host: `Install-WindowsFeature RSAT-AD-PowerShell` (Windows Server) or `Add-WindowsCapability -Online -Name Rsat.ActiveDirectory.DS-LDS.Tools~~~~0.0.1.0`.',
    sources: [
      'PowerShell Modules_ModuleNotFound ("The specified module \'{0}\' was not loaded because no valid module file was found in any module directory.")',
      'PowerShell CommandNotFoundException ("The term \'{0}\' is not recognized as the name of a cmdlet, ...")',
    ],
  },
  {
    code: 'group-adws-unreachable',
    stage: 'group-change',
    patterns: [/Unable to contact the server\. This may be because this server does not exist/i],
    summary:
      'The management host cannot reach Active Directory Web Services on a domain controller (TCP 9389), or ADWS is not running there.',
    remedy:
      'Allow the management host to reach the domain controllers on TCP 9389, and check `Get-Service ADWS` on them; `Test-NetConnection <dc> -Port 9389` from the management host confirms it.',
    sources: [`${AD_MODULE}: ADServerDownException`],
  },
  {
    code: 'group-insufficient-rights',
    stage: 'group-change',
    patterns: [/Insufficient access rights/i, /Access is denied/i],
    summary:
      "The management host's computer account may not change the host group's members (or delete computer accounts).",
    remedy:
      'Delegate "Write Members" on the host group (and "Delete Computer objects" on the OU when deleteComputerAccount is on) to the management host\'s computer account, then purge its tickets (`klist -li 0x3e7 purge`).',
    sources: [`${AD_MODULE}: ADException (LDAP insufficientAccessRights, 50)`, `${WIN32}: 5 ERROR_ACCESS_DENIED`],
  },
  {
    code: 'group-account-not-found',
    stage: 'group-change',
    patterns: [/Cannot find an object with identity: '[^']*\$' under/i, /object S-1-5-21-\S+ no longer exists/],
    summary: "The host's computer account is not (or no longer) in the directory the management host reads.",
    remedy:
      'Check the join succeeded in the same domain the management host reads (its `DomainName`), and allow for replication between domain controllers; a deleted account means the host must join again.',
    sources: [`${AD_MODULE}: ADIdentityNotFoundException`, `${OWN} ssm/group-change.yml (gone)`],
  },
  {
    code: 'group-not-found',
    stage: 'group-change',
    patterns: [/Cannot find an object with identity: '[^']*[^$']' under/i],
    summary: "The fleet's host group (`hostGroup`) does not exist in the domain.",
    remedy:
      "Create the group, or fix the fleet's `hostGroup` to the group's sAMAccountName; it must be the group named in the gMSA's PrincipalsAllowedToRetrieveManagedPassword.",
    sources: [`${AD_MODULE}: ADIdentityNotFoundException ("Cannot find an object with identity: '{0}' under: '{1}'.")`],
  },
  {
    code: 'group-protected',
    stage: 'group-change',
    patterns: [/protected by AdminSDHolder/],
    summary: 'The host group is protected by AdminSDHolder (adminCount 1); gmsa-ready never changes such a group.',
    remedy: 'Use an ordinary security group, not a privileged one, as the gMSA host group.',
    sources: [`${OWN} ssm/group-change.yml`],
  },
  {
    code: 'group-identity-refused',
    stage: 'group-change',
    patterns: [
      /before this instance launched/,
      /outside the fleet's OU/,
      /has no dNSHostName/,
      /has dNSHostName \S+, not this host's joined name/,
      /was returned for \S+\$/,
      /is held by another live record/,
      /the identity line is not JSON/,
      /: identity [\w.()]+: /,
    ],
    summary:
      "The computer account the directory holds under this host's name is not provably this host's join (issue 13): nothing was added to the group.",
    remedy:
      'Find who owns the account (its whenCreated, dNSHostName and OU); if it is stale, delete it and let the host launch again.',
    sources: [`${OWN} lib/workflow/identity.ts`],
  },
  // ------------------------------------------------------------------ refresh
  {
    code: 'refresh-not-joined',
    stage: 'refresh',
    patterns: [/realm list does not show \S+/],
    summary: 'After the join, `realm list` does not show the domain on the Linux host.',
    remedy:
      'Run `realm list` and `journalctl -u realmd` on the host; join it again (terminate it and let Auto Scaling replace it).',
    sources: [`${OWN} ssm/refresh-linux.yml`],
  },
  {
    code: 'refresh-credentials-fetcher-failed',
    stage: 'refresh',
    patterns: [
      /Job for credentials-fetcher\.service failed/,
      /credentials-fetcher(\.service)?: Unit credentials-fetcher\.service not found/,
      /systemctl restart credentials-fetcher failed/,
      /credentials-fetcher is \S+ after its restart/,
    ],
    summary: 'credentials-fetcher did not restart, or did not stay running, on the Linux host.',
    remedy:
      'Install credentials-fetcher on the AMI (`dnf install credentials-fetcher`) and read `journalctl -u credentials-fetcher` on the host: it needs the host joined (a keytab in /etc/krb5.keytab) and krb5 configured for the domain.',
    sources: [
      'systemd src/shared/bus-wait-for-jobs.c ("Job for %s failed because %s.") (systemd/systemd)',
      'aws/credentials-fetcher scripts/systemd/credentials-fetcher.service (Type=notify: a daemon that exits fails the job)',
      `${OWN} ssm/refresh-linux.yml`,
    ],
  },
  {
    code: 'refresh-ecs-agent-restart-failed',
    stage: 'refresh',
    patterns: [
      /Job for ecs\.service failed/,
      /systemctl restart --no-block ecs failed/,
      /Restart-Service AmazonECS failed/,
    ],
    summary: 'The ECS agent could not be restarted after the join, so it cannot advertise gMSA support.',
    remedy:
      'Check the ECS agent on the host (`systemctl status ecs` / `Get-Service AmazonECS`) and its log (/var/log/ecs/ecs-agent.log, C:\\ProgramData\\Amazon\\ECS\\log).',
    sources: ['systemd src/shared/bus-wait-for-jobs.c', `${OWN} ssm/refresh-linux.yml, ssm/refresh-windows.yml`],
  },
  {
    code: 'refresh-ticket-purge-failed',
    stage: 'refresh',
    patterns: [/klist purge (failed|exited with)/],
    summary: "Purging the machine account's Kerberos tickets (`klist -li 0x3e7 purge`) failed on the Windows host.",
    remedy: 'Run `klist.exe -li 0x3e7 purge` on the host as SYSTEM to see the error; a reboot also renews the tickets.',
    sources: [`${OWN} ssm/refresh-windows.yml`],
  },
  // ------------------------------------------------------------------ verify
  {
    code: 'verify-ecs-not-registered',
    stage: 'verify',
    patterns: [
      /no ECS container instance registered/,
      /ECS agent not connected/,
      /container instance is (?!ACTIVE\b)\S+/,
    ],
    summary: "The host never registered with the fleet's ECS cluster (or its agent never connected) in time.",
    remedy:
      "Check ECS_CLUSTER in the host's /etc/ecs/ecs.config (or the Windows Initialize-ECSAgent call) names the fleet's cluster, the instance profile has AmazonEC2ContainerServiceforEC2Role, and the host reaches the ECS endpoints.",
    sources: [`${OWN} lib/workflow/launch.ts (ListContainerInstances / DescribeContainerInstances, aws-facts 6)`],
  },
  {
    code: 'verify-capability-missing',
    stage: 'verify',
    patterns: [/does not advertise ecs\.capability\.gmsa/],
    summary: 'The ECS agent runs but does not advertise ecs.capability.gmsa (or gmsa-domainless).',
    remedy:
      'Set ECS_GMSA_SUPPORTED=true (Linux; and credentials-fetcher running) in /etc/ecs/ecs.config, or ECS_GMSA_SUPPORTED / domainless settings on Windows, then restart the agent after the join.',
    sources: [`${OWN} lib/workflow/launch.ts (aws-facts 6.5, from the ECS agent's source)`],
  },
  {
    code: 'verify-credspec-not-found',
    stage: 'verify',
    patterns: [/^credential spec .*\((not-found|secret-not-found) at /],
    summary: 'A credential spec the fleet names (or its domainless secret) does not exist.',
    remedy:
      "Create it, or fix the ARN in the fleet's `credentialSpecs`; `npx gmsa-ready check-credspec ARN` checks one.",
    sources: [`${OWN} lib/credspec/fetch.ts`],
  },
  {
    code: 'verify-credspec-access-denied',
    stage: 'verify',
    patterns: [/^credential spec .*\(access-denied at /],
    summary: 'gmsa-ready was denied reading a credential spec.',
    remedy:
      "Allow the verify function's role s3:GetObject / ssm:GetParameter on the spec (lib/infra/iam.ts derives it from the fleet's `credentialSpecs`) and kms:Decrypt on its key.",
    sources: [`${OWN} lib/credspec/fetch.ts`],
  },
  {
    code: 'verify-credspec-invalid',
    stage: 'verify',
    patterns: [/^credential spec .*\([a-z-]+ at /],
    summary: "A credential spec is not a valid spec for the fleet's domain (or domainless mode).",
    remedy:
      "Regenerate it with `New-CredentialSpec` for the fleet's domain; `npx gmsa-ready check-credspec ARN` names the field that is wrong.",
    sources: [`${OWN} lib/credspec/rules.ts`],
  },
  // ------------------------------------------------------------------ lifecycle, and any command
  {
    code: 'lifecycle-action-expired',
    stage: 'lifecycle',
    patterns: [/lifecycle action expired/],
    summary:
      "The lifecycle action's timeout passed before the launch finished; Auto Scaling applied the hook's default result.",
    remedy:
      "Raise the launch hook's HeartbeatTimeout (gmsa-ready heartbeats it, up to the global timeout of 100 x heartbeat or 48 h), and look at which step was slow.",
    sources: [`${OWN} lib/workflow/launch.ts (aws-facts 3.2, 3.4)`],
  },
  {
    code: 'aws-access-denied',
    stage: 'command',
    patterns: [/AccessDenied(Exception)?\b/, /is not authorized to perform: /],
    summary: "An AWS API refused gmsa-ready's own role (IAM): the function that made the call lacks a permission.",
    remedy:
      "The message names the action: redeploy so each function's role matches lib/infra/iam.ts, and check no SCP or permissions boundary denies it.",
    sources: [`${OWN} lib/aws/errors.ts (the SDK error name, e.g. AccessDeniedException)`],
  },
  {
    code: 'command-timed-out',
    stage: 'command',
    patterns: [
      /ended (TimedOut|ExecutionTimedOut|DeliveryTimedOut|Undeliverable)\b/,
      /was lost \d+ times/,
      /no result within \d+ minutes/,
    ],
    summary: 'The Run Command never finished on its target: not delivered, or ran past its timeout.',
    remedy:
      "Check the target's SSM Agent is Online (`aws ssm describe-instance-information`), then the command's output in the SSM console (Run Command history).",
    sources: [`${OWN} lib/workflow/commands.ts (GetCommandInvocation StatusDetails, aws-facts 4.3)`],
  },
] as const satisfies readonly CatalogueEntry[];

/** Every documented code, plus `unknown` for output no entry matches (it keeps the output's first line). */
export type FailureCode = (typeof CATALOGUE)[number]['code'] | 'unknown';

export const UNKNOWN = {
  code: 'unknown',
  summary: 'The output matched no known failure; its first line is kept as the message.',
  remedy:
    "Read the command's whole output in the SSM console (Run Command history) or with `aws ssm get-command-invocation`, and the host record's history (`npx gmsa-ready status --instance ID`).",
} as const;

/** The remedy for a code (doctor reuses these; issue 15 part 2). */
export function remedyFor(code: FailureCode): string {
  return CATALOGUE.find((entry) => entry.code === code)?.remedy ?? UNKNOWN.remedy;
}

/** What a code means, one line. */
export function summaryOf(code: FailureCode): string {
  return CATALOGUE.find((entry) => entry.code === code)?.summary ?? UNKNOWN.summary;
}
