#!/bin/sh
# The tuning comparison in docs/load-testing.md: restarts the system (npm stop; npm start) once per
# configuration and runs the same short select breakpoint against each, saved as tune-<label>.
# Configurations are label=ENV settings; the last one is left running.
# Usage: sh load-testing/tune.sh "info-3=LOG_LEVEL=info BOOKING_REPLICAS=3" "warn-3=LOG_LEVEL=warn BOOKING_REPLICAS=3" ...
set -u
cd "$(dirname "$0")/.."
RATES=${TUNE_RATES:-50,100,150,200,300,400,500,650,800}
for config in "$@"; do
  label=${config%%=*}
  settings=${config#*=}
  npm stop >/dev/null 2>&1
  sleep 3
  # shellcheck disable=SC2086
  env $settings nohup npm start > "load-testing/results/system-$label.log" 2>&1 &
  ready=0
  for _ in $(seq 1 90); do
    if curl -fs http://127.0.0.1:8080/healthz >/dev/null 2>&1 && curl -fs http://127.0.0.1:3003/health/ready >/dev/null 2>&1 \
      && curl -fs "http://127.0.0.1:8080/api/trains/stations" >/dev/null 2>&1; then ready=1; break; fi
    sleep 2
  done
  [ "$ready" = 1 ] || { echo "system with $settings did not come up; see load-testing/results/system-$label.log" >&2; exit 1; }
  sleep 5
  echo "== $label ($settings)"
  node load-testing/prepare-tokens.mjs --users 10000 --concurrency 16 | tail -1
  node load-testing/breakpoint.mjs --rates "$RATES" --step 8 --days 3 --name "tune-$label" | grep -E '^rate|^baselines'
done
