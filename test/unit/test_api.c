/* The public API (include/muc.h) end to end, as a host uses it: stanzas go
 * in as strings (or mini-XML trees), and every stanza the service delivers
 * is captured and compared in full with what XEP-0045 prescribes. Every
 * test runs on a counting allocator and ends with zero live blocks. */
#include <mxml.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "counting_alloc.h"
#include "muc.h"
#include "suites.h"

#define DOMAIN "conference.example.org"
#define ROOM "coven@" DOMAIN
#define ROMEO "romeo@example.net/orchard"
#define JULIET "juliet@example.net/balcony"
#define MUC_USER "http://jabber.org/protocol/muc#user"
#define OID "<occupant-id xmlns='urn:xmpp:occupant-id:0' id='"

/* ---- Capturing what the service delivers -------------------------------- */

typedef struct out {
	char *to, *from, *xml;
} out;

typedef struct capture {
	out *v;
	size_t n, cap;
	int fail_at;     /* deliver returns -1 for stanza number fail_at */
	size_t calls;    /* deliver calls, including failed ones */
	unsigned ids;    /* counter for the id hook */
	char *oids[16];  /* occupant-id values in order of appearance */
	size_t noids;
	size_t logs;
} capture;

static capture cap;
static counting_alloc ca;
static muc_service *svc;

static char *xstrdup(const char *s)
{
	char *d = malloc(strlen(s) + 1);
	ck_assert_ptr_nonnull(d);
	strcpy(d, s);
	return d;
}

/* XEP-0421 occupant ids are an HMAC the test cannot predict; each distinct
 * value is replaced by '#1', '#2', ... in order of first appearance, so
 * the exact comparisons still show which occupant an id belongs to. */
static char *mask_occupant_ids(capture *c, const char *xml)
{
	size_t len = strlen(xml);
	char *res = malloc(len + 1), *w = res;
	const char *p = xml, *hit;
	ck_assert_ptr_nonnull(res);
	while ((hit = strstr(p, OID)) != NULL) {
		const char *v = hit + strlen(OID), *e = strchr(v, '\'');
		size_t i, vl;
		ck_assert_ptr_nonnull(e);
		vl = (size_t)(e - v);
		memcpy(w, p, (size_t)(v - p));
		w += v - p;
		for (i = 0; i < c->noids; i++)
			if (strlen(c->oids[i]) == vl &&
			    memcmp(c->oids[i], v, vl) == 0)
				break;
		if (i == c->noids) {
			ck_assert_uint_lt(c->noids, 16);
			c->oids[i] = malloc(vl + 1);
			ck_assert_ptr_nonnull(c->oids[i]);
			memcpy(c->oids[i], v, vl);
			c->oids[i][vl] = '\0';
			c->noids++;
		}
		w += sprintf(w, "#%zu", i + 1); /* shorter than any id */
		p = e;
	}
	strcpy(w, p);
	return res;
}

static int deliver(const muc_stanza_out *st, void *ud)
{
	capture *c = ud;
	out *o;
	c->calls++;
	/* The documented contract of muc_stanza_out. */
	ck_assert_ptr_nonnull(st->to);
	ck_assert_ptr_nonnull(st->from);
	ck_assert_ptr_nonnull(st->xml);
	ck_assert_int_eq(st->xml[st->len], '\0');
	ck_assert_uint_eq(strlen(st->xml), st->len);
	if (c->fail_at && c->calls == (size_t)c->fail_at)
		return -1;
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		c->v = realloc(c->v, c->cap * sizeof *c->v);
		ck_assert_ptr_nonnull(c->v);
	}
	o = &c->v[c->n++];
	o->to = xstrdup(st->to);
	o->from = xstrdup(st->from);
	o->xml = mask_occupant_ids(c, st->xml);
	return 0;
}

static int64_t clock_ms(void *ud)
{
	(void)ud;
	return INT64_C(1700000000000); /* 2023-11-14T22:13:20Z */
}

static size_t make_id(char *b, size_t n, void *ud)
{
	capture *c = ud;
	return (size_t)snprintf(b, n, "id%u", ++c->ids);
}

static void log_line(muc_log_level level, const char *msg, void *ud)
{
	capture *c = ud;
	(void)level;
	ck_assert_ptr_nonnull(msg);
	c->logs++;
}

static void capture_clear(capture *c)
{
	size_t i;
	for (i = 0; i < c->n; i++) {
		free(c->v[i].to);
		free(c->v[i].from);
		free(c->v[i].xml);
	}
	c->n = 0;
	c->calls = 0;
	c->fail_at = 0;
}

static void capture_free(capture *c)
{
	size_t i;
	capture_clear(c);
	free(c->v);
	for (i = 0; i < c->noids; i++)
		free(c->oids[i]);
	memset(c, 0, sizeof *c);
}

static muc_service *new_service(capture *c, counting_alloc *a)
{
	muc_callbacks *cb;
	muc_service *s = NULL;
	ck_assert_int_eq(muc_callbacks_new(&cb), MUC_OK);
	muc_callbacks_set_deliver(cb, deliver);
	muc_callbacks_set_clock(cb, clock_ms);
	muc_callbacks_set_id(cb, make_id);
	muc_callbacks_set_log(cb, log_line);
	ck_assert_int_eq(muc_service_new(&s, DOMAIN, cb, &a->a, c), MUC_OK);
	/* The service copied the hooks. */
	muc_callbacks_del(cb);
	ck_assert_ptr_nonnull(s);
	return s;
}

static void setup(void)
{
	memset(&cap, 0, sizeof cap);
	counting_alloc_init(&ca);
	svc = new_service(&cap, &ca);
}

static void teardown(void)
{
	muc_service_free(svc);
	svc = NULL;
	ck_assert_int_eq(ca.live, 0);
	capture_free(&cap);
}

static int feed(const char *xml)
{
	return muc_service_feed(svc, xml, strlen(xml));
}

static void expect_count(size_t n)
{
	size_t i;
	if (cap.n != n)
		for (i = 0; i < cap.n; i++)
			fprintf(stderr, "delivered %zu: %s\n", i, cap.v[i].xml);
	ck_assert_uint_eq(cap.n, n);
}

static void expect_out(size_t i, const char *to, const char *from,
		       const char *xml)
{
	ck_assert_uint_lt(i, cap.n);
	ck_assert_str_eq(cap.v[i].to, to);
	ck_assert_str_eq(cap.v[i].from, from);
	ck_assert_str_eq(cap.v[i].xml, xml);
}

/* ---- The stanzas the tests send ------------------------------------------ */

