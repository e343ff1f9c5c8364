// What Lambda would set for a function (serverless.yml's provider.environment) for a stage, with the demo
// world's fleets as the config: the environment a bundle's cold-start init reads (bench:cold and the
// bundle load test import bundles with it).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export function lambdaLikeEnv(root: string, stage: string): NodeJS.ProcessEnv {
  const demo = JSON.parse(readFileSync(join(root, 'events/worlds/demo.json'), 'utf8')) as { fleets: unknown[] };
  const queue = (name: string) => `https://sqs.us-east-1.amazonaws.com/123456789012/gmsa-ready-${stage}-${name}`;
  return {
    PATH: process.env.PATH ?? '',
    AWS_REGION: 'us-east-1',
    AWS_LAMBDA_FUNCTION_NAME: `gmsa-ready-${stage}`,
    AWS_ACCESS_KEY_ID: `AKID${stage.toUpperCase()}`,
    AWS_SECRET_ACCESS_KEY: `${stage}-secret`,
    TABLE_NAME: `gmsa-ready-${stage}-hosts`,
    WAKE_QUEUE_URL: queue('wake'),
    DIRECTORY_QUEUE_URL: queue('directory'),
    REFRESH_WINDOWS_DOCUMENT: `gmsa-ready-${stage}-RefreshWindows`,
    REFRESH_LINUX_DOCUMENT: `gmsa-ready-${stage}-RefreshLinux`,
    GROUP_CHANGE_DOCUMENT: `gmsa-ready-${stage}-GroupChange`,
    LIST_MEMBERS_DOCUMENT: `gmsa-ready-${stage}-ListMembers`,
    STAGE: stage,
    ACCOUNT_ID: '123456789012',
    POWERTOOLS_SERVICE_NAME: 'gmsa-ready',
    POWERTOOLS_METRICS_NAMESPACE: 'GmsaReady',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    GMSA_READY_CONFIG: JSON.stringify({ fleets: demo.fleets }),
  };
}
