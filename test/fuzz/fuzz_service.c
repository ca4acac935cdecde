/* libFuzzer harness: one input is a conversation of several users with ONE
 * service (issue 6). Everything the library sends is checked, and the
 * service's tables are checked after every step; at the end the service is
 * freed and a counting allocator must show no block left.
 *
 * Input format: records separated by NUL bytes. A record's first byte is a
 * control byte, the rest its payload:
 *   bits 0-2  sender, one of eight JIDs (senders[] below; two resources of
 *             one user, a service administrator, another domain, a bare JID)
 *   bits 3-4  mode: 0 stamp from= (as the sender's server does) and feed
 *             the text; 1 feed the payload raw, byte for byte; 2 stamp and
 *             feed as a mini-XML tree (muc_service_feed_tree); 3 a C API
 *             call (see api_op: affiliations, destroy, lookups, admins,
 *             options, removing everyone, and durable state: save/restore round trips,
 *             restoring mutated or raw documents)
 *   bit 5     the deliver hook (and the store hook) fails from this
 *             record's second stanza on
 *   bit 7     the allocator fails one allocation during this record
 * Records whose control byte is '@'..'G' are plain stamped stanzas from
 * senders 0..7, so a seed is readable text (test/fuzz/make-seeds.sh).
 *
 * Checked for every delivered stanza: 'to' and 'from' set and equal to the
 * stanza's own attributes, 'from' inside the service's domain, the bytes a
 * strict well-formed and namespace-well-formed XML element (xml_wf.h) that
 * the library's own parser also reads, a message/presence/iq, error stanzas
 * carrying an RFC 6120 §8.3 error, and no error answering an error.
 * Every durable state handed to the store hook must be well-formed and
 * restore, in a scratch service, to a room that saves the same bytes.
 * Checked after every step: rooms, occupants, sessions, affiliations and
 * history agree with their lookup tables and counts; no occupant is banned
 * or (in a members-only room) unaffiliated; no empty temporary room is left
 * behind (XEP-0045 §10.1.3); return codes are documented.
 *
 * Built by `make fuzz`. With -DFUZZ_STANDALONE it has its own main that
 * replays files (for gcc, valgrind, or a debugger; see test/fuzz/README):
 *   fuzz-replay FILE...
 * FUZZ_TRACE=1 in the environment prints each record's outcome and output.
 * -DFUZZ_SKIP_KNOWN builds a harness that steps around the library bugs
 * already found (test/fuzz/README), to look for new ones. */
#include "common.h"
#include "check_state.h"
#include "xml_wf.h"

#include <mxml.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DOMAIN "conference.localhost"
#define MAX_RECORDS 128

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const senders[8] = {
	"alba@localhost/desk",   "bruno@localhost/phone",
	"bruno@localhost/laptop", "carmen@localhost/c",
	"admin@localhost/x",     "dario@example.org/d",
	"emilia@localhost/e",    "fool@localhost",
};

/* ---- Counting, optionally failing allocator --------------------------- */

typedef struct counter {
	long live;       /* blocks not yet freed */
	long count;      /* allocations so far */
	long fail_at;    /* the allocation number that fails, or -1 */
	long failed;     /* allocations that failed */
} counter;

static void *c_malloc(size_t n, void *ud)
{
	counter *c = ud;
	void *p;
	if (c->count++ == c->fail_at) {
		c->failed++;
		return NULL;
	}
	p = malloc(n);
	if (p)
		c->live++;
	return p;
}

static void *c_realloc(void *p, size_t n, void *ud)
{
	counter *c = ud;
	void *q;
	if (!p)
		return c_malloc(n, ud);
	if (c->count++ == c->fail_at) {
		c->failed++;
		return NULL;
	}
	q = realloc(p, n);
	return q;
}

static void c_free(void *p, void *ud)
{
	counter *c = ud;
	if (p) {
		c->live--;
		free(p);
	}
}

/* ---- The host's hooks --------------------------------------------------- */

