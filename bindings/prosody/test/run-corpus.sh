#!/bin/sh
# The shared corpus over the network against Debian's Prosody with
# mod_libmuc serving conference.localhost (make check-prosody).
#
#   sh bindings/prosody/test/run-corpus.sh LUA_MODULE SCS_DIR_OR_FILES...
#
# Each script gets a fresh Prosody (memory storage; the scripts reuse room
# names), started on a free loopback port and stopped after the script.
# Every script that passes in-process (build/muc-scansion, the same library)
# must pass here, and every client must receive the same stanzas in the same
# order as in-process (compare-traffic.py); a difference fails the run.
# Scripts that fail in-process are run and reported, and do not fail it.
#
# Environment: RUNNER (default build/muc-scansion), NET (default
# ../shared/tools/scansion_net.py), PROSODY (default prosody), KEEP=1 keeps
# each script's Prosody log and both traces under $WORK, VERBOSE=1 prints the
# network trace of a failing script, NET_ARGS adds scansion_net.py options.
set -u

LUA_MOD=${1:?usage: run-corpus.sh LUA_MODULE SCS...}
shift
[ $# -gt 0 ] || { echo "run-corpus.sh: no scripts given" >&2; exit 2; }

HERE=$(cd "$(dirname "$0")" && pwd)
RUNNER=${RUNNER:-build/muc-scansion}
NET=${NET:-../shared/tools/scansion_net.py}
PROSODY=${PROSODY:-prosody}

if ! command -v "$PROSODY" >/dev/null 2>&1; then
	echo "check-prosody: $PROSODY not found (apt-get install prosody)" >&2
	exit 1
fi
for f in "$LUA_MOD" "$RUNNER" "$NET"; do
	[ -e "$f" ] || { echo "check-prosody: missing $f" >&2; exit 1; }
done

# Scripts: a directory stands for its *.scs.
SCRIPTS=
for a in "$@"; do
	if [ -d "$a" ]; then
		for f in "$a"/*.scs; do [ -e "$f" ] && SCRIPTS="$SCRIPTS $f"; done
	else
		SCRIPTS="$SCRIPTS $a"
	fi
done
if [ -z "$SCRIPTS" ]; then
	echo "check-prosody: no .scs scripts in $*: skipped"
	exit 0
fi

LUA_MOD_ABS=$(cd "$(dirname "$LUA_MOD")" && pwd)/$(basename "$LUA_MOD")
WORK=$(mktemp -d /tmp/libmuc-prosody.XXXXXX)
PROSODY_PID=

. "$HERE/prosody-lib.sh"

pass=0 fail=0 bad=0 n=0 excused=0 differ=0
BAD_LIST= DIFF_LIST=
for scs in $SCRIPTS; do
	n=$((n + 1))
	name=$(basename "$scs")
	base="$WORK/$n-${name%.scs}"
	mkdir -p "$base"
	if "$RUNNER" -v "$scs" >"$base/inproc.trace" 2>&1; then
		inproc=PASS
	else
		inproc=FAIL
	fi
	port=$(free_port)
	if ! start_prosody "$base" "$port"; then
		stop_prosody
		exit 1
	fi
	out=$(python3 "$NET" -v ${NET_ARGS:-} --port "$port" "$scs" 2>"$base/net.trace")
	stop_prosody
	line=$(printf '%s\n' "$out" | grep -E '^(PASS|FAIL) ' | head -1)
	case "$line" in
	PASS*)
		pass=$((pass + 1))
		# Passing is not all: each client must have received the same
		# stanzas, in the same order, as in-process.
		if python3 "$HERE/compare-traffic.py" "$base/inproc.trace" \
			"$base/net.trace" >"$base/traffic.diff"; then
			echo "PASS $name"
			grep -h 'stopped reading' "$base/traffic.diff" | sed 's/^/  note: /'
		else
			differ=$((differ + 1))
			DIFF_LIST="$DIFF_LIST $name"
			echo "PASS $name, but the traffic differs from in-process:"
			sed 's/^/  /' "$base/traffic.diff"
		fi
		;;
	*)
		fail=$((fail + 1))
		if [ $inproc = PASS ]; then
			bad=$((bad + 1))
			BAD_LIST="$BAD_LIST $name"
			echo "FAIL $name (passes in-process): ${line:-$out}"
		else
			excused=$((excused + 1))
			echo "FAIL $name (fails in-process too): ${line:-$out}"
		fi
		[ "${VERBOSE:-0}" = 1 ] && cat "$base/net.trace"
		;;
	esac
done

echo "check-prosody: $pass passed, $fail failed over the network" \
     "($bad of the failures pass in-process; traffic differs in $differ)"
if [ $bad -gt 0 ] || [ $differ -gt 0 ]; then
	echo "check-prosody: differences from the in-process run:$BAD_LIST$DIFF_LIST" >&2
	echo "  (rerun with KEEP=1 [VERBOSE=1] to keep the traces and logs)" >&2
	exit 1
fi
exit 0
