/* libmuc for Lua 5.4: the hooks libmuc calls (muc_callbacks).
 *
 * deliver only queues a copy; clock, id, log and the store run their Lua
 * functions under lmuc_protected. Without a Lua function the binding's own
 * defaults apply: the real-time clock and random ids from the kernel. */
#include "lmuc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

static int64_t real_time_ms(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return 0;
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int on_deliver(const muc_stanza_out *o, void *ud)
{
	lmuc_service *s = ud;
	lmuc_queue *q = s->q;
	size_t tl, fl;
	lmuc_out *out;
	char *p;
	if (!q)
		return -1; /* output outside a call: cannot happen */
	if (q->n == q->cap) {
		size_t cap = q->cap ? 2 * q->cap : 16;
		lmuc_out *v = realloc(q->v, cap * sizeof *v);
		if (!v) {
			q->nomem = 1;
			return -1;
		}
		q->v = v;
		q->cap = cap;
	}
	tl = strlen(o->to);
	fl = o->from ? strlen(o->from) : 0;
	p = malloc(tl + fl + o->len + 3);
	if (!p) {
		q->nomem = 1;
		return -1;
	}
	out = &q->v[q->n++];
	out->block = p;
	memcpy(p, o->to, tl + 1);
	out->to = p;
	p += tl + 1;
	if (o->from)
		memcpy(p, o->from, fl);
	p[fl] = '\0';
	out->from = p;
	p += fl + 1;
	memcpy(p, o->xml, o->len);
	p[o->len] = '\0';
	out->xml = p;
	out->len = o->len;
	return 0;
}

struct clock_call {
	int64_t ms;
};

static int tramp_clock(lua_State *L)
{
	struct clock_call *c = lua_touserdata(L, 1);
	int ok;
	lua_Number v;
	lmuc_push_hook(L, 2, "clock");
	lua_call(L, 0, 1);
	v = lua_tonumberx(L, -1, &ok);
	if (!ok)
		return luaL_error(L, "libmuc: the clock hook must return "
				     "milliseconds (a number)");
	c->ms = (int64_t)v;
	return 0;
}

static int64_t on_clock(void *ud)
{
	lmuc_service *s = ud;
	struct clock_call c;
	if (s->clock_mode == CLOCK_LUA && s->L &&
	    lmuc_protected(s, tramp_clock, &c) == 0)
		return c.ms;
	return real_time_ms();
}

struct id_call {
	char *buf;
	size_t cap, len;
};

static int tramp_id(lua_State *L)
{
	struct id_call *c = lua_touserdata(L, 1);
	const char *v;
	size_t n;
	lmuc_push_hook(L, 2, "id");
	lua_call(L, 0, 1);
	v = lua_tolstring(L, -1, &n);
	if (!v || n == 0 || n >= c->cap)
		return luaL_error(L, "libmuc: the id hook must return a "
				     "non-empty string of fewer than %d bytes",
				  (int)c->cap);
	memcpy(c->buf, v, n);
	c->len = n;
	return 0;
}

/* 18 random bytes as 24 characters of URL-safe base64. */
static size_t random_id(char *buf, size_t cap)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		"0123456789-_";
	unsigned char raw[18];
	size_t i, n = 0;
	if (cap < 25 || getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw)
		return 0;
	for (i = 0; i < sizeof raw; i += 3) {
		uint32_t v = (uint32_t)raw[i] << 16 | (uint32_t)raw[i + 1] << 8 |
			     raw[i + 2];
		buf[n++] = b64[v >> 18 & 63];
		buf[n++] = b64[v >> 12 & 63];
		buf[n++] = b64[v >> 6 & 63];
		buf[n++] = b64[v & 63];
	}
	return n;
}

static size_t on_id(char *buf, size_t cap, void *ud)
{
	lmuc_service *s = ud;
	struct id_call c;
	if (s->id_mode == ID_LUA && s->L) {
		c.buf = buf;
		c.cap = cap;
		c.len = 0;
		if (lmuc_protected(s, tramp_id, &c) == 0)
			return c.len;
	}
	return random_id(buf, cap);
}

