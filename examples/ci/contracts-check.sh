#!/usr/bin/env bash
# Check a server against its vendor's OpenAPI contract in CI: install the harness, start the server under
# test, run `contracts check --wait` (it waits until the server answers) with JUnit and JSON reports, keep the reports, and exit
# with the check's exit code (0 conformant, 1 contract violations, 2 could not judge: see `contracts check -h`).
# A failing install, or a server command that fails (exits with a non-zero status before the check ends), is 2
# as well: nothing was judged. The same steps as github-actions.yml, for any CI system (GitLab, Jenkins,
# Buildkite, a laptop).
#
# Everything comes from the environment (defaults: the mock's Respan API with its shipped profile):
#   INSTALL_CMD    how to install the harness (into the python3 on PATH: activate a virtualenv first where the
#                  system's Python is not yours to change); empty when it is installed already. Default: this
#                  script's own checkout of the harness (pip install <the repository>); in your repository, set it
#                  (a wheel, a git URL: python3 -m pip install 'git+https://.../vendor-model-contracts@v0.1.0')
#   SERVER_CMD     the server under test, started in the background and stopped at the end;
#                  empty when it runs already (a service container, a staging deployment)
#   API            openwebui | respan | selise
#   BASE_URL       where the server answers (may carry a path prefix, e.g. http://127.0.0.1:8080/api/v1)
#   PROFILE        target profile YAML (tokens, model ids; ${ENV_VAR}s from CI secrets), or `mock`
#   REPORT_DIR     where junit.xml, report.json and server.log are kept
#   WAIT_SECONDS   how long the server may take to answer its first request
#   CONTRACTS_ARGS more options for `contracts check`, e.g. "--max-examples 50 --seed 1 --baseline b.yaml"
set -euo pipefail

say() { echo "contracts-check: $*" >&2; }

API="${API:-respan}"
PORT="${PORT:-9002}"
BASE_URL="${BASE_URL:-http://127.0.0.1:${PORT}}"
if [ -z "${INSTALL_CMD+set}" ]; then  # unset (not empty): the checkout this script belongs to
    CHECKOUT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
    if ! grep -qs '^name = "vendor-model-contracts"' "$CHECKOUT/pyproject.toml"; then
        say "INSTALL_CMD is not set and $CHECKOUT is not the harness's repository: set INSTALL_CMD to install it" \
            "(e.g. python3 -m pip install <wheel or git URL>), or INSTALL_CMD= when it is installed already"
        exit 2
    fi
    INSTALL_CMD="python3 -m pip install --quiet $(printf '%q' "$CHECKOUT")"
fi
SERVER_CMD="${SERVER_CMD-mock-server --api ${API} --port ${PORT} --quiet}"
PROFILE="${PROFILE:-mock}"
REPORT_DIR="${REPORT_DIR:-contracts-reports}"
WAIT_SECONDS="${WAIT_SECONDS:-60}"
read -r -a EXTRA <<< "${CONTRACTS_ARGS:-}"

# 1. install (a failure is exit 2: nothing was judged)
if [ -n "$INSTALL_CMD" ]; then
    say "installing: $INSTALL_CMD"
    if ! bash -c "$INSTALL_CMD"; then
        say "the install failed (INSTALL_CMD: $INSTALL_CMD); see its output above; exit 2"
        exit 2
    fi
fi
if ! command -v contracts > /dev/null; then
    say "no \`contracts\` command on PATH after the install; install the harness (INSTALL_CMD) into the Python on PATH; exit 2"
    exit 2
fi
mkdir -p "$REPORT_DIR"

# 2. start the server under test (in its own process group, so that stopping it stops its children too)
SERVER_PID=""
# shellcheck disable=SC2329  # called by the EXIT trap
stop_server() {
    if [ -n "$SERVER_PID" ]; then
        kill -TERM -- "-$SERVER_PID" 2>/dev/null || kill -TERM "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
}
trap stop_server EXIT
if [ -n "$SERVER_CMD" ]; then
    say "starting: $SERVER_CMD (log: $REPORT_DIR/server.log)"
    set -m
    bash -c "$SERVER_CMD" > "$REPORT_DIR/server.log" 2>&1 &
    SERVER_PID=$!
    set +m
fi

# 3. `contracts check --wait` waits until the server answers at all (any HTTP answer counts: 401 and 404 mean
#    it is up), then checks it
# 4. check, keeping the reports; 5. the check's exit code is the script's
set +e
contracts check --api "$API" --base-url "$BASE_URL" --profile "$PROFILE" \
    --junit "$REPORT_DIR/junit.xml" --json "$REPORT_DIR/report.json" \
    --wait "$WAIT_SECONDS" ${EXTRA[@]+"${EXTRA[@]}"}
status=$?
# 6. a server command that failed (it exited with a non-zero status: it did not start, e.g. its port was taken,
#    or it died) means that what was checked, if anything, was not it: exit 2, with its log
if [ -n "$SERVER_PID" ] && ! kill -0 "$SERVER_PID" 2>/dev/null; then
    wait "$SERVER_PID"
    server_status=$?
    SERVER_PID=""
    if [ "$server_status" -ne 0 ]; then
        say "the server exited with status $server_status before the check ended; its log:"
        tail -n 20 "$REPORT_DIR/server.log" >&2 || true
        status=2
    fi
fi
set -e
say "exit $status; reports in $REPORT_DIR/"
exit "$status"