static const char romeo_join[] =
	"<presence from='" ROMEO "' to='" ROOM "/Romeo'>"
	"<x xmlns='http://jabber.org/protocol/muc'/></presence>";

/* XEP-0045 §10.1.2: an instant room, accepting the default configuration
 * (unlocks the room). */
static const char romeo_instant[] =
	"<iq from='" ROMEO "' to='" ROOM "' type='set' id='create1'>"
	"<query xmlns='http://jabber.org/protocol/muc#owner'>"
	"<x xmlns='jabber:x:data' type='submit'/></query></iq>";

static const char juliet_join[] =
	"<presence from='" JULIET "' to='" ROOM "/Juliet'>"
	"<x xmlns='http://jabber.org/protocol/muc'/>"
	"<status>Wherefore &amp; why</status></presence>";

/* Romeo (owner, moderator) and Juliet (participant) in an unlocked room. */
static muc_room *two_occupants(void)
{
	muc_room *r;
	ck_assert_int_eq(feed(romeo_join), MUC_OK);
	ck_assert_int_eq(feed(romeo_instant), MUC_OK);
	ck_assert_int_eq(feed(juliet_join), MUC_OK);
	r = muc_service_find_room(svc, ROOM);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(muc_room_occupant_count(r), 2);
	capture_clear(&cap);
	return r;
}

/* ---- Version, errors, names --------------------------------------------- */

START_TEST(version)
{
	ck_assert_int_eq(muc_version_number(), MUC_VERSION_NUMBER);
	ck_assert_int_eq(MUC_VERSION_NUMBER, 0x000100);
	ck_assert_str_eq(muc_version_string(), MUC_VERSION_STRING);
	ck_assert_str_eq(muc_version_string(), "0.1.0");
}
END_TEST

START_TEST(strerror_every_code)
{
	const char *unknown = muc_strerror(-1000);
	int code, k;
	ck_assert_ptr_nonnull(unknown);
	ck_assert_uint_gt(strlen(unknown), 0);
	for (code = MUC_OK; code >= MUC_ERR_NOT_FOR_US; code--) {
		const char *w = muc_strerror(code);
		ck_assert_ptr_nonnull(w);
		ck_assert_msg(strlen(w) > 0, "code %d has no words", code);
		ck_assert_msg(strcmp(w, unknown) != 0, "code %d unknown", code);
		for (k = MUC_OK; k > code; k--)
			ck_assert_msg(strcmp(w, muc_strerror(k)) != 0,
				      "codes %d and %d share words", code, k);
	}
	ck_assert_uint_gt(strlen(muc_strerror(1)), 0);
	ck_assert_uint_gt(strlen(muc_strerror(-11)), 0);
}
END_TEST

START_TEST(names)
{
	ck_assert_str_eq(muc_role_name(MUC_ROLE_NONE), "none");
	ck_assert_str_eq(muc_role_name(MUC_ROLE_VISITOR), "visitor");
	ck_assert_str_eq(muc_role_name(MUC_ROLE_PARTICIPANT), "participant");
	ck_assert_str_eq(muc_role_name(MUC_ROLE_MODERATOR), "moderator");
	ck_assert_str_eq(muc_affiliation_name(MUC_AFFIL_OUTCAST), "outcast");
	ck_assert_str_eq(muc_affiliation_name(MUC_AFFIL_NONE), "none");
	ck_assert_str_eq(muc_affiliation_name(MUC_AFFIL_MEMBER), "member");
	ck_assert_str_eq(muc_affiliation_name(MUC_AFFIL_ADMIN), "admin");
	ck_assert_str_eq(muc_affiliation_name(MUC_AFFIL_OWNER), "owner");
}
END_TEST

/* ---- Creating services --------------------------------------------------- */

START_TEST(callbacks_errors)
{
	muc_callbacks *cb;
	ck_assert_int_eq(muc_callbacks_new(NULL), MUC_ERR_INVALID);
	/* Setters and del accept NULL. */
	muc_callbacks_set_deliver(NULL, deliver);
	muc_callbacks_set_clock(NULL, clock_ms);
	muc_callbacks_set_id(NULL, make_id);
	muc_callbacks_set_log(NULL, log_line);
	muc_callbacks_del(NULL);
	ck_assert_int_eq(muc_callbacks_new(&cb), MUC_OK);
	muc_callbacks_del(cb);
}
END_TEST

START_TEST(service_new_errors)
{
	counting_alloc a;
	muc_callbacks *cb, *empty;
	muc_service *s = (muc_service *)&s;
	capture c;
	memset(&c, 0, sizeof c);
	counting_alloc_init(&a);
	ck_assert_int_eq(muc_callbacks_new(&cb), MUC_OK);
	ck_assert_int_eq(muc_callbacks_new(&empty), MUC_OK);
	muc_callbacks_set_deliver(cb, deliver);

	ck_assert_int_eq(muc_service_new(NULL, DOMAIN, cb, &a.a, &c),
			 MUC_ERR_INVALID);
	ck_assert_int_eq(muc_service_new(&s, NULL, cb, &a.a, &c),
			 MUC_ERR_INVALID);
	ck_assert_ptr_null(s);
	s = (muc_service *)&s;
	ck_assert_int_eq(muc_service_new(&s, DOMAIN, NULL, &a.a, &c),
			 MUC_ERR_INVALID);
	ck_assert_ptr_null(s);
	/* The deliver hook is required. */
	muc_callbacks_set_clock(empty, clock_ms);
	ck_assert_int_eq(muc_service_new(&s, DOMAIN, empty, &a.a, &c),
			 MUC_ERR_INVALID);
	ck_assert_ptr_null(s);
	/* A setter given NULL clears the hook. */
	muc_callbacks_set_deliver(empty, deliver);
	muc_callbacks_set_deliver(empty, NULL);
	ck_assert_int_eq(muc_service_new(&s, DOMAIN, empty, &a.a, &c),
			 MUC_ERR_INVALID);

	/* Domains that fail nameprep or are not a bare domain. */
	ck_assert_int_eq(muc_service_new(&s, "", cb, &a.a, &c), MUC_ERR_JID);
	ck_assert_ptr_null(s);
	ck_assert_int_eq(muc_service_new(&s, "room@" DOMAIN, cb, &a.a, &c),
			 MUC_ERR_JID);
	ck_assert_int_eq(muc_service_new(&s, DOMAIN "/res", cb, &a.a, &c),
			 MUC_ERR_JID);
	ck_assert_int_eq(muc_service_new(&s, "conference.exam\xFFple.org", cb,
					 &a.a, &c),
			 MUC_ERR_JID);
	ck_assert_ptr_null(s);
	ck_assert_int_eq(a.live, 0);

	/* NULL allocator: libc. */
	ck_assert_int_eq(muc_service_new(&s, DOMAIN, cb, NULL, &c), MUC_OK);
	muc_service_free(s);
	muc_service_free(NULL);
	muc_callbacks_del(cb);
	muc_callbacks_del(empty);
}
END_TEST

