#!/usr/bin/env bash
# Makes this machine ready to run Berth locally: a Docker engine that answers,
# Java and Maven for the emulators, a static busybox for the test image, and
# the project's npm dependencies (which bring Node 22 as node@22).
# Installs with apt-get when run as root on Debian/Ubuntu; otherwise says what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v dockerd >/dev/null 2>&1 || docker info >/dev/null 2>&1 || missing+=(docker.io)
{ [ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1; } || missing+=(busybox-static)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
# The private-registry tests run Debian's registry on loopback, with htpasswd auth.
command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
command -v htpasswd >/dev/null 2>&1 || missing+=(apache2-utils)
# The python-zunclient compatibility tests run in a venv of their own.
python3 -m venv --help >/dev/null 2>&1 || missing+=(python3-venv)

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing ${missing[*]}…"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "Berth needs these Debian packages (or your system's equivalents): ${missing[*]}" >&2
    exit 1
  fi
fi

if ! docker info >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v dockerd >/dev/null 2>&1; then
    echo "Starting the Docker engine…"
    mkdir -p .berth/logs
    # Room for 256 project networks of up to 1022 containers each (Docker's default pools hold about 30).
    nohup dockerd --default-address-pool base=172.20.0.0/14,size=22 >.berth/logs/dockerd.log 2>&1 &
    for _ in $(seq 1 240); do docker info >/dev/null 2>&1 && break; sleep 1; done
  fi
  docker info >/dev/null 2>&1 || { echo "The Docker engine is not answering (see .berth/logs/dockerd.log)." >&2; exit 1; }
fi

if [ ! -x node_modules/.bin/tsx ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "Installing npm dependencies (with Node 22)…"
  npm ci --no-audit --no-fund --loglevel=error
fi
