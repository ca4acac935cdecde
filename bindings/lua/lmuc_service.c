/* libmuc for Lua 5.4: the module and the service object.
 *
 *   local libmuc = require "libmuc"
 *   local svc = libmuc.new_service("conference.example.org", {
 *       deliver = function(to, xml, from) ... end,
 *   })
 *   svc:feed("<presence from='…' to='room@conference.example.org/nick'>…")
 *
 * See bindings/README for the whole Lua API. */
#include "lmuc.h"

#include <string.h>

/* ---- Options ------------------------------------------------------------- */

static const struct {
	const char *name;
	muc_option opt;
} option_names[] = {
	{"max_stanza_bytes", MUC_OPT_MAX_STANZA_BYTES},
	{"max_depth", MUC_OPT_MAX_DEPTH},
	{"max_rooms", MUC_OPT_MAX_ROOMS},
	{"max_occupants", MUC_OPT_MAX_OCCUPANTS},
	{"max_history", MUC_OPT_MAX_HISTORY},
	{"restrict_creation", MUC_OPT_RESTRICT_CREATION},
	{"default_persistent", MUC_OPT_DEFAULT_PERSISTENT},
	{"default_public", MUC_OPT_DEFAULT_PUBLIC},
	{"default_members_only", MUC_OPT_DEFAULT_MEMBERS_ONLY},
	{"default_moderated", MUC_OPT_DEFAULT_MODERATED},
	{"default_whois_anyone", MUC_OPT_DEFAULT_WHOIS_ANYONE},
	{"default_change_subject", MUC_OPT_DEFAULT_CHANGE_SUBJECT},
	{"default_history_length", MUC_OPT_DEFAULT_HISTORY_LENGTH},
	{"lock_new_rooms", MUC_OPT_LOCK_NEW_ROOMS},
	{"enforce_registered_nick", MUC_OPT_ENFORCE_REGISTERED_NICK},
	{"admins_are_owners", MUC_OPT_ADMINS_ARE_OWNERS},
	{"default_allow_pm", MUC_OPT_DEFAULT_ALLOW_PM},
	{"default_allow_modpm", MUC_OPT_DEFAULT_ALLOW_MODPM},
	{"archiving", MUC_OPT_ARCHIVING},
	{"default_archiving", MUC_OPT_DEFAULT_ARCHIVING},
	{"config_xep_fields", MUC_OPT_CONFIG_XEP_FIELDS},
	{"whois_republish", MUC_OPT_WHOIS_REPUBLISH},
};

/* Sets the option named by the string at name_idx to the value at idx. */
static void set_option(lua_State *L, lmuc_service *s, int name_idx, int idx)
{
	const char *name = luaL_checkstring(L, name_idx);
	size_t i;
	long v;
	int rc;
	for (i = 0; i < sizeof option_names / sizeof *option_names; i++)
		if (strcmp(option_names[i].name, name) == 0)
			break;
	if (i == sizeof option_names / sizeof *option_names)
		luaL_error(L, "libmuc: unknown option '%s'", name);
	if (lua_type(L, idx) == LUA_TBOOLEAN) {
		v = lua_toboolean(L, idx);
	} else if (lua_isinteger(L, idx) ||
		   (lua_type(L, idx) == LUA_TNUMBER &&
		    lua_tonumber(L, idx) == (lua_Number)(long)lua_tonumber(L, idx))) {
		lua_Number n = lua_tonumber(L, idx);
		if (n < -1e9 || n > 1e9)
			luaL_error(L, "libmuc: option '%s': value out of range",
				   name);
		v = (long)n;
	} else {
		luaL_error(L, "libmuc: option '%s' takes an integer or a "
			      "boolean", name);
		return;
	}
	rc = muc_service_set_option(s->svc, option_names[i].opt, v);
	if (rc != MUC_OK)
		luaL_error(L, "libmuc: option '%s': %s", name, muc_strerror(rc));
}

/* ---- The service object -------------------------------------------------- */

/* Reads opts[name] into hooks[name]: a function, or absent; for clock and
 * id also false (libmuc's own fallback). Returns the value's type. */
static int take_hook(lua_State *L, int opts, int hooks, const char *name,
		     int false_ok)
{
	int t = opts ? lua_getfield(L, opts, name) : LUA_TNIL;
	if (!opts)
		lua_pushnil(L);
	if (t != LUA_TNIL && t != LUA_TFUNCTION &&
	    !(false_ok && t == LUA_TBOOLEAN && !lua_toboolean(L, -1)))
		luaL_error(L, "libmuc: option '%s' must be a function%s", name,
			   false_ok ? " or false" : "");
	lua_setfield(L, hooks, name);
	return t;
}

