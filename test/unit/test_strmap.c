/* strmap.c: insert, look up, replace and delete through many growths. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "counting_alloc.h"
#include "suites.h"

#define NKEYS 5000

static counting_alloc ca;
static muc_mem mem;
static strmap map;
/* Keys are borrowed by the map: they live here for the whole test. */
static char keys[NKEYS][16];

static void setup(void)
{
	int i;
	counting_alloc_init(&ca);
	mem_init(&mem, &ca.a);
	strmap_init(&map, &mem);
	for (i = 0; i < NKEYS; i++)
		snprintf(keys[i], sizeof keys[i], "key-%d", i);
}

static void teardown(void)
{
	strmap_free(&map);
	ck_assert_uint_eq(map.count, 0);
	ck_assert_int_eq(ca.live, 0);
}

static void *val(int i)
{
	return (void *)(uintptr_t)(i + 1);
}

START_TEST(empty_map)
{
	ck_assert_ptr_null(strmap_get(&map, "nothing"));
	ck_assert_ptr_null(strmap_del(&map, "nothing"));
	ck_assert_uint_eq(map.count, 0);
}
END_TEST

START_TEST(put_get_many)
{
	int i;
	for (i = 0; i < NKEYS; i++) {
		ck_assert(strmap_put(&map, keys[i], val(i)));
		ck_assert_uint_eq(map.count, (size_t)i + 1);
	}
	ck_assert_uint_ge(map.nslots, NKEYS);
	for (i = 0; i < NKEYS; i++)
		ck_assert_ptr_eq(strmap_get(&map, keys[i]), val(i));
	ck_assert_ptr_null(strmap_get(&map, "key-5000"));
	ck_assert_ptr_null(strmap_get(&map, "key-"));
	ck_assert_ptr_null(strmap_get(&map, ""));
}
END_TEST

/* Lookups compare contents, not pointers. */
START_TEST(get_by_equal_string)
{
	char probe[16];
	ck_assert(strmap_put(&map, keys[42], val(42)));
	strcpy(probe, "key-42");
	ck_assert_ptr_eq(strmap_get(&map, probe), val(42));
}
END_TEST

START_TEST(replace)
{
	int i;
	char other[16];
	for (i = 0; i < NKEYS; i++)
		ck_assert(strmap_put(&map, keys[i], val(i)));
	for (i = 0; i < NKEYS; i += 2)
		ck_assert(strmap_put(&map, keys[i], val(i + 100000)));
	ck_assert_uint_eq(map.count, NKEYS);
	for (i = 0; i < NKEYS; i++)
		ck_assert_ptr_eq(strmap_get(&map, keys[i]),
				 val(i % 2 ? i : i + 100000));
	/* Replacing through an equal key takes the new key pointer (the old
	 * one may be about to be freed by its owner). */
	strcpy(other, "key-7");
	ck_assert(strmap_put(&map, other, val(-1)));
	ck_assert_uint_eq(map.count, NKEYS);
	strcpy(keys[7], "gone");
	ck_assert_ptr_eq(strmap_get(&map, "key-7"), val(-1));
}
END_TEST

START_TEST(del)
{
	int i;
	for (i = 0; i < NKEYS; i++)
		ck_assert(strmap_put(&map, keys[i], val(i)));
	for (i = 0; i < NKEYS; i += 3)
		ck_assert_ptr_eq(strmap_del(&map, keys[i]), val(i));
	ck_assert_uint_eq(map.count, NKEYS - (NKEYS + 2) / 3);
	for (i = 0; i < NKEYS; i++)
		ck_assert_ptr_eq(strmap_get(&map, keys[i]),
				 i % 3 ? val(i) : NULL);
	/* Deleting twice or a missing key is harmless. */
	ck_assert_ptr_null(strmap_del(&map, keys[0]));
	ck_assert_ptr_null(strmap_del(&map, "missing"));
	/* Deleted keys can come back. */
	ck_assert(strmap_put(&map, keys[3], val(3)));
	ck_assert_ptr_eq(strmap_get(&map, keys[3]), val(3));
	for (i = 0; i < NKEYS; i++)
		strmap_del(&map, keys[i]);
	ck_assert_uint_eq(map.count, 0);
	ck_assert_ptr_null(strmap_get(&map, keys[1]));
}
END_TEST

/* A failed allocation leaves the map intact and reports false. */
START_TEST(nomem)
{
	int i;
	for (i = 0; i < 100; i++)
		ck_assert(strmap_put(&map, keys[i], val(i)));
	ca.fail_after = ca.total;
	for (i = 100; i < 200; i++)
		ck_assert(!strmap_put(&map, keys[i], val(i)));
	ca.fail_after = -1;
	ck_assert_uint_eq(map.count, 100);
	for (i = 0; i < 200; i++)
		ck_assert_ptr_eq(strmap_get(&map, keys[i]),
				 i < 100 ? val(i) : NULL);
}
END_TEST

Suite *make_strmap_suite(void)
{
	Suite *s = suite_create("strmap");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, empty_map);
	tcase_add_test(tc, put_get_many);
	tcase_add_test(tc, get_by_equal_string);
	tcase_add_test(tc, replace);
	tcase_add_test(tc, del);
	tcase_add_test(tc, nomem);
	suite_add_tcase(s, tc);
	return s;
}
