/* Hostile input (issue 6): what the service does with bytes and stanzas
 * that no well-behaved client sends. Each case feeds one service — with a
 * room r@conference.localhost already created and configured by alba and
 * joined by bruno — and checks the documented outcome: the return code of
 * muc_service_feed (include/muc.h) and the exact stanzas delivered, which
 * for broken input is nothing (RFC 6120 §11.1 makes it a stream error, the
 * host's business) and otherwise an error stanza as RFC 6120 §8.3 and
 * XEP-0045 want, never one answering an error (§8.3.1).
 *
 * Every case also checks what holds for any input: each delivered stanza is
 * well-formed, namespace-well-formed XML (test/fuzz/xml_wf.h) with to and
 * from in place, and after muc_service_free no block is left (a counting
 * allocator). Each case runs in a child process, so a crash fails that case
 * only (HOSTILE_NOFORK=1 runs them in-process, for a debugger).
 *
 * Cases whose name ends in "[bug]" show a library bug found here (see the
 * report in test/fuzz/README); they pass once it is fixed.
 *
 * Usage: test-hostile [-v] [NAME-SUBSTRING]
 * Prints `N passed, M failed` last; exits non-zero on any failure. */
#include "common.h"
#include "../fuzz/xml_wf.h"

#include <mxml.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DOMAIN "conference.localhost"
#define ROOM "r@conference.localhost"
#define A "alba@localhost/desk"   /* owner, in the room as alba */
#define B "bruno@localhost/phone" /* in the room as bruno */
#define X "xena@localhost/x"      /* not in the room */
#define MUCX "<x xmlns='http://jabber.org/protocol/muc'/>"
#define NS_ST "urn:ietf:params:xml:ns:xmpp-stanzas"
#define LRM "\xe2\x80\x8e" /* U+200E, prohibited by resourceprep */
#define MAX_OUT 20000

/* ---- The service under test --------------------------------------------- */

static struct {
	long live;
} mem;

static void *h_malloc(size_t n, void *ud)
{
	void *p = malloc(n);
	(void)ud;
	if (p)
		mem.live++;
	return p;
}

static void *h_realloc(void *p, size_t n, void *ud)
{
	if (!p)
		return h_malloc(n, ud);
	return realloc(p, n);
}

static void h_free(void *p, void *ud)
{
	(void)ud;
	if (p) {
		mem.live--;
		free(p);
	}
}

static muc_service *svc;
static char *out[MAX_OUT];   /* delivered stanzas, in order */
static char *out_to[MAX_OUT];
static size_t nout, ndropped;
static int verbose;
static char why[2048];       /* the first failed check of the case */
static int64_t now_ms = INT64_C(1700000000000);

static void failf(const char *fmt, ...)
{
	va_list ap;
	if (why[0])
		return;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
}

/* Puts prefix (truncated) before the failure message. */
static void prefix_why(const char *prefix)
{
	char tmp[sizeof why];
	size_t p = strlen(prefix), w = strlen(why);
	if (p > 600)
		p = 600;
	if (p + w >= sizeof tmp)
		w = sizeof tmp - p - 1;
	memcpy(tmp, prefix, p);
	memcpy(tmp + p, why, w);
	tmp[p + w] = '\0';
	memcpy(why, tmp, sizeof why);
}

static char *dup_str(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);
	if (!d)
		abort();
	memcpy(d, s, n);
	return d;
}

static int deliver(const muc_stanza_out *o, void *ud)
{
	size_t where;
	const char *wf;
	(void)ud;
	if (!o->to || !o->from || !*o->to || !*o->from)
		failf("a stanza without to or from: %.200s", o->xml);
	wf = xml_wf_check(o->xml, o->len, &where);
	if (wf)
		failf("delivered a broken stanza (%s at byte %zu): %.400s", wf,
		      where, o->xml);
	if (verbose)
		printf("    -> %.600s%s\n", o->xml, o->len > 600 ? "…" : "");
	if (nout < MAX_OUT) {
		out[nout] = dup_str(o->xml);
		out_to[nout] = dup_str(o->to);
		nout++;
	} else {
		ndropped++;
	}
	return 0;
}

static int64_t clock_hook(void *ud)
{
	(void)ud;
	return now_ms;
}

static void clear_out(void)
{
	size_t i;
	for (i = 0; i < nout; i++) {
		free(out[i]);
		free(out_to[i]);
	}
	nout = ndropped = 0;
}

static int feedn(const char *xml, size_t len)
{
	int rc;
	clear_out();
	now_ms += 1000;
	rc = muc_service_feed(svc, xml, len);
	if (verbose)
		printf("  feed %.200s%s -> %s, %zu out\n", xml,
		       len > 200 ? "…" : "", muc_strerror(rc), nout + ndropped);
	return rc;
}

static int feed(const char *xml)
{
	return feedn(xml, strlen(xml));
}

/* Feeds a stanza that must succeed while setting up. */
static void must(const char *xml)
{
	int rc = feed(xml);
	if (rc != MUC_OK)
		failf("setup stanza failed (%s): %.200s", muc_strerror(rc), xml);
}

static void setup(void)
{
	muc_callbacks *cb;
	muc_allocator al = {h_malloc, h_realloc, h_free, NULL};
	if (muc_callbacks_new(&cb))
		abort();
	muc_callbacks_set_deliver(cb, deliver);
	muc_callbacks_set_clock(cb, clock_hook);
	if (muc_service_new(&svc, DOMAIN, cb, &al, NULL))
		abort();
	muc_callbacks_del(cb);
	if (muc_service_add_admin(svc, "admin@localhost"))
		abort();
	must("<presence from='" A "' to='" ROOM "/alba'>" MUCX "</presence>");
	must("<iq from='" A "' to='" ROOM "' type='set' id='cfg'><query xmlns="
	     "'http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data'"
	     " type='submit'/></query></iq>");
	must("<presence from='" B "' to='" ROOM "/bruno'>" MUCX "</presence>");
	clear_out();
}

static void teardown(void)
{
	clear_out();
	muc_service_free(svc);
	svc = NULL;
	if (mem.live != 0)
		failf("%ld block(s) leaked after muc_service_free", mem.live);
}

/* ---- Checks --------------------------------------------------------------- */

static void want_rc(int got, int want)
{
	if (got != want)
		failf("returned %s (%d), want %s (%d)", muc_strerror(got), got,
		      muc_strerror(want), want);
}

static void want_nothing(void)
{
	if (nout)
		failf("delivered %zu stanza(s), want none; first: %.400s",
		      nout + ndropped, out[0]);
}

static void want_count(size_t n)
{
	if (nout + ndropped != n)
		failf("delivered %zu stanza(s), want %zu%s%.400s",
		      nout + ndropped, n, nout ? "; first: " : "",
		      nout ? out[0] : "");
}

