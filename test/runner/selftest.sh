#!/bin/sh
# Self-test of the scansion runner: proves that it fails what it must fail
# (and for the right reason) and passes what it must pass.
#
#   sh test/runner/selftest.sh RUNNER
#
#   pass/*.scs        must PASS (exit 0, "PASS file", "1 passed, 0 failed")
#   fail/*.scs        must FAIL (exit 1, "FAIL file: ...", "0 passed, 1 failed"),
#                     and when the script has a line
#                     "# selftest-expect: TEXT", the output must contain TEXT
#   */exact-*.scs     run with --exact; a fail/exact-*.scs must also PASS
#                     without --exact, so that it is --exact that fails it
#
# An exit status other than 0 or 1 (a crash, a sanitizer report) is always a
# wrong outcome. Set WRAP to run the runner under a tool, e.g.
#   WRAP="valgrind -q --leak-check=full --error-exitcode=99" sh selftest.sh R
set -u

RUNNER=${1:?usage: selftest.sh RUNNER}
DIR=$(cd "$(dirname "$0")" && pwd)
WRAP=${WRAP:-}
ok=0
wrong=0

# run FLAGS FILE...: sets out and rc.
run() {
	flags=$1
	shift
	out=$($WRAP "$RUNNER" $flags "$@" 2>&1)
	rc=$?
}

verdict() { # name problem-or-empty
	if [ -z "$2" ]; then
		ok=$((ok + 1))
		echo "ok    $1"
	else
		wrong=$((wrong + 1))
		echo "WRONG $1: $2"
		printf '%s\n' "$out" | sed 's/^/      | /'
	fi
}

# expect_one pass|fail FLAGS FILE NAME
expect_one() {
	want=$1 flags=$2 file=$3 name=$4
	run "$flags" "$file"
	first=$(printf '%s\n' "$out" | head -n 1)
	last=$(printf '%s\n' "$out" | tail -n 1)
	problem=
	if [ "$want" = pass ]; then
		if [ "$rc" -ne 0 ]; then
			problem="expected PASS, exit status $rc"
		elif [ "$first" != "PASS $file" ]; then
			problem="expected a PASS line first"
		elif [ "$last" != "1 passed, 0 failed" ]; then
			problem="wrong summary line"
		fi
	else
		if [ "$rc" -ne 1 ]; then
			problem="expected FAIL with exit status 1, got $rc"
		else
			case $first in
			"FAIL $file: "*) ;;
			*) problem="expected a FAIL line first" ;;
			esac
		fi
		if [ -z "$problem" ] && [ "$last" != "0 passed, 1 failed" ]; then
			problem="wrong summary line"
		fi
		reason=$(sed -n 's/^# selftest-expect: //p' "$file" | head -n 1)
		if [ -z "$problem" ] && [ -n "$reason" ] &&
		   ! printf '%s\n' "$out" | grep -qF -- "$reason"; then
			problem="FAIL reason lacks: $reason"
		fi
	fi
	verdict "$name" "$problem"
}

flags_for() {
	case $(basename "$1") in
	exact-*) echo --exact ;;
	*) echo "" ;;
	esac
}

for f in "$DIR"/pass/*.scs; do
	expect_one pass "$(flags_for "$f")" "$f" "pass/$(basename "$f")"
done
for f in "$DIR"/fail/*.scs; do
	fl=$(flags_for "$f")
	expect_one fail "$fl" "$f" "fail/$(basename "$f")"
	if [ -n "$fl" ]; then
		expect_one pass "" "$f" "fail/$(basename "$f") without $fl"
	fi
done

# The command line itself.
run "" "$DIR/no-such-script.scs"
case $out in
*"FAIL $DIR/no-such-script.scs: cannot load script: "*"0 passed, 1 failed")
	[ "$rc" -eq 1 ] && p= || p="exit status $rc" ;;
*) p="a missing script must FAIL" ;;
esac
verdict "missing script file" "$p"

run "" "$DIR/pass/any-order.scs" "$DIR/fail/text-mismatch.scs" \
	"$DIR/pass/any-value.scs"
case $out in
*"2 passed, 1 failed") [ "$rc" -eq 1 ] && p= || p="exit status $rc" ;;
*) p="wrong summary for several scripts" ;;
esac
verdict "several scripts, one failing" "$p"

run "" ""
[ "$rc" -eq 1 ] && p= || p="an empty file name must FAIL (status $rc)"
verdict "empty file name" "$p"

out=$($WRAP "$RUNNER" 2>&1)
rc=$?
[ "$rc" -eq 2 ] && p= || p="no arguments must be a usage error (status 2, got $rc)"
verdict "usage error" "$p"

echo "$ok passed, $wrong failed"
[ "$wrong" -eq 0 ]
