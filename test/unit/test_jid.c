/* jid.c: splitting, the stringprep profiles (RFC 3920 / RFC 6122 nodeprep,
 * nameprep, resourceprep), and the strict nickname check (XEP-0045 §7.2.1). */
#include <stdlib.h>
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

/* A string of n copies of c followed by tail (heap, caller frees). */
static char *repeat(char c, size_t n, const char *head, const char *tail)
{
	size_t lh = strlen(head), lt = strlen(tail);
	char *s = malloc(lh + n + lt + 1);
	ck_assert_ptr_nonnull(s);
	memcpy(s, head, lh);
	memset(s + lh, c, n);
	memcpy(s + lh + n, tail, lt + 1);
	return s;
}

static void expect_bad(const char *s)
{
	jid j;
	int rc = jid_parse(&mem, s, &j);
	if (rc == MUC_OK)
		jid_free(&mem, &j); /* no leak under CK_FORK=no valgrind */
	ck_assert_msg(rc == MUC_ERR_JID, "'%s': rc %d, want MUC_ERR_JID", s,
		      rc);
	/* On error the struct is zeroed: nothing to free, nothing dangling. */
	ck_assert_ptr_null(j.node);
	ck_assert_ptr_null(j.domain);
	ck_assert_ptr_null(j.resource);
	ck_assert_ptr_null(j.bare);
	ck_assert_ptr_null(j.full);
}

START_TEST(split_full)
{
	jid j;
	ck_assert_int_eq(jid_parse(&mem, "romeo@example.net/orchard", &j),
			 MUC_OK);
	ck_assert_str_eq(j.node, "romeo");
	ck_assert_str_eq(j.domain, "example.net");
	ck_assert_str_eq(j.resource, "orchard");
	ck_assert_str_eq(j.bare, "romeo@example.net");
	ck_assert_str_eq(j.full, "romeo@example.net/orchard");
	jid_free(&mem, &j);
	ck_assert_ptr_null(j.full);
}
END_TEST

START_TEST(split_bare)
{
	jid j;
	ck_assert_int_eq(jid_parse(&mem, "romeo@example.net", &j), MUC_OK);
	ck_assert_str_eq(j.node, "romeo");
	ck_assert_str_eq(j.domain, "example.net");
	ck_assert_ptr_null(j.resource);
	ck_assert_str_eq(j.bare, "romeo@example.net");
	ck_assert_str_eq(j.full, "romeo@example.net");
	jid_free(&mem, &j);
}
END_TEST

START_TEST(split_domain_only)
{
	jid j;
	ck_assert_int_eq(jid_parse(&mem, "conference.example.org", &j),
			 MUC_OK);
	ck_assert_ptr_null(j.node);
	ck_assert_str_eq(j.domain, "conference.example.org");
	ck_assert_ptr_null(j.resource);
	ck_assert_str_eq(j.bare, "conference.example.org");
	ck_assert_str_eq(j.full, "conference.example.org");
	jid_free(&mem, &j);
}
END_TEST

START_TEST(split_domain_resource)
{
	jid j;
	ck_assert_int_eq(jid_parse(&mem, "example.net/some resource", &j),
			 MUC_OK);
	ck_assert_ptr_null(j.node);
	ck_assert_str_eq(j.domain, "example.net");
	ck_assert_str_eq(j.resource, "some resource");
	ck_assert_str_eq(j.bare, "example.net");
	ck_assert_str_eq(j.full, "example.net/some resource");
	jid_free(&mem, &j);
}
END_TEST

/* RFC 7622 §3.1: the first '/' ends the domain; '@' and '/' after it are
 * part of the resource, and an '@' after the first '/' is no separator. */
START_TEST(split_resource_with_slash_and_at)
{
	jid j;
	ck_assert_int_eq(jid_parse(&mem, "coven@chat.example.org/a/b@c/d", &j),
			 MUC_OK);
	ck_assert_str_eq(j.node, "coven");
	ck_assert_str_eq(j.domain, "chat.example.org");
	ck_assert_str_eq(j.resource, "a/b@c/d");
	ck_assert_str_eq(j.full, "coven@chat.example.org/a/b@c/d");
	jid_free(&mem, &j);

	ck_assert_int_eq(jid_parse(&mem, "example.net/user@host", &j), MUC_OK);
	ck_assert_ptr_null(j.node);
	ck_assert_str_eq(j.domain, "example.net");
	ck_assert_str_eq(j.resource, "user@host");
	jid_free(&mem, &j);
}
END_TEST

