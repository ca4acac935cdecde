/* xnode.c: how element trees are built, read, copied and written. */
#include <string.h>

#include "common.h"
#include "counting_alloc.h"
#include "suites.h"

static counting_alloc ca;
static muc_mem mem;

static void setup(void)
{
	counting_alloc_init(&ca);
	mem_init(&mem, &ca.a);
}

static void teardown(void)
{
	ck_assert_int_eq(ca.live, 0);
}

static xnode *parse_ok(const char *xml)
{
	static const xml_limits limits = {4096, 16, false};
	xnode *n = NULL;
	int rc = xml_parse(&mem, xml, strlen(xml), &limits, NS_CLIENT, &n);
	ck_assert_msg(rc == MUC_OK, "parse of \"%s\": rc %d", xml, rc);
	ck_assert_ptr_nonnull(n);
	return n;
}

static void expect_written(const xnode *n, const char *parent_ns,
			   const char *want)
{
	buf b;
	buf_init(&b, &mem);
	xnode_write(&b, n, parent_ns);
	ck_assert(buf_ok(&b));
	ck_assert_str_eq(buf_cstr(&b), want);
	buf_free(&b);
}

static void expect_roundtrip(const char *in, const char *want)
{
	xnode *n = parse_ok(in);
	expect_written(n, NS_CLIENT, want);
	xnode_free(&mem, n);
}

/* ---- Writing ----------------------------------------------------------- */

START_TEST(write_roundtrip)
{
	expect_roundtrip(
		"<presence from='romeo@example.net/orchard' "
		"to=\"coven@chat.example.org/Romeo\">"
		"<show>away</show><status>out  for\na walk</status>"
		"<x xmlns='http://jabber.org/protocol/muc'>"
		"<history maxstanzas='5'/></x>"
		"<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' "
		"node='n' ver='v'></c>"
		"</presence>",
		"<presence from='romeo@example.net/orchard' "
		"to='coven@chat.example.org/Romeo'>"
		"<show>away</show><status>out  for\na walk</status>"
		"<x xmlns='http://jabber.org/protocol/muc'>"
		"<history maxstanzas='5'/></x>"
		"<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' "
		"node='n' ver='v'/>"
		"</presence>");
}
END_TEST

START_TEST(write_escapes)
{
	expect_roundtrip("<body a='&amp;&lt;&gt;&apos;&quot;' "
			 "b=\"it's\">&amp;&lt;&gt;&apos;&quot;'\"></body>",
			 "<body a='&amp;&lt;&gt;&apos;&quot;' "
			 "b='it&apos;s'>&amp;&lt;&gt;&apos;&quot;&apos;&quot;"
			 "&gt;</body>");
	expect_roundtrip("<body>&#233;&#x1F600;</body>",
			 "<body>\xC3\xA9\xF0\x9F\x98\x80</body>");
}
END_TEST

/* xmlns is written where, and only where, the namespace changes. */
START_TEST(write_xmlns_only_on_change)
{
	xnode *root = xnode_new(&mem, "iq", NS_CLIENT);
	xnode *q, *i, *back;
	ck_assert_ptr_nonnull(root);
	ck_assert(xnode_set_attr(&mem, root, "type", "result"));
	q = xnode_add(&mem, root, "query", NS_MUC_ADMIN);
	i = xnode_add(&mem, q, "item", NULL);          /* inherits muc#admin */
	ck_assert(xnode_set_attr(&mem, i, "jid", "a@b"));
	ck_assert_ptr_nonnull(xnode_add(&mem, i, "reason", NULL));
	back = xnode_add(&mem, q, "thread", NS_CLIENT); /* back to client */
	ck_assert_ptr_nonnull(back);
	ck_assert_ptr_nonnull(xnode_add_text(&mem, back, "t<1>", 4));
	expect_written(root, NS_CLIENT,
		       "<iq type='result'>"
		       "<query xmlns='http://jabber.org/protocol/muc#admin'>"
		       "<item jid='a@b'><reason/></item>"
		       "<thread xmlns='jabber:client'>t&lt;1&gt;</thread>"
		       "</query></iq>");
	/* With no parent namespace the root declares its own. */
	expect_written(root, NULL,
		       "<iq xmlns='jabber:client' type='result'>"
		       "<query xmlns='http://jabber.org/protocol/muc#admin'>"
		       "<item jid='a@b'><reason/></item>"
		       "<thread xmlns='jabber:client'>t&lt;1&gt;</thread>"
		       "</query></iq>");
	xnode_free(&mem, root);
}
END_TEST