/* Exactly these stanzas, in this order (NULL-terminated list). */
static void want_exact(const char *first, ...)
{
	va_list ap;
	const char *w;
	size_t i = 0;
	va_start(ap, first);
	for (w = first; w; w = va_arg(ap, const char *), i++) {
		if (i >= nout) {
			failf("stanza %zu missing; want: %s", i + 1, w);
			break;
		}
		if (strcmp(out[i], w) != 0) {
			failf("stanza %zu differs\n      got:  %s\n      want: %s",
			      i + 1, out[i], w);
			break;
		}
	}
	va_end(ap);
	if (!why[0] && i != nout)
		failf("%zu stanza(s) more than expected; next: %.400s", nout - i,
		      out[i]);
}

/* No error stanza went to 'to' (RFC 6120 §8.3.1 after an error). */
static void want_no_error_to(const char *to)
{
	size_t i;
	for (i = 0; i < nout; i++)
		if (strcmp(out_to[i], to) == 0 && strstr(out[i], " type='error'"))
			failf("an error was answered with an error: %.400s",
			      out[i]);
}

/* Every delivered stanza's 'from' is inside the service's domain. */
static void want_own_from(void)
{
	size_t i;
	for (i = 0; i < nout; i++) {
		const char *f = strstr(out[i], " from='"), *at, *end;
		if (!f)
			continue;
		f += 7;
		end = strchr(f, '\'');
		at = memchr(f, '@', (size_t)(end - f));
		if (at)
			f = at + 1;
		if (strncmp(f, DOMAIN, strlen(DOMAIN)) != 0 ||
		    (f[strlen(DOMAIN)] != '\'' && f[strlen(DOMAIN)] != '/'))
			failf("a stanza from outside the service's domain: %.300s",
			      out[i]);
	}
}

/* ---- Building big inputs -------------------------------------------------- */

