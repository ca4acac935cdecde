/* Registering with a room (XEP-0045 §7.10) and reserved nicknames: the
 * muc#register form, <remove/> to deregister, as the reference does it
 * (affiliated users only; registering reserves a nickname and makes the
 * user a member). */
#include "common.h"

#include <string.h>

static xnode *register_form(const muc_mem *m)
{
	xnode *q = xnode_new(m, "query", NS_REGISTER);
	xnode *x = q ? xnode_add(m, q, "x", NS_DATA) : NULL, *nick;
	bool ok = form_begin(m, x, "form", NULL, NULL, FORM_REGISTER);
	nick = ok ? form_add_field(m, x, "muc#register_roomnick",
				   "text-single", "Nickname", NULL)
		  : NULL;
	if (!nick || !xnode_add(m, nick, "required", NULL)) {
		xnode_free(m, q);
		return NULL;
	}
	return q;
}

static void submit(muc_service *s, muc_room *r, stanza *st, const xnode *q,
		   muc_affiliation a, const affil_entry *e)
{
	const xnode *x = xnode_child(q, "x", NS_DATA);
	const char *ft, *nick;
	jid nj;
	char *occ;
	int rc;
	muc_occupant *cur;
	affil_entry *holder;
	if (!x) {
		send_error(s, st, "modify", "bad-request", "Missing dataform",
			   NULL);
		return;
	}
	ft = form_value(x, "FORM_TYPE");
	if (!ft || strcmp(ft, FORM_REGISTER) != 0) {
		send_error(s, st, "modify", "bad-request", "Error in form",
			   NULL);
		return;
	}
	nick = form_value(x, "muc#register_roomnick");
	rc = nick && *nick ? nick_check_strict(&s->mem, nick) : MUC_ERR_JID;
	if (rc == MUC_ERR_NOMEM) {
		send_error(s, st, "wait", "internal-server-error", NULL, NULL);
		svc_nomem(s);
		return;
	}
	if (rc != MUC_OK) {
		send_error(s, st, "modify", "bad-request", "Invalid Nickname",
			   NULL);
		return;
	}
	/* the nickname in its prepared form, via a room JID */
	occ = mem_alloc(&s->mem, strlen(r->jid) + strlen(nick) + 2);
	if (!occ) {
		svc_nomem(s);
		return;
	}
	strcpy(occ, r->jid);
	strcat(occ, "/");
	strcat(occ, nick);
	rc = jid_parse(&s->mem, occ, &nj);
	if (rc) {
		mem_free(&s->mem, occ);
		if (rc == MUC_ERR_NOMEM)
			svc_nomem(s);
		else
			send_error(s, st, "modify", "bad-request",
				   "Invalid Nickname", NULL);
		return;
	}
	mem_free(&s->mem, occ);
	cur = room_occupant_by_nick(r, nj.resource);
	holder = affil_by_reserved_nick(r, nj.resource);
	if ((cur && strcmp(cur->bare_jid, st->from.bare) != 0) ||
	    (holder && strcmp(holder->jid, st->from.bare) != 0)) {
		jid_free(&s->mem, &nj);
		send_error(s, st, "cancel", "conflict", NULL, NULL);
		return;
	}
	if (!e || !e->nick || strcmp(e->nick, nj.resource) != 0) {
		const char *et = "wait", *ec = "internal-server-error";
		if (room_set_affiliation(r, NULL, st->from.bare,
					 a == MUC_AFFIL_NONE ? MUC_AFFIL_MEMBER
							     : a,
					 NULL, nj.resource, true, &et, &ec)) {
			jid_free(&s->mem, &nj);
			send_error(s, st, et, ec, NULL, NULL);
			return;
		}
	}
	jid_free(&s->mem, &nj);
	send_result(s, st, NULL);
}

void register_iq(muc_service *s, muc_room *r, stanza *st, const xnode *q)
{
	affil_entry *e = affil_entry_get(r, st->from.bare);
	muc_affiliation a = affil_get(r, st->from.bare);
	if (a == MUC_AFFIL_OUTCAST) {
		send_error(s, st, "auth", "forbidden", NULL, NULL);
		return;
	}
	if (a == MUC_AFFIL_NONE) {
		send_error(s, st, "auth", "registration-required", NULL, NULL);
		return;
	}
	if (strcmp(st->type, "get") == 0) {
		xnode *reply;
		if (e && e->nick) {
			reply = xnode_new(&s->mem, "query", NS_REGISTER);
			if (reply && (!xnode_add(&s->mem, reply, "registered",
						 NULL) ||
				      !xnode_add_text_child(&s->mem, reply,
							    "username",
							    e->nick))) {
				xnode_free(&s->mem, reply);
				reply = NULL;
			}
		} else {
			reply = register_form(&s->mem);
		}
		if (!reply) {
			svc_nomem(s);
			return;
		}
		send_result(s, st, reply);
		xnode_free(&s->mem, reply);
		return;
	}
	if (xnode_child(q, "remove", NULL)) {
		/* Deregistering drops membership; higher affiliations stay. */
		const char *et = "wait", *ec = "internal-server-error";
		if (room_set_affiliation(r, NULL, st->from.bare,
					 a == MUC_AFFIL_MEMBER ? MUC_AFFIL_NONE
							       : a,
					 NULL, NULL, true, &et, &ec)) {
			send_error(s, st, et, ec, NULL, NULL);
			return;
		}
		send_result(s, st, NULL);
		return;
	}
	submit(s, r, st, q, a, e);
}
