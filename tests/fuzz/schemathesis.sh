#!/usr/bin/env bash
# Fuzzes the real server with schemathesis against its own /openapi.json:
# every operation, for a bounded time, with the checks not_a_server_error
# (any 5xx), the conformance of each answer's status, content type,
# headers and body to the document, unsupported_method (405 with Allow)
# and ignored_auth (a protected operation must refuse a missing or wrong
# token).
# It fails on any finding, and on any ERROR line in the server's log
# (a client's request must never produce one).
#
#   bash tests/fuzz/schemathesis.sh
#
# It builds nothing: it runs the debug binary `cargo test` (or `cargo
# build`) left in $CARGO_TARGET_DIR (default ./target), or FUZZ_BIN.
# Environment: FUZZ_SECONDS (schemathesis's time budget, default 90),
# FUZZ_SEED (a seed to replay a run), SCHEMATHESIS (the command, default
# `schemathesis` on PATH).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

BIN=${FUZZ_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/debug/latchkey}
SCHEMATHESIS=${SCHEMATHESIS:-schemathesis}
SECONDS_BUDGET=${FUZZ_SECONDS:-90}
[[ -x $BIN ]] || { echo "fuzz: no $BIN; run cargo build first" >&2; exit 1; }
SCHEMATHESIS=$(command -v "$SCHEMATHESIS") || { echo "fuzz: no schemathesis" >&2; exit 1; }
[[ $SCHEMATHESIS == /* ]] || SCHEMATHESIS=$ROOT/$SCHEMATHESIS

WORK=$(mktemp -d "${TMPDIR:-/tmp}/latchkey-fuzz.XXXXXX")
SERVER=""
cleanup() {
    if [[ -n $SERVER ]]; then
        kill -TERM "$SERVER" 2>/dev/null || true
        wait "$SERVER" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Cheap hashes (a debug build hashes slowly) and no throttling: the fuzzer
# logs in thousands of times from one address, and a 503 or 429 from
# saturation would hide what it is looking for.
export LATCHKEY_RATE_LIMIT=off LATCHKEY_ACCOUNT_FREE_FAILURES=1000000 \
    LATCHKEY_ACCOUNT_DAILY_LIMIT=1000000 LATCHKEY_ARGON2_M_KIB=8 LATCHKEY_ARGON2_T=1 \
    LATCHKEY_HASH_QUEUE=1000 LATCHKEY_LOG=info LATCHKEY_LOG_FORMAT=json
# An admin, whose token the bearer scheme uses, and a user without scope
# admin, for /token's grants of fewer scopes; one password for both.
EMAIL=fuzz-admin@example.com
PLAIN_EMAIL=fuzz-user@example.com
PASSWORD=fuzz-password-correct-horse-battery
printf '%s\n' "$PASSWORD" |
    "$BIN" --data-dir "$WORK/data" --create user add "$EMAIL" --password-stdin --admin --scope fuzz >/dev/null
printf '%s\n' "$PASSWORD" |
    "$BIN" --data-dir "$WORK/data" --create user add "$PLAIN_EMAIL" --password-stdin --scope fuzz >/dev/null

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
"$BIN" --data-dir "$WORK/data" serve --bind "127.0.0.1:$PORT" 2>"$WORK/server.log" &
SERVER=$!
for _ in $(seq 1 100); do
    curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break
    kill -0 "$SERVER" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
    sleep 0.1
done
curl -fsS "$BASE/healthz" >/dev/null

# The bearer scheme gets a fresh admin token from /token (again after a
# 401); /token itself is often sent real credentials, so its 200 is
# checked too and the stateful phase follows its links into the refresh
# grant, revocation, /users/me and /admin/users.
cat >"$WORK/schemathesis.toml" <<TOML
[auth.dynamic.openapi.bearer]
path = "/token"
method = "post"
payload = { username = "$EMAIL", password = "$PASSWORD" }
payload_content_type = "application/x-www-form-urlencoded"
extract_selector = "/access_token"

[dictionaries.email]
values = ["$EMAIL", "$PLAIN_EMAIL"]

[dictionaries.password]
values = ["$PASSWORD"]

[parameters]
"body.username" = { dictionary = "email", probability = 0.5 }
"body.password" = { dictionary = "password", probability = 0.5 }
TOML

# One worker: with two, hypothesis's ast.parse in parallel threads hits a
# CPython 3.11 bug ("AST constructor recursion depth mismatch",
# cpython#106905), which schemathesis reports as an error of the run.
# Run from the scratch dir, where schemathesis leaves its cache.
status=0
(cd "$WORK" && exec "$SCHEMATHESIS" --config-file "$WORK/schemathesis.toml" --no-color run "$BASE/openapi.json" \
    --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance,response_headers_conformance,unsupported_method,ignored_auth \
    --max-time "$SECONDS_BUDGET" --workers 1 --request-timeout 10 \
    ${FUZZ_SEED:+--seed "$FUZZ_SEED"}) || status=$?

kill -TERM "$SERVER"
wait "$SERVER" || { echo "fuzz: the server did not stop cleanly" >&2; status=1; }
SERVER=""
if grep -F '"level":"ERROR"' "$WORK/server.log" >&2; then
    echo "fuzz: the requests above wrote ERROR lines into the server log" >&2
    status=1
fi
# What was exercised, from the access log: a run whose protected
# operations never answered 200 did not test much. A line that is not
# JSON (a panic's message) fails the run too.
python3 - "$WORK/server.log" <<'PY' || status=1
import collections, json, sys
counts = collections.Counter()
foreign = []
for line in open(sys.argv[1]):
    try:
        event = json.loads(line)
    except ValueError:
        foreign.append(line.rstrip())
        continue
    if event.get("target") == "latchkey::access":
        fields = event["fields"]
        counts[(fields["path"], fields["method"], fields["status"])] += 1
print(f"fuzz: {sum(counts.values())} requests reached the application; by path, method and status:")
for (path, method, status), n in sorted(counts.items(), key=lambda item: (item[0][0], item[0][1], item[0][2])):
    print(f"  {n:6} {method} {path} {status}")
for line in foreign:
    print(f"fuzz: the server wrote a line that is not a log event: {line}", file=sys.stderr)
sys.exit(1 if foreign else 0)
PY
exit "$status"