typedef struct sbuf {
	char *p;
	size_t n, cap;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		while (cap < b->n + n + 1)
			cap *= 2;
		b->p = realloc(b->p, cap);
		if (!b->p)
			abort();
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void sb_puts(sbuf *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

static void sb_printf(sbuf *b, const char *fmt, ...)
{
	va_list ap;
	char *tmp;
	int k;
	va_start(ap, fmt);
	k = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	tmp = malloc((size_t)k + 1);
	if (!tmp)
		abort();
	va_start(ap, fmt);
	vsnprintf(tmp, (size_t)k + 1, fmt, ap);
	va_end(ap);
	sb_put(b, tmp, (size_t)k);
	free(tmp);
}

static void sb_rep(sbuf *b, const char *s, size_t times)
{
	size_t i;
	for (i = 0; i < times; i++)
		sb_puts(b, s);
}

static double seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- 1. Not XML, or not XMPP's XML: MUC_ERR_PARSE, nothing sent ------------ */

#define GC_OPEN "<message from='" A "' to='" ROOM "' type='groupchat'>"
#define GC_CLOSE "</message>"

static const struct {
	const char *name;
	const char *xml;
	size_t len; /* 0: strlen */
} parse_cases[] = {
	{"parse: empty input", "", 0},
	{"parse: only white space", " \n\t ", 0},
	{"parse: truncated in a tag", GC_OPEN "<body>hi</bo", 0},
	{"parse: truncated in the start tag", "<message from='" A "' to='" ROOM, 0},
	{"parse: unclosed root", GC_OPEN "<body>hi</body>", 0},
	{"parse: mismatched end tags", GC_OPEN "<body>x" GC_CLOSE "</body>", 0},
	{"parse: two root elements", GC_OPEN GC_CLOSE GC_OPEN GC_CLOSE, 0},
	{"parse: text before the root", "hi" GC_OPEN GC_CLOSE, 0},
	{"parse: text after the root", GC_OPEN GC_CLOSE "hi", 0},
	{"parse: unquoted attribute", "<message from=" A " to='" ROOM "'/>", 0},
	{"parse: attribute without a value",
	 "<message from='" A "' to='" ROOM "' checked/>", 0},
	{"parse: duplicate attribute",
	 "<message from='" A "' to='" ROOM "' to='" ROOM "/alba'/>", 0},
	{"parse: '<' in an attribute value",
	 "<message from='" A "' to='" ROOM "' id='a<b'/>", 0},
	{"parse: invalid UTF-8 byte", GC_OPEN "<body>\xff</body>" GC_CLOSE, 0},
	{"parse: truncated UTF-8 sequence", GC_OPEN "<body>\xc3</body>" GC_CLOSE,
	 0},
	{"parse: overlong UTF-8", GC_OPEN "<body>\xc0\xaf</body>" GC_CLOSE, 0},
	{"parse: UTF-8 surrogate", GC_OPEN "<body>\xed\xa0\x80</body>" GC_CLOSE,
	 0},
	{"parse: U+FFFE", GC_OPEN "<body>\xef\xbf\xbe</body>" GC_CLOSE, 0},
	{"parse: beyond U+10FFFF", GC_OPEN "<body>\xf4\x90\x80\x80</body>" GC_CLOSE,
	 0},
	{"parse: control character", GC_OPEN "<body>a\x01z</body>" GC_CLOSE, 0},
	{"parse: control character in an attribute",
	 "<message from='" A "' to='" ROOM "' id='a\x1b'/>", 0},
	{"parse: NUL inside", GC_OPEN "<body>a\0z</body>" GC_CLOSE,
	 sizeof(GC_OPEN "<body>a\0z</body>" GC_CLOSE) - 1},
	{"parse: invalid UTF-8 in an element name", GC_OPEN "<b\xff/>" GC_CLOSE, 0},
	{"parse: control character in an element name", GC_OPEN "<b\x01/>" GC_CLOSE,
	 0},
	{"parse: element name starting with a digit", GC_OPEN "<1a/>" GC_CLOSE, 0},
	{"parse: comment before the root", "<!-- hi -->" GC_OPEN GC_CLOSE, 0},
	{"parse: comment inside", GC_OPEN "<!-- hi --><body>x</body>" GC_CLOSE, 0},
	{"parse: processing instruction inside",
	 GC_OPEN "<?php echo 1; ?><body>x</body>" GC_CLOSE, 0},
	{"parse: XML declaration", "<?xml version='1.0'?>" GC_OPEN GC_CLOSE, 0},
	{"parse: CDATA section", GC_OPEN "<body><![CDATA[<x>]]></body>" GC_CLOSE, 0},
	{"parse: DOCTYPE with entities (billion laughs)",
	 "<!DOCTYPE m [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;'>]>"
	 GC_OPEN "<body>&b;</body>" GC_CLOSE, 0},
	{"parse: HTML entity", GC_OPEN "<body>&nbsp;</body>" GC_CLOSE, 0},
	{"parse: unknown entity", GC_OPEN "<body>&foo;</body>" GC_CLOSE, 0},
	{"parse: unknown entity in an attribute",
	 "<message from='" A "' to='" ROOM "' id='&copy;'/>", 0},
	{"parse: entity without ';'", GC_OPEN "<body>&amp x</body>" GC_CLOSE, 0},
	{"parse: bare '&'", GC_OPEN "<body>fish & chips</body>" GC_CLOSE, 0},
	{"parse: empty character reference", GC_OPEN "<body>&#;</body>" GC_CLOSE,
	 0},
	{"parse: character reference to NUL", GC_OPEN "<body>&#0;</body>" GC_CLOSE,
	 0},
	{"parse: character reference to a control",
	 GC_OPEN "<body>&#x1b;</body>" GC_CLOSE, 0},
	{"parse: character reference to a surrogate",
	 GC_OPEN "<body>&#xD800;</body>" GC_CLOSE, 0},
	{"parse: character reference beyond U+10FFFF",
	 GC_OPEN "<body>&#x110000;</body>" GC_CLOSE, 0},
	{"parse: huge character reference",
	 GC_OPEN "<body>&#99999999999999999999;</body>" GC_CLOSE, 0},
	{"parse: undeclared element prefix", GC_OPEN "<p:x/>" GC_CLOSE, 0},
	{"parse: root is not a stanza", "<foo from='" A "' to='" ROOM "'/>", 0},
	{"parse: stanza in a foreign namespace",
	 "<message xmlns='urn:x' from='" A "' to='" ROOM "'/>", 0},
	{"parse: stream header", "<stream:stream xmlns:stream='http://etherx."
	 "jabber.org/streams' xmlns='jabber:client' to='" DOMAIN "'>", 0},
	{"parse: an element with an empty local name [bug]",
	 GC_OPEN "<body>x</body><p: xmlns:p='urn:x'/>" GC_CLOSE, 0},
	{"parse: an element name with two colons [bug]",
	 GC_OPEN "<body>x</body><a:b:c xmlns:a='urn:a'/>" GC_CLOSE, 0},
	{"parse: undeclared attribute prefix [bug]",
	 GC_OPEN "<body x:lang='en'>x</body>" GC_CLOSE, 0},
	{"parse: attribute names with an empty prefix or local part [bug]",
	 GC_OPEN "<body a:='1' :b='2'>x</body>" GC_CLOSE, 0},
};

static void run_parse_case(size_t i)
{
	size_t len = parse_cases[i].len ? parse_cases[i].len
					: strlen(parse_cases[i].xml);
	want_rc(feedn(parse_cases[i].xml, len), MUC_ERR_PARSE);
	want_nothing();
}

/* ---- 2. Accepted oddities: what is valid must work ------------------------ */

static void t_char_references(void)
{
	want_rc(feed(GC_OPEN "<body>&#x1F600;&#233;&lt;&amp;&gt;&quot;&apos;"
		     "</body>" GC_CLOSE), MUC_OK);
	want_count(2);
	if (nout && !strstr(out[0], "<body>\xf0\x9f\x98\x80\xc3\xa9&lt;&amp;"
				    "&gt;&quot;&apos;</body>"))
		failf("character references not kept: %s", out[0]);
}

static void t_not_nul_terminated(void)
{
	/* the stanza is followed by garbage that len excludes */
	static const char xml[] = GC_OPEN "<body>hi</body>" GC_CLOSE "<junk";
	want_rc(feedn(xml, sizeof xml - 1 - 5), MUC_OK);
	want_count(2);
}

static void t_prefixed_stanza(void)
{
	want_rc(feed("<c:message xmlns:c='jabber:client' from='" A "' to='" ROOM
		     "' type='groupchat'><c:body>hi</c:body></c:message>"),
		MUC_OK);
	want_count(2);
}

static void t_prefixed_attribute_kept_well_formed(void)
{
	/* namespace-well-formed input; the copy sent on must be too [bug] */
	want_rc(feed(GC_OPEN "<body xmlns:q='urn:q' q:lang='x'>hi</body>"
		     GC_CLOSE), MUC_OK);
	want_count(2);
}

static void t_component_namespace(void)
{
	want_rc(feed("<message xmlns='jabber:component:accept' from='" A "' to='"
		     ROOM "' type='groupchat'><body>hi</body></message>"),
		MUC_OK);
	want_count(2);
}

/* ---- 3. Addresses --------------------------------------------------------- */

static void t_no_from(void)
{
	want_rc(feed("<message to='" ROOM "' type='groupchat'><body>x</body>"
		     "</message>"), MUC_ERR_INVALID);
	want_nothing();
}

static void t_no_to(void)
{
	want_rc(feed("<message from='" A "' type='groupchat'><body>x</body>"
		     "</message>"), MUC_ERR_INVALID);
	want_nothing();
}

static void t_empty_from(void)
{
	want_rc(feed("<message from='' to='" ROOM "' type='groupchat'/>"),
		MUC_ERR_JID);
	want_nothing();
}

static void t_empty_to(void)
{
	/* like a malformed 'from' (MUC_ERR_JID): nothing was handled, and
	 * a malformed 'to' without a nick has no address to answer from
	 * [bug: MUC_OK] */
	want_rc(feed("<message from='" A "' to='' type='groupchat'/>"),
		MUC_ERR_JID);
	want_nothing();
}

static void t_bad_from(void)
{
	static const char *const bad[] = {
		"a@@localhost/x", "@localhost/x", "alba@/x", "alba@localhost/",
		"al ba@localhost/x", "alba@local_host/x", "alba@-localhost/x",
		"alba@localhost..x/y", "al'ba@localhost/x", "al\"ba@localhost/x",
		("alba@localhost/" LRM)};
	size_t i;
	char xml[512];
	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		snprintf(xml, sizeof xml,
			 "<message from='%s' to='" ROOM "' type='groupchat'>"
			 "<body>x</body></message>",
			 strchr(bad[i], '\'') ? "al&apos;ba@localhost/x"
			 : strchr(bad[i], '"') ? "al&quot;ba@localhost/x"
					       : bad[i]);
		want_rc(feed(xml), MUC_ERR_JID);
		want_nothing();
		if (why[0]) {
			char pre[128];
			snprintf(pre, sizeof pre, "from='%.80s': ", bad[i]);
			prefix_why(pre);
			return;
		}
	}
}

static void t_other_domain(void)
{
	static const char *const to[] = {
		"r@localhost/alba", "r@conference.localhost.evil/alba",
		"r@evil.conference.localhost", "localhost"};
	size_t i;
	char xml[512];
	for (i = 0; i < sizeof to / sizeof *to; i++) {
		snprintf(xml, sizeof xml,
			 "<presence from='" A "' to='%s'>" MUCX "</presence>",
			 to[i]);
		want_rc(feed(xml), MUC_ERR_NOT_FOR_US);
		want_nothing();
	}
}

static void t_other_domain_bad_nick(void)
{
	/* a 'to' outside the service with a malformed resource is still not
	 * the service's: it must not answer as that other domain [bug] */
	want_rc(feed("<presence from='" A "' to='r@example.org/x" LRM "'>" MUCX
		     "</presence>"), MUC_ERR_NOT_FOR_US);
	want_nothing();
	want_own_from();
}

static void t_bad_nick(void)
{
	/* XEP-0045 §7.2.1: a nick that fails resourceprep: jid-malformed,
	 * from the occupant JID as addressed */
	want_rc(feed("<presence from='" X "' to='" ROOM "/x" LRM "' id='j1'>"
		     MUCX "</presence>"), MUC_OK);
	want_exact("<presence to='" X "' from='" ROOM "/x" LRM "' type='error'"
		   " id='j1'><error type='modify' by='" ROOM "'><jid-malformed"
		   " xmlns='" NS_ST "'/></error></presence>",
		   NULL);
}

static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);
	if (!s)
		abort();
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void t_long_jids(void)
{
	char *n1023 = repeat('n', 1023), *n1024 = repeat('n', 1024);
	sbuf b = {0};
	/* a node of 1023 bytes is a JID (RFC 7622 §3.1); 1024 is not */
	sb_printf(&b, "<iq from='%s@localhost/r' to='" ROOM "' type='get' id='q'>"
		  "<query xmlns='http://jabber.org/protocol/disco#info'/></iq>",
		  n1023);
	want_rc(feed(b.p), MUC_OK);
	want_count(1);
	b.n = 0;
	sb_printf(&b, "<iq from='%s@localhost/r' to='" ROOM "' type='get' id='q'>"
		  "<query xmlns='http://jabber.org/protocol/disco#info'/></iq>",
		  n1024);
	want_rc(feed(b.p), MUC_ERR_JID);
	want_nothing();
	b.n = 0;
	sb_printf(&b, "<iq from='x@localhost/%s' to='" ROOM "' type='get' id='q'>"
		  "<query xmlns='http://jabber.org/protocol/disco#info'/></iq>",
		  n1024);
	want_rc(feed(b.p), MUC_ERR_JID);
	want_nothing();
	/* a nickname of 1023 bytes enters; 1024 is jid-malformed */
	b.n = 0;
	sb_printf(&b, "<presence from='" X "' to='" ROOM "/%s'>" MUCX
		  "</presence>", n1023);
	want_rc(feed(b.p), MUC_OK);
	want_count(6); /* to xena: alba, bruno, self, subject; xena to both */
	b.n = 0;
	sb_printf(&b, "<presence from='carl@localhost/c' to='" ROOM "/%s' id='j'>"
		  MUCX "</presence>", n1024);
	want_rc(feed(b.p), MUC_OK);
	want_count(1);
	if (nout && (!strstr(out[0], "type='error'") ||
		     !strstr(out[0], "<jid-malformed")))
		failf("a 1024-byte nick: want jid-malformed, got %.300s", out[0]);
	/* a room name of 1024 bytes: no such room can exist; nothing to
	 * answer from */
	b.n = 0;
	sb_printf(&b, "<presence from='" X "' to='%s@" DOMAIN "/x'>" MUCX
		  "</presence>", n1024);
	(void)feed(b.p);
	want_nothing();
	free(n1023);
	free(n1024);
	free(b.p);
}

