-- A small test harness for the libmuc Lua binding's tests.
--   local T = require "harness"
--   T.test("name", function() T.eq(a, b) end)
--   T.done()   -- prints "N passed, M failed", exits non-zero on failure
local T = { passed = 0, failed = 0 }

local function show(v)
	if type(v) == "string" then return string.format("%q", v) end
	return tostring(v)
end

function T.eq(got, want, what)
	if got ~= want then
		error(string.format("%s:\n  want %s\n  got  %s", what or "value", show(want), show(got)), 2)
	end
end

function T.ok(v, what)
	if not v then error((what or "expected a true value"), 2) end
	return v
end

-- Deep equality of plain tables, for read results.
local function same(a, b)
	if type(a) ~= "table" or type(b) ~= "table" then return a == b end
	for k, v in pairs(a) do if not same(v, b[k]) then return false end end
	for k in pairs(b) do if a[k] == nil then return false end end
	return true
end

local function dump(v, ind)
	ind = ind or ""
	if type(v) ~= "table" then return show(v) end
	local keys = {}
	for k in pairs(v) do keys[#keys + 1] = k end
	table.sort(keys, function(x, y) return tostring(x) < tostring(y) end)
	local out = {}
	for _, k in ipairs(keys) do
		out[#out + 1] = ind .. "  " .. tostring(k) .. " = " .. dump(v[k], ind .. "  ")
	end
	return "{\n" .. table.concat(out, "\n") .. "\n" .. ind .. "}"
end

function T.same(got, want, what)
	if not same(got, want) then
		error(string.format("%s:\n  want %s\n  got  %s", what or "table", dump(want), dump(got)), 2)
	end
end

-- fn must raise an error whose text is exactly msg (libmuc's own errors
-- carry no position), or, with pattern set, contains msg literally (the
-- binding's usage errors carry the caller's position, as luaL_error does).
function T.raises(fn, msg, pattern)
	local ok, err = pcall(fn)
	if ok then error("expected an error: " .. msg, 2) end
	if pattern then
		if not tostring(err):find(msg, 1, true) then
			error(string.format("error %s does not match %s", show(err), show(msg)), 2)
		end
	elseif err ~= msg then
		error(string.format("error:\n  want %s\n  got  %s", show(msg), show(err)), 2)
	end
	return err
end

-- Outputs, as a list of "to | xml" lines, for exact comparison.
function T.lines(outputs)
	local l = {}
	for i, o in ipairs(outputs) do l[i] = o.to .. " | " .. o.xml end
	return l
end

function T.same_lines(got, want, what)
	if not same(got, want) then
		local g, w = {}, {}
		for i, v in ipairs(got) do g[i] = "    " .. i .. ". " .. v end
		for i, v in ipairs(want) do w[i] = "    " .. i .. ". " .. v end
		error(string.format("%s:\n  want\n%s\n  got\n%s", what or "outputs",
			table.concat(w, "\n"), table.concat(g, "\n")), 2)
	end
end

function T.test(name, fn)
	local ok, err = xpcall(fn, debug.traceback)
	if ok then
		T.passed = T.passed + 1
	else
		T.failed = T.failed + 1
		io.write("FAIL ", name, ": ", tostring(err), "\n")
	end
	collectgarbage()
end

function T.done()
	collectgarbage()
	collectgarbage()
	io.write(string.format("%s: %d passed, %d failed\n", arg and arg[0] or "?", T.passed, T.failed))
	os.exit(T.failed == 0 and 0 or 1, true)
end

-- A service with deterministic hooks: time 2026-01-01T00:00:00Z, ids
-- id1, id2, ...; outputs collected in svc_outputs (a list of {to, from, xml}).
local libmuc = require "libmuc"
T.libmuc = libmuc
T.DOMAIN = "conference.localhost"
T.NOW = 1767225600000

function T.service(opts)
	opts = opts or {}
	local out = {}
	local n = 0
	local o = {
		deliver = opts.deliver or function(to, xml, from)
			out[#out + 1] = { to = to, xml = xml, from = from }
		end,
		clock = opts.clock or function() return T.NOW end,
		id = opts.id or function() n = n + 1; return "id" .. n end,
		log = opts.log,
		stanza_mt = opts.stanza_mt,
		store = opts.store,
		admins = opts.admins or { "admin@localhost" },
		options = opts.options,
	}
	local svc = libmuc.new_service(opts.domain or T.DOMAIN, o)
	return svc, out
end

-- Takes the collected outputs (and empties the list).
function T.take(out)
	local l = T.lines(out)
	for i = #out, 1, -1 do out[i] = nil end
	return l
end

T.JOIN = "<presence from='%s' to='%s'><x xmlns='http://jabber.org/protocol/muc'/></presence>"
function T.join(svc, from, room_nick)
	return svc:feed(T.JOIN:format(from, room_nick))
end

-- Creates and unlocks room@conference.localhost owned by owner@localhost/o.
function T.instant_room(svc, out, room)
	room = room or "room@" .. T.DOMAIN
	T.join(svc, "owner@localhost/o", room .. "/owner")
	svc:feed(("<iq from='owner@localhost/o' to='%s' type='set' id='cfg'>"
		.. "<query xmlns='http://jabber.org/protocol/muc#owner'>"
		.. "<x xmlns='jabber:x:data' type='submit'/></query></iq>"):format(room))
	if out then T.take(out) end
	return svc:room(room)
end

return T
