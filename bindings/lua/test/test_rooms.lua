-- Rooms, occupants and affiliations as Lua values; acting on rooms.
local T = require "harness"
local libmuc = T.libmuc

local ROOM = "room@conference.localhost"
local OWNER_OID = "l9ToN/Np3F7RQa8Gcw9PxMinvOjD/npfre5OSOfosrA="
local JULIET_OID = "QJiAUTBs4G8BYP5lnKEXiUj8z9H8okANstx1HFChZog="

T.test("rooms and handles", function()
	local svc, out = T.service()
	T.eq(svc:room_count(), 0)
	T.same(svc:rooms(), {})
	T.eq(svc:room(ROOM), nil)
	T.instant_room(svc, out)
	T.instant_room(svc, out, "second@conference.localhost")
	T.eq(svc:room_count(), 2)
	T.same(svc:rooms(), { ROOM, "second@conference.localhost" }, "creation order")
	local room = svc:room("Room@Conference.Localhost")
	T.eq(room:jid(), ROOM, "the prepared JID")
	T.eq(tostring(room), "libmuc.room(room@conference.localhost)")
	T.ok(room == svc:room(ROOM), "handles of one room are equal")
	T.ok(room ~= svc:room("second@conference.localhost"))
	local other = T.service()
	T.instant_room(other, nil)
	T.ok(room ~= other:room(ROOM), "same JID, another service")
	T.ok(room:exists())
end)

T.test("occupants", function()
	local svc, out = T.service()
	local room = T.instant_room(svc, out)
	T.join(svc, "juliet@localhost/phone", ROOM .. "/juliet")
	T.join(svc, "juliet@localhost/laptop", ROOM .. "/juliet")
	T.eq(room:occupant_count(), 2)
	T.same(room:occupants(), {
		{ nick = "owner", role = "moderator", affiliation = "owner", jid = "owner@localhost",
		  jids = { "owner@localhost/o" } },
		{ nick = "juliet", role = "participant", affiliation = "none", jid = "juliet@localhost",
		  jids = { "juliet@localhost/phone", "juliet@localhost/laptop" } },
	})
end)

T.test("affiliations: read and set, with the notifications", function()
	local svc, out = T.service()
	local room = T.instant_room(svc, out)
	T.join(svc, "juliet@localhost/j", ROOM .. "/juliet")
	T.take(out)
	T.eq(room:set_affiliation("juliet@localhost", "member", "welcome"), 2)
	T.same_lines(T.take(out), {
		"owner@localhost/o | <presence to='owner@localhost/o' from='room@conference.localhost/juliet'>"
		.. "<occupant-id xmlns='urn:xmpp:occupant-id:0' id='" .. JULIET_OID .. "'/>"
		.. "<x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='member' role='participant' jid='juliet@localhost/j'>"
		.. "<reason>welcome</reason></item></x></presence>",
		"juliet@localhost/j | <presence to='juliet@localhost/j' from='room@conference.localhost/juliet'>"
		.. "<occupant-id xmlns='urn:xmpp:occupant-id:0' id='" .. JULIET_OID .. "'/>"
		.. "<x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='member' role='participant' jid='juliet@localhost/j'>"
		.. "<reason>welcome</reason></item><status code='110'/></x></presence>",
	})
	room:set_affiliation("nurse@localhost", "admin", nil, "owner@localhost/o")
	room:set_affiliation("tybalt@localhost", "outcast", "a Capulet")
	T.take(out)
	T.eq(room:affiliation("juliet@localhost/j"), "member", "full JIDs count as their bare JID")
	T.eq(room:affiliation("nurse@localhost"), "admin")
	T.eq(room:affiliation("tybalt@localhost"), "outcast")
	T.eq(room:affiliation("nobody@localhost"), "none")
	T.same(room:affiliations(), {
		{ jid = "owner@localhost", affiliation = "owner" },
		{ jid = "juliet@localhost", affiliation = "member", reason = "welcome" },
		{ jid = "nurse@localhost", affiliation = "admin" },
		{ jid = "tybalt@localhost", affiliation = "outcast", reason = "a Capulet" },
	}, "in the order granted")
end)

T.test("banning an occupant removes it", function()
	local svc, out = T.service()
	local room = T.instant_room(svc, out)
	T.join(svc, "juliet@localhost/j", ROOM .. "/juliet")
	T.take(out)
	room:set_affiliation("juliet@localhost", "outcast", "bye")
	T.same_lines(T.take(out), {
		"owner@localhost/o | <presence to='owner@localhost/o' from='room@conference.localhost/juliet' type='unavailable'>"
		.. "<occupant-id xmlns='urn:xmpp:occupant-id:0' id='" .. JULIET_OID .. "'/>"
		.. "<x xmlns='http://jabber.org/protocol/muc#user'><status code='301'/>"
		.. "<item affiliation='outcast' role='none' jid='juliet@localhost/j'><reason>bye</reason></item></x></presence>",
		"juliet@localhost/j | <presence to='juliet@localhost/j' from='room@conference.localhost/juliet' type='unavailable'>"
		.. "<occupant-id xmlns='urn:xmpp:occupant-id:0' id='" .. JULIET_OID .. "'/>"
		.. "<x xmlns='http://jabber.org/protocol/muc#user'><status code='301'/>"
		.. "<item affiliation='outcast' role='none' jid='juliet@localhost/j'><reason>bye</reason></item><status code='110'/></x></presence>",
	})
	T.eq(room:occupant_count(), 1)
end)

