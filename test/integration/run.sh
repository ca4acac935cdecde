#!/bin/sh
# make integration: Debian's Prosody on loopback with muc-component serving
# conference.localhost, and real clients (python3-slixmpp) over c2s, see
# clients.py. Also checks that the component fails fast, with one line, on
# a bad state directory, an unreachable server and a bad secret.
# Stops everything it started; logs stay in the work directory on failure.
#
#   sh test/integration/run.sh build/muc-component
set -u
COMPONENT=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
. "$(dirname "$0")/lib.sh"
trap 'stop_all' EXIT
trap 'exit 1' INT TERM
[ -x "$COMPONENT" ] || die "no component at $1 (make component)"
"$PY" -c 'import slixmpp' 2>/dev/null || die "$PY has no slixmpp (make integration-deps)"

passed=0
failed=0
# expect_exit WHAT PATTERN ARGS...: the component exits 1 within 10 s with
# one line matching PATTERN.
expect_exit() {
	what=$1 pattern=$2
	shift 2
	out=$(timeout 10 "$COMPONENT" --domain "$MUC_DOMAIN" "$@" 2>&1)
	rc=$?
	if [ $rc -eq 1 ] && [ "$(printf '%s\n' "$out" | grep -c .)" -eq 1 ] &&
		printf '%s' "$out" | grep -q "$pattern"; then
		passed=$((passed + 1))
		echo "ok - $what: $out"
	else
		failed=$((failed + 1))
		echo "not ok - $what (exit $rc): $out"
	fi
}

start_prosody
echo "ok - Prosody up on 127.0.0.1:$PROSODY_C2S_PORT (component port $PROSODY_COMPONENT_PORT)"
touch "$WORK/not-a-dir"
expect_exit "bad state directory" "state directory" --secret "$MUC_COMPONENT_SECRET" \
	--port "$PROSODY_COMPONENT_PORT" --state-dir "$WORK/not-a-dir"
expect_exit "bad secret" "refused the secret" --secret wrong \
	--port "$PROSODY_COMPONENT_PORT" --state-dir "$WORK/state-x"
expect_exit "unreachable server" "cannot connect" --secret x \
	--port 1 --state-dir "$WORK/state-x"
echo "component-startup: $passed passed, $failed failed"

"$PY" "$INTEG/clients.py" --component "$COMPONENT" --state-dir "$WORK/state" \
	--work "$WORK" --c2s-port "$PROSODY_C2S_PORT" \
	--component-port "$PROSODY_COMPONENT_PORT" --secret "$MUC_COMPONENT_SECRET"
rc=$?
stop_all
if [ $rc -ne 0 ] || [ $failed -ne 0 ]; then
	echo "integration: FAILED (logs in $WORK: prosody/prosody.log, clients-component.log)"
	exit 1
fi
rm -rf "$WORK"
echo "integration: all passed"
