/* libmuc for Lua 5.4: libmuc's embedded directory store.
 *
 *   local store = libmuc.open_dir_store("/var/lib/muc")
 *   local svc = libmuc.new_service(domain, { deliver = …, store = store })
 *   store:load(svc [, function(file, reason) … end])
 */
#include "lmuc.h"

typedef struct ldir {
	muc_dir_store *store; /* NULL once closed */
} ldir;

muc_dir_store *lmuc_check_dir_store(lua_State *L, int idx)
{
	ldir *d = luaL_checkudata(L, idx, LMUC_DIRSTORE);
	if (!d->store)
		luaL_error(L, "libmuc: the directory store is closed");
	return d->store;
}

/* libmuc.open_dir_store(path) */
static int l_open(lua_State *L)
{
	const char *path = luaL_checkstring(L, 1);
	ldir *d = lua_newuserdatauv(L, sizeof *d, 0);
	int rc;
	d->store = NULL;
	luaL_setmetatable(L, LMUC_DIRSTORE);
	rc = muc_dir_store_open(&d->store, path);
	if (rc != MUC_OK)
		return luaL_error(L, "%s: %s", path, muc_strerror(rc));
	return 1;
}

static int l_gc(lua_State *L)
{
	ldir *d = luaL_checkudata(L, 1, LMUC_DIRSTORE);
	muc_dir_store_close(d->store);
	d->store = NULL;
	return 0;
}

struct report_call {
	const char *file, *reason;
};

static int tramp_report(lua_State *L)
{
	struct report_call *c = lua_touserdata(L, 1);
	lua_pushvalue(L, 3);
	lua_pushstring(L, c->file);
	lua_pushstring(L, c->reason);
	lua_call(L, 2, 0);
	return 0;
}

static void on_report(const char *file, const char *reason, void *ud)
{
	lmuc_service *s = ud;
	struct report_call c;
	c.file = file;
	c.reason = reason;
	if (s->argidx)
		lmuc_protected(s, tramp_report, &c);
}

/* store:load(service [, report]) -> number of rooms restored. report(file,
 * reason) hears of each file that could not be loaded. */
static int l_load(lua_State *L)
{
	muc_dir_store *d = lmuc_check_dir_store(L, 1);
	lmuc_service *s = lmuc_check_service(L, 2);
	int rc, has_report = !lua_isnoneornil(L, 3);
	if (has_report)
		luaL_checktype(L, 3, LUA_TFUNCTION);
	lua_settop(L, 3);
	lmuc_check_usable(L, s);
	lmuc_begin_read(L, s, 2, 3);
	if (!has_report)
		s->argidx = 0;
	rc = muc_dir_store_load(d, s->svc, on_report, s);
	lmuc_end_read(L, s, rc);
	lua_pushinteger(L, rc);
	return 1;
}

static const luaL_Reg store_methods[] = {
	{"load", l_load},
	{NULL, NULL}
};

void lmuc_store_open(lua_State *L)
{
	luaL_newmetatable(L, LMUC_DIRSTORE);
	luaL_newlib(L, store_methods);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, l_gc);
	lua_setfield(L, -2, "__gc");
	lua_pop(L, 1);
	/* the module table is below the metatable's former slot */
	lua_pushcfunction(L, l_open);
	lua_setfield(L, -2, "open_dir_store");
}
