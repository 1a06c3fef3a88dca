#!/usr/bin/env bash
# Make sure a Docker engine answers: install Debian's engine when it is missing, start it
# when it is not running, wait until `docker info` answers. Idempotent.
set -euo pipefail

log=${LLMCODE_DOCKERD_LOG:-/var/log/llmcode-dockerd.log}

if docker info >/dev/null 2>&1; then
  echo "docker engine: already running"
  exit 0
fi

if ! command -v dockerd >/dev/null 2>&1; then
  echo "docker engine: installing Debian's docker.io"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends docker.io >/dev/null
fi

if ! pgrep -x dockerd >/dev/null 2>&1; then
  echo "docker engine: starting dockerd (log: $log)"
  # iptables is off because these machines have no usable netfilter; the sandbox runs
  # every container with --network none anyway.
  nohup dockerd --iptables=false >"$log" 2>&1 &
fi

for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    echo "docker engine: ready ($(docker version --format '{{.Server.Version}}'))"
    exit 0
  fi
  sleep 1
done
echo "docker engine: dockerd did not answer within 60 s; see $log" >&2
exit 1
