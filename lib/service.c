/* The service object and the edge: stanzas come in here, are parsed and
 * checked once, and are dispatched to the room, occupant or service
 * handler by their kind and address (XEP-0045 §6 for the service itself). */
#include "common.h"

#include <mxml.h>
#include <string.h>

/* Defaults chosen to bound memory per stanza; see README "Limits". */
#define DEFAULT_MAX_STANZA (256 * 1024)
#define DEFAULT_MAX_DEPTH 32

int muc_callbacks_new(muc_callbacks **out)
{
	muc_mem m;
	if (!out)
		return MUC_ERR_INVALID;
	mem_init(&m, NULL);
	*out = mem_calloc(&m, sizeof **out);
	return *out ? MUC_OK : MUC_ERR_NOMEM;
}

void muc_callbacks_del(muc_callbacks *cb)
{
	muc_mem m;
	mem_init(&m, NULL);
	mem_free(&m, cb);
}

void muc_callbacks_set_deliver(muc_callbacks *cb, muc_deliver_fn fn)
{
	if (cb)
		cb->deliver = fn;
}

void muc_callbacks_set_clock(muc_callbacks *cb, muc_clock_fn fn)
{
	if (cb)
		cb->clock = fn;
}

void muc_callbacks_set_id(muc_callbacks *cb, muc_id_fn fn)
{
	if (cb)
		cb->id = fn;
}

void muc_callbacks_set_log(muc_callbacks *cb, muc_log_fn fn)
{
	if (cb)
		cb->log = fn;
}

int muc_service_new(muc_service **out, const char *domain,
		    const muc_callbacks *callbacks,
		    const muc_allocator *allocator, void *user_data)
{
	muc_service *s;
	muc_mem m;
	jid d;
	int rc;
	if (!out)
		return MUC_ERR_INVALID;
	*out = NULL;
	if (!domain || !callbacks || !callbacks->deliver)
		return MUC_ERR_INVALID;
	mem_init(&m, allocator);
	rc = jid_parse(&m, domain, &d);
	if (rc)
		return rc;
	if (d.node || d.resource) {
		jid_free(&m, &d);
		return MUC_ERR_JID;
	}
	s = mem_calloc(&m, sizeof *s);
	if (!s) {
		jid_free(&m, &d);
		return MUC_ERR_NOMEM;
	}
	s->mem = m;
	s->domain = d.domain;
	d.domain = NULL;
	jid_free(&m, &d);
	s->cb = *callbacks;
	s->user_data = user_data;
	strmap_init(&s->rooms, &s->mem);
	strmap_init(&s->tombstones, &s->mem);
	s->limits.max_bytes = DEFAULT_MAX_STANZA;
	s->limits.max_depth = DEFAULT_MAX_DEPTH;
	config_defaults(&s->defaults);
	s->max_history = 1000;
	buf_init(&s->out, &s->mem);
	*out = s;
	return MUC_OK;
}

void muc_service_free(muc_service *s)
{
	size_t i;
	if (!s)
		return;
	while (s->room_first)
		room_free(s->room_first);
	strmap_free(&s->rooms);
	tombstones_free(s);
	for (i = 0; i < s->nadmins; i++)
		mem_free(&s->mem, s->admins[i]);
	mem_free(&s->mem, s->admins);
	buf_free(&s->out);
	mem_free(&s->mem, s->domain);
	mem_free(&s->mem, s);
}

const char *muc_service_domain(const muc_service *s)
{
	return s ? s->domain : NULL;
}

int muc_service_add_admin(muc_service *s, const char *j)
{
	char *bare, **na;
	int rc;
	if (!s || !j)
		return MUC_ERR_INVALID;
	bare = jid_prep_bare(&s->mem, j, &rc);
	if (!bare)
		return rc;
	na = mem_realloc(&s->mem, s->admins, (s->nadmins + 1) * sizeof *na);
	if (!na) {
		mem_free(&s->mem, bare);
		return MUC_ERR_NOMEM;
	}
	s->admins = na;
	s->admins[s->nadmins++] = bare;
	return MUC_OK;
}

bool svc_is_admin(const muc_service *s, const char *j)
{
	size_t i, n;
	const char *slash = strchr(j, '/');
	n = slash ? (size_t)(slash - j) : strlen(j);
	for (i = 0; i < s->nadmins; i++)
		if (strlen(s->admins[i]) == n &&
		    memcmp(s->admins[i], j, n) == 0)
			return true;
	return false;
}

int muc_service_remove_admin(muc_service *s, const char *j)
{
	char *bare;
	size_t i;
	int rc;
	if (!s || !j)
		return MUC_ERR_INVALID;
	bare = jid_prep_bare(&s->mem, j, &rc);
	if (!bare)
		return rc;
	for (i = 0; i < s->nadmins; i++)
		if (strcmp(s->admins[i], bare) == 0)
			break;
	mem_free(&s->mem, bare);
	if (i == s->nadmins)
		return MUC_ERR_NOT_FOUND;
	mem_free(&s->mem, s->admins[i]);
	s->admins[i] = s->admins[--s->nadmins];
	return MUC_OK;
}

