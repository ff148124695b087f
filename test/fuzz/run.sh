#!/usr/bin/env bash
# Bounded fuzzing of the gateway with schemathesis, against the OpenAPI document it serves.
#
# Real: the gateway (src/main.ts under ts-node) on its embedded fake apiserver, token-file
# authentication with a throwaway admin (group system:masters) and the example RBAC file,
# schemathesis from PyPI in a venv under .cache/fuzz. Nothing is mocked.
# Checks: no 5xx, every answer matches the document's response schema, status codes and
# content types. Fixed seed and a bounded number of examples per operation, so a run is
# repeatable and takes a couple of minutes on two cores.
#
#   npm run test:fuzz                         # or bash test/fuzz/run.sh
#   FUZZ_MAX_EXAMPLES=200 FUZZ_SEED=7 npm run test:fuzz
# Reports (JUnit, and the failing cases as curl commands in the output) land in test-output/fuzz/.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

ST_VERSION=4.32.5
SEED=${FUZZ_SEED:-20261130}
MAX_EXAMPLES=${FUZZ_MAX_EXAMPLES:-150}
# Optional time budget in seconds; with one, fuzzing and stateful runs repeat until it is spent.
MAX_TIME=${FUZZ_MAX_TIME:-}
venv=$root/.cache/fuzz/venv
report=$root/test-output/fuzz

# The gateway runs on the project's Node (node@24 in devDependencies), also when this script
# is called directly rather than through npm.
export PATH="$root/node_modules/.bin:$PATH"

if [ "$("$venv/bin/st" --version 2>/dev/null)" != "st, version $ST_VERSION" ]; then
  echo "fuzz: installing schemathesis $ST_VERSION into .cache/fuzz/venv" >&2
  rm -rf "$venv"
  python3 -m venv "$venv" || {
    echo "fuzz: python3 -m venv failed (Debian: apt-get install python3-venv)" >&2
    exit 1
  }
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$ST_VERSION"
fi

work=$(mktemp -d)
gateway_pid=""
cleanup() {
  if [ -n "$gateway_pid" ] && kill -0 "$gateway_pid" 2>/dev/null; then
    kill "$gateway_pid" 2>/dev/null || true
    wait "$gateway_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

# A throwaway admin: a random token in kube-apiserver's token-file format, in system:masters.
token=$(node -e 'process.stdout.write(require("node:crypto").randomBytes(32).toString("base64url"))')
printf '%s,fuzz-admin,fuzz-admin-uid,"system:masters"\n' "$token" >"$work/tokens.csv"
port=$(node -e 'const s=require("node:net").createServer().listen(0,"127.0.0.1",()=>{process.stdout.write(String(s.address().port));s.close()})')
base=http://127.0.0.1:$port

# Rate limits high enough that the fuzzer measures the routes, not the limiter.
env PORT="$port" HOST=127.0.0.1 K8S_BACKEND=fake LOG_LEVEL=warn \
  AUTH_MODE=token-file AUTH_TOKEN_FILE="$work/tokens.csv" AUTH_RBAC_FILE="$root/examples/auth/rbac.yaml" \
  RATE_LIMIT_PER_MINUTE=1000000 RATE_LIMIT_FAILURES_PER_MINUTE=1000000 \
  ts-node --transpile-only src/main.ts >"$work/gateway.log" 2>&1 &
gateway_pid=$!

# Node's fetch rather than curl, which a bare machine may lack.
ready() { node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$base/readyz"; }
for _ in $(seq 1 120); do
  if ready; then break; fi
  if ! kill -0 "$gateway_pid" 2>/dev/null; then
    echo "fuzz: the gateway exited before it was ready:" >&2
    cat "$work/gateway.log" >&2
    exit 1
  fi
  sleep 0.5
done
ready || {
  echo "fuzz: the gateway was not ready within 60 s:" >&2
  cat "$work/gateway.log" >&2
  exit 1
}
echo "fuzz: gateway on $base (node $(node -v)), schemathesis $ST_VERSION, seed $SEED, $MAX_EXAMPLES examples per operation" >&2

mkdir -p "$report"
status=0
# One worker: schemathesis' workers are threads, and CPython 3.11 (CI's python3 is 3.11.7) keeps
# the AST constructor's recursion counter in per-interpreter state, so two workers parsing
# source at once can fail the run with "AST constructor recursion depth mismatch", a fault of
# the tool, not of the gateway.
SCHEMATHESIS_HOOKS="$root/test/fuzz/hooks.py" "$venv/bin/st" run "$base/api/docs-json" \
  --header "Authorization: Bearer $token" \
  --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance \
  --seed "$SEED" \
  --max-examples "$MAX_EXAMPLES" \
  ${MAX_TIME:+--max-time "$MAX_TIME"} \
  --workers 1 \
  --request-timeout 10 \
  --generation-database none \
  --no-color \
  --report junit --report-dir "$report" \
  --output-sanitize true || status=$?

if [ "$status" -ne 0 ]; then
  # The gateway's own warnings and errors, for the failures above.
  echo "fuzz: gateway log (warn and above):" >&2
  tail -n 50 "$work/gateway.log" >&2
fi
exit "$status"