typedef struct ctx {
	counter mem;
	int64_t now;
	unsigned ids;
	long delivered;     /* stanzas in this record */
	long fail_deliver;  /* deliver fails from this count on, or -1 */
	int deliver_failed; /* the hook returned non-zero in this record */
	/* the record being fed, for the error-to-error rule */
	char in_type[16];
	char in_to[2048];
	const char *sender;
} ctx;

static void die(const char *what, const char *xml, size_t len)
{
	fprintf(stderr, "fuzz_service: %s\n", what);
	if (xml)
		fprintf(stderr, "  stanza (%zu bytes): %.*s\n", len,
			(int)(len > 4000 ? 4000 : len), xml);
	abort();
}

static int64_t clock_hook(void *ud)
{
	return ((ctx *)ud)->now;
}

/* Ids as a host would make them; now and then none (the library falls
 * back to its counter) or one with characters it must neutralize. */
static size_t id_hook(char *out, size_t cap, void *ud)
{
	ctx *c = ud;
	unsigned k = ++c->ids;
	if (cap < 64)
		die("id hook called with a capacity below 64", NULL, 0);
	if (k % 7 == 0)
		return 0;
	if (k % 11 == 0) {
		memcpy(out, "x<&'\" \x01y", 9);
		return 9;
	}
	return (size_t)snprintf(out, cap, "fz%u", k);
}

static void log_hook(muc_log_level lvl, const char *msg, void *ud)
{
	(void)ud;
	if (!msg || lvl < MUC_LOG_DEBUG || lvl > MUC_LOG_ERROR ||
	    strlen(msg) >= 512)
		die("bad log call", NULL, 0);
}

static bool in_domain(const char *j)
{
	const char *slash = strchr(j, '/'), *at;
	size_t n = slash ? (size_t)(slash - j) : strlen(j), dl = strlen(DOMAIN);
	at = memchr(j, '@', n);
	if (at) {
		n -= (size_t)(at + 1 - j);
		j = at + 1;
	}
	/* as given, the domain part may be in another case (a malformed
	 * nick is answered from the address as the sender wrote it) */
	return n == dl && strncasecmp(j, DOMAIN, dl) == 0;
}

static bool is_condition(const char *name)
{
	static const char *const conds[] = {
		"bad-request", "conflict", "feature-not-implemented",
		"forbidden", "gone", "internal-server-error", "item-not-found",
		"jid-malformed", "not-acceptable", "not-allowed",
		"not-authorized", "policy-violation", "recipient-unavailable",
		"redirect", "registration-required", "remote-server-not-found",
		"remote-server-timeout", "resource-constraint",
		"service-unavailable", "subscription-required",
		"undefined-condition", "unexpected-request"};
	size_t i;
	for (i = 0; i < sizeof conds / sizeof *conds; i++)
		if (strcmp(name, conds[i]) == 0)
			return true;
	return false;
}

/* RFC 6120 §8.3.2: <error type=…> with one defined condition. */
static void check_error_payload(const xnode *x, const char *xml, size_t len)
{
	const xnode *e = xnode_child(x, "error", NULL), *c;
	const char *t;
	bool found = false;
	if (!e)
		die("type='error' stanza without <error/>", xml, len);
	t = xnode_attr(e, "type");
	if (!t || (strcmp(t, "auth") && strcmp(t, "cancel") &&
		   strcmp(t, "continue") && strcmp(t, "modify") &&
		   strcmp(t, "wait")))
		die("<error/> without a valid type", xml, len);
	for (c = xnode_child(e, NULL, NS_STANZAS); c;
	     c = xnode_next(c, NULL, NS_STANZAS))
		if (strcmp(c->name, "text") != 0) {
			if (!is_condition(c->name))
				die("undefined error condition", xml, len);
			found = true;
		}
	if (!found)
		die("<error/> without a condition", xml, len);
}

