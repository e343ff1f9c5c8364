// `npm run package`: osls package, offline. Packaging needs no AWS account, but osls's AWS provider
// still wants a region and credentials to exist, so fake ones are supplied unless real ones are set.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stage = process.env.STAGE || 'example';
const region = process.env.AWS_REGION || 'us-east-1';

const env = {
  ...process.env,
  AWS_REGION: region,
  SLS_TELEMETRY_DISABLED: '1',
  SLS_NOTIFICATIONS_MODE: 'off',
};
if (!env.AWS_ACCESS_KEY_ID && !env.AWS_PROFILE) {
  env.AWS_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
  env.AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
}

const osls = join(root, 'node_modules', 'osls', 'bin', 'serverless.js');
const result = spawnSync(process.execPath, [osls, 'package', '--stage', stage, '--region', region], {
  cwd: root,
  env,
  stdio: 'inherit',
});
if (result.error) {
  console.error(`cannot run osls: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
