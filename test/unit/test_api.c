/* The public API over rooms (api.c) end to end, as a host uses it: stanzas
 * go in as strings, every stanza the service delivers is captured and
 * compared in full with what XEP-0045 prescribes, and rooms are read and
 * changed from C. Every test runs on a counting allocator and ends with
 * zero live blocks (harness.c). */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "suites.h"

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

Suite *make_api_suite(void)
{
	Suite *s = suite_create("api");
	TCase *tj = tcase_create("join");
	TCase *tr = tcase_create("rooms");

	tcase_add_checked_fixture(tj, harness_setup, harness_teardown);
	tcase_add_test(tj, join_creates_room);
	tcase_add_test(tj, join_locked_room);
	tcase_add_test(tj, join_existing_room);
	tcase_add_test(tj, occupant_ids);
	suite_add_tcase(s, tj);

	tcase_add_checked_fixture(tr, harness_setup, harness_teardown);
	tcase_add_test(tr, read_rooms);
	tcase_add_test(tr, occupant_two_sessions);
	tcase_add_test(tr, get_affiliation);
	tcase_add_test(tr, set_affiliation_present);
	tcase_add_test(tr, set_affiliation_absent);
	tcase_add_test(tr, set_affiliation_ban_occupant);
	tcase_add_test(tr, set_affiliation_errors);
	tcase_add_test(tr, foreach_affiliation_order);
	tcase_add_test(tr, destroy_room);
	tcase_add_test(tr, destroy_room_plain);
	suite_add_tcase(s, tr);
	return s;
}
