/* iq routing: to a room (admin, owner, register, disco, ping), to an
 * occupant (forwarded between occupants, §7.5, and XEP-0410 self-ping),
 * and to the service itself (disco, the destroy ad-hoc command). */
#include "common.h"
#include "sha256.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS_PING "urn:xmpp:ping"
#define NODE_DESTROY "http://prosody.im/protocol/muc#destroy"

static bool is_request(const stanza *st)
{
	return st->type && (strcmp(st->type, "get") == 0 ||
			    strcmp(st->type, "set") == 0);
}

void iq_to_room(muc_service *s, muc_room *r, stanza *st)
{
	const xnode *q = xnode_first(st->x);
	bool get;
	if (!is_request(st))
		return; /* results and errors to a room answer nothing */
	if (!q || xnode_next(q, NULL, NULL)) {
		send_error(s, st, "modify", "bad-request", NULL, NULL);
		return;
	}
	get = strcmp(st->type, "get") == 0;
	if (strcmp(q->ns, NS_MUC_ADMIN) == 0)
		admin_iq(s, r, st, q);
	else if (strcmp(q->ns, NS_MUC_OWNER) == 0)
		owner_iq(s, r, st, q);
	else if (strcmp(q->ns, NS_REGISTER) == 0)
		register_iq(s, r, st, q);
	else if (get && strcmp(q->ns, NS_DISCO_INFO) == 0)
		disco_room_info(s, r, st, q);
	else if (get && strcmp(q->ns, NS_DISCO_ITEMS) == 0) {
		xnode *reply = xnode_new(&s->mem, "query", NS_DISCO_ITEMS);
		if (reply)
			send_result(s, st, reply);
		else
			svc_nomem(s);
		xnode_free(&s->mem, reply);
	} else if (get && strcmp(q->ns, NS_PING) == 0)
		send_result(s, st, NULL);
	else
		send_error(s, st, "cancel", "service-unavailable", NULL, NULL);
}

/* A forwarded request's id carries what routes its answer back without
 * state, as the reference builds it: base64 of the target session's JID,
 * the original id, and 8 bytes of an HMAC of the requester's JID keyed
 * with the room's secret (so the target never learns the requester). */
static bool encode_id(muc_room *r, buf *b, const char *target,
		      const char *id, const char *requester)
{
	unsigned char mac[32];
	size_t lt = strlen(target), li = strlen(id ? id : ""), n;
	unsigned char *raw;
	char *out;
	hmac_sha256(r->oid_salt, strlen(r->oid_salt), requester,
		    strlen(requester), mac);
	n = lt + 1 + li + 1 + 8;
	raw = mem_alloc(&r->svc->mem, n);
	out = mem_alloc(&r->svc->mem, (n + 2) / 3 * 4 + 1);
	if (!raw || !out) {
		mem_free(&r->svc->mem, raw);
		mem_free(&r->svc->mem, out);
		return false;
	}
	memcpy(raw, target, lt);
	raw[lt] = 0;
	memcpy(raw + lt + 1, id ? id : "", li);
	raw[lt + 1 + li] = 0;
	memcpy(raw + lt + 2 + li, mac, 8);
	base64_encode(raw, n, out);
	buf_puts(b, out);
	mem_free(&r->svc->mem, raw);
	mem_free(&r->svc->mem, out);
	return buf_ok(b);
}

/* Routes an answer back: finds the requester's session among the sessions
 * of the occupant it is addressed to. */
static void route_answer(muc_service *s, muc_room *r, stanza *st,
			 muc_occupant *req)
{
	size_t n = strlen(st->id);
	unsigned char *raw = mem_alloc(&s->mem, n / 4 * 3 + 4);
	long k;
	if (!raw) {
		svc_nomem(s);
		return;
	}
	k = base64_decode(st->id, n, raw);
	const char *target, *orig;
	size_t lt, lo;
	muc_occupant *from;
	session *ss;
	if (k < 0)
		goto out;
	/* target \0 orig \0 8 bytes */
	target = (const char *)raw;
	lt = strnlen(target, (size_t)k);
	if (lt + 1 >= (size_t)k)
		goto out;
	orig = target + lt + 1;
	lo = strnlen(orig, (size_t)k - lt - 1);
	if (lt + 1 + lo + 1 + 8 != (size_t)k)
		goto out;
	{
		jid t;
		bool same = false;
		if (jid_parse(&s->mem, target, &t) == MUC_OK) {
			same = strcmp(st->from.full, t.full) == 0 ||
			       strcmp(st->from.full, t.bare) == 0;
			jid_free(&s->mem, &t);
		}
		if (!same)
			goto out;
	}
	from = room_occupant_by_real(r, target);
	if (!from)
		goto out;
	for (ss = req->sessions; ss; ss = ss->next) {
		unsigned char mac[32];
		hmac_sha256(r->oid_salt, strlen(r->oid_salt), ss->real_jid,
			    strlen(ss->real_jid), mac);
		if (memcmp(mac, orig + lo + 1, 8) == 0)
			break;
	}
	if (ss && xnode_set_attr(&s->mem, st->x, "id", orig))
		send_node(s, st->x, ss->real_jid, from->occupant_jid);
out:
	mem_free(&s->mem, raw);
}

