// The config's schema (zod): fleets, their directory, host group and credential specs, each field with the
// pattern it must match; unknown keys are refused with a near-miss hint, and fleets may not share a group.
import * as z from 'zod';
import { likelyTypo } from './near-miss';
import { INSTANCE_ID_SHAPE, patterns } from './patterns';
import { privilegedGroup } from './privileged';

const credentialSpecArn = z.string().refine((s) => patterns.ssmParameterArn.test(s) || patterns.s3ObjectArn.test(s), {
  message: 'must be an SSM parameter ARN (arn:aws:ssm:REGION:ACCOUNT:parameter/NAME) or an S3 object ARN',
});

const directoryShape = {
  name: z.string().regex(patterns.dnsName, 'must be a DNS domain name such as corp.example.com'),
  ou: z
    .string()
    .regex(patterns.distinguishedName, 'must be a distinguished name such as OU=Hosts,DC=corp,DC=example,DC=com')
    .optional(),
  dnsIpAddresses: z.array(z.string().regex(patterns.ipv4, 'must be a dotted IPv4 address')).min(1).max(4).optional(),
};

/**
 * aws-managed (the default): AWS Directory Service, joined with AWS-JoinDirectoryServiceDomain. self-managed:
 * any other Active Directory, joined with the project's JoinWindows/JoinLinux documents, which read the join
 * account's {"username","password"} from this Secrets Manager secret on the host (never in Lambda).
 */
export const directorySchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('aws-managed').default('aws-managed'),
    id: z.string().regex(patterns.directoryId, 'must look like d-1234567890'),
    ...directoryShape,
  }),
  z.strictObject({
    type: z.literal('self-managed'),
    joinCredentialSecretArn: z
      .string()
      .regex(
        patterns.secretsManagerArn,
        'must be a Secrets Manager secret ARN (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME)',
      ),
    ...directoryShape,
  }),
]);

/**
 * Where the specs `discoverCredentialSpecs` finds may be read from, in the stack's own account and Region: IAM
 * grants exactly these; a discovered spec elsewhere is a warning naming the location to add.
 */
export const discoveryLocationsSchema = z.strictObject({
  ssmParameterPaths: z
    .array(
      z.string().regex(patterns.ssmParameterPrefix, 'must be a parameter path prefix such as /gmsa/ (no wildcards)'),
    )
    .default([]),
  s3: z
    .array(
      z.strictObject({
        bucket: z.string().regex(patterns.s3Bucket, 'must be an S3 bucket name'),
        keyPrefix: z
          .string()
          .regex(patterns.s3KeyPrefix, 'must be an S3 key prefix such as specs/ (no wildcards)')
          .default(''),
      }),
    )
    .default([]),
});

export type DiscoveryLocations = z.output<typeof discoveryLocationsSchema>;

const fleetShape = {
  name: z.string().regex(patterns.fleetName, 'must match [a-z0-9-]{1,32}'),
  autoScalingGroups: z
    .array(
      z.string().regex(patterns.autoScalingGroupName, 'must be an Auto Scaling group name ([A-Za-z0-9._-/], 1-255)'),
    )
    .min(1),
  platform: z.enum(['windows', 'linux']),
  mode: z.enum(['domain-joined', 'domainless']),
  cluster: z.string().regex(patterns.clusterName, 'must be an ECS cluster name'),
  directory: directorySchema,
  hostGroup: z
    .string()
    .regex(patterns.adGroupName, 'must be an AD group name of letters, digits, space, . _ -')
    .optional(),
  managementInstanceId: z.string().regex(patterns.instanceId, `must be ${INSTANCE_ID_SHAPE}`).optional(),
  credentialSpecs: z.array(credentialSpecArn).default([]),
  readyAttribute: z.string().regex(patterns.ecsAttributeName, 'must be an ECS attribute name').default('gmsa-ready'),
  onLaunchFailure: z.enum(['ABANDON', 'CONTINUE']).default('ABANDON'),
  deleteComputerAccount: z.boolean().default(true),
  /**
   * The names of the fleet's lifecycle hooks (docs/iam-and-ad.md). Events carry their hook's name; the
   * reconciler's sweep needs these to complete an action whose event never arrived (by instance id).
   */
  launchHookName: z
    .string()
    .regex(patterns.lifecycleHookName, 'must be a lifecycle hook name')
    .default('gmsa-ready-launch'),
  terminateHookName: z
    .string()
    .regex(patterns.lifecycleHookName, 'must be a lifecycle hook name')
    .default('gmsa-ready-terminate'),
  /** The launch hook's HeartbeatTimeout; heartbeats are sent once a third of it has passed. */
  heartbeatTimeoutSeconds: z.number().int().min(300).max(7200).default(3600),
  /** How long terminate waits for running tasks to leave before it deauthorizes anyway. */
  drainTimeoutSeconds: z.number().int().min(0).max(7200).default(900),
  discoverCredentialSpecs: z.boolean().default(false),
  discoveredSpecLocations: discoveryLocationsSchema.optional(),
  taskExecutionRoleArn: z.string().regex(patterns.iamRoleArn, 'must be an IAM role ARN').optional(),
};

