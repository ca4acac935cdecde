/* Requesting voice (XEP-0045 §7.13) and answering such a request (§8.6):
 * a visitor's muc#request form goes to the moderators as the reference
 * words it; a moderator's submitted form with muc#request_allow grants
 * voice. */
#include "common.h"

#include <string.h>

#define FORM_REQUEST "http://jabber.org/protocol/muc#request"

bool is_request_form(const xnode *msg)
{
	const xnode *x = xnode_child(msg, "x", NS_DATA);
	const char *ft = x ? form_value(x, "FORM_TYPE") : NULL;
	return ft && strcmp(ft, FORM_REQUEST) == 0;
}

static bool field(const muc_mem *m, xnode *x, const char *var,
		  const char *type, const char *label, const char *desc,
		  const char *value, bool options)
{
	xnode *f = form_add_field(m, x, var, type, label, desc);
	int i;
	for (i = MUC_ROLE_NONE; f && options && i <= MUC_ROLE_MODERATOR; i++)
		if (!form_add_option(m, f, muc_role_name((muc_role)i),
				     muc_role_name((muc_role)i)))
			return false;
	return form_add_value(m, f, value);
}

static void forward_request(muc_room *r, stanza *st, muc_occupant *o)
{
	muc_service *s = r->svc;
	const muc_mem *m = &s->mem;
	xnode *msg = xnode_new(m, "message", NS_CLIENT), *x;
	muc_occupant *n;
	bool ok = msg && xnode_set_attr(m, msg, "type", "normal") &&
		  (x = xnode_add(m, msg, "x", NS_DATA)) &&
		  form_begin(m, x, "form", "Voice Request", NULL,
			     FORM_REQUEST) &&
		  field(m, x, "muc#jid", "jid-single", "User ID",
			"The user's JID (address)", st->from.full, false) &&
		  field(m, x, "muc#roomnick", "text-single", "Room nickname",
			"The user's nickname within the room", o->nick,
			false) &&
		  field(m, x, "muc#role", "list-single", "Requested role",
			NULL, "participant", true) &&
		  field(m, x, "muc#request_allow", "boolean",
			"Grant voice to this person?",
			"Specify whether this person is able to speak in a "
			"moderated room",
			"0", false);
	if (!ok) {
		xnode_free(m, msg);
		svc_nomem(s);
		return;
	}
	for (n = r->first; n; n = n->next) {
		session *ss;
		if (n->role != MUC_ROLE_MODERATOR)
			continue;
		for (ss = n->sessions; ss; ss = ss->next)
			send_node(s, msg, ss->real_jid, r->jid);
	}
	xnode_free(m, msg);
}

void voice_request(muc_service *s, muc_room *r, stanza *st)
{
	muc_occupant *o = room_occupant_by_real(r, st->from.full), *target;
	const xnode *x = xnode_child(st->x, "x", NS_DATA);
	const char *allow, *who;
	if (!o)
		return; /* the reference answers nothing to non-occupants */
	if (o->role != MUC_ROLE_MODERATOR) {
		if (o->role == MUC_ROLE_VISITOR)
			forward_request(r, st, o);
		return;
	}
	allow = form_value(x, "muc#request_allow");
	who = form_value(x, "muc#jid");
	if (!allow || !(strcmp(allow, "1") == 0 || strcmp(allow, "true") == 0))
		return;
	target = who ? room_occupant_by_real(r, who) : NULL;
	if (!target || target->role != MUC_ROLE_VISITOR)
		return;
	{
		const char *et = NULL, *ec = NULL;
		if (room_set_role(r, st->from.full, target,
				  MUC_ROLE_PARTICIPANT, "Voice granted", &et,
				  &ec))
			send_error(s, st, et, ec, NULL, NULL);
	}
}
