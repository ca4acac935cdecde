/* The harness the public-API tests share; see harness.h. */
#include "harness.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Capturing what the service delivers -------------------------------- */

capture cap;
counting_alloc ca;
muc_service *svc;

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
	char *res = malloc(2 * len + 16), *w = res; /* ids may be short */
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
		w += sprintf(w, "#%zu", i + 1);
		p = e;
	}
	strcpy(w, p);
	return res;
}

int h_deliver(const muc_stanza_out *st, void *ud)
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

int64_t h_clock(void *ud)
{
	(void)ud;
	return INT64_C(1700000000000); /* 2023-11-14T22:13:20Z */
}

size_t h_make_id(char *b, size_t n, void *ud)
{
	capture *c = ud;
	return (size_t)snprintf(b, n, "id%u", ++c->ids);
}

void h_log(muc_log_level level, const char *msg, void *ud)
{
	capture *c = ud;
	(void)level;
	ck_assert_ptr_nonnull(msg);
	c->logs++;
}

void capture_clear(capture *c)
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

void capture_free(capture *c)
{
	size_t i;
	capture_clear(c);
	free(c->v);
	for (i = 0; i < c->noids; i++)
		free(c->oids[i]);
	memset(c, 0, sizeof *c);
}

muc_service *new_service(capture *c, counting_alloc *a)
{
	muc_callbacks *cb;
	muc_service *s = NULL;
	ck_assert_int_eq(muc_callbacks_new(&cb), MUC_OK);
	muc_callbacks_set_deliver(cb, h_deliver);
	muc_callbacks_set_clock(cb, h_clock);
	muc_callbacks_set_id(cb, h_make_id);
	muc_callbacks_set_log(cb, h_log);
	ck_assert_int_eq(muc_service_new(&s, DOMAIN, cb, &a->a, c), MUC_OK);
	/* The service copied the hooks. */
	muc_callbacks_del(cb);
	ck_assert_ptr_nonnull(s);
	return s;
}

void harness_setup(void)
{
	memset(&cap, 0, sizeof cap);
	counting_alloc_init(&ca);
	svc = new_service(&cap, &ca);
}

void harness_teardown(void)
{
	muc_service_free(svc);
	svc = NULL;
	ck_assert_int_eq(ca.live, 0);
	capture_free(&cap);
}

int feed(const char *xml)
{
	return muc_service_feed(svc, xml, strlen(xml));
}

void expect_count(size_t n)
{
	size_t i;
	if (cap.n != n)
		for (i = 0; i < cap.n; i++)
			fprintf(stderr, "delivered %zu: %s\n", i, cap.v[i].xml);
	ck_assert_uint_eq(cap.n, n);
}

void expect_out(size_t i, const char *to, const char *from, const char *xml)
{
	ck_assert_uint_lt(i, cap.n);
	ck_assert_str_eq(cap.v[i].to, to);
	ck_assert_str_eq(cap.v[i].from, from);
	ck_assert_str_eq(cap.v[i].xml, xml);
}

/* ---- The stanzas the tests send ------------------------------------------ */

const char romeo_join[] =
	"<presence from='" ROMEO "' to='" ROOM "/Romeo'>"
	"<x xmlns='http://jabber.org/protocol/muc'/></presence>";

/* XEP-0045 §10.1.2: an instant room, accepting the default configuration
 * (unlocks the room). */
const char romeo_instant[] =
	"<iq from='" ROMEO "' to='" ROOM "' type='set' id='create1'>"
	"<query xmlns='http://jabber.org/protocol/muc#owner'>"
	"<x xmlns='jabber:x:data' type='submit'/></query></iq>";

const char juliet_join[] =
	"<presence from='" JULIET "' to='" ROOM "/Juliet'>"
	"<x xmlns='http://jabber.org/protocol/muc'/>"
	"<status>Wherefore &amp; why</status></presence>";

muc_room *two_occupants(void)
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
