/* xml_parse.c: what untrusted bytes become (or why they are refused,
 * RFC 6120 §11.1), from text and from mini-XML trees. */
#include <mxml.h>
#include <stdlib.h>
#include <string.h>
#if defined(__GLIBC__)
#include <malloc.h> /* mallinfo2 */
#endif

#include "common.h"
#include "counting_alloc.h"
#include "suites.h"

static counting_alloc ca;
static muc_mem mem;
static const xml_limits limits = {4096, 16, false};

static void setup(void)
{
	counting_alloc_init(&ca);
	mem_init(&mem, &ca.a);
}

static void teardown(void)
{
	ck_assert_int_eq(ca.live, 0);
}

/* The input for a failure message, bytes outside printable ASCII shown as
 * \xNN (static buffer: one message at a time). */
static const char *shown(const char *s, size_t len)
{
	static char out[512];
	static const char hex[] = "0123456789ABCDEF";
	size_t i, w = 0;
	for (i = 0; i < len && w + 5 < sizeof out; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7F) {
			out[w++] = (char)c;
		} else {
			out[w++] = '\\';
			out[w++] = 'x';
			out[w++] = hex[c >> 4];
			out[w++] = hex[c & 15];
		}
	}
	out[w] = '\0';
	return out;
}

static int parse_lim(const char *xml, size_t len, const xml_limits *lim,
		     xnode **out)
{
	return xml_parse(&mem, xml, len, lim, NS_CLIENT, out);
}

static xnode *parse_ok(const char *xml)
{
	xnode *n = NULL;
	int rc = parse_lim(xml, strlen(xml), &limits, &n);
	ck_assert_msg(rc == MUC_OK, "parse of \"%s\": rc %d",
		      shown(xml, strlen(xml)), rc);
	ck_assert_ptr_nonnull(n);
	return n;
}

static void expect_rc(const char *xml, size_t len, int want)
{
	xnode *n = (xnode *)&n; /* must be reset to NULL */
	int rc = parse_lim(xml, len, &limits, &n);
	if (rc == MUC_OK) {
		xnode_free(&mem, n); /* no leak under CK_FORK=no valgrind */
		n = NULL;
	}
	ck_assert_msg(rc == want, "parse of \"%s\": rc %d, want %d",
		      shown(xml, len), rc, want);
	ck_assert_ptr_null(n);
}

static void expect_parse_error(const char *xml)
{
	expect_rc(xml, strlen(xml), MUC_ERR_PARSE);
}

/* Writes n as a stanza in jabber:client and compares. */
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

/* ---- Parsing ----------------------------------------------------------- */

START_TEST(namespaces)
{
	xnode *n = parse_ok(
		"<message to='a@b' type='chat'>"
		"<body>hi</body>"
		"<x xmlns='urn:x'><y/></x>"
		"<p:foo xmlns:p='urn:p'><p:bar/></p:foo>"
		"</message>");
	xnode *c;
	ck_assert_str_eq(n->name, "message");
	ck_assert_str_eq(n->ns, NS_CLIENT);
	ck_assert_str_eq(xnode_attr(n, "to"), "a@b");
	ck_assert_str_eq(xnode_attr(n, "type"), "chat");
	ck_assert_ptr_null(xnode_attr(n, "xmlns"));
	ck_assert_uint_eq(xnode_count(n), 3);

	c = xnode_child(n, "body", NS_CLIENT);
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(xnode_text(c), "hi");

	c = xnode_child(n, "x", "urn:x");
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_null(xnode_attr(c, "xmlns"));
	ck_assert_str_eq(xnode_first(c)->name, "y");
	ck_assert_str_eq(xnode_first(c)->ns, "urn:x");

	/* A prefixed element: the local name and the prefix's namespace;
	 * the xmlns:p declaration is kept, so that prefixed attributes below
	 * stay declared when the tree is written out again. */
	c = xnode_child(n, "foo", "urn:p");
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->nattrs, 1);
	ck_assert_str_eq(xnode_attr(c, "xmlns:p"), "urn:p");
	ck_assert_str_eq(xnode_first(c)->name, "bar");
	ck_assert_str_eq(xnode_first(c)->ns, "urn:p");
	xnode_free(&mem, n);
}
END_TEST

START_TEST(explicit_root_namespace)
{
	xnode *n = parse_ok("<iq xmlns='jabber:component:accept' id='1'/>");
	ck_assert_str_eq(n->ns, "jabber:component:accept");
	ck_assert_uint_eq(n->nattrs, 1);
	xnode_free(&mem, n);
}
END_TEST

