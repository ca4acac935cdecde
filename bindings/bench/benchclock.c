/* benchclock: the clocks and the malloc counter make bench-prosody needs,
 * as a Lua 5.4 module for Prosody's profiling module (mod_bench_prof.lua).
 *
 *   local bc = require "benchclock"
 *   bc.thread_cpu()   CPU time of the calling thread, integer nanoseconds
 *                     (CLOCK_THREAD_CPUTIME_ID; Prosody runs on one thread)
 *   bc.monotonic()    CLOCK_MONOTONIC, integer nanoseconds
 *   bc.heap_in_use()  bytes in use in glibc's malloc (mallinfo2 uordblks +
 *                     hblkhd): Lua's heap and every C library's, libmuc's too
 *
 * Copyright (c) 2026 the libmuc authors. MIT licence, see COPYING.
 */
#define _GNU_SOURCE
#include <time.h>
#include <malloc.h>
#include <lua.h>
#include <lauxlib.h>

int luaopen_benchclock(lua_State *L);

static lua_Integer ns(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (lua_Integer)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int l_thread_cpu(lua_State *L)
{
	lua_pushinteger(L, ns(CLOCK_THREAD_CPUTIME_ID));
	return 1;
}

static int l_monotonic(lua_State *L)
{
	lua_pushinteger(L, ns(CLOCK_MONOTONIC));
	return 1;
}

static int l_heap_in_use(lua_State *L)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
	struct mallinfo2 mi = mallinfo2();
	lua_pushinteger(L, (lua_Integer)(mi.uordblks + mi.hblkhd));
#else
	lua_pushnil(L);
#endif
	return 1;
}

int luaopen_benchclock(lua_State *L)
{
	static const luaL_Reg fns[] = {
		{ "thread_cpu", l_thread_cpu },
		{ "monotonic", l_monotonic },
		{ "heap_in_use", l_heap_in_use },
		{ NULL, NULL },
	};
	luaL_newlib(L, fns);
	return 1;
}