START_TEST(service_domain_prepared)
{
	counting_alloc a;
	muc_callbacks *cb;
	muc_service *s;
	capture c;
	memset(&c, 0, sizeof c);
	counting_alloc_init(&a);
	ck_assert_int_eq(muc_callbacks_new(&cb), MUC_OK);
	muc_callbacks_set_deliver(cb, deliver);
	ck_assert_int_eq(muc_service_new(&s, "Conference.Example.ORG.", cb,
					 &a.a, &c),
			 MUC_OK);
	muc_callbacks_del(cb);
	ck_assert_str_eq(muc_service_domain(s), DOMAIN);
	ck_assert_ptr_null(muc_service_domain(NULL));
	ck_assert_uint_eq(muc_service_room_count(s), 0);
	muc_service_free(s);
	ck_assert_int_eq(a.live, 0);
}
END_TEST

/* ---- Entering a room (XEP-0045 §7.2, §10.1) ------------------------------- */

/* §10.1.1: a new room; the creator gets its own presence with 201 (room
 * created) and 110 (self), as owner and moderator, then the subject (§7.2.15:
 * always last; an empty <subject/> when none is set). */
START_TEST(join_creates_room)
{
	ck_assert_int_eq(feed(romeo_join), MUC_OK);
	expect_count(2);
	expect_out(0, ROMEO, ROOM "/Romeo",
		   "<presence to='" ROMEO "' from='" ROOM "/Romeo'>"
		   OID "#1'/>"
		   "<x xmlns='" MUC_USER "'><status code='201'/>"
		   "<item affiliation='owner' role='moderator' jid='" ROMEO
		   "'/><status code='110'/></x></presence>");
	expect_out(1, ROMEO, ROOM,
		   "<message to='" ROMEO "' from='" ROOM "' type='groupchat'>"
		   "<subject/></message>");
	ck_assert_uint_eq(muc_service_room_count(svc), 1);
}
END_TEST

/* §10.1.1: until configured the room is locked; others are refused with
 * item-not-found (raised by the service, as the reference does). */
START_TEST(join_locked_room)
{
	ck_assert_int_eq(feed(romeo_join), MUC_OK);
	capture_clear(&cap);
	ck_assert_int_eq(feed(juliet_join), MUC_OK);
	expect_count(1);
	expect_out(0, JULIET, ROOM "/Juliet",
		   "<presence to='" JULIET "' from='" ROOM "/Juliet' "
		   "type='error'><error type='cancel' by='" DOMAIN "'>"
		   "<item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'"
		   "/></error></presence>");
	ck_assert_uint_eq(muc_room_occupant_count(
				  muc_service_find_room(svc, ROOM)),
			  1);
}
END_TEST

/* §7.2.3: the newcomer first gets every present occupant's presence (no
 * real JID: the room is semi-anonymous), then everyone gets its presence
 * (moderators with its real JID), then its own presence with 110, then the
 * subject. */
START_TEST(join_existing_room)
{
	ck_assert_int_eq(feed(romeo_join), MUC_OK);
	ck_assert_int_eq(feed(romeo_instant), MUC_OK);
	expect_count(3);
	expect_out(2, ROMEO, ROOM,
		   "<iq to='" ROMEO "' from='" ROOM "' type='result' "
		   "id='create1'/>");
	capture_clear(&cap);

	ck_assert_int_eq(feed(juliet_join), MUC_OK);
	expect_count(4);
	expect_out(0, JULIET, ROOM "/Romeo",
		   "<presence to='" JULIET "' from='" ROOM "/Romeo'>"
		   OID "#1'/>"
		   "<x xmlns='" MUC_USER "'>"
		   "<item affiliation='owner' role='moderator'/></x>"
		   "</presence>");
	expect_out(1, ROMEO, ROOM "/Juliet",
		   "<presence to='" ROMEO "' from='" ROOM "/Juliet'>"
		   "<status>Wherefore &amp; why</status>"
		   OID "#2'/>"
		   "<x xmlns='" MUC_USER "'>"
		   "<item affiliation='none' role='participant' jid='" JULIET
		   "'/></x></presence>");
	expect_out(2, JULIET, ROOM "/Juliet",
		   "<presence to='" JULIET "' from='" ROOM "/Juliet'>"
		   "<status>Wherefore &amp; why</status>"
		   OID "#2'/>"
		   "<x xmlns='" MUC_USER "'>"
		   "<item affiliation='none' role='participant' jid='" JULIET
		   "'/><status code='110'/></x></presence>");
	expect_out(3, JULIET, ROOM,
		   "<message to='" JULIET "' from='" ROOM "' type='groupchat'>"
		   "<subject/></message>");
}
END_TEST

/* XEP-0421: one id per real bare JID in a room, a base64 SHA-256 HMAC. */
START_TEST(occupant_ids)
{
	size_t i;
	two_occupants();
	ck_assert_uint_eq(cap.noids, 2);
	for (i = 0; i < cap.noids; i++) {
		const char *id = cap.oids[i];
		ck_assert_uint_eq(strlen(id), 44);
		ck_assert_int_eq(id[43], '=');
		ck_assert_uint_eq(strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij"
					     "klmnopqrstuvwxyz0123456789+/="),
				  44);
	}
	ck_assert_str_ne(cap.oids[0], cap.oids[1]);
}
END_TEST

/* ---- Input the service refuses ------------------------------------------- */

START_TEST(feed_malformed)
{
	static const char *const bad[] = {
		"<presence from='" ROMEO "' to='" ROOM "/Romeo'>",
		"<presence from='" ROMEO "' to='" ROOM "/Romeo'></message>",
		"<presence from='" ROMEO "' to='" ROOM "/Romeo'><!-- c -->"
		"</presence>",
		"<presence from='" ROMEO "' to='" ROOM "/Romeo'>&nbsp;"
		"</presence>",
		"<presence from='" ROMEO "' to='" ROOM "/Romeo'/><presence/>",
		"<presence from='" ROMEO "' to='" ROOM "/Ro\xFFmeo'/>",
		/* Not a stanza: an unknown element, a foreign namespace. */
		"<foo from='" ROMEO "' to='" ROOM "/Romeo'/>",
		"<presence xmlns='urn:other' from='" ROMEO "' to='" ROOM
		"/Romeo'/>",
		"",
	};
	size_t i;
	for (i = 0; i < sizeof bad / sizeof *bad; i++)
		ck_assert_msg(feed(bad[i]) == MUC_ERR_PARSE, "input %zu", i);
	expect_count(0);
	ck_assert_uint_eq(muc_service_room_count(svc), 0);
	ck_assert_int_eq(muc_service_feed(svc, NULL, 0), MUC_ERR_INVALID);
	ck_assert_int_eq(muc_service_feed(NULL, romeo_join,
					  strlen(romeo_join)),
			 MUC_ERR_INVALID);
	expect_count(0);
}
END_TEST

