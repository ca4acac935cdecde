/* Messages: groupchat (§7.4), subject changes (§8.1), private messages
 * (§7.5) and mediated invitations and declines (§7.8). */
#include "common.h"

#include <stdio.h>
#include <string.h>

/* Removes every element in the MUC namespaces (the reference's filter). */
static void strip_muc_elements(muc_service *s, xnode *st)
{
	xnode_remove_children(&s->mem, st, NULL, NS_MUC);
	xnode_remove_children(&s->mem, st, NULL, NS_MUC_USER);
}

/* Sends msg to every session of every occupant, from 'from'. */
static void broadcast_message(muc_room *r, const xnode *msg, const char *from)
{
	muc_service *s = r->svc;
	tmpl t;
	size_t i;
	const xnode *c;
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
	tmpl_send_room(r, &t, NULL);
	tmpl_free(&t);
}

/* §8.1 as the reference: a fresh message carrying only the subject,
 * broadcast unless nothing changed; "" clears the subject. */
static void change_subject(muc_service *s, muc_room *r, muc_occupant *o,
			   const xnode *subject)
{
	const char *text = xnode_text(subject);
	char *copy = NULL, *from;
	tmpl t;
	if (!text)
		text = "";
	if (((!r->subject && !*text) ||
	     (r->subject && strcmp(r->subject, text) == 0)) &&
	    r->subject_from && strcmp(r->subject_from, o->occupant_jid) == 0)
		return;
	if ((*text && !(copy = mem_strdup(&s->mem, text))) ||
	    !(from = mem_strdup(&s->mem, o->occupant_jid))) {
		mem_free(&s->mem, copy);
		svc_nomem(s);
		return;
	}
	mem_free(&s->mem, r->subject);
	mem_free(&s->mem, r->subject_from);
	r->subject = copy;
	r->subject_from = from;
	r->subject_time_ms = svc_now(s);
	r->subject_timed = true;
	room_store_changed(r);
	tmpl_init(&t, s, "message", o->occupant_jid);
	buf_attr(&t.b, "type", "groupchat");
	if (copy) {
		buf_puts(&t.b, "><subject>");
		buf_puts_escaped(&t.b, copy);
		buf_puts(&t.b, "</subject></message>");
	} else {
		buf_puts(&t.b, "><subject/></message>");
	}
	tmpl_send_room(r, &t, NULL);
	tmpl_free(&t);
}

/* Drops the children name/ns that claim to be from the room. */
static void strip_claiming_room(muc_service *s, muc_room *r, xnode *msg,
				const char *name, const char *ns)
{
	xnode *c = xnode_child(msg, name, ns), *next;
	for (; c; c = next) {
		const char *by = xnode_attr(c, "from");
		next = xnode_next(c, name, ns);
		if (by && strcmp(by, r->jid) == 0) {
			xnode_unlink(msg, c);
			xnode_free(&s->mem, c);
		}
	}
}

/* Drops delays that claim to be the room's own (XEP-0203 and the legacy
 * jabber:x:delay), as the reference does: only the room stamps history. */
static void strip_forged_delays(muc_service *s, muc_room *r, xnode *msg)
{
	strip_claiming_room(s, r, msg, "delay", NS_DELAY);
	strip_claiming_room(s, r, msg, "x", "jabber:x:delay");
}

static void groupchat(muc_service *s, muc_room *r, stanza *st)
{
	muc_occupant *o = room_occupant_by_real(r, st->from.full);
	const xnode *subject = xnode_child(st->x, "subject", NS_CLIENT);
	/* Every groupchat message gets an id before anything else, so that
	 * even a refusal names it, as the reference does. */
	if (!st->id) {
		char idbuf[128];
		if (!svc_new_id(s, idbuf, sizeof idbuf) ||
		    !xnode_set_attr(&s->mem, st->x, "id", idbuf)) {
			svc_nomem(s);
			return;
		}
		st->id = xnode_attr(st->x, "id");
	}
	strip_forged_delays(s, r, st->x);
	if (!o) {
		send_error(s, st, "cancel", "not-acceptable",
			   "You are not currently connected to this chat",
			   NULL);
		return;
	}
	if (!perm_speak(o)) {
		send_error(s, st, "auth", "forbidden",
			   "You do not currently have permission to speak in "
			   "this chat",
			   NULL);
		return;
	}
	/* Prosody issue 667: subject with a body or thread is a message. */
	if (subject && !xnode_child(st->x, "body", NS_CLIENT) &&
	    !xnode_child(st->x, "thread", NS_CLIENT)) {
		if (perm_change_subject(r, o))
			change_subject(s, r, o, subject);
		else
			send_error(s, st, "auth", "forbidden",
				   "You are not allowed to change the subject",
				   NULL);
		return;
	}
	if (!occupant_id_stamp(s, st->x, o)) {
		svc_nomem(s);
		return;
	}
	broadcast_message(r, st->x, o->occupant_jid);
	if (!xnode_set_attr(&s->mem, st->x, "from", o->occupant_jid)) {
		svc_nomem(s);
		return;
	}
	history_add(r, st->x);
}

/* The 'to' of an invitation or a decline; false (answered) if it is not
 * a JID. */
