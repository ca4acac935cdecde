/* libmuc for Lua 5.4: calling into libmuc.
 *
 * Every call that may run a hook or send a stanza goes through
 * lmuc_begin / lmuc_finish (reads through lmuc_begin_read / lmuc_end_read):
 * the outputs are queued while libmuc runs and delivered once it has
 * returned; a hook's Lua code runs under lmuc_protected, its error kept
 * and raised at the end. See lmuc.h. */
#include "lmuc.h"

#include <stdlib.h>
#include <string.h>

lmuc_service *lmuc_check_service(lua_State *L, int idx)
{
	return luaL_checkudata(L, idx, LMUC_SERVICE);
}

void lmuc_check_usable(lua_State *L, lmuc_service *s)
{
	if (!s->svc)
		luaL_error(L, "libmuc: the service is closed");
	if (s->busy)
		luaL_error(L, "libmuc: the service is busy "
			      "(its hooks may not call it)");
}

int lmuc_raise(lua_State *L, int rc)
{
	/* The bare text, without position, so that hosts can compare it
	 * with libmuc.strerror(code). */
	lua_pushstring(L, muc_strerror(rc));
	return lua_error(L);
}

/* ---- The queue of outputs ------------------------------------------------ */

static void queue_clear(lmuc_queue *q)
{
	size_t i;
	for (i = 0; i < q->n; i++)
		free(q->v[i].block);
	free(q->v);
	q->v = NULL;
	q->n = q->cap = 0;
}

static int queue_gc(lua_State *L)
{
	queue_clear(luaL_checkudata(L, 1, LMUC_QUEUE));
	return 0;
}

void lmuc_begin(lua_State *L, lmuc_service *s, int self)
{
	lmuc_queue *q;
	self = lua_absindex(L, self);
	q = lua_newuserdatauv(L, sizeof *q, 1);
	memset(q, 0, sizeof *q);
	luaL_setmetatable(L, LMUC_QUEUE);
	s->L = L;
	s->self = self;
	s->qidx = lua_gettop(L);
	s->q = q;
	s->argidx = 0;
	s->busy = 1;
}

void lmuc_begin_read(lua_State *L, lmuc_service *s, int self, int arg)
{
	arg = lua_absindex(L, arg);
	lmuc_begin(L, s, self);
	s->argidx = arg;
}

void lmuc_end_read(lua_State *L, lmuc_service *s, int rc)
{
	int qidx = s->qidx;
	s->busy = 0;
	s->L = NULL;
	s->q = NULL;
	s->argidx = 0;
	if (lua_getiuservalue(L, qidx, 1) != LUA_TNIL)
		lua_error(L);
	lua_pop(L, 1);
	lua_remove(L, qidx);
	if (rc < 0)
		lmuc_raise(L, rc);
}

/* Keeps the error object on top of the stack as the call's first error
 * (later ones are dropped); pops it. Never raises. */
static void record_error(lua_State *L, int qidx)
{
	if (lua_getiuservalue(L, qidx, 1) == LUA_TNIL) {
		lua_pop(L, 1);
		lua_setiuservalue(L, qidx, 1);
	} else {
		lua_pop(L, 2);
	}
}

int lmuc_protected(lmuc_service *s, lua_CFunction f, void *ud)
{
	lua_State *L = s->L;
	if (!L)
		return -1;
	if (!lua_checkstack(L, 8)) {
		s->q->nomem = 1;
		return -1;
	}
	lua_pushcfunction(L, f);
	lua_pushlightuserdata(L, ud);
	lua_pushvalue(L, s->self);
	if (s->argidx)
		lua_pushvalue(L, s->argidx);
	else
		lua_pushnil(L);
	if (lua_pcall(L, 3, 0, 0) != LUA_OK) {
		record_error(L, s->qidx);
		return -1;
	}
	return 0;
}

int lmuc_push_hook(lua_State *L, int svc, const char *name)
{
	lua_getiuservalue(L, svc, LMUC_UV_HOOKS);
	lua_getfield(L, -1, name);
	lua_remove(L, -2);
	return lua_type(L, -1);
}

/* Every output is offered even if one delivery raises: the room has
 * changed, and the others' recipients must hear of it. The first error is
 * kept for lmuc_finish to raise. */
static void deliver_text(lua_State *L, lmuc_queue *q, int fn, int qidx)
{
	size_t i;
	for (i = 0; i < q->n; i++) {
		lmuc_out *o = &q->v[i];
		lua_pushvalue(L, fn);
		lua_pushstring(L, o->to);
		lua_pushlstring(L, o->xml, o->len);
		lua_pushstring(L, o->from);
		free(o->block);
		o->block = NULL;
		if (lua_pcall(L, 3, 0, 0) != LUA_OK)
			record_error(L, qidx);
	}
}

