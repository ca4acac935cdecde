/* permission.c (XEP-0045 §5.1, §5.2): the whole privilege matrix, one
 * table per action. Every expected cell is written from the reference's
 * rule (Prosody 0.12's muc.lib.lua and muc/ modules, cited above each
 * table) and from XEP-0045, never from running the library. Rooms are built
 * through the internal API on a counting allocator (harness.c); the
 * handlers' own use of the rules (list requests, configuration) is checked
 * again through stanzas.
 *
 * Cell letters: y allowed; n refused (cancel/not-allowed, or auth/forbidden
 * for requests); c cancel/conflict; a modify/not-acceptable. Affiliations
 * run outcast, none, member, admin, owner; roles none, visitor,
 * participant, moderator (the rank order of muc.h's enums, used as
 * indexes). A role of none means "not in the room". */
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "harness.h"
#include "suites.h"

#define FOUNDER "founder@example.net"
#define ACTOR_BARE "actor@example.net"
#define ACTOR ACTOR_BARE "/desk"
#define TARGET_BARE "target@example.net"
#define TARGET TARGET_BARE "/phone"
#define SERVICE_ADMIN "sa@example.com"

#define NAFF 5
#define NROLE 4

static const char *aname(int a)
{
	return muc_affiliation_name((muc_affiliation)a);
}

static const char *rname(int r)
{
	return muc_role_name((muc_role)r);
}

/* ---- Building rooms through the internal API -------------------------- */

/* A room (not yet in use by stanzas) with its founder as owner, or with
 * no affiliation at all. */
static muc_room *new_room(bool founder)
{
	muc_room *r = NULL;
	ck_assert_int_eq(room_create(svc, ROOM, &r), MUC_OK);
	if (founder)
		ck_assert_int_eq(affil_store(r, FOUNDER, MUC_AFFIL_OWNER, NULL,
					     NULL, false),
				 MUC_OK);
	return r;
}

static void set_affil(muc_room *r, const char *bare, int a)
{
	ck_assert_int_eq(affil_store(r, bare, (muc_affiliation)a, NULL, NULL,
				     false),
			 MUC_OK);
}

/* Puts session full of bare into the room as nick with the given role;
 * role none leaves it out. */
static muc_occupant *place(muc_room *r, const char *nick, const char *bare,
			   const char *full, int role)
{
	muc_occupant *o;
	xnode *p;
	if (role == MUC_ROLE_NONE)
		return NULL;
	o = occupant_new(r, nick, bare);
	ck_assert_ptr_nonnull(o);
	o->role = (muc_role)role;
	p = xnode_new(&svc->mem, "presence", NS_CLIENT);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(occupant_set_session(o, full, p), MUC_OK);
	return o;
}

/* The letter for what a room_may_set_* call answered. */
static char verdict(int rc, const char *etype, const char *econd)
{
	bool cancel = etype && strcmp(etype, "cancel") == 0;
	if (rc == MUC_OK)
		return 'y';
	if (rc == MUC_ERR_NOT_ALLOWED && cancel && econd &&
	    strcmp(econd, "not-allowed") == 0)
		return 'n';
	if (rc == MUC_ERR_CONFLICT && cancel && econd &&
	    strcmp(econd, "conflict") == 0)
		return 'c';
	if (etype && econd && strcmp(etype, "modify") == 0 &&
	    strcmp(econd, "not-acceptable") == 0)
		return 'a';
	return '?';
}

static char may_affil(muc_room *r, const char *actor, const char *bare,
		      int a)
{
	const char *et = NULL, *ec = NULL;
	int rc = room_may_set_affiliation(r, actor, bare, (muc_affiliation)a,
					  &et, &ec);
	return verdict(rc, et, ec);
}

static char may_role(muc_room *r, const char *actor, muc_occupant *o,
		     int role)
{
	const char *et = NULL, *ec = NULL;
	int rc = room_may_set_role(r, actor, o, (muc_role)role, &et, &ec);
	return verdict(rc, et, ec);
}

/* ---- §5.2, §9, §10: changing affiliations ------------------------------- */

/* muc.lib.lua room_mt:set_affiliation, actor and target two people:
 *   "owners can do anything else";
 *   otherwise refused (cancel/not-allowed) when affiliation == owner or
 *   admin, or actor_affiliation ~= admin, or target_affiliation == owner or
 *   admin ("Can't demote owners or other admins").
 * XEP-0045 §5.2.1: admins edit the member and ban lists, owners also the
 * admin and owner lists. Neither side's role takes part.
 * One grid per actor affiliation (outcast first): rows are the target's
 * current affiliation, columns the affiliation asked for. */
