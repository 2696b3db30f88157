#!/usr/bin/env bash
# The Native AOT executable (the README's install) does the main job as the JIT build does: .ci/run publishes it
# and runs this. Only loopback: the demo's simulated Asterisk, its stand-in firewall and its API.
#   usage: .ci/aot-smoke.sh /path/to/watchdog
set -uo pipefail
exe=${1:?usage: aot-smoke.sh WATCHDOG_EXECUTABLE}
work=$(mktemp -d)
trap 'kill "${demo:-}" 2>/dev/null; rm -rf "$work"' EXIT
fail() { echo "aot-smoke: FAIL: $*"; [ -f "$work/demo.log" ] && tail -20 "$work/demo.log"; exit 1; }

"$exe" --version >"$work/version" 2>&1 || fail "--version exited $?"
grep -q '[0-9]' "$work/version" || fail "--version printed no version: $(cat "$work/version")"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port"
"$exe" demo --duration 40s --listen "127.0.0.1:$port" >"$work/demo.log" 2>&1 &
demo=$!

# The story: the registration drops and is healed within its first seconds; wait for the API, then for it to be registered.
for _ in $(seq 1 60); do
  curl -fsS "$url/api/status" -o "$work/status.json" 2>/dev/null && break
  sleep 0.5
done
[ -s "$work/status.json" ] || fail "no /api/status from the demo at $url"

curl -fsS "$url/metrics" -o "$work/metrics" || fail "no /metrics"
grep -q '^asterisk_registration_status' "$work/metrics" || grep -q '^asterisk_' "$work/metrics" || fail "/metrics has no asterisk_ series"

# The CLI reads the agent's document; the agent logs in to the simulated Asterisk and learns its registration.
ok=
for _ in $(seq 1 40); do
  "$exe" status --url "$url" --json >"$work/cli.json"; rc=$?
  [ "$rc" -le 1 ] || fail "status --json exited $rc"
  if python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if d["ami"]["state"] == "connected" and any(r["name"] == "mango-registration" for r in d["registrations"]) else 1)
' "$work/cli.json"; then ok=1; break; fi
  sleep 0.5
done
[ -n "$ok" ] || fail "status --json never showed AMI connected and mango-registration: $(head -c 400 "$work/cli.json")"
"$exe" status --url "$url" --format nagios >"$work/nagios"; rc=$?
[ "$rc" -le 2 ] || fail "status --format nagios exited $rc"
grep -q '^WATCHDOG ' "$work/nagios" || fail "nagios line: $(cat "$work/nagios")"

wait "$demo"; rc=$?
demo=
[ "$rc" -eq 0 ] || fail "demo exited $rc"

printf '{"Ami": {"Secret": "s"}, "Security": {"Bans": {"StatePath": "%s/bans.json"}}}' "$work" >"$work/ok.json"
"$exe" check-config --config "$work/ok.json" >"$work/check" 2>&1; rc=$?
[ "$rc" -le 1 ] || fail "check-config of a valid file exited $rc: $(tail -5 "$work/check")"
echo '{"Ami": {"Prot": 5038}}' >"$work/typo.json"
"$exe" check-config --config "$work/typo.json" >"$work/typo" 2>&1; rc=$?
[ "$rc" -eq 78 ] || fail "check-config of an unknown key exited $rc, not 78"
grep -q 'Port' "$work/typo" || fail "check-config did not suggest Port: $(cat "$work/typo")"

echo "aot-smoke: ok ($(cat "$work/version" | head -1); demo, /metrics, status --json and nagios, check-config)"