static int deliver_hook(const muc_stanza_out *o, void *ud)
{
	ctx *c = ud;
	muc_mem m;
	xml_limits lim = {1u << 24, 64, false};
	xnode *x = NULL;
	const char *wf, *to, *from, *type;
	size_t where;
	int rc;
	if (!o || !o->to || !o->from || !o->xml || !*o->to || !*o->from)
		die("stanza without to/from/xml", NULL, 0);
	if (o->xml[o->len] != '\0' || strlen(o->xml) != o->len)
		die("xml not NUL-terminated at len, or NUL inside", o->xml,
		    o->len);
	if (getenv("FUZZ_TRACE"))
		fprintf(stderr, "  out: %s\n", o->xml);
	wf = xml_wf_check(o->xml, o->len, &where);
#ifdef FUZZ_SKIP_KNOWN
	/* known: names with an empty or second prefix, prefixed attributes */
	if (wf && (strcmp(wf, "bad element name") == 0 ||
		   strcmp(wf, "bad attribute name") == 0 ||
		   strcmp(wf, "undeclared element prefix") == 0 ||
		   strcmp(wf, "undeclared attribute prefix") == 0)) {
		c->delivered++;
		return 0;
	}
#endif
	if (wf) {
		fprintf(stderr, "not well-formed at byte %zu: %s\n", where, wf);
		die("delivered stanza is not well-formed XML", o->xml, o->len);
	}
	mem_init(&m, NULL);
	rc = xml_parse(&m, o->xml, o->len, &lim, NS_CLIENT, &x);
	if (rc)
		die("the library cannot parse its own output", o->xml, o->len);
	if (strcmp(x->ns, NS_CLIENT) != 0 ||
	    (strcmp(x->name, "message") && strcmp(x->name, "presence") &&
	     strcmp(x->name, "iq")))
		die("output is not a jabber:client stanza", o->xml, o->len);
	to = xnode_attr(x, "to");
	from = xnode_attr(x, "from");
	if (!to || !from || strcmp(to, o->to) || strcmp(from, o->from))
		die("to/from attributes differ from the stanza_out fields",
		    o->xml, o->len);
	if (!in_domain(from))
		die("from is not under the service's domain", o->xml, o->len);
	type = xnode_attr(x, "type");
	if (type && strcmp(type, "error") == 0) {
		/* the library's own errors; an error fed in may be passed on
		 * between occupants as it came */
		if (strcmp(c->in_type, "error") != 0)
			check_error_payload(x, o->xml, o->len);
		/* RFC 6120 §8.3.1: an error is never answered with one (an
		 * occupant's error to its own nick comes back to it as a
		 * private message, from that nick: not an answer). */
		if (strcmp(c->in_type, "error") == 0 && c->sender &&
		    strcmp(to, c->sender) == 0 &&
		    !(strchr(c->in_to, '/') && strcmp(from, c->in_to) == 0)
#ifdef FUZZ_SKIP_KNOWN
		    /* known: a bounce from one of several sessions comes
		     * back as a presence of type error */
		    && !(strcmp(x->name, "presence") == 0 && strchr(from, '/'))
#endif
		)
			die("an error stanza was answered with an error",
			    o->xml, o->len);
	}
	if (type && strcmp(x->name, "iq") == 0 && strcmp(type, "get") &&
	    strcmp(type, "set") && strcmp(type, "result") &&
	    strcmp(type, "error"))
		die("iq with a bad type", o->xml, o->len);
	xnode_free(&m, x);
	c->delivered++;
	if (c->fail_deliver >= 0 && c->delivered > c->fail_deliver) {
		c->deliver_failed = 1;
		return -1;
	}
	return 0;
}

/* ---- Durable state ------------------------------------------------------ */

static int scratch_deliver(const muc_stanza_out *o, void *ud)
{
	(void)ud;
	die("a scratch service sent a stanza", o->xml, o->len);
	return 0;
}