struct log_call {
	muc_log_level level;
	const char *msg;
};

static int tramp_log(lua_State *L)
{
	static const char *const names[] = {"debug", "info", "warn", "error"};
	struct log_call *c = lua_touserdata(L, 1);
	lmuc_push_hook(L, 2, "log");
	lua_pushstring(L, (unsigned)c->level < 4 ? names[c->level] : "info");
	lua_pushstring(L, c->msg);
	lua_call(L, 2, 0);
	return 0;
}

static void on_log(muc_log_level level, const char *message, void *ud)
{
	lmuc_service *s = ud;
	struct log_call c;
	c.level = level;
	c.msg = message;
	if (s->has_log && s->L)
		lmuc_protected(s, tramp_log, &c);
}

struct store_call {
	const char *jid;
	const char *data; /* NULL: remove */
	size_t len;
	int rc;           /* the dir store's failure, to describe */
};

/* Calls store.save(room_jid, data) or store.remove(room_jid). Failure is
 * raising, or returning false, or nil and an error (the convention of
 * Prosody's storage API). */
static int tramp_store(lua_State *L)
{
	struct store_call *c = lua_touserdata(L, 1);
	int base;
	lmuc_push_hook(L, 2, c->data ? "save" : "remove");
	base = lua_gettop(L) - 1;
	lua_pushstring(L, c->jid);
	if (c->data)
		lua_pushlstring(L, c->data, c->len);
	lua_call(L, c->data ? 2 : 1, LUA_MULTRET);
	if (lua_gettop(L) > base && (lua_type(L, base + 1) == LUA_TBOOLEAN ||
				     lua_type(L, base + 1) == LUA_TNIL) &&
	    !lua_toboolean(L, base + 1) &&
	    (lua_type(L, base + 1) == LUA_TBOOLEAN ||
	     lua_gettop(L) > base + 1)) {
		if (lua_gettop(L) > base + 1 && !lua_isnil(L, base + 2))
			return luaL_error(L, "libmuc: storing %s failed: %s",
					  c->jid, luaL_tolstring(L, base + 2,
								 NULL));
		return luaL_error(L, "libmuc: storing %s failed", c->jid);
	}
	return 0;
}

static int tramp_store_failed(lua_State *L)
{
	struct store_call *c = lua_touserdata(L, 1);
	return luaL_error(L, "libmuc: %s room %s in the directory store "
			     "failed: %s",
			  c->data ? "saving" : "removing", c->jid,
			  muc_strerror(c->rc));
}

static int store_call(lmuc_service *s, struct store_call *c)
{
	if (s->dir) {
		c->rc = c->data ? muc_dir_store_save(c->jid, c->data, c->len,
						     s->dir)
				: muc_dir_store_remove(c->jid, s->dir);
		if (c->rc == MUC_OK)
			return 0;
		lmuc_protected(s, tramp_store_failed, c);
		return -1;
	}
	return lmuc_protected(s, tramp_store, c);
}

static int on_save(const char *room_jid, const char *data, size_t len,
		   void *ud)
{
	struct store_call c = {room_jid, data, len, 0};
	return store_call(ud, &c);
}

static int on_remove(const char *room_jid, void *ud)
{
	struct store_call c = {room_jid, NULL, 0, 0};
	return store_call(ud, &c);
}

void lmuc_set_hooks(muc_callbacks *cb, const lmuc_service *s)
{
	muc_callbacks_set_deliver(cb, on_deliver);
	if (s->clock_mode != CLOCK_NONE)
		muc_callbacks_set_clock(cb, on_clock);
	if (s->id_mode != ID_COUNT)
		muc_callbacks_set_id(cb, on_id);
	if (s->has_log)
		muc_callbacks_set_log(cb, on_log);
	if (s->has_save || s->dir)
		muc_callbacks_set_store(cb, on_save, on_remove);
}
