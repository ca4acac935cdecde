/* libmuc for Lua 5.4: room handles.
 *
 * A handle names a room by its JID and keeps its service alive; every call
 * looks the room up again (libmuc's muc_room pointers are only valid until
 * the next stanza), and raises "no such room, occupant or entry" once the
 * room is gone. */
#include "lmuc.h"

#include <string.h>

typedef struct lroom {
	size_t len;
	char jid[];
} lroom;

void lmuc_push_room(lua_State *L, int self, const char *jid)
{
	size_t n = strlen(jid);
	lroom *r;
	self = lua_absindex(L, self);
	r = lua_newuserdatauv(L, sizeof *r + n + 1, 1);
	r->len = n;
	memcpy(r->jid, jid, n + 1);
	luaL_setmetatable(L, LMUC_ROOM);
	lua_pushvalue(L, self);
	lua_setiuservalue(L, -2, 1);
}

/* The handle at index 1, its service (pushed; *self is its index) and the
 * room, or a raised error. */
static muc_room *check_room(lua_State *L, lmuc_service **sp, int *self)
{
	lroom *h = luaL_checkudata(L, 1, LMUC_ROOM);
	lmuc_service *s;
	muc_room *r;
	lua_getiuservalue(L, 1, 1);
	*self = lua_gettop(L);
	s = lmuc_check_service(L, *self);
	lmuc_check_usable(L, s);
	r = muc_service_find_room(s->svc, h->jid);
	if (!r)
		lmuc_raise(L, MUC_ERR_NOT_FOUND);
	*sp = s;
	return r;
}

static int l_jid(lua_State *L)
{
	lroom *h = luaL_checkudata(L, 1, LMUC_ROOM);
	lua_pushlstring(L, h->jid, h->len);
	return 1;
}

static int l_tostring(lua_State *L)
{
	lroom *h = luaL_checkudata(L, 1, LMUC_ROOM);
	lua_pushfstring(L, "libmuc.room(%s)", h->jid);
	return 1;
}

static int l_eq(lua_State *L)
{
	lroom *a = luaL_checkudata(L, 1, LMUC_ROOM);
	lroom *b = luaL_checkudata(L, 2, LMUC_ROOM);
	int same = strcmp(a->jid, b->jid) == 0;
	if (same) {
		lua_getiuservalue(L, 1, 1);
		lua_getiuservalue(L, 2, 1);
		same = lua_rawequal(L, -1, -2);
	}
	lua_pushboolean(L, same);
	return 1;
}

static int l_exists(lua_State *L)
{
	lroom *h = luaL_checkudata(L, 1, LMUC_ROOM);
	lmuc_service *s;
	lua_getiuservalue(L, 1, 1);
	s = lmuc_check_service(L, -1);
	lmuc_check_usable(L, s);
	lua_pushboolean(L, muc_service_find_room(s->svc, h->jid) != NULL);
	return 1;
}

static int l_occupant_count(lua_State *L)
{
	lmuc_service *s;
	int self;
	muc_room *r = check_room(L, &s, &self);
	lua_pushinteger(L, (lua_Integer)muc_room_occupant_count(r));
	return 1;
}

int lmuc_affiliation_from(lua_State *L, int idx)
{
	static const char *const names[] = {"outcast", "none", "member",
					    "admin", "owner", NULL};
	static const muc_affiliation values[] = {
		MUC_AFFIL_OUTCAST, MUC_AFFIL_NONE, MUC_AFFIL_MEMBER,
		MUC_AFFIL_ADMIN, MUC_AFFIL_OWNER};
	return (int)values[luaL_checkoption(L, idx, NULL, names)];
}

/* ---- Occupants ------------------------------------------------------------ */

struct occ_call {
	lmuc_service *s;
	const muc_occupant_info *info;
	lua_Integer n;
};

static void set_string(lua_State *L, const char *key, const char *v)
{
	if (!v)
		return;
	lua_pushstring(L, v);
	lua_setfield(L, -2, key);
}

/* Appends { nick, role, affiliation, jid, jids = { … } } to argument 3. */
static int tramp_occupant(lua_State *L)
{
	struct occ_call *c = lua_touserdata(L, 1);
	const muc_occupant_info *o = c->info;
	size_t i;
	lua_createtable(L, 0, 5);
	set_string(L, "nick", o->nick);
	set_string(L, "role", muc_role_name(o->role));
	set_string(L, "affiliation", muc_affiliation_name(o->affiliation));
	set_string(L, "jid", o->bare_jid);
	lua_createtable(L, (int)o->real_jid_count, 0);
	for (i = 0; i < o->real_jid_count; i++) {
		lua_pushstring(L, o->real_jids[i]);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "jids");
	lua_rawseti(L, 3, ++c->n);
	return 0;
}

static int each_occupant(const muc_occupant_info *info, void *ud)
{
	struct occ_call *c = ud;
	c->info = info;
	return lmuc_protected(c->s, tramp_occupant, c) ? 1 : 0;
}

/* room:occupants() -> { { nick=, role=, affiliation=, jid=, jids={} } } */
static int l_occupants(lua_State *L)
{
	lmuc_service *s;
	int self, rc;
	muc_room *r = check_room(L, &s, &self);
	struct occ_call c;
	lua_createtable(L, (int)muc_room_occupant_count(r), 0);
	c.s = s;
	c.n = 0;
	lmuc_begin_read(L, s, self, -1);
	rc = muc_room_foreach_occupant(r, each_occupant, &c);
	lmuc_end_read(L, s, rc);
	return 1;
}