/* The input need not be NUL-terminated: only len bytes count. */
START_TEST(feed_len_bounds)
{
	char buf[sizeof romeo_join + 8];
	memcpy(buf, romeo_join, strlen(romeo_join));
	memcpy(buf + strlen(romeo_join), "<junk>", 7);
	ck_assert_int_eq(muc_service_feed(svc, buf, strlen(romeo_join)),
			 MUC_OK);
	expect_count(2);
}
END_TEST

START_TEST(feed_missing_addresses)
{
	ck_assert_int_eq(feed("<presence to='" ROOM "/Romeo'/>"),
			 MUC_ERR_INVALID);
	ck_assert_int_eq(feed("<presence from='" ROMEO "'/>"),
			 MUC_ERR_INVALID);
	ck_assert_int_eq(feed("<message><body>x</body></message>"),
			 MUC_ERR_INVALID);
	expect_count(0);
}
END_TEST

START_TEST(feed_not_for_us)
{
	ck_assert_int_eq(feed("<presence from='" ROMEO
			      "' to='coven@chat.example.org/Romeo'/>"),
			 MUC_ERR_NOT_FOR_US);
	ck_assert_int_eq(feed("<message from='" ROMEO "' to='sub." DOMAIN
			      "' type='chat'/>"),
			 MUC_ERR_NOT_FOR_US);
	ck_assert_int_eq(feed("<iq from='" ROMEO "' to='example.net' "
			      "type='get' id='1'/>"),
			 MUC_ERR_NOT_FOR_US);
	expect_count(0);
	ck_assert_uint_eq(muc_service_room_count(svc), 0);
}
END_TEST

/* Addresses are prepared before comparison: case and a trailing dot do
 * not make a stanza foreign. */
START_TEST(feed_to_prepared)
{
	ck_assert_int_eq(feed("<presence from='Romeo@Example.NET/orchard' "
			      "to='Coven@Conference.Example.ORG./Romeo'>"
			      "<x xmlns='http://jabber.org/protocol/muc'/>"
			      "</presence>"),
			 MUC_OK);
	expect_count(2);
	ck_assert_str_eq(cap.v[0].to, ROMEO);
	ck_assert_str_eq(cap.v[0].from, ROOM "/Romeo");
}
END_TEST

START_TEST(feed_too_large)
{
	size_t depth = 40, i, n;
	char *s = malloc(300 * 1024), *w = s;
	ck_assert_ptr_nonnull(s);
	w += sprintf(w, "<message from='" ROMEO "' to='" ROOM "'>");
	for (i = 0; i < depth; i++)
		w += sprintf(w, "<a>");
	for (i = 0; i < depth; i++)
		w += sprintf(w, "</a>");
	w += sprintf(w, "</message>");
	ck_assert_int_eq(muc_service_feed(svc, s, strlen(s)),
			 MUC_ERR_TOO_LARGE);

	/* Beyond the default 256 KiB stanza limit. */
	w = s;
	w += sprintf(w, "<message from='" ROMEO "' to='" ROOM
		     "' type='groupchat'><body>");
	n = 257 * 1024;
	memset(w, 'x', n);
	w += n;
	w += sprintf(w, "</body></message>");
	ck_assert_int_eq(muc_service_feed(svc, s, strlen(s)),
			 MUC_ERR_TOO_LARGE);
	free(s);
	expect_count(0);
}
END_TEST

/* ---- Reading rooms -------------------------------------------------------- */

typedef struct seen {
	size_t n;
	const char *nicks[4];
	muc_role roles[4];
	muc_affiliation affs[4];
	char bare[4][64];
	char real[4][64];
	size_t nreal[4];
	int stop_at;
} seen;

static int on_occupant(const muc_occupant_info *info, void *ud)
{
	seen *s = ud;
	size_t i = s->n++;
	ck_assert_uint_lt(i, 4);
	s->nicks[i] = i == 0 ? "Romeo" : "Juliet";
	ck_assert_str_eq(info->nick, s->nicks[i]);
	s->roles[i] = info->role;
	s->affs[i] = info->affiliation;
	snprintf(s->bare[i], sizeof s->bare[i], "%s", info->bare_jid);
	s->nreal[i] = info->real_jid_count;
	ck_assert_uint_ge(info->real_jid_count, 1);
	snprintf(s->real[i], sizeof s->real[i], "%s", info->real_jids[0]);
	return s->stop_at && s->n == (size_t)s->stop_at ? 42 : 0;
}

static int on_room(muc_room *r, void *ud)
{
	int *n = ud;
	ck_assert_str_eq(muc_room_jid(r), *n == 0 ? ROOM : "other@" DOMAIN);
	(*n)++;
	return 0;
}