/* Restores data into a scratch service of its own (counting allocator,
 * failing its fail_at-th allocation during the restore when fail_at >= 0);
 * returns the restore's code and, when it worked, that room's own save in
 * *again (malloc'ed). The scratch service must give every block back. */
static int scratch_restore(const char *data, size_t len, char **again,
			   size_t *again_len, long fail_at)
{
	counter mem = {0, 0, -1, 0};
	muc_allocator a = {c_malloc, c_realloc, c_free, &mem};
	muc_callbacks *cb;
	muc_service *t;
	int rc;
	*again = NULL;
	if (muc_callbacks_new(&cb))
		abort();
	muc_callbacks_set_deliver(cb, scratch_deliver);
	if (muc_service_new(&t, DOMAIN, cb, &a, NULL))
		abort();
	muc_callbacks_del(cb);
	mem.fail_at = fail_at < 0 ? -1 : mem.count + fail_at;
	rc = muc_service_restore_room(t, data, len);
	mem.fail_at = -1;
	if (rc == MUC_OK) {
		muc_room *r = t->room_first;
		char *out;
		size_t n;
		if (!r || t->nrooms != 1 || r->noccupants)
			die("a restored room is not one empty room", data, len);
		if (muc_room_save(r, &out, &n) != MUC_OK)
			die("cannot save a restored room", data, len);
		*again = malloc(n + 1);
		if (!*again)
			abort();
		memcpy(*again, out, n + 1);
		*again_len = n;
		muc_service_free_buffer(t, out);
	}
	muc_service_free(t);
	if (mem.live)
		die("a scratch service leaked after restoring", data, len);
	return rc;
}

/* save -> restore -> save must give the same bytes. */
static void round_trip(const char *data, size_t len)
{
	size_t where, n2;
	char *again;
	const char *wf = xml_wf_check(data, len, &where);
	int rc;
	if (wf) {
		fprintf(stderr, "not well-formed at byte %zu: %s\n", where, wf);
		die("a saved room is not well-formed XML", data, len);
	}
	rc = scratch_restore(data, len, &again, &n2, -1);
	if (rc != MUC_OK) {
		fprintf(stderr, "restore: %s\n", muc_strerror(rc));
		die("a saved room does not restore", data, len);
	}
	if (n2 != len || memcmp(again, data, len) != 0) {
		fprintf(stderr, "saved again: %.*s\n", (int)n2, again);
		die("save -> restore -> save changed the room", data, len);
	}
	free(again);
}

static int store_save_hook(const char *room_jid, const char *data,
			   size_t len, void *ud)
{
	ctx *c = ud;
	if (!room_jid || !*room_jid || !data || data[len] != '\0')
		die("bad store_save call", data, data ? len : 0);
	round_trip(data, len);
	c->delivered++;
	if (c->fail_deliver >= 0 && c->delivered > c->fail_deliver) {
		c->deliver_failed = 1;
		return -1;
	}
	return 0;
}

static int store_remove_hook(const char *room_jid, void *ud)
{
	ctx *c = ud;
	if (!room_jid || !*room_jid)
		die("bad store_remove call", NULL, 0);
	c->delivered++;
	if (c->fail_deliver >= 0 && c->delivered > c->fail_deliver) {
		c->deliver_failed = 1;
		return -1;
	}
	return 0;
}

/* ---- Invariants of the service's tables (check_state.h) -------------- */

static void check_tables(muc_service *s)
{
	const char *where, *err;
#ifdef FUZZ_SKIP_KNOWN
	/* known: a kick or ban can leave an empty temporary room */
	err = check_service(s, false, &where);
#else
	err = check_service(s, true, &where);
#endif
	if (err)
		die(err, where, strlen(where));
}

/* ---- Feeding records ----------------------------------------------------- */

/* The payload with from='sender' inserted after the root's name (what the
 * sender's server stamps), as a new NUL-terminated string. */
