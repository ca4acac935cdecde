/* Destroyed persistent rooms leave a tombstone for 31 days, as the
 * reference does: joins and other stanzas to the room are answered with
 * <gone/> (pointing at the alternative venue, if one was named) instead of
 * re-creating it. A service administrator's join, or the end of the time,
 * lifts it. */
#include "common.h"

#include <string.h>

#define TOMBSTONE_MS (31LL * 86400 * 1000)

struct tombstone {
	struct tombstone *next;
	char *jid;
	char *reason;
	char *venue;
	int64_t expires_ms;
};

static void tombstone_free(muc_service *s, tombstone *t)
{
	mem_free(&s->mem, t->jid);
	mem_free(&s->mem, t->reason);
	mem_free(&s->mem, t->venue);
	mem_free(&s->mem, t);
}

static void unlink_tombstone(muc_service *s, tombstone *t)
{
	tombstone **pp;
	strmap_del(&s->tombstones, t->jid);
	for (pp = &s->tomb_first; *pp; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	tombstone_free(s, t);
}

void tombstone_add(muc_service *s, const char *room_jid, const char *reason,
		   const char *venue)
{
	tombstone *t = mem_calloc(&s->mem, sizeof *t), *old;
	if (!t) {
		svc_nomem(s);
		return;
	}
	t->jid = mem_strdup(&s->mem, room_jid);
	t->reason = reason ? mem_strdup(&s->mem, reason) : NULL;
	t->venue = venue ? mem_strdup(&s->mem, venue) : NULL;
	t->expires_ms = svc_now(s) + TOMBSTONE_MS;
	if (!t->jid || (reason && !t->reason) || (venue && !t->venue)) {
		tombstone_free(s, t);
		svc_nomem(s);
		return;
	}
	old = strmap_get(&s->tombstones, t->jid);
	if (old)
		unlink_tombstone(s, old);
	if (!strmap_put(&s->tombstones, t->jid, t)) {
		tombstone_free(s, t);
		svc_nomem(s);
		return;
	}
	t->next = s->tomb_first;
	s->tomb_first = t;
}

void tombstones_free(muc_service *s)
{
	while (s->tomb_first)
		unlink_tombstone(s, s->tomb_first);
	strmap_free(&s->tombstones);
}

bool tombstone_check(muc_service *s, stanza *st)
{
	tombstone *t = strmap_get(&s->tombstones, st->to.bare);
	bool admin_join;
	if (!t)
		return false;
	admin_join = st->kind == ST_PRESENCE && !st->type &&
		     svc_is_admin(s, st->from.bare);
	if (svc_now(s) >= t->expires_ms || admin_join) {
		unlink_tombstone(s, t);
		return false;
	}
	if (!st->type || strcmp(st->type, "error") != 0) {
		buf uri;
		buf_init(&uri, &s->mem);
		if (t->venue) {
			buf_puts(&uri, "xmpp:");
			buf_puts(&uri, t->venue);
			buf_puts(&uri, "?join");
		}
		send_error_gone(s, st, t->reason,
				t->venue && buf_ok(&uri) ? uri.data : NULL);
		buf_free(&uri);
	}
	return true;
}
