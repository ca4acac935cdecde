/* Messages: groupchat (§7.4), subject changes (§8.1), private messages
 * (§7.5) and mediated invitations and declines (§7.8). */
#include "common.h"

#include <string.h>

/* Sends msg to every session of every occupant, from 'from'. */
static void broadcast_message(muc_room *r, const xnode *msg, const char *from)
{
	muc_service *s = r->svc;
	tmpl t;
	size_t i;
	const xnode *c;
	muc_occupant *o;
	tmpl_init(&t, s, "message", from);
	for (i = 0; i < msg->nattrs; i++) {
		const char *n = msg->attrs[i].name;
		if (strcmp(n, "to") && strcmp(n, "from"))
			buf_attr(&t.b, n, msg->attrs[i].value);
	}
	buf_putc(&t.b, '>');
	for (c = msg->children; c; c = c->next)
		xnode_write(&t.b, c, NS_CLIENT);
	buf_puts(&t.b, "</message>");
	for (o = r->first; o; o = o->next) {
		session *ss;
		for (ss = o->sessions; ss; ss = ss->next)
			tmpl_send(s, &t, ss->real_jid);
	}
	tmpl_free(&t);
}

static void change_subject(muc_service *s, muc_room *r, muc_occupant *o,
			   stanza *st, const xnode *subject)
{
	const char *text;
	char *copy, *from;
	if (!o) {
		send_error(s, st, "cancel", "not-acceptable", NULL, NULL);
		return;
	}
	if (!(o->role == MUC_ROLE_MODERATOR ||
	      (o->role == MUC_ROLE_PARTICIPANT && r->cfg.change_subject))) {
		send_error(s, st, "auth", "forbidden", NULL, NULL);
		return;
	}
	text = xnode_text(subject);
	copy = mem_strdup(&s->mem, text ? text : "");
	from = mem_strdup(&s->mem, o->occupant_jid);
	if (!copy || !from) {
		mem_free(&s->mem, copy);
		mem_free(&s->mem, from);
		svc_nomem(s);
		return;
	}
	mem_free(&s->mem, r->subject);
	mem_free(&s->mem, r->subject_from);
	r->subject = copy;
	r->subject_from = from;
	broadcast_message(r, st->x, o->occupant_jid);
}

static void groupchat(muc_service *s, muc_room *r, stanza *st)
{
	muc_occupant *o = room_occupant_by_real(r, st->from.full);
	const xnode *subject = xnode_child(st->x, "subject", NS_CLIENT);
	/* Prosody issue 667: subject with a body or thread is a message. */
	if (subject && !xnode_child(st->x, "body", NS_CLIENT) &&
	    !xnode_child(st->x, "thread", NS_CLIENT)) {
		change_subject(s, r, o, st, subject);
		return;
	}
	if (!o) {
		send_error(s, st, "cancel", "not-acceptable", NULL, NULL);
		return;
	}
	if (o->role < MUC_ROLE_PARTICIPANT) {
		send_error(s, st, "auth", "forbidden", NULL, NULL);
		return;
	}
	/* A client may not forge an occupant-id (XEP-0421 §4). */
	xnode_remove_children(&s->mem, st->x, "occupant-id",
			      "urn:xmpp:occupant-id:0");
	broadcast_message(r, st->x, o->occupant_jid);
	xnode_set_attr(&s->mem, st->x, "from", o->occupant_jid);
	history_add(r, st->x);
}

/* Builds and sends the invitation (§7.8.2) or the decline (§7.8.3). */
static void mediate(muc_service *s, muc_room *r, stanza *st,
		    const xnode *payload, bool invite, const char *to,
		    const char *actor)
{
	const char *reason = xnode_child_text(payload, "reason", NULL);
	const xnode *c;
	tmpl t;
	size_t i;
	tmpl_init(&t, s, "message", r->jid);
	for (i = 0; i < st->x->nattrs; i++) {
		const char *n = st->x->attrs[i].name;
		if (strcmp(n, "to") && strcmp(n, "from"))
			buf_attr(&t.b, n, st->x->attrs[i].value);
	}
	buf_putc(&t.b, '>');
	for (c = st->x->children; c; c = c->next)
		if (!(c->name && strcmp(c->name, "x") == 0 &&
		      strcmp(c->ns, NS_MUC_USER) == 0))
			xnode_write(&t.b, c, NS_CLIENT);
	buf_puts(&t.b, "<x");
	buf_attr(&t.b, "xmlns", NS_MUC_USER);
	buf_puts(&t.b, invite ? "><invite" : "><decline");
	buf_attr(&t.b, "from", actor);
	buf_puts(&t.b, "><reason>");
	buf_puts_escaped(&t.b, reason ? reason : "");
	buf_puts(&t.b, invite ? "</reason></invite>" : "</reason></decline>");
	if (invite && r->cfg.password) {
		buf_puts(&t.b, "<password>");
		buf_puts_escaped(&t.b, r->cfg.password);
		buf_puts(&t.b, "</password>");
	}
	buf_puts(&t.b, "</x>");
	/* A plain body for clients that know no invitations. */
	if (!xnode_child(st->x, "body", NS_CLIENT)) {
		buf_puts(&t.b, "<body>");
		buf_puts_escaped(&t.b, actor);
		buf_puts(&t.b, invite ? " invited you to the room "
				      : " declined your invite to the room ");
		buf_puts_escaped(&t.b, r->jid);
		if (reason && *reason) {
			buf_puts(&t.b, " (");
			buf_puts_escaped(&t.b, reason);
			buf_putc(&t.b, ')');
		}
		buf_puts(&t.b, "</body>");
	}
	if (invite) {
		/* XEP-0249's element, which older clients expect. */
		buf_puts(&t.b, "<x");
		buf_attr(&t.b, "xmlns", NS_CONFERENCE);
		buf_attr(&t.b, "jid", r->jid);
		if (reason && *reason) {
			buf_putc(&t.b, '>');
			buf_puts_escaped(&t.b, reason);
			buf_puts(&t.b, "</x>");
		} else {
			buf_puts(&t.b, "/>");
		}
	}
	buf_puts(&t.b, "</message>");
	tmpl_send(s, &t, to);
	tmpl_free(&t);
}