/* ---- Affiliations ----------------------------------------------------------- */

struct aff_call {
	lmuc_service *s;
	const muc_affiliation_info *info;
	lua_Integer n;
};

/* Appends { jid, affiliation, reason, nick } to argument 3. */
static int tramp_affiliation(lua_State *L)
{
	struct aff_call *c = lua_touserdata(L, 1);
	const muc_affiliation_info *a = c->info;
	lua_createtable(L, 0, 4);
	set_string(L, "jid", a->jid);
	set_string(L, "affiliation", muc_affiliation_name(a->affiliation));
	set_string(L, "reason", a->reason);
	set_string(L, "nick", a->nick);
	lua_rawseti(L, 3, ++c->n);
	return 0;
}

static int each_affiliation(const muc_affiliation_info *info, void *ud)
{
	struct aff_call *c = ud;
	c->info = info;
	return lmuc_protected(c->s, tramp_affiliation, c) ? 1 : 0;
}

/* room:affiliations() -> { { jid=, affiliation=, reason=, nick= } } */
static int l_affiliations(lua_State *L)
{
	lmuc_service *s;
	int self, rc;
	muc_room *r = check_room(L, &s, &self);
	struct aff_call c;
	lua_newtable(L);
	c.s = s;
	c.n = 0;
	lmuc_begin_read(L, s, self, -1);
	rc = muc_room_foreach_affiliation(r, each_affiliation, &c);
	lmuc_end_read(L, s, rc);
	return 1;
}

/* room:affiliation(jid) -> "owner" | "admin" | "member" | "none" | "outcast" */
static int l_affiliation(lua_State *L)
{
	lmuc_service *s;
	int self;
	muc_room *r = check_room(L, &s, &self);
	const char *jid = luaL_checkstring(L, 2);
	lua_pushstring(L, muc_affiliation_name(muc_room_get_affiliation(r, jid)));
	return 1;
}

/* room:set_affiliation(jid, affiliation [, reason [, actor]]) -> number of
 * stanzas delivered (or the outputs, without a deliver function) */
static int l_set_affiliation(lua_State *L)
{
	lmuc_service *s;
	int self, rc;
	muc_room *r;
	const char *jid = luaL_checkstring(L, 2);
	muc_affiliation a = (muc_affiliation)lmuc_affiliation_from(L, 3);
	const char *reason = luaL_optstring(L, 4, NULL);
	const char *actor = luaL_optstring(L, 5, NULL);
	lua_settop(L, 5);
	r = check_room(L, &s, &self);
	lmuc_begin(L, s, self);
	rc = muc_room_set_affiliation(r, actor, jid, a, reason);
	return lmuc_finish(L, s, rc);
}

/* room:destroy([reason [, alt_jid [, password]]]) -> as set_affiliation */
static int l_destroy(lua_State *L)
{
	lmuc_service *s;
	int self, rc;
	muc_room *r;
	const char *reason = luaL_optstring(L, 2, NULL);
	const char *alt = luaL_optstring(L, 3, NULL);
	const char *password = luaL_optstring(L, 4, NULL);
	lua_settop(L, 4);
	r = check_room(L, &s, &self);
	lmuc_begin(L, s, self);
	rc = muc_room_destroy(r, reason, alt, password);
	return lmuc_finish(L, s, rc);
}

struct save_call {
	const char *data;
	size_t len;
};

static int tramp_push(lua_State *L)
{
	struct save_call *c = lua_touserdata(L, 1);
	lua_pushlstring(L, c->data, c->len);
	return 1;
}

/* room:save() -> the room's durable state (see muc_room_save) */
static int l_save(lua_State *L)
{
	lmuc_service *s;
	int self, rc, st;
	muc_room *r = check_room(L, &s, &self);
	char *out = NULL;
	struct save_call c;
	rc = muc_room_save(r, &out, &c.len);
	if (rc != MUC_OK)
		return lmuc_raise(L, rc);
	c.data = out;
	/* Copy into Lua under protection, then free libmuc's buffer. */
	lua_pushcfunction(L, tramp_push);
	lua_pushlightuserdata(L, &c);
	st = lua_pcall(L, 1, 1, 0);
	muc_service_free_buffer(s->svc, out);
	if (st != LUA_OK)
		return lua_error(L);
	return 1;
}

static const luaL_Reg room_methods[] = {
	{"jid", l_jid},
	{"exists", l_exists},
	{"occupant_count", l_occupant_count},
	{"occupants", l_occupants},
	{"affiliation", l_affiliation},
	{"affiliations", l_affiliations},
	{"set_affiliation", l_set_affiliation},
	{"destroy", l_destroy},
	{"save", l_save},
	{NULL, NULL}
};

void lmuc_room_open(lua_State *L)
{
	luaL_newmetatable(L, LMUC_ROOM);
	luaL_newlib(L, room_methods);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, l_tostring);
	lua_setfield(L, -2, "__tostring");
	lua_pushcfunction(L, l_eq);
	lua_setfield(L, -2, "__eq");
	lua_pop(L, 1);
}