/* ---- 4. Sizes ------------------------------------------------------------ */

static void t_ten_megabytes(void)
{
	sbuf b = {0};
	double t;
	sb_puts(&b, GC_OPEN "<body>");
	sb_rep(&b, "0123456789abcdef", 10 * 1024 * 1024 / 16);
	sb_puts(&b, "</body>" GC_CLOSE);
	t = seconds();
	want_rc(feed(b.p), MUC_ERR_TOO_LARGE);
	want_nothing();
	if (seconds() - t > 0.5)
		failf("refusing 10 MB took %.2f s", seconds() - t);
	free(b.p);
}

/* A groupchat message of exactly n bytes. */
static char *message_of(size_t n)
{
	sbuf b = {0};
	size_t fixed = strlen(GC_OPEN "<body></body>" GC_CLOSE);
	sb_puts(&b, GC_OPEN "<body>");
	while (b.n < n - (fixed - strlen(GC_OPEN "<body>")))
		sb_put(&b, "x", 1);
	sb_puts(&b, "</body>" GC_CLOSE);
	return b.p;
}

static void t_size_limit_boundary(void)
{
	char *m = message_of(262144);
	want_rc(feed(m), MUC_OK);
	want_count(2);
	free(m);
	m = message_of(262145);
	want_rc(feed(m), MUC_ERR_TOO_LARGE);
	want_nothing();
	free(m);
}

#define ADMIN_OPEN "<iq from='" A "' to='" ROOM "' type='set' id='big'>" \
	"<query xmlns='http://jabber.org/protocol/muc#admin'>"
#define ADMIN_CLOSE "</query></iq>"

static void t_10000_items_too_large(void)
{
	sbuf b = {0};
	int i;
	sb_puts(&b, ADMIN_OPEN);
	for (i = 0; i < 10000; i++)
		sb_printf(&b, "<item affiliation='member' jid='u%d@localhost'/>", i);
	sb_puts(&b, ADMIN_CLOSE);
	want_rc(feed(b.p), MUC_ERR_TOO_LARGE); /* ~460 KB > 256 KiB */
	want_nothing();
	free(b.p);
}

static void t_10000_empty_items(void)
{
	sbuf b = {0};
	sb_puts(&b, ADMIN_OPEN);
	sb_rep(&b, "<item/>", 10000);
	sb_puts(&b, ADMIN_CLOSE);
	want_rc(feed(b.p), MUC_OK);
	want_exact("<iq to='" A "' from='" ROOM "' type='error' id='big'>"
		   "<error type='cancel'><bad-request xmlns='" NS_ST "'/>"
		   "</error></iq>",
		   NULL);
	free(b.p);
}

static int count_affs(const muc_affiliation_info *i, void *ud)
{
	(void)i;
	(*(size_t *)ud)++;
	return 0;
}

static size_t affiliations(void)
{
	size_t n = 0;
	muc_room *r = muc_service_find_room(svc, ROOM);
	if (r)
		muc_room_foreach_affiliation(r, count_affs, &n);
	return n;
}

static void t_5000_items(void)
{
	sbuf b = {0};
	int i;
	double t;
	sb_puts(&b, ADMIN_OPEN);
	for (i = 0; i < 5000; i++)
		sb_printf(&b, "<item affiliation='member' jid='u%d@localhost'/>", i);
	sb_puts(&b, ADMIN_CLOSE);
	t = seconds();
	want_rc(feed(b.p), MUC_OK);
	t = seconds() - t;
	/* each absent user's change is told to the moderators (alba) */
	want_count(5001);
	if (nout + ndropped == 5001 &&
	    strcmp(out[5000], "<iq to='" A "' from='" ROOM "' type='result'"
			      " id='big'/>") != 0)
		failf("last stanza is not the result: %s", out[5000]);
	if (affiliations() != 5001)
		failf("%zu affiliations, want 5001", affiliations());
	if (t > 2.0)
		failf("5000 items took %.2f s", t);
	free(b.p);
}