START_TEST(nodeprep_lowercases)
{
	jid j;
	ck_assert_int_eq(jid_parse(&mem, "RoMeO@example.net/Orchard", &j),
			 MUC_OK);
	ck_assert_str_eq(j.node, "romeo");
	/* resourceprep keeps case */
	ck_assert_str_eq(j.resource, "Orchard");
	ck_assert_str_eq(j.full, "romeo@example.net/Orchard");
	jid_free(&mem, &j);
	/* Non-ASCII case folding too: "ÉLAN" -> "élan". */
	ck_assert_int_eq(jid_parse(&mem, "\xC3\x89LAN@example.net", &j),
			 MUC_OK);
	ck_assert_str_eq(j.node, "\xC3\xA9lan");
	jid_free(&mem, &j);
}
END_TEST

/* RFC 3920 Appendix A.5: nodeprep prohibits space and " & ' / : < > @. */
START_TEST(nodeprep_prohibited)
{
	expect_bad("ro meo@example.net");
	expect_bad("ro\"meo@example.net");
	expect_bad("ro&meo@example.net");
	expect_bad("ro'meo@example.net");
	expect_bad("ro:meo@example.net");
	expect_bad("ro<meo@example.net");
	expect_bad("ro>meo@example.net");
}
END_TEST

START_TEST(nameprep_lowercases)
{
	jid j;
	ck_assert_int_eq(jid_parse(&mem, "romeo@EXAMPLE.Net", &j), MUC_OK);
	ck_assert_str_eq(j.domain, "example.net");
	ck_assert_str_eq(j.bare, "romeo@example.net");
	jid_free(&mem, &j);
}
END_TEST

/* RFC 6122 §2.2 (and RFC 3920 §3.2): a domainpart is a hostname or IP
 * literal; IDNA's ToASCII applies with UseSTD3ASCIIRules, so space, '<',
 * '"' or a second '@' cannot be part of it. Nameprep alone allows them. */
START_TEST(domain_std3_rules)
{
	expect_bad("exa mple.net");
	expect_bad("romeo@exa<mple.net");
	expect_bad("romeo@exa\"mple.net");
	expect_bad("a@b@example.net");
}
END_TEST

START_TEST(domain_trailing_dot)
{
	jid j;
	ck_assert_int_eq(jid_parse(&mem, "romeo@example.net./orchard", &j),
			 MUC_OK);
	ck_assert_str_eq(j.domain, "example.net");
	ck_assert_str_eq(j.full, "romeo@example.net/orchard");
	jid_free(&mem, &j);
	ck_assert_int_eq(jid_parse(&mem, "example.net.", &j), MUC_OK);
	ck_assert_str_eq(j.domain, "example.net");
	jid_free(&mem, &j);
}
END_TEST

START_TEST(empty_parts)
{
	jid j;
	expect_bad("");
	expect_bad("@example.net");
	expect_bad("romeo@");
	expect_bad("romeo@/orchard");
	expect_bad("romeo@example.net/");
	expect_bad("/orchard");
	ck_assert_int_eq(jid_parse(&mem, NULL, &j), MUC_ERR_JID);
}
END_TEST

/* RFC 7622 §3.1: each part is at most 1023 bytes. */
START_TEST(overlong_parts)
{
	jid j;
	char *s;

	s = repeat('a', 1023, "", "@example.net");
	ck_assert_int_eq(jid_parse(&mem, s, &j), MUC_OK);
	ck_assert_uint_eq(strlen(j.node), 1023);
	jid_free(&mem, &j);
	free(s);
	s = repeat('a', 1024, "", "@example.net");
	expect_bad(s);
	free(s);

	s = repeat('r', 1023, "romeo@example.net/", "");
	ck_assert_int_eq(jid_parse(&mem, s, &j), MUC_OK);
	ck_assert_uint_eq(strlen(j.resource), 1023);
	jid_free(&mem, &j);
	free(s);
	s = repeat('r', 1024, "romeo@example.net/", "");
	expect_bad(s);
	free(s);

	s = repeat('d', 1024, "romeo@", "");
	expect_bad(s);
	free(s);
}
END_TEST