static const char *const set_affil_other[NAFF][NAFF] = {
	{"nnnnn", "nnnnn", "nnnnn", "nnnnn", "nnnnn"}, /* outcast */
	{"nnnnn", "nnnnn", "nnnnn", "nnnnn", "nnnnn"}, /* none */
	{"nnnnn", "nnnnn", "nnnnn", "nnnnn", "nnnnn"}, /* member */
	{"yyynn", "yyynn", "yyynn", "nnnnn", "nnnnn"}, /* admin */
	{"yyyyy", "yyyyy", "yyyyy", "yyyyy", "yyyyy"}, /* owner */
};

START_TEST(set_affiliation_matrix)
{
	int cell;
	/* actor affiliation, target affiliation, asked affiliation, actor
	 * role, target role */
	for (cell = 0; cell < NAFF * NAFF * NAFF * NROLE * NROLE; cell++) {
		int aa = cell / (NAFF * NAFF * NROLE * NROLE);
		int ta = cell / (NAFF * NROLE * NROLE) % NAFF;
		int n = cell / (NROLE * NROLE) % NAFF;
		int ar = cell / NROLE % NROLE, tr = cell % NROLE;
		muc_room *r = new_room(true);
		char want = set_affil_other[aa][ta][n], got;
		set_affil(r, ACTOR_BARE, aa);
		set_affil(r, TARGET_BARE, ta);
		place(r, "actor", ACTOR_BARE, ACTOR, ar);
		place(r, "target", TARGET_BARE, TARGET, tr);
		got = may_affil(r, ACTOR, TARGET_BARE, n);
		ck_assert_msg(got == want,
			      "%s %s sets %s %s -> %s: want %c got %c",
			      aname(aa), rname(ar), aname(ta), rname(tr),
			      aname(n), want, got);
		room_free(r);
	}
}
END_TEST

/* The same rule when actor and target are one person: rows are the actor's
 * own affiliation, columns the one asked for. An owner's self change is
 * refused with cancel/conflict when it is a downgrade and no other owner is
 * listed ("need at least one owner"; XEP-0045 §10.8: the last owner may
 * not step down). An admin may not touch an admin, itself included. */
static const char *const set_affil_self[2][NAFF] = {
	/* another owner is listed */
	{"nnnnn", "nnnnn", "nnnnn", "nnnnn", "yyyyy"},
	/* the actor is the only owner (or none is) */
	{"nnnnn", "nnnnn", "nnnnn", "nnnnn", "ccccy"},
};

START_TEST(set_affiliation_self)
{
	int cell;
	for (cell = 0; cell < 2 * NAFF * NAFF; cell++) {
		int sole = cell / (NAFF * NAFF), a = cell / NAFF % NAFF;
		int n = cell % NAFF;
		muc_room *r = new_room(!sole);
		char want = set_affil_self[sole][a][n];
		char got;
		set_affil(r, ACTOR_BARE, a);
		got = may_affil(r, ACTOR, ACTOR_BARE, n);
		ck_assert_msg(got == want,
			      "%s%s sets self -> %s: want %c got %c", aname(a),
			      sole ? " (sole owner)" : "", aname(n), want, got);
		room_free(r);
	}
}
END_TEST

/* mod_muc.lua, component_admins_as_room_owners (MUC_OPT_ADMINS_ARE_OWNERS;
 * on by default in Prosody 0.12, off in 13 and here):
 * get_affiliation answers "owner" for a service administrator, so one with
 * no affiliation in the room acts as an owner; and its set_affiliation
 * refuses (modify/not-acceptable) to give a service administrator any
 * affiliation but owner, whoever asks. */