static char *stamp(const char *p, size_t n, const char *sender, size_t *outlen)
{
	size_t lt, k, sl = strlen(sender);
	char *out = malloc(n + sl + 16);
	if (!out)
		abort();
	for (lt = 0; lt < n && p[lt] != '<'; lt++)
		;
	k = lt + 1;
	while (k < n && !strchr(" \t\r\n/>", p[k]))
		k++;
	if (lt >= n || k >= n) {
		memcpy(out, p, n);
		*outlen = n;
		out[n] = '\0';
		return out;
	}
	memcpy(out, p, k);
	*outlen = k;
	*outlen += (size_t)sprintf(out + k, " from='%s'", sender);
	memcpy(out + *outlen, p + k, n - k);
	*outlen += n - k;
	out[*outlen] = '\0';
	return out;
}

/* Remembers the type and 'to' of what is fed, for the error rule. */
static void note_input(ctx *c, const char *xml, size_t len)
{
	muc_mem m;
	xml_limits lim = {1u << 24, 32, false};
	xnode *x;
	const char *t, *to;
	c->in_type[0] = c->in_to[0] = '\0';
	mem_init(&m, NULL);
	if (xml_parse(&m, xml, len, &lim, NS_CLIENT, &x))
		return;
	t = xnode_attr(x, "type");
	to = xnode_attr(x, "to");
	if (t)
		snprintf(c->in_type, sizeof c->in_type, "%s", t);
	if (to)
		snprintf(c->in_to, sizeof c->in_to, "%s", to);
	xnode_free(&m, x);
}

#ifdef FUZZ_SKIP_KNOWN
/* While a known library bug is open, -DFUZZ_SKIP_KNOWN keeps the fuzzer
 * from finding it again and again: inputs that reach it are skipped.
 * (test/fuzz/regressions holds each of them.) */
static bool known_bug(const char *xml, size_t len)
{
	muc_mem m;
	xml_limits lim = {1u << 24, 32, false};
	xnode *x;
	bool hit = false;
	mem_init(&m, NULL);
	if (xml_parse(&m, xml, len, &lim, NS_CLIENT, &x))
		return false;
	/* handle(): a 'to' that fails JID preparation is answered before
	 * its domain is checked, so errors go out from other domains */
	{
		const char *to = xnode_attr(x, "to"), *d, *e;
		if (to) {
			e = strchr(to, '/');
			d = memchr(to, '@', e ? (size_t)(e - to) : strlen(to));
			d = d ? d + 1 : to;
			if (!e)
				e = d + strlen(d);
			if ((size_t)(e - d) != strlen(DOMAIN) ||
			    strncasecmp(d, DOMAIN, strlen(DOMAIN)) != 0)
				hit = true;
		}
	}
	xnode_free(&m, x);
	return hit;
}
#else
static bool known_bug(const char *xml, size_t len)
{
	(void)xml;
	(void)len;
	return false;
}
#endif

#ifdef FUZZ_SKIP_KNOWN
static bool contains(const uint8_t *p, size_t n, const char *w)
{
	size_t k = strlen(w), i;
	for (i = 0; i + k <= n; i++)
		if (memcmp(p + i, w, k) == 0)
			return true;
	return false;
}
#endif

static void silent(const char *msg)
{
	(void)msg;
}

typedef struct pick {
	size_t k;
	muc_room *r;
} pick;

static int pick_room(muc_room *r, void *ud)
{
	pick *p = ud;
	if (p->k-- == 0) {
		p->r = r;
		return 1;
	}
	return 0;
}

static int count_occ(const muc_occupant_info *i, void *ud)
{
	if (!i->nick || !i->bare_jid || !i->real_jid_count || !i->real_jids ||
	    !i->real_jids[i->real_jid_count - 1])
		die("bad occupant info", NULL, 0);
	(*(size_t *)ud)++;
	return 0;
}

static int count_aff(const muc_affiliation_info *i, void *ud)
{
	if (!i->jid)
		die("bad affiliation info", NULL, 0);
	(*(size_t *)ud)++;
	return 0;
}

/* Mode 3: the C API. Payload: op byte, a byte choosing a room, then
 * text arguments. */