void iq_to_occupant(muc_service *s, muc_room *r, stanza *st)
{
	muc_occupant *from = room_occupant_by_real(r, st->from.full);
	muc_occupant *to = room_occupant_by_nick(r, st->to.resource);
	const xnode *q = xnode_first(st->x);
	buf idb;
	if (!is_request(st)) {
		/* An answer to a forwarded request: back to the requester. */
		if (to && st->id)
			route_answer(s, r, st, to);
		return;
	}
	if (!from) {
		send_error(s, st, "cancel", "not-acceptable",
			   "You are not currently connected to this chat",
			   r->jid);
		return;
	}
	if (!to) {
		send_error(s, st, "cancel", "item-not-found",
			   "Recipient not in room", r->jid);
		return;
	}
	/* XEP-0410: a ping to one's own occupant JID is answered here. */
	if (from == to && q && strcmp(q->ns, NS_PING) == 0 &&
	    strcmp(st->type, "get") == 0) {
		send_result(s, st, NULL);
		return;
	}
	buf_init(&idb, &s->mem);
	if (!encode_id(r, &idb, to->sessions->real_jid, st->id,
		       st->from.full) ||
	    !xnode_set_attr(&s->mem, st->x, "id", idb.data)) {
		buf_free(&idb);
		svc_nomem(s);
		return;
	}
	buf_free(&idb);
	/* vCards and PEP are asked of the bare JID (§7.5, as the reference). */
	if (q && (strcmp(q->ns, "vcard-temp") == 0 ||
		  strcmp(q->ns, "http://jabber.org/protocol/pubsub") == 0 ||
		  strcmp(q->ns, "urn:ietf:params:xml:ns:vcard-4.0") == 0)) {
		jid j;
		if (jid_parse(&s->mem, to->sessions->real_jid, &j) == MUC_OK) {
			send_node(s, st->x, j.bare, from->occupant_jid);
			jid_free(&s->mem, &j);
		}
		return;
	}
	send_node(s, st->x, to->sessions->real_jid, from->occupant_jid);
}

static void service_disco_info(muc_service *s, stanza *st)
{
	const muc_mem *m = &s->mem;
	xnode *q = xnode_new(m, "query", NS_DISCO_INFO), *id = NULL, *f;
	/* the reference's order, without its archive feature */
	static const char *const features[] = {
		NS_OCCUPANT_ID, NS_MUC, NS_DISCO_INFO, NS_DISCO_ITEMS,
		NS_COMMANDS, "http://jabber.org/protocol/muc#unique"};
	size_t i;
	bool ok = q && (id = xnode_add(m, q, "identity", NULL)) &&
		  xnode_set_attr(m, id, "type", "text") &&
		  xnode_set_attr(m, id, "category", "conference") &&
		  xnode_set_attr(m, id, "name", "Prosody Chatrooms");
	for (i = 0; ok && i < sizeof features / sizeof *features; i++) {
		f = xnode_add(m, q, "feature", NULL);
		ok = f && xnode_set_attr(m, f, "var", features[i]);
	}
	if (ok)
		send_result(s, st, q);
	else
		svc_nomem(s);
	xnode_free(m, q);
}

