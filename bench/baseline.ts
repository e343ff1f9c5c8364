// The cold-start baseline: one bundle that imports every AWS client the project uses, built with the
// same esbuild options as the functions. Re-exported so the bundler keeps them all.
export { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
export { DynamoDBClient } from '@aws-sdk/client-dynamodb';
export { EC2Client } from '@aws-sdk/client-ec2';
export { ECSClient } from '@aws-sdk/client-ecs';
export { IAMClient } from '@aws-sdk/client-iam';
export { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
export { S3Client } from '@aws-sdk/client-s3';
export { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
export { SQSClient } from '@aws-sdk/client-sqs';
export { SSMClient } from '@aws-sdk/client-ssm';
export { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
