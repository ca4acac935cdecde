-- The service: feeding stanzas, the exact outputs, options, errors.
local T = require "harness"
local libmuc = T.libmuc

local ROOM = "room@conference.localhost"
local OWNER_OID = "l9ToN/Np3F7RQa8Gcw9PxMinvOjD/npfre5OSOfosrA="
local JULIET_OID = "QJiAUTBs4G8BYP5lnKEXiUj8z9H8okANstx1HFChZog="

T.test("module", function()
	T.eq(libmuc.version, "0.1.0")
	T.eq(libmuc.version_number, 0x000100)
	T.eq(libmuc.strerror(libmuc.ERR_PARSE), "input is not one well-formed XMPP stanza")
	T.eq(libmuc.ERR_NOT_FOUND, -5)
	local svc = libmuc.new_service("Conference.Localhost", { deliver = function() end })
	T.eq(svc:domain(), "conference.localhost")
	T.eq(tostring(svc), "libmuc.service(conference.localhost)")
end)

T.test("a join: every output, in order, with its to and from", function()
	local seen = {}
	local svc = T.service({ deliver = function(to, xml, from)
		seen[#seen + 1] = { to = to, from = from, xml = xml }
	end })
	T.eq(T.join(svc, "owner@localhost/o", ROOM .. "/owner"), 2, "number delivered")
	T.same_lines(T.lines(seen), {
		"owner@localhost/o | <presence to='owner@localhost/o' from='room@conference.localhost/owner'>"
		.. "<occupant-id xmlns='urn:xmpp:occupant-id:0' id='" .. OWNER_OID .. "'/>"
		.. "<x xmlns='http://jabber.org/protocol/muc#user'><status code='201'/>"
		.. "<item affiliation='owner' role='moderator' jid='owner@localhost/o'/><status code='110'/></x></presence>",
		"owner@localhost/o | <message to='owner@localhost/o' from='room@conference.localhost' type='groupchat'><subject/></message>",
	})
	T.eq(seen[1].from, ROOM .. "/owner")
	T.eq(seen[2].from, ROOM)
end)

T.test("without a deliver function, feed returns the outputs", function()
	local svc = libmuc.new_service(T.DOMAIN, { id = function() return "x" end, clock = false })
	local out = T.join(svc, "owner@localhost/o", ROOM .. "/owner")
	T.eq(#out, 2)
	T.eq(out[1].to, "owner@localhost/o")
	T.eq(out[1].from, ROOM .. "/owner")
	T.eq(out[2].xml, "<message to='owner@localhost/o' from='room@conference.localhost' type='groupchat'><subject/></message>")
end)

T.test("a second occupant, a message, leaving", function()
	local svc, out = T.service()
	T.instant_room(svc, out)
	T.join(svc, "juliet@localhost/j", ROOM .. "/juliet")
	T.same_lines(T.take(out), {
		"juliet@localhost/j | <presence to='juliet@localhost/j' from='room@conference.localhost/owner'>"
		.. "<occupant-id xmlns='urn:xmpp:occupant-id:0' id='" .. OWNER_OID .. "'/>"
		.. "<x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='owner' role='moderator'/></x></presence>",
		"owner@localhost/o | <presence to='owner@localhost/o' from='room@conference.localhost/juliet'>"
		.. "<occupant-id xmlns='urn:xmpp:occupant-id:0' id='" .. JULIET_OID .. "'/>"
		.. "<x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='none' role='participant' jid='juliet@localhost/j'/></x></presence>",
		"juliet@localhost/j | <presence to='juliet@localhost/j' from='room@conference.localhost/juliet'>"
		.. "<occupant-id xmlns='urn:xmpp:occupant-id:0' id='" .. JULIET_OID .. "'/>"
		.. "<x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='none' role='participant' jid='juliet@localhost/j'/><status code='110'/></x></presence>",
		"juliet@localhost/j | <message to='juliet@localhost/j' from='room@conference.localhost' type='groupchat'><subject/></message>",
	})
	svc:feed("<message from='juliet@localhost/j' to='room@conference.localhost' type='groupchat' id='m1'><body>Hi &amp; bye</body></message>")
	T.same_lines(T.take(out), {
		"owner@localhost/o | <message to='owner@localhost/o' from='room@conference.localhost/juliet' type='groupchat' id='m1'>"
		.. "<body>Hi &amp; bye</body><occupant-id xmlns='urn:xmpp:occupant-id:0' id='" .. JULIET_OID .. "'/></message>",
		"juliet@localhost/j | <message to='juliet@localhost/j' from='room@conference.localhost/juliet' type='groupchat' id='m1'>"
		.. "<body>Hi &amp; bye</body><occupant-id xmlns='urn:xmpp:occupant-id:0' id='" .. JULIET_OID .. "'/></message>",
	})
	svc:feed("<presence from='juliet@localhost/j' to='room@conference.localhost/juliet' type='unavailable'/>")
	T.same_lines(T.take(out), {
		"owner@localhost/o | <presence to='owner@localhost/o' from='room@conference.localhost/juliet' type='unavailable'>"
		.. "<occupant-id xmlns='urn:xmpp:occupant-id:0' id='" .. JULIET_OID .. "'/>"
		.. "<x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='none' role='none' jid='juliet@localhost/j'/></x></presence>",
		"juliet@localhost/j | <presence to='juliet@localhost/j' from='room@conference.localhost/juliet' type='unavailable'>"
		.. "<occupant-id xmlns='urn:xmpp:occupant-id:0' id='" .. JULIET_OID .. "'/>"
		.. "<x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='none' role='none' jid='juliet@localhost/j'/><status code='110'/></x></presence>",
	})
end)

T.test("libmuc's errors are Lua errors with muc_strerror's text", function()
	local svc, out = T.service()
	T.raises(function() svc:feed("<presence") end, libmuc.strerror(libmuc.ERR_PARSE))
	T.raises(function() svc:feed("<presence from='a@localhost/r' to='room@elsewhere.example/n'/>") end,
		libmuc.strerror(libmuc.ERR_NOT_FOR_US))
	T.raises(function() svc:feed(string.rep("<a>", 40)) end, "input", true)
	svc:set_option("max_stanza_bytes", 100)
	T.raises(function()
		svc:feed("<message from='a@localhost/r' to='room@conference.localhost'><body>"
			.. string.rep("x", 200) .. "</body></message>")
	end, libmuc.strerror(libmuc.ERR_TOO_LARGE))
	T.eq(#out, 0, "nothing sent for refused input")
	T.raises(function() libmuc.new_service("", {}) end, libmuc.strerror(libmuc.ERR_JID))
	T.raises(function() libmuc.new_service("bad domain@x", {}) end, libmuc.strerror(libmuc.ERR_JID))
	T.raises(function() svc:add_admin("@@") end, libmuc.strerror(libmuc.ERR_JID))
end)

T.test("bad arguments and options", function()
	T.raises(function() libmuc.new_service(T.DOMAIN, { deliver = 42 }) end,
		"libmuc: option 'deliver' must be a function", true)
	T.raises(function() libmuc.new_service(T.DOMAIN, { clock = "now" }) end,
		"libmuc: option 'clock' must be a function or false", true)
	T.raises(function() libmuc.new_service(T.DOMAIN, { store = { save = print } }) end,
		"libmuc: option 'store' needs functions save and remove", true)
	T.raises(function() libmuc.new_service(T.DOMAIN, { options = { nonsense = 1 } }) end,
		"libmuc: unknown option 'nonsense'", true)
	local svc = T.service()
	T.raises(function() svc:set_option("max_rooms", -1) end,
		"libmuc: option 'max_rooms': invalid argument", true)
	T.raises(function() svc:set_option("default_public", "yes") end,
		"libmuc: option 'default_public' takes an integer or a boolean", true)
	T.raises(function() svc:feed() end, "string expected", true)
end)

T.test("options: room defaults and limits", function()
	local svc, out = T.service({ options = { default_persistent = true, lock_new_rooms = false, max_rooms = 1 } })
	T.join(svc, "owner@localhost/o", ROOM .. "/owner")
	local room = svc:room(ROOM)
	T.ok(room:save():find("<option name='persistent'>1</option>", 1, true), "persistent by default")
	T.ok(not room:save():find("<locked/>", 1, true), "not locked")
	T.take(out)
	T.join(svc, "owner@localhost/o", "second@conference.localhost/owner")
	T.eq(svc:room_count(), 1, "max_rooms")
	local l = T.take(out)
	T.eq(#l, 1)
	T.ok(l[1]:find("type='error'", 1, true), "refused with an error: " .. l[1])
end)

T.test("admins", function()
	local svc, out = T.service({ admins = {} })
	T.instant_room(svc, out)
	local room = svc:room(ROOM)
	T.raises(function() room:set_affiliation("x@localhost", "member", nil, "boss@localhost") end,
		libmuc.strerror(libmuc.ERR_NOT_ALLOWED))
	svc:add_admin("Boss@Localhost")
	-- an administrator is no owner of the room until the host says so
	T.raises(function() room:set_affiliation("x@localhost", "member", nil, "boss@localhost/laptop") end,
		libmuc.strerror(libmuc.ERR_NOT_ALLOWED))
	svc:set_option("admins_are_owners", true)
	room:set_affiliation("x@localhost", "member", nil, "boss@localhost/laptop")
	T.eq(room:affiliation("x@localhost"), "member")
end)

T.test("closing", function()
	local svc = T.service()
	T.join(svc, "owner@localhost/o", ROOM .. "/owner")
	local room = svc:room(ROOM)
	svc:close()
	T.eq(tostring(svc), "libmuc.service(closed)")
	T.raises(function() svc:feed("<presence/>") end, "libmuc: the service is closed", true)
	T.raises(function() room:occupants() end, "libmuc: the service is closed", true)
	svc:close() -- twice is fine
	do
		local s2 <close> = T.service()
		T.join(s2, "owner@localhost/o", ROOM .. "/owner")
	end
end)

T.done()