T.test("setting affiliations as an actor is checked", function()
	local svc, out = T.service()
	local room = T.instant_room(svc, out)
	T.join(svc, "juliet@localhost/j", ROOM .. "/juliet")
	T.take(out)
	T.raises(function() room:set_affiliation("owner@localhost", "member", nil, "juliet@localhost/j") end,
		libmuc.strerror(libmuc.ERR_NOT_ALLOWED))
	T.raises(function() room:set_affiliation("owner@localhost", "member", nil, "owner@localhost/o") end,
		libmuc.strerror(libmuc.ERR_CONFLICT))
	T.raises(function() room:set_affiliation("x@localhost", "boss") end, "invalid option 'boss'", true)
	T.raises(function() room:set_affiliation("@", "member") end, libmuc.strerror(libmuc.ERR_JID))
	T.eq(#out, 0, "nothing sent")
	T.eq(room:affiliation("owner@localhost"), "owner")
end)

T.test("destroying a room", function()
	local svc, out = T.service()
	local room = T.instant_room(svc, out)
	T.eq(room:destroy("done", "other@conference.localhost", "pw"), 1)
	T.same_lines(T.take(out), {
		"owner@localhost/o | <presence to='owner@localhost/o' from='room@conference.localhost/owner' type='unavailable'>"
		.. "<occupant-id xmlns='urn:xmpp:occupant-id:0' id='" .. OWNER_OID .. "'/>"
		.. "<x xmlns='http://jabber.org/protocol/muc#user'><destroy jid='other@conference.localhost'>"
		.. "<reason>done</reason><password>pw</password></destroy>"
		.. "<item affiliation='owner' role='none' jid='owner@localhost/o'/><status code='110'/></x></presence>",
	})
	T.ok(not room:exists())
	T.eq(svc:room(ROOM), nil)
	T.eq(svc:room_count(), 0)
	local gone = libmuc.strerror(libmuc.ERR_NOT_FOUND)
	T.raises(function() room:occupants() end, gone)
	T.raises(function() room:destroy() end, gone)
	T.raises(function() room:set_affiliation("a@localhost", "member") end, gone)
	T.eq(room:jid(), ROOM, "the handle still names it")
	-- the same JID again is a new room, and the handle reaches it
	T.instant_room(svc, out)
	T.ok(room:exists())
	T.eq(room:occupant_count(), 1)
	room:destroy()
	T.eq(#T.take(out), 1)
end)

T.test("a temporary room goes when its last occupant leaves", function()
	local svc, out = T.service()
	local room = T.instant_room(svc, out)
	svc:feed("<presence from='owner@localhost/o' to='room@conference.localhost/owner' type='unavailable'/>")
	T.ok(not room:exists())
end)

T.test("removing every occupant (the service stops)", function()
	local svc, out = T.service({ options = { default_persistent = true } })
	T.instant_room(svc, out)
	T.instant_room(svc, out, "temp@conference.localhost")
	svc:feed("<iq from='owner@localhost/o' to='temp@conference.localhost' type='set' id='t'>"
		.. "<query xmlns='http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data' type='submit'>"
		.. "<field var='FORM_TYPE'><value>http://jabber.org/protocol/muc#roomconfig</value></field>"
		.. "<field var='muc#roomconfig_persistentroom'><value>0</value></field></x></query></iq>")
	T.take(out)
	T.eq(svc:remove_all_occupants(), 2)
	T.same_lines(T.take(out), {
		"owner@localhost/o | <presence to='owner@localhost/o' from='room@conference.localhost/owner' type='unavailable'>"
		.. "<occupant-id xmlns='urn:xmpp:occupant-id:0' id='" .. OWNER_OID .. "'/>"
		.. "<x xmlns='http://jabber.org/protocol/muc#user'><status code='332'/>"
		.. "<item affiliation='owner' role='none' jid='owner@localhost/o'/><status code='110'/></x></presence>",
		"owner@localhost/o | <presence to='owner@localhost/o' from='temp@conference.localhost/owner' type='unavailable'>"
		.. "<occupant-id xmlns='urn:xmpp:occupant-id:0' id='E05DjhU6g909zVR7mEtAvaLmMnpWsbETw5UjKC0QJe8='/>"
		.. "<x xmlns='http://jabber.org/protocol/muc#user'><status code='332'/>"
		.. "<item affiliation='owner' role='none' jid='owner@localhost/o'/><status code='110'/></x></presence>",
	})
	T.same(svc:rooms(), { ROOM }, "the temporary room went")
	T.eq(svc:room(ROOM):occupant_count(), 0)
end)

T.done()
