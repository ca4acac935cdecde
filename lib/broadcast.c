/* Telling the room about an occupant (XEP-0045 §7.2.3, §7.2.4, §5.2.1):
 * each presence is serialized at most three times — as moderators (or
 * everyone, in non-anonymous rooms) see it with real JIDs, as the others see
 * it without, and as the occupant itself sees it with status 110 — and
 * only its 'to' differs per recipient. */
#include "common.h"

#include <stdio.h>
#include <string.h>

bool can_see_real_jids(const muc_room *r, const muc_occupant *viewer)
{
	if (r->cfg.whois == WHOIS_ANYONE)
		return true;
	return viewer && viewer->role == MUC_ROLE_MODERATOR;
}

static void put_status(buf *b, int code)
{
	char num[16];
	snprintf(num, sizeof num, "%d", code);
	buf_puts(b, "<status");
	buf_attr(b, "code", num);
	buf_puts(b, "/>");
}

static void put_item(buf *b, const muc_room *r, const muc_occupant *o,
		     const char *real_jid, const pres_status *ps,
		     bool actor_jid)
{
	buf_puts(b, "<item");
	buf_attr(b, "affiliation",
		 muc_affiliation_name(affil_get(r, o->bare_jid)));
	buf_attr(b, "role", muc_role_name(o->role));
	if (real_jid)
		buf_attr(b, "jid", real_jid);
	if (ps && ps->new_nick)
		buf_attr(b, "nick", ps->new_nick);
	if (ps && (ps->actor || ps->reason)) {
		const muc_occupant *a =
			ps->actor ? room_occupant_by_real(r, ps->actor) : NULL;
		buf_putc(b, '>');
		if (ps->actor && (actor_jid || a)) {
			buf_puts(b, "<actor");
			if (a)
				buf_attr(b, "nick", a->nick);
			if (actor_jid)
				buf_attr(b, "jid", ps->actor);
			buf_puts(b, "/>");
		}
		if (ps->reason) {
			buf_puts(b, "<reason>");
			buf_puts_escaped(b, ps->reason);
			buf_puts(b, "</reason>");
		}
		buf_puts(b, "</item>");
	} else {
		buf_puts(b, "/>");
	}
}

/* <x xmlns='…muc#user'>: destroy, statuses, items, then 110 for self. */
static void put_muc_x(buf *b, const muc_room *r, const muc_occupant *o,
		      bool full, bool self, const pres_status *ps)
{
	int i;
	/* One's own JIDs are always visible, but the reference names the
	 * actor of a change to oneself by nick only. */
	bool actor_jid = full && !self;
	buf_puts(b, "<x");
	buf_attr(b, "xmlns", NS_MUC_USER);
	buf_putc(b, '>');
	if (ps && ps->destroy)
		xnode_write(b, ps->destroy, NS_MUC_USER);
	for (i = 0; ps && i < ps->ncodes; i++)
		put_status(b, ps->codes[i]);
	for (i = 0; self && ps && i < ps->nself; i++)
		put_status(b, ps->self_codes[i]);
	if (full && o->sessions) {
		const session *s;
		for (s = o->sessions; s; s = s->next)
			put_item(b, r, o, s->real_jid, ps, actor_jid);
	} else {
		put_item(b, r, o, NULL, ps, false);
	}
	if (self)
		put_status(b, 110);
	buf_puts(b, "</x>");
}

/* The presence the room shows for o: its primary session's presence, or
 * an unavailable one once it has left (keeping a leave message). */
static void build_presence(tmpl *t, const muc_room *r, const muc_occupant *o,
			   bool full, bool self, const pres_status *ps)
{
	const xnode *p = o->sessions ? o->sessions->presence : NULL;
	const char *type = p ? xnode_attr(p, "type") : NULL;
	bool leaving = o->role == MUC_ROLE_NONE;
	const xnode *c;
	size_t i;
	if (leaving && !(type && strcmp(type, "unavailable") == 0))
		p = NULL;
	if (!p) {
		buf_attr(&t->b, "type", "unavailable");
	} else {
		for (i = 0; i < p->nattrs; i++)
			buf_attr(&t->b, p->attrs[i].name, p->attrs[i].value);
	}
	buf_putc(&t->b, '>');
	for (c = p ? p->children : NULL; c; c = c->next)
		xnode_write(&t->b, c, NS_CLIENT);
	put_muc_x(&t->b, r, o, full, self, ps);
	buf_puts(&t->b, "</presence>");
}

static void send_to_occupant(muc_service *s, tmpl *t, const muc_occupant *n)
{
	const session *ss;
	for (ss = n->sessions; ss; ss = ss->next)
		tmpl_send(s, t, ss->real_jid);
}

void broadcast_occupant(muc_room *r, muc_occupant *o, const pres_status *ps)
{
	muc_service *s = r->svc;
	tmpl full, anon;
	bool have_full = false, have_anon = false;
	bool shown = !(ps && ps->self_only) &&
		     (o->role == MUC_ROLE_NONE ||
		      (r->cfg.presence_broadcast & (1u << o->role)));
	muc_occupant *n;
	for (n = r->first; n && shown; n = n->next) {
		tmpl *t;
		if (n == o)
			continue;
		if (can_see_real_jids(r, n) ||
		    strcmp(n->bare_jid, o->bare_jid) == 0) {
			if (!have_full) {
				tmpl_init(&full, s, "presence",
					  o->occupant_jid);
				build_presence(&full, r, o, true, false, ps);
				have_full = true;
			}
			t = &full;
		} else {
			if (!have_anon) {
				tmpl_init(&anon, s, "presence",
					  o->occupant_jid);
				build_presence(&anon, r, o, false, false, ps);
				have_anon = true;
			}
			t = &anon;
		}
		send_to_occupant(s, t, n);
	}
	if (have_full)
		tmpl_free(&full);
	if (have_anon)
		tmpl_free(&anon);
	/* The occupant itself always sees its own real JIDs. */
	{
		tmpl self;
		tmpl_init(&self, s, "presence", o->occupant_jid);
		build_presence(&self, r, o, true, true, ps);
		send_to_occupant(s, &self, o);
		tmpl_free(&self);
	}
}

void send_occupant_list(muc_room *r, const char *to, const char *skip_bare)
{
	muc_service *s = r->svc;
	const muc_occupant *viewer = room_occupant_by_real(r, to);
	muc_affiliation va = affil_get(r, to);
	bool sees = can_see_real_jids(r, viewer) || va == MUC_AFFIL_OWNER ||
		    va == MUC_AFFIL_ADMIN;
	muc_occupant *n;
	for (n = r->first; n; n = n->next) {
		tmpl t;
		bool own = viewer && strcmp(n->bare_jid, viewer->bare_jid) == 0;
		if (n == viewer || !n->sessions || n->role == MUC_ROLE_NONE)
			continue;
		if (skip_bare && strcmp(n->bare_jid, skip_bare) == 0)
			continue;
		if (!(r->cfg.presence_broadcast & (1u << n->role)))
			continue;
		tmpl_init(&t, s, "presence", n->occupant_jid);
		build_presence(&t, r, n, sees || own, false, NULL);
		tmpl_send(s, &t, to);
		tmpl_free(&t);
	}
}
