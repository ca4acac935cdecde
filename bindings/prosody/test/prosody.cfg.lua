-- Prosody 0.12 for make check-prosody: loopback only, memory storage, any
-- password accepted, and conference.localhost served by mod_libmuc (this
-- binding) instead of Prosody's own mod_muc. Adapted from
-- ../shared/tools/prosody-muc-test.cfg.lua: the MUC component and its
-- muc_mam are replaced; everything the clients' own server does (vcard_legacy
-- stamping presence, carbons, blocklist, ...) is kept.
--
-- Environment (run-corpus.sh sets it): PROSODY_TEST_BASE (data, pid, log),
-- PROSODY_C2S_PORT, PROSODY_STORAGE, LIBMUC_PROSODY_DIR (where mod_libmuc.lua is),
-- LIBMUC_LUA_CPATH (a package.cpath entry finding the built libmuc.so).

local base = ENV_PROSODY_TEST_BASE or "/tmp/libmuc-prosody-test"

data_path = base .. "/data"
pidfile = base .. "/prosody.pid"
certificates = base .. "/certs" -- empty; silences the certificate indexer
run_as_root = true

plugin_paths = { ENV_LIBMUC_PROSODY_DIR }

interfaces = { "127.0.0.1" }
local_interfaces = { "127.0.0.1" }
c2s_interfaces = { "127.0.0.1" }
c2s_ports = { tonumber(ENV_PROSODY_C2S_PORT) or 35222 }
c2s_direct_tls_ports = { }
legacy_ssl_ports = { }
component_ports = { }
http_ports = { }
https_ports = { }
s2s_ports = { }

admins = { "admin@localhost" }

modules_enabled = {
	"roster";
	"saslauth";
	"disco";
	"carbons";
	"pep";
	"private";
	"blocklist";
	"vcard4";
	"vcard_legacy"; -- adds <x xmlns='vcard-temp:x:update'/> to outgoing presence
	"version";
	"uptime";
	"time";
	"ping";
	"register";
	"mam";
	"server_contact_info";
	"lastactivity";
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

storage = ENV_PROSODY_STORAGE or "memory" -- run-persist.sh: "internal" (files)

mam_smart_enable = true
bounce_blocked_messages = true
hide_os_type = true

log = {
	{ levels = { min = "debug" }, to = "file", filename = base .. "/prosody.log" };
	{ levels = { min = "error" }, to = "console" };
}

VirtualHost "localhost"

Component "conference.localhost" "libmuc"
	libmuc_cpath = ENV_LIBMUC_LUA_CPATH
	admins = { "Admin@localhost" }
