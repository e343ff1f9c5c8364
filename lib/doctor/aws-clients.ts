// The AWS probe with its clients built from one client config: loaded by the CLI only with --stage, so a
// sandbox run never loads the Directory Service or EventBridge SDKs.
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { DirectoryServiceClient } from '@aws-sdk/client-directory-service';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { type AwsProbeClients, type AwsProbeOptions, awsProbe } from './aws-probe';

/** What every client takes: the retry settings (lib/aws/client-config.ts) and an optional Region. */
export interface ProbeClientConfig {
  retryMode: string;
  maxAttempts: number;
  region?: string;
}

export function createAwsProbe(config: ProbeClientConfig, options: AwsProbeOptions) {
  const clients: AwsProbeClients = {
    autoScaling: new AutoScalingClient(config),
    directory: new DirectoryServiceClient(config),
    dynamo: new DynamoDBClient(config),
    events: new EventBridgeClient(config),
    s3: new S3Client(config),
    secrets: new SecretsManagerClient(config),
    sqs: new SQSClient(config),
    ssm: new SSMClient(config),
  };
  return {
    probe: awsProbe(clients, options),
    ssm: clients.ssm,
    destroy: () => {
      for (const client of Object.values(clients)) client.destroy();
    },
  };
}