START_TEST(set_affiliation_service_admin)
{
	int cell;
	ck_assert_int_eq(muc_service_add_admin(svc, SERVICE_ADMIN), MUC_OK);
	ck_assert_int_eq(
	    muc_service_set_option(svc, MUC_OPT_ADMINS_ARE_OWNERS, 1), MUC_OK);
	for (cell = 0; cell < NAFF * NAFF; cell++) {
		muc_room *r = new_room(true);
		char got;
		set_affil(r, TARGET_BARE, cell / NAFF);
		got = may_affil(r, SERVICE_ADMIN "/console", TARGET_BARE,
				cell % NAFF);
		ck_assert_msg(got == 'y', "service admin sets %s -> %s: got %c",
			      aname(cell / NAFF), aname(cell % NAFF), got);
		room_free(r);
	}
	for (cell = 0; cell < NAFF; cell++) {
		muc_room *r = new_room(true);
		char want = cell == MUC_AFFIL_OWNER ? 'y' : 'a';
		char got = may_affil(r, FOUNDER "/home", SERVICE_ADMIN, cell);
		ck_assert_msg(got == want,
			      "owner sets service admin -> %s: want %c got %c",
			      aname(cell), want, got);
		room_free(r);
	}
}
END_TEST

/* Without MUC_OPT_ADMINS_ARE_OWNERS (Prosody 13's default) a service
 * administrator is whoever the room's lists say: with no affiliation it
 * may set none, and it may be given any affiliation like anyone else. */
START_TEST(service_admin_not_owner_by_default)
{
	int cell;
	ck_assert_int_eq(muc_service_add_admin(svc, SERVICE_ADMIN), MUC_OK);
	for (cell = 0; cell < NAFF; cell++) {
		muc_room *r = new_room(true);
		char got = may_affil(r, SERVICE_ADMIN "/console", TARGET_BARE,
				     cell);
		ck_assert_msg(got == 'n', "service admin sets none -> %s: %c",
			      aname(cell), got);
		got = may_affil(r, FOUNDER "/home", SERVICE_ADMIN, cell);
		ck_assert_msg(got == 'y', "owner gives service admin %s: %c",
			      aname(cell), got);
		ck_assert_int_eq(affil_get(r, SERVICE_ADMIN), MUC_AFFIL_NONE);
		ck_assert(!perm_configure(r, SERVICE_ADMIN "/console"));
		room_free(r);
	}
}
END_TEST

/* room_mt:get_affiliation: "Affiliations are granted, revoked, and
 * maintained based on the user's bare JID"; the user's own entry wins, and
 * without one a ban of the whole host counts ("host banned"). So a user
 * of a banned domain acts as an outcast unless listed itself; and an admin
 * may ban a domain (whose own affiliation is none). Rows: the actor's own
 * entry; the cell: may it make someone a member? */
static const char domain_banned_actor[NAFF + 1] = "nnnyy";

START_TEST(set_affiliation_domains)
{
	int a;
	muc_room *r;
	for (a = 0; a < NAFF; a++) {
		char got;
		r = new_room(true);
		set_affil(r, "example.net", MUC_AFFIL_OUTCAST);
		set_affil(r, ACTOR_BARE, a);
		ck_assert_int_eq(muc_room_get_affiliation(r, ACTOR),
				 a == MUC_AFFIL_NONE ? MUC_AFFIL_OUTCAST : a);
		got = may_affil(r, ACTOR, "someone@example.org",
				MUC_AFFIL_MEMBER);
		ck_assert_msg(got == domain_banned_actor[a],
			      "own %s: want %c got %c", aname(a),
			      domain_banned_actor[a], got);
		room_free(r);
	}
	r = new_room(true);
	set_affil(r, ACTOR_BARE, MUC_AFFIL_ADMIN);
	ck_assert_int_eq(may_affil(r, ACTOR, "evil.example", MUC_AFFIL_OUTCAST),
			 'y');
	room_free(r);
}
END_TEST

/* ---- §8, §9.6-§9.7, §10.6: changing roles -------------------------------- */

/* muc.lib.lua room_mt:may_set_role, each refusal cancel/not-allowed:
 *   "Can't do anything to someone with higher affiliation";
 *   "If you are trying to give or take moderator role you need to be an
 *    owner or admin";
 *   "Need to be in the room and a moderator".
 * (XEP-0045 §8.2: a moderator cannot kick an admin or owner; §9.6: admins
 * grant moderator.) One grid per actor affiliation (outcast first), the
 * actor being a moderator in the room: rows are the target's affiliation,
 * columns the target's current role (visitor, participant, moderator) by
 * the role asked for (none, visitor, participant, moderator), four letters
 * per current role. An outcast in the room cannot arise through stanzas;
 * the rule is walked for it all the same. */
