/* Presence to a room: entering (§7.2), updating (§7.7), changing nickname
 * (§7.6), leaving (§7.14), and the error bounce that removes an occupant
 * whose client is gone (status 333, as the reference does). */
#include "common.h"

#include <string.h>

/* RFC 6120 §8.3.3 conditions that mean the client is gone. */
static bool kickable_condition(const xnode *err, const char **cond)
{
	static const char *const kick[] = {
		"gone", "internal-server-error", "item-not-found",
		"jid-malformed", "recipient-unavailable", "redirect",
		"remote-server-not-found",
		"remote-server-timeout", "service-unavailable"};
	const xnode *c = err ? xnode_child(err, NULL, NS_STANZAS) : NULL;
	size_t i;
	*cond = NULL;
	while (c && strcmp(c->name, "text") == 0)
		c = xnode_next(c, NULL, NS_STANZAS);
	if (!c)
		return true; /* a malformed error: the client is broken */
	*cond = c->name;
	for (i = 0; i < sizeof kick / sizeof *kick; i++)
		if (strcmp(kick[i], c->name) == 0)
			return true;
	return false;
}

/* Removes the session that answered with an error (status 333). Returns
 * false when the error does not mean the client is gone (and nothing was
 * done). */
bool occupant_kick_for_error(muc_room *r, stanza *st, bool only_kickable)
{
	muc_service *s = r->svc;
	muc_occupant *o = room_occupant_by_real(r, st->from.full);
	const xnode *err = xnode_child(st->x, "error", NULL);
	const char *cond;
	xnode *p;
	buf msg;
	pres_status ps;
	if (!o)
		return false;
	if (!kickable_condition(err, &cond) && only_kickable)
		return false;
	memset(&ps, 0, sizeof ps);
	if (o->sessions->next) {
		/* Other sessions stay: this one is dropped without a word,
		 * and the room sees the occupant as the others make it up
		 * (the reference publishes the occupant it saved, which no
		 * longer has the failed session). */
		occupant_remove_session(o, st->from.full);
		broadcast_occupant(r, o, &ps);
		return true;
	}
	buf_init(&msg, &s->mem);
	buf_puts(&msg, "Kicked: ");
	if (cond) {
		const char *c;
		for (c = cond; *c; c++)
			buf_putc(&msg, *c == '-' ? ' ' : *c);
	} else {
		buf_puts(&msg, "presence error");
	}
	/* the error's text too, where everyone may know who it was */
	if (err && r->cfg.whois == WHOIS_ANYONE) {
		const char *text = xnode_child_text(err, "text", NS_STANZAS);
		if (text) {
			buf_puts(&msg, ": ");
			buf_puts(&msg, text);
		}
	}
	p = xnode_new(&s->mem, "presence", NS_CLIENT);
	if (!p || !xnode_set_attr(&s->mem, p, "type", "unavailable") ||
	    !buf_ok(&msg)) {
		xnode_free(&s->mem, p);
		buf_free(&msg);
		svc_nomem(s);
		return true;
	}
	{
		xnode *status = xnode_add(&s->mem, p, "status", NULL);
		if (!status ||
		    !xnode_add_text(&s->mem, status, msg.data, msg.len))
			svc_nomem(s); /* the kick goes on, without its words */
	}
	buf_free(&msg);
	occupant_set_session(o, st->from.full, p);
	ps.prev_role = o->role;
	o->role = MUC_ROLE_NONE;
	ps.codes[ps.ncodes++] = 333;
	broadcast_occupant(r, o, &ps);
	occupant_remove(o);
	room_reap_if_empty(r);
	return true;
}

static void join_error(muc_service *s, stanza *st, const char *room,
		       const char *type, const char *cond, const char *text)
{
	send_error(s, st, type, cond, text, room);
}

/* Checks common to entering and to changing nickname, in the reference's
 * order: strict nickname, visible nickname, reserved nickname. */
