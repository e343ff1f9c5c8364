#!/usr/bin/env node
// The gmsa-ready command line: TypeScript sources run through tsx, so there is no build step.
import { register } from 'tsx/esm/api';

// On Node 20 the AWS SDK prints a multi-line NodeVersionSupportWarning: its releases after the first week of
// January 2027 need Node 22. This command's stderr is for its own one-line reasons, so the SDK's text gives way to
// one line of ours, for a person at a terminal (scripts reading stderr get only the command's reason).
if (process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED === undefined) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  if (Number(process.versions.node.split('.')[0]) < 22 && process.stderr.isTTY)
    process.stderr.write(
      `note: Node.js ${process.version}: AWS SDK releases after the first week of January 2027 need Node.js 22 (docs/node22.md)\n`,
    );
}
// Handlers log and emit metrics through Powertools; the sandbox's output is its report, so they stay quiet.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
register();
const { main } = await import('../lib/cli/main.ts');
process.exitCode = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