static const char *const set_role_by_moderator[NAFF][NAFF] = {
	{"yyyn yyyn nnnn", "nnnn nnnn nnnn", "nnnn nnnn nnnn",
	 "nnnn nnnn nnnn", "nnnn nnnn nnnn"}, /* outcast */
	{"yyyn yyyn nnnn", "yyyn yyyn nnnn", "nnnn nnnn nnnn",
	 "nnnn nnnn nnnn", "nnnn nnnn nnnn"}, /* none */
	{"yyyn yyyn nnnn", "yyyn yyyn nnnn", "yyyn yyyn nnnn",
	 "nnnn nnnn nnnn", "nnnn nnnn nnnn"}, /* member */
	{"yyyy yyyy yyyy", "yyyy yyyy yyyy", "yyyy yyyy yyyy",
	 "yyyy yyyy yyyy", "nnnn nnnn nnnn"}, /* admin */
	{"yyyy yyyy yyyy", "yyyy yyyy yyyy", "yyyy yyyy yyyy",
	 "yyyy yyyy yyyy", "yyyy yyyy yyyy"}, /* owner */
};

/* "Need to be in the room and a moderator": for an actor outside the room,
 * a visitor or a participant, every cell is refused, whatever the
 * affiliations. Columns: the actor's role. */
static const char set_role_actor_role[NROLE + 1] = "nnn-";

START_TEST(set_role_matrix)
{
	int cell;
	/* actor role, actor affiliation, target affiliation, target role
	 * (visitor..moderator), asked role */
	for (cell = 0; cell < NROLE * NAFF * NAFF * 3 * NROLE; cell++) {
		int ar = cell / (NAFF * NAFF * 3 * NROLE);
		int aa = cell / (NAFF * 3 * NROLE) % NAFF;
		int ta = cell / (3 * NROLE) % NAFF;
		int tr = 1 + cell / NROLE % 3, nr = cell % NROLE;
		char want = ar == MUC_ROLE_MODERATOR
				    ? set_role_by_moderator[aa][ta]
							   [(tr - 1) * 5 + nr]
				    : set_role_actor_role[ar];
		muc_room *r = new_room(true);
		muc_occupant *target;
		char got;
		set_affil(r, ACTOR_BARE, aa);
		set_affil(r, TARGET_BARE, ta);
		place(r, "actor", ACTOR_BARE, ACTOR, ar);
		target = place(r, "target", TARGET_BARE, TARGET, tr);
		got = may_role(r, ACTOR, target, nr);
		ck_assert_msg(got == want,
			      "%s %s on %s %s -> %s: want %c got %c", aname(aa),
			      rname(ar), aname(ta), rname(tr), rname(nr), want,
			      got);
		room_free(r);
	}
}
END_TEST

/* The same rule on oneself, a moderator changing its own role: owners and
 * admins may; a moderator below admin may not give up moderator ("give or
 * take moderator role"). Rows: the affiliation; columns: the role asked. */
static const char *const set_role_self[NAFF] = {"nnnn", "nnnn", "nnnn",
						 "yyyy", "yyyy"};

START_TEST(set_role_self_matrix)
{
	int cell;
	for (cell = 0; cell < NAFF * NROLE; cell++) {
		int a = cell / NROLE, nr = cell % NROLE;
		muc_room *r = new_room(true);
		muc_occupant *o;
		char got;
		set_affil(r, ACTOR_BARE, a);
		o = place(r, "actor", ACTOR_BARE, ACTOR, MUC_ROLE_MODERATOR);
		got = may_role(r, ACTOR, o, nr);
		ck_assert_msg(got == set_role_self[a][nr],
			      "%s moderator sets self -> %s: want %c got %c",
			      aname(a), rname(nr), set_role_self[a][nr], got);
		room_free(r);
	}
}
END_TEST

/* The service itself (actor NULL; the reference's actor == true) is never
 * refused. */
START_TEST(set_by_service)
{
	int cell;
	for (cell = 0; cell < NAFF * NAFF; cell++) {
		muc_room *r = new_room(false);
		muc_occupant *o;
		set_affil(r, TARGET_BARE, cell / NAFF);
		o = place(r, "target", TARGET_BARE, TARGET,
			  MUC_ROLE_PARTICIPANT);
		ck_assert_int_eq(may_affil(r, NULL, TARGET_BARE, cell % NAFF),
				 'y');
		if (cell % NAFF < NROLE)
			ck_assert_int_eq(may_role(r, NULL, o, cell % NAFF),
					 'y');
		room_free(r);
	}
}
END_TEST

