-- Prosody 0.12 for make bench-prosody: loopback only, plain c2s, any
-- password accepted, memory storage, and conference.localhost served by
-- Prosody's own mod_muc or by mod_libmuc (BENCH_ENGINE = muc | libmuc).
-- Everything else is the same for both: the c2s modules a typical server
-- runs (carbons, blocklist, mam, pep, vcard_legacy...), no muc_mam, log
-- at "info" (debug logging would dominate the profile).
--
-- Environment (bench_prosody.py sets it): PROSODY_TEST_BASE (data, pid,
-- log), PROSODY_C2S_PORT, BENCH_ENGINE, BENCH_DIR (mod_bench_prof.lua),
-- BENCH_CPATH (a package.cpath entry finding benchclock.so),
-- LIBMUC_PROSODY_DIR (mod_libmuc.lua), LIBMUC_LUA_CPATH (libmuc.so).

local base = ENV_PROSODY_TEST_BASE or "/tmp/libmuc-bench"
local engine = ENV_BENCH_ENGINE or "muc"

data_path = base .. "/data"
pidfile = base .. "/prosody.pid"
certificates = base .. "/certs" -- empty; silences the certificate indexer
run_as_root = true

plugin_paths = { ENV_BENCH_DIR, ENV_LIBMUC_PROSODY_DIR }

interfaces = { "127.0.0.1" }
local_interfaces = { "127.0.0.1" }
c2s_interfaces = { "127.0.0.1" }
c2s_ports = { tonumber(ENV_PROSODY_C2S_PORT) or 35223 }
c2s_direct_tls_ports = { }
legacy_ssl_ports = { }
component_ports = { }
http_ports = { }
https_ports = { }
s2s_ports = { }

admins = { }

modules_enabled = {
	"roster";
	"saslauth";
	"disco";
	"carbons";
	"blocklist";
	"pep";
	"vcard_legacy";
	"mam";
	"ping";
	"bench_prof"; -- bindings/bench/mod_bench_prof.lua: the profiler
}

modules_disabled = {
	"s2s";
	"s2s_auth_certs";
}

allow_registration = false
c2s_require_encryption = false
allow_unencrypted_plain_auth = true
authentication = "insecure"
insecure_open_authentication = "Yes please, I know what I'm doing!"
storage = "memory"
hide_os_type = true

bench_prof_target = "conference.localhost"
bench_prof_cpath = ENV_BENCH_CPATH
bench_prof_clock = ENV_BENCH_CLOCK or "thread_cpu"

log = {
	{ levels = { min = "info" }, to = "file", filename = base .. "/prosody.log" };
	{ levels = { min = "error" }, to = "console" };
}

VirtualHost "localhost"

-- The room: not locked on creation (no configuration round trip), the
-- same history length for both.
Component "conference.localhost" (engine)
	muc_room_locking = false
	muc_room_default_history_length = 20
	libmuc_cpath = ENV_LIBMUC_LUA_CPATH