static void t_items_all_or_nothing(void)
{
	sbuf b = {0};
	int i;
	sb_puts(&b, ADMIN_OPEN);
	for (i = 0; i < 5000; i++)
		sb_printf(&b, "<item affiliation='member' jid='u%d@localhost'/>", i);
	sb_puts(&b, "<item affiliation='emperor' jid='z@localhost'/>");
	sb_puts(&b, ADMIN_CLOSE);
	want_rc(feed(b.p), MUC_OK);
	want_exact("<iq to='" A "' from='" ROOM "' type='error' id='big'>"
		   "<error type='modify'><not-acceptable xmlns='" NS_ST "'/>"
		   "</error></iq>",
		   NULL);
	if (affiliations() != 1)
		failf("a refused list changed affiliations: %zu", affiliations());
	free(b.p);
}

static char *nested(int depth)
{
	sbuf b = {0};
	sb_puts(&b, GC_OPEN "<body>x</body>");
	sb_rep(&b, "<a>", (size_t)depth - 1);
	sb_rep(&b, "</a>", (size_t)depth - 1);
	sb_puts(&b, GC_CLOSE);
	return b.p;
}

static void t_deep_nesting(void)
{
	char *x = nested(10000);
	want_rc(feed(x), MUC_ERR_TOO_LARGE);
	want_nothing();
	free(x);
	x = nested(32); /* the default limit, root included */
	want_rc(feed(x), MUC_OK);
	want_count(2);
	free(x);
	x = nested(33);
	want_rc(feed(x), MUC_ERR_TOO_LARGE);
	want_nothing();
	free(x);
}

static void t_deep_tree(void)
{
	mxml_node_t *top = mxmlNewElement(MXML_NO_PARENT, "message"), *n = top;
	int i, rc;
	mxmlElementSetAttr(top, "from", A);
	mxmlElementSetAttr(top, "to", ROOM);
	mxmlElementSetAttr(top, "type", "groupchat");
	for (i = 0; i < 10000; i++)
		n = mxmlNewElement(n, "a");
	clear_out();
	rc = muc_service_feed_tree(svc, top);
	mxmlDelete(top);
	want_rc(rc, MUC_ERR_TOO_LARGE);
	want_nothing();
}

static void t_many_attributes(void)
{
	sbuf b = {0};
	int i;
	double t;
	sb_puts(&b, GC_OPEN "<body");
	for (i = 0; i < 10000; i++)
		sb_printf(&b, " a%d='v'", i);
	sb_puts(&b, ">x</body>" GC_CLOSE);
	t = seconds();
	(void)feed(b.p);
	if (seconds() - t > 2.0)
		failf("10000 attributes took %.2f s", seconds() - t);
	free(b.p);
}

static void t_many_children(void)
{
	sbuf b = {0};
	double t;
	sb_puts(&b, GC_OPEN "<body>x</body>");
	sb_rep(&b, "<a/>", 50000);
	sb_puts(&b, GC_CLOSE);
	t = seconds();
	want_rc(feed(b.p), MUC_OK);
	want_count(2);
	if (seconds() - t > 2.0)
		failf("50000 children took %.2f s", seconds() - t);
	free(b.p);
}

/* ---- 5. Types that do not exist ------------------------------------------- */

static void t_message_bogus_type_room(void)
{
	/* RFC 6121 §5.2.2: an unknown type is "normal"; a normal message
	 * with no MUC payload is not the room's: service-unavailable, as
	 * Prosody's server answers it */
	want_rc(feed("<message from='" B "' to='" ROOM "' type='bogus'><body>x"
		     "</body></message>"), MUC_OK);
	want_exact("<message to='" B "' from='" ROOM "' type='error'>"
		   "<error type='cancel'><service-unavailable xmlns='" NS_ST
		   "'/></error></message>",
		   NULL);
}

static void t_message_bogus_type_occupant(void)
{
	/* ... and to an occupant it is a private message */
	want_rc(feed("<message from='" B "' to='" ROOM "/alba' type='bogus'>"
		     "<body>x</body></message>"), MUC_OK);
	want_count(1);
}

static void t_presence_bogus_type(void)
{
	want_rc(feed("<presence from='" B "' to='" ROOM "/bruno' type='bogus'"
		     " id='p'/>"), MUC_OK);
	want_exact("<presence to='" B "' from='" ROOM "/bruno' type='error'"
		   " id='p'><error type='modify' by='" ROOM "'><bad-request"
		   " xmlns='" NS_ST "'/></error></presence>",
		   NULL);
}

static void t_presence_subscribe(void)
{
	want_rc(feed("<presence from='" X "' to='" ROOM "' type='subscribe'/>"),
		MUC_OK);
	want_nothing();
}

static void t_iq_bogus_type(void)
{
	/* RFC 6120 §8.3.3.1: an unrecognized 'type' is bad-request [bug] */
	want_rc(feed("<iq from='" B "' to='" ROOM "' type='bogus' id='q'>"
		     "<query xmlns='http://jabber.org/protocol/disco#info'/>"
		     "</iq>"), MUC_OK);
	want_exact("<iq to='" B "' from='" ROOM "' type='error' id='q'>"
		   "<error type='modify'><bad-request xmlns='" NS_ST "'/>"
		   "</error></iq>",
		   NULL);
}

static void t_iq_no_type(void)
{
	/* RFC 6120 §8.2.3: 'type' is required; answered as above [bug] */
	want_rc(feed("<iq from='" B "' to='" ROOM "' id='q'><query xmlns="
		     "'http://jabber.org/protocol/disco#info'/></iq>"), MUC_OK);
	want_exact("<iq to='" B "' from='" ROOM "' type='error' id='q'>"
		   "<error type='modify'><bad-request xmlns='" NS_ST "'/>"
		   "</error></iq>",
		   NULL);
}

static void t_iq_no_child(void)
{
	want_rc(feed("<iq from='" B "' to='" ROOM "' type='get' id='q'/>"),
		MUC_OK);
	want_exact("<iq to='" B "' from='" ROOM "' type='error' id='q'>"
		   "<error type='modify'><bad-request xmlns='" NS_ST "'/>"
		   "</error></iq>",
		   NULL);
}

static void t_iq_two_children(void)
{
	want_rc(feed("<iq from='" B "' to='" ROOM "' type='get' id='q'><query"
		     " xmlns='http://jabber.org/protocol/disco#info'/><query"
		     " xmlns='http://jabber.org/protocol/disco#items'/></iq>"),
		MUC_OK);
	want_exact("<iq to='" B "' from='" ROOM "' type='error' id='q'>"
		   "<error type='modify'><bad-request xmlns='" NS_ST "'/>"
		   "</error></iq>",
		   NULL);
}

static void t_iq_unknown_payload(void)
{
	want_rc(feed("<iq from='" X "' to='" DOMAIN "' type='set' id='q'>"
		     "<launch xmlns='urn:x:missiles'/></iq>"), MUC_OK);
	want_exact("<iq to='" X "' from='" DOMAIN "' type='error' id='q'>"
		   "<error type='cancel'><service-unavailable xmlns='" NS_ST
		   "'/></error></iq>",
		   NULL);
}