START_TEST(read_rooms)
{
	muc_room *r = two_occupants();
	seen s;
	int nrooms = 0;

	ck_assert_ptr_eq(muc_service_find_room(svc, "Coven@Conference.Example."
						    "Org"),
			 r);
	ck_assert_ptr_eq(muc_service_find_room(svc, ROOM "/Romeo"), r);
	ck_assert_ptr_null(muc_service_find_room(svc, "nothere@" DOMAIN));
	ck_assert_ptr_null(muc_service_find_room(svc, "bad room@" DOMAIN));
	ck_assert_ptr_null(muc_service_find_room(svc, NULL));
	ck_assert_ptr_null(muc_service_find_room(NULL, ROOM));
	ck_assert_str_eq(muc_room_jid(r), ROOM);
	ck_assert_ptr_null(muc_room_jid(NULL));
	ck_assert_uint_eq(muc_room_occupant_count(r), 2);
	ck_assert_uint_eq(muc_room_occupant_count(NULL), 0);

	memset(&s, 0, sizeof s);
	ck_assert_int_eq(muc_room_foreach_occupant(r, on_occupant, &s),
			 MUC_OK);
	ck_assert_uint_eq(s.n, 2);
	ck_assert_int_eq(s.roles[0], MUC_ROLE_MODERATOR);
	ck_assert_int_eq(s.affs[0], MUC_AFFIL_OWNER);
	ck_assert_str_eq(s.bare[0], "romeo@example.net");
	ck_assert_uint_eq(s.nreal[0], 1);
	ck_assert_str_eq(s.real[0], ROMEO);
	ck_assert_int_eq(s.roles[1], MUC_ROLE_PARTICIPANT);
	ck_assert_int_eq(s.affs[1], MUC_AFFIL_NONE);
	ck_assert_str_eq(s.bare[1], "juliet@example.net");
	ck_assert_uint_eq(s.nreal[1], 1);
	ck_assert_str_eq(s.real[1], JULIET);

	/* A non-zero return stops the walk and is returned. */
	memset(&s, 0, sizeof s);
	s.stop_at = 1;
	ck_assert_int_eq(muc_room_foreach_occupant(r, on_occupant, &s), 42);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_int_eq(muc_room_foreach_occupant(r, NULL, &s),
			 MUC_ERR_INVALID);
	ck_assert_int_eq(muc_room_foreach_occupant(NULL, on_occupant, &s),
			 MUC_ERR_INVALID);

	/* Rooms in creation order. */
	ck_assert_int_eq(feed("<presence from='" JULIET "' to='other@" DOMAIN
			      "/J'><x xmlns='http://jabber.org/protocol/muc'/>"
			      "</presence>"),
			 MUC_OK);
	ck_assert_uint_eq(muc_service_room_count(svc), 2);
	ck_assert_int_eq(muc_service_foreach_room(svc, on_room, &nrooms),
			 MUC_OK);
	ck_assert_int_eq(nrooms, 2);
	ck_assert_int_eq(muc_service_foreach_room(svc, NULL, NULL),
			 MUC_ERR_INVALID);
}
END_TEST

/* Two sessions of one user share a nickname (as the reference allows). */
START_TEST(occupant_two_sessions)
{
	muc_room *r = two_occupants();
	seen s;
	ck_assert_int_eq(feed("<presence from='juliet@example.net/phone' to='"
			      ROOM "/Juliet'><x xmlns='http://jabber.org/"
			      "protocol/muc'/></presence>"),
			 MUC_OK);
	ck_assert_uint_eq(muc_room_occupant_count(r), 2);
	memset(&s, 0, sizeof s);
	ck_assert_int_eq(muc_room_foreach_occupant(r, on_occupant, &s),
			 MUC_OK);
	ck_assert_uint_eq(s.nreal[1], 2);
	ck_assert_str_eq(s.real[1], JULIET);
}
END_TEST

START_TEST(get_affiliation)
{
	muc_room *r = two_occupants();
	ck_assert_int_eq(muc_room_get_affiliation(r, ROMEO), MUC_AFFIL_OWNER);
	ck_assert_int_eq(muc_room_get_affiliation(r, "romeo@example.net"),
			 MUC_AFFIL_OWNER);
	ck_assert_int_eq(muc_room_get_affiliation(r, "RoMeO@EXAMPLE.net/x"),
			 MUC_AFFIL_OWNER);
	ck_assert_int_eq(muc_room_get_affiliation(r, JULIET), MUC_AFFIL_NONE);
	ck_assert_int_eq(muc_room_get_affiliation(r, "nobody@example.net"),
			 MUC_AFFIL_NONE);
	ck_assert_int_eq(muc_room_get_affiliation(r, "bad jid@x"),
			 MUC_AFFIL_NONE);
	ck_assert_int_eq(muc_room_get_affiliation(r, NULL), MUC_AFFIL_NONE);
	ck_assert_int_eq(muc_room_get_affiliation(NULL, ROMEO),
			 MUC_AFFIL_NONE);
	/* §9.1: banning a domain bans everyone there. */
	ck_assert_int_eq(muc_room_set_affiliation(r, NULL, "evil.example",
						  MUC_AFFIL_OUTCAST, NULL),
			 MUC_OK);
	ck_assert_int_eq(muc_room_get_affiliation(r, "iago@evil.example/x"),
			 MUC_AFFIL_OUTCAST);
	ck_assert_int_eq(muc_room_get_affiliation(r, "evil.example"),
			 MUC_AFFIL_OUTCAST);
}
END_TEST

/* ---- Changing affiliations from C (XEP-0045 §9, §10) ----------------------- */

/* §9.3: granting membership to an occupant: the room sees its presence
 * with the new affiliation (moderators with its JID), the occupant with 110. */
START_TEST(set_affiliation_present)
{
	muc_room *r = two_occupants();
	ck_assert_int_eq(muc_room_set_affiliation(r, NULL, JULIET,
						  MUC_AFFIL_MEMBER,
						  "A friend"),
			 MUC_OK);
	expect_count(2);
	expect_out(0, ROMEO, ROOM "/Juliet",
		   "<presence to='" ROMEO "' from='" ROOM "/Juliet'>"
		   "<status>Wherefore &amp; why</status>"
		   OID "#2'/>"
		   "<x xmlns='" MUC_USER "'>"
		   "<item affiliation='member' role='participant' jid='"
		   JULIET "'><reason>A friend</reason></item></x></presence>");
	expect_out(1, JULIET, ROOM "/Juliet",
		   "<presence to='" JULIET "' from='" ROOM "/Juliet'>"
		   "<status>Wherefore &amp; why</status>"
		   OID "#2'/>"
		   "<x xmlns='" MUC_USER "'>"
		   "<item affiliation='member' role='participant' jid='"
		   JULIET "'><reason>A friend</reason></item>"
		   "<status code='110'/></x></presence>");
	ck_assert_int_eq(muc_room_get_affiliation(r, JULIET),
			 MUC_AFFIL_MEMBER);
}
END_TEST

/* A change for someone not in the room is announced to those who may see
 * real JIDs (here the moderator, Romeo), as the reference does. */
START_TEST(set_affiliation_absent)
{
	muc_room *r = two_occupants();
	ck_assert_int_eq(muc_room_set_affiliation(r, NULL,
						  "Nurse@Example.NET/home",
						  MUC_AFFIL_ADMIN, NULL),
			 MUC_OK);
	expect_count(1);
	expect_out(0, ROMEO, ROOM,
		   "<message to='" ROMEO "' from='" ROOM "'>"
		   "<x xmlns='" MUC_USER "'>"
		   "<item jid='nurse@example.net' affiliation='admin'/></x>"
		   "</message>");
	capture_clear(&cap);
	/* §9.1: a ban, with status 301 and the reason. */
	ck_assert_int_eq(muc_room_set_affiliation(r, NULL, "tybalt@example.net",
						  MUC_AFFIL_OUTCAST,
						  "A <pest> & a cat"),
			 MUC_OK);
	expect_count(1);
	expect_out(0, ROMEO, ROOM,
		   "<message to='" ROMEO "' from='" ROOM "'>"
		   "<x xmlns='" MUC_USER "'><status code='301'/>"
		   "<item jid='tybalt@example.net' affiliation='outcast'>"
		   "<reason>A &lt;pest&gt; &amp; a cat</reason></item></x>"
		   "</message>");
}
END_TEST