/* Namespaces in XML §6.2: a prefixed element does not change the default
 * namespace. Unprefixed children of <p:foo> stay in the default namespace
 * in scope (here jabber:client), and a default declared on a prefixed
 * element applies to its unprefixed children. */
START_TEST(prefix_does_not_change_default_ns)
{
	xnode *n = parse_ok("<message><p:foo xmlns:p='urn:p'><baz/></p:foo>"
			    "<q:a xmlns:q='urn:q' xmlns='urn:d'><c/></q:a>"
			    "</message>");
	xnode *foo = xnode_child(n, "foo", "urn:p");
	xnode *a = xnode_child(n, "a", "urn:q");
	char foo_child_ns[32] = "", a_child_ns[32] = "";
	if (foo && xnode_first(foo))
		strncpy(foo_child_ns, xnode_first(foo)->ns, 31);
	if (a && xnode_first(a))
		strncpy(a_child_ns, xnode_first(a)->ns, 31);
	xnode_free(&mem, n);
	ck_assert_ptr_nonnull(foo);
	ck_assert_ptr_nonnull(a);
	ck_assert_str_eq(foo_child_ns, NS_CLIENT);
	ck_assert_str_eq(a_child_ns, "urn:d");
}
END_TEST

/* Namespaces in XML §5 "Prefix Declared": an undeclared prefix is not
 * namespace-well-formed (RFC 6120 §11.2); writing it back out as "q:b"
 * would send an unbound prefix on to clients. */
START_TEST(undeclared_prefix)
{
	expect_parse_error("<message><q:b/></message>");
}
END_TEST

START_TEST(entities)
{
	xnode *n = parse_ok("<a>&amp;&lt;&gt;&quot;&apos;&#233;&#x1F600;"
			    "&#xe9;</a>");
	ck_assert_str_eq(xnode_text(n),
			 "&<>\"'\xC3\xA9\xF0\x9F\x98\x80\xC3\xA9");
	xnode_free(&mem, n);
	n = parse_ok("<a b='&amp;&lt;&gt;&quot;&apos;&#65;' c=\"it's\"/>");
	ck_assert_str_eq(xnode_attr(n, "b"), "&<>\"'A");
	ck_assert_str_eq(xnode_attr(n, "c"), "it's");
	xnode_free(&mem, n);
}
END_TEST

START_TEST(text_spaces_preserved)
{
	xnode *n = parse_ok("<message><body>  two  spaces\n\tand a tab  "
			    "</body></message>");
	ck_assert_str_eq(xnode_child_text(n, "body", NULL),
			 "  two  spaces\n\tand a tab  ");
	xnode_free(&mem, n);
	n = parse_ok("<body>   </body>");
	ck_assert_str_eq(xnode_text(n), "   ");
	xnode_free(&mem, n);
}
END_TEST

START_TEST(utf8_text)
{
	xnode *n = parse_ok("<body>\xC3\xA9\xE2\x82\xAC\xF0\x9F\xA4\x96</body>");
	ck_assert_str_eq(xnode_text(n), "\xC3\xA9\xE2\x82\xAC\xF0\x9F\xA4\x96");
	xnode_free(&mem, n);
}
END_TEST

/* Whitespace between stanzas is legal on an XMPP stream; trailing
 * whitespace is accepted, leading whitespace should be too. */
START_TEST(surrounding_whitespace)
{
	xnode *n = parse_ok("<a/>\n");
	xnode_free(&mem, n);
	n = parse_ok("\n <a/>");
	ck_assert_str_eq(n->name, "a");
	xnode_free(&mem, n);
}
END_TEST

START_TEST(reads_only_len)
{
	/* Only len bytes are read: the input need not be NUL-terminated. */
	xnode *n = NULL;
	ck_assert_int_eq(parse_lim("<a/>garbage", 4, &limits, &n), MUC_OK);
	ck_assert_str_eq(n->name, "a");
	xnode_free(&mem, n);
}
END_TEST

START_TEST(reject_malformed)
{
	expect_parse_error("<a>unterminated");
	expect_parse_error("<a");
	expect_parse_error("<a b='x");
	expect_parse_error("<a></b>");
	expect_parse_error("<a><b></a></b>");
	expect_parse_error("</a>");
	expect_parse_error("");
	expect_parse_error("text");
	expect_parse_error("x<a/>");
	expect_parse_error("<a/>x");
	expect_parse_error("<a b/>");
	expect_parse_error("<a b='1' b='2'/>");
}
END_TEST

START_TEST(reject_comment_pi_doctype)
{
	expect_parse_error("<a><!-- x --></a>");
	expect_parse_error("<!-- x --><a/>");
	expect_parse_error("<a><?pi x?></a>");
	expect_parse_error("<?xml version='1.0'?><a/>");
	expect_parse_error("<!DOCTYPE a><a/>");
	expect_parse_error("<!DOCTYPE a [<!ENTITY e 'x'>]><a>&e;</a>");
}
END_TEST