/* ---- §5.1.2 default roles ------------------------------------------------ */

/* The muc-get-default-role handlers: members_only.lib.lua (priority 2) "No
 * affiliation => role of none" in a members-only room; moderated.lib.lua
 * (priority 1) visitor for no affiliation in a moderated room; muc.lib.lua
 * (priority -1) moderator from admin up, participant from none up, and
 * nothing (none) for an outcast. Rows: the affiliation; columns: open,
 * moderated, members-only, members-only and moderated; letters n(one)
 * v(isitor) p(articipant) m(oderator). */
static const char *const default_roles[NAFF] = {"nnnn", "pvnn", "pppp",
						"mmmm", "mmmm"};

START_TEST(default_role_matrix)
{
	static const char letter[] = "nvpm";
	int cell;
	for (cell = 0; cell < NAFF * 4; cell++) {
		int a = cell / 4, k = cell % 4;
		muc_room *r = new_room(true);
		char got;
		r->cfg.moderated = k == 1 || k == 3;
		r->cfg.members_only = k >= 2;
		got = letter[room_default_role(r, (muc_affiliation)a)];
		ck_assert_msg(got == default_roles[a][k],
			      "%s in room kind %d: want %c got %c", aname(a), k,
			      default_roles[a][k], got);
		room_free(r);
	}
}
END_TEST

/* ---- §9.5, §9.8, §10.5, §10.7: affiliation lists ------------------------- */

/* Sends a muc#admin get for one item attribute; 'y' for a result, 'n' for
 * auth/forbidden. */
static char admin_get(const char *attr, const char *value)
{
	char xml[512];
	const char *last;
	capture_clear(&cap);
	snprintf(xml, sizeof xml,
		 "<iq from='" ACTOR "' to='" ROOM "' type='get' id='q'>"
		 "<query xmlns='http://jabber.org/protocol/muc#admin'>"
		 "<item %s='%s'/></query></iq>",
		 attr, value);
	ck_assert_int_eq(feed(xml), MUC_OK);
	ck_assert_uint_ge(cap.n, 1);
	ck_assert_str_eq(cap.v[cap.n - 1].to, ACTOR);
	last = cap.v[cap.n - 1].xml;
	if (strstr(last, "type='result'"))
		return 'y';
	if (strstr(last, "<error type='auth'><forbidden "))
		return 'n';
	return '?';
}

/* muc.lib.lua handle_admin_query_get_command: "You need to be at least an
 * admin, and be requesting info about your affiliation or lower", or, in a
 * members-only room whose whois is anyone, at least a member (XEP-0045
 * §9.5); anything else auth/forbidden. The requester's role takes no part.
 * One grid per room kind: open or members-only, each semi-anonymous then
 * non-anonymous; rows the requester's affiliation, columns the list. */
static const char *const affiliation_lists[4][NAFF] = {
	{"nnnnn", "nnnnn", "nnnnn", "yyyyn", "yyyyy"},
	{"nnnnn", "nnnnn", "nnnnn", "yyyyn", "yyyyy"},
	{"nnnnn", "nnnnn", "nnnnn", "yyyyn", "yyyyy"},
	{"nnnnn", "nnnnn", "yyyyy", "yyyyy", "yyyyy"},
};

START_TEST(list_affiliation_matrix)
{
	int cell;
	/* room kind, requester affiliation, list, requester role */
	for (cell = 0; cell < 4 * NAFF * NAFF * NROLE; cell++) {
		int k = cell / (NAFF * NAFF * NROLE);
		int a = cell / (NAFF * NROLE) % NAFF;
		int l = cell / NROLE % NAFF, role = cell % NROLE;
		char want = affiliation_lists[k][a][l], got;
		muc_room *r = new_room(true);
		r->cfg.members_only = k >= 2;
		r->cfg.whois = k % 2 ? WHOIS_ANYONE : WHOIS_MODERATORS;
		set_affil(r, ACTOR_BARE, a);
		place(r, "actor", ACTOR_BARE, ACTOR, role);
		got = perm_list_affiliation(r, (muc_affiliation)a,
					    (muc_affiliation)l)
			      ? 'y'
			      : 'n';
		ck_assert_msg(got == want,
			      "kind %d: %s lists %s: want %c got %c", k,
			      aname(a), aname(l), want, got);
		/* and the handler asks the same rule */
		got = admin_get("affiliation", aname(l));
		ck_assert_msg(got == want,
			      "kind %d: %s %s lists %s by iq: want %c got %c",
			      k, aname(a), rname(role), aname(l), want, got);
		room_free(r);
	}
}
END_TEST

