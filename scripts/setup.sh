#!/usr/bin/env bash
# Idempotent set-up for push-vs-poll: installs what is missing, prints each step.
# Debian/Ubuntu (apt) and macOS (brew). Safe to run again: every step checks first.
set -euo pipefail

cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }
have() { command -v "$1" >/dev/null 2>&1; }

# Root runs apt directly; others go through sudo when it exists.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif have sudo; then sudo "$@"; else
    echo "setup: need root to run '$*' (no sudo found). Run this script as root, or install it yourself." >&2
    exit 1
  fi
}

step "Checking Node.js (>= 20.19)"
if ! have node; then
  echo "setup: Node.js is not installed. Install Node.js 20.19 or newer, then run this again." >&2
  exit 1
fi
node -e '
  const [maj, min] = process.versions.node.split(".").map(Number);
  if (maj < 20 || (maj === 20 && min < 19)) {
    console.error(`setup: Node.js ${process.versions.node} is too old; push-vs-poll needs 20.19 or newer.`);
    process.exit(1);
  }
  console.log(`Node.js ${process.versions.node}`);'

# Debian package names for redis-server and the native libraries `canvas` builds against.
# python3 + build-essential: node-gyp builds canvas from source where no prebuilt binary can be fetched.
APT_PACKAGES=(redis-server build-essential python3 pkg-config libcairo2-dev libpango1.0-dev libjpeg-dev libgif-dev librsvg2-dev)
# Optional: the browser tests (report page, demo page, seven EventSources) need chromium; the
# proxy runs and tests (--proxy nginx, the proxy and TLS scenarios) need nginx-light; the nchan
# reference target (npm run nchan) needs libnginx-mod-nchan. Each is skipped with one line
# naming what is missing when absent.
APT_OPTIONAL_PACKAGES=(chromium nginx-light libnginx-mod-nchan)
BREW_PACKAGES=(redis pkg-config cairo pango libpng jpeg giflib librsvg)

case "$(uname -s)" in
  Linux)
    if have apt-get; then
      step "Checking system packages (apt)"
      apt_updated=0
      missing=()
      for p in "${APT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
      done
      if [ ${#missing[@]} -gt 0 ]; then
        echo "installing: ${missing[*]}"
        as_root apt-get update -qq
        apt_updated=1
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
      else
        echo "all present: ${APT_PACKAGES[*]}"
      fi
      for p in "${APT_OPTIONAL_PACKAGES[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
          echo "installing (optional, for the browser or proxy tests): $p"
          # Subshells: as_root exits when it cannot get root, which must not end the set-up here.
          [ "$apt_updated" = 1 ] || { (as_root apt-get update -qq) || true; apt_updated=1; }
          (as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$p") ||
            echo "setup: could not install $p; the tests and runs that need it will be skipped (Chromium: set CHROMIUM_PATH to use another one)." >&2
        fi
      done
    else
      echo "setup: no apt-get on this Linux. Install redis-server and the cairo/pango/jpeg/gif/rsvg development packages yourself." >&2
    fi
    ;;
  Darwin)
    step "Checking system packages (brew)"
    if ! have brew; then
      echo "setup: Homebrew is not installed; install it from brew.sh, then run this again." >&2
      exit 1
    fi
    for p in "${BREW_PACKAGES[@]}"; do
      brew list --formula "$p" >/dev/null 2>&1 || brew install "$p"
    done
    ;;
  *)
    echo "setup: unsupported OS $(uname -s); install redis-server and the canvas libraries yourself." >&2
    ;;
esac

step "Checking redis-server"
if have redis-server; then
  redis-server --version
else
  echo "setup: redis-server is still missing. Install it, or point REDIS_URL at a Redis you run." >&2
  exit 1
fi

step "Installing npm dependencies (npm ci)"
if [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] && [ -f node_modules/canvas/build/Release/canvas.node ]; then
  echo "node_modules is up to date with package-lock.json"
else
  npm ci --no-audit --no-fund
fi

step "Ready"
echo "Run the benchmark:  npm run bench            (add -- --quick for a 1-minute run)"
echo "Run the tests:      npm run check"
