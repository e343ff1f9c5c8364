// osls variable source: `${file(./scripts/stage-config.cjs):json}` (and :autoScalingGroups, :resources).
// Validates config/<stage>.yml with lib/config (zod) at package time, so a bad config fails packaging
// with the field path, and derives what serverless.yml needs from it (lib/infra/stage.ts).
// lib/ is TypeScript; tsx's CommonJS API loads it without a build step.
const path = require('node:path');
const { require: tsxRequire } = require('tsx/cjs/api');

const { loadConfigFile } = tsxRequire('../lib/config/file.ts', __filename);
const { buildStage } = tsxRequire('../lib/infra/stage.ts', __filename);

// osls calls this once per variable reference; build each stage once.
const built = new Map();

module.exports = async ({ resolveVariable }) => {
  const stage = await resolveVariable('sls:stage');
  const service = await resolveVariable('self:service');
  const key = `${service}/${stage}`;
  if (!built.has(key)) {
    const file = path.join('config', `${stage}.yml`);
    const config = loadConfigFile(path.resolve(__dirname, '..', file));
    built.set(key, buildStage(config, { service, stage }, file));
  }
  return built.get(key);
};
