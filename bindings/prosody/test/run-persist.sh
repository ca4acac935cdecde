#!/bin/sh
# mod_libmuc's durable state through a restart of Prosody (make
# check-prosody): Prosody with file storage ("internal"), persist/1-create.scs,
# a restart on the same data, persist/2-restored.scs.
#
#   sh bindings/prosody/test/run-persist.sh LUA_MODULE
#
# Environment: NET, PROSODY, KEEP=1 (as run-corpus.sh).
set -u

LUA_MOD=${1:?usage: run-persist.sh LUA_MODULE}
HERE=$(cd "$(dirname "$0")" && pwd)
NET=${NET:-../shared/tools/scansion_net.py}
PROSODY=${PROSODY:-prosody}
for f in "$LUA_MOD" "$NET"; do
	[ -e "$f" ] || { echo "check-prosody: missing $f" >&2; exit 1; }
done
command -v "$PROSODY" >/dev/null 2>&1 ||
	{ echo "check-prosody: $PROSODY not found (apt-get install prosody)" >&2; exit 1; }

LUA_MOD_ABS=$(cd "$(dirname "$LUA_MOD")" && pwd)/$(basename "$LUA_MOD")
WORK=$(mktemp -d /tmp/libmuc-persist.XXXXXX)
. "$HERE/prosody-lib.sh"
export PROSODY_STORAGE=internal

run_part() { # script
	port=$(free_port)
	start_prosody "$WORK" "$port" || exit 1
	out=$(python3 "$NET" -v --port "$port" "$1" 2>>"$WORK/net.trace")
	stop_prosody
	case "$out" in
	PASS*) echo "PASS $(basename "$1")";;
	*)
		echo "FAIL $(basename "$1"): $(printf '%s\n' "$out" | grep -E '^FAIL' | head -1)"
		echo "  (rerun with KEEP=1; trace and log under $WORK)"
		exit 1;;
	esac
}

run_part "$HERE/persist/1-create.scs"
if ! ls "$WORK"/data/conference%2elocalhost/libmuc_rooms/*.dat >/dev/null 2>&1; then
	echo "FAIL: no room file in Prosody's storage:" >&2
	find "$WORK/data" >&2
	exit 1
fi
run_part "$HERE/persist/2-restored.scs"
if ! grep -q "serving conference.localhost: 1 rooms restored" "$WORK/prosody.log"; then
	echo "FAIL: Prosody's log does not say the room was restored" >&2
	exit 1
fi
echo "check-prosody: durable state kept through a restart"