/* §9.1: banning an occupant removes it: everyone sees it leave with 301. */
START_TEST(set_affiliation_ban_occupant)
{
	muc_room *r = two_occupants();
	ck_assert_int_eq(muc_room_set_affiliation(r, NULL, "juliet@example.net",
						  MUC_AFFIL_OUTCAST, NULL),
			 MUC_OK);
	expect_count(2);
	expect_out(0, ROMEO, ROOM "/Juliet",
		   "<presence to='" ROMEO "' from='" ROOM "/Juliet' "
		   "type='unavailable'>" OID "#2'/>"
		   "<x xmlns='" MUC_USER "'><status code='301'/>"
		   "<item affiliation='outcast' role='none' jid='" JULIET
		   "'/></x></presence>");
	expect_out(1, JULIET, ROOM "/Juliet",
		   "<presence to='" JULIET "' from='" ROOM "/Juliet' "
		   "type='unavailable'>" OID "#2'/>"
		   "<x xmlns='" MUC_USER "'><status code='301'/>"
		   "<item affiliation='outcast' role='none' jid='" JULIET
		   "'/><status code='110'/></x></presence>");
	ck_assert_uint_eq(muc_room_occupant_count(r), 1);
	/* and the ban keeps her out (§7.2.7) */
	capture_clear(&cap);
	ck_assert_int_eq(feed(juliet_join), MUC_OK);
	expect_count(1);
	expect_out(0, JULIET, ROOM "/Juliet",
		   "<presence to='" JULIET "' from='" ROOM "/Juliet' "
		   "type='error'><error type='auth' by='" ROOM "'>"
		   "<forbidden xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
		   "</error></presence>");
}
END_TEST

START_TEST(set_affiliation_errors)
{
	muc_room *r = two_occupants();
	ck_assert_int_eq(muc_room_set_affiliation(NULL, NULL, JULIET,
						  MUC_AFFIL_MEMBER, NULL),
			 MUC_ERR_INVALID);
	ck_assert_int_eq(muc_room_set_affiliation(r, NULL, NULL,
						  MUC_AFFIL_MEMBER, NULL),
			 MUC_ERR_INVALID);
	ck_assert_int_eq(muc_room_set_affiliation(r, NULL, JULIET,
						  (muc_affiliation)99, NULL),
			 MUC_ERR_INVALID);
	ck_assert_int_eq(muc_room_set_affiliation(r, NULL, "bad jid@x",
						  MUC_AFFIL_MEMBER, NULL),
			 MUC_ERR_JID);
	/* §9: a participant without affiliation may not grant anything. */
	ck_assert_int_eq(muc_room_set_affiliation(r, JULIET,
						  "benvolio@example.net",
						  MUC_AFFIL_MEMBER, NULL),
			 MUC_ERR_NOT_ALLOWED);
	/* §10.6: the only owner may not step down. */
	ck_assert_int_eq(muc_room_set_affiliation(r, ROMEO,
						  "romeo@example.net",
						  MUC_AFFIL_ADMIN, NULL),
			 MUC_ERR_CONFLICT);
	expect_count(0);
	ck_assert_int_eq(muc_room_get_affiliation(r, ROMEO), MUC_AFFIL_OWNER);
	/* An owner acting may grant membership. */
	ck_assert_int_eq(muc_room_set_affiliation(r, ROMEO,
						  "benvolio@example.net",
						  MUC_AFFIL_MEMBER, NULL),
			 MUC_OK);
}
END_TEST

typedef struct affs {
	size_t n;
	char jid[8][64];
	muc_affiliation a[8];
	char reason[8][64];
	size_t stop_at;
} affs;

static int on_affiliation(const muc_affiliation_info *i, void *ud)
{
	affs *l = ud;
	ck_assert_uint_lt(l->n, 8);
	snprintf(l->jid[l->n], sizeof l->jid[0], "%s", i->jid);
	snprintf(l->reason[l->n], sizeof l->reason[0], "%s",
		 i->reason ? i->reason : "-");
	ck_assert_ptr_null(i->nick);
	l->a[l->n++] = i->affiliation;
	return l->stop_at && l->n == l->stop_at ? 7 : 0;
}

START_TEST(foreach_affiliation_order)
{
	muc_room *r = two_occupants();
	affs l;
	ck_assert_int_eq(muc_room_set_affiliation(r, NULL, "nurse@example.net",
						  MUC_AFFIL_ADMIN, NULL),
			 MUC_OK);
	ck_assert_int_eq(muc_room_set_affiliation(r, NULL, "tybalt@example.net",
						  MUC_AFFIL_OUTCAST, "pest"),
			 MUC_OK);
	ck_assert_int_eq(muc_room_set_affiliation(r, NULL, JULIET,
						  MUC_AFFIL_MEMBER, NULL),
			 MUC_OK);
	/* Changing an entry keeps its place; 'none' removes it. */
	ck_assert_int_eq(muc_room_set_affiliation(r, NULL, "nurse@example.net",
						  MUC_AFFIL_MEMBER, NULL),
			 MUC_OK);
	ck_assert_int_eq(muc_room_set_affiliation(r, NULL, "paris@example.net",
						  MUC_AFFIL_MEMBER, NULL),
			 MUC_OK);
	ck_assert_int_eq(muc_room_set_affiliation(r, NULL, "paris@example.net",
						  MUC_AFFIL_NONE, NULL),
			 MUC_OK);
	memset(&l, 0, sizeof l);
	ck_assert_int_eq(muc_room_foreach_affiliation(r, on_affiliation, &l),
			 MUC_OK);
	ck_assert_uint_eq(l.n, 4);
	ck_assert_str_eq(l.jid[0], "romeo@example.net");
	ck_assert_int_eq(l.a[0], MUC_AFFIL_OWNER);
	ck_assert_str_eq(l.jid[1], "nurse@example.net");
	ck_assert_int_eq(l.a[1], MUC_AFFIL_MEMBER);
	ck_assert_str_eq(l.jid[2], "tybalt@example.net");
	ck_assert_int_eq(l.a[2], MUC_AFFIL_OUTCAST);
	ck_assert_str_eq(l.reason[2], "pest");
	ck_assert_str_eq(l.jid[3], "juliet@example.net");
	ck_assert_int_eq(l.a[3], MUC_AFFIL_MEMBER);
	ck_assert_str_eq(l.reason[3], "-");

	memset(&l, 0, sizeof l);
	l.stop_at = 2;
	ck_assert_int_eq(muc_room_foreach_affiliation(r, on_affiliation, &l),
			 7);
	ck_assert_uint_eq(l.n, 2);
	ck_assert_int_eq(muc_room_foreach_affiliation(r, NULL, &l),
			 MUC_ERR_INVALID);
}
END_TEST