static bool nick_acceptable(muc_service *s, muc_room *r, stanza *st,
			    const char *room_jid)
{
	const char *nick = st->to.resource, *c;
	bool visible = false;
	affil_entry *reserved;
	int rc = nick_check_strict(&s->mem, nick);
	if (rc == MUC_ERR_NOMEM) {
		svc_nomem(s); /* our failure, not the client's nick */
		return false;
	}
	if (rc != MUC_OK) {
		join_error(s, st, room_jid, "modify", "jid-malformed",
			   "Nickname must pass strict validation");
		return false;
	}
	for (c = nick; *c; c++)
		if (*c != ' ' && *c != '\t' && *c != '\n' && *c != '\r')
			visible = true;
	if (!visible) {
		join_error(s, st, room_jid, "modify", "not-allowed",
			   "Invisible Nicknames are forbidden");
		return false;
	}
	reserved = r ? affil_by_reserved_nick(r, nick) : NULL;
	if (reserved && strcmp(reserved->jid, st->from.bare) != 0) {
		join_error(s, st, room_jid, "cancel", "conflict", NULL);
		return false;
	}
	return true;
}

/* XEP-0045 §7.2.1-§7.2.9: may this JID enter as this nick? Sends the error
 * and returns false when not. r is NULL for a room being created. */
static bool may_enter(muc_service *s, muc_room *r, stanza *st,
		      const char *room_jid, const xnode *muc_x)
{
	muc_affiliation a;
	muc_occupant *dest;
	if (!nick_acceptable(s, r, st, room_jid))
		return false;
	if (!r)
		return true; /* a new room: its creator may enter */
	a = affil_get(r, st->from.bare);
	if (r->cfg.members_only && a < MUC_AFFIL_MEMBER) {
		join_error(s, st, room_jid, "auth", "registration-required",
			   NULL);
		return false;
	}
	if (a == MUC_AFFIL_OUTCAST) {
		join_error(s, st, room_jid, "auth", "forbidden", NULL);
		return false;
	}
	/* Only a join with <x/> is checked for the password (§7.2.6). */
	if (r->cfg.password && muc_x) {
		const char *given = xnode_child_text(muc_x, "password", NS_MUC);
		if (!given || strcmp(given, r->cfg.password) != 0) {
			join_error(s, st, room_jid, "auth", "not-authorized",
				   NULL);
			return false;
		}
	}
	if (r->locked) {
		/* the reference raises this one as the service */
		join_error(s, st, s->domain, "cancel", "item-not-found", NULL);
		return false;
	}
	dest = room_occupant_by_nick(r, st->to.resource);
	if (dest && strcmp(dest->bare_jid, st->from.bare) != 0) {
		join_error(s, st, room_jid, "cancel", "conflict", NULL);
		return false;
	}
	if (!dest && a < MUC_AFFIL_ADMIN &&
	    ((r->cfg.max_users > 0 &&
	      r->noccupants >= (size_t)r->cfg.max_users) ||
	     (s->max_occupants && r->noccupants >= s->max_occupants))) {
		join_error(s, st, room_jid, "cancel", "service-unavailable",
			   NULL);
		return false;
	}
	return true;
}

