/* Service options (muc_service_set_option, options.c): limits, room
 * creation restriction, new rooms' defaults and nick enforcement, each
 * checked by the exact stanzas it causes. */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "suites.h"

#define STANZAS "urn:ietf:params:xml:ns:xmpp-stanzas"
#define ADMIN "boss@example.org/desk"
#define LOCAL "nurse@example.org/garden"

static void join_as(const char *from, const char *room_nick)
{
	char xml[512];
	snprintf(xml, sizeof xml,
		 "<presence from='%s' to='%s'>"
		 "<x xmlns='http://jabber.org/protocol/muc'/></presence>",
		 from, room_nick);
	ck_assert_int_eq(feed(xml), MUC_OK);
}

START_TEST(bad_values_refused)
{
	ck_assert_int_eq(muc_service_set_option(svc, MUC_OPT_MAX_DEPTH, 1),
			 MUC_ERR_INVALID);
	ck_assert_int_eq(muc_service_set_option(svc, MUC_OPT_RESTRICT_CREATION,
						3),
			 MUC_ERR_INVALID);
	ck_assert_int_eq(muc_service_set_option(svc,
						MUC_OPT_DEFAULT_MODERATED, 2),
			 MUC_ERR_INVALID);
	ck_assert_int_eq(muc_service_set_option(svc, MUC_OPT_DEFAULT_ALLOW_PM,
						5),
			 MUC_ERR_INVALID);
	ck_assert_int_eq(muc_service_set_option(svc, MUC_OPT_ARCHIVING, 2),
			 MUC_ERR_INVALID);
	ck_assert_int_eq(muc_service_set_option(svc, MUC_OPT_WHOIS_REPUBLISH,
						2),
			 MUC_ERR_INVALID);
	ck_assert_int_eq(muc_service_set_option(svc, (muc_option)999, 1),
			 MUC_ERR_INVALID);
	ck_assert_int_eq(muc_service_set_option(svc, MUC_OPT_MAX_ROOMS, -1),
			 MUC_ERR_INVALID);
	ck_assert_int_eq(muc_service_set_option(NULL, MUC_OPT_MAX_ROOMS, 1),
			 MUC_ERR_INVALID);
}
END_TEST

/* The reference's restrict_room_creation = true: only service admins. */
START_TEST(creation_admins_only)
{
	ck_assert_int_eq(muc_service_set_option(svc, MUC_OPT_RESTRICT_CREATION,
						1),
			 MUC_OK);
	ck_assert_int_eq(muc_service_add_admin(svc, ADMIN), MUC_OK);
	join_as(ROMEO, ROOM "/Romeo");
	expect_count(1);
	expect_out(0, ROMEO, ROOM "/Romeo",
		   "<presence to='" ROMEO "' from='" ROOM "/Romeo' type='error'>"
		   "<error type='cancel' by='" DOMAIN "'><not-allowed xmlns='"
		   STANZAS "'/><text xmlns='" STANZAS "'>Room creation is "
		   "restricted</text></error></presence>");
	ck_assert_uint_eq(muc_service_room_count(svc), 0);
	capture_clear(&cap);
	join_as(ADMIN, ROOM "/Boss");
	expect_count(2);
	ck_assert_uint_eq(muc_service_room_count(svc), 1);
}
END_TEST

/* restrict_room_creation = "local": users of the parent domain. */
START_TEST(creation_local_only)
{
	ck_assert_int_eq(muc_service_set_option(svc, MUC_OPT_RESTRICT_CREATION,
						2),
			 MUC_OK);
	join_as(ROMEO, ROOM "/Romeo"); /* example.net: not local */
	expect_count(1);
	ck_assert_ptr_nonnull(strstr(cap.v[0].xml, "type='error'"));
	capture_clear(&cap);
	join_as(LOCAL, ROOM "/Nurse"); /* example.org: the parent domain */
	expect_count(2);
	expect_out(0, LOCAL, ROOM "/Nurse",
		   "<presence to='" LOCAL "' from='" ROOM "/Nurse'>"
		   OID "#1'/>"
		   "<x xmlns='" MUC_USER "'><status code='201'/>"
		   "<item affiliation='owner' role='moderator' jid='" LOCAL
		   "'/><status code='110'/></x></presence>");
}
END_TEST

/* A full service refuses new rooms (the reference: resource-constraint,
 * raised by the service). */
START_TEST(max_rooms)
{
	ck_assert_int_eq(muc_service_set_option(svc, MUC_OPT_MAX_ROOMS, 1),
			 MUC_OK);
	join_as(ROMEO, ROOM "/Romeo");
	capture_clear(&cap);
	join_as(JULIET, "other@" DOMAIN "/Juliet");
	expect_count(1);
	expect_out(0, JULIET, "other@" DOMAIN "/Juliet",
		   "<presence to='" JULIET "' from='other@" DOMAIN
		   "/Juliet' type='error'><error type='wait' by='" DOMAIN "'>"
		   "<resource-constraint xmlns='" STANZAS "'/></error>"
		   "</presence>");
	ck_assert_uint_eq(muc_service_room_count(svc), 1);
}
END_TEST