/* ---- §8.5, §9.8: role lists ------------------------------------------------ */

/* handle_admin_query_get_command: "role = get_role(occupant) or
 * get_default_role(affiliation)", and a moderator may list (XEP-0045
 * §8.5: the voice list is for moderators). So a requester outside the
 * room counts with its affiliation's default role: admins and owners may.
 * Rows: the requester's affiliation; columns: its role (none: outside). */
static const char *const role_lists[NAFF] = {"nnny", "nnny", "nnny", "ynny",
					     "ynny"};

START_TEST(list_role_matrix)
{
	int cell;
	for (cell = 0; cell < NROLE; cell++)
		ck_assert_int_eq(perm_list_role((muc_role)cell),
				 cell == MUC_ROLE_MODERATOR);
	/* requester affiliation, its role, list */
	for (cell = 0; cell < NAFF * NROLE * NROLE; cell++) {
		int a = cell / (NROLE * NROLE), role = cell / NROLE % NROLE;
		int l = cell % NROLE;
		muc_room *r = new_room(true);
		char got;
		set_affil(r, ACTOR_BARE, a);
		place(r, "actor", ACTOR_BARE, ACTOR, role);
		got = admin_get("role", rname(l));
		ck_assert_msg(got == role_lists[a][role],
			      "%s %s lists %s: want %c got %c", aname(a),
			      rname(role), rname(l), role_lists[a][role], got);
		room_free(r);
	}
}
END_TEST

/* ---- §10: configuration and destruction -------------------------------- */

/* Sends a muc#owner get from 'from'; 'y' for the form, 'n' for the
 * reference's refusal. */
static char owner_get(const char *from)
{
	char xml[512];
	const char *last;
	capture_clear(&cap);
	snprintf(xml, sizeof xml,
		 "<iq from='%s' to='" ROOM "' type='get' id='c'>"
		 "<query xmlns='http://jabber.org/protocol/muc#owner'/></iq>",
		 from);
	ck_assert_int_eq(feed(xml), MUC_OK);
	ck_assert_uint_ge(cap.n, 1);
	last = cap.v[cap.n - 1].xml;
	if (strstr(last, "type='result'"))
		return 'y';
	if (strstr(last, "<forbidden ") &&
	    strstr(last, "Only owners can configure rooms"))
		return 'n';
	return '?';
}

/* handle_owner_query_get_to_room / _set_to_room: "Only owners can configure
 * rooms" (auth/forbidden) when get_affiliation(from) ~= "owner"; a service
 * administrator counts as owner (mod_muc.lua). The role takes no part.
 * Rows: the requester's affiliation. */
static const char configure[NAFF + 1] = "nnnny";

START_TEST(configure_matrix)
{
	int cell;
	ck_assert_int_eq(muc_service_add_admin(svc, SERVICE_ADMIN), MUC_OK);
	ck_assert_int_eq(
	    muc_service_set_option(svc, MUC_OPT_ADMINS_ARE_OWNERS, 1), MUC_OK);
	for (cell = 0; cell < NAFF * NROLE; cell++) {
		int a = cell / NROLE, role = cell % NROLE;
		muc_room *r = new_room(true);
		char got;
		set_affil(r, ACTOR_BARE, a);
		place(r, "actor", ACTOR_BARE, ACTOR, role);
		got = perm_configure(r, ACTOR) ? 'y' : 'n';
		ck_assert_msg(got == configure[a], "%s %s: want %c got %c",
			      aname(a), rname(role), configure[a], got);
		ck_assert_int_eq(owner_get(ACTOR), configure[a]);
		ck_assert(perm_configure(r, SERVICE_ADMIN "/console"));
		ck_assert_int_eq(owner_get(SERVICE_ADMIN "/console"), 'y');
		room_free(r);
	}
}
END_TEST

/* ---- §7.8: invitations ---------------------------------------------------- */

/* muc.lib.lua muc-pre-invite: "Need visitor role or higher to invite", in
 * effect a role of visitor or less is refused (auth/forbidden), the role
 * being the inviter's in the room or its affiliation's default;
 * members_only.lib.lua muc-pre-invite: in a members-only room the inviter
 * needs admin, or member with allow_member_invites (auth/forbidden by the
 * room). Letters: v (no voice), m (members-only), y. Where both refusals
 * apply the reference's order is undefined (two handlers at one priority,
 * which util/events.lua sorts unstably); both are forbidden, and the
 * library reports the role. One grid per room kind: open, open with member
 * invites, members-only, members-only with member invites; rows the
 * inviter's affiliation, columns its role. */
