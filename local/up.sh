#!/usr/bin/env bash
# One command for a fresh machine: prepare it, then bring the whole of Berth up
# (emulators, tables and queues, the HTTP API, the reconcile schedule, one host agent).
set -euo pipefail
cd "$(dirname "$0")/.."
bash local/prerequisites.sh
exec npm run dev