static int api_op(muc_service *s, const char *sender, const char *p, size_t n)
{
	pick pk;
	char arg[1100];
	size_t k = 0, alen = n > 2 ? n - 2 : 0;
	int rc = MUC_OK;
	if (n < 2)
		return MUC_OK;
	if (alen >= sizeof arg)
		alen = sizeof arg - 1;
	memcpy(arg, p + 2, alen);
	arg[alen] = '\0';
	/* The C API takes the host's strings as they are (muc.h sets no
	 * rule for them): keep them printable ASCII so that what is checked
	 * is the library, not the host (see test/hostile for raw bytes). */
	for (k = 0; k < alen; k++)
		if ((unsigned char)arg[k] < 0x20 || (unsigned char)arg[k] > 0x7e)
			arg[k] = '?';
	k = 0;
	pk.k = s->nrooms ? (unsigned char)p[1] % s->nrooms : 0;
	pk.r = NULL;
	muc_service_foreach_room(s, pick_room, &pk);
	switch (p[0]) {
	case 'a':
		if (pk.r)
			rc = muc_room_set_affiliation(
				pk.r, sender[0] == 'f' ? NULL : sender, arg,
				(muc_affiliation)((unsigned char)p[1] % 6),
				alen % 2 ? "because" : NULL);
		break;
	case 'd':
		if (pk.r)
			rc = muc_room_destroy(pk.r, alen ? arg : NULL,
					      alen > 3 ? arg : NULL,
					      alen > 5 ? "pw" : NULL);
		break;
	case 'g':
		if (pk.r)
			(void)muc_room_get_affiliation(pk.r, arg);
		break;
	case 'f': {
		muc_room *r = muc_service_find_room(s, arg);
		if (r) {
			muc_room_foreach_occupant(r, count_occ, &k);
			muc_room_foreach_affiliation(r, count_aff, &k);
			if (!muc_room_jid(r))
				die("room without a jid", NULL, 0);
		}
		break;
	}
	case 'x':
		rc = muc_service_add_admin(s, arg);
		break;
	case 'z':
		/* the host stops: everyone out (332), temporary rooms gone */
		rc = muc_service_remove_all_occupants(s);
		if (rc == MUC_OK) {
			muc_room *r;
			for (r = s->room_first; r; r = r->next)
				if (r->noccupants || !r->cfg.persistent)
					die("occupants or a temporary room left "
					    "after muc_service_remove_all_occupants",
					    r->jid, strlen(r->jid));
		}
		break;
	case 'o':
		/* options: which from the room byte, the value from the text */
		rc = muc_service_set_option(s, (muc_option)((unsigned char)p[1] % 24),
					    strtol(arg, NULL, 10));
		break;
	case 's':
		/* a saved room round-trips */
		if (pk.r) {
			char *data;
			size_t len;
			rc = muc_room_save(pk.r, &data, &len);
			if (rc == MUC_OK) {
				char *again;
				size_t n2;
				int rr;
				round_trip(data, len);
				/* out of memory while restoring a good state:
				 * MUC_ERR_NOMEM, never "corrupt" (a store sets
				 * a MUC_ERR_PARSE file aside for good) */
				rr = scratch_restore(data, len, &again, &n2,
						     (unsigned char)p[1] * 2L);
#ifdef FUZZ_SKIP_KNOWN
				/* known: MUC_ERR_PARSE for a failed jid_parse */
				if (rr == MUC_ERR_PARSE)
					rr = MUC_ERR_NOMEM;
#endif
				if (rr != MUC_OK && rr != MUC_ERR_NOMEM) {
					fprintf(stderr, "restore: %s\n",
						muc_strerror(rr));
					die("out of memory made a good saved "
					    "room fail to restore as broken",
					    data, len);
				}
				free(again);
				muc_service_free_buffer(s, data);
			}
		}
		break;
	case 'm':
		/* a saved room with the payload written over part of it:
		 * restored into a scratch service, whatever it says */
		if (pk.r) {
			char *data, *mut, *again;
			size_t len, at, n2, plen = n - 2;
			rc = muc_room_save(pk.r, &data, &len);
			if (rc != MUC_OK)
				break;
			at = len ? ((unsigned char)p[1] * 131u) % len : 0;
			mut = malloc(len + plen + 1);
			if (!mut)
				abort();
			memcpy(mut, data, at);
			memcpy(mut + at, p + 2, plen);
			if (at + plen < len)
				memcpy(mut + at + plen, data + at + plen,
				       len - at - plen);
			n2 = at + plen > len ? at + plen : len;
			muc_service_free_buffer(s, data);
			if (scratch_restore(mut, n2, &again, &len, -1) ==
			    MUC_OK) {
				round_trip(again, len);
				free(again);
			}
			free(mut);
		}
		break;
	case 'r':
		/* raw bytes restored into the service itself */
		rc = muc_service_restore_room(s, p + 2, n - 2);
		if (rc == MUC_OK && s->room_last &&
		    !s->room_last->cfg.persistent) {
			/* a temporary room brought back empty: gone again,
			 * as its last occupant would have taken it */
			rc = muc_room_destroy(s->room_last, NULL, NULL, NULL);
		} else if (rc == MUC_ERR_CONFLICT || rc == MUC_ERR_PARSE ||
			   rc == MUC_ERR_NOT_FOR_US) {
			rc = MUC_OK;
		}
		break;
	default:
		break;
	}
	return rc;
}

