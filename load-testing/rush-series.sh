#!/bin/sh
# A measured series of rushes on one system, unattended: starts the system when nothing answers on the gateway
# (`npm start` in its own session, LOG_LEVEL=warn, HOLD_TTL_SECONDS=${HOLD_TTL_SECONDS:-90} and
# WAITLIST_OFFER_TTL_SECONDS=${WAITLIST_OFFER_TTL_SECONDS:-120} so a lapsed hold or an unpaid offer comes
# back within the run), seeds the load users, then per run: fresh tokens, the machine's load before and after, the
# rush with the given arguments. Stops only a system it started itself. One line per run in the series log.
# Run it under the system lock, bounded:
#   flock /tmp/rail-system.lock timeout 3000 sh load-testing/rush-series.sh "on1|" "off1|--classic" ...
# Each argument is "name|rush arguments" (the name goes to --name, results in load-testing/results/<name>-*).
set -u
cd "$(dirname "$0")/.."
R=load-testing/results
mkdir -p "$R"
LOG="$R/series-$(date -u +%Y%m%dT%H%M%SZ).log"
USERS=${USERS:-10000}
TOKENS=${TOKENS:-$USERS} # users to keep tokens for (more than USERS keeps a bigger token file whole)
say() { echo "$*" | tee -a "$LOG"; }
up() { curl -s -m 3 -o /dev/null -w '%{http_code}' http://127.0.0.1:8080/api/auth/.well-known/jwks.json; }

started=""
if [ "$(up)" != "200" ]; then
  say "$(date -u +%T) starting the system (HOLD_TTL_SECONDS=${HOLD_TTL_SECONDS:-90}, WAITLIST_OFFER_TTL_SECONDS=${WAITLIST_OFFER_TTL_SECONDS:-120}, LOG_LEVEL=warn)"
  LOG_LEVEL=warn HOLD_TTL_SECONDS=${HOLD_TTL_SECONDS:-90} WAITLIST_OFFER_TTL_SECONDS=${WAITLIST_OFFER_TTL_SECONDS:-120} setsid npm start > "$R/series-system.log" 2>&1 &
  started=$!
  i=0
  while [ "$(up)" != "200" ] || ! curl -s -m 3 -o /dev/null -f http://127.0.0.1:8080/api/trains/stations; do
    i=$((i + 1))
    if [ $i -gt 240 ] || ! kill -0 "$started" 2> /dev/null; then
      say "the system did not come up: see $R/series-system.log"
      exit 1
    fi
    sleep 2
  done
  say "$(date -u +%T) system up (git $(git rev-parse --short HEAD))"
fi

stop_ours() {
  [ -n "$started" ] || return 0
  rec=$(node -e "try{console.log(JSON.parse(require('fs').readFileSync('.run/system.json','utf8')).pid)}catch{}")
  if [ -n "$rec" ] && [ "$(ps -o sid= -p "$rec" | tr -d ' ')" = "$started" ]; then npm stop > /dev/null 2>&1; fi
  kill -TERM -- "-$started" 2> /dev/null
  say "$(date -u +%T) stopped the system this series started"
  started=""
}
trap stop_ours EXIT
trap 'stop_ours; exit 1' INT TERM

node scripts/seed-users.mjs --count "$TOKENS" | tail -1 | tee -a "$LOG"
for spec in "$@"; do
  name=${spec%%|*}
  args=${spec#*|}
  node load-testing/prepare-tokens.mjs --users "$TOKENS" --concurrency 16 | tail -1
  say "=== $name: node load-testing/rush.mjs --users $USERS $args --name $name"
  say "$(date -u +%T) before: $(uptime | sed 's/.*load average/load average/')"
  # shellcheck disable=SC2086 # the arguments are meant to split
  timeout 900 node load-testing/rush.mjs --users "$USERS" $args --name "$name" > "$R/$name.out" 2>&1
  rc=$?
  say "$(date -u +%T) after:  $(uptime | sed 's/.*load average/load average/') exit $rc"
  grep -E 'every free seat|select p50|5xx or|booking_db|done-when|won while|waitlist: joined|time spent waiting|PASSED|FAILED' "$R/$name.out" | tee -a "$LOG"
done
say "series log: $LOG"
