-- Durable state: the store hooks, room:save(), restore_room, the directory store.
local T = require "harness"
local libmuc = T.libmuc

local ROOM = "room@conference.localhost"

local function memory_store()
	local s = { rooms = {}, log = {} }
	s.save = function(jid, data)
		s.log[#s.log + 1] = "save " .. jid
		s.rooms[jid] = data
		return true
	end
	s.remove = function(jid)
		s.log[#s.log + 1] = "remove " .. jid
		s.rooms[jid] = nil
		return true
	end
	return s
end

local PERSISTENT_FORM = "<iq from='owner@localhost/o' to='%s' type='set' id='p'>"
	.. "<query xmlns='http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data' type='submit'>"
	.. "<field var='FORM_TYPE'><value>http://jabber.org/protocol/muc#roomconfig</value></field>"
	.. "<field var='muc#roomconfig_persistentroom'><value>1</value></field>"
	.. "<field var='muc#roomconfig_roomname'><value>The Room</value></field></x></query></iq>"

T.test("saves and removals reach the store", function()
	local store = memory_store()
	local svc, out = T.service({ store = store })
	local room = T.instant_room(svc, out)
	T.same(store.log, {}, "a temporary room is not stored")
	svc:feed(PERSISTENT_FORM:format(ROOM))
	T.same(store.log, { "save " .. ROOM })
	T.eq(store.rooms[ROOM], room:save(), "the store has what room:save() says")
	T.ok(store.rooms[ROOM]:find("^<room xmlns='urn:xmpp:libmuc:room:1' jid='room@conference.localhost'>"))
	room:set_affiliation("juliet@localhost", "member")
	T.eq(#store.log, 2)
	T.eq(store.rooms[ROOM], room:save())
	room:destroy()
	T.eq(store.log[3], "remove " .. ROOM)
	T.eq(store.rooms[ROOM], nil)
	T.take(out)
end)

T.test("restoring a saved room into another service", function()
	local store = memory_store()
	local svc, out = T.service({ store = store })
	local room = T.instant_room(svc, out)
	svc:feed(PERSISTENT_FORM:format(ROOM))
	room:set_affiliation("juliet@localhost", "member")
	room:set_affiliation("tybalt@localhost", "outcast", "a Capulet")
	local data = store.rooms[ROOM]
	svc:close()

	local svc2, out2 = T.service({ store = memory_store() })
	local r2 = svc2:restore_room(data)
	T.eq(r2:jid(), ROOM)
	T.eq(#out2, 0, "restoring sends nothing")
	T.eq(r2:occupant_count(), 0)
	T.same(r2:affiliations(), {
		{ jid = "owner@localhost", affiliation = "owner" },
		{ jid = "juliet@localhost", affiliation = "member" },
		{ jid = "tybalt@localhost", affiliation = "outcast", reason = "a Capulet" },
	})
	T.eq(r2:save(), data, "the same state")
	-- the banned one stays out; the room is configured and open
	svc2:feed(T.JOIN:format("tybalt@localhost/t", ROOM .. "/tybalt"))
	local l = T.take(out2)
	T.eq(#l, 1)
	T.ok(l[1]:find("<forbidden", 1, true), l[1])
	svc2:feed(T.JOIN:format("juliet@localhost/j", ROOM .. "/juliet"))
	T.eq(r2:occupant_count(), 1)
	T.take(out2)

	T.raises(function() svc2:restore_room(data) end, libmuc.strerror(libmuc.ERR_CONFLICT))
	T.raises(function() svc2:restore_room("<room/>") end, libmuc.strerror(libmuc.ERR_PARSE))
	T.raises(function() svc2:restore_room("garbage") end, libmuc.strerror(libmuc.ERR_PARSE))
	local other = libmuc.new_service("muc.elsewhere.example", {})
	T.raises(function() other:restore_room(data) end, libmuc.strerror(libmuc.ERR_NOT_FOR_US))
	T.eq(other:room_count(), 0)
end)

local function tmpdir()
	local path = os.tmpname()
	os.remove(path)
	return path
end

local function rmdir(path)
	assert(path:match("^/tmp/lua_"), path)
	os.execute("rm -rf '" .. path .. "'")
end

T.test("libmuc's directory store", function()
	local dir = tmpdir()
	local store = libmuc.open_dir_store(dir)
	local svc, out = T.service({ store = store })
	local room = T.instant_room(svc, out)
	svc:feed(PERSISTENT_FORM:format(ROOM))
	room:set_affiliation("juliet@localhost", "admin")
	local data = room:save()
	T.instant_room(svc, out, "second@conference.localhost")
	svc:feed(PERSISTENT_FORM:format("second@conference.localhost"))
	svc:room("second@conference.localhost"):destroy()
	svc:close()
	T.take(out)

	local svc2 = T.service({ store = store })
	local reports = {}
	T.eq(store:load(svc2, function(file, reason) reports[#reports + 1] = file end), 1)
	T.same(reports, {})
	T.same(svc2:rooms(), { ROOM })
	T.eq(svc2:room(ROOM):save(), data)

	-- a corrupt file is reported, the others still load
	local f = assert(io.open(dir .. "/broken.xml", "w"))
	f:write("<room xmlns='urn:xmpp:libmuc:room:1' jid='broken@conference")
	f:close()
	local svc3 = T.service()
	T.eq(store:load(svc3, function(file, reason) reports[#reports + 1] = file .. ": " .. reason end), 1)
	T.eq(#reports, 1)
	T.ok(reports[1]:find("broken", 1, true), reports[1])
	-- a report function that raises: the load completes, then it is raised
	local svc4 = T.service()
	T.raises(function() store:load(svc4, function() error("stop") end) end, "stop", true)
	T.eq(svc4:room_count(), 1)
	T.eq(store:load((T.service())), 1, "no report function")
	rmdir(dir)
	T.raises(function() libmuc.open_dir_store("/proc/nope/x") end, libmuc.strerror(libmuc.ERR_IO), true)
end)

T.done()
