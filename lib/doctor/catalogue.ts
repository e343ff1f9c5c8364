// Every check the doctor runs, named once: what it proves and, when it fails, what to do. checks.ts emits
// them; docs/doctor.md has a row per id. Remedies name the exact setting or command to fix; where a check and a
// failure code are the same problem, the remedy is the failure catalogue's (lib/failures/catalogue.ts).
import { remedyFor } from '../failures/catalogue';

export const CHECKS = {
  'eventbridge-rules': {
    what: "the stage's EventBridge rules exist and are enabled",
    remedy:
      'enable the rule (aws events enable-rule --name NAME) or redeploy the stage (npx osls deploy --stage STAGE); a disabled lifecycle rule means no launch or terminate reaches gmsa-ready',
  },
  table: {
    what: 'the hosts table exists and is ACTIVE',
    remedy:
      'deploy the stage (npx osls deploy --stage STAGE) in this Region; AWS_REGION or --region chooses the Region',
  },
  queues: {
    what: 'the wake and directory queues and their dead-letter queues exist',
    remedy: 'deploy the stage (npx osls deploy --stage STAGE) in this Region',
  },
  'dead-letter-queues': {
    what: 'no message waits in a dead-letter queue',
    remedy:
      'read the messages (aws sqs receive-message --queue-url URL) to see which hosts or group changes failed, fix the cause (see docs/troubleshooting.md), then purge or redrive the queue',
  },
  'auto-scaling-groups': {
    what: "each of the fleet's Auto Scaling groups exists",
    remedy: "correct autoScalingGroups in the stage's config, or create the group, then redeploy",
  },
  'launch-hook': {
    what: "each group has gmsa-ready's launch lifecycle hook",
    remedy:
      'aws autoscaling put-lifecycle-hook --auto-scaling-group-name GROUP --lifecycle-hook-name HOOK --lifecycle-transition autoscaling:EC2_INSTANCE_LAUNCHING --heartbeat-timeout SECONDS (docs/iam-and-ad.md); without it hosts go InService before they are joined',
  },
  'terminate-hook': {
    what: "each group has gmsa-ready's terminate lifecycle hook",
    remedy:
      'aws autoscaling put-lifecycle-hook --auto-scaling-group-name GROUP --lifecycle-hook-name HOOK --lifecycle-transition autoscaling:EC2_INSTANCE_TERMINATING --heartbeat-timeout SECONDS; without it hosts leave without their computer account being removed from the host group',
  },
  'hook-timeout': {
    what: "the hooks' HeartbeatTimeout equals the fleet's heartbeatTimeoutSeconds",
    remedy:
      "set the hook's --heartbeat-timeout to the fleet's heartbeatTimeoutSeconds (put-lifecycle-hook again), or change heartbeatTimeoutSeconds to match and redeploy: gmsa-ready heartbeats at a third of the configured value, so a shorter hook expires and abandons hosts",
  },
  directory: {
    what: 'the AWS Managed Microsoft AD directory is Active',
    remedy:
      "check directory.id in the stage's config (aws ds describe-directories); a directory that is not Active cannot join hosts",
  },
  'management-host-online': {
    what: 'the management host is a managed node that SSM lists Online',
    remedy:
      'start the management host, check its SSM Agent and its instance profile (AmazonSSMManagedInstanceCore), and its route to the SSM endpoints; while it is offline no host is authorized or cleaned up',
  },
  'management-host-windows': {
    what: 'the management host runs Windows',
    remedy:
      'point managementInstanceId at a domain-joined Windows instance with the RSAT ActiveDirectory module: the group changes are PowerShell',
  },
  'management-probe': {
    what: 'the read-only probe document ran on the management host',
    remedy:
      'check the probe command in Run Command history (aws ssm list-command-invocations --instance-id ID --details); redeploy the stage if the DoctorProbe document is missing',
  },
  'ad-module': {
    what: 'the management host has the ActiveDirectory PowerShell module',
    // The same problem as the failure code group-ad-module-missing: one remedy text (lib/failures/catalogue.ts).
    remedy: remedyFor('group-ad-module-missing'),
  },
  'host-group': {
    what: 'the fleet host group exists and the management host can read it',
    // The same problem as the failure code group-not-found.
    remedy: remedyFor('group-not-found'),
  },
  'gmsa-principals': {
    what: "the host group is in PrincipalsAllowedToRetrieveManagedPassword of every gMSA the fleet's credential specs name",
    remedy:
      'Set-ADServiceAccount -Identity GMSA -PrincipalsAllowedToRetrieveManagedPassword GROUP, and every principal already allowed (the parameter replaces the list); without it containers fail with "Cannot get gMSA krb ticket"',
  },
  'kds-root-key': {
    what: 'the domain has a KDS root key (gMSA passwords derive from it)',
    remedy:
      'as a Domain Admin: Add-KdsRootKey -EffectiveImmediately, then allow 10 hours for replication before gMSAs work (aws-facts 8.3); AWS Managed Microsoft AD has one already',
  },
  'credential-specs': {
    what: "each of the fleet's credential specs is readable and valid",
    remedy:
      'npx gmsa-ready check-credspec ARN shows every finding with its fix; grant your identity (and the task execution role) read access to the parameter or object',
  },
  'domainless-secrets': {
    what: "the domainless user's secret each spec names exists",
    remedy:
      'create the secret with {"username","password","domainName"} of the domainless user, or correct HostAccountConfig.PluginInput.CredentialArn in the spec',
  },
} satisfies Record<string, { what: string; remedy: string }>;

export type CheckId = keyof typeof CHECKS;

/** One line of the doctor's output; JSON: `{checks: [{id, fleet, ok, message, remedy}]}`. */
export interface Check {
  id: CheckId;
  /** null for stage-wide checks. */
  fleet: string | null;
  ok: boolean;
  message: string;
  /** null when the check passed. */
  remedy: string | null;
}
