#!/usr/bin/env bash
# Set up pytest-llmcode on this machine; safe to run again (each step skips what is there).
#   1. a Docker engine that answers (scripts/start-docker.sh installs/starts Debian's one)
#   2. this package, editable, with its test extras
#   3. a headless Chromium and its driver, for the HTML report's browser tests (Debian's
#      chromium and chromium-driver); sshd and openssl, for the tests that grade on an
#      engine reached over ssh and over TLS (each test starts its own sshd)
#   4. the sandbox image (debian:bookworm-slim is made offline with debootstrap when no
#      registry can be reached; that needs root)
# Meant for root on a Debian 12 machine, e.g. CI; elsewhere, start Docker yourself first.
set -euo pipefail
trap 'echo "setup: FAILED (exit $?) at line $LINENO: $BASH_COMMAND" >&2' ERR
cd "$(dirname "${BASH_SOURCE[0]}")/.."

t0=$SECONDS
export DEBIAN_FRONTEND=noninteractive PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1

echo "setup: [1/4] docker engine"
bash scripts/start-docker.sh

echo "setup: [2/4] python package: pip install -e '.[test]'"
if ! python3 -m pip --version >/dev/null 2>&1; then
  echo "setup: pip is missing; installing python3-pip"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends python3-pip python3-venv >/dev/null
fi
# Debian's own python3 refuses pip installs outside a venv (PEP 668); on a throwaway
# machine (CI) installing into it is what we want. A venv or pyenv python is left alone.
if [ -z "${PIP_BREAK_SYSTEM_PACKAGES:-}" ] && python3 - <<'PY'
import pathlib, sys, sysconfig
marker = pathlib.Path(sysconfig.get_path("stdlib")) / "EXTERNALLY-MANAGED"
sys.exit(0 if marker.exists() and sys.prefix == sys.base_prefix else 1)
PY
then
  echo "setup: python3 is externally managed (PEP 668); installing into it anyway"
  export PIP_BREAK_SYSTEM_PACKAGES=1
fi
python3 -m pip install -q -e '.[test]'

echo "setup: [3/4] test tools: chromium, chromium-driver, sshd, openssl"
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium fonts-dejavu-core)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
[ -x /usr/sbin/sshd ] || missing+=(openssh-server)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: chromium, chromedriver, sshd and openssl are installed"
elif command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
  echo "setup: installing ${missing[*]}"
  # The tests start sshd themselves: the package must not start the machine's own on port
  # 22 (a policy-rc.d that refuses, for this install only, where there is none).
  policy=""
  if [[ " ${missing[*]} " == *" openssh-server "* ]] && [ ! -e /usr/sbin/policy-rc.d ]; then
    policy=/usr/sbin/policy-rc.d
    trap 'rm -f "$policy"' EXIT
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod +x "$policy"
  fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if [ -n "$policy" ]; then rm -f "$policy"; fi
else
  echo "setup: missing ${missing[*]} and no root apt-get: the tests that need them will skip" >&2
fi

echo "setup: [4/4] sandbox image"
python3 -m pytest_llmcode image

echo "setup: done in $((SECONDS - t0)) s"