static void invite(muc_service *s, muc_room *r, stanza *st,
		   const xnode *payload)
{
	muc_occupant *o = room_occupant_by_real(r, st->from.full);
	muc_affiliation a = affil_get(r, st->from.bare);
	muc_role role = o ? o->role : room_default_role(r, a);
	jid invitee;
	const char *actor;
	if (jid_parse(&s->mem, xnode_attr(payload, "to"), &invitee)) {
		send_error(s, st, "cancel", "jid-malformed", NULL, NULL);
		return;
	}
	if (role <= MUC_ROLE_VISITOR ||
	    (r->cfg.members_only && a < MUC_AFFIL_ADMIN &&
	     !(r->cfg.allow_member_invites && a == MUC_AFFIL_MEMBER))) {
		send_error(s, st, "auth", "forbidden", NULL, NULL);
		jid_free(&s->mem, &invitee);
		return;
	}
	/* In a semi-anonymous room the invitee learns the inviter's
	 * occupant JID, not the real one. */
	actor = (o && r->cfg.whois != WHOIS_ANYONE) ? o->occupant_jid
						    : st->from.full;
	/* §9.3: in a members-only room an admin's invitation admits. */
	if (r->cfg.members_only && a >= MUC_AFFIL_ADMIN &&
	    affil_get(r, invitee.bare) == MUC_AFFIL_NONE)
		room_set_affiliation(r, NULL, invitee.bare, MUC_AFFIL_MEMBER,
				     NULL, NULL, false, NULL, NULL);
	mediate(s, r, st, payload, true, invitee.full, actor);
	jid_free(&s->mem, &invitee);
}

static void decline(muc_service *s, muc_room *r, stanza *st,
		    const xnode *payload)
{
	jid to;
	muc_occupant *target;
	if (jid_parse(&s->mem, xnode_attr(payload, "to"), &to)) {
		send_error(s, st, "cancel", "jid-malformed", NULL, NULL);
		return;
	}
	target = (strcmp(to.bare, r->jid) == 0 && to.resource)
			 ? room_occupant_by_nick(r, to.resource)
			 : NULL;
	if (target) {
		session *ss;
		for (ss = target->sessions; ss; ss = ss->next)
			mediate(s, r, st, payload, false, ss->real_jid,
				st->from.full);
	} else {
		mediate(s, r, st, payload, false, to.full, st->from.full);
	}
	jid_free(&s->mem, &to);
}

void message_to_room(muc_service *s, muc_room *r, stanza *st)
{
	const char *type = st->type;
	const xnode *x, *payload;
	if (type && strcmp(type, "groupchat") == 0) {
		groupchat(s, r, st);
		return;
	}
	if (type && strcmp(type, "error") == 0) {
		occupant_kick_for_error(r, st, true);
		return;
	}
	x = xnode_child(st->x, "x", NS_MUC_USER);
	if (!x)
		return;
	payload = xnode_first(x);
	if (payload && strcmp(payload->name, "invite") == 0 &&
	    xnode_attr(payload, "to"))
		invite(s, r, st, payload);
	else if (payload && strcmp(payload->name, "decline") == 0 &&
		 xnode_attr(payload, "to"))
		decline(s, r, st, payload);
	else
		send_error(s, st, "cancel", "bad-request", NULL, NULL);
}

/* §7.5: who may send a private message, by the room's policy. */
static bool pm_allowed(const muc_room *r, const muc_occupant *from)
{
	switch (r->cfg.allow_pm) {
	case 0: return true;
	case 1: return from->role >= MUC_ROLE_PARTICIPANT;
	case 2: return from->role == MUC_ROLE_MODERATOR;
	default: return false;
	}
}

void message_to_occupant(muc_service *s, muc_room *r, stanza *st)
{
	muc_occupant *from = room_occupant_by_real(r, st->from.full), *to;
	const char *type = st->type;
	xnode *x;
	session *ss;
	if (!from) {
		send_error(s, st, "cancel", "not-acceptable", NULL, NULL);
		return;
	}
	if (type && strcmp(type, "groupchat") == 0) {
		send_error(s, st, "modify", "bad-request", NULL, NULL);
		return;
	}
	if (type && strcmp(type, "error") == 0) {
		occupant_kick_for_error(r, st, true);
		return;
	}
	to = room_occupant_by_nick(r, st->to.resource);
	if (!to) {
		send_error(s, st, "cancel", "item-not-found",
			   "Recipient not in room", NULL);
		return;
	}
	if (!pm_allowed(r, from)) {
		send_error(s, st, "cancel", "policy-violation",
			   "Private messages are restricted", r->jid);
		return;
	}
	xnode_remove_children(&s->mem, st->x, "x", NS_MUC_USER);
	x = xnode_add(&s->mem, st->x, "x", NS_MUC_USER);
	if (!x) {
		svc_nomem(s);
		return;
	}
	for (ss = to->sessions; ss; ss = ss->next)
		send_node(s, st->x, ss->real_jid, from->occupant_jid);
}