static void join(muc_service *s, muc_room *r, stanza *st)
{
	const xnode *muc_x = xnode_child(st->x, "x", NS_MUC);
	const char *nick = st->to.resource;
	bool is_new = r == NULL;
	muc_occupant *o;
	muc_affiliation a;
	muc_role role;
	pres_status ps;
	xnode *stored;
	bool forced = false;
	if (!may_enter(s, r, st, st->to.bare, muc_x))
		return;
	/* With enforcement (the reference's enforce_registered_nickname),
	 * a registered user enters under the registered nick (210). */
	if (r && s->enforce_nick) {
		affil_entry *e = affil_entry_get(r, st->from.bare);
		muc_occupant *holder;
		if (e && e->nick && strcmp(e->nick, nick) != 0) {
			holder = room_occupant_by_nick(r, e->nick);
			if (holder && strcmp(holder->bare_jid, st->from.bare)) {
				join_error(s, st, r->jid, "cancel", "conflict",
					   NULL);
				return;
			}
			nick = e->nick;
			forced = true;
		}
	}
	if (is_new) {
		const char *pw = xnode_child_text(muc_x, "password", NS_MUC);
		if (room_create(s, st->to.bare, &r) ||
		    affil_store(r, st->from.bare, MUC_AFFIL_OWNER, NULL, NULL,
				false) ||
		    (pw && *pw && !(r->cfg.password = mem_strdup(&s->mem, pw)))) {
			if (r)
				room_free(r);
			svc_nomem(s);
			return;
		}
		/* XEP-0045 §10.1.1: locked until the owner configures it; a
		 * password given at creation protects it from the start. The
		 * language is the creator's (xml:lang), else English, as a
		 * c2s stream would stamp it. */
		r->locked = !s->no_lock;
		{
			const char *lang = xnode_attr(st->x, "xml:lang");
			r->cfg.language = mem_strdup(&s->mem,
						     lang && *lang ? lang : "en");
			if (!r->cfg.language) {
				room_free(r);
				svc_nomem(s);
				return;
			}
		}
	}
	a = affil_get(r, st->from.bare);
	role = room_default_role(r, a);
	if (role == MUC_ROLE_NONE) {
		join_error(s, st, r->jid, "auth", "registration-required",
			   NULL);
		return;
	}
	stored = presence_for_storage(s, st->x);
	o = room_occupant_by_nick(r, nick);
	if (!o) {
		o = occupant_new(r, nick, st->from.bare);
		if (o)
			o->role = role;
	}
	if (!stored || !o ||
	    occupant_set_session(o, st->from.full, stored) != MUC_OK) {
		if (!stored || !o)
			xnode_free(&s->mem, stored);
		if (o && !o->sessions)
			occupant_remove(o);
		room_reap_if_empty(r);
		svc_nomem(s);
		return;
	}
	memset(&ps, 0, sizeof ps);
	if (is_new)
		ps.codes[ps.ncodes++] = 201;
	if (r->cfg.whois == WHOIS_ANYONE)
		ps.self_codes[ps.nself++] = 100;
	/* §7.2.12: a joiner is warned that the room is logged */
	if (s->archiving && r->cfg.archiving)
		ps.self_codes[ps.nself++] = 170;
	if (forced)
		ps.self_codes[ps.nself++] = 210;
	if (!is_new)
		send_occupant_list(r, st->from.full, NULL);
	broadcast_occupant(r, o, &ps);
	room_join_history_and_subject(r, st->from.full, muc_x);
}

/* One session (real JID real) leaves with the unavailable presence stored
 * (owned); the occupant goes with its last session. */
static void leave_session(muc_room *r, muc_occupant *o, const char *real,
			  xnode *stored)
{
	muc_service *s = r->svc;
	pres_status ps;
	memset(&ps, 0, sizeof ps);
	if (!stored) {
		svc_nomem(s);
		return;
	}
	if (o->sessions->next) {
		/* Other sessions stay: the room sees the occupant with this
		 * session's item one last time; this session sees itself go. */
		if (occupant_set_session(o, real, stored)) {
			svc_nomem(s);
			return;
		}
		broadcast_occupant(r, o, &ps);
		occupant_remove_session(o, real);
		return;
	}
	if (occupant_set_session(o, real, stored)) {
		svc_nomem(s);
		return;
	}
	ps.prev_role = o->role;
	o->role = MUC_ROLE_NONE;
	broadcast_occupant(r, o, &ps);
	occupant_remove(o);
	room_reap_if_empty(r);
}