/* ---- Destroying a room (XEP-0045 §10.9) ----------------------------------- */

START_TEST(destroy_room)
{
	muc_room *r = two_occupants();
	ck_assert_int_eq(muc_room_destroy(r, "Macbeth doth come.",
					  "heath@" DOMAIN, "cauldronburn"),
			 MUC_OK);
	expect_count(2);
	expect_out(0, ROMEO, ROOM "/Romeo",
		   "<presence to='" ROMEO "' from='" ROOM "/Romeo' "
		   "type='unavailable'>" OID "#1'/>"
		   "<x xmlns='" MUC_USER "'><destroy jid='heath@" DOMAIN "'>"
		   "<reason>Macbeth doth come.</reason>"
		   "<password>cauldronburn</password></destroy>"
		   "<item affiliation='owner' role='none' jid='" ROMEO "'/>"
		   "<status code='110'/></x></presence>");
	expect_out(1, JULIET, ROOM "/Juliet",
		   "<presence to='" JULIET "' from='" ROOM "/Juliet' "
		   "type='unavailable'>" OID "#2'/>"
		   "<x xmlns='" MUC_USER "'><destroy jid='heath@" DOMAIN "'>"
		   "<reason>Macbeth doth come.</reason>"
		   "<password>cauldronburn</password></destroy>"
		   "<item affiliation='none' role='none' jid='" JULIET "'/>"
		   "<status code='110'/></x></presence>");
	ck_assert_ptr_null(muc_service_find_room(svc, ROOM));
	ck_assert_uint_eq(muc_service_room_count(svc), 0);
	ck_assert_int_eq(muc_room_destroy(NULL, NULL, NULL, NULL),
			 MUC_ERR_INVALID);
}
END_TEST

START_TEST(destroy_room_plain)
{
	muc_room *r;
	ck_assert_int_eq(feed(romeo_join), MUC_OK);
	capture_clear(&cap);
	r = muc_service_find_room(svc, ROOM);
	ck_assert_int_eq(muc_room_destroy(r, NULL, NULL, NULL), MUC_OK);
	expect_count(1);
	expect_out(0, ROMEO, ROOM "/Romeo",
		   "<presence to='" ROMEO "' from='" ROOM "/Romeo' "
		   "type='unavailable'>" OID "#1'/>"
		   "<x xmlns='" MUC_USER "'><destroy/>"
		   "<item affiliation='owner' role='none' jid='" ROMEO "'/>"
		   "<status code='110'/></x></presence>");
}
END_TEST

/* ---- The deliver hook failing -------------------------------------------- */

START_TEST(deliver_failure)
{
	cap.fail_at = 1;
	ck_assert_int_eq(feed(romeo_join), MUC_ERR_CALLBACK);
	/* The first stanza failed; no further output was attempted. */
	ck_assert_uint_eq(cap.calls, 1);
	expect_count(0);
	/* The room state stays consistent: Romeo did enter. */
	ck_assert_uint_eq(muc_room_occupant_count(
				  muc_service_find_room(svc, ROOM)),
			  1);
	/* The next feed starts afresh. */
	capture_clear(&cap);
	ck_assert_int_eq(feed(romeo_instant), MUC_OK);
	expect_count(1);

	capture_clear(&cap);
	cap.fail_at = 2;
	ck_assert_int_eq(feed(juliet_join), MUC_ERR_CALLBACK);
	ck_assert_uint_eq(cap.calls, 2);
	expect_count(1);
}
END_TEST

START_TEST(set_affiliation_deliver_failure)
{
	muc_room *r = two_occupants();
	cap.fail_at = 1;
	ck_assert_int_eq(muc_room_set_affiliation(r, NULL, JULIET,
						  MUC_AFFIL_MEMBER, NULL),
			 MUC_ERR_CALLBACK);
	ck_assert_uint_eq(cap.calls, 1);
	ck_assert_int_eq(muc_room_get_affiliation(r, JULIET),
			 MUC_AFFIL_MEMBER);
	cap.fail_at = 0;
	cap.calls = 0;
	ck_assert_int_eq(muc_room_destroy(r, NULL, NULL, NULL), MUC_OK);
	expect_count(2);
}
END_TEST

/* ---- mini-XML trees -------------------------------------------------------- */

/* Feeding the same stanzas as mxml trees gives the very same output. */
START_TEST(feed_tree_same_output)
{
	static const char *const script[] = {romeo_join, romeo_instant,
					     juliet_join};
	capture c2;
	counting_alloc a2;
	muc_service *s2;
	size_t i;
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(feed(script[i]), MUC_OK);

	memset(&c2, 0, sizeof c2);
	counting_alloc_init(&a2);
	s2 = new_service(&c2, &a2);
	for (i = 0; i < 3; i++) {
		mxml_node_t *t = mxmlLoadString(NULL, script[i],
						MXML_OPAQUE_CALLBACK);
		ck_assert_ptr_nonnull(t);
		ck_assert_int_eq(muc_service_feed_tree(s2, t), MUC_OK);
		mxmlDelete(t);
	}
	ck_assert_uint_eq(c2.n, cap.n);
	ck_assert_uint_eq(cap.n, 2 + 1 + 4);
	for (i = 0; i < cap.n; i++) {
		ck_assert_str_eq(c2.v[i].to, cap.v[i].to);
		ck_assert_str_eq(c2.v[i].from, cap.v[i].from);
		ck_assert_str_eq(c2.v[i].xml, cap.v[i].xml);
	}
	ck_assert_int_eq(muc_service_feed_tree(s2, NULL), MUC_ERR_INVALID);
	ck_assert_int_eq(muc_service_feed_tree(NULL, s2), MUC_ERR_INVALID);
	muc_service_free(s2);
	ck_assert_int_eq(a2.live, 0);
	capture_free(&c2);
}
END_TEST

