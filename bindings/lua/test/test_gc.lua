-- Garbage collection frees what Lua owns: services (with their rooms),
-- room handles, queues left by errors, directory stores. Run under
-- valgrind by make check-lua: nothing may leak.
local T = require "harness"
local libmuc = T.libmuc

local ROOM = "room@conference.localhost"

T.test("services that reference themselves from their hooks are collected", function()
	local weak = setmetatable({}, { __mode = "k" })
	for i = 1, 50 do
		local svc
		svc = libmuc.new_service(T.DOMAIN, {
			deliver = function(to, xml) if svc then svc:domain() end end,
			store = { save = function() return svc end, remove = function() end },
		})
		T.instant_room(svc, nil)
		T.join(svc, "juliet@localhost/j", ROOM .. "/juliet")
		local room = svc:room(ROOM)
		weak[svc] = true
		weak[room] = true
	end
	collectgarbage()
	collectgarbage()
	T.eq(next(weak), nil, "all collected")
end)

T.test("a room handle keeps its service alive", function()
	local room
	do
		local svc = T.service()
		T.instant_room(svc, nil)
		room = svc:room(ROOM)
	end
	collectgarbage()
	collectgarbage()
	T.eq(room:occupant_count(), 1)
end)

T.test("memory stays flat over many stanzas and errors", function()
	local svc, out = T.service()
	local fail = false
	local svc2 = T.service({ deliver = function() if fail then error("x") end end })
	T.instant_room(svc, out)
	T.instant_room(svc2, nil)
	fail = true
	collectgarbage()
	local before = collectgarbage("count")
	for i = 1, 2000 do
		svc:feed("<message from='owner@localhost/o' to='room@conference.localhost' type='groupchat'><body>" .. i .. "</body></message>")
		T.take(out)
		pcall(svc2.feed, svc2, "<message from='owner@localhost/o' to='room@conference.localhost' type='groupchat'><body>x</body></message>")
		pcall(svc.feed, svc, "<broken")
		svc:room(ROOM):occupants()
	end
	collectgarbage()
	collectgarbage()
	local after = collectgarbage("count")
	T.ok(after - before < 64, string.format("Lua memory grew by %.0f KiB", after - before))
end)

T.test("closing by <close>, and rooms left in services at exit", function()
	do
		local svc <close> = T.service()
		T.instant_room(svc, nil)
	end
	-- left for the final collection at exit:
	_G.kept = T.service()
	T.instant_room(_G.kept, nil)
	local dir = os.tmpname()
	os.remove(dir)
	_G.kept_store = libmuc.open_dir_store(dir)
	os.execute("rm -rf '" .. dir .. "'")
end)

T.done()
