#!/bin/sh
# Runs the brief's Locust scenario headless against the gateway and writes CSV stats under
# load-testing/results/. Debian's python3-locust lives under /usr/bin/python3 (a pyenv python3 earlier
# in PATH would not see it). Usage: load-testing/locust.sh [users] [spawn-rate] [duration] [extra locust args...]
set -eu
cd "$(dirname "$0")/.."
USERS=${1:-200}
RATE=${2:-20}
DURATION=${3:-3m}
[ $# -gt 3 ] && shift 3 || set --
PY=/usr/bin/python3
[ -x "$PY" ] && "$PY" -c 'import locust' 2>/dev/null || PY=python3
"$PY" -c 'import locust' 2>/dev/null || { echo "locust is not installed: apt-get install python3-locust" >&2; exit 1; }
mkdir -p load-testing/results
exec "$PY" -m locust -f load-testing/locustfile.py --headless -u "$USERS" -r "$RATE" -t "$DURATION" \
  --host "${LOAD_BASE_URL:-http://127.0.0.1:8080}" --csv load-testing/results/locust --csv-full-history \
  --only-summary "$@"