/* Public rooms (§6.3): unlocked, not hidden. */
static void service_disco_items(muc_service *s, stanza *st)
{
	const muc_mem *m = &s->mem;
	xnode *q = xnode_new(m, "query", NS_DISCO_ITEMS);
	muc_room *r;
	bool ok = q != NULL;
	for (r = s->room_first; r && ok; r = r->next) {
		xnode *it;
		if (!r->cfg.public_)
			continue;
		it = xnode_add(m, q, "item", NULL);
		ok = it && xnode_set_attr(m, it, "jid", r->jid) &&
		     (!r->cfg.name ||
		      xnode_set_attr(m, it, "name", r->cfg.name));
	}
	if (ok)
		send_result(s, st, q);
	else
		svc_nomem(s);
	xnode_free(m, q);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The form of the destroy command, listing every room (sorted). */
static bool destroy_form(muc_service *s, xnode *cmd)
{
	const muc_mem *m = &s->mem;
	xnode *x = xnode_add(m, cmd, "x", NS_DATA), *f, *ft, *acts;
	const char **jids = NULL;
	muc_room *r;
	size_t n = 0, i;
	bool ok = x && xnode_set_attr(m, x, "type", "form") &&
		  xnode_add_text_child(m, x, "title", "Destroy rooms") &&
		  xnode_add_text_child(m, x, "instructions",
				       "Select the rooms to destroy") &&
		  (ft = xnode_add(m, x, "field", NULL)) &&
		  xnode_set_attr(m, ft, "type", "hidden") &&
		  xnode_set_attr(m, ft, "var", "FORM_TYPE") &&
		  xnode_add_text_child(m, ft, "value", NODE_DESTROY) &&
		  (f = xnode_add(m, x, "field", NULL)) &&
		  xnode_set_attr(m, f, "type", "list-multi") &&
		  xnode_set_attr(m, f, "label", "Rooms to destroy:") &&
		  xnode_set_attr(m, f, "var", "rooms");
	if (ok && s->nrooms) {
		jids = mem_alloc(m, s->nrooms * sizeof *jids);
		ok = jids != NULL;
		for (r = s->room_first; ok && r; r = r->next)
			jids[n++] = r->jid;
		if (ok)
			qsort(jids, n, sizeof *jids, cmp_str);
	}
	for (i = 0; ok && i < n; i++) {
		xnode *o = xnode_add(m, f, "option", NULL);
		ok = o && xnode_set_attr(m, o, "label", jids[i]) &&
		     xnode_add_text_child(m, o, "value", jids[i]);
	}
	mem_free(m, jids);
	return ok && xnode_add(m, f, "required", NULL) &&
	       (acts = xnode_add(m, cmd, "actions", NULL)) &&
	       xnode_set_attr(m, acts, "execute", "complete") &&
	       xnode_add(m, acts, "next", NULL) &&
	       xnode_add(m, acts, "complete", NULL);
}

/* The reference's ad-hoc command (XEP-0050) for service admins: destroy
 * rooms. */
static void destroy_command(muc_service *s, stanza *st, const xnode *cmd)
{
	static const char denied[] =
		"You don't have permission to execute this command";
	const muc_mem *m = &s->mem;
	const xnode *x = xnode_child(cmd, "x", NS_DATA), *f = NULL, *v;
	xnode *reply = xnode_new(m, "command", NS_COMMANDS), *note;
	buf text;
	char sid[128];
	buf_init(&text, m);
	if (!reply || !xnode_set_attr(m, reply, "node", NODE_DESTROY))
		goto nomem;
	if (!svc_is_admin(s, st->from.bare)) {
		send_command_denied(s, st, NODE_DESTROY, denied);
		goto done;
	}
	if (!svc_new_id(s, sid, sizeof sid) ||
	    !xnode_set_attr(m, reply, "sessionid", sid))
		goto nomem;
	if (!x) {
		/* No form yet: offer it (XEP-0050 §3.4). */
		if (!xnode_set_attr(m, reply, "status", "executing") ||
		    !destroy_form(s, reply))
			goto nomem;
		send_result(s, st, reply);
		goto done;
	}
	for (f = xnode_child(x, "field", NULL); f;
	     f = xnode_next(f, "field", NULL)) {
		const char *var = xnode_attr(f, "var");
		if (var && strcmp(var, "rooms") == 0 &&
		    xnode_child(f, "value", NULL))
			break;
	}
	if (!xnode_set_attr(m, reply, "status", "completed") ||
	    !(note = xnode_add(m, reply, "note", NULL)))
		goto nomem;
	if (!f) {
		static const char missing[] = "rooms: Required value missing";
		if (!xnode_set_attr(m, note, "type", "error") ||
		    !xnode_add_text(m, note, missing, sizeof missing - 1))
			goto nomem;
	} else {
		buf_puts(&text, "The following rooms were destroyed:");
		for (v = xnode_child(f, "value", NULL); v;
		     v = xnode_next(v, "value", NULL)) {
			int rc;
			char *bare = jid_prep_bare(m, xnode_text(v) ?
							   xnode_text(v) : "",
						   &rc);
			muc_room *r = bare ? strmap_get(&s->rooms, bare) : NULL;
			if (r) {
				buf_putc(&text, '\n');
				buf_puts(&text, r->jid);
				room_destroy(r, NULL, NULL, NULL);
			}
			mem_free(m, bare);
		}
		if (!buf_ok(&text) || !xnode_set_attr(m, note, "type", "info") ||
		    !xnode_add_text(m, note, text.data, text.len))
			goto nomem;
	}
	send_result(s, st, reply);
	goto done;
nomem:
	svc_nomem(s);
done:
	buf_free(&text);
	xnode_free(m, reply);
}

void iq_to_service(muc_service *s, stanza *st)
{
	const xnode *q = xnode_first(st->x);
	bool get;
	if (!is_request(st))
		return;
	if (!q) {
		send_error(s, st, "modify", "bad-request", NULL, NULL);
		return;
	}
	get = strcmp(st->type, "get") == 0;
	if (get && strcmp(q->ns, NS_DISCO_INFO) == 0 && !xnode_attr(q, "node"))
		service_disco_info(s, st);
	else if (get && strcmp(q->ns, NS_DISCO_ITEMS) == 0 &&
		 !xnode_attr(q, "node"))
		service_disco_items(s, st);
	else if (get && strcmp(q->ns, NS_PING) == 0)
		send_result(s, st, NULL);
	else if (!get && strcmp(q->name, "command") == 0 &&
		 strcmp(q->ns, NS_COMMANDS) == 0 && xnode_attr(q, "node") &&
		 strcmp(xnode_attr(q, "node"), NODE_DESTROY) == 0)
		destroy_command(s, st, q);
	else
		send_error(s, st, "cancel", "service-unavailable", NULL, NULL);
}
