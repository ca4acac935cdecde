#!/bin/sh
# The shared corpus over the network: each script against a fresh Prosody
# with muc-component serving conference.localhost (both restarted between
# scripts: the scripts reuse room names), with ../shared/tools/scansion_net.py.
# Every script that passes in-process (build/muc-scansion) must pass here;
# a difference is a bug in the component or in the in-process emulation.
#
#   sh test/integration/net-corpus.sh build/muc-component [SCS_DIR]
set -u
COMPONENT=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
. "$(dirname "$0")/lib.sh"
TOP=$(cd "$INTEG/../.." && pwd)
SCS=${2:-$TOP/../shared/conformance/prosody-scansion}
NET=${SCANSION_NET:-$TOP/../shared/tools/scansion_net.py}
RUNNER=${RUNNER:-$TOP/build/muc-scansion}
trap 'stop_all' EXIT
trap 'exit 1' INT TERM
[ -d "$SCS" ] || die "no corpus at $SCS"
[ -f "$NET" ] || die "no scansion_net.py at $NET"

passed=0
failed=0
differ=0
COMPONENT_RC=0
for f in "$SCS"/*.scs; do
	name=$(basename "$f")
	start_prosody
	start_component "$WORK/state-$name"
	if out=$("$PY" "$NET" --port "$PROSODY_C2S_PORT" "$f" 2>&1); then
		passed=$((passed + 1))
		net=PASS
	else
		failed=$((failed + 1))
		net=FAIL
	fi
	echo "$out" | grep -E "^(PASS|FAIL) "
	stop_all
	if [ "$COMPONENT_RC" -ne 0 ]; then
		echo "FAIL $name: muc-component exited with status $COMPONENT_RC on SIGTERM (log: $WORK/component.log)"
		[ "$net" = PASS ] && passed=$((passed - 1)) && failed=$((failed + 1))
		net=FAIL
	fi
	if [ -x "$RUNNER" ]; then
		if "$RUNNER" "$f" >/dev/null 2>&1; then local_=PASS; else local_=FAIL; fi
		if [ "$local_" != "$net" ]; then
			echo "DIFFERENCE: $name: $local_ in-process, $net over the network"
			[ "$local_" = PASS ] && differ=$((differ + 1))
		fi
	fi
done
echo "net-corpus: $passed passed, $failed failed"
[ "$differ" -eq 0 ] || { echo "net-corpus: $differ script(s) pass in-process but fail over the network (logs: $WORK)"; exit 1; }
rm -rf "$WORK"
