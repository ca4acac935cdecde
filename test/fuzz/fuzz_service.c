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
 *             call (see api_op)
 *   bit 5     the deliver hook fails from this record's second stanza on
 *   bit 7     the allocator fails one allocation during this record
 * Records whose control byte is '@'..'G' are plain stamped stanzas from
 * senders 0..7, so a seed is readable text (test/fuzz/make-seeds.sh).
 *
 * Checked for every delivered stanza: 'to' and 'from' set and equal to the
 * stanza's own attributes, 'from' inside the service's domain, the bytes a
 * strict well-formed and namespace-well-formed XML element (xml_wf.h) that
 * the library's own parser also reads, a message/presence/iq, error stanzas
 * carrying an RFC 6120 §8.3 error, and no error answering an error.
 * Checked after every step: rooms, occupants, sessions, affiliations and
 * history agree with their lookup tables and counts; no occupant is banned
 * or (in a members-only room) unaffiliated; return codes are documented.
 *
 * Built by `make fuzz`. With -DFUZZ_STANDALONE it has its own main that
 * replays files (for gcc, valgrind, or a debugger):
 *   build/fuzz-replay FILE...
 * FUZZ_TRACE=1 prints each record's outcome and output. FUZZ_STRICT=1 in the environment also fails on an empty temporary room
 * left behind (a known library bug, see test/fuzz/README). */
#include "common.h"
#include "check_state.h"
#include "xml_wf.h"

#include <mxml.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	return n == dl && memcmp(j, DOMAIN, dl) == 0;
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
	xml_limits lim = {1u << 24, 64};
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
		   strcmp(wf, "undeclared element prefix") == 0 ||
		   strcmp(wf, "undeclared attribute prefix") == 0))
		wf = NULL;
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
		check_error_payload(x, o->xml, o->len);
		/* RFC 6120 §8.3.1: an error is never answered with one. Only
		 * checked for stanzas to the service or a bare room JID (an
		 * occupant's error may be forwarded to its own nick). */
		if (strcmp(c->in_type, "error") == 0 && c->sender &&
		    strcmp(to, c->sender) == 0 && !strchr(c->in_to, '/') &&
		    strcmp(from, c->in_to) == 0)
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

/* ---- Invariants of the service's tables (check_state.h) -------------- */

static void check_tables(muc_service *s)
{
	const char *where, *err;
	err = check_service(s, getenv("FUZZ_STRICT") != NULL, &where);
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
	xml_limits lim = {1u << 24, 32};
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
	xml_limits lim = {1u << 24, 32};
	xnode *x;
	const char *t, *id;
	bool hit = false;
	mem_init(&m, NULL);
	if (xml_parse(&m, xml, len, &lim, NS_CLIENT, &x))
		return false;
	t = xnode_attr(x, "type");
	id = xnode_attr(x, "id");
	/* iq_to_occupant: an answer whose id has no requester before '.' */
	if (strcmp(x->name, "iq") == 0 && id && id[0] == '.' &&
	    (!t || (strcmp(t, "get") && strcmp(t, "set"))))
		hit = true;
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
	c->mem.fail_at = (ctl & 0x80) ? c->mem.count + (long)(n % 61) : -1;
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