START_TEST(empty_namespace_written)
{
	xnode *n = xnode_new(&mem, "a", NULL);
	ck_assert_str_eq(n->ns, "");
	expect_written(n, NS_CLIENT, "<a xmlns=''/>");
	expect_written(n, "", "<a/>");
	xnode_free(&mem, n);
}
END_TEST

/* ---- Building and reading ------------------------------------------------ */

START_TEST(clone)
{
	const char *x = "<message type='groupchat' id='m1'><body>a &amp; b"
			"</body><x xmlns='urn:x'><y z='1'/>tail</x></message>";
	xnode *n = parse_ok(x), *c = xnode_clone(&mem, n);
	buf a, b;
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_ne(c, n);
	buf_init(&a, &mem);
	buf_init(&b, &mem);
	xnode_write(&a, n, NULL);
	xnode_write(&b, c, NULL);
	ck_assert_str_eq(buf_cstr(&a), buf_cstr(&b));
	/* A deep copy: changing the clone leaves the original alone. */
	ck_assert(xnode_set_attr(&mem, c, "id", "m2"));
	ck_assert(xnode_set_attr(&mem, xnode_child(c, "x", "urn:x")->children,
				 "z", "2"));
	ck_assert_str_eq(xnode_attr(n, "id"), "m1");
	ck_assert_str_eq(xnode_attr(xnode_child(n, "x", NULL)->children, "z"),
			 "1");
	ck_assert_ptr_eq(c->last, xnode_child(c, "x", NULL));
	buf_free(&a);
	buf_free(&b);
	xnode_free(&mem, n);
	xnode_free(&mem, c);
}
END_TEST

START_TEST(set_attr)
{
	xnode *n = xnode_new(&mem, "item", NS_MUC_USER);
	ck_assert(xnode_set_attr(&mem, n, "a", "1"));
	ck_assert(xnode_set_attr(&mem, n, "b", "2"));
	ck_assert(xnode_set_attr(&mem, n, "c", "3"));
	ck_assert_uint_eq(n->nattrs, 3);
	/* replace keeps the position */
	ck_assert(xnode_set_attr(&mem, n, "b", "two"));
	ck_assert_uint_eq(n->nattrs, 3);
	ck_assert_str_eq(xnode_attr(n, "b"), "two");
	expect_written(n, NS_MUC_USER, "<item a='1' b='two' c='3'/>");
	/* remove */
	ck_assert(xnode_set_attr(&mem, n, "b", NULL));
	ck_assert_uint_eq(n->nattrs, 2);
	ck_assert_ptr_null(xnode_attr(n, "b"));
	expect_written(n, NS_MUC_USER, "<item a='1' c='3'/>");
	ck_assert(xnode_set_attr(&mem, n, "a", NULL));
	ck_assert(xnode_set_attr(&mem, n, "c", NULL));
	ck_assert_uint_eq(n->nattrs, 0);
	/* removing what is absent is fine */
	ck_assert(xnode_set_attr(&mem, n, "nothing", NULL));
	ck_assert(xnode_set_attr(&mem, n, "d", ""));
	expect_written(n, NS_MUC_USER, "<item d=''/>");
	ck_assert_ptr_null(xnode_attr(n, "a"));
	xnode_free(&mem, n);
}
END_TEST

