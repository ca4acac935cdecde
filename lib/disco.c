/* Service discovery (XEP-0045 §6): what the room is, and the reserved
 * nickname lookup (§7.12, node x-roomuser-item). */
#include "common.h"

#include <stdio.h>
#include <string.h>

static bool feature(const muc_mem *m, xnode *q, const char *var)
{
	xnode *f = xnode_add(m, q, "feature", NULL);
	return f && xnode_set_attr(m, f, "var", var);
}

void disco_room_info(muc_service *s, muc_room *r, stanza *st,
		     const xnode *q)
{
	const muc_mem *m = &s->mem;
	const char *node = xnode_attr(q, "node");
	const room_config *c = &r->cfg;
	xnode *reply = xnode_new(m, "query", NS_DISCO_INFO), *id, *x, *f;
	char num[32];
	bool ok = reply != NULL;
	if (ok && node) {
		ok = xnode_set_attr(m, reply, "node", node);
		if (ok && strcmp(node, "x-roomuser-item") == 0) {
			affil_entry *e = affil_entry_get(r, st->from.bare);
			if (e && e->nick) {
				id = xnode_add(m, reply, "identity", NULL);
				ok = id &&
				     xnode_set_attr(m, id, "category",
						    "conference") &&
				     xnode_set_attr(m, id, "name", e->nick) &&
				     xnode_set_attr(m, id, "type", "text");
			}
		} else if (ok) {
			xnode_free(m, reply);
			send_error(s, st, "cancel", "item-not-found", NULL,
				   NULL);
			return;
		}
		goto send;
	}
	id = ok ? xnode_add(m, reply, "identity", NULL) : NULL;
	ok = id && xnode_set_attr(m, id, "category", "conference") &&
	     xnode_set_attr(m, id, "type", "text") &&
	     (!c->name || xnode_set_attr(m, id, "name", c->name)) &&
	     feature(m, reply, NS_MUC) &&
	     feature(m, reply, c->public_ ? "muc_public" : "muc_hidden") &&
	     feature(m, reply,
		     c->persistent ? "muc_persistent" : "muc_temporary") &&
	     feature(m, reply, c->members_only ? "muc_membersonly" : "muc_open") &&
	     feature(m, reply,
		     c->moderated ? "muc_moderated" : "muc_unmoderated") &&
	     feature(m, reply, c->whois == WHOIS_ANYONE ? "muc_nonanonymous"
							: "muc_semianonymous") &&
	     feature(m, reply, c->password ? "muc_passwordprotected"
					   : "muc_unsecured") &&
	     feature(m, reply, NS_REGISTER);
	x = ok ? xnode_add(m, reply, "x", NS_DATA) : NULL;
	f = x ? xnode_add(m, x, "field", NULL) : NULL;
	ok = f && xnode_set_attr(m, x, "type", "result") &&
	     xnode_set_attr(m, f, "var", "FORM_TYPE") &&
	     xnode_set_attr(m, f, "type", "hidden") &&
	     xnode_add_text_child(m, f, "value",
				  "http://jabber.org/protocol/muc#roominfo");
	snprintf(num, sizeof num, "%zu", r->noccupants);
	f = ok ? xnode_add(m, x, "field", NULL) : NULL;
	ok = f && xnode_set_attr(m, f, "var", "muc#roominfo_occupants") &&
	     xnode_set_attr(m, f, "label", "Number of occupants") &&
	     xnode_add_text_child(m, f, "value", num);
	if (ok && c->description) {
		f = xnode_add(m, x, "field", NULL);
		ok = f &&
		     xnode_set_attr(m, f, "var", "muc#roominfo_description") &&
		     xnode_set_attr(m, f, "label", "Description") &&
		     xnode_add_text_child(m, f, "value", c->description);
	}
send:
	if (ok)
		send_result(s, st, reply);
	else
		svc_nomem(s);
	xnode_free(m, reply);
}
