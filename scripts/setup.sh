#!/usr/bin/env bash
# Installs everything Earshot needs on a Debian-like machine: Chromium (when no browser is found)
# and the npm packages. Safe to run again.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

have_browser() {
  [ -n "${EARSHOT_CHROMIUM:-}" ] && [ -x "${EARSHOT_CHROMIUM}" ] && return 0
  [ -x /usr/bin/chromium ] && return 0
  command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || command -v google-chrome >/dev/null 2>&1
}

if ! have_browser; then
  echo "setup: installing Debian's chromium" >&2
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

# As root, Earshot runs the browser as this unprivileged account, so that Chromium's sandbox works
# (it refuses root); without it, it falls back to nobody.
if [ "$(id -u)" -eq 0 ] && ! id earshot >/dev/null 2>&1 && command -v useradd >/dev/null 2>&1; then
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin earshot || true
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # npm install, not npm ci: some optional dependencies (platform-specific) are absent from the registry
  # and so from the lock file, which npm ci refuses.
  # Install scripts are run only for the two packages that need them, explicitly: better-sqlite3's
  # would first try to download a prebuilt binary from GitHub, which fails offline.
  npm install --ignore-scripts --no-audit --no-fund --loglevel=error
  npm rebuild better-sqlite3 esbuild --loglevel=error >/dev/null
fi

# The command line runs built JavaScript (dist/): it starts at once instead of compiling on every call.
npm run build --silent

# PostgreSQL for the fleet tests (a crawl on one machine needs none); never fatal.
bash scripts/postgres.sh || true
