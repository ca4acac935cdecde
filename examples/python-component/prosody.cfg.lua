-- Debian's Prosody 0.12 with an external component (XEP-0114) on
-- conference.localhost, for muc_component.py; loopback only, memory storage,
-- any password accepted. Used by check_prosody.py, and a starting point for
-- a real deployment (drop the "insecure" parts).
--
--   prosody -F --config prosody.cfg.lua
--   python3 muc_component.py --jid conference.localhost --secret s3cr3t
--
-- Environment: PROSODY_TEST_BASE (state and log directory), PROSODY_C2S_PORT,
-- PROSODY_COMPONENT_PORT, LIBMUC_COMPONENT_SECRET.

local base = ENV_PROSODY_TEST_BASE or "/tmp/libmuc-python-component"

data_path = base .. "/data"
pidfile = base .. "/prosody.pid"
certificates = base .. "/certs"
run_as_root = true

interfaces = { "127.0.0.1" }
local_interfaces = { "127.0.0.1" }
c2s_ports = { tonumber(ENV_PROSODY_C2S_PORT) or 5222 }
c2s_direct_tls_ports = { }
legacy_ssl_ports = { }
component_interfaces = { "127.0.0.1" }
component_ports = { tonumber(ENV_PROSODY_COMPONENT_PORT) or 5347 }
http_ports = { }
https_ports = { }
s2s_ports = { }

admins = { "admin@localhost" }

modules_enabled = {
	"roster"; "saslauth"; "disco"; "carbons"; "pep"; "private";
	"blocklist"; "vcard4";
	"vcard_legacy"; -- adds <x xmlns='vcard-temp:x:update'/> to presence
	"version"; "uptime"; "time"; "ping"; "register";
	"server_contact_info"; "lastactivity";
}
modules_disabled = { "s2s"; "s2s_auth_certs" }

allow_registration = false
c2s_require_encryption = false
allow_unencrypted_plain_auth = true
authentication = "insecure"
insecure_open_authentication = "Yes please, I know what I'm doing!"
storage = "memory"

log = {
	{ levels = { min = "debug" }, to = "file", filename = base .. "/prosody.log" };
	{ levels = { min = "error" }, to = "console" };
}

VirtualHost "localhost"

-- Served by muc_component.py (libmuc), not by Prosody's own mod_muc.
Component "conference.localhost"
	component_secret = ENV_LIBMUC_COMPONENT_SECRET or "s3cr3t"