START_TEST(reject_entities)
{
	expect_parse_error("<a>&nbsp;</a>");
	expect_parse_error("<a>&copy;</a>");
	expect_parse_error("<a>& </a>");
	expect_parse_error("<a>&amp</a>");
	expect_parse_error("<a>&#;</a>");
	expect_parse_error("<a>&#x;</a>");
	expect_parse_error("<a>&#0;</a>");
	expect_parse_error("<a>&#1;</a>");
	expect_parse_error("<a>&#xD800;</a>");
	expect_parse_error("<a>&#x110000;</a>");
	expect_parse_error("<a>&#xFFFE;</a>");
	expect_parse_error("<a b='&nbsp;'/>");
}
END_TEST

START_TEST(reject_bad_utf8)
{
	expect_parse_error("<a>\xFF</a>");
	expect_parse_error("<a>\xC0\xAF</a>");         /* overlong '/' */
	expect_parse_error("<a>\xE0\x80\xAF</a>");     /* overlong */
	expect_parse_error("<a>\xED\xA0\x80</a>");     /* surrogate */
	expect_parse_error("<a>\xE2\x82</a>");         /* truncated */
	expect_parse_error("<a>\xF4\x90\x80\x80</a>"); /* > U+10FFFF */
	expect_parse_error("<a>\x80</a>");             /* lone continuation */
	expect_parse_error("<a b='\xFF'/>");
	/* in names too: they are copied to the output as they are */
	expect_parse_error("<a\xFF/>");
	expect_parse_error("<a><b\xC0\xAF/></a>");
	expect_parse_error("<a b\xFF='1'/>");
}
END_TEST

START_TEST(reject_control_chars)
{
	expect_parse_error("<a>\x01</a>");
	expect_parse_error("<a>\x1F</a>");
	expect_parse_error("<a b='\x07'/>");
	expect_parse_error("<a\x01/>");
	expect_parse_error("<a><b\x1B/></a>");
	expect_parse_error("<a b\x01='1'/>");
	expect_rc("<a>\0</a>", 8, MUC_ERR_PARSE);
	expect_rc("<a/>\0", 5, MUC_ERR_PARSE);
}
END_TEST

START_TEST(reject_two_roots)
{
	expect_parse_error("<a/><b/>");
	expect_parse_error("<a></a><a></a>");
}
END_TEST

START_TEST(depth_limit)
{
	const xml_limits lim = {4096, 3, false};
	xnode *n = NULL;
	const char *ok = "<a><b><c/></b></a>";
	const char *deep1 = "<a><b><c><d/></c></b></a>";
	const char *deep2 = "<a><b><c><d></d></c></b></a>";
	ck_assert_int_eq(parse_lim(ok, strlen(ok), &lim, &n), MUC_OK);
	xnode_free(&mem, n);
	ck_assert_int_eq(parse_lim(deep1, strlen(deep1), &lim, &n),
			 MUC_ERR_TOO_LARGE);
	ck_assert_ptr_null(n);
	ck_assert_int_eq(parse_lim(deep2, strlen(deep2), &lim, &n),
			 MUC_ERR_TOO_LARGE);
	ck_assert_ptr_null(n);
}
END_TEST

START_TEST(size_limit)
{
	const xml_limits lim = {10, 16, false};
	xnode *n = NULL;
	const char *ten = "<a>12345</a>"; /* 12 bytes */
	ck_assert_int_eq(parse_lim(ten, strlen(ten), &lim, &n),
			 MUC_ERR_TOO_LARGE);
	ck_assert_ptr_null(n);
	ck_assert_int_eq(parse_lim("<a>123</a>", 10, &lim, &n), MUC_OK);
	xnode_free(&mem, n);
}
END_TEST

/* Each allocation failure while parsing gives MUC_ERR_NOMEM and no leak. */
START_TEST(parse_nomem)
{
	const char *x = "<message to='a@b'><body>hi</body><x xmlns='urn:x'/>"
			"</message>";
	long k;
	for (k = 0; k < 64; k++) {
		xnode *n = NULL;
		int rc;
		ca.total = 0;
		ca.fail_after = k;
		rc = parse_lim(x, strlen(x), &limits, &n);
		ca.fail_after = -1;
		if (rc == MUC_OK) {
			xnode_free(&mem, n);
			break;
		}
		ck_assert_int_eq(rc, MUC_ERR_NOMEM);
		ck_assert_ptr_null(n);
		ck_assert_int_eq(ca.live, 0);
	}
	ck_assert_int_lt(k, 64);
}
END_TEST

