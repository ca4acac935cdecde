/* iq routing: to a room (admin, owner, register, disco), to an occupant
 * (forwarded between occupants, §7.5, and XEP-0410 self-ping), and to the
 * service itself (disco, muc#unique; ad-hoc commands are adhoc.c's). */
#include "common.h"
#include "sha256.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS_PING "urn:xmpp:ping"

bool iq_is_request(const stanza *st)
{
	return st->kind == ST_IQ && st->type &&
	       (strcmp(st->type, "get") == 0 || strcmp(st->type, "set") == 0);
}

void iq_to_room(muc_service *s, muc_room *r, stanza *st)
{
	const xnode *q = xnode_first(st->x);
	bool get;
	if (!iq_is_request(st))
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
	} else
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
		int rc = jid_parse(&s->mem, target, &t);
		if (rc == MUC_OK) {
			same = strcmp(st->from.full, t.full) == 0 ||
			       strcmp(st->from.full, t.bare) == 0;
			jid_free(&s->mem, &t);
		} else if (rc == MUC_ERR_NOMEM) {
			svc_nomem(s);
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
	else if (ss)
		svc_nomem(s);
out:
	mem_free(&s->mem, raw);
}

void iq_to_occupant(muc_service *s, muc_room *r, stanza *st)
{
	muc_occupant *from = room_occupant_by_real(r, st->from.full);
	muc_occupant *to = room_occupant_by_nick(r, st->to.resource);
	const xnode *q = xnode_first(st->x);
	buf idb;
	if (!iq_is_request(st)) {
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
		} else {
			svc_nomem(s); /* a session's JID always parses */
		}
		return;
	}
	send_node(s, st->x, to->sessions->real_jid, from->occupant_jid);
}

static void service_disco_info(muc_service *s, stanza *st)
{
	const muc_mem *m = &s->mem;
	xnode *q = xnode_new(m, "query", NS_DISCO_INFO), *id = NULL;
	/* the reference's order, without its archive feature */
	static const char *const features[] = {
		NS_OCCUPANT_ID, NS_MUC, NS_DISCO_INFO, NS_DISCO_ITEMS,
		NS_COMMANDS, NS_MUC_UNIQUE};
	size_t i;
	bool ok = q && (id = xnode_add(m, q, "identity", NULL)) &&
		  xnode_set_attr(m, id, "type", "text") &&
		  xnode_set_attr(m, id, "category", "conference") &&
		  xnode_set_attr(m, id, "name", "Prosody Chatrooms");
	for (i = 0; ok && i < sizeof features / sizeof *features; i++)
		ok = disco_feature(m, q, features[i]);
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

/* XEP-0045 §10.1.4: a room name nobody has used, from the id hook. */
static void unique_name(muc_service *s, stanza *st)
{
	char id[128];
	xnode *u = xnode_new(&s->mem, "unique", NS_MUC_UNIQUE);
	if (u && svc_new_id(s, id, sizeof id) &&
	    xnode_add_text(&s->mem, u, id, strlen(id)))
		send_result(s, st, u);
	else
		svc_nomem(s);
	xnode_free(&s->mem, u);
}

void iq_to_service(muc_service *s, stanza *st)
{
	const xnode *q = xnode_first(st->x);
	bool get;
	if (!iq_is_request(st))
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
	else if (get && (strcmp(q->ns, NS_DISCO_INFO) == 0 ||
			 strcmp(q->ns, NS_DISCO_ITEMS) == 0))
		adhoc_disco(s, st, q);
	else if (get && strcmp(q->name, "unique") == 0 &&
		 strcmp(q->ns, NS_MUC_UNIQUE) == 0)
		unique_name(s, st);
	else if (!get && strcmp(q->name, "command") == 0 &&
		 strcmp(q->ns, NS_COMMANDS) == 0)
		adhoc_execute(s, st, q);
	else if (strcmp(q->name, "query") == 0 &&
		 (strcmp(q->ns, NS_MUC_ADMIN) == 0 ||
		  strcmp(q->ns, NS_MUC_OWNER) == 0))
		/* the reference looks these up as a room at the service's
		 * own address, and finds none */
		send_error(s, st, "cancel", "item-not-found", NULL, s->domain);
	else
		send_error(s, st, "cancel", "service-unavailable", NULL, NULL);
}