static void stanza_free(muc_service *s, stanza *st)
{
	jid_free(&s->mem, &st->from);
	jid_free(&s->mem, &st->to);
	xnode_free(&s->mem, st->x);
}

/* A 'to' whose resource fails resourceprep is a join with a bad nickname
 * (or a message to one): answer jid-malformed from the address as given. */
static int reject_bad_to(muc_service *s, stanza *st, const char *raw_to)
{
	jid j;
	const char *slash = strchr(raw_to, '/');
	char *bare;
	int rc;
	if (!slash)
		return MUC_ERR_JID;
	bare = mem_strndup(&s->mem, raw_to, (size_t)(slash - raw_to));
	if (!bare)
		return MUC_ERR_NOMEM;
	rc = jid_parse(&s->mem, bare, &j);
	mem_free(&s->mem, bare);
	if (rc)
		return rc;
	if (strcmp(j.domain, s->domain) != 0) {
		jid_free(&s->mem, &j);
		return MUC_ERR_NOT_FOR_US;
	}
	st->to.full = (char *)raw_to;
	send_error(s, st, "modify", "jid-malformed", NULL, j.bare);
	st->to.full = NULL;
	jid_free(&s->mem, &j);
	return s->status;
}

/* Room creation restricted to service admins, or to users of the parent
 * domain (conference.example.org -> example.org), as the reference's
 * restrict_room_creation option. */
static bool may_create_room(const muc_service *s, const stanza *st)
{
	const char *parent;
	if (s->restrict_creation == 0 || svc_is_admin(s, st->from.bare))
		return true;
	if (s->restrict_creation != 2)
		return false;
	parent = strchr(s->domain, '.');
	return parent && strcmp(parent + 1, st->from.domain) == 0;
}

/* An iq to a room's bare JID that the reference's MUC does not look at
 * when there is no such room (so the server answers it, if at all):
 * anything but disco, muc#admin, muc#owner and registration requests. */
static bool unhandled_iq(const stanza *st)
{
	const xnode *q = xnode_first(st->x);
	bool get = st->type && strcmp(st->type, "get") == 0;
	if (st->kind != ST_IQ || st->to.resource)
		return false;
	if (q && strcmp(q->name, "query") == 0 &&
	    strcmp(q->ns, NS_REGISTER) == 0)
		return false;
	if (!iq_is_request(st) || !q || strcmp(q->name, "query") != 0)
		return true;
	return !((get && (strcmp(q->ns, NS_DISCO_INFO) == 0 ||
			  strcmp(q->ns, NS_DISCO_ITEMS) == 0)) ||
		 strcmp(q->ns, NS_MUC_ADMIN) == 0 ||
		 strcmp(q->ns, NS_MUC_OWNER) == 0);
}

static void dispatch(muc_service *s, stanza *st)
{
	muc_room *r;
	if (!st->to.node) {
		if (st->kind == ST_IQ)
			iq_to_service(s, st);
		else /* the reference looks for a room at this address */
			send_error(s, st, "cancel", "item-not-found", NULL,
				   s->domain);
		return;
	}
	r = strmap_get(&s->rooms, st->to.bare);
	if (!r && tombstone_check(s, st))
		return;
	if (!r) {
		/* No such room: only a join with <x/> creates one, and its
		 * name must pass strict nodeprep (as the reference). */
		bool err = st->type && strcmp(st->type, "error") == 0;
		if (st->kind == ST_PRESENCE && !st->type && st->to.resource &&
		    xnode_child(st->x, "x", NS_MUC)) {
			int rc = node_check_strict(&s->mem, st->to.node);
			if (rc == MUC_ERR_NOMEM)
				svc_nomem(s);
			else if (rc != MUC_OK)
				send_error(s, st, "modify", "jid-malformed",
					   NULL, s->domain);
			else if (!may_create_room(s, st))
				send_error(s, st, "cancel", "not-allowed",
					   "Room creation is restricted",
					   s->domain);
			else if (s->max_rooms && s->nrooms >= s->max_rooms)
				send_error(s, st, "wait", "resource-constraint",
					   NULL, s->domain);
			else
				presence_create_room(s, st);
		} else if (!err && !unhandled_iq(st)) {
			send_error(s, st, "cancel", "item-not-found", NULL,
				   s->domain);
		} else if (!err && iq_is_request(st)) {
			send_error(s, st, "cancel", "service-unavailable",
				   NULL, NULL);
		}
		return;
	}
	if (st->to.resource) {
		if (st->kind == ST_PRESENCE)
			presence_to_occupant(s, r, st);
		else if (st->kind == ST_MESSAGE)
			message_to_occupant(s, r, st);
		else
			iq_to_occupant(s, r, st);
		return;
	}
	if (st->kind == ST_PRESENCE)
		presence_to_room(s, r, st);
	else if (st->kind == ST_MESSAGE)
		message_to_room(s, r, st);
	else
		iq_to_room(s, r, st);
}

