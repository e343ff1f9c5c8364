// Value shapes shared by config validation, event parsing and the SSM documents' allowedPattern.
// Anything that can reach a Run Command parameter is constrained here first, and again in the document.

export const patterns = {
  fleetName: /^[a-z0-9-]{1,32}$/,
  // Auto Scaling group names are 1-255 printable chars; we accept the common safe subset.
  autoScalingGroupName: /^[A-Za-z0-9._\-/]{1,255}$/,
  lifecycleHookName: /^[A-Za-z0-9\-_/]{1,255}$/,
  lifecycleActionToken: /^[0-9a-fA-F-]{36}$/,
  // EC2 instance ids: i- and 8 (before 2016) or 17 lowercase hex digits, nothing between (INSTANCE_ID_SHAPE).
  instanceId: /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/,
  clusterName: /^[A-Za-z0-9_-]{1,255}$/,
  directoryId: /^d-[0-9a-f]{10}$/,
  // A DNS domain name: labels of letters, digits and hyphens; one label is enough (a single-label domain such as
  // contoso: AWS's published domainless Windows credential spec uses one, and credentials-fetcher's isValidDomain,
  // api/src/gmsa_service.cpp, accepts it). The last label starts with a letter, as top-level names do.
  dnsName: /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/,
  // An OU distinguished name: comma-separated OU=/DC=/CN= parts without quotes or escapes.
  distinguishedName: /^((OU|CN|DC)=[A-Za-z0-9 _.-]{1,64},)*(OU|CN|DC)=[A-Za-z0-9 _.-]{1,64}$/,
  ipv4: /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/,
  // AD group sAMAccountName: letters, digits, space, dot, underscore, hyphen; no quotes or shell/PowerShell metacharacters.
  adGroupName: /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,62}[A-Za-z0-9_]$|^[A-Za-z0-9]$/,
  // NetBIOS computer name (15 chars max), as the join produced it.
  netbiosName: /^[A-Za-z0-9][A-Za-z0-9-]{0,14}$/,
  // Computer account sAMAccountName: NetBIOS name + '$'.
  computerAccount: /^[A-Za-z0-9][A-Za-z0-9-]{0,14}\$$/,
  // A domain account's objectSID: S-1-5-21, the three sub-authorities of the domain, then the RID.
  objectSid: /^S-1-5-21-\d{1,10}-\d{1,10}-\d{1,10}-\d{1,10}$/,
  objectGuid: /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
  // A computer object's DN as the directory reports it: the same safe RDN values as an OU, no escapes, 512 max.
  accountDn: /^(?=.{1,512}$)((CN|OU|DC)=[A-Za-z0-9 _.-]{1,64},)+DC=[A-Za-z0-9-]{1,63}$/i,
  ecsAttributeName: /^[A-Za-z0-9_./-]{1,128}$/,
  ssmParameterArn: /^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter\/[A-Za-z0-9_.\-/]{1,1011}$/,
  s3ObjectArn: /^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/[^\s]{1,1024}$/,
  // Where discovered credential specs may live: a parameter name prefix (no wildcards: IAM appends its own *),
  // and an S3 bucket with an optional key prefix.
  ssmParameterPrefix: /^\/?[A-Za-z0-9_.-][A-Za-z0-9_.\-/]{0,1010}$/,
  s3Bucket: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
  s3KeyPrefix: /^[A-Za-z0-9_.\-/!'()]{0,1000}$/,
  iamRoleArn: /^arn:aws[a-z-]*:iam::\d{12}:role\/[A-Za-z0-9+=,.@_\-/]{1,512}$/,
  // A Secrets Manager secret ARN (the self-managed directory's join credential; read on the hosts only).
  secretsManagerArn: /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}$/,
  snsTopicArn: /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/,
} as const;

/** What patterns.instanceId accepts, in words: every message about an instance id says exactly this. */
export const INSTANCE_ID_SHAPE = 'an EC2 instance id: i- and 8 or 17 lowercase hex digits, such as i-0123456789abcdef0';
