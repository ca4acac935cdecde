#!/bin/sh
# Replays our scenario scripts against a real Prosody and checks that libmuc
# sends what it sent: each script's receives steps are dropped, the rest is
# recorded with ../shared/tools/scansion_record.py, the recording is cleaned
# of what the deployment adds (clean.py) and run in-process with --exact.
#
#   sh test/reference/compare.sh PROSODY_COMMAND OUT_DIR [SCRIPT.scs...]
#
# PROSODY_COMMAND: /usr/bin/prosody (Debian's 0.12) or the prosody13 made by
# prosody13.sh. Without scripts: our scenarios. test/reference/cases/ holds
# some 370 more (client steps only), written while comparing with 13.0.1;
# the differences they found are fixed or documented in the README. Scripts with "# libmuc-option:" lines are skipped (they
# test what Prosody has no setting for). A DIFF is either a departure the
# script documents or a difference to look at. RUNNER may name another
# build of the runner. Not part of CI: it needs Prosody and minutes.
set -u
PROSODY=${1:?usage: compare.sh PROSODY_COMMAND OUT_DIR [SCRIPT...]}
OUT=${2:?usage: compare.sh PROSODY_COMMAND OUT_DIR [SCRIPT...]}
shift 2
TOP=$(cd "$(dirname "$0")/../.." && pwd)
TOOLS=$TOP/../shared/tools
RUNNER=${RUNNER:-$TOP/build/muc-scansion}
PORT=${PORT:-5298}
[ $# -gt 0 ] || set -- "$TOP"/test/scenarios/*/*.scs
mkdir -p "$OUT"
pass=0 fail=0
for f in "$@"; do
	n=$(basename "$f" .scs)
	grep -q '^# libmuc-option:' "$f" && continue
	# keep everything but "Name receives:" steps and their stanzas
	awk '/^[^ \t#].* receives:/ { skip = 1; next }
	     skip && /^[ \t]/ { next }
	     { skip = 0; print }' "$f" >"$OUT/$n.in.scs"
	rm -rf "$OUT/base"
	/usr/bin/python3 "$TOOLS/scansion_record.py" --fresh-prosody \
		--prosody "$PROSODY" --port "$PORT" --base "$OUT/base" \
		"$OUT/$n.in.scs" -o "$OUT/$n.rec.scs" >"$OUT/$n.log" 2>&1
	/usr/bin/python3 "$TOP/test/reference/clean.py" "$OUT/$n.rec.scs" \
		>"$OUT/$n.cmp.scs" 2>/dev/null
	if "$RUNNER" --exact "$OUT/$n.cmp.scs" >"$OUT/$n.result" 2>&1; then
		pass=$((pass + 1))
		echo "SAME $n"
	else
		fail=$((fail + 1))
		echo "DIFF $n: $(head -n 1 "$OUT/$n.result" | cut -c1-200)"
	fi
done
echo "$pass same, $fail different"
