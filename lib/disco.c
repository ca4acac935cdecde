/* Service discovery (XEP-0045 §6): what the room is, and the reserved
 * nickname lookup (§7.12, node x-roomuser-item). */
#include "common.h"

#include <stdio.h>
#include <string.h>

bool disco_feature(const muc_mem *m, xnode *q, const char *var)
{
	xnode *f = xnode_add(m, q, "feature", NULL);
	return f && xnode_set_attr(m, f, "var", var);
}

/* A form field; value NULL: none shown. */
static bool info_field(const muc_mem *m, xnode *x, const char *var,
		       const char *type, const char *label, const char *value)
{
	xnode *f = form_add_field(m, x, var, type, label, NULL);
	return f && (!value || form_add_value(m, f, value));
}

void disco_room_info(muc_service *s, muc_room *r, stanza *st,
		     const xnode *q)
{
	const muc_mem *m = &s->mem;
	const char *node = xnode_attr(q, "node");
	const room_config *c = &r->cfg;
	xnode *reply = xnode_new(m, "query", NS_DISCO_INFO), *id, *x;
	char num[32];
	bool ok = reply != NULL;
	if (ok && node)
		ok = xnode_set_attr(m, reply, "node", node);
	/* a node the room does not know is empty, as the reference answers;
	 * an empty one is no node */
	if (ok && node && *node) {
		if (strcmp(node, "x-roomuser-item") == 0) {
			affil_entry *e = affil_entry_get(r, st->from.bare);
			if (e && e->nick) {
				id = xnode_add(m, reply, "identity", NULL);
				ok = id &&
				     xnode_set_attr(m, id, "category",
						    "conference") &&
				     xnode_set_attr(m, id, "name", e->nick) &&
				     xnode_set_attr(m, id, "type", "text");
			}
		}
		goto send;
	}
	/* The reference's features and form, in its order (its archive
	 * features left out: archiving is the host's business). */
	ok = ok && disco_feature(m, reply, NS_MUC) &&
	     disco_feature(m, reply, "http://jabber.org/protocol/muc#stable_id") &&
	     disco_feature(m, reply,
		     "http://jabber.org/protocol/muc#self-ping-optimization") &&
	     disco_feature(m, reply,
		     c->moderated ? "muc_moderated" : "muc_unmoderated") &&
	     disco_feature(m, reply, c->whois == WHOIS_ANYONE ? "muc_nonanonymous"
							: "muc_semianonymous");
	id = ok ? xnode_add(m, reply, "identity", NULL) : NULL;
	ok = id && xnode_set_attr(m, id, "type", "text") &&
	     xnode_set_attr(m, id, "category", "conference") &&
	     (!c->name || xnode_set_attr(m, id, "name", c->name)) &&
	     disco_feature(m, reply, c->password ? "muc_passwordprotected"
					   : "muc_unsecured") &&
	     disco_feature(m, reply, "http://jabber.org/protocol/muc#request") &&
	     disco_feature(m, reply,
		     c->persistent ? "muc_persistent" : "muc_temporary") &&
	     disco_feature(m, reply, NS_REGISTER) &&
	     disco_feature(m, reply, c->members_only ? "muc_membersonly" : "muc_open") &&
	     disco_feature(m, reply, NS_OCCUPANT_ID) &&
	     disco_feature(m, reply, c->public_ ? "muc_public" : "muc_hidden");
	x = ok ? xnode_add(m, reply, "x", NS_DATA) : NULL;
	ok = form_begin(m, x, "result", NULL, NULL,
			"http://jabber.org/protocol/muc#roominfo");
	snprintf(num, sizeof num, "%zu", r->noccupants);
	ok = ok &&
	     info_field(m, x, "muc#roominfo_occupants", "text-single",
			"Number of occupants", num) &&
	     info_field(m, x, "muc#roominfo_lang", "text-single", NULL,
			c->language ? c->language : "") &&
	     info_field(m, x, "muc#roominfo_description", "text-single",
			"Description", c->description ? c->description : "") &&
	     info_field(m, x, "muc#roomconfig_roomname", "text-single", "Title",
			c->name) &&
	     info_field(m, x,
			"{http://prosody.im/protocol/muc}"
			"roomconfig_allowmemberinvites",
			"boolean", "Allow members to invite new members",
			c->allow_member_invites ? "1" : "0") &&
	     info_field(m, x, "muc#roomconfig_allowinvites", "boolean",
			"Allow users to invite other users",
			!c->members_only || c->allow_member_invites ? "1"
								     : "0") &&
	     info_field(m, x, "muc#roomconfig_changesubject", "boolean", NULL,
			c->change_subject ? "1" : NULL);
send:
	if (ok)
		send_result(s, st, reply);
	else
		svc_nomem(s);
	xnode_free(m, reply);
}