/* A tree that comes with an <?xml?> declaration node works too. */
START_TEST(feed_tree_document)
{
	mxml_node_t *t = mxmlLoadString(
		NULL, "<?xml version='1.0'?>" "<presence from='" ROMEO "' to='"
		ROOM "/Romeo'><x xmlns='http://jabber.org/protocol/muc'/>"
		"</presence>", MXML_OPAQUE_CALLBACK);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(muc_service_feed_tree(svc, t), MUC_OK);
	mxmlDelete(t);
	expect_count(2);
	ck_assert_str_eq(cap.v[1].xml,
			 "<message to='" ROMEO "' from='" ROOM "' "
			 "type='groupchat'><subject/></message>");
}
END_TEST

START_TEST(stanza_to_tree)
{
	muc_stanza_out o;
	void *tree = NULL;
	mxml_node_t *t, *x, *item;
	ck_assert_int_eq(feed(romeo_join), MUC_OK);
	o.to = cap.v[0].to;
	o.from = cap.v[0].from;
	o.xml = cap.v[0].xml;
	o.len = strlen(o.xml);
	ck_assert_int_eq(muc_stanza_to_tree(&o, &tree), MUC_OK);
	t = tree;
	ck_assert_ptr_nonnull(t);
	ck_assert_str_eq(mxmlGetElement(t), "presence");
	ck_assert_str_eq(mxmlElementGetAttr(t, "to"), ROMEO);
	ck_assert_str_eq(mxmlElementGetAttr(t, "from"), ROOM "/Romeo");
	x = mxmlFindElement(t, t, "x", "xmlns", MUC_USER, MXML_DESCEND);
	ck_assert_ptr_nonnull(x);
	item = mxmlFindElement(x, x, "item", NULL, NULL, MXML_DESCEND);
	ck_assert_ptr_nonnull(item);
	ck_assert_str_eq(mxmlElementGetAttr(item, "affiliation"), "owner");
	ck_assert_str_eq(mxmlElementGetAttr(item, "role"), "moderator");
	mxmlDelete(t);

	/* Only len bytes are read. */
	o.xml = "<message to='a@b'/>trailing junk";
	o.len = strlen("<message to='a@b'/>");
	ck_assert_int_eq(muc_stanza_to_tree(&o, &tree), MUC_OK);
	ck_assert_str_eq(mxmlGetElement(tree), "message");
	mxmlDelete(tree);

	ck_assert_int_eq(muc_stanza_to_tree(NULL, &tree), MUC_ERR_INVALID);
	ck_assert_int_eq(muc_stanza_to_tree(&o, NULL), MUC_ERR_INVALID);
	o.xml = "not xml";
	o.len = strlen(o.xml);
	tree = &tree;
	ck_assert_int_eq(muc_stanza_to_tree(&o, &tree), MUC_ERR_PARSE);
	ck_assert_ptr_null(tree);
}
END_TEST

/* ---- Allocation failures --------------------------------------------------- */

/* Whatever allocation fails while a join is handled, the feed reports
 * MUC_ERR_NOMEM (or succeeds), and freeing the service leaves nothing. */
START_TEST(join_nomem_sweep)
{
	long k;
	int ok = 0;
	for (k = 0; k < 400 && !ok; k++) {
		capture c;
		counting_alloc a;
		muc_service *s;
		int rc;
		memset(&c, 0, sizeof c);
		counting_alloc_init(&a);
		s = new_service(&c, &a);
		ck_assert_int_eq(muc_service_feed(s, romeo_join,
						  strlen(romeo_join)),
				 MUC_OK);
		ck_assert_int_eq(muc_service_feed(s, romeo_instant,
						  strlen(romeo_instant)),
				 MUC_OK);
		a.fail_after = a.total + k;
		rc = muc_service_feed(s, juliet_join, strlen(juliet_join));
		a.fail_after = -1;
		ck_assert_msg(rc == MUC_OK || rc == MUC_ERR_NOMEM,
			      "fail after %ld: rc %d", k, rc);
		ok = rc == MUC_OK;
		muc_service_free(s);
		ck_assert_msg(a.live == 0, "fail after %ld: %ld blocks leaked",
			      k, a.live);
		capture_free(&c);
	}
	ck_assert(ok);
}
END_TEST

Suite *make_api_suite(void)
{
	Suite *s = suite_create("api");
	TCase *tb = tcase_create("basics");
	TCase *tj = tcase_create("join");
	TCase *tf = tcase_create("feed");
	TCase *tr = tcase_create("rooms");
	TCase *tt = tcase_create("trees");

	tcase_add_test(tb, version);
	tcase_add_test(tb, strerror_every_code);
	tcase_add_test(tb, names);
	tcase_add_test(tb, callbacks_errors);
	tcase_add_test(tb, service_new_errors);
	tcase_add_test(tb, service_domain_prepared);
	tcase_add_test(tb, join_nomem_sweep);
	suite_add_tcase(s, tb);

	tcase_add_checked_fixture(tj, setup, teardown);
	tcase_add_test(tj, join_creates_room);
	tcase_add_test(tj, join_locked_room);
	tcase_add_test(tj, join_existing_room);
	tcase_add_test(tj, occupant_ids);
	suite_add_tcase(s, tj);

	tcase_add_checked_fixture(tf, setup, teardown);
	tcase_add_test(tf, feed_malformed);
	tcase_add_test(tf, feed_len_bounds);
	tcase_add_test(tf, feed_missing_addresses);
	tcase_add_test(tf, feed_not_for_us);
	tcase_add_test(tf, feed_to_prepared);
	tcase_add_test(tf, feed_too_large);
	tcase_add_test(tf, deliver_failure);
	suite_add_tcase(s, tf);

	tcase_add_checked_fixture(tr, setup, teardown);
	tcase_add_test(tr, read_rooms);
	tcase_add_test(tr, occupant_two_sessions);
	tcase_add_test(tr, get_affiliation);
	tcase_add_test(tr, set_affiliation_present);
	tcase_add_test(tr, set_affiliation_absent);
	tcase_add_test(tr, set_affiliation_ban_occupant);
	tcase_add_test(tr, set_affiliation_errors);
	tcase_add_test(tr, set_affiliation_deliver_failure);
	tcase_add_test(tr, foreach_affiliation_order);
	tcase_add_test(tr, destroy_room);
	tcase_add_test(tr, destroy_room_plain);
	suite_add_tcase(s, tr);

	tcase_add_checked_fixture(tt, setup, teardown);
	tcase_add_test(tt, feed_tree_same_output);
	tcase_add_test(tt, feed_tree_document);
	tcase_add_test(tt, stanza_to_tree);
	suite_add_tcase(s, tt);
	return s;
}
