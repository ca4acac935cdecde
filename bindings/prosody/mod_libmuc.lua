-- mod_libmuc: a Prosody (0.12, Lua 5.4) MUC component served by libmuc.
--
--   Component "conference.example.org" "libmuc"
--
-- Every stanza addressed to the component (the service, a room, an
-- occupant) goes into libmuc as text; every stanza libmuc sends goes out
-- through Prosody's routing (module:send). Durable room state (what libmuc
-- hands its store hook: configuration, affiliations, subject, the
-- occupant-id secret) goes to Prosody's storage (module:open_store) and is
-- restored when the module loads. Service administrators are Prosody's
-- (the global and the component's `admins`). The usual mod_muc options that
-- libmuc supports set its room defaults and limits; see bindings/README.
--
-- Copyright (c) 2026 the libmuc authors. MIT licence, see COPYING.

if module:get_host_type() ~= "component" then
	error("mod_libmuc serves a MUC domain: load it as a component, "
		.. "Component \"conference.example.org\" \"libmuc\"", 0);
end

local cpath = module:get_option_string("libmuc_cpath");
if cpath then
	package.cpath = cpath .. ";" .. package.cpath;
end

local libmuc = require "libmuc";
local st = require "util.stanza";
local xml_parse = require "util.xml".parse;
local jid_split = require "util.jid".split;
local jid_prep = require "util.jid".prep;
local usermanager = require "core.usermanager";

local tostring, pcall, ipairs, type = tostring, pcall, ipairs, type;

-- ---- Output ----------------------------------------------------------------

-- libmuc serializes every stanza it sends; Prosody routes stanza objects.
-- With stanza_mt the binding builds them (util.stanza's shape) in C, and
-- hands a broadcast's recipients one object with attr.to changed, as
-- mod_muc does; text it cannot build comes as a string.
local function deliver(to, stanza)
	if type(stanza) == "string" then
		local parsed, err = xml_parse(stanza);
		if not parsed then
			module:log("error", "Dropping a stanza for %s that does not parse (%s): %s", to, err, stanza);
			return;
		end
		stanza = parsed;
	end
	module:send(stanza);
end

-- ---- Durable state: Prosody's storage ----------------------------------------

-- One record per room, keyed by the room's localpart (the component has one
-- domain): { jid = room JID, xml = libmuc's serialized state }.
local room_store = module:open_store("libmuc_rooms");

local store = {
	save = function (room_jid, data)
		return room_store:set((jid_split(room_jid)), { jid = room_jid, xml = data });
	end;
	remove = function (room_jid)
		return room_store:set((jid_split(room_jid)), nil);
	end;
};

-- ---- The service -------------------------------------------------------------

local log_levels = { debug = "debug", info = "info", warn = "warn", error = "error" };

local svc = libmuc.new_service(module.host, {
	deliver = deliver;
	stanza_mt = st.stanza_mt;
	store = store;
	log = function (level, message)
		module:log(log_levels[level] or "info", "%s", message);
	end;
	-- clock and ids: the binding's defaults (the real-time clock, random
	-- ids from the kernel) without a Lua call.
});

-- The mod_muc options libmuc supports, and how they map. A value libmuc
-- refuses is logged and left at libmuc's default.
local function set_option(name, libmuc_name, v)
	local ok, err = pcall(svc.set_option, svc, libmuc_name, v);
	if not ok then
		module:log("error", "Option %s = %s: %s; libmuc's default applies", name, tostring(v), tostring(err));
	end
end
local function boolean_option(name, libmuc_name)
	local v = module:get_option_boolean(name);
	if v ~= nil then set_option(name, libmuc_name, v); end
end
local function number_option(name, libmuc_name)
	local v = module:get_option_number(name);
	if v ~= nil then
		if v == math.huge then v = 1073741824; end
		set_option(name, libmuc_name, math.floor(v));
	end
end

boolean_option("muc_room_default_persistent", "default_persistent");
boolean_option("muc_room_default_public", "default_public");
boolean_option("muc_room_default_members_only", "default_members_only");
boolean_option("muc_room_default_moderated", "default_moderated");
boolean_option("muc_room_default_public_jids", "default_whois_anyone");
boolean_option("muc_room_default_change_subject", "default_change_subject");
number_option("muc_room_default_history_length", "default_history_length");
number_option("max_history_messages", "max_history");
number_option("muc_max_rooms", "max_rooms");
boolean_option("muc_room_locking", "lock_new_rooms");
boolean_option("enforce_registered_nickname", "enforce_registered_nick");
boolean_option("muc_room_default_always_allow_moderator_pms", "default_allow_modpm");
do
	-- Prosody 13's muc_room_default_allow_pm, as libmuc's 0..4
	local pm = module:get_option("muc_room_default_allow_pm");
	local values = { visitor = 0, participant = 1, moderator = 2, affiliated = 3, none = 4 };
	if pm ~= nil then
		if values[pm] then
			set_option("muc_room_default_allow_pm", "default_allow_pm", values[pm]);
		else
			module:log("error", "muc_room_default_allow_pm = %q is not understood", tostring(pm));
		end
	end
	-- Service administrators own every room: on by default in Prosody
	-- 0.12, off from 13 (component_admins_as_room_owners).
	local prosody_012 = tostring(prosody.version or ""):match("^0%.") ~= nil;
	local as_owners = module:get_option_boolean("component_admins_as_room_owners", prosody_012);
	set_option("component_admins_as_room_owners", "admins_are_owners", as_owners and 1 or 0);
end
-- libmuc's own limits
number_option("libmuc_max_occupants", "max_occupants");
number_option("libmuc_max_stanza_size", "max_stanza_bytes");
number_option("libmuc_max_depth", "max_depth");

do
	local restrict = module:get_option("restrict_room_creation");
	if restrict == true or restrict == "admin" then
		set_option("restrict_room_creation", "restrict_creation", 1);
	elseif restrict == "local" then
		set_option("restrict_room_creation", "restrict_creation", 2);
	elseif restrict ~= nil and restrict ~= false then
		module:log("error", "restrict_room_creation = %q is not understood; rooms may be created by anyone", tostring(restrict));
	end
end

for _, name in ipairs {
	"muc_room_default_language", "muc_room_default_allow_member_invites",
	"muc_room_default_presence_broadcast", "muc_tombstones", "muc_tombstone_expiry",
	"muc_room_lock_timeout", "muc_room_allow_public", "muc_room_allow_persistent",
	"muc_occupant_id",
	"allow_unaffiliated_register", "muc_registration_include_form", "muc_room_cache_size",
} do
	if module:get_option(name) ~= nil then
		module:log("warn", "Option %s is not supported by mod_libmuc and is ignored", name);
	end
end

-- Service administrators: Prosody's admins for this host (the global list
-- and the component's own, normalized by Prosody's authorization module).
local function admin_jids()
	local jids = usermanager.get_jids_with_role and usermanager.get_jids_with_role("prosody:admin", module.host);
	if type(jids) ~= "table" then
		jids = {};
		for jid in module:get_option_inherited_set("admins", {}) do
			jids[#jids + 1] = jid_prep(jid);
		end
	end
	return jids;
end

local admins_added = {};
local function add_admins()
	for _, jid in ipairs(admin_jids()) do
		if not admins_added[jid] then
			local ok, err = pcall(svc.add_admin, svc, jid);
			if ok then
				admins_added[jid] = true;
			else
				module:log("error", "Cannot make %s a service administrator: %s", jid, err);
			end
		end
	end
end
add_admins();
-- libmuc can add administrators but not remove them: a reload of the
-- configuration adds new ones; removing one takes a restart of the module.
module:hook_global("config-reloaded", add_admins);

-- Rooms saved by earlier runs.
do
	local restored, failed = 0, 0;
	local iter, state, init = room_store:users();
	for node in iter, state, init do
		if type(node) == "string" then
			local record, err = room_store:get(node);
			local ok, rerr = false, err or "no data";
			if type(record) == "table" and type(record.xml) == "string" then
				ok, rerr = pcall(svc.restore_room, svc, record.xml);
			end
			if ok then
				restored = restored + 1;
			else
				failed = failed + 1;
				module:log("error", "Cannot restore room %s@%s: %s", node, module.host, tostring(rerr));
			end
		end
	end
	module:log("info", "libmuc %s serving %s: %d rooms restored%s", libmuc.version, module.host,
		restored, failed > 0 and (", " .. failed .. " failed") or "");
end

-- ---- Input -------------------------------------------------------------------

local ERR_PARSE = libmuc.strerror(libmuc.ERR_PARSE);
local ERR_TOO_LARGE = libmuc.strerror(libmuc.ERR_TOO_LARGE);

local function handle_stanza(event)
	local origin, stanza = event.origin, event.stanza;
	if not stanza.attr.from then
		-- A stanza from this server itself without a sender: nothing
		-- libmuc could answer.
		module:log("debug", "Dropping a stanza without 'from': %s", stanza:top_tag());
		return true;
	end
	local ok, err = pcall(svc.feed, svc, tostring(stanza));
	if not ok then
		module:log(err == ERR_PARSE and "debug" or "warn", "libmuc refused a stanza (%s): %s",
			tostring(err), stanza:top_tag());
		local t = stanza.attr.type;
		if t ~= "error" and not (stanza.name == "iq" and t == "result") and origin and origin.send
		and (err == ERR_PARSE or err == ERR_TOO_LARGE) then
			origin.send(st.error_reply(stanza, "modify",
				err == ERR_TOO_LARGE and "policy-violation" or "bad-request", nil, module.host));
		end
	end
	return true;
end

-- Ahead of every other handler on this host (mod_iq's dispatch, disco,
-- ping...): libmuc answers everything addressed to the MUC domain.
for _, kind in ipairs { "presence", "message", "iq" } do
	for _, to in ipairs { "/host", "/bare", "/full" } do
		module:hook(kind .. to, handle_stanza, 1000);
	end
end

-- Unloading (or reloading) the module ends every occupancy: occupants are
-- told (status 332) rather than left believing they are still in.
-- Persistent rooms are in storage already and come back with the module.
function module.unload()
	local ok, err = pcall(svc.remove_all_occupants, svc);
	if not ok then
		module:log("warn", "Telling occupants the service stops: %s", tostring(err));
	end
	svc:close();
end

-- For the admin console and other modules: the libmuc service object.
function get_service() -- luacheck: ignore 111
	return svc;
end