/* Stanza addresses use non-strict resourceprep: code points unassigned in
 * Unicode 3.2, such as U+1F916 ROBOT FACE, are allowed. */
START_TEST(resourceprep_allows_unassigned)
{
	jid j;
	ck_assert_int_eq(jid_parse(&mem,
				   "coven@chat.example.org/\xF0\x9F\xA4\x96",
				   &j),
			 MUC_OK);
	ck_assert_str_eq(j.resource, "\xF0\x9F\xA4\x96");
	jid_free(&mem, &j);
}
END_TEST

/* resourceprep maps U+00AD SOFT HYPHEN to nothing (RFC 3454 B.1). */
START_TEST(resourceprep_maps)
{
	jid j;
	ck_assert_int_eq(jid_parse(&mem, "coven@chat.example.org/Ro\xC2\xADmeo",
				   &j),
			 MUC_OK);
	ck_assert_str_eq(j.resource, "Romeo");
	jid_free(&mem, &j);
}
END_TEST

START_TEST(nick_strict)
{
	ck_assert_int_eq(nick_check_strict(&mem, "Romeo"), MUC_OK);
	ck_assert_int_eq(nick_check_strict(&mem, "Ju liet"), MUC_OK);
	ck_assert_int_eq(nick_check_strict(&mem, "\xC3\x89lise"), MUC_OK);
	ck_assert_int_eq(nick_check_strict(&mem, "\xF0\x9F\xA4\x96"),
			 MUC_ERR_JID);
	ck_assert_int_eq(nick_check_strict(&mem, "Robot \xF0\x9F\xA4\x96"),
			 MUC_ERR_JID);
	ck_assert_int_eq(nick_check_strict(&mem, ""), MUC_ERR_JID);
}
END_TEST

START_TEST(prep_bare)
{
	int err = 12345;
	char *b = jid_prep_bare(&mem, "RoMeO@Example.NET/Orchard", &err);
	ck_assert_int_eq(err, MUC_OK);
	ck_assert_str_eq(b, "romeo@example.net");
	mem_free(&mem, b);

	b = jid_prep_bare(&mem, "Example.NET/x", &err);
	ck_assert_int_eq(err, MUC_OK);
	ck_assert_str_eq(b, "example.net");
	mem_free(&mem, b);

	b = jid_prep_bare(&mem, "ro meo@example.net", &err);
	ck_assert_ptr_null(b);
	ck_assert_int_eq(err, MUC_ERR_JID);
}
END_TEST

/* Every allocation failure is reported as MUC_ERR_NOMEM, never a crash or
 * a leak (the teardown checks the live count). */
START_TEST(nomem)
{
	long n;
	for (n = 0; n < 8; n++) {
		jid j;
		int rc;
		ca.total = 0;
		ca.fail_after = n;
		rc = jid_parse(&mem, "romeo@example.net/orchard", &j);
		if (rc == MUC_OK) {
			ck_assert_str_eq(j.full, "romeo@example.net/orchard");
			jid_free(&mem, &j);
			break;
		}
		ck_assert_int_eq(rc, MUC_ERR_NOMEM);
	}
	ck_assert_int_lt(n, 8);
	ca.fail_after = -1;
}
END_TEST

Suite *make_jid_suite(void)
{
	Suite *s = suite_create("jid");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, split_full);
	tcase_add_test(tc, split_bare);
	tcase_add_test(tc, split_domain_only);
	tcase_add_test(tc, split_domain_resource);
	tcase_add_test(tc, split_resource_with_slash_and_at);
	tcase_add_test(tc, nodeprep_lowercases);
	tcase_add_test(tc, nodeprep_prohibited);
	tcase_add_test(tc, nameprep_lowercases);
	tcase_add_test(tc, domain_std3_rules);
	tcase_add_test(tc, domain_trailing_dot);
	tcase_add_test(tc, empty_parts);
	tcase_add_test(tc, overlong_parts);
	tcase_add_test(tc, resourceprep_allows_unassigned);
	tcase_add_test(tc, resourceprep_maps);
	tcase_add_test(tc, nick_strict);
	tcase_add_test(tc, prep_bare);
	tcase_add_test(tc, nomem);
	suite_add_tcase(s, tc);
	return s;
}