static const char *const invites[4][NAFF] = {
	{"vvyy", "vvyy", "vvyy", "vvyy", "vvyy"},
	{"vvyy", "vvyy", "vvyy", "vvyy", "vvyy"},
	{"vvmm", "vvmm", "vvmm", "vvyy", "vvyy"},
	{"vvmm", "vvmm", "vvyy", "vvyy", "vvyy"},
};

START_TEST(invite_matrix)
{
	int cell;
	for (cell = 0; cell < 4 * NAFF * NROLE; cell++) {
		int k = cell / (NAFF * NROLE), a = cell / NROLE % NAFF;
		int role = cell % NROLE;
		muc_room *r = new_room(true);
		invite_verdict v;
		char got;
		r->cfg.members_only = k >= 2;
		r->cfg.allow_member_invites = k % 2;
		v = perm_invite(r, (muc_role)role, (muc_affiliation)a);
		got = v == INVITE_OK ? 'y' : v == INVITE_NO_VOICE ? 'v' : 'm';
		ck_assert_msg(got == invites[k][a][role],
			      "kind %d: %s %s invites: want %c got %c", k,
			      aname(a), rname(role), invites[k][a][role], got);
		room_free(r);
	}
}
END_TEST

/* ---- §7.4, §8.1: speaking and the subject -------------------------------- */

/* muc.lib.lua muc-occupant-groupchat "Role check": none is not in the room,
 * a visitor may not speak (XEP-0045 §5.1.1: visitors have no voice).
 * subject.lib.lua: a moderator, or a participant when changesubject is on.
 * Columns: the occupant's role. */
static const char speak[NROLE + 1] = "nnyy";
static const char *const subject_by_flag[2] = {"nnny", "nnyy"};

START_TEST(speak_and_subject_matrix)
{
	int cell;
	for (cell = 0; cell < 2 * NROLE; cell++) {
		int k = cell / NROLE, role = cell % NROLE;
		muc_room *r = new_room(true);
		muc_occupant o;
		memset(&o, 0, sizeof o);
		o.role = (muc_role)role;
		r->cfg.change_subject = k == 1;
		ck_assert_int_eq(perm_speak(&o) ? 'y' : 'n', speak[role]);
		ck_assert_msg((perm_change_subject(r, &o) ? 'y' : 'n') ==
				      subject_by_flag[k][role],
			      "changesubject %d, %s", k, rname(role));
		room_free(r);
	}
	ck_assert(!perm_speak(NULL));
}
END_TEST

/* ---- §7.5: private messages ---------------------------------------------- */

/* Prosody 0.12 has no private-message policy (handle_message_to_occupant
 * only needs the sender in the room); the library takes Prosody 13's
 * muc/restrict_pm.lib.lua, whose default "visitor" (everyone) is 0.12's
 * behaviour. Its muc-private-message rule:
 *   "To self is always okay" (same bare JID);
 *   with allow_modpm, "Allow to/from moderators";
 *   unless the policy is none: "affiliated" lets a sender with any
 *   affiliation through, else the sender's role must reach the policy's
 *   role (visitor, participant, moderator);
 *   otherwise cancel/policy-violation.
 * (For "affiliated" and an unaffiliated sender Prosody 13 goes on to
 * compare the role with valid_roles["affiliated"], which is nil, and
 * raises a Lua error; the evident intent, "restricted from non-members",
 * is a refusal.) One grid per allow_modpm; rows: the policy (visitor,
 * participant, moderator, affiliated, none); columns: sender and
 * recipient roles v>p v>m p>p p>m m>p m>m, first for an unaffiliated
 * sender, then for a member. */
static const char *const private_messages[2][5] = {
	{"yy yy yy  yy yy yy", "nn yy yy  nn yy yy", "nn nn yy  nn nn yy",
	 "nn nn nn  yy yy yy", "nn nn nn  nn nn nn"},
	{"yy yy yy  yy yy yy", "ny yy yy  ny yy yy", "ny ny yy  ny ny yy",
	 "ny ny yy  yy yy yy", "ny ny yy  ny ny yy"},
};