static void t_results_to_service(void)
{
	want_rc(feed("<iq from='" X "' to='" DOMAIN "' type='result' id='q'/>"),
		MUC_OK);
	want_nothing();
	/* chatter: the reference looks for a room at the service's address
	 * and answers that there is none */
	want_rc(feed("<message from='" X "' to='" DOMAIN "'><body>hi</body>"
		     "</message>"), MUC_OK);
	want_exact("<message to='" X "' from='" DOMAIN "' type='error'>"
		   "<error type='cancel'><item-not-found xmlns='" NS_ST
		   "'/></error></message>",
		   NULL);
	want_rc(feed("<presence from='" X "' to='" DOMAIN "'/>"), MUC_OK);
	want_exact("<presence to='" X "' from='" DOMAIN "' type='error'>"
		   "<error type='cancel'><item-not-found xmlns='" NS_ST
		   "'/></error></presence>",
		   NULL);
}

/* ---- 6. Errors are never answered with errors (RFC 6120 §8.3.1) ------------ */

static void t_error_never_answered(void)
{
	static const char *const kinds[] = {"message", "presence", "iq"};
	static const char *const targets[] = {
		DOMAIN, "gone@" DOMAIN, "gone@" DOMAIN "/nick", ROOM,
		ROOM "/nobody", ROOM "/alba", ROOM "/x" LRM, "tomb@" DOMAIN,
		"tomb@" DOMAIN "/nick"};
	static const char *const senders[] = {B, X};
	static const char *const conds[] = {"feature-not-implemented",
					    "service-unavailable"};
	size_t k, t, f, c;
	char xml[1024];
	/* a destroyed persistent room leaves a tombstone */
	must("<presence from='" A "' to='tomb@" DOMAIN "/alba'>" MUCX
	     "</presence>");
	must("<iq from='" A "' to='tomb@" DOMAIN "' type='set' id='c'><query "
	     "xmlns='http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:"
	     "data' type='submit'><field var='FORM_TYPE'><value>http://jabber."
	     "org/protocol/muc#roomconfig</value></field><field var='muc#"
	     "roomconfig_persistentroom'><value>1</value></field></x></query>"
	     "</iq>");
	must("<iq from='" A "' to='tomb@" DOMAIN "' type='set' id='d'><query "
	     "xmlns='http://jabber.org/protocol/muc#owner'><destroy/></query>"
	     "</iq>");
	for (k = 0; k < 3; k++)
		for (t = 0; t < sizeof targets / sizeof *targets; t++)
			for (f = 0; f < 2; f++)
				for (c = 0; c < 2; c++) {
					snprintf(xml, sizeof xml,
						 "<%s from='%s' to='%s' type='error'"
						 " id='e'><error type='cancel'><%s"
						 " xmlns='" NS_ST "'/></error></%s>",
						 kinds[k], senders[f], targets[t],
						 conds[c], kinds[k]);
					(void)feed(xml);
					want_no_error_to(senders[f]);
					if (why[0]) {
						char pre[256];
						snprintf(pre, sizeof pre,
							 "%s from %s to %s (%s): ",
							 kinds[k], senders[f],
							 targets[t], conds[c]);
						prefix_why(pre);
						return;
					}
					/* bruno may have been removed by a
					 * kickable error: bring him back */
					if (!muc_service_find_room(svc, ROOM) ||
					    !room_occupant_by_real(
						    muc_service_find_room(svc, ROOM),
						    B))
						(void)feed("<presence from='" B "' to='"
							   ROOM "/bruno'>" MUCX
							   "</presence>");
				}
}

static void t_error_without_error_element(void)
{
	/* a type='error' stanza with no <error/>: still an error */
	want_rc(feed("<iq from='" X "' to='" ROOM "' type='error' id='e'/>"),
		MUC_OK);
	want_nothing();
	want_rc(feed("<message from='" X "' to='" ROOM "/alba' type='error'/>"),
		MUC_OK);
	want_nothing();
}

static void t_error_bounce_second_session(void)
{
	/* bruno has two sessions; one bounces an error (the client is gone,
	 * RFC 6120 §8.3.3): that session leaves with status 333, the other
	 * stays. Nothing of type error goes back to the gone session, and
	 * what it gets is a presence, not the bounced message's payload
	 * [bug] */
	must("<presence from='bruno@localhost/laptop' to='" ROOM "/bruno'>"
	     MUCX "</presence>");
	want_rc(feed("<message from='" B "' to='" ROOM "' type='error' id='m1'>"
		     "<body>echo</body><error type='cancel'><gone xmlns='" NS_ST
		     "'/></error></message>"), MUC_OK);
	want_no_error_to(B);
	if (!why[0] && nout && strstr(out[1], "<body>"))
		failf("a presence carries the bounced message: %.300s", out[1]);
	if (!why[0]) {
		want_rc(feed("<presence from='bruno@localhost/laptop' to='" ROOM
			     "/bruno' type='error' id='p1'><error type='cancel'>"
			     "<gone xmlns='" NS_ST "'/></error></presence>"), MUC_OK);
		want_no_error_to("bruno@localhost/laptop");
	}
}

/* ---- 7. Loops through the host ------------------------------------------- */

/* Feeds back what the service sent to its own domain, as a host routes it,
 * for up to `hops` rounds; returns how many stanzas went back in. */
static size_t route_back(int hops)
{
	size_t total = 0;
	while (hops-- > 0) {
		size_t i, n = 0;
		char *again[64];
		for (i = 0; i < nout && n < 64; i++) {
			const char *to = out_to[i], *at = strchr(to, '@');
			const char *d = at ? at + 1 : to;
			if (strncmp(d, DOMAIN, strlen(DOMAIN)) == 0 &&
			    (d[strlen(DOMAIN)] == '\0' || d[strlen(DOMAIN)] == '/'))
				again[n++] = dup_str(out[i]);
		}
		if (!n)
			break;
		for (i = 0; i < n; i++) {
			(void)feed(again[i]);
			free(again[i]);
		}
		total += n;
	}
	return total;
}

static void t_invite_to_room_itself(void)
{
	/* an invitation addressed to the room itself comes back through the
	 * host; it must die out, not be mediated forever */
	want_rc(feed("<message from='" A "' to='" ROOM "'><x xmlns='http://"
		     "jabber.org/protocol/muc#user'><invite to='" ROOM "'/></x>"
		     "</message>"), MUC_OK);
	if (route_back(10) >= 10)
		failf("an invitation to the room loops through the host");
}

static void t_decline_to_room_itself(void)
{
	want_rc(feed("<message from='" A "' to='" ROOM "'><x xmlns='http://"
		     "jabber.org/protocol/muc#user'><decline to='" DOMAIN "'/></x>"
		     "</message>"), MUC_OK);
	if (route_back(10) >= 10)
		failf("a decline to the service loops through the host");
}

/* ---- 7b. Hostile values inside valid stanzas ------------------------------ */