static bool parse_to(muc_service *s, stanza *st, const xnode *payload,
		     jid *out)
{
	int rc = jid_parse(&s->mem, xnode_attr(payload, "to"), out);
	if (rc == MUC_ERR_NOMEM)
		svc_nomem(s);
	else if (rc)
		send_error(s, st, "cancel", "jid-malformed", NULL, NULL);
	return rc == MUC_OK;
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
		if (!(c->name && (strcmp(c->ns, NS_MUC_USER) == 0 ||
				  strcmp(c->ns, NS_MUC) == 0)))
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
	invite_verdict verdict;
	if (!parse_to(s, st, payload, &invitee))
		return;
	verdict = perm_invite(r, role, a);
	if (verdict != INVITE_OK) {
		/* the members-only refusal names the room (as the reference) */
		send_error(s, st, "auth", "forbidden", NULL,
			   verdict == INVITE_MEMBERS_ONLY ? r->jid : NULL);
		jid_free(&s->mem, &invitee);
		return;
	}
	/* In a semi-anonymous room an invitee who would not be a moderator
	 * learns the inviter's occupant JID, not the real one. */
	actor = st->from.full;
	/* An occupant inviting from another of its sessions is still shown
	 * by its occupant JID (the reference would show the real JID). */
	if (!o) {
		muc_occupant *n;
		for (n = r->first; n; n = n->next)
			if (strcmp(n->bare_jid, st->from.bare) == 0) {
				o = n;
				break;
			}
	}
	if (o && r->cfg.whois == WHOIS_MODERATORS &&
	    room_default_role(r, affil_get(r, invitee.full)) !=
		    MUC_ROLE_MODERATOR)
		actor = o->occupant_jid;
	/* §9.3: an invitation into a members-only room makes a member. */
	if (r->cfg.members_only &&
	    affil_get(r, invitee.full) <= MUC_AFFIL_NONE) {
		buf why;
		buf_init(&why, &s->mem);
		buf_puts(&why, "Invited by ");
		buf_puts(&why, actor);
		if (!buf_ok(&why) ||
		    room_set_affiliation(r, NULL, invitee.bare,
					 MUC_AFFIL_MEMBER, why.data, NULL,
					 false, NULL, NULL) == MUC_ERR_NOMEM)
			svc_nomem(s);
		buf_free(&why);
	}
	mediate(s, r, st, payload, true, invitee.full, actor);
	jid_free(&s->mem, &invitee);
}

static void decline(muc_service *s, muc_room *r, stanza *st,
		    const xnode *payload)
{
	jid to;
	muc_occupant *target;
	if (!parse_to(s, st, payload, &to))
		return;
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
	/* Chat and headline messages are not the room's business: the
	 * server answers for it, as Prosody's does. An unknown type is
	 * "normal" (RFC 6121 §5.2.2). */
	if (type && (strcmp(type, "chat") == 0 ||
		     strcmp(type, "headline") == 0)) {
		send_error(s, st, "cancel", "service-unavailable", NULL, NULL);
		return;
	}
	x = xnode_child(st->x, "x", NS_MUC_USER);
	if (!x) {
		if (is_request_form(st->x))
			voice_request(s, r, st);
		else
			send_error(s, st, "cancel", "service-unavailable",
				   NULL, NULL);
		return;
	}
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

/* The refusal goes to every session of the sender, from the recipient's
 * occupant JID, worded as Prosody 13 words it. */
static void refuse_pm(muc_service *s, muc_room *r, stanza *st,
		      const muc_occupant *from)
{
	static const char *const who[] = {"", "from guests",
					  "from non-moderators",
					  "from non-members", "in this group"};
	char text[64];
	session *ss;
	char *saved = st->from.full;
	snprintf(text, sizeof text, "Private messages are restricted %s",
		 who[r->cfg.allow_pm <= PM_NONE ? r->cfg.allow_pm : PM_NONE]);
	for (ss = from->sessions; ss; ss = ss->next) {
		st->from.full = ss->real_jid;
		send_error(s, st, "cancel", "policy-violation", text, r->jid);
	}
	st->from.full = saved;
}

void message_to_occupant(muc_service *s, muc_room *r, stanza *st)
{
	muc_occupant *from = room_occupant_by_real(r, st->from.full), *to;
	const char *type = st->type;
	xnode *x;
	session *ss;
	if (!from) {
		if (!type || strcmp(type, "error") != 0)
			send_error(s, st, "cancel", "not-acceptable",
				   "You are not currently connected to this "
				   "chat",
				   r->jid);
		return;
	}
	if (type && strcmp(type, "groupchat") == 0) {
		send_error(s, st, "modify", "bad-request", NULL, r->jid);
		return;
	}
	/* An error from a client that is gone removes it; any other error
	 * is passed on like a private message (as the reference). */
	if (type && strcmp(type, "error") == 0 &&
	    occupant_kick_for_error(r, st, true))
		return;
	to = room_occupant_by_nick(r, st->to.resource);
	if (!to) {
		send_error(s, st, "cancel", "item-not-found",
			   "Recipient not in room", r->jid);
		return;
	}
	if (!perm_private_message(r, from, to)) {
		refuse_pm(s, r, st, from);
		return;
	}
	strip_muc_elements(s, st->x);
	x = xnode_add(&s->mem, st->x, "x", NS_MUC_USER);
	if (!x || !occupant_id_stamp(s, st->x, from)) {
		svc_nomem(s);
		return;
	}
	for (ss = to->sessions; ss; ss = ss->next)
		send_node(s, st->x, ss->real_jid, from->occupant_jid);
}