START_TEST(private_message_matrix)
{
	int cell;
	/* allow_modpm, policy, sender a member, sender role, recipient role */
	for (cell = 0; cell < 2 * 5 * 2 * 3 * 2; cell++) {
		int modpm = cell / 60, pm = cell / 12 % 5;
		int member = cell / 6 % 2, f = cell / 2 % 3, t = cell % 2;
		char want =
			private_messages[modpm][pm][member * 10 + f * 3 + t];
		muc_room *r = new_room(true);
		muc_occupant *from, *to, *self;
		char got;
		ck_assert_int_eq(r->cfg.allow_pm, PM_VISITOR);
		ck_assert(!r->cfg.allow_modpm);
		r->cfg.allow_pm = (pm_policy)pm;
		r->cfg.allow_modpm = modpm;
		if (member)
			set_affil(r, ACTOR_BARE, MUC_AFFIL_MEMBER);
		from = place(r, "actor", ACTOR_BARE, ACTOR,
			     MUC_ROLE_VISITOR + f);
		to = place(r, "target", TARGET_BARE, TARGET,
			   MUC_ROLE_PARTICIPANT + t);
		/* the sender's own other nick */
		self = place(r, "actor2", ACTOR_BARE, ACTOR_BARE "/tab",
			     MUC_ROLE_PARTICIPANT + t);
		got = perm_private_message(r, from, to) ? 'y' : 'n';
		ck_assert_msg(got == want,
			      "allow_pm %s modpm %d %s %s -> %s: want %c "
			      "got %c",
			      pm_policy_name((pm_policy)pm), modpm,
			      member ? "member" : "none",
			      rname(MUC_ROLE_VISITOR + f),
			      rname(MUC_ROLE_PARTICIPANT + t), want, got);
		ck_assert(perm_private_message(r, from, self));
		room_free(r);
	}
}
END_TEST

/* ---- §5.1, §7.2.3: who sees real JIDs ------------------------------------ */

/* muc.lib.lua can_see_real_jids: whois anyone, everyone; whois moderators,
 * a moderator. Rows: whois moderators, anyone; columns: no occupant,
 * visitor, participant, moderator. */
static const char *const see_jids[2] = {"nnny", "yyyy"};

START_TEST(see_real_jids_matrix)
{
	int cell;
	for (cell = 0; cell < 2 * NROLE; cell++) {
		int k = cell / NROLE, role = cell % NROLE;
		muc_room *r = new_room(true);
		muc_occupant o;
		char got;
		memset(&o, 0, sizeof o);
		o.role = (muc_role)role;
		r->cfg.whois = k ? WHOIS_ANYONE : WHOIS_MODERATORS;
		got = can_see_real_jids(r, role ? &o : NULL) ? 'y' : 'n';
		ck_assert_msg(got == see_jids[k][role], "whois %d, %s", k,
			      rname(role));
		room_free(r);
	}
}
END_TEST

Suite *make_permission_suite(void)
{
	Suite *s = suite_create("permission");
	TCase *ta = tcase_create("affiliations");
	TCase *tr = tcase_create("roles");
	TCase *tl = tcase_create("requests");
	tcase_add_checked_fixture(ta, harness_setup, harness_teardown);
	tcase_add_test(ta, set_affiliation_matrix);
	tcase_add_test(ta, set_affiliation_self);
	tcase_add_test(ta, set_affiliation_service_admin);
	tcase_add_test(ta, service_admin_not_owner_by_default);
	tcase_add_test(ta, set_affiliation_domains);
	suite_add_tcase(s, ta);
	tcase_add_checked_fixture(tr, harness_setup, harness_teardown);
	tcase_add_test(tr, set_role_matrix);
	tcase_add_test(tr, set_role_self_matrix);
	tcase_add_test(tr, set_by_service);
	tcase_add_test(tr, default_role_matrix);
	suite_add_tcase(s, tr);
	tcase_add_checked_fixture(tl, harness_setup, harness_teardown);
	tcase_add_test(tl, list_affiliation_matrix);
	tcase_add_test(tl, list_role_matrix);
	tcase_add_test(tl, configure_matrix);
	tcase_add_test(tl, invite_matrix);
	tcase_add_test(tl, speak_and_subject_matrix);
	tcase_add_test(tl, private_message_matrix);
	tcase_add_test(tl, see_real_jids_matrix);
	suite_add_tcase(s, tl);
	return s;
}