/* libmuc.new_service(domain [, opts]) */
static int l_new_service(lua_State *L)
{
	const char *domain = luaL_checkstring(L, 1);
	int opts = lua_isnoneornil(L, 2) ? 0 : 2;
	int self, hooks, t, rc;
	lmuc_service *s;
	muc_callbacks *cb;
	if (opts)
		luaL_checktype(L, 2, LUA_TTABLE);
	lua_settop(L, 2);
	s = lua_newuserdatauv(L, sizeof *s, LMUC_NUV);
	memset(s, 0, sizeof *s);
	luaL_setmetatable(L, LMUC_SERVICE);
	self = lua_gettop(L);
	lua_createtable(L, 0, 6);
	hooks = lua_gettop(L);
	take_hook(L, opts, hooks, "deliver", 0);
	t = opts ? lua_getfield(L, opts, "stanza_mt") : LUA_TNIL;
	if (!opts)
		lua_pushnil(L);
	if (t != LUA_TNIL && t != LUA_TTABLE)
		return luaL_error(L, "libmuc: option 'stanza_mt' must be a "
				     "table (a metatable)");
	lua_setfield(L, hooks, "stanza_mt");
	t = take_hook(L, opts, hooks, "clock", 1);
	s->clock_mode = t == LUA_TFUNCTION ? CLOCK_LUA
			: t == LUA_TBOOLEAN ? CLOCK_NONE : CLOCK_REAL;
	t = take_hook(L, opts, hooks, "id", 1);
	s->id_mode = t == LUA_TFUNCTION ? ID_LUA
		     : t == LUA_TBOOLEAN ? ID_COUNT : ID_RANDOM;
	s->has_log = take_hook(L, opts, hooks, "log", 0) == LUA_TFUNCTION;
	/* store: a dir store, or a table with save and remove functions */
	t = opts ? lua_getfield(L, opts, "store") : LUA_TNIL;
	if (!opts)
		lua_pushnil(L);
	if (t == LUA_TUSERDATA) {
		s->dir = lmuc_check_dir_store(L, -1);
		lua_setiuservalue(L, self, LMUC_UV_STORE);
	} else if (t == LUA_TTABLE) {
		int store = lua_gettop(L);
		if (lua_getfield(L, store, "save") != LUA_TFUNCTION ||
		    lua_getfield(L, store, "remove") != LUA_TFUNCTION)
			return luaL_error(L, "libmuc: option 'store' needs "
					     "functions save and remove");
		lua_setfield(L, hooks, "remove");
		lua_setfield(L, hooks, "save");
		lua_pop(L, 1);
		s->has_save = 1;
	} else if (t != LUA_TNIL) {
		return luaL_error(L, "libmuc: option 'store' must be a "
				     "directory store or a table");
	} else {
		lua_pop(L, 1);
	}
	lua_setiuservalue(L, self, LMUC_UV_HOOKS);

	/* No Lua error may happen between muc_callbacks_new and _del. */
	rc = muc_callbacks_new(&cb);
	if (rc != MUC_OK)
		return lmuc_raise(L, rc);
	lmuc_set_hooks(cb, s);
	rc = muc_service_new(&s->svc, domain, cb, NULL, s);
	muc_callbacks_del(cb);
	if (rc != MUC_OK)
		return lmuc_raise(L, rc);

	if (opts && lua_getfield(L, opts, "admins") != LUA_TNIL) {
		lua_Integer i, n;
		luaL_checktype(L, -1, LUA_TTABLE);
		n = luaL_len(L, -1);
		for (i = 1; i <= n; i++) {
			lua_geti(L, -1, i);
			rc = muc_service_add_admin(s->svc,
						   luaL_checkstring(L, -1));
			if (rc != MUC_OK)
				return luaL_error(L, "libmuc: admin '%s': %s",
						  lua_tostring(L, -1),
						  muc_strerror(rc));
			lua_pop(L, 1);
		}
	}
	lua_settop(L, self);
	if (opts && lua_getfield(L, opts, "options") != LUA_TNIL) {
		int o = lua_gettop(L);
		luaL_checktype(L, o, LUA_TTABLE);
		lua_pushnil(L);
		while (lua_next(L, o)) {
			lua_pushvalue(L, -2);
			set_option(L, s, lua_gettop(L), lua_gettop(L) - 1);
			lua_pop(L, 2);
		}
	}
	lua_settop(L, self);
	return 1;
}

