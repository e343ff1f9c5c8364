#!/usr/bin/env node
// The gmsa-ready command line: TypeScript sources run through tsx, so there is no build step.
import { register } from 'tsx/esm/api';

// The SDK's Node-version notice is for deployed code; it only clutters a developer tool's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// Handlers log and emit metrics through Powertools; the sandbox's output is its report, so they stay quiet.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
register();
const { main } = await import('../lib/cli/main.ts');
process.exitCode = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
