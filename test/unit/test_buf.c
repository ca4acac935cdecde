/* buf.c: growth, XML escaping, attributes, and the sticky failed state. */
#include <string.h>

#include "common.h"
#include "counting_alloc.h"
#include "suites.h"

static counting_alloc ca;
static muc_mem mem;
static buf b;

static void setup(void)
{
	counting_alloc_init(&ca);
	mem_init(&mem, &ca.a);
	buf_init(&b, &mem);
}

static void teardown(void)
{
	buf_free(&b);
	ck_assert_int_eq(ca.live, 0);
}

START_TEST(empty)
{
	ck_assert(buf_ok(&b));
	ck_assert_uint_eq(b.len, 0);
	ck_assert_str_eq(buf_cstr(&b), "");
	buf_puts(&b, "");
	ck_assert_str_eq(buf_cstr(&b), "");
}
END_TEST

START_TEST(growth)
{
	size_t i;
	for (i = 0; i < 100000; i++)
		buf_putc(&b, (char)('a' + i % 26));
	ck_assert(buf_ok(&b));
	ck_assert_uint_eq(b.len, 100000);
	ck_assert_uint_gt(b.cap, 100000);
	ck_assert_int_eq(b.data[b.len], '\0');
	for (i = 0; i < 100000; i++)
		ck_assert_int_eq(b.data[i], 'a' + i % 26);
	/* One large write past the doubling step. */
	buf_reset(&b);
	{
		static char big[300000];
		memset(big, 'x', sizeof big);
		buf_put(&b, big, sizeof big);
		ck_assert_uint_eq(b.len, sizeof big);
		ck_assert(memcmp(b.data, big, sizeof big) == 0);
	}
}
END_TEST

START_TEST(reset_keeps_capacity)
{
	size_t cap;
	long allocs;
	buf_puts(&b, "hello world");
	cap = b.cap;
	allocs = ca.total;
	buf_reset(&b);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_uint_eq(b.cap, cap);
	buf_puts(&b, "again");
	ck_assert_str_eq(buf_cstr(&b), "again");
	ck_assert_int_eq(ca.total, allocs);
}
END_TEST

START_TEST(put_partial)
{
	buf_put(&b, "abcdef", 3);
	buf_putc(&b, '-');
	buf_puts(&b, "xyz");
	ck_assert_str_eq(buf_cstr(&b), "abc-xyz");
	ck_assert_uint_eq(b.len, 7);
}
END_TEST

START_TEST(escaping)
{
	buf_puts_escaped(&b, "a&b<c>d'e\"f");
	ck_assert_str_eq(buf_cstr(&b), "a&amp;b&lt;c&gt;d&apos;e&quot;f");
	buf_reset(&b);
	buf_puts_escaped(&b, "&&<<");
	ck_assert_str_eq(buf_cstr(&b), "&amp;&amp;&lt;&lt;");
	buf_reset(&b);
	buf_puts_escaped(&b, "plain \xC3\xA9t\xC3\xA9");
	ck_assert_str_eq(buf_cstr(&b), "plain \xC3\xA9t\xC3\xA9");
	buf_reset(&b);
	/* Only n bytes are read. */
	buf_put_escaped(&b, "<a>&", 2);
	ck_assert_str_eq(buf_cstr(&b), "&lt;a");
}
END_TEST

START_TEST(attr)
{
	buf_puts(&b, "<item");
	buf_attr(&b, "jid", "romeo@example.net/orchard");
	buf_attr(&b, "nick", "O'Brien & <\"Sons\">");
	buf_attr(&b, "empty", "");
	buf_puts(&b, "/>");
	ck_assert_str_eq(buf_cstr(&b),
			 "<item jid='romeo@example.net/orchard' "
			 "nick='O&apos;Brien &amp; &lt;&quot;Sons&quot;&gt;' "
			 "empty=''/>");
}
END_TEST

/* A failed growth makes every later write a no-op until reset. */
START_TEST(failed_is_sticky)
{
	char big[1000];
	memset(big, 'x', sizeof big);
	buf_puts(&b, "short");
	ca.fail_after = ca.total; /* realloc fails from now on */
	buf_put(&b, big, sizeof big);
	ck_assert(!buf_ok(&b));
	ck_assert_str_eq(buf_cstr(&b), "");
	buf_puts(&b, "x");
	ck_assert(!buf_ok(&b));
	ca.fail_after = -1;
	buf_reset(&b);
	ck_assert(buf_ok(&b));
	buf_puts(&b, "ok");
	ck_assert_str_eq(buf_cstr(&b), "ok");
}
END_TEST

Suite *make_buf_suite(void)
{
	Suite *s = suite_create("buf");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, empty);
	tcase_add_test(tc, growth);
	tcase_add_test(tc, reset_keeps_capacity);
	tcase_add_test(tc, put_partial);
	tcase_add_test(tc, escaping);
	tcase_add_test(tc, attr);
	tcase_add_test(tc, failed_is_sticky);
	suite_add_tcase(s, tc);
	return s;
}