/** Extra fields are allowed; a near-miss of a known one is an error naming the intended field. */
function rejectTypos(value: Record<string, unknown>, known: readonly string[], ctx: z.RefinementCtx): void {
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const intended = likelyTypo(key, known);
    if (intended)
      ctx.addIssue({ code: 'custom', path: [key], message: `is not a known field; did you mean '${intended}'?` });
  }
}

export const fleetSchema = z.looseObject(fleetShape).superRefine((fleet, ctx) => {
  rejectTypos(fleet, Object.keys(fleetShape), ctx);
  if (fleet.discoveredSpecLocations && !fleet.discoverCredentialSpecs)
    ctx.addIssue({
      code: 'custom',
      path: ['discoveredSpecLocations'],
      message: 'is set but discoverCredentialSpecs is not true: nothing would be discovered',
    });
  const privileged = fleet.hostGroup === undefined ? undefined : privilegedGroup(fleet.hostGroup);
  if (privileged)
    ctx.addIssue({
      code: 'custom',
      path: ['hostGroup'],
      message: `is the privileged group '${privileged}': every host of the fleet would join it; use a group of its own`,
    });
  if (fleet.mode === 'domain-joined') {
    if (!fleet.hostGroup)
      ctx.addIssue({ code: 'custom', path: ['hostGroup'], message: 'is required for mode domain-joined' });
    if (!fleet.managementInstanceId)
      ctx.addIssue({ code: 'custom', path: ['managementInstanceId'], message: 'is required for mode domain-joined' });
  }
});

const configShape = {
  fleets: z.array(fleetSchema).min(1),
  alarmTopicArn: z.string().regex(patterns.snsTopicArn, 'must be an SNS topic ARN').optional(),
};

export const configSchema = z.looseObject(configShape).superRefine((config, ctx) => {
  rejectTypos(config, Object.keys(configShape), ctx);
  const names = new Map<string, number>();
  const groups = new Map<string, { name: string; asg: string }>();
  config.fleets.forEach((fleet, i) => {
    if (names.has(fleet.name))
      ctx.addIssue({
        code: 'custom',
        path: ['fleets', i, 'name'],
        message: `duplicates fleet ${names.get(fleet.name)}`,
      });
    names.set(fleet.name, i);
    fleet.autoScalingGroups.forEach((asg, j) => {
      if (!patterns.autoScalingGroupName.test(asg)) return;
      // Names that differ only by case in two fleets are refused too: one typo away from routing a host's
      // events to the other fleet's directory and group.
      const owner = groups.get(asg.toLowerCase());
      if (owner && (owner.name !== fleet.name || owner.asg === asg))
        ctx.addIssue({
          code: 'custom',
          path: ['fleets', i, 'autoScalingGroups', j],
          message:
            owner.asg === asg
              ? `Auto Scaling group '${asg}' already belongs to fleet '${owner.name}'`
              : `Auto Scaling group '${asg}' differs only by case from '${owner.asg}' of fleet '${owner.name}'`,
        });
      if (!owner) groups.set(asg.toLowerCase(), { name: fleet.name, asg });
    });
  });
});

export type Fleet = z.output<typeof fleetSchema>;
export type Config = z.output<typeof configSchema>;
