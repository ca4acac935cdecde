/* The emulated clients and their server around one libmuc service.
 *
 * Client -> world: the server stamps 'from' with the sender's full JID, adds
 * <x xmlns='vcard-temp:x:update'><photo/></x> to presence (the reference
 * deployment's vcard_legacy module does; scripts expect it reflected), then
 * routes by 'to':
 *   - none, presence: broadcast to all the user's connected resources,
 *     sender included (RFC 6121 §4.2.2, §4.4.2); an unavailable one also
 *     goes to every JID holding directed presence (RFC 6121 §4.6.3);
 *   - conference.localhost or a JID at it: fed to the service;
 *   - another user's full JID: that client if connected; bare JID: every
 *     connected resource of the user (message, presence; an iq to a bare
 *     JID is the account's business and is dropped).
 * Service -> clients: routed the same way by the stanza's 'to'. Stanzas for
 * sessions that are not connected are dropped, as a server would. */
#include "clients.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jid.h"
#include "stanza.h"

#if defined(__GNUC__) || defined(__clang__)
#define PRINTF_LIKE(a, b) __attribute__((format(printf, a, b)))
#else
#define PRINTF_LIKE(a, b)
#endif

static void trace(const world *w, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* One indented line of the -v trace, on stdout with the results. */
static void trace(const world *w, const char *fmt, ...)
{
	va_list ap;
	if (!w->verbose)
		return;
	fputs("    ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

/* Records the first fault of a step; run.c fails the step with it. */
static void fault(world *w, const char *what, const char *detail)
{
	if (w->fault.len)
		return;
	buf_puts(&w->fault, what);
	if (detail) {
		buf_puts(&w->fault, ": ");
		buf_puts(&w->fault, detail);
	}
}

void item_free(const muc_mem *m, item *it)
{
	if (!it)
		return;
	xnode_free(m, it->stanza);
	free(it->xml);
	free(it);
}

item *queue_pop(queue *q)
{
	item *it = q->head;
	if (!it)
		return NULL;
	q->head = it->next;
	if (!q->head)
		q->tail = NULL;
	q->count--;
	it->next = NULL;
	return it;
}

void queue_append(queue *q, item *it)
{
	it->next = NULL;
	if (q->tail)
		q->tail->next = it;
	else
		q->head = it;
	q->tail = it;
	q->count++;
}

void queue_clear(const muc_mem *m, queue *q)
{
	item *it;
	while ((it = queue_pop(q)) != NULL)
		item_free(m, it);
}

/* Puts a copy of the stanza in c's queue. */
static void enqueue(world *w, client *c, const xnode *st, const char *xml,
		    size_t len)
{
	item *it = calloc(1, sizeof *it);
	if (it) {
		it->stanza = xnode_clone(&w->mem, st);
		it->xml = malloc(len + 1);
	}
	if (!it || !it->stanza || !it->xml) {
		item_free(&w->mem, it);
		fault(w, "out of memory", NULL);
		return;
	}
	memcpy(it->xml, xml, len);
	it->xml[len] = '\0';
	queue_append(&c->pending, it);
}

/* Is the JID at the MUC service (its domain part is conference.localhost)?
 * Decided on the raw text so that a JID the service must reject (a bad
 * nickname) still reaches the service, which answers with an error. */
static bool at_muc(const char *to)
{
	size_t end = strcspn(to, "/"), dl = strlen(MUC_DOMAIN), i;
	const char *at = memchr(to, '@', end);
	const char *d = at ? at + 1 : to;
	size_t n = end - (size_t)(d - to);
	if (n != dl)
		return false;
	for (i = 0; i < n; i++) {
		char ch = d[i];
		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		if (ch != MUC_DOMAIN[i])
			return false;
	}
	return true;
}

/* Delivers to the connected clients addressed by 'to' (bare: every
 * resource, unless bare_ok is false) and traces one line saying who got
 * it. */
static void route_to_clients(world *w, const char *who, const char *to,
			     const xnode *st, const char *xml, size_t len,
			     bool bare_ok)
{
	jid j;
	buf names;
	size_t k;
	const char *why = NULL;
	buf_init(&names, &w->mem);
	if (jid_parse(&w->mem, to, &j) != MUC_OK) {
		why = "not a valid JID";
	} else if (!j.resource && !bare_ok) {
		why = "an iq to a bare JID is for the account, not a client";
		jid_free(&w->mem, &j);
	} else {
		for (k = 0; k < w->nclients; k++) {
			client *c = &w->clients[k];
			if (!c->connected ||
			    strcmp(j.resource ? w->full[k] : c->bare,
				   j.resource ? j.full : j.bare) != 0)
				continue;
			enqueue(w, c, st, xml, len);
			buf_puts(&names, names.len ? ", " : "");
			buf_puts(&names, c->def->name);
		}
		if (!names.len)
			why = "no such session connected";
		jid_free(&w->mem, &j);
	}
	if (why)
		trace(w, "%s -> %s: dropped (%s): %s", who, to, why, xml);
	else
		trace(w, "%s -> %s [%s]: %s", who, to, buf_cstr(&names), xml);
	buf_free(&names);
}

static int on_deliver(const muc_stanza_out *o, void *ud)
{
	world *w = ud;
	xnode *st;
	int rc;
	if (!o || !o->xml || !o->to) {
		fault(w, "the service delivered a stanza without text or 'to'",
		      NULL);
		return 0;
	}
	rc = stanza_parse(&w->mem, o->xml, o->len, &st);
	if (rc != MUC_OK) {
		buf msg;
		buf_init(&msg, &w->mem);
		buf_puts(&msg, muc_strerror(rc));
		buf_putc(&msg, '\n');
		stanza_indent(&msg, o->xml, o->len);
		fault(w, "the service sent a stanza that does not parse",
		      buf_cstr(&msg));
		buf_free(&msg);
		trace(w, "service -> %s: unparseable: %.*s", o->to,
		      (int)o->len, o->xml);
		return 0;
	}
	route_to_clients(w, "service", o->to, st, o->xml, o->len, true);
	xnode_free(&w->mem, st);
	return 0;
}

static int64_t on_clock(void *ud)
{
	return ((const world *)ud)->now;
}

/* Deterministic ids, so that two runs of a script trace the same. */
static size_t on_id(char *out, size_t cap, void *ud)
{
	world *w = ud;
	int n = snprintf(out, cap, "scansion-id-%u", ++w->ids);
	return (n > 0 && (size_t)n < cap) ? (size_t)n : 0;
}

static void on_log(muc_log_level level, const char *message, void *ud)
{
	static const char *const names[] = {"debug", "info", "warn", "error"};
	const char *lv = (unsigned)level < 4 ? names[level] : "?";
	trace(ud, "log[%s]: %s", lv, message);
}

/* Feeds stanza text to the service and notes a refusal. */
static void feed(world *w, const char *who, const char *xml, size_t len)
{
	int rc;
	trace(w, "%s -> service: %s", who, xml);
	rc = muc_service_feed(w->svc, xml, len);
	if (rc == MUC_OK)
		return;
	trace(w, "service refused it: %s", muc_strerror(rc));
	{
		char note[160];
		snprintf(note, sizeof note,
			 "note: the service returned \"%s\" for a stanza fed "
			 "at step %u",
			 muc_strerror(rc), w->step);
		buf_reset(&w->refused);
		buf_puts(&w->refused, note);
	}
}

/* The script's "# libmuc-option:" lines, by muc_option name. */
static bool set_options(muc_service *svc, const script *s, buf *err)
{
	static const struct {
		const char *name;
		muc_option opt;
	} names[] = {
#define OPT(n) {#n, MUC_OPT_##n}
	    OPT(MAX_STANZA_BYTES),     OPT(MAX_DEPTH),
	    OPT(MAX_ROOMS),            OPT(MAX_OCCUPANTS),
	    OPT(MAX_HISTORY),          OPT(RESTRICT_CREATION),
	    OPT(DEFAULT_PERSISTENT),   OPT(DEFAULT_PUBLIC),
	    OPT(DEFAULT_MEMBERS_ONLY), OPT(DEFAULT_MODERATED),
	    OPT(DEFAULT_WHOIS_ANYONE), OPT(DEFAULT_CHANGE_SUBJECT),
	    OPT(DEFAULT_HISTORY_LENGTH), OPT(LOCK_NEW_ROOMS),
	    OPT(ENFORCE_REGISTERED_NICK), OPT(ADMINS_ARE_OWNERS),
	    OPT(DEFAULT_ALLOW_PM),     OPT(DEFAULT_ALLOW_MODPM),
	    OPT(ARCHIVING),            OPT(DEFAULT_ARCHIVING),
	    OPT(CONFIG_XEP_FIELDS),    OPT(WHOIS_REPUBLISH),
#undef OPT
	};
	size_t i, k;
	char num[32];
	for (i = 0; i < s->noptions; i++) {
		const script_option *o = &s->options[i];
		int rc = MUC_ERR_NOT_FOUND;
		for (k = 0; k < sizeof names / sizeof *names; k++)
			if (strcmp(names[k].name, o->name) == 0)
				rc = muc_service_set_option(svc, names[k].opt,
							    o->value);
		if (rc != MUC_OK) {
			snprintf(num, sizeof num, "line %u: ", o->line);
			buf_puts(err, num);
			buf_puts(err, rc == MUC_ERR_NOT_FOUND
					  ? "unknown libmuc option "
					  : "libmuc refuses option ");
			buf_puts(err, o->name);
			return false;
		}
	}
	return true;
}

bool world_init(world *w, const script *s, bool verbose, buf *err)
{
	muc_callbacks *cb = NULL;
	int rc;
	memset(w, 0, sizeof *w);
	mem_init(&w->mem, NULL);
	buf_init(&w->fault, &w->mem);
	buf_init(&w->refused, &w->mem);
	w->script = s;
	w->verbose = verbose;
	if (s->nclients) {
		w->clients = calloc(s->nclients, sizeof *w->clients);
		w->full = calloc(s->nclients, sizeof *w->full);
		if (!w->clients || !w->full) {
			buf_puts(err, "out of memory");
			return false;
		}
	}
	w->nclients = s->nclients;
	for (size_t i = 0; i < s->nclients; i++)
		w->clients[i].def = &s->clients[i];
	rc = muc_callbacks_new(&cb);
	if (rc == MUC_OK) {
		muc_callbacks_set_deliver(cb, on_deliver);
		muc_callbacks_set_clock(cb, on_clock);
		muc_callbacks_set_id(cb, on_id);
		/* Log lines are only worth formatting when someone reads
		 * them. */
		muc_callbacks_set_log(cb, verbose ? on_log : NULL);
		rc = muc_service_new(&w->svc, MUC_DOMAIN, cb, NULL, w);
		muc_callbacks_del(cb);
	}
	if (rc == MUC_OK)
		rc = muc_service_add_admin(w->svc, MUC_ADMIN);
	if (rc == MUC_OK && !set_options(w->svc, s, err))
		return false;
	if (rc != MUC_OK) {
		buf_puts(err, "cannot set up the MUC service: ");
		buf_puts(err, muc_strerror(rc));
		return false;
	}
	return true;
}

static void drop_directed(client *c)
{
	size_t k;
	for (k = 0; k < c->ndirected; k++)
		free(c->directed[k]);
	free(c->directed);
	c->directed = NULL;
	c->ndirected = 0;
}

void world_free(world *w)
{
	size_t i;
	/* The service first: freeing it sends nothing, by contract. */
	muc_service_free(w->svc);
	w->svc = NULL;
	for (i = 0; i < w->nclients; i++) {
		client *c = &w->clients[i];
		queue_clear(&w->mem, &c->pending);
		queue_clear(&w->mem, &c->leftover);
		drop_directed(c);
		free(c->bare);
		if (w->full)
			free(w->full[i]);
	}
	free(w->clients);
	free(w->full);
	buf_free(&w->fault);
	buf_free(&w->refused);
	w->clients = NULL;
	w->full = NULL;
	w->nclients = 0;
}

bool world_connect(world *w, size_t i, buf *err)
{
	client *c = &w->clients[i];
	const char *name = c->def->name;
	jid j;
	char res[32], *full, *bare;
	size_t k;
	if (c->connected) {
		buf_puts(err, name);
		buf_puts(err, " is already connected");
		return false;
	}
	if (!c->def->jid || !*c->def->jid) {
		buf_puts(err, name);
		buf_puts(err, " has no jid: property");
		return false;
	}
	if (jid_parse(&w->mem, c->def->jid, &j) != MUC_OK || !j.node) {
		if (j.bare)
			jid_free(&w->mem, &j);
		buf_puts(err, name);
		buf_puts(err, "'s jid is not a valid user@domain JID: ");
		buf_puts(err, c->def->jid);
		return false;
	}
	/* Binding: the server prepares the JID (so the full JID is in the
	 * form the service will address) and, like the reference server,
	 * invents a resource when the client asks for none. */
	snprintf(res, sizeof res, "scansion%u", w->resources + 1);
	full = malloc(strlen(j.bare) + strlen(j.resource ? j.resource : res) +
		      2);
	bare = malloc(strlen(j.bare) + 1);
	if (!full || !bare) {
		free(full);
		free(bare);
		jid_free(&w->mem, &j);
		buf_puts(err, "out of memory");
		return false;
	}
	sprintf(full, "%s/%s", j.bare, j.resource ? j.resource : res);
	strcpy(bare, j.bare);
	if (!j.resource)
		w->resources++;
	jid_free(&w->mem, &j);
	for (k = 0; k < w->nclients; k++) {
		if (k != i && w->clients[k].connected &&
		    strcmp(w->full[k], full) == 0) {
			buf_puts(err, name);
			buf_puts(err, "'s full JID is already in use by ");
			buf_puts(err, w->clients[k].def->name);
			buf_puts(err, ": ");
			buf_puts(err, full);
			free(full);
			free(bare);
			return false;
		}
	}
	free(w->full[i]);
	free(c->bare);
	w->full[i] = full;
	c->bare = bare;
	c->connected = true;
	trace(w, "%s is online as %s", name, full);
	return true;
}

void world_disconnect(world *w, size_t i)
{
	client *c = &w->clients[i];
	size_t k;
	if (!c->connected) {
		trace(w, "%s is not connected: nothing to do", c->def->name);
		return;
	}
	/* The session is gone first: whatever the service answers to the
	 * unavailable presence below is not delivered to it. */
	c->connected = false;
	queue_clear(&w->mem, &c->pending);
	queue_clear(&w->mem, &c->leftover);
	trace(w, "%s is offline", c->def->name);
	for (k = 0; k < c->ndirected; k++) {
		buf b;
		buf_init(&b, &w->mem);
		buf_puts(&b, "<presence type='unavailable'");
		buf_attr(&b, "from", w->full[i]);
		buf_attr(&b, "to", c->directed[k]);
		buf_puts(&b, "/>");
		if (buf_ok(&b))
			feed(w, "server", b.data, b.len);
		else
			fault(w, "out of memory", NULL);
		buf_free(&b);
	}
	drop_directed(c);
}

/* Keeps c->directed in step with the presence c sends to a room JID. */
static void track_directed(world *w, client *c, const char *to,
			   const char *type)
{
	jid j;
	char *key;
	size_t k;
	bool prepped = jid_parse(&w->mem, to, &j) == MUC_OK;
	key = malloc(strlen(prepped ? j.full : to) + 1);
	if (key)
		strcpy(key, prepped ? j.full : to);
	if (prepped)
		jid_free(&w->mem, &j);
	if (!key) {
		fault(w, "out of memory", NULL);
		return;
	}
	for (k = 0; k < c->ndirected && strcmp(c->directed[k], key); k++)
		;
	if (!type && k == c->ndirected) {
		char **v = realloc(c->directed, (k + 1) * sizeof *v);
		if (!v) {
			free(key);
			fault(w, "out of memory", NULL);
			return;
		}
		c->directed = v;
		v[c->ndirected++] = key;
		return;
	}
	if (type && strcmp(type, "unavailable") == 0 && k < c->ndirected) {
		free(c->directed[k]);
		memmove(&c->directed[k], &c->directed[k + 1],
			(c->ndirected - k - 1) * sizeof *c->directed);
		c->ndirected--;
	}
	free(key);
}

/* A presence without 'to' (st is owned by the caller and may be changed). */
static void broadcast_presence(world *w, size_t i, xnode *st, const char *xml,
			       size_t len)
{
	client *c = &w->clients[i];
	const char *type = xnode_attr(st, "type");
	size_t k;
	route_to_clients(w, c->def->name, c->bare, st, xml, len, true);
	if (!type || strcmp(type, "unavailable") != 0)
		return;
	for (k = 0; k < c->ndirected; k++) {
		buf b;
		buf_init(&b, &w->mem);
		if (xnode_set_attr(&w->mem, st, "to", c->directed[k]))
			stanza_write(&b, st, NS_CLIENT, true, NULL);
		if (buf_ok(&b) && b.len)
			feed(w, "server", b.data, b.len);
		else
			fault(w, "out of memory", NULL);
		buf_free(&b);
	}
	drop_directed(c);
}

bool world_send(world *w, size_t i, xnode *st, buf *err)
{
	client *c = &w->clients[i];
	const char *to, *name = c->def->name;
	bool presence = strcmp(st->name, "presence") == 0 &&
			strcmp(st->ns, NS_CLIENT) == 0;
	bool ok = true;
	buf xml;

	buf_init(&xml, &w->mem);
	stanza_drop_scansion(&w->mem, st);
	ok = xnode_set_attr(&w->mem, st, "from", w->full[i]);
	/* vcard_legacy stamps available presence only (no type). */
	if (ok && presence && !xnode_attr(st, "type") &&
	    !xnode_child(st, "x", "vcard-temp:x:update")) {
		xnode *x = xnode_add(&w->mem, st, "x", "vcard-temp:x:update");
		ok = x && xnode_add(&w->mem, x, "photo", NULL);
	}
	if (ok)
		stanza_write(&xml, st, NS_CLIENT, true, NULL);
	if (!ok || !buf_ok(&xml)) {
		buf_puts(err, "out of memory");
		buf_free(&xml);
		xnode_free(&w->mem, st);
		return false;
	}
	to = xnode_attr(st, "to");
	if (!to || !*to) {
		if (presence)
			broadcast_presence(w, i, st, xml.data, xml.len);
		else
			trace(w, "%s -> localhost: dropped (for the client's "
				 "own server): %s", name, xml.data);
	} else if (at_muc(to)) {
		if (presence)
			track_directed(w, c, to, xnode_attr(st, "type"));
		feed(w, name, xml.data, xml.len);
	} else {
		route_to_clients(w, name, to, st, xml.data, xml.len,
				 strcmp(st->name, "iq") != 0);
	}
	buf_free(&xml);
	xnode_free(&w->mem, st);
	return true;
}
