/* Telling the room about an occupant (XEP-0045 §7.2.3, §7.2.4, §5.2.1):
 * each presence is serialized at most three times — as moderators (or
 * everyone, in non-anonymous rooms) see it with real JIDs, as the others see
 * it without, and as the occupant itself sees it with status 110 — and
 * only its 'to' differs per recipient. */
#include "common.h"

#include <stdio.h>
#include <string.h>


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
		/* An actor who is being removed by this very change has no
		 * nick any more, as with the reference (it looks the nick
		 * up after the removal). */
		if (a && a->role == MUC_ROLE_NONE)
			a = NULL;
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
		      bool full, bool self, const pres_status *ps,
		      bool actor_jid)
{
	int i;
	buf_puts(b, "<x");
	buf_attr(b, "xmlns", NS_MUC_USER);
	buf_putc(b, '>');
	if (ps && ps->destroy)
		xnode_write(b, ps->destroy, NS_MUC_USER);
	for (i = 0; ps && i < ps->ncodes; i++)
		put_status(b, ps->codes[i]);
	for (i = 0; self && ps && i < ps->nself; i++)
		put_status(b, ps->self_codes[i]);
	if (full) {
		/* one item per session (none once the last has moved to
		 * another nick, as the reference lists them) */
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

/* The presence the room shows for o: that of its primary live session, or
 * once it has left an unavailable one (keeping a leave message). */
static const xnode *shown_presence(const muc_occupant *o,
				   const pres_status *ps)
{
	const session *s;
	bool leaving = o->role == MUC_ROLE_NONE || (ps && ps->unavailable);
	const xnode *p = o->sessions ? o->sessions->presence : NULL;
	const char *type;
	if (ps && ps->hide)
		return NULL;
	if (!leaving) {
		for (s = o->sessions; s; s = s->next)
			if (!xnode_attr(s->presence, "type"))
				return s->presence;
		return p;
	}
	type = p ? xnode_attr(p, "type") : NULL;
	return (type && strcmp(type, "unavailable") == 0) ? p : NULL;
}

/* Writes the rest of a presence from p (NULL: a bare unavailable one),
 * the occupant id (unless with_oid is false), and the muc#user element. */
static void build_from(tmpl *t, const muc_room *r, const muc_occupant *o,
		       const xnode *p, bool with_oid, bool full, bool self,
		       const pres_status *ps, bool actor_jid)
{
	const xnode *c;
	size_t i;
	if (!p) {
		buf_attr(&t->b, "type", "unavailable");
	} else {
		bool vanish = ps && ps->vanish;
		for (i = 0; i < p->nattrs; i++)
			if (!vanish || strcmp(p->attrs[i].name, "type") != 0)
				buf_attr(&t->b, p->attrs[i].name,
					 p->attrs[i].value);
		if (vanish)
			buf_attr(&t->b, "type", "unavailable");
	}
	buf_putc(&t->b, '>');
	for (c = p ? p->children : NULL; c; c = c->next)
		xnode_write(&t->b, c, NS_CLIENT);
	if (with_oid)
		occupant_id_write(&t->b, o);
	put_muc_x(&t->b, r, o, full, self, ps, actor_jid);
	buf_puts(&t->b, "</presence>");
}

static void build_presence(tmpl *t, const muc_room *r, const muc_occupant *o,
			   bool full, bool self, const pres_status *ps,
			   bool actor_jid)
{
	build_from(t, r, o, shown_presence(o, ps), true, full, self, ps,
		   actor_jid);
}

/* The three views of one presence, built lazily: with real JIDs (for those
 * who may see them), as the occupant itself sees it (also shown to its
 * other nicknames' sessions of the same bare JID), and anonymous. */
typedef struct views {
	tmpl t[3];
	bool built[3];
} views;

enum { VIEW_FULL, VIEW_SELF, VIEW_ANON };

static tmpl *view_for(views *v, const muc_room *r, const muc_occupant *o,
		      const muc_occupant *viewer, const pres_status *ps)
{
	int k;
	if (can_see_real_jids(r, viewer))
		k = VIEW_FULL;
	else if (strcmp(viewer->bare_jid, o->bare_jid) == 0)
		k = VIEW_SELF;
	else
		k = VIEW_ANON;
	if (!v->built[k]) {
		tmpl_init(&v->t[k], r->svc, "presence", o->occupant_jid);
		if (k == VIEW_SELF) {
			pres_status self_view = ps ? *ps : (pres_status){0};
			self_view.nself = 0;
			build_presence(&v->t[k], r, o, true, false, &self_view,
				       false);
		} else {
			build_presence(&v->t[k], r, o, k == VIEW_FULL, false,
				       ps, k == VIEW_FULL);
		}
		v->built[k] = true;
	}
	return &v->t[k];
}

static void views_free(views *v)
{
	int k;
	for (k = 0; k < 3; k++)
		if (v->built[k])
			tmpl_free(&v->t[k]);
}

void broadcast_occupant(muc_room *r, muc_occupant *o, const pres_status *ps)
{
	muc_service *s = r->svc;
	views v;
	/* Roles whose presence is not broadcast (muc#roomconfig_
	 * presencebroadcast) are seen leaving only if they were seen. */
	unsigned bc = r->cfg.presence_broadcast;
	bool shown = (bc & (1u << o->role)) || (ps && ps->hide) ||
		     (ps && ps->prev_role != MUC_ROLE_NONE &&
		      (bc & (1u << ps->prev_role)));
	muc_occupant *n;
	pres_status vanishing;
	const pres_status *ops = ps; /* what the others are shown */
	memset(&v, 0, sizeof v);
	if (ps && ps->self_only)
		shown = false;
	/* A role that is no longer broadcast leaves the others' view: its
	 * presence reaches them as unavailable, as the reference does. */
	if (shown && ps && !ps->hide && !(bc & (1u << o->role)) &&
	    o->role != MUC_ROLE_NONE) {
		vanishing = *ps;
		vanishing.vanish = true;
		ops = &vanishing;
	}
	for (n = r->first; n && shown; n = n->next) {
		/* Occupants removed by the same change (role none, about to
		 * go) hear only of themselves, as with the reference, which
		 * removes them all before telling anyone. */
		if (n == o || n->role == MUC_ROLE_NONE)
			continue;
		tmpl_send_occupant(s, view_for(&v, r, o, n, ops), n);
	}
	views_free(&v);
	if (ps && ps->hide)
		ps = NULL; /* the occupant itself sees itself stay */
	if (!o->sessions)
		return; /* its last session moved to another nick */
	/* The occupant itself always sees its own real JIDs, with 110. While
	 * it stays, each session sees its own presence; a session that is
	 * leaving sees its unavailable one, as the reference does. */
	if (o->role == MUC_ROLE_NONE || (ps && ps->unavailable)) {
		tmpl self;
		tmpl_init(&self, s, "presence", o->occupant_jid);
		/* a session leaving a nick it keeps a role under (a nick
		 * change) sees its own presence, which has no occupant id */
		build_from(&self, r, o, shown_presence(o, ps),
			   o->role == MUC_ROLE_NONE, true, true, ps, false);
		tmpl_send_occupant(s, &self, o);
		tmpl_free(&self);
		return;
	}
	{
		const session *ss;
		for (ss = o->sessions; ss; ss = ss->next) {
			tmpl self;
			bool gone = xnode_attr(ss->presence, "type") != NULL;
			tmpl_init(&self, s, "presence", o->occupant_jid);
			build_from(&self, r, o, ss->presence, !gone, true, true,
				   ps, false);
			tmpl_send(s, &self, ss->real_jid);
			tmpl_free(&self);
		}
	}
}

/* After the room's whois changed (§10.2, 172/173): every occupant whose
 * view of real JIDs changed (everyone but moderators) is sent each other
 * occupant's presence again, now with or without the real JID, so that
 * what it knows matches what it may know. */
void republish_for_whois(muc_room *r, whois_policy old)
{
	unsigned bc = r->cfg.presence_broadcast;
	muc_occupant *o, *n;
	if (old == r->cfg.whois)
		return;
	for (o = r->first; o; o = o->next) {
		views v;
		if (!(bc & (1u << o->role)))
			continue;
		memset(&v, 0, sizeof v);
		for (n = r->first; n; n = n->next) {
			if (n == o || n->role == MUC_ROLE_MODERATOR ||
			    strcmp(n->bare_jid, o->bare_jid) == 0)
				continue;
			tmpl_send_occupant(r->svc, view_for(&v, r, o, n, NULL),
					   n);
		}
		views_free(&v);
	}
}

/* Opens <x xmlns='…muc#user'><item affiliation role — of bare in r —
 * for the one-off presences below to finish. */
static void open_item(buf *b, const muc_room *r, const char *bare,
		      const char *role)
{
	buf_puts(b, "<x");
	buf_attr(b, "xmlns", NS_MUC_USER);
	buf_puts(b, "><item");
	buf_attr(b, "affiliation", muc_affiliation_name(affil_get(r, bare)));
	buf_attr(b, "role", role);
}

/* A session leaving a nick that its other sessions keep sees its own
 * nick change (§7.6): unavailable, its own item naming the new nick, 303
 * and 110; nobody else does. */
void send_own_nick_change(muc_room *r, const muc_occupant *o,
			  const char *real_jid, const char *new_nick)
{
	tmpl t;
	tmpl_init(&t, r->svc, "presence", o->occupant_jid);
	buf_attr(&t.b, "type", "unavailable");
	buf_putc(&t.b, '>');
	open_item(&t.b, r, o->bare_jid, muc_role_name(o->role));
	buf_attr(&t.b, "jid", real_jid);
	buf_attr(&t.b, "nick", new_nick);
	buf_puts(&t.b, "/>");
	put_status(&t.b, 303);
	put_status(&t.b, 110);
	buf_puts(&t.b, "</x></presence>");
	tmpl_send(r->svc, &t, real_jid);
	tmpl_free(&t);
}

/* A session moving into a nick its user's other session holds is told
 * so first, in the reference's words. */
void send_joining_session(muc_room *r, const muc_occupant *dest,
			  const char *real_jid)
{
	tmpl t;
	tmpl_init(&t, r->svc, "presence", dest->occupant_jid);
	buf_attr(&t.b, "type", "unavailable");
	buf_puts(&t.b, "><status>you are joining pre-existing session ");
	buf_puts_escaped(&t.b, dest->nick);
	buf_puts(&t.b, "</status>");
	open_item(&t.b, r, dest->bare_jid, "none");
	buf_puts(&t.b, "/></x></presence>");
	tmpl_send(r->svc, &t, real_jid);
	tmpl_free(&t);
}

/* o's presence with every session's real JID, to one session. */
void send_occupant_full(muc_room *r, const muc_occupant *o,
			const char *real_jid)
{
	tmpl t;
	tmpl_init(&t, r->svc, "presence", o->occupant_jid);
	build_presence(&t, r, o, true, false, NULL, false);
	tmpl_send(r->svc, &t, real_jid);
	tmpl_free(&t);
}

void send_occupant_to(muc_room *r, muc_occupant *o, muc_occupant *recipient)
{
	views v;
	memset(&v, 0, sizeof v);
	tmpl_send_occupant(r->svc, view_for(&v, r, o, recipient, NULL),
			 recipient);
	views_free(&v);
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
		if (!(r->cfg.presence_broadcast & (1u << n->role)) && !own)
			continue;
		tmpl_init(&t, s, "presence", n->occupant_jid);
		build_presence(&t, r, n, sees || own, false, NULL, false);
		tmpl_send(s, &t, to);
		tmpl_free(&t);
	}
}
