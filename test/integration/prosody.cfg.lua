-- Prosody 0.12 for the integration test (test/integration/run.sh) and the
-- network corpus run (net-corpus.sh): loopback only, memory storage, any
-- password accepted, and the MUC domain served by an external component,
-- muc-component (XEP-0114), instead of Prosody's own mod_muc.
-- Adapted from ../shared/tools/prosody-muc-test.cfg.lua.
--
-- Environment: PROSODY_TEST_BASE (data, pid and log), PROSODY_C2S_PORT,
-- PROSODY_COMPONENT_PORT, MUC_COMPONENT_SECRET.

local base = ENV_PROSODY_TEST_BASE or "/tmp/libmuc-integration"

data_path = base .. "/data"
pidfile = base .. "/prosody.pid"
certificates = base .. "/certs" -- empty; silences the certificate indexer
run_as_root = true

interfaces = { "127.0.0.1" }
local_interfaces = { "127.0.0.1" }
c2s_interfaces = { "127.0.0.1" }
c2s_ports = { tonumber(ENV_PROSODY_C2S_PORT) or 25222 }
c2s_direct_tls_ports = { }
legacy_ssl_ports = { }
component_interfaces = { "127.0.0.1" }
component_ports = { tonumber(ENV_PROSODY_COMPONENT_PORT) or 25347 }
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
hide_os_type = true

log = {
	{ levels = { min = "debug" }, to = "file", filename = base .. "/prosody.log" };
	{ levels = { min = "error" }, to = "console" };
}

VirtualHost "localhost"

-- The MUC service: libmuc, behind examples/muc-component.
Component "conference.localhost"
	component_secret = ENV_MUC_COMPONENT_SECRET or "libmuc-test-secret"