static void t_history_values(void)
{
	/* out-of-range and non-numeric history limits (§7.2.15): the join
	 * goes through (xena gets alba, bruno, herself, the subject; the two
	 * get her presence) */
	static const char *const h[] = {
		"maxchars='-1'", "maxstanzas='99999999999999999999999'",
		"seconds='-99999999999999999999'", "seconds='x'",
		"since='0000-00-00T00:00:00Z'", "since='9999-99-99T99:99:99+99:99'",
		"since='2024-01-01T00:00:00.123456789012345678901234567890Z'",
		"since=''", "maxchars='0' maxstanzas='0' seconds='0'"};
	size_t i;
	char xml[512];
	for (i = 0; i < sizeof h / sizeof *h; i++) {
		must(GC_OPEN "<body>history</body>" GC_CLOSE);
		snprintf(xml, sizeof xml,
			 "<presence from='" X "' to='" ROOM "/xena'><x xmlns='http:"
			 "//jabber.org/protocol/muc'><history %s/></x></presence>",
			 h[i]);
		want_rc(feed(xml), MUC_OK);
		if (nout < 6)
			failf("history %s: %zu stanzas", h[i], nout);
		must("<presence from='" X "' to='" ROOM "/xena'"
		     " type='unavailable'/>");
	}
}

static void t_config_values(void)
{
	/* values that do not fit their fields: refused or ignored, never
	 * crashing; the room stays usable */
	sbuf b = {0};
	sb_puts(&b, "<iq from='" A "' to='" ROOM "' type='set' id='c2'><query "
		    "xmlns='http://jabber.org/protocol/muc#owner'><x xmlns='jabber:"
		    "x:data' type='submit'><field var='FORM_TYPE'><value>http://"
		    "jabber.org/protocol/muc#roomconfig</value></field>");
	sb_puts(&b, "<field var='muc#roomconfig_historylength'><value>"
		    "99999999999999999999</value></field>"
		    "<field var='muc#roomconfig_defaulthistorymessages'><value>-7"
		    "</value></field><field var='muc#roomconfig_maxusers'><value>"
		    "-1</value></field><field var='muc#roomconfig_presencebroadcast'>"
		    "<value>none</value><value>emperor</value></field>"
		    "<field var='muc#roomconfig_allowpm'><value>nobody</value>"
		    "</field><field var='muc#roomconfig_persistentroom'><value>"
		    "maybe</value></field><field var='muc#roomconfig_roomname'>"
		    "<value>");
	sb_rep(&b, "n", 100000);
	sb_puts(&b, "</value></field><field var='muc#roomconfig_roomname'>"
		    "<value>twice</value></field><field/><field var=''/>"
		    "</x></query></iq>");
	(void)feed(b.p);
	if (nout < 1 || !strstr(out[0], "id='c2'"))
		failf("no answer to the form");
	want_rc(feed("<iq from='" A "' to='" ROOM "' type='get' id='c3'><query "
		     "xmlns='http://jabber.org/protocol/muc#owner'/></iq>"), MUC_OK);
	want_count(1);
	want_rc(feed(GC_OPEN "<body>still here</body>" GC_CLOSE), MUC_OK);
	want_count(2);
	free(b.p);
}

static void t_odd_requests(void)
{
	/* disco with a node, registration with a bad nick, an invitation to
	 * a malformed JID, a voice request naming nobody: each answered (or
	 * ignored) without harm */
	(void)feed("<iq from='" X "' to='" ROOM "' type='get' id='d'><query "
		   "xmlns='http://jabber.org/protocol/disco#info' node='"
		   "&lt;&amp;&gt;'/></iq>");
	want_count(1);
	(void)feed("<iq from='" A "' to='" ROOM "' type='set' id='r'><query "
		   "xmlns='jabber:iq:register'><x xmlns='jabber:x:data' type="
		   "'submit'><field var='FORM_TYPE'><value>http://jabber.org/"
		   "protocol/muc#register</value></field><field var='muc#"
		   "register_roomnick'><value>x" LRM "</value></field></x>"
		   "</query></iq>");
	want_count(1);
	(void)feed("<message from='" A "' to='" ROOM "'><x xmlns='http://jabber."
		   "org/protocol/muc#user'><invite to='@@'/></x></message>");
	want_count(1);
	(void)feed("<message from='" A "' to='" ROOM "'><x xmlns='jabber:x:data'"
		   " type='submit'><field var='FORM_TYPE'><value>http://jabber."
		   "org/protocol/muc#request</value></field><field var='muc#"
		   "request_allow'><value>1</value></field><field var='muc#jid'>"
		   "<value>nobody@nowhere/x</value></field></x></message>");
	want_nothing();
	(void)feed("<iq from='admin@localhost/x' to='" DOMAIN "' type='set' id='h'>"
		   "<command xmlns='http://jabber.org/protocol/commands' node="
		   "'http://prosody.im/protocol/muc#destroy'><x xmlns='jabber:x:"
		   "data' type='submit'><field var='rooms'><value>@@</value><value/>"
		   "<value>" ROOM "/x</value></field></x></command></iq>");
	want_count(3); /* alba and bruno told, then the result */
}

/* ---- 8. Known crash, other regressions ------------------------------------- */

static void t_iq_answer_id_without_requester(void)
{
	/* an answer to a forwarded iq whose id names no requester: dropped
	 * (ids were hex(requester) '.' id until 5c7b1df; ".x" crashed in
	 * iq_to_occupant, a NULL key into the real-JID map) */
	want_rc(feed("<iq from='" B "' to='" ROOM "/alba' type='result'"
		     " id='.x'/>"), MUC_OK);
	want_nothing();
	want_rc(feed("<iq from='" B "' to='" ROOM "/alba' type='error'"
		     " id='.'/>"), MUC_OK);
	want_nothing();
}

static void t_iq_answer_forged_id(void)
{
	/* ids that decode to another JID or to garbage: dropped */
	static const char *const ids[] = {"zz.x", "6.x", "00.x", "41.x",
					  "ff.x", "x"};
	size_t i;
	char xml[256];
	for (i = 0; i < sizeof ids / sizeof *ids; i++) {
		snprintf(xml, sizeof xml,
			 "<iq from='" B "' to='" ROOM "/alba' type='result'"
			 " id='%s'/>", ids[i]);
		want_rc(feed(xml), MUC_OK);
		want_nothing();
	}
}

static void t_kick_self_reaps_room(void)
{
	/* XEP-0045 §10.1.3 (and the reference's "destroy empty
	 * non-persistent rooms"): a temporary room goes with its last
	 * occupant, whichever way it left [bug] */
	must("<presence from='" B "' to='" ROOM "/bruno' type='unavailable'/>");
	must("<iq from='" A "' to='" ROOM "' type='set' id='k'><query xmlns="
	     "'http://jabber.org/protocol/muc#admin'><item nick='alba'"
	     " role='none'/></query></iq>");
	if (muc_service_room_count(svc) != 0)
		failf("the empty temporary room is still there (%zu room(s))",
		      muc_service_room_count(svc));
}

static void t_destroy_reason_bytes(void)
{
	/* the C API takes the host's strings; what it sends must still be
	 * XML: refuse them (MUC_ERR_INVALID) or send well-formed [bug] */
	muc_room *r = muc_service_find_room(svc, ROOM);
	int rc;
	clear_out();
	rc = muc_room_destroy(r, "bad\x01reason\xff", NULL, NULL);
	if (rc != MUC_OK && rc != MUC_ERR_INVALID)
		failf("muc_room_destroy returned %s", muc_strerror(rc));
}