static void update(muc_service *s, muc_room *r, muc_occupant *o, stanza *st)
{
	const xnode *muc_x = xnode_child(st->x, "x", NS_MUC);
	xnode *stored = presence_for_storage(s, st->x);
	pres_status ps;
	if (!stored || occupant_set_session(o, st->from.full, stored)) {
		svc_nomem(s);
		return;
	}
	memset(&ps, 0, sizeof ps);
	/* A join presence from a session already inside is a resync: the
	 * client lost track, so it gets the whole room state again. */
	if (muc_x)
		send_occupant_list(r, st->from.full, NULL);
	broadcast_occupant(r, o, &ps);
	if (muc_x)
		room_join_history_and_subject(r, st->from.full, muc_x);
}

static void change_nick(muc_service *s, muc_room *r, muc_occupant *o,
			stanza *st)
{
	const char *nick = st->to.resource;
	const xnode *muc_x = xnode_child(st->x, "x", NS_MUC);
	muc_occupant *dest, *stayed = NULL;
	xnode *stored, *unavail;
	muc_role role = o->role;
	pres_status ps;
	if (!nick_acceptable(s, r, st, r->jid))
		return;
	if (s->enforce_nick) {
		affil_entry *e = affil_entry_get(r, st->from.bare);
		if (e && e->nick && strcmp(e->nick, nick) != 0) {
			join_error(s, st, r->jid, "cancel", "not-acceptable",
				   NULL);
			return;
		}
	}
	dest = room_occupant_by_nick(r, nick);
	if (dest && strcmp(dest->bare_jid, st->from.bare) != 0) {
		join_error(s, st, r->jid, "cancel", "conflict", NULL);
		return;
	}
	stored = presence_for_storage(s, st->x);
	unavail = xnode_new(&s->mem, "presence", NS_CLIENT);
	if (!stored || !unavail ||
	    !xnode_set_attr(&s->mem, unavail, "type", "unavailable")) {
		xnode_free(&s->mem, stored);
		xnode_free(&s->mem, unavail);
		svc_nomem(s);
		return;
	}
	/* §7.6: the old nick leaves with 303 naming the new one. */
	memset(&ps, 0, sizeof ps);
	if ((dest && dest != o) || o->sessions->next) {
		/* A session leaves a nick that stays with the user's other
		 * sessions, or moves into the nick another of them holds:
		 * as with the reference, it alone sees its 303 (told first,
		 * when it moves in with another session, that it joins it);
		 * the room sees the old nick stay with the sessions left, or
		 * go without a 303. */
		xnode_free(&s->mem, unavail);
		if (dest && dest != o)
			send_joining_session(r, dest, st->from.full);
		send_own_nick_change(r, o, st->from.full, nick);
		occupant_remove_session(o, st->from.full);
		if (o->sessions) {
			broadcast_occupant(r, o, &ps);
			stayed = o;
		} else {
			ps.unavailable = true;
			broadcast_occupant(r, o, &ps);
			occupant_remove(o);
		}
	} else {
		occupant_set_session(o, st->from.full, unavail);
		ps.unavailable = true;
		ps.prev_role = o->role;
		ps.codes[ps.ncodes++] = 303;
		ps.new_nick = nick;
		broadcast_occupant(r, o, &ps);
		occupant_remove(o);
	}
	if (!dest) {
		dest = occupant_new(r, nick, st->from.bare);
		if (!dest) {
			xnode_free(&s->mem, stored);
			room_reap_if_empty(r);
			svc_nomem(s);
			return;
		}
		dest->role = role;
	}
	if (occupant_set_session(dest, st->from.full, stored)) {
		if (!dest->sessions)
			occupant_remove(dest);
		room_reap_if_empty(r);
		svc_nomem(s);
		return;
	}
	/* With the MUC <x/> the change is also a resync, as in the
	 * reference: the room's occupants, then history and subject. */
	if (muc_x)
		send_occupant_list(r, st->from.full, NULL);
	memset(&ps, 0, sizeof ps);
	broadcast_occupant(r, dest, &ps);
	/* the session is shown the nick it left, still there, as the
	 * reference does */
	if (stayed)
		send_occupant_full(r, stayed, st->from.full);
	if (muc_x)
		room_join_history_and_subject(r, st->from.full, muc_x);
}