/* Whether output o is output prev with only the value of 'to' changed. */
static int same_but_to(const lmuc_out *prev, size_t pvs, size_t pve,
		       const lmuc_out *o, size_t vs, size_t ve)
{
	return pvs == vs && prev->len - pve == o->len - ve &&
	       memcmp(prev->xml, o->xml, vs) == 0 &&
	       memcmp(prev->xml + pve, o->xml + ve, o->len - ve) == 0;
}

/* As deliver_text, with each stanza as an element table (the metatable is
 * on top of the stack). An output that differs from the one before only in
 * its 'to' (a broadcast) gets the same table with attr.to changed, as
 * Prosody's own MUC routes one stanza object to every occupant. */
static void deliver_trees(lua_State *L, lmuc_queue *q, int fn, int qidx)
{
	int mt = lua_gettop(L), tree;
	lmuc_out *prev = NULL;
	size_t i, pvs = 0, pve = 0;
	lua_pushnil(L);
	tree = lua_gettop(L);
	for (i = 0; i < q->n; i++) {
		lmuc_out *o = &q->v[i];
		size_t vs, ve;
		int span = lmuc_to_span(o->xml, o->len, &vs, &ve);
		int reuse = 0;
		lua_pushvalue(L, fn);
		lua_pushstring(L, o->to);
		if (prev && span && same_but_to(prev, pvs, pve, o, vs, ve)) {
			if (lua_getfield(L, tree, "attr") == LUA_TTABLE) {
				lua_pushvalue(L, -2);
				lua_setfield(L, -2, "to");
				reuse = 1;
			}
			lua_pop(L, 1);
		}
		if (reuse) {
			lua_pushvalue(L, tree);
		} else if (lmuc_push_stanza(L, o->xml, o->len, mt)) {
			lua_pushvalue(L, -1);
			lua_replace(L, tree);
		} else {
			lua_pushlstring(L, o->xml, o->len);
			lua_pushnil(L);
			lua_replace(L, tree);
			span = 0;
		}
		lua_pushstring(L, o->from);
		if (prev) {
			free(prev->block);
			prev->block = NULL;
		}
		prev = span ? o : NULL;
		pvs = vs;
		pve = ve;
		if (!prev) {
			free(o->block);
			o->block = NULL;
		}
		if (lua_pcall(L, 3, 0, 0) != LUA_OK)
			record_error(L, qidx);
	}
}

int lmuc_finish(lua_State *L, lmuc_service *s, int rc)
{
	int self = s->self, qidx = s->qidx;
	lmuc_queue *q = s->q;
	size_t i;
	s->busy = 0;
	s->L = NULL;
	s->q = NULL;
	s->argidx = 0;
	if (q->nomem && (rc == MUC_OK || rc == MUC_ERR_CALLBACK))
		rc = MUC_ERR_NOMEM;
	if (lmuc_push_hook(L, self, "deliver") == LUA_TFUNCTION) {
		int fn = lua_gettop(L);
		if (lmuc_push_hook(L, self, "stanza_mt") == LUA_TTABLE)
			deliver_trees(L, q, fn, qidx);
		else
			deliver_text(L, q, fn, qidx);
		lua_settop(L, fn - 1);
		lua_pushinteger(L, (lua_Integer)q->n);
	} else {
		/* No deliver function: the outputs are the result. */
		lua_pop(L, 1);
		lua_createtable(L, (int)q->n, 0);
		for (i = 0; i < q->n; i++) {
			lmuc_out *o = &q->v[i];
			lua_createtable(L, 0, 3);
			lua_pushstring(L, o->to);
			lua_setfield(L, -2, "to");
			lua_pushstring(L, o->from);
			lua_setfield(L, -2, "from");
			lua_pushlstring(L, o->xml, o->len);
			lua_setfield(L, -2, "xml");
			lua_rawseti(L, -2, (lua_Integer)i + 1);
		}
	}
	queue_clear(q);
	if (lua_getiuservalue(L, qidx, 1) != LUA_TNIL)
		return lua_error(L);
	lua_pop(L, 1);
	if (rc != MUC_OK)
		return lmuc_raise(L, rc);
	return 1;
}


void lmuc_call_open(lua_State *L)
{
	luaL_newmetatable(L, LMUC_QUEUE);
	lua_pushcfunction(L, queue_gc);
	lua_setfield(L, -2, "__gc");
	lua_pop(L, 1);
}