/* A component or server stream's stanzas are XMPP stanzas all the same:
 * their elements in that stream's namespace become jabber:client. */
static bool normalize_ns(const muc_mem *m, xnode *n, const char *from_ns)
{
	xnode *c;
	if (n->name && strcmp(n->ns, from_ns) == 0) {
		char *ns = mem_strdup(m, NS_CLIENT);
		if (!ns)
			return false;
		mem_free(m, n->ns);
		n->ns = ns;
	}
	for (c = n->children; c; c = c->next)
		if (c->name && !normalize_ns(m, c, from_ns))
			return false;
	return true;
}

static int handle(muc_service *s, xnode *x)
{
	stanza st;
	const char *from, *to;
	int rc;
	memset(&st, 0, sizeof st);
	st.x = x;
	if (strcmp(x->ns, NS_CLIENT) != 0 &&
	    strcmp(x->ns, "jabber:component:accept") != 0 &&
	    strcmp(x->ns, "jabber:server") != 0) {
		xnode_free(&s->mem, x);
		return MUC_ERR_PARSE;
	}
	if (strcmp(x->ns, NS_CLIENT) != 0) {
		char *ns = mem_strdup(&s->mem, x->ns);
		bool ok = ns && normalize_ns(&s->mem, x, ns);
		mem_free(&s->mem, ns);
		if (!ok) {
			xnode_free(&s->mem, x);
			return MUC_ERR_NOMEM;
		}
	}
	if (strcmp(x->name, "message") == 0)
		st.kind = ST_MESSAGE;
	else if (strcmp(x->name, "presence") == 0)
		st.kind = ST_PRESENCE;
	else if (strcmp(x->name, "iq") == 0)
		st.kind = ST_IQ;
	else {
		xnode_free(&s->mem, x);
		return MUC_ERR_PARSE;
	}
	st.type = xnode_attr(x, "type");
	st.id = xnode_attr(x, "id");
	from = xnode_attr(x, "from");
	to = xnode_attr(x, "to");
	if (!from || !to) {
		xnode_free(&s->mem, x);
		return MUC_ERR_INVALID;
	}
	rc = jid_parse(&s->mem, from, &st.from);
	if (rc) {
		stanza_free(s, &st);
		return rc;
	}
	rc = jid_parse(&s->mem, to, &st.to);
	if (rc == MUC_ERR_JID) {
		rc = reject_bad_to(s, &st, to);
		stanza_free(s, &st);
		return rc;
	}
	if (rc) {
		stanza_free(s, &st);
		return rc;
	}
	if (strcmp(st.to.domain, s->domain) != 0) {
		stanza_free(s, &st);
		return MUC_ERR_NOT_FOR_US;
	}
	if (st.kind == ST_IQ &&
	    !(st.type && (strcmp(st.type, "get") == 0 ||
			  strcmp(st.type, "set") == 0 ||
			  strcmp(st.type, "result") == 0 ||
			  strcmp(st.type, "error") == 0)))
		/* RFC 6120 §8.2.3: an iq must have one of these types */
		send_error(s, &st, "modify", "bad-request", NULL, NULL);
	else
		dispatch(s, &st);
	stanza_free(s, &st);
	return s->status;
}

int muc_service_feed(muc_service *s, const char *xml, size_t len)
{
	xnode *x;
	int rc;
	if (!s || !xml)
		return MUC_ERR_INVALID;
	s->status = MUC_OK;
	rc = xml_parse(&s->mem, xml, len, &s->limits, NS_CLIENT, &x);
	if (rc) {
		svc_log(s, MUC_LOG_DEBUG, "dropped input: %s", muc_strerror(rc));
		return rc;
	}
	return handle(s, x);
}

int muc_service_feed_tree(muc_service *s, const void *tree)
{
	xnode *x;
	int rc;
	if (!s || !tree)
		return MUC_ERR_INVALID;
	s->status = MUC_OK;
	rc = xml_from_mxml(&s->mem, tree, &s->limits, NS_CLIENT, &x);
	if (rc)
		return rc;
	return handle(s, x);
}

int muc_stanza_to_tree(const muc_stanza_out *st, void **out)
{
	muc_mem m;
	char *copy;
	mxml_node_t *t;
	if (!st || !out || !st->xml)
		return MUC_ERR_INVALID;
	*out = NULL;
	mem_init(&m, NULL);
	copy = mem_strndup(&m, st->xml, st->len);
	if (!copy)
		return MUC_ERR_NOMEM;
	t = mxmlLoadString(NULL, copy, MXML_OPAQUE_CALLBACK);
	mem_free(&m, copy);
	if (!t)
		return MUC_ERR_PARSE;
	*out = t;
	return MUC_OK;
}
