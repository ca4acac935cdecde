#!/bin/sh
# Runs each Lua test file with the interpreter command given first (e.g.
# "lua5.4", or "valgrind … lua5.4"); fails if any does.
# LUA_CPATH and LUA_PATH must find build/lua/libmuc.so and harness.lua.
set -u
INTERP=$1
shift
failed=0
for t in "$@"; do
	if ! $INTERP "$t"; then
		failed=$((failed + 1))
	fi
done
if [ $failed -gt 0 ]; then
	echo "check-lua: $failed test file(s) failed under: $INTERP" >&2
	exit 1
fi
