# Shell functions shared by run-corpus.sh and run-persist.sh (sourced).
# Needs: HERE (this directory), PROSODY, LUA_MOD_ABS, WORK.
PROSODY_PID=

stop_prosody() {
	if [ -n "$PROSODY_PID" ]; then
		kill "$PROSODY_PID" 2>/dev/null
		# Prosody stops within a second; do not wait forever.
		i=0
		while kill -0 "$PROSODY_PID" 2>/dev/null && [ $i -lt 50 ]; do
			sleep 0.1; i=$((i + 1))
		done
		kill -9 "$PROSODY_PID" 2>/dev/null
		wait "$PROSODY_PID" 2>/dev/null
		PROSODY_PID=
	fi
}
cleanup() {
	stop_prosody
	[ "${KEEP:-0}" = 1 ] || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_port() { # port: 0 once something listens, 1 after 10 s
	python3 - "$1" <<'EOF'
import socket, sys, time
deadline = time.time() + 10
while time.time() < deadline:
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
EOF
}

start_prosody() { # base dir, port
	mkdir -p "$1/data" "$1/certs"
	PROSODY_TEST_BASE=$1 PROSODY_C2S_PORT=$2 \
	LIBMUC_PROSODY_DIR=$(cd "$HERE/.." && pwd) \
	LIBMUC_LUA_CPATH="$(dirname "$LUA_MOD_ABS")/?.so" \
		"$PROSODY" -F --config "$HERE/prosody.cfg.lua" \
		>"$1/stdout" 2>&1 &
	PROSODY_PID=$!
	if ! wait_port "$2"; then
		echo "check-prosody: Prosody did not start; its output and log:" >&2
		cat "$1/stdout" >&2
		grep -E 'error|warn' "$1/prosody.log" 2>/dev/null | tail -20 >&2
		return 1
	fi
	if ! grep -q "libmuc .* serving conference.localhost" "$1/prosody.log"; then
		echo "check-prosody: mod_libmuc did not load; the log says:" >&2
		grep -E 'error|warn' "$1/prosody.log" | tail -20 >&2
		return 1
	fi
}

