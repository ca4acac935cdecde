-- The bench-prosody load on the Lua binding alone, outside Prosody: the
-- same joins and groupchat messages fed to a libmuc service whose deliver
-- callback does nothing, outputs built as util.stanza objects (stanza_mt)
-- as mod_libmuc has them built. What is left is libmuc plus the binding,
-- and the Lua garbage collection their allocations cause.
--
--   LUA_CPATH='build/lua/?.so;build/bench/?.so;;' \
--     lua5.4 bindings/bench/binding-alone.lua [N [M [prosody-gc [heap-MiB]]]]
--
-- prosody-gc: Prosody 0.12's collector settings (incremental, pause 105,
-- step multiplier 500) instead of Lua's defaults; heap-MiB: that much live
-- Lua data besides (Prosody's heap holds 10-20 MiB with the bench's
-- clients connected), which a collection has to traverse.
--
-- Copyright (c) 2026 the libmuc authors. MIT licence, see COPYING.

package.path = "/usr/lib/prosody/?.lua;" .. package.path
package.cpath = package.cpath .. ";/usr/lib/prosody/?.so"

local st = require "util.stanza"
local libmuc = require "libmuc"
local clock = require "benchclock".thread_cpu

local N, M = tonumber(arg[1]) or 200, tonumber(arg[2]) or 500
if arg[3] == "prosody-gc" then collectgarbage("incremental", 105, 500) end
local ballast = {}
for i = 1, math.floor((tonumber(arg[4]) or 0) * 1024 * 1024 / 160) do
	ballast[i] = { name = "x", attr = { n = tostring(i) } }
end

local delivered = 0
local svc = libmuc.new_service("conference.localhost", {
	deliver = function () delivered = delivered + 1 end,
	stanza_mt = st.stanza_mt,
})
svc:set_option("lock_new_rooms", false)

local function report(what, t)
	print(("%-5s %7d deliveries  %6.2f us per delivery"):format(what, delivered, t / 1e3 / delivered))
	delivered = 0
end

local t0 = clock()
for i = 0, N - 1 do
	svc:feed(tostring(st.presence({ to = "bench@conference.localhost/u" .. i, from = "u" .. i .. "@localhost/bench" })
		:tag("x", { xmlns = "http://jabber.org/protocol/muc" }):up()
		:tag("x", { xmlns = "vcard-temp:x:update" }):up()))
end
report("join", clock() - t0)

t0 = clock()
for j = 0, M - 1 do
	local from = "u" .. (j % 5)
	svc:feed(tostring(st.message({ to = "bench@conference.localhost", from = from .. "@localhost/bench",
		type = "groupchat", id = "m" .. j }):text_tag("body", "Message " .. j .. " of the benchmark, from " .. from .. ".")))
end
report("msgs", clock() - t0)
svc:close()