/* A probe (RFC 6121 §4.3) to an occupant JID: the prober, who must be in
 * the room, gets that occupant's current presence, or an unavailable one
 * for a registered nick that is absent. */
static void presence_probe(muc_service *s, muc_room *r, muc_occupant *prober,
			   stanza *st)
{
	muc_occupant *target;
	affil_entry *e;
	if (!prober) {
		send_error(s, st, "cancel", "not-acceptable",
			   "You are not currently connected to this chat",
			   r->jid);
		return;
	}
	target = room_occupant_by_nick(r, st->to.resource);
	if (target) {
		send_occupant_to(r, target, prober);
		return;
	}
	e = affil_by_reserved_nick(r, st->to.resource);
	if (e) {
		tmpl t;
		muc_affiliation va = affil_get(r, st->from.full);
		bool full = can_see_real_jids(r, prober) ||
			    va >= MUC_AFFIL_ADMIN;
		tmpl_init(&t, s, "presence", st->to.full);
		buf_attr(&t.b, "type", "unavailable");
		buf_puts(&t.b, "><x");
		buf_attr(&t.b, "xmlns", NS_MUC_USER);
		buf_puts(&t.b, "><item");
		buf_attr(&t.b, "affiliation",
			 muc_affiliation_name(e->affiliation));
		buf_attr(&t.b, "role", "none");
		buf_attr(&t.b, "nick", e->nick);
		if (full)
			buf_attr(&t.b, "jid", e->jid);
		buf_puts(&t.b, "/></x></presence>");
		tmpl_send(s, &t, st->from.full);
		tmpl_free(&t);
	}
}

void presence_to_occupant(muc_service *s, muc_room *r, stanza *st)
{
	const char *type = st->type;
	muc_occupant *o = r ? room_occupant_by_real(r, st->from.full) : NULL;
	if (type && strcmp(type, "error") == 0) {
		if (r)
			occupant_kick_for_error(r, st, false);
		return;
	}
	if (type && strcmp(type, "unavailable") == 0) {
		if (o)
			leave_session(r, o, st->from.full,
				      presence_for_storage(s, st->x));
		return;
	}
	if (type && strcmp(type, "probe") == 0) {
		presence_probe(s, r, o, st);
		return;
	}
	if (type) {
		/* XEP-0018 invisibility types are let through silently */
		if (strcmp(type, "visible") && strcmp(type, "invisible") &&
		    strcmp(type, "result"))
			send_error(s, st, "modify", "bad-request", NULL, r->jid);
		return;
	}
	if (!o && !xnode_child(st->x, "x", NS_MUC)) {
		/* Without <x/> this is no join but a client that lost track
		 * of the room (the reference's answer). */
		send_error(s, st, "cancel", "item-not-found",
			   "You are not currently connected to this chat",
			   r->jid);
		return;
	}
	if (!o)
		join(s, r, st);
	else if (strcmp(o->nick, st->to.resource) == 0)
		update(s, r, o, st);
	else
		change_nick(s, r, o, st);
}

/* A room with no such room yet: only a join with <x/> creates it. */
void presence_create_room(muc_service *s, stanza *st)
{
	join(s, NULL, st);
}

/* Some clients send presence to the bare room JID; the reference treats it
 * as presence to the sender's own occupant JID. */
void presence_to_room(muc_service *s, muc_room *r, stanza *st)
{
	muc_occupant *o = room_occupant_by_real(r, st->from.full);
	char *saved_res, *saved_full;
	if (!o) {
		/* Not the room's business: the server answers an available
		 * or unavailable presence for it, as Prosody's does. */
		if (!st->type || strcmp(st->type, "unavailable") == 0)
			send_error(s, st, "cancel", "service-unavailable",
				   NULL, NULL);
		return;
	}
	saved_res = st->to.resource;
	saved_full = st->to.full;
	st->to.resource = o->nick;
	st->to.full = o->occupant_jid;
	presence_to_occupant(s, r, st);
	st->to.resource = saved_res;
	st->to.full = saved_full;
}