static void check_rc(const ctx *c, int mode, int rc)
{
	bool nomem = c->mem.failed > 0;
	if (rc > 0 || rc < MUC_ERR_NOT_FOR_US)
		die("undocumented return code", NULL, 0);
	if (rc == MUC_ERR_NOMEM && !nomem)
		die("MUC_ERR_NOMEM without an allocation failure", NULL, 0);
	if (rc == MUC_ERR_CALLBACK && !c->deliver_failed)
		die("MUC_ERR_CALLBACK without a failing hook", NULL, 0);
	if (c->deliver_failed && !nomem && rc != MUC_ERR_CALLBACK)
		die("the deliver hook failed but the call did not say so",
		    NULL, 0);
	if (mode != 3 && (rc == MUC_ERR_NOT_FOUND ||
			  rc == MUC_ERR_NOT_ALLOWED || rc == MUC_ERR_CONFLICT))
		die("feed returned a room-action error code", NULL, 0);
}

static void feed_record(muc_service *s, ctx *c, const uint8_t *rec, size_t n)
{
	unsigned ctl;
	int mode, rc = MUC_OK;
	const char *sender;
	char *text;
	size_t blen;
	if (n == 0)
		return;
	ctl = rec[0];
	sender = senders[ctl & 7];
	mode = (ctl >> 3) & 3;
	rec++;
	n--;
	c->now += 1500;
	c->delivered = 0;
	c->deliver_failed = 0;
	c->fail_deliver = (ctl & 0x20) ? 1 : -1;
	c->mem.failed = 0;
	c->mem.fail_at = (ctl & 0x80) ? c->mem.count + (long)((n * 37) % 241) : -1;
#ifdef FUZZ_SKIP_KNOWN
	/* known: out of memory in muc#admin and registration requests */
	if (contains(rec, n, "muc#admin") || contains(rec, n, "iq:register"))
		c->mem.fail_at = -1;
#endif
	c->sender = sender;
	c->in_type[0] = c->in_to[0] = '\0';
	switch (mode) {
	case 0:
		text = stamp((const char *)rec, n, sender, &blen);
		note_input(c, text, blen);
		if (!known_bug(text, blen))
			rc = muc_service_feed(s, text, blen);
		free(text);
		break;
	case 1:
		/* an exact-size copy, not NUL-terminated: ASan sees any read
		 * past the end */
		text = malloc(n ? n : 1);
		if (!text)
			abort();
		memcpy(text, rec, n);
		c->sender = NULL;
		note_input(c, text, n);
		if (!known_bug(text, n))
			rc = muc_service_feed(s, text, n);
		free(text);
		break;
	case 2: {
		mxml_node_t *t, *top;
		text = stamp((const char *)rec, n, sender, &blen);
		if (strlen(text) != blen) {
			free(text);
			break; /* a NUL inside: mxml would stop there */
		}
		note_input(c, text, blen);
		if (known_bug(text, blen)) {
			free(text);
			break;
		}
		mxmlSetErrorCallback(silent);
		/* under a parent of our own: mxml leaks what it built before
		 * failing when loading without one */
		top = mxmlNewElement(MXML_NO_PARENT, "top");
		if (!top)
			abort();
		t = mxmlLoadString(top, text, MXML_OPAQUE_CALLBACK);
		free(text);
		for (t = t ? mxmlGetFirstChild(top) : NULL;
		     t && mxmlGetType(t) != MXML_ELEMENT;
		     t = mxmlGetNextSibling(t))
			;
		if (t)
			rc = muc_service_feed_tree(s, t);
		mxmlDelete(top);
		break;
	}
	default:
		rc = api_op(s, sender, (const char *)rec, n);
		break;
	}
	if (getenv("FUZZ_TRACE"))
		fprintf(stderr, "record ctl=0x%02x mode=%d sender=%s: %s, "
			"%ld stanza(s) out, %zu room(s)\n",
			ctl, mode, sender, muc_strerror(rc), c->delivered,
			muc_service_room_count(s));
	check_rc(c, mode, rc);
	c->mem.fail_at = -1;
	check_tables(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ctx c;
	muc_allocator a;
	muc_callbacks *cb;
	muc_service *s;
	size_t i = 0, nrec = 0;
	memset(&c, 0, sizeof c);
	c.mem.fail_at = -1;
	c.now = INT64_C(1700000000000);
	a.malloc = c_malloc;
	a.realloc = c_realloc;
	a.free = c_free;
	a.mem_user_data = &c.mem;
	if (muc_callbacks_new(&cb))
		abort();
	muc_callbacks_set_deliver(cb, deliver_hook);
	muc_callbacks_set_clock(cb, clock_hook);
	muc_callbacks_set_id(cb, id_hook);
	muc_callbacks_set_log(cb, log_hook);
	muc_callbacks_set_store(cb, store_save_hook, store_remove_hook);
	if (muc_service_new(&s, DOMAIN, cb, &a, &c))
		abort();
	muc_callbacks_del(cb);
	if (muc_service_add_admin(s, "admin@localhost"))
		abort();
	while (i < size && nrec < MAX_RECORDS) {
		const uint8_t *end = memchr(data + i, 0, size - i);
		size_t n = end ? (size_t)(end - (data + i)) : size - i;
		feed_record(s, &c, data + i, n);
		i += n + 1;
		nrec++;
	}
	muc_service_free(s);
	if (c.mem.live != 0) {
		fprintf(stderr, "fuzz_service: %ld block(s) leaked\n",
			c.mem.live);
		abort();
	}
	return 0;
}

#ifdef FUZZ_STANDALONE
/* Replays inputs without libFuzzer: FILE... */
int main(int argc, char **argv)
{
	int i;
	for (i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		uint8_t *d = NULL;
		size_t n = 0, cap = 0, k;
		if (!f) {
			perror(argv[i]);
			return 1;
		}
		for (;;) {
			if (n == cap) {
				cap = cap ? cap * 2 : 65536;
				d = realloc(d, cap);
				if (!d)
					return 1;
			}
			k = fread(d + n, 1, cap - n, f);
			if (!k)
				break;
			n += k;
		}
		fclose(f);
		LLVMFuzzerTestOneInput(d, n);
		free(d);
		printf("ok %s (%zu bytes)\n", argv[i], n);
	}
	return 0;
}
#endif
