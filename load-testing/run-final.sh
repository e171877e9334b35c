#!/bin/sh
# The measurement sequence behind docs/load-testing.md, unattended (about 20 minutes): tokens, baselines,
# three breakpoint runs, three rushes, one soak, wrk and Locust, then medians and charts. Copies the
# results it used to load-testing/reports/. Needs the system running (npm start) and the seeded users.
# Usage: sh load-testing/run-final.sh [rates]
set -u
cd "$(dirname "$0")/.."
RATES=${1:-50,100,150,200,250,300,400,500,650}
R=load-testing/results
mkdir -p load-testing/reports
node load-testing/prepare-tokens.mjs --users 10000 --concurrency 16 | tail -1
node load-testing/baseline.mjs --seconds 5 --connections 64,256
node load-testing/login-cost.mjs --users 1000 | grep -E 'logins/s|per login'
for i in 1 2 3; do
  node load-testing/breakpoint.mjs --rates "$RATES" --step 10 --name "breakpoint-$i" | grep -E '^rate|broke at'
done
for i in 1 2 3; do
  node load-testing/prepare-tokens.mjs --users 10000 --concurrency 16 | tail -1
  node load-testing/rush.mjs --name "rush-$i" | grep -E 'select p50|held / paid|after \(s\)|5xx|booking_db|PASSED|FAILED'
done
node load-testing/prepare-tokens.mjs --users 10000 --concurrency 16 | tail -1
node load-testing/soak.mjs --rate "${SOAK_RATE:-80}" --minutes "${SOAK_MINUTES:-4}" | grep -E 'requests/s|5xx'
node load-testing/wrk.mjs --seconds 10 | grep -E 'hello|select'
sh load-testing/locust.sh 100 20 90s > "$R/locust-run.txt" 2>&1
cp "$R/locust_stats.csv" load-testing/reports/locust_stats.csv
node load-testing/medians.mjs