/* §7.2.10: a room at the service's occupant limit is full. */
START_TEST(max_occupants)
{
	ck_assert_int_eq(muc_service_set_option(svc, MUC_OPT_MAX_OCCUPANTS, 1),
			 MUC_OK);
	ck_assert_int_eq(feed(romeo_join), MUC_OK);
	ck_assert_int_eq(feed(romeo_instant), MUC_OK);
	capture_clear(&cap);
	ck_assert_int_eq(feed(juliet_join), MUC_OK);
	expect_count(1);
	expect_out(0, JULIET, ROOM "/Juliet",
		   "<presence to='" JULIET "' from='" ROOM "/Juliet' "
		   "type='error'><error type='cancel' by='" ROOM "'>"
		   "<service-unavailable xmlns='" STANZAS "'/></error>"
		   "</presence>");
}
END_TEST

/* Without locking, a new room admits others at once; its defaults come
 * from the options (here: persistent, public, moderated). */
START_TEST(defaults_and_no_lock)
{
	char *data;
	size_t len;
	muc_room *r;
	ck_assert_int_eq(muc_service_set_option(svc, MUC_OPT_LOCK_NEW_ROOMS, 0),
			 MUC_OK);
	ck_assert_int_eq(muc_service_set_option(svc,
						MUC_OPT_DEFAULT_PERSISTENT, 1),
			 MUC_OK);
	ck_assert_int_eq(muc_service_set_option(svc, MUC_OPT_DEFAULT_PUBLIC, 1),
			 MUC_OK);
	ck_assert_int_eq(muc_service_set_option(svc,
						MUC_OPT_DEFAULT_MODERATED, 1),
			 MUC_OK);
	ck_assert_int_eq(feed(romeo_join), MUC_OK);
	capture_clear(&cap);
	ck_assert_int_eq(feed(juliet_join), MUC_OK);
	/* Romeo's presence, Juliet's to Romeo, her own, the subject */
	expect_count(4);
	/* moderated: an unaffiliated newcomer is a visitor */
	ck_assert_ptr_nonnull(strstr(cap.v[2].xml, "role='visitor'"));
	r = muc_service_find_room(svc, ROOM);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(muc_room_save(r, &data, &len), MUC_OK);
	ck_assert_ptr_nonnull(
		strstr(data, "<option name='persistent'>1</option>"));
	ck_assert_ptr_nonnull(strstr(data, "<option name='public'>1</option>"));
	ck_assert_ptr_null(strstr(data, "<locked/>"));
	muc_service_free_buffer(svc, data);
}
END_TEST

/* The reference's enforce_registered_nickname: a registered user enters
 * under the registered nick, told by status 210, and may not change it. */
START_TEST(enforce_registered_nick)
{
	ck_assert_int_eq(muc_service_set_option(
				 svc, MUC_OPT_ENFORCE_REGISTERED_NICK, 1),
			 MUC_OK);
	ck_assert_int_eq(feed(romeo_join), MUC_OK);
	ck_assert_int_eq(feed(romeo_instant), MUC_OK);
	ck_assert_int_eq(
		feed("<iq from='" ROMEO "' to='" ROOM "' type='set' id='r1'>"
		     "<query xmlns='http://jabber.org/protocol/muc#admin'>"
		     "<item affiliation='member' jid='juliet@example.net' "
		     "nick='Jules'/></query></iq>"),
		MUC_OK);
	capture_clear(&cap);
	ck_assert_int_eq(feed(juliet_join), MUC_OK); /* asks for "Juliet" */
	expect_count(4);
	expect_out(2, JULIET, ROOM "/Jules",
		   "<presence to='" JULIET "' from='" ROOM "/Jules'>"
		   "<status>Wherefore &amp; why</status>" OID "#2'/>"
		   "<x xmlns='" MUC_USER "'><status code='210'/>"
		   "<item affiliation='member' role='participant' jid='" JULIET
		   "'/><status code='110'/></x></presence>");
	capture_clear(&cap);
	ck_assert_int_eq(feed("<presence from='" JULIET "' to='" ROOM
			      "/Julie'/>"),
			 MUC_OK);
	expect_count(1);
	expect_out(0, JULIET, ROOM "/Julie",
		   "<presence to='" JULIET "' from='" ROOM "/Julie' "
		   "type='error'><error type='cancel' by='" ROOM "'>"
		   "<not-acceptable xmlns='" STANZAS "'/></error></presence>");
}
END_TEST

Suite *make_options_suite(void)
{
	Suite *s = suite_create("options");
	TCase *t = tcase_create("options");
	tcase_add_checked_fixture(t, harness_setup, harness_teardown);
	tcase_add_test(t, bad_values_refused);
	tcase_add_test(t, creation_admins_only);
	tcase_add_test(t, creation_local_only);
	tcase_add_test(t, max_rooms);
	tcase_add_test(t, max_occupants);
	tcase_add_test(t, defaults_and_no_lock);
	tcase_add_test(t, enforce_registered_nick);
	suite_add_tcase(s, t);
	return s;
}
