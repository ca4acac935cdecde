# Shared by run.sh and net-corpus.sh (sourced): start and stop Debian's
# Prosody (test/integration/prosody.cfg.lua, loopback only) and
# muc-component serving conference.localhost behind it. Everything started
# here is stopped by stop_all, which the callers run on exit.
#
# Environment: PROSODY_C2S_PORT (25222), PROSODY_COMPONENT_PORT (25347),
# MUC_COMPONENT_SECRET, PY (a python3 with slixmpp: /usr/bin/python3).

INTEG=$(cd "$(dirname "$0")" && pwd)
PY=${PY:-/usr/bin/python3}
PROSODY_C2S_PORT=${PROSODY_C2S_PORT:-25222}
PROSODY_COMPONENT_PORT=${PROSODY_COMPONENT_PORT:-25347}
MUC_COMPONENT_SECRET=${MUC_COMPONENT_SECRET:-libmuc-test-secret}
MUC_DOMAIN=conference.localhost
WORK=$(mktemp -d /tmp/libmuc-integration.XXXXXX)
PROSODY_TEST_BASE=$WORK/prosody
export PROSODY_C2S_PORT PROSODY_COMPONENT_PORT MUC_COMPONENT_SECRET \
	PROSODY_TEST_BASE
PROSODY_PID=
COMPONENT_PID=

die() {
	echo "FAIL: $*" >&2
	exit 1
}

port_open() { # port -> 0 when something listens on 127.0.0.1:port
	"$PY" -c 'import socket,sys
s=socket.socket(); s.settimeout(0.5)
sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0 else 1)' "$1"
}

start_prosody() {
	command -v prosody >/dev/null || die "prosody is not installed (make integration-deps)"
	for p in "$PROSODY_C2S_PORT" "$PROSODY_COMPONENT_PORT"; do
		port_open "$p" && die "port $p is already in use; set PROSODY_C2S_PORT / PROSODY_COMPONENT_PORT"
	done
	rm -rf "$PROSODY_TEST_BASE"
	mkdir -p "$PROSODY_TEST_BASE/data" "$PROSODY_TEST_BASE/certs"
	prosody -F --config "$INTEG/prosody.cfg.lua" >"$PROSODY_TEST_BASE/stdout" 2>&1 &
	PROSODY_PID=$!
	i=0
	until port_open "$PROSODY_C2S_PORT" && port_open "$PROSODY_COMPONENT_PORT"; do
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 "$PROSODY_PID" 2>/dev/null; then
			tail -5 "$PROSODY_TEST_BASE/stdout" "$PROSODY_TEST_BASE/prosody.log" >&2 2>/dev/null
			die "Prosody did not come up on 127.0.0.1:$PROSODY_C2S_PORT and :$PROSODY_COMPONENT_PORT within 10 s"
		fi
		sleep 0.1
	done
}

stop_prosody() {
	[ -n "$PROSODY_PID" ] || return 0
	kill "$PROSODY_PID" 2>/dev/null
	wait "$PROSODY_PID" 2>/dev/null
	PROSODY_PID=
}

# start_component STATE_DIR: waits until the handshake with Prosody is done.
start_component() {
	log=$WORK/component.log
	: >"$log.new"
	"$COMPONENT" --server-host 127.0.0.1 --port "$PROSODY_COMPONENT_PORT" \
		--domain "$MUC_DOMAIN" --secret "$MUC_COMPONENT_SECRET" \
		--state-dir "$1" --admin admin@localhost --log-level info \
		>>"$log.new" 2>&1 &
	COMPONENT_PID=$!
	i=0
	until grep -q "serving $MUC_DOMAIN" "$log.new"; do
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 "$COMPONENT_PID" 2>/dev/null; then
			cat "$log.new" >>"$log"
			die "muc-component did not come up: $(tail -1 "$log.new")"
		fi
		sleep 0.1
	done
	cat "$log.new" >>"$log"
	rm -f "$log.new"
}

# stop_component [SIGNAL]: TERM by default (a clean stop), KILL for a crash.
stop_component() {
	[ -n "$COMPONENT_PID" ] || return 0
	kill "-${1:-TERM}" "$COMPONENT_PID" 2>/dev/null
	wait "$COMPONENT_PID" 2>/dev/null
	COMPONENT_RC=$?
	COMPONENT_PID=
}

stop_all() {
	stop_component
	stop_prosody
}