static int l_close(lua_State *L)
{
	lmuc_service *s = lmuc_check_service(L, 1);
	if (s->busy)
		return luaL_error(L, "libmuc: the service is busy "
				     "(its hooks may not close it)");
	muc_service_free(s->svc);
	s->svc = NULL;
	s->dir = NULL;
	lua_pushnil(L);
	lua_setiuservalue(L, 1, LMUC_UV_STORE);
	return 0;
}

static int l_gc(lua_State *L)
{
	lmuc_service *s = luaL_checkudata(L, 1, LMUC_SERVICE);
	muc_service_free(s->svc);
	s->svc = NULL;
	return 0;
}

static int l_tostring(lua_State *L)
{
	lmuc_service *s = lmuc_check_service(L, 1);
	if (s->svc)
		lua_pushfstring(L, "libmuc.service(%s)",
				muc_service_domain(s->svc));
	else
		lua_pushliteral(L, "libmuc.service(closed)");
	return 1;
}

static int l_domain(lua_State *L)
{
	lmuc_service *s = lmuc_check_service(L, 1);
	lmuc_check_usable(L, s);
	lua_pushstring(L, muc_service_domain(s->svc));
	return 1;
}

static int l_add_admin(lua_State *L)
{
	lmuc_service *s = lmuc_check_service(L, 1);
	const char *jid = luaL_checkstring(L, 2);
	int rc;
	lmuc_check_usable(L, s);
	rc = muc_service_add_admin(s->svc, jid);
	if (rc != MUC_OK)
		return lmuc_raise(L, rc);
	return 0;
}

static int l_set_option(lua_State *L)
{
	lmuc_service *s = lmuc_check_service(L, 1);
	lmuc_check_usable(L, s);
	luaL_checkany(L, 3);
	set_option(L, s, 2, 3);
	return 0;
}

/* svc:feed(xml) -> number delivered, or the outputs when no deliver */
static int l_feed(lua_State *L)
{
	lmuc_service *s = lmuc_check_service(L, 1);
	size_t len;
	const char *xml = luaL_checklstring(L, 2, &len);
	int rc;
	lmuc_check_usable(L, s);
	lmuc_begin(L, s, 1);
	rc = muc_service_feed(s->svc, xml, len);
	return lmuc_finish(L, s, rc);
}

/* svc:remove_all_occupants() -> as feed: everyone leaves (status 332) */
static int l_remove_all_occupants(lua_State *L)
{
	lmuc_service *s = lmuc_check_service(L, 1);
	int rc;
	lmuc_check_usable(L, s);
	lmuc_begin(L, s, 1);
	rc = muc_service_remove_all_occupants(s->svc);
	return lmuc_finish(L, s, rc);
}

static int l_room_count(lua_State *L)
{
	lmuc_service *s = lmuc_check_service(L, 1);
	lmuc_check_usable(L, s);
	lua_pushinteger(L, (lua_Integer)muc_service_room_count(s->svc));
	return 1;
}

/* svc:room(jid) -> room handle, or nil */
static int l_room(lua_State *L)
{
	lmuc_service *s = lmuc_check_service(L, 1);
	const char *jid = luaL_checkstring(L, 2);
	muc_room *r;
	lmuc_check_usable(L, s);
	r = muc_service_find_room(s->svc, jid);
	if (!r) {
		lua_pushnil(L);
		return 1;
	}
	lmuc_push_room(L, 1, muc_room_jid(r));
	return 1;
}


struct rooms_call {
	muc_room *room;
	lua_Integer n;
	lmuc_service *s;
};

/* Appends the room's JID to the result table (argument 3). */
static int tramp_room(lua_State *L)
{
	struct rooms_call *c = lua_touserdata(L, 1);
	lua_pushstring(L, muc_room_jid(c->room));
	lua_rawseti(L, 3, ++c->n);
	return 0;
}

static int each_room(muc_room *room, void *ud)
{
	struct rooms_call *c = ud;
	c->room = room;
	return lmuc_protected(c->s, tramp_room, c) ? 1 : 0;
}

