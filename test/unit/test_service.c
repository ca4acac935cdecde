/* service.c, version.c and the stanza edge of the public API: creating a
 * service, what it refuses to take in, the deliver hook failing, mini-XML
 * trees in and out, and allocation failures. Every fixture runs on a
 * counting allocator and ends with zero live blocks (harness.c). */
#include <mxml.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "suites.h"

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
	muc_callbacks_set_deliver(NULL, h_deliver);
	muc_callbacks_set_clock(NULL, h_clock);
	muc_callbacks_set_id(NULL, h_make_id);
	muc_callbacks_set_log(NULL, h_log);
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
	muc_callbacks_set_deliver(cb, h_deliver);

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
	muc_callbacks_set_clock(empty, h_clock);
	ck_assert_int_eq(muc_service_new(&s, DOMAIN, empty, &a.a, &c),
			 MUC_ERR_INVALID);
	ck_assert_ptr_null(s);
	/* A setter given NULL clears the hook. */
	muc_callbacks_set_deliver(empty, h_deliver);
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
	muc_callbacks_set_deliver(cb, h_deliver);
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
	char buf[512];
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

Suite *make_service_suite(void)
{
	Suite *s = suite_create("service");
	TCase *tb = tcase_create("basics");
	TCase *tf = tcase_create("feed");
	TCase *tt = tcase_create("trees");

	tcase_add_test(tb, version);
	tcase_add_test(tb, strerror_every_code);
	tcase_add_test(tb, names);
	tcase_add_test(tb, callbacks_errors);
	tcase_add_test(tb, service_new_errors);
	tcase_add_test(tb, service_domain_prepared);
	tcase_add_test(tb, join_nomem_sweep);
	suite_add_tcase(s, tb);

	tcase_add_checked_fixture(tf, harness_setup, harness_teardown);
	tcase_add_test(tf, feed_malformed);
	tcase_add_test(tf, feed_len_bounds);
	tcase_add_test(tf, feed_missing_addresses);
	tcase_add_test(tf, feed_not_for_us);
	tcase_add_test(tf, feed_to_prepared);
	tcase_add_test(tf, feed_too_large);
	tcase_add_test(tf, deliver_failure);
	tcase_add_test(tf, set_affiliation_deliver_failure);
	suite_add_tcase(s, tf);

	tcase_add_checked_fixture(tt, harness_setup, harness_teardown);
	tcase_add_test(tt, feed_tree_same_output);
	tcase_add_test(tt, feed_tree_document);
	tcase_add_test(tt, stanza_to_tree);
	suite_add_tcase(s, tt);
	return s;
}
