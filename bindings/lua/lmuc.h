/* libmuc for Lua 5.4: what the module's files share.
 *
 * The binding uses libmuc's public API (include/muc.h) only. Two rules hold
 * everywhere:
 *   - No Lua error ever unwinds through a libmuc frame. Whatever Lua code
 *     runs while libmuc is on the C stack (a hook, or pushing the values a
 *     foreach callback hands us) runs inside lua_pcall; an error is
 *     recorded and raised once libmuc has returned, so a room is never left
 *     half-changed.
 *   - Output stanzas are queued (copied) while libmuc runs and handed to
 *     the Lua deliver function after it returns, in order. The deliver
 *     function may therefore feed the service again (a host that bounces a
 *     stanza synchronously does exactly that).
 */
#ifndef LMUC_H
#define LMUC_H

#include <lauxlib.h>
#include <lua.h>
#include <stddef.h>

#include <muc.h>

#define LMUC_SERVICE "libmuc.service"
#define LMUC_ROOM "libmuc.room"
#define LMUC_QUEUE "libmuc.queue"
#define LMUC_DIRSTORE "libmuc.dir_store"

/* The service userdata's user values. */
enum {
	LMUC_UV_HOOKS = 1, /* table: deliver, stanza_mt, clock, id, log,
	                      save, remove */
	LMUC_UV_STORE = 2, /* the dir store userdata in use, kept alive */
	LMUC_NUV = 2
};

/* One output stanza, copied: to, from and xml in one block. */
typedef struct lmuc_out {
	char *block;
	const char *to;
	const char *from;
	const char *xml;
	size_t len;
} lmuc_out;

/* The outputs of one call into libmuc (a userdata, so that the GC frees
 * them if anything raises); its user value 1 holds the first error. */
typedef struct lmuc_queue {
	lmuc_out *v;
	size_t n, cap;
	int nomem; /* an output could not be copied: it is lost */
} lmuc_queue;

enum lmuc_clock_mode { CLOCK_NONE, CLOCK_REAL, CLOCK_LUA };
enum lmuc_id_mode { ID_COUNT, ID_RANDOM, ID_LUA };

typedef struct lmuc_service {
	muc_service *svc;         /* NULL once closed */
	/* Set only while libmuc runs on the caller's behalf: */
	lua_State *L;             /* the calling thread */
	int self;                 /* absolute index of this userdata in L */
	int qidx;                 /* absolute index of the queue in L */
	int argidx;               /* a value handed to trampolines, or 0 */
	lmuc_queue *q;
	int busy;
	/* Which hooks are Lua functions (in the LMUC_UV_HOOKS table): */
	enum lmuc_clock_mode clock_mode;
	enum lmuc_id_mode id_mode;
	int has_log, has_save;
	muc_dir_store *dir;       /* the embedded store, if one is plugged in */
} lmuc_service;

/* lmuc_call.c */
void lmuc_call_open(lua_State *L);
lmuc_service *lmuc_check_service(lua_State *L, int idx);
/* Pushes hooks[name] of the service userdata at index svc; its type. */
int lmuc_push_hook(lua_State *L, int svc, const char *name);
/* Raises unless the service is open and no hook of it is running. */
void lmuc_check_usable(lua_State *L, lmuc_service *s);
/* Raises the text of a libmuc error code. */
int lmuc_raise(lua_State *L, int rc);
/* Around a call into libmuc that may run hooks or send stanzas: begin
 * pushes the queue; finish delivers it, raises the first error (a hook's,
 * a deliver function's, or rc's text) and otherwise returns the number of
 * values it left on the stack (the count delivered, or the outputs). */
void lmuc_begin(lua_State *L, lmuc_service *s, int self);
int lmuc_finish(lua_State *L, lmuc_service *s, int rc);
/* Runs f inside lua_pcall, from a libmuc callback, with the arguments
 * (light userdata ud, the service userdata, the value at argidx or nil);
 * on error records it as the call's first error and returns -1. */
int lmuc_protected(lmuc_service *s, lua_CFunction f, void *ud);
/* Around a libmuc read (a foreach): begin_read pushes the queue (for the
 * error) and makes the value at arg the trampolines' third argument;
 * end_read pops it and raises a recorded error, or rc's text if rc < 0. */
void lmuc_begin_read(lua_State *L, lmuc_service *s, int self, int arg);
void lmuc_end_read(lua_State *L, lmuc_service *s, int rc);

/* lmuc_hooks.c: sets libmuc's hooks for the service's configuration */
void lmuc_set_hooks(muc_callbacks *cb, const lmuc_service *s);

/* lmuc_room.c */
void lmuc_room_open(lua_State *L);
/* Pushes a room handle for jid (service userdata at index self). */
void lmuc_push_room(lua_State *L, int self, const char *jid);
int lmuc_affiliation_from(lua_State *L, int idx);

/* lmuc_stanza.c */
/* Pushes the output stanza xml as a util.stanza-shaped table whose
 * elements carry the metatable at index mt; 0 (nothing pushed) if the
 * text uses XML this builder does not handle. */
int lmuc_push_stanza(lua_State *L, const char *xml, size_t len, int mt);
/* Finds the raw value of the top element's 'to' attribute: [*vs, *ve). */
int lmuc_to_span(const char *xml, size_t len, size_t *vs, size_t *ve);
int lmuc_l_stanza(lua_State *L);

/* lmuc_store.c */
void lmuc_store_open(lua_State *L);
muc_dir_store *lmuc_check_dir_store(lua_State *L, int idx);

#endif