static void t_api_null_arguments(void)
{
	mxml_node_t *t;
	want_rc(muc_service_feed(NULL, "<a/>", 4), MUC_ERR_INVALID);
	want_rc(muc_service_feed(svc, NULL, 4), MUC_ERR_INVALID);
	want_rc(muc_service_feed_tree(svc, NULL), MUC_ERR_INVALID);
	want_rc(muc_service_feed_tree(NULL, NULL), MUC_ERR_INVALID);
	/* a tree that is a comment, or text */
	t = mxmlNewOpaque(MXML_NO_PARENT, "hello");
	if (muc_service_feed_tree(svc, t) == MUC_OK)
		failf("a text node was accepted as a stanza");
	mxmlDelete(t);
	want_nothing();
}

/* ---- The runner ------------------------------------------------------------ */

typedef struct tcase {
	const char *name;
	void (*fn)(void);
	size_t parse_index; /* for the parse table, fn == NULL */
} tcase;

static const tcase cases[] = {
	{"accept: character references", t_char_references, 0},
	{"accept: input not NUL-terminated", t_not_nul_terminated, 0},
	{"accept: prefixed stanza element", t_prefixed_stanza, 0},
	{"accept: component namespace", t_component_namespace, 0},
	{"accept: prefixed attribute sent on well-formed [bug]",
	 t_prefixed_attribute_kept_well_formed, 0},
	{"address: no from", t_no_from, 0},
	{"address: no to", t_no_to, 0},
	{"address: empty from", t_empty_from, 0},
	{"address: empty to [bug]", t_empty_to, 0},
	{"address: malformed from", t_bad_from, 0},
	{"address: another domain", t_other_domain, 0},
	{"address: another domain, malformed nick [bug]",
	 t_other_domain_bad_nick, 0},
	{"address: malformed nick", t_bad_nick, 0},
	{"address: JIDs and nicks over 1023 bytes", t_long_jids, 0},
	{"size: a 10 MB stanza", t_ten_megabytes, 0},
	{"size: 256 KiB exactly, and one byte more", t_size_limit_boundary, 0},
	{"size: 10000 items in one admin request", t_10000_items_too_large, 0},
	{"size: 10000 empty items", t_10000_empty_items, 0},
	{"size: 5000 items applied", t_5000_items, 0},
	{"size: 5001 items, the last refused: none applied",
	 t_items_all_or_nothing, 0},
	{"size: 10000 levels of nesting", t_deep_nesting, 0},
	{"size: 10000 levels of nesting as a tree", t_deep_tree, 0},
	{"size: 10000 attributes", t_many_attributes, 0},
	{"size: 50000 children", t_many_children, 0},
	{"type: message of an unknown type to the room",
	 t_message_bogus_type_room, 0},
	{"type: message of an unknown type to an occupant",
	 t_message_bogus_type_occupant, 0},
	{"type: presence of an unknown type", t_presence_bogus_type, 0},
	{"type: subscription request to a room", t_presence_subscribe, 0},
	{"type: iq of an unknown type [bug]", t_iq_bogus_type, 0},
	{"type: iq without a type [bug]", t_iq_no_type, 0},
	{"type: iq request without a payload", t_iq_no_child, 0},
	{"type: iq request with two payloads", t_iq_two_children, 0},
	{"type: iq with an unknown payload", t_iq_unknown_payload, 0},
	{"type: results and chatter to the service", t_results_to_service, 0},
	{"error: never answered with an error", t_error_never_answered, 0},
	{"error: error stanzas without <error/>", t_error_without_error_element,
	 0},
	{"error: a bounce from one of two sessions [bug]",
	 t_error_bounce_second_session, 0},
	{"loop: invitation to the room itself", t_invite_to_room_itself, 0},
	{"loop: decline to the service", t_decline_to_room_itself, 0},
	{"values: history limits out of range", t_history_values, 0},
	{"values: configuration form out of range", t_config_values, 0},
	{"values: odd requests", t_odd_requests, 0},
	{"regression: iq answer id without requester",
	 t_iq_answer_id_without_requester, 0},
	{"regression: iq answers with forged ids", t_iq_answer_forged_id, 0},
	{"regression: self-kick leaves no empty room [bug]",
	 t_kick_self_reaps_room, 0},
	{"api: destroy reason with control bytes [bug]", t_destroy_reason_bytes,
	 0},
	{"api: NULL and odd arguments", t_api_null_arguments, 0},
};

static void run_one(const char *name, void (*fn)(void), size_t pi)
{
	why[0] = '\0';
	mem.live = 0;
	setup();
	if (fn)
		fn();
	else
		run_parse_case(pi);
	teardown();
	(void)name;
}

/* Runs a case in a child; returns 1 when it passed. */
static int isolated(const char *name, void (*fn)(void), size_t pi)
{
	int fd[2], status;
	pid_t pid;
	char msg[sizeof why];
	ssize_t n;
	if (getenv("HOSTILE_NOFORK")) {
		run_one(name, fn, pi);
		memcpy(msg, why, sizeof msg);
	} else {
		fflush(stdout);
		if (pipe(fd) != 0 || (pid = fork()) < 0) {
			perror("fork");
			exit(2);
		}
		if (pid == 0) {
			close(fd[0]);
			run_one(name, fn, pi);
			n = write(fd[1], why, strlen(why) + 1);
			_exit(n > 0 ? 0 : 3);
		}
		close(fd[1]);
		memset(msg, 0, sizeof msg);
		n = read(fd[0], msg, sizeof msg - 1);
		close(fd[0]);
		waitpid(pid, &status, 0);
		if (WIFSIGNALED(status))
			snprintf(msg, sizeof msg, "crashed (signal %d)",
				 WTERMSIG(status));
		else if (n <= 0 || WEXITSTATUS(status))
			snprintf(msg, sizeof msg, "died (exit status %d)",
				 WEXITSTATUS(status));
	}
	if (msg[0]) {
		printf("FAIL %s: %s\n", name, msg);
		return 0;
	}
	printf("PASS %s\n", name);
	return 1;
}

int main(int argc, char **argv)
{
	const char *only = NULL;
	size_t i;
	int passed = 0, failed = 0, i_arg;
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i_arg = 1; i_arg < argc; i_arg++) {
		if (strcmp(argv[i_arg], "-v") == 0)
			verbose = 1;
		else
			only = argv[i_arg];
	}
	for (i = 0; i < sizeof parse_cases / sizeof *parse_cases; i++) {
		if (only && !strstr(parse_cases[i].name, only))
			continue;
		if (isolated(parse_cases[i].name, NULL, i))
			passed++;
		else
			failed++;
	}
	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		if (only && !strstr(cases[i].name, only))
			continue;
		if (isolated(cases[i].name, cases[i].fn, 0))
			passed++;
		else
			failed++;
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