/* Malformed input must not leak: mini-XML allocates with malloc, outside
 * the counting allocator, so glibc's heap statistics watch it here (the
 * valgrind-check target sees the same). An attribute error on the root
 * element (no value, or a duplicate) is the case that matters: mxml 3.x
 * loading with no parent node does not free the root it was building. */
START_TEST(parse_errors_do_not_leak)
{
#if defined(__GLIBC__) && \
	(__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
	static const char *const bad[] = {
		"<presence b/>", "<presence b='1' b='2'/>", "<presence ='x'/>",
		"<presence><x b/></presence>", "<presence>&nbsp;</presence>",
		"<presence b\x01='1'/>", "<presence b\xFF='1'/>",
		"<presence></message>",
	};
	size_t i, k;
	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct mallinfo2 before, after;
		size_t grown;
		before = mallinfo2();
		for (k = 0; k < 2000; k++) {
			xnode *n = NULL;
			int rc = parse_lim(bad[i], strlen(bad[i]), &limits, &n);
			ck_assert_int_ne(rc, MUC_OK);
		}
		after = mallinfo2();
		grown = after.uordblks > before.uordblks
				? after.uordblks - before.uordblks
				: 0;
		ck_assert_msg(grown < 16 * 1024,
			      "%s: heap grew by %zu bytes over 2000 parses",
			      shown(bad[i], strlen(bad[i])), grown);
	}
#endif
}
END_TEST

/* ---- Trees from mini-XML (muc_service_feed_tree's path) ----------------- */

START_TEST(from_mxml)
{
	mxml_node_t *t = mxmlLoadString(
		NULL, "<message to='a@b'><body>a  b &amp; c</body></message>",
		MXML_OPAQUE_CALLBACK);
	xnode *n = NULL;
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(xml_from_mxml(&mem, t, &limits, NS_CLIENT, &n),
			 MUC_OK);
	mxmlDelete(t);
	expect_written(n, NS_CLIENT,
		       "<message to='a@b'><body>a  b &amp; c</body></message>");
	xnode_free(&mem, n);
	ck_assert_int_eq(xml_from_mxml(&mem, NULL, &limits, NS_CLIENT, &n),
			 MUC_ERR_INVALID);
}
END_TEST

/* A host's mxml tree has not been through the pre-scan: comments and
 * processing instructions (which mxml loads as elements named "!-- x --"
 * and "?pi x?") must be refused here too, not turned into elements. */
START_TEST(from_mxml_rejects_comment_and_pi)
{
	static const char *const in[] = {
		"<message><!-- x --><body>b</body></message>",
		"<message><?pi x?><body>b</body></message>",
	};
	size_t i;
	for (i = 0; i < 2; i++) {
		mxml_node_t *t = mxmlLoadString(NULL, in[i],
						MXML_OPAQUE_CALLBACK);
		xnode *n = NULL;
		int rc;
		ck_assert_ptr_nonnull(t);
		rc = xml_from_mxml(&mem, t, &limits, NS_CLIENT, &n);
		xnode_free(&mem, n);
		mxmlDelete(t);
		ck_assert_msg(rc == MUC_ERR_PARSE, "%s: rc %d", in[i], rc);
	}
}
END_TEST

Suite *make_xml_suite(void)
{
	Suite *s = suite_create("xml");
	TCase *tp = tcase_create("parse");
	tcase_add_checked_fixture(tp, setup, teardown);

	tcase_add_test(tp, namespaces);
	tcase_add_test(tp, explicit_root_namespace);
	tcase_add_test(tp, prefix_does_not_change_default_ns);
	tcase_add_test(tp, undeclared_prefix);
	tcase_add_test(tp, entities);
	tcase_add_test(tp, text_spaces_preserved);
	tcase_add_test(tp, utf8_text);
	tcase_add_test(tp, surrounding_whitespace);
	tcase_add_test(tp, reads_only_len);
	tcase_add_test(tp, reject_malformed);
	tcase_add_test(tp, reject_comment_pi_doctype);
	tcase_add_test(tp, reject_entities);
	tcase_add_test(tp, reject_bad_utf8);
	tcase_add_test(tp, reject_control_chars);
	tcase_add_test(tp, reject_two_roots);
	tcase_add_test(tp, depth_limit);
	tcase_add_test(tp, size_limit);
	tcase_add_test(tp, parse_nomem);
	tcase_add_test(tp, parse_errors_do_not_leak);
	tcase_add_test(tp, from_mxml);
	tcase_add_test(tp, from_mxml_rejects_comment_and_pi);
	suite_add_tcase(s, tp);

	return s;
}