/* svc:rooms() -> { room JID, ... } in creation order */
static int l_rooms(lua_State *L)
{
	lmuc_service *s = lmuc_check_service(L, 1);
	struct rooms_call c;
	int rc;
	lmuc_check_usable(L, s);
	lua_settop(L, 1);
	lua_createtable(L, (int)muc_service_room_count(s->svc), 0);
	c.n = 0;
	c.s = s;
	lmuc_begin_read(L, s, 1, 2);
	rc = muc_service_foreach_room(s->svc, each_room, &c);
	lmuc_end_read(L, s, rc);
	return 1;
}

static int last_room(muc_room *room, void *ud)
{
	*(muc_room **)ud = room;
	return 0;
}

/* svc:restore_room(data) -> room handle */
static int l_restore_room(lua_State *L)
{
	lmuc_service *s = lmuc_check_service(L, 1);
	size_t len, before;
	const char *data = luaL_checklstring(L, 2, &len);
	muc_room *last = NULL;
	int rc;
	lmuc_check_usable(L, s);
	before = muc_service_room_count(s->svc);
	lmuc_begin(L, s, 1);
	rc = muc_service_restore_room(s->svc, data, len);
	lmuc_finish(L, s, rc);
	lua_pop(L, 1);
	/* libmuc does not say which room it restored; rooms are kept in
	 * creation order, so it is the last one. */
	if (muc_service_room_count(s->svc) != before + 1)
		return lmuc_raise(L, MUC_ERR_NOT_FOUND);
	muc_service_foreach_room(s->svc, last_room, &last);
	lmuc_push_room(L, 1, muc_room_jid(last));
	return 1;
}

static int l_strerror(lua_State *L)
{
	lua_pushstring(L, muc_strerror((int)luaL_checkinteger(L, 1)));
	return 1;
}

static const luaL_Reg service_methods[] = {
	{"feed", l_feed},
	{"domain", l_domain},
	{"add_admin", l_add_admin},
	{"set_option", l_set_option},
	{"room", l_room},
	{"rooms", l_rooms},
	{"room_count", l_room_count},
	{"restore_room", l_restore_room},
	{"remove_all_occupants", l_remove_all_occupants},
	{"close", l_close},
	{NULL, NULL}
};

static const luaL_Reg module_functions[] = {
	{"new_service", l_new_service},
	{"strerror", l_strerror},
	{"stanza", lmuc_l_stanza},
	{NULL, NULL}
};

static const struct {
	const char *name;
	int code;
} error_codes[] = {
	{"OK", MUC_OK},
	{"ERR_NOMEM", MUC_ERR_NOMEM},
	{"ERR_INVALID", MUC_ERR_INVALID},
	{"ERR_PARSE", MUC_ERR_PARSE},
	{"ERR_TOO_LARGE", MUC_ERR_TOO_LARGE},
	{"ERR_NOT_FOUND", MUC_ERR_NOT_FOUND},
	{"ERR_NOT_ALLOWED", MUC_ERR_NOT_ALLOWED},
	{"ERR_CONFLICT", MUC_ERR_CONFLICT},
	{"ERR_JID", MUC_ERR_JID},
	{"ERR_CALLBACK", MUC_ERR_CALLBACK},
	{"ERR_NOT_FOR_US", MUC_ERR_NOT_FOR_US},
	{"ERR_IO", MUC_ERR_IO},
};

/* The entry point must be visible: the objects build with hidden default
 * visibility, and Lua's LUAMOD_API does not say otherwise. */
__attribute__((visibility("default"))) int luaopen_libmuc(lua_State *L);
int luaopen_libmuc(lua_State *L)
{
	size_t i;
	luaL_newlib(L, module_functions);
	lua_pushstring(L, muc_version_string());
	lua_setfield(L, -2, "version");
	lua_pushinteger(L, muc_version_number());
	lua_setfield(L, -2, "version_number");
	for (i = 0; i < sizeof error_codes / sizeof *error_codes; i++) {
		lua_pushinteger(L, error_codes[i].code);
		lua_setfield(L, -2, error_codes[i].name);
	}

	luaL_newmetatable(L, LMUC_SERVICE);
	luaL_newlib(L, service_methods);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, l_gc);
	lua_setfield(L, -2, "__gc");
	lua_pushcfunction(L, l_close);
	lua_setfield(L, -2, "__close");
	lua_pushcfunction(L, l_tostring);
	lua_setfield(L, -2, "__tostring");
	lua_pop(L, 1);

	lmuc_call_open(L);
	lmuc_room_open(L);
	lmuc_store_open(L);
	return 1;
}
