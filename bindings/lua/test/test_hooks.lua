-- Hooks: a Lua hook that raises never leaves a room half-changed; hooks
-- may not call the service; the deliver function may (it runs after).
local T = require "harness"
local libmuc = T.libmuc

local ROOM = "room@conference.localhost"

T.test("deliver raising: every output is still offered, then the first error is raised", function()
	local seen, fail_on = {}, {}
	local svc = T.service({ deliver = function(to, xml)
		seen[#seen + 1] = to
		if fail_on[#seen] then error({ "boom", #seen }) end
	end })
	T.instant_room(svc, nil)
	seen, fail_on = {}, { [1] = true, [3] = true }
	local ok, err = pcall(svc.feed, svc, T.JOIN:format("juliet@localhost/j", ROOM .. "/juliet"))
	T.eq(ok, false)
	T.same(err, { "boom", 1 }, "the first error object, as raised")
	T.same(seen, { "juliet@localhost/j", "owner@localhost/o", "juliet@localhost/j", "juliet@localhost/j" },
		"all four outputs offered")
	local room = svc:room(ROOM)
	T.eq(room:occupant_count(), 2, "the join happened completely")
	-- and the service goes on normally
	fail_on = {}
	seen = {}
	svc:feed("<message from='juliet@localhost/j' to='room@conference.localhost' type='groupchat'><body>hi</body></message>")
	T.same(seen, { "owner@localhost/o", "juliet@localhost/j" })
end)

T.test("the store raising: the change is complete, outputs delivered, the error raised after", function()
	local saved, fail = {}, false
	local svc, out = T.service({ store = {
		save = function(jid, data)
			if fail then error("disk on fire") end
			saved[jid] = data
		end,
		remove = function(jid) saved[jid] = nil end,
	} })
	local room = T.instant_room(svc, out)
	svc:feed("<iq from='owner@localhost/o' to='room@conference.localhost' type='set' id='p'>"
		.. "<query xmlns='http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data' type='submit'>"
		.. "<field var='FORM_TYPE'><value>http://jabber.org/protocol/muc#roomconfig</value></field>"
		.. "<field var='muc#roomconfig_persistentroom'><value>1</value></field></x></query></iq>")
	T.take(out)
	T.ok(saved[ROOM], "saved once persistent")
	fail = true
	T.raises(function() room:set_affiliation("juliet@localhost", "member") end, "disk on fire", true)
	T.eq(room:affiliation("juliet@localhost"), "member", "applied all the same")
	T.eq(#T.take(out), 1, "the notification to the owner went out")
	fail = false
	room:set_affiliation("romeo@localhost", "member")
	T.ok(saved[ROOM]:find("jid='juliet@localhost'", 1, true), "the next save carries both")
	T.ok(saved[ROOM]:find("jid='romeo@localhost'", 1, true))
end)

T.test("the store's failure convention: false, or nil and a message", function()
	local result
	local svc, out = T.service({ store = {
		save = function() return table.unpack(result) end,
		remove = function() return true end,
	}, options = { default_persistent = true } })
	result = { true }
	local room = T.instant_room(svc, out)
	result = { false }
	T.raises(function() room:set_affiliation("a@localhost", "member") end,
		"libmuc: storing room@conference.localhost failed", true)
	result = { nil, "quota exceeded" }
	T.raises(function() room:set_affiliation("b@localhost", "member") end,
		"libmuc: storing room@conference.localhost failed: quota exceeded", true)
	result = {}
	room:set_affiliation("c@localhost", "member") -- returning nothing is success
	T.take(out)
end)

T.test("the clock and the id hooks raising", function()
	local svc, out = T.service({ id = function() error("no entropy") end })
	T.raises(function() T.join(svc, "owner@localhost/o", ROOM .. "/owner") end, "no entropy", true)
	T.eq(#out, 2, "the join went out")
	T.eq(svc:room(ROOM):occupant_count(), 1)
	local svc2, out2 = T.service({ clock = function() return "noon" end })
	local room = T.instant_room(svc2, out2)
	T.raises(function()
		svc2:feed("<message from='owner@localhost/o' to='room@conference.localhost' type='groupchat'><body>x</body></message>")
	end, "libmuc: the clock hook must return milliseconds (a number)", true)
	T.eq(#T.take(out2), 1, "the message went out")
	T.eq(room:occupant_count(), 1)
end)

T.test("the clock is used for history stamps", function()
	local svc, out = T.service()
	T.instant_room(svc, out)
	svc:feed("<message from='owner@localhost/o' to='room@conference.localhost' type='groupchat' id='h'><body>x</body></message>")
	T.join(svc, "juliet@localhost/j", ROOM .. "/juliet")
	local found
	for _, l in ipairs(T.take(out)) do
		if l:find("<delay", 1, true) then found = l end
	end
	T.ok(found and found:find("stamp='2026-01-01T00:00:00Z'", 1, true), "history stamped by the clock: " .. tostring(found))
end)

T.test("log", function()
	local lines = {}
	local svc = T.service({ log = function(level, msg) lines[#lines + 1] = level end })
	pcall(svc.feed, svc, "<presence")
	for _, l in ipairs(lines) do
		T.ok(l == "debug" or l == "info" or l == "warn" or l == "error", "level name " .. l)
	end
end)

T.test("hooks may not call the service", function()
	local svc
	-- the binding takes the functions when the service is made
	local on_save = function() end
	local store = { save = function(...) return on_save(...) end, remove = function() end }
	local out
	svc, out = T.service({ store = store, options = { default_persistent = true } })
	T.instant_room(svc, out)
	on_save = function() svc:feed(T.JOIN:format("a@localhost/r", "x@conference.localhost/n")) end
	T.raises(function() svc:room(ROOM):set_affiliation("w@localhost", "member") end,
		"libmuc: the service is busy (its hooks may not call it)", true)
	T.eq(svc:room(ROOM):affiliation("w@localhost"), "member")
	T.eq(svc:room_count(), 1, "the nested feed did nothing")
	on_save = function() svc:rooms() end
	T.raises(function() svc:room(ROOM):set_affiliation("x@localhost", "member") end, "busy", true)
	on_save = function() svc:close() end
	T.raises(function() svc:room(ROOM):set_affiliation("y@localhost", "member") end, "busy", true)
	T.eq(svc:room(ROOM):affiliation("y@localhost"), "member", "still open and changed")
end)

T.test("the deliver function may feed the service (a host bouncing a stanza)", function()
	local svc
	local order = {}
	svc = T.service({ deliver = function(to, xml)
		order[#order + 1] = to .. (xml:match("type='(%w+)'") and (" " .. xml:match("type='(%w+)'")) or "")
		-- juliet's client is gone: its server answers the groupchat
		-- message with an error, synchronously
		if to == "juliet@localhost/j" and xml:find("<body>", 1, true) then
			svc:feed("<message from='juliet@localhost/j' to='room@conference.localhost' type='error'>"
				.. "<error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>")
		end
	end })
	T.instant_room(svc, nil)
	T.join(svc, "juliet@localhost/j", ROOM .. "/juliet")
	order = {}
	svc:feed("<message from='owner@localhost/o' to='room@conference.localhost' type='groupchat'><body>x</body></message>")
	-- the bounce removes juliet: her unavailable goes out in the middle
	T.eq(order[1], "owner@localhost/o groupchat")
	T.eq(order[2], "juliet@localhost/j groupchat")
	T.eq(order[3], "owner@localhost/o unavailable")
	T.eq(svc:room(ROOM):occupant_count(), 1, "juliet was removed by the bounce")
end)

T.done()
