-- mod_bench_prof: the profiler of make bench-prosody (bindings/bench/).
--
-- Loaded on the VirtualHost; measures the CPU time the MUC component on
-- `bench_prof_target` (mod_muc or mod_libmuc) spends on the stanzas
-- addressed to it, and answers a control iq from the benchmark driver.
--
-- Method (the same code path for both components):
--   * Every stanza Prosody routes to the component fires one of nine
--     events on the component's host ("presence/bare", "message/bare", ...;
--     core_post_stanza). A wrapper on each (util.events wrappers) reads the
--     thread's CPU clock (CLOCK_THREAD_CPUTIME_ID, via benchclock.so) before
--     and after all of that event's handlers: mod_muc's room methods with
--     every muc-* event they fire, or mod_libmuc's handler with its feed()
--     call, which runs libmuc's C code.
--   * Both components hand each output stanza to Prosody with
--     module:send() (mod_muc's room:route_stanza, mod_libmuc's deliver
--     callback). The component's module:send is wrapped too; the CPU time
--     inside it -- Prosody's routing and the c2s delivery (filters,
--     serialization, the socket buffer) -- is subtracted: that is the
--     server's work, not the MUC engine's.
--   * component time = handler time - time inside module:send
--                      - sends x the wrapper's own cost (calibrated at load).
--
-- Options: bench_prof_target (the component's host), bench_prof_cpath (where
-- benchclock.so is), bench_prof_clock = "thread_cpu" (default) or
-- "monotonic" (a check: the same figures within the run-to-run noise when
-- Prosody has its own CPU).
--
-- Control: <iq type='set' to='HOST'><bench xmlns='urn:libmuc:bench' op='OP'/></iq>
--   op="reset"  zero the counters (installs the wrappers on first use)
--   op="read"   the counters, as attributes of <bench/> in the result
--   op="gc"     a full Lua garbage collection, then heap figures
--
-- Copyright (c) 2026 the libmuc authors. MIT licence, see COPYING.

local st = require "util.stanza";
local modulemanager = require "core.modulemanager";

local cpath = module:get_option_string("bench_prof_cpath");
if cpath then
	package.cpath = cpath .. ";" .. package.cpath;
end
local bc = require "benchclock";
local clock_name = module:get_option_string("bench_prof_clock", "thread_cpu");
local clock = assert(bc[clock_name], "bench_prof_clock: thread_cpu or monotonic");

local target = module:get_option_string("bench_prof_target", "conference.localhost");
local NS = "urn:libmuc:bench";

local EVENTS = {
	"presence/bare", "presence/full", "presence/host",
	"message/bare", "message/full", "message/host",
	"iq/bare", "iq/full", "iq/host",
};

local stats;
local function zero()
	stats = { handlers = 0, handler_ns = 0, sends = 0, send_ns = 0, nested = 0, errors = 0 };
end
zero();

local depth = 0;

-- Around every handler of one component event: inclusive CPU time.
local function timed_handlers(handlers, event_name, event_data)
	if depth > 0 then -- the component routing to itself: already counted
		stats.nested = stats.nested + 1;
		return handlers(event_name, event_data);
	end
	depth = 1;
	local t0 = clock();
	local ok, ret = pcall(handlers, event_name, event_data);
	local t1 = clock();
	depth = 0;
	stats.handlers = stats.handlers + 1;
	stats.handler_ns = stats.handler_ns + (t1 - t0);
	if not ok then
		stats.errors = stats.errors + 1;
		error(ret, 0);
	end
	return ret;
end

-- Around the component's module:send, while one of its handlers runs.
local function make_send(orig_send)
	return function (self, stanza, origin)
		if depth == 0 then return orig_send(self, stanza, origin); end
		local t0 = clock();
		local r1, r2 = orig_send(self, stanza, origin);
		stats.send_ns = stats.send_ns + (clock() - t0);
		stats.sends = stats.sends + 1;
		return r1, r2;
	end
end

-- The wrapper's own cost charged to the component per send: a no-op
-- "send" called K times inside a fake handler, wrapped and unwrapped.
local send_overhead_ns = 0;
local function calibrate()
	local noop = function () return true; end
	local wrapped = make_send(noop);
	local K, best_plain, best_wrapped = 20000, math.huge, math.huge;
	local saved = stats;
	for _ = 1, 7 do
		local t0 = clock();
		for _ = 1, K do noop(nil, nil); end
		local t1 = clock();
		best_plain = math.min(best_plain, t1 - t0);

		zero();
		depth = 1;
		t0 = clock();
		for _ = 1, K do wrapped(nil, nil); end
		t1 = clock();
		depth = 0;
		best_wrapped = math.min(best_wrapped, (t1 - t0) - stats.send_ns);
	end
	stats = saved;
	send_overhead_ns = math.max(0, (best_wrapped - best_plain) / K);
	module:log("info", "bench_prof: %.0f ns of wrapper cost per send charged to the component (subtracted)",
		send_overhead_ns);
end

local installed, component_module;
local timed = {}; -- the handlers the wrappers time, as "file:line"
local function install()
	if installed then return true; end
	local host = prosody.hosts[target];
	if not host then return nil, "no host " .. target; end
	for _, name in ipairs { "muc", "libmuc" } do
		local env = modulemanager.get_module(target, name);
		if env then component_module = name; installed = env.module; break; end
	end
	if not installed then return nil, "no muc or libmuc module on " .. target; end
	-- module:send is a method of the module's API object (moduleapi);
	-- an instance field takes precedence and is looked up at each call.
	installed.send = make_send(installed.send);
	for _, event_name in ipairs(EVENTS) do
		module:wrap_object_event(host.events, event_name, timed_handlers);
		local names = {};
		local handlers = host.events.get_handlers(event_name);
		for _, h in ipairs(handlers or {}) do
			local info = debug.getinfo(h, "S");
			local name = info.short_src:gsub("^.*/", "") .. ":" .. info.linedefined;
			names[#names + 1] = name;
			if not timed[name] then timed[name] = true; timed[#timed + 1] = name; end
		end
		module:log("info", "bench_prof: %s on %s: %s", event_name, target, table.concat(names, ", "));
	end
	calibrate();
	return true;
end

local function fmt(n) return string.format("%d", math.floor(n + 0.5)); end

module:hook("iq-set/host/" .. NS .. ":bench", function (event)
	local origin, stanza = event.origin, event.stanza;
	local op = stanza.tags[1].attr.op;
	local reply = st.reply(stanza);
	if op == "reset" then
		local ok, err = install();
		if not ok then
			origin.send(st.error_reply(stanza, "cancel", "item-not-found", err));
			return true;
		end
		zero();
		reply:tag("bench", { xmlns = NS, component = component_module });
	elseif op == "read" then
		local attr = { xmlns = NS, component = component_module, clock = clock_name,
			send_overhead_ns = string.format("%.1f", send_overhead_ns),
			timed_handlers = table.concat(timed, " ") };
		for k, v in pairs(stats) do attr[k] = fmt(v); end
		reply:tag("bench", attr);
	elseif op == "gc" then
		collectgarbage("collect");
		collectgarbage("collect");
		reply:tag("bench", { xmlns = NS,
			lua_heap_bytes = fmt(collectgarbage("count") * 1024),
			malloc_in_use = fmt(bc.heap_in_use() or -1) });
	else
		origin.send(st.error_reply(stanza, "modify", "bad-request", "op: reset, read or gc"));
		return true;
	end
	origin.send(reply);
	return true;
end);