START_TEST(child_filtering)
{
	xnode *n = parse_ok("<presence>text1"
			    "<x xmlns='urn:a'/>"
			    "<status>s1</status>"
			    "<x xmlns='urn:b' n='1'/>"
			    "text2"
			    "<status>s2</status>"
			    "<x xmlns='urn:b' n='2'/>"
			    "</presence>");
	xnode *c;
	ck_assert_uint_eq(xnode_count(n), 5);
	ck_assert_str_eq(xnode_text(n), "text1");
	ck_assert_str_eq(xnode_first(n)->ns, "urn:a");

	c = xnode_child(n, "x", "urn:b");
	ck_assert_str_eq(xnode_attr(c, "n"), "1");
	c = xnode_next(c, "x", "urn:b");
	ck_assert_str_eq(xnode_attr(c, "n"), "2");
	ck_assert_ptr_null(xnode_next(c, "x", "urn:b"));

	c = xnode_child(n, "x", NULL);
	ck_assert_str_eq(c->ns, "urn:a");
	c = xnode_next(c, "x", NULL);
	ck_assert_str_eq(xnode_attr(c, "n"), "1");

	c = xnode_child(n, NULL, NS_CLIENT);
	ck_assert_str_eq(c->name, "status");
	ck_assert_str_eq(xnode_text(c), "s1");
	c = xnode_next(c, NULL, NS_CLIENT);
	ck_assert_str_eq(xnode_text(c), "s2");
	ck_assert_ptr_null(xnode_next(c, NULL, NS_CLIENT));

	ck_assert_ptr_null(xnode_child(n, "status", "urn:a"));
	ck_assert_ptr_null(xnode_child(n, "missing", NULL));
	ck_assert_str_eq(xnode_child_text(n, "status", NULL), "s1");
	ck_assert_ptr_null(xnode_child_text(n, "missing", NULL));

	xnode_remove_children(&mem, n, "x", "urn:b");
	ck_assert_uint_eq(xnode_count(n), 3);
	ck_assert_ptr_null(xnode_child(n, "x", "urn:b"));
	expect_written(n, NS_CLIENT,
		       "<presence>text1<x xmlns='urn:a'/><status>s1</status>"
		       "text2<status>s2</status></presence>");
	xnode_free(&mem, n);
}
END_TEST

START_TEST(build_and_unlink)
{
	xnode *p = xnode_new(&mem, "presence", NS_CLIENT), *a, *b, *c;
	ck_assert(xnode_add_text_child(&mem, p, "status", "here"));
	ck_assert(xnode_add_text_child(&mem, p, "show", ""));
	a = xnode_first(p);
	b = xnode_next(a, NULL, NULL);
	c = xnode_new(&mem, "priority", NULL);
	xnode_prepend(p, c);
	expect_written(p, NS_CLIENT,
		       "<presence><priority xmlns=''/><status>here</status>"
		       "<show/></presence>");
	xnode_unlink(p, b);
	ck_assert_ptr_eq(p->last, a);
	xnode_append(p, b);
	ck_assert_ptr_eq(p->last, b);
	xnode_unlink(p, c);
	xnode_free(&mem, c);
	expect_written(p, NS_CLIENT,
		       "<presence><status>here</status><show/></presence>");
	xnode_free(&mem, p);
}
END_TEST

Suite *make_xnode_suite(void)
{
	Suite *s = suite_create("xnode");
	TCase *tw = tcase_create("write");
	TCase *tt = tcase_create("tree");
	tcase_add_checked_fixture(tw, setup, teardown);
	tcase_add_checked_fixture(tt, setup, teardown);

	tcase_add_test(tw, write_roundtrip);
	tcase_add_test(tw, write_escapes);
	tcase_add_test(tw, write_xmlns_only_on_change);
	tcase_add_test(tw, empty_namespace_written);
	suite_add_tcase(s, tw);

	tcase_add_test(tt, clone);
	tcase_add_test(tt, set_attr);
	tcase_add_test(tt, child_filtering);
	tcase_add_test(tt, build_and_unlink);
	suite_add_tcase(s, tt);
	return s;
}
