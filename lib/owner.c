/* muc#owner (XEP-0045 §10): the configuration form and room destruction.
 * Only owners may ask. */
#include "common.h"

#include <string.h>

void owner_iq(muc_service *s, muc_room *r, stanza *st, const xnode *q)
{
	const xnode *child;
	if (!perm_configure(r, st->from.full)) {
		send_error(s, st, "auth", "forbidden",
			   "Only owners can configure rooms", NULL);
		return;
	}
	if (strcmp(st->type, "get") == 0) {
		xnode *reply = xnode_new(&s->mem, "query", NS_MUC_OWNER);
		xnode *form = reply ? config_form(r) : NULL;
		if (!form) {
			xnode_free(&s->mem, reply);
			svc_nomem(s);
			return;
		}
		xnode_append(reply, form);
		send_result(s, st, reply);
		xnode_free(&s->mem, reply);
		return;
	}
	child = xnode_first(q);
	if (!child) {
		send_error(s, st, "modify", "bad-request", NULL, NULL);
		return;
	}
	if (strcmp(child->name, "destroy") == 0) {
		/* The presences go first, then the result (as the reference). */
		room_destroy(r, xnode_child_text(child, "reason", NULL),
			     xnode_attr(child, "jid"),
			     xnode_child_text(child, "password", NULL));
		send_result(s, st, NULL);
		return;
	}
	if (strcmp(child->name, "x") == 0 && strcmp(child->ns, NS_DATA) == 0) {
		config_submit(r, st, child);
		return;
	}
	send_error(s, st, "cancel", "service-unavailable", NULL, NULL);
}
