/* Semi-anonymity (XEP-0045 §5.1, §7.2.3; issue 4): a randomized test. For
 * each of a fixed set of seeds, nine users with three sessions each drive a
 * semi-anonymous room and two non-anonymous control rooms through
 * muc_service_feed with hundreds of random operations (joins, leaves, nick
 * and presence changes, groupchat, private messages, invitations and
 * declines, kicks, bans, role and affiliation changes, lists, configuration
 * including whois switches, registration, disco, iq between occupants,
 * voice requests, error bounces, destruction and re-creation), and the
 * deliver hook checks every stanza as it leaves:
 *   - it parses, and its to/from are the ones reported;
 *   - when it comes from a room that is semi-anonymous at that moment, and
 *     its recipient may not see real JIDs there (not a moderator, and not
 *     an admin or owner, whom the reference's is_anonymous_for lets see
 *     them), it names no other user's real JID, in any attribute or text,
 *     plainly or hex- or base64-encoded (as a forwarded iq's id might); a
 *     stanza from a room that no longer exists (or from the service) is
 *     held to the same rule with no privileges.
 * The reference's own exceptions are let through and counted: the real JID
 * of an inviter who is not in the room (whois.lib.lua: "FIXME: This will
 * expose real jid if inviter is not in room"), and a decliner's own JID in
 * the decline it sends (handle_mediated_decline); also what a recipient
 * gets back of the stanza it sent itself (an error echoing an id). The
 * recipient's role is read at delivery time through
 * muc_room_foreach_occupant. The control rooms show the check would fire.
 * The service runs on a counting allocator that must end with zero live
 * blocks. */
#include <mxml.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "counting_alloc.h"
#include "suites.h"

/* -DSEEDS=… -DOPS=… for a longer search */
#ifndef SEEDS
#define SEEDS 20
#endif
#ifndef OPS
#define OPS 400
#endif
#define D "conference.example.org"
#define MAIN "anon@" D
#define NS_USER "http://jabber.org/protocol/muc#user"
#define NS_ADMIN "http://jabber.org/protocol/muc#admin"
#define NS_OWNER "http://jabber.org/protocol/muc#owner"

static const char *const rooms[] = {MAIN, "open1@" D, "open2@" D};
#define NROOMS 3
/* The last user is a service administrator (an owner everywhere). */
static const char *const users[] = {
	"u0@example.net",  "u1@example.net",  "u2@example.net",
	"u3@example.net",  "u4@example.net",  "u5@example.net",
	"u6@evil.example", "u7@evil.example", "sa@example.com"};
#define NUSERS 9
#define NRES 3
static const char *const nicks[] = {"n0", "n1", "n2", "n3", "n4",
				    "n5", "n6", "n7", "Al", "Bo"};
#define NNICKS 10

/* ---- State of one run --------------------------------------------------- */

typedef struct leak {
	char sig[64];
	char jid[64];
	int op;
	char *in, *out;
} leak;

static muc_service *asvc;
static counting_alloc aca;
static uint64_t rng;
static int op_no;
static char in_xml[4096];
static char in_from[96];
/* each user's bare JID hex-encoded, and base64-encoded at the three
 * alignments it can have inside a longer base64 text */
static char hexjid[NUSERS][160];
static char b64jid[NUSERS][3][96];
static leak leaks[16];
static size_t nleaks;
static long checked, control_hits, exc_invite, exc_decline, exc_echo,
	delivered;
/* the last iq the room forwarded to an occupant, for an answer */
static char fwd_id[512], fwd_to[96], fwd_from[128];
/* the last stanza delivered */
static char last_to[96], last_xml[2048];

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)((rng >> 11) % n);
}

static const char *pick(const char *const *v, size_t n)
{
	return v[rnd((uint32_t)n)];
}

static void session_jid(char *out, size_t cap, int u, int res)
{
	snprintf(out, cap, "%s/%c", users[u], 'a' + res);
}

static void copy_bare(char *out, size_t cap, const char *j)
{
	const char *slash = strchr(j, '/');
	size_t n = slash ? (size_t)(slash - j) : strlen(j);
	if (n >= cap)
		n = cap - 1;
	memcpy(out, j, n);
	out[n] = '\0';
}

/* ---- Reading the rooms from the library -------------------------------- */

typedef struct occ_list {
	size_t n;
	char nick[48][64];
	char jid[48][96]; /* a session of each */
} occ_list;

static int collect(const muc_occupant_info *info, void *ud)
{
	occ_list *l = ud;
	if (l->n < 48) {
		snprintf(l->nick[l->n], 64, "%s", info->nick);
		snprintf(l->jid[l->n], 96, "%s",
			 info->real_jid_count ? info->real_jids[0] : "");
		l->n++;
	}
	return 0;
}

static void list_occupants(const char *room, occ_list *l)
{
	muc_room *r = muc_service_find_room(asvc, room);
	l->n = 0;
	if (r)
		muc_room_foreach_occupant(r, collect, l);
}

/* Who receives a stanza, as the room sees it at delivery time. */
typedef struct viewer {
	const char *to;     /* full or bare */
	char bare[96];
	bool full;
	int sessions;       /* occupants holding 'to' (full) or its bare */
	int moderators;     /* of those, moderators */
	const char *inviter; /* is this full JID a session in the room? */
	bool inviter_in;
} viewer;

static int look(const muc_occupant_info *info, void *ud)
{
	viewer *v = ud;
	size_t i;
	bool holds = false;
	for (i = 0; i < info->real_jid_count; i++) {
		if (v->full && strcmp(info->real_jids[i], v->to) == 0)
			holds = true;
		if (v->inviter && strcmp(info->real_jids[i], v->inviter) == 0)
			v->inviter_in = true;
	}
	if (!v->full && strcmp(info->bare_jid, v->bare) == 0)
		holds = true;
	if (holds) {
		v->sessions++;
		if (info->role == MUC_ROLE_MODERATOR)
			v->moderators++;
	}
	return 0;
}

/* ---- The check ---------------------------------------------------------- */

static mxml_node_t *find(mxml_node_t *tree, const char *name)
{
	return mxmlFindElement(tree, tree, name, NULL, NULL, MXML_DESCEND);
}

static void record(const char *sig, const char *who, const char *xml)
{
	size_t i;
	for (i = 0; i < nleaks; i++)
		if (strcmp(leaks[i].sig, sig) == 0)
			return;
	if (nleaks == sizeof leaks / sizeof *leaks)
		return;
	snprintf(leaks[nleaks].sig, sizeof leaks[nleaks].sig, "%s", sig);
	snprintf(leaks[nleaks].jid, sizeof leaks[nleaks].jid, "%s", who);
	leaks[nleaks].op = op_no;
	leaks[nleaks].in = strdup(in_xml);
	leaks[nleaks].out = strdup(xml);
	nleaks++;
}

/* Is user u's JID allowed in this stanza by one of the reference's own
 * exceptions? high: the recipient is an admin or owner of the room. */
static bool excepted(muc_room *r, mxml_node_t *tree, int u, bool high)
{
	mxml_node_t *inv = find(tree, "invite"), *dec = find(tree, "decline");
	char bare[96];
	if (inv && mxmlElementGetAttr(inv, "from")) {
		const char *from = mxmlElementGetAttr(inv, "from");
		viewer v;
		memset(&v, 0, sizeof v);
		v.inviter = from;
		if (r)
			muc_room_foreach_occupant(r, look, &v);
		copy_bare(bare, sizeof bare, from);
		/* whois.lib.lua masks the inviter only for an invitee
		 * whose default role is not moderator, and only when the
		 * inviter is in the room */
		if ((!v.inviter_in || high) && strcmp(bare, users[u]) == 0) {
			exc_invite++;
			return true;
		}
	}
	if (dec && mxmlElementGetAttr(dec, "from")) {
		const char *from = mxmlElementGetAttr(dec, "from");
		copy_bare(bare, sizeof bare, from);
		if (strcmp(from, in_from) == 0 && strcmp(bare, users[u]) == 0) {
			exc_decline++;
			return true;
		}
	}
	return false;
}

/* Does text name user u: 0 no, 1 plainly, 2 only hex- or
 * base64-encoded? */
static int names(const char *text, int u)
{
	int k;
	if (strstr(text, users[u]))
		return 1;
	if (strstr(text, hexjid[u]))
		return 2;
	for (k = 0; k < 3; k++)
		if (strstr(text, b64jid[u][k]))
			return 2;
	return 0;
}

static void remember_forward(mxml_node_t *root, const muc_stanza_out *st)
{
	const char *type = mxmlElementGetAttr(root, "type");
	const char *id = mxmlElementGetAttr(root, "id");
	if (strcmp(mxmlGetElement(root), "iq") || !type || !id ||
	    (strcmp(type, "get") && strcmp(type, "set")) ||
	    !strchr(st->from, '/') || !strstr(st->from, "@" D "/"))
		return;
	snprintf(fwd_id, sizeof fwd_id, "%s", id);
	snprintf(fwd_to, sizeof fwd_to, "%s", st->to);
	snprintf(fwd_from, sizeof fwd_from, "%s", st->from);
}

static int check_out(const muc_stanza_out *st, void *ud)
{
	mxml_node_t *tree = NULL, *root;
	char room[128], to_bare[96];
	muc_room *r = NULL;
	bool constrained, privileged = false, high = false;
	const char *name;
	int u;
	(void)ud;
	delivered++;
	snprintf(last_to, sizeof last_to, "%s", st->to);
	snprintf(last_xml, sizeof last_xml, "%s", st->xml);
	{
		/* strictly well-formed, by the library's own parser */
		muc_mem m;
		xml_limits lim = {1u << 20, 64, false};
		xnode *x = NULL;
		mem_init(&m, NULL);
		ck_assert_msg(xml_parse(&m, st->xml, st->len, &lim, NS_CLIENT,
					&x) == MUC_OK,
			      "does not parse: %s", st->xml);
		xnode_free(&m, x);
	}
	ck_assert_int_eq(muc_stanza_to_tree(st, (void **)&tree), MUC_OK);
	root = mxmlGetType(tree) == MXML_ELEMENT ? tree
						   : mxmlWalkNext(tree, tree,
								  MXML_DESCEND);
	ck_assert_ptr_nonnull(root);
	name = mxmlGetElement(root);
	ck_assert_msg(strcmp(name, "message") == 0 ||
			      strcmp(name, "presence") == 0 ||
			      strcmp(name, "iq") == 0,
		      "not a stanza: %s", st->xml);
	ck_assert_str_eq(mxmlElementGetAttr(root, "to"), st->to);
	ck_assert_str_eq(mxmlElementGetAttr(root, "from"), st->from);
	remember_forward(root, st);

	copy_bare(room, sizeof room, st->from);
	copy_bare(to_bare, sizeof to_bare, st->to);
	if (strchr(room, '@'))
		r = muc_service_find_room(asvc, room);
	constrained = !r || r->cfg.whois == WHOIS_MODERATORS;
	if (r) {
		viewer v;
		memset(&v, 0, sizeof v);
		v.to = st->to;
		v.full = strchr(st->to, '/') != NULL;
		snprintf(v.bare, sizeof v.bare, "%s", to_bare);
		muc_room_foreach_occupant(r, look, &v);
		/* a bare address reaches every session of the user; an
		 * admin or owner sees real JIDs in what answers its own
		 * request (the reference's is_anonymous_for: the occupant
		 * list on joining, a probe, the lists) */
		high = muc_room_get_affiliation(r, st->to) >= MUC_AFFIL_ADMIN;
		privileged = (v.sessions > 0 && v.moderators == v.sessions) ||
			     (high && strcmp(st->to, in_from) == 0);
	}
	if (constrained && !privileged)
		checked++;
	for (u = 0; u < NUSERS && !privileged; u++) {
		int how;
		if (strcmp(users[u], to_bare) == 0)
			continue; /* one's own JIDs */
		how = names(st->xml, u);
		if (!how)
			continue;
		if (!constrained) {
			control_hits++;
			continue;
		}
		if (strcmp(st->to, in_from) == 0 && names(in_xml, u)) {
			exc_echo++; /* what the recipient itself just sent */
			continue;
		}
		if (!excepted(r, tree, u, high)) {
			char sig[64];
			mxml_node_t *c = mxmlWalkNext(root, root, MXML_DESCEND);
			while (c && mxmlGetType(c) != MXML_ELEMENT)
				c = mxmlWalkNext(c, root, MXML_NO_DESCEND);
			snprintf(sig, sizeof sig, "%s/%s%s", name,
				 c ? mxmlGetElement(c) : "",
				 how == 2 ? " (encoded)" : "");
			record(sig, users[u], st->xml);
		}
	}
	mxmlDelete(tree);
	return 0;
}

/* ---- Feeding ----------------------------------------------------------- */

static int64_t a_clock(void *ud)
{
	(void)ud;
	return INT64_C(1700000000000) + (int64_t)op_no * 60000;
}

static void in(const char *from, const char *fmt, ...)
{
	va_list ap;
	int rc;
	snprintf(in_from, sizeof in_from, "%s", from);
	va_start(ap, fmt);
	vsnprintf(in_xml, sizeof in_xml, fmt, ap);
	va_end(ap);
	rc = muc_service_feed(asvc, in_xml, strlen(in_xml));
	ck_assert_msg(rc == MUC_OK, "feed %d: %s", rc, in_xml);
}

/* The config form with a random selection of fields (muc#roomconfig). */
static void configure(const char *from, const char *room, bool instant)
{
	char f[2048];
	size_t n = 0;
	bool main_room = strcmp(room, MAIN) == 0;
	if (instant) {
		in(from,
		   "<iq from='%s' to='%s' type='set' id='inst'><query xmlns='"
		   NS_OWNER "'><x xmlns='jabber:x:data' type='submit'/>"
		   "</query></iq>",
		   from, room);
		return;
	}
#define FIELD(var, val)                                                 \
	n += (size_t)snprintf(f + n, sizeof f - n,                     \
			      "<field var='%s'><value>%s</value></field>", \
			      var, val)
	FIELD("FORM_TYPE", "http://jabber.org/protocol/muc#roomconfig");
	if (rnd(2))
		FIELD("muc#roomconfig_whois",
		      rnd(100) < (main_room ? 30u : 90u) ? "anyone"
							 : "moderators");
	if (rnd(4) == 0)
		FIELD("muc#roomconfig_membersonly", rnd(5) == 0 ? "1" : "0");
	if (rnd(3) == 0)
		FIELD("muc#roomconfig_moderatedroom", rnd(3) == 0 ? "1" : "0");
	if (rnd(5) == 0)
		FIELD("muc#roomconfig_roomsecret", rnd(3) == 0 ? "pw" : "");
	if (rnd(4) == 0)
		FIELD("muc#roomconfig_persistentroom", rnd(4) == 0 ? "1" : "0");
	if (rnd(4) == 0)
		FIELD("muc#roomconfig_changesubject", rnd(2) ? "1" : "0");
	if (rnd(4) == 0)
		FIELD("muc#roomconfig_allowpm",
		      pick((const char *const[]){"visitor", "participant",
						  "moderator", "affiliated",
						  "none"},
			   5));
	if (rnd(5) == 0)
		FIELD("{xmpp:prosody.im}muc#allow_modpm", rnd(2) ? "1" : "0");
	if (rnd(4) == 0)
		FIELD("{http://prosody.im/protocol/muc}"
		      "roomconfig_allowmemberinvites",
		      rnd(2) ? "1" : "0");
	if (rnd(6) == 0)
		n += (size_t)snprintf(
			f + n, sizeof f - n,
			"<field var='muc#roomconfig_presencebroadcast'>"
			"<value>moderator</value><value>participant</value>%s"
			"</field>",
			rnd(2) ? "<value>visitor</value>" : "");
	if (rnd(5) == 0)
		FIELD("muc#roomconfig_historylength", rnd(2) ? "5" : "20");
	/* the owner and admin lists (MUC_OPT_CONFIG_XEP_FIELDS): the
	 * submitter stays owner, someone may join it or become admin */
	if (rnd(6) == 0) {
		char bare[64];
		size_t k = strcspn(from, "/");
		snprintf(bare, sizeof bare, "%.*s", (int)k, from);
		n += (size_t)snprintf(
			f + n, sizeof f - n,
			"<field var='muc#roomconfig_roomowners'><value>%s"
			"</value>%s</field>",
			bare,
			rnd(3) == 0 ? "<value>u4@example.net</value>" : "");
	}
	if (rnd(6) == 0)
		FIELD("muc#roomconfig_roomadmins",
		      pick((const char *const[]){"u5@example.net",
						  "u6@evil.example",
						  "u2@example.net"},
			   3));
#undef FIELD
	in(from,
	   "<iq from='%s' to='%s' type='set' id='cfg%d'><query xmlns='"
	   NS_OWNER "'><x xmlns='jabber:x:data' type='submit'>%s</x>"
	   "</query></iq>",
	   from, room, op_no, f);
}

/* A session joins; a room it creates is configured at once, mostly. */
static void join(const char *s, const char *room, const char *nick)
{
	bool existed = muc_service_find_room(asvc, room) != NULL;
	const char *pw = rnd(5) ? "<password>pw</password>" : "";
	unsigned hist = rnd(4);
	muc_room *r;
	in(s,
	   "<presence from='%s' to='%s/%s'><x xmlns='"
	   "http://jabber.org/protocol/muc'>%s<history maxstanzas='%u'/></x>"
	   "<status>hi</status></presence>",
	   s, room, nick, pw, hist);
	r = muc_service_find_room(asvc, room);
	if (!existed && r && rnd(10)) {
		if (strcmp(room, MAIN) == 0)
			configure(s, room, rnd(2));
		else
			in(s,
			   "<iq from='%s' to='%s' type='set' id='c'><query "
			   "xmlns='" NS_OWNER "'><x xmlns='jabber:x:data' "
			   "type='submit'><field var='FORM_TYPE'><value>"
			   "http://jabber.org/protocol/muc#roomconfig</value>"
			   "</field><field var='muc#roomconfig_whois'><value>"
			   "anyone</value></field></x></query></iq>",
			   s, room);
	}
}

/* A nick of the user's own (so that joins mostly succeed), or one of the
 * shared pool (conflicts, reserved nicks). */
static const char *own_choice(const char *s)
{
	static char nick[16];
	int u;
	for (u = 0; u < NUSERS; u++)
		if (strncmp(s, users[u], strlen(users[u])) == 0)
			break;
	if (rnd(4) == 0)
		return pick(nicks, NNICKS);
	snprintf(nick, sizeof nick, "p%d%s", u, rnd(3) ? "" : "x");
	return nick;
}

/* A nick in the room (mostly an occupant's), or any from the pool. */
static const char *target_nick(const occ_list *l)
{
	if (l->n && rnd(5))
		return l->nick[rnd((uint32_t)l->n)];
	return pick(nicks, NNICKS);
}

static const char *own_nick(const occ_list *l, const char *s)
{
	size_t i;
	for (i = 0; i < l->n; i++)
		if (strcmp(l->jid[i], s) == 0)
			return l->nick[i];
	return pick(nicks, NNICKS);
}

static void admin_item(const char *s, const char *room, const char *item)
{
	in(s,
	   "<iq from='%s' to='%s' type='set' id='a%d'><query xmlns='" NS_ADMIN
	   "'>%s</query></iq>",
	   s, room, op_no, item);
}

static void affiliation_item(char *out, size_t cap, const occ_list *l)
{
	/* mostly the lower ones, so that the room keeps people to hide
	 * JIDs from */
	static const char *const affs[] = {"outcast", "none",  "none",
					   "none",    "member", "member",
					   "member",  "admin",  "owner"};
	const char *aff = affs[rnd(9)];
	uint32_t k = rnd(10);
	if (k == 0)
		snprintf(out, cap,
			 "<item affiliation='%s' jid='evil.example'/>",
			 rnd(2) ? "outcast" : "none");
	else if (k < 3)
		snprintf(out, cap, "<item affiliation='%s' nick='%s'/>", aff,
			 target_nick(l));
	else {
		const char *who = users[rnd(NUSERS)];
		snprintf(out, cap,
			 "<item affiliation='%s' jid='%s'%s><reason>r%d</reason>"
			 "</item>",
			 aff, who, rnd(6) == 0 ? " nick='Al'" : "", op_no);
	}
}

static void random_op(void)
{
	char s[96], t[96], item[512], item2[512];
	int u = (int)rnd(NUSERS), u2;
	const char *room = rnd(10) < 6 ? MAIN : rooms[1 + rnd(2)];
	occ_list l;
	uint32_t op = rnd(100);
	session_jid(s, sizeof s, u, (int)rnd(NRES));
	u2 = (int)rnd(NUSERS);
	session_jid(t, sizeof t, u2, (int)rnd(NRES));
	list_occupants(room, &l);
	if (op < 16) {
		join(s, room, own_choice(s));
		return;
	}
	/* most other actions come from someone in the room */
	if (l.n && rnd(4))
		snprintf(s, sizeof s, "%s", l.jid[rnd((uint32_t)l.n)]);
	if (op < 20) {
		in(s, "<presence from='%s' to='%s/%s' type='unavailable'>"
		      "<status>bye</status></presence>",
		   s, room, own_nick(&l, s));
	} else if (op < 25) {
		in(s, "<presence from='%s' to='%s/%s'/>", s, room,
		   own_choice(s));
	} else if (op < 30) {
		in(s, "<presence from='%s' to='%s/%s'><show>away</show>"
		      "<status>s%d</status></presence>",
		   s, room, own_nick(&l, s), op_no);
	} else if (op < 39) {
		in(s, "<message from='%s' to='%s' type='groupchat' id='g%d'>"
		      "<body>hello %d</body></message>",
		   s, room, op_no, op_no);
	} else if (op < 41) {
		in(s, "<message from='%s' to='%s' type='groupchat'><subject>"
		      "topic %d</subject></message>",
		   s, room, op_no);
	} else if (op < 46) {
		in(s, "<message from='%s' to='%s/%s' type='chat'><body>psst"
		      "</body></message>",
		   s, room, target_nick(&l));
	} else if (op < 50) {
		in(s, "<message from='%s' to='%s'><x xmlns='" NS_USER "'>"
		      "<invite to='%s'><reason>come</reason></invite></x>"
		      "</message>",
		   s, room,
		   rnd(3) ? users[rnd(NUSERS)]
			  : rnd(2) ? t : "stranger@else.example");
	} else if (op < 52) {
		char to[160];
		if (rnd(2))
			snprintf(to, sizeof to, "%s/%s", room, target_nick(&l));
		else
			snprintf(to, sizeof to, "%s",
				 rnd(2) ? t : users[rnd(NUSERS)]);
		/* declines come from outside the room */
		session_jid(s, sizeof s, u, (int)rnd(NRES));
		in(s, "<message from='%s' to='%s'><x xmlns='" NS_USER "'>"
		      "<decline to='%s'><reason>no</reason></decline></x>"
		      "</message>",
		   s, room, to);
	} else if (op < 56) {
		snprintf(item, sizeof item,
			 "<item role='none' nick='%s'><reason>out</reason>"
			 "</item>",
			 target_nick(&l));
		admin_item(s, room, item);
	} else if (op < 61) {
		static const char *const roles[] = {"visitor", "participant",
						    "moderator"};
		const char *role = pick(roles, 3);
		if (rnd(5) == 0)
			snprintf(item, sizeof item,
				 "<item role='%s' jid='%s'/>", role,
				 l.n ? l.jid[rnd((uint32_t)l.n)] : t);
		else
			snprintf(item, sizeof item,
				 "<item role='%s' nick='%s'/>", role,
				 target_nick(&l));
		admin_item(s, room, item);
	} else if (op < 68) {
		affiliation_item(item, sizeof item, &l);
		if (rnd(4) == 0) {
			affiliation_item(item2, sizeof item2, &l);
			strncat(item, item2, sizeof item - strlen(item) - 1);
		}
		/* owners and admins act more often */
		if (rnd(2)) {
			static const int actors[] = {0, 8};
			int a = actors[rnd(2)];
			session_jid(s, sizeof s, a, (int)rnd(NRES));
		}
		admin_item(s, room, item);
	} else if (op < 71) {
		static const char *const what[] = {
			"affiliation='owner'", "affiliation='admin'",
			"affiliation='member'", "affiliation='outcast'",
			"role='moderator'", "role='participant'",
			"role='visitor'"};
		in(s, "<iq from='%s' to='%s' type='get' id='l%d'><query xmlns='"
		      NS_ADMIN "'><item %s/></query></iq>",
		   s, room, op_no, pick(what, 7));
	} else if (op < 76) {
		if (rnd(2)) {
			int a = rnd(3) ? 0 : 8;
			session_jid(s, sizeof s, a, (int)rnd(NRES));
		}
		configure(s, room, rnd(6) == 0);
	} else if (op < 77) {
		in(s, "<iq from='%s' to='%s' type='get' id='cg'><query xmlns='"
		      NS_OWNER "'/></iq>",
		   s, room);
	} else if (op < 80) {
		uint32_t k = rnd(3);
		if (k == 0)
			in(s, "<iq from='%s' to='%s' type='get' id='rg'><query "
			      "xmlns='jabber:iq:register'/></iq>",
			   s, room);
		else if (k == 1)
			in(s, "<iq from='%s' to='%s' type='set' id='rs'><query "
			      "xmlns='jabber:iq:register'><x xmlns='jabber:x:"
			      "data' type='submit'><field var='FORM_TYPE'>"
			      "<value>http://jabber.org/protocol/muc#register"
			      "</value></field><field var='muc#register_"
			      "roomnick'><value>%s</value></field></x></query>"
			      "</iq>",
			   s, room, pick(nicks, NNICKS));
		else
			in(s, "<iq from='%s' to='%s' type='set' id='rr'><query "
			      "xmlns='jabber:iq:register'><remove/></query>"
			      "</iq>",
			   s, room);
	} else if (op < 82) {
		static const char *const q[] = {
			"<query xmlns='http://jabber.org/protocol/disco#info'/>",
			"<query xmlns='http://jabber.org/protocol/disco#items'/>",
			("<query xmlns='http://jabber.org/protocol/disco#info' "
			 "node='x-roomuser-item'/>")};
		const char *to = rnd(4) ? room : D;
		in(s, "<iq from='%s' to='%s' type='get' id='d'>%s</iq>", s, to,
		   pick(q, 3));
	} else if (op < 85) {
		const char *nick = target_nick(&l);
		in(s, "<iq from='%s' to='%s/%s' type='get' id='v%d'>%s</iq>",
		   s, room, nick, op_no,
		   rnd(2) ? "<query xmlns='jabber:iq:version'/>"
			  : "<vCard xmlns='vcard-temp'/>");
	} else if (op < 87) {
		if (fwd_id[0])
			in(fwd_to,
			   "<iq from='%s' to='%s' type='result' id='%s'/>",
			   fwd_to, fwd_from, fwd_id);
		fwd_id[0] = '\0';
	} else if (op < 89) {
		in(s, "<message from='%s' to='%s'><x xmlns='jabber:x:data' "
		      "type='submit'><field var='FORM_TYPE'><value>"
		      "http://jabber.org/protocol/muc#request</value></field>"
		      "<field var='muc#role'><value>participant</value>"
		      "</field>%s</x></message>",
		   s, room,
		   rnd(2) ? ""
			  : "<field var='muc#request_allow'><value>1</value>"
			    "</field><field var='muc#jid'><value>"
			    "u3@example.net/a</value></field>");
	} else if (op < 90) {
		in(s, "<presence from='%s' to='%s/%s' type='probe'/>", s, room,
		   rnd(2) ? target_nick(&l) : "Al");
	} else if (op < 92) {
		const char *kind = rnd(2) ? "message" : "presence";
		in(s, "<%s from='%s' to='%s%s' type='error'><error "
		      "type='cancel'><gone xmlns='urn:ietf:params:xml:ns:"
		      "xmpp-stanzas'/></error></%s>",
		   kind, s, room, rnd(2) ? "" : "/n1", kind);
	} else if (op < 94) {
		muc_room *r = muc_service_find_room(asvc, room);
		const char *actor = rnd(2) ? NULL : s;
		const char *who = users[rnd(NUSERS)];
		muc_affiliation a = (muc_affiliation)rnd(5);
		if (r)
			muc_room_set_affiliation(r, actor, who, a,
						 rnd(2) ? "api" : NULL);
	} else if (op < 95) {
		uint32_t k = rnd(3);
		if (k == 0)
			in(s, "<iq from='%s' to='%s' type='set' id='x'><query "
			      "xmlns='" NS_OWNER "'><destroy jid='elsewhere@" D
			      "'><reason>gone</reason><password>pw</password>"
			      "</destroy></query></iq>",
			   s, room);
		else if (k == 1)
			in("sa@example.com/a",
			   "<iq from='sa@example.com/a' to='" D "' type='set' "
			   "id='ad'><command xmlns='http://jabber.org/protocol/"
			   "commands' node='http://prosody.im/protocol/muc#"
			   "destroy' action='execute'><x xmlns='jabber:x:data' "
			   "type='submit'><field var='rooms'><value>%s</value>"
			   "</field></x></command></iq>",
			   room);
		else if (muc_service_find_room(asvc, room))
			muc_room_destroy(muc_service_find_room(asvc, room),
					 rnd(2) ? "bye" : NULL, NULL, NULL);
	} else {
		/* re-creation, also by the service admin past a tombstone */
		int who = rnd(2) ? 8 : u;
		session_jid(s, sizeof s, who, (int)rnd(NRES));
		join(s, room, own_choice(s));
	}
}

/* The base64 characters that depend on s alone when s follows 'align'
 * other bytes of a longer base64-encoded text. */
static void b64_of(char *out, const char *s, int align)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "abcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned char raw[96] = {0};
	size_t n = strlen(s), total = (size_t)align + n, j, first, last;
	memcpy(raw + align, s, n);
	first = ((size_t)align * 8 + 5) / 6;
	last = total * 8 / 6; /* exclusive */
	for (j = first; j < last; j++) {
		size_t bit = j * 6, byte = bit / 8, sh = bit % 8;
		unsigned v = ((unsigned)raw[byte] << 8 | raw[byte + 1]) >>
			     (10 - sh);
		*out++ = b64[v & 63];
	}
	*out = '\0';
}

static void hex_of(char *out, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	for (; *s; s++) {
		*out++ = hex[(unsigned char)*s >> 4];
		*out++ = hex[(unsigned char)*s & 15];
	}
	*out = '\0';
}

static void drop_leaks(void)
{
	size_t i;
	for (i = 0; i < nleaks; i++) {
		free(leaks[i].in);
		free(leaks[i].out);
	}
	nleaks = 0;
}

static void open_service(int seed)
{
	muc_callbacks *cb;
	int u;
	/* what a failed test (without fork) left behind */
	drop_leaks();
	muc_service_free(asvc);
	rng = UINT64_C(0x9E3779B97F4A7C15) * (uint64_t)(seed + 1);
	op_no = 0;
	checked = control_hits = exc_invite = exc_decline = exc_echo = 0;
	delivered = 0;
	fwd_id[0] = '\0';
	for (u = 0; u < NUSERS; u++) {
		int k;
		hex_of(hexjid[u], users[u]);
		for (k = 0; k < 3; k++)
			b64_of(b64jid[u][k], users[u], k);
	}
	counting_alloc_init(&aca);
	ck_assert_int_eq(muc_callbacks_new(&cb), MUC_OK);
	muc_callbacks_set_deliver(cb, check_out);
	muc_callbacks_set_clock(cb, a_clock);
	ck_assert_int_eq(muc_service_new(&asvc, D, cb, &aca.a, NULL), MUC_OK);
	muc_callbacks_del(cb);
	ck_assert_int_eq(muc_service_add_admin(asvc, "sa@example.com"),
			 MUC_OK);
	/* the options that change who sees what: every other seed */
	ck_assert_int_eq(muc_service_set_option(asvc, MUC_OPT_WHOIS_REPUBLISH,
						seed % 2),
			 MUC_OK);
	ck_assert_int_eq(muc_service_set_option(
			     asvc, MUC_OPT_ADMINS_ARE_OWNERS, seed % 2),
			 MUC_OK);
	ck_assert_int_eq(muc_service_set_option(asvc, MUC_OPT_CONFIG_XEP_FIELDS,
						1),
			 MUC_OK);
	ck_assert_int_eq(muc_service_set_option(asvc, MUC_OPT_ARCHIVING,
						seed % 3 == 0),
			 MUC_OK);
}

/* The semi-anonymous room (the reference's default whois) and the two
 * non-anonymous controls, each with a few occupants. */
static void open_rooms(void)
{
	char s[96];
	int u, k;
	in("u0@example.net/a",
	   "<presence from='u0@example.net/a' to='" MAIN "/n0'><x xmlns='"
	   "http://jabber.org/protocol/muc'/></presence>");
	configure("u0@example.net/a", MAIN, true);
	for (k = 1; k < NROOMS; k++) {
		session_jid(s, sizeof s, k, 0);
		in(s,
		   "<presence from='%s' to='%s/n%d'><x xmlns='http://jabber."
		   "org/protocol/muc'/></presence>",
		   s, rooms[k], k);
		in(s,
		   "<iq from='%s' to='%s' type='set' id='c'><query xmlns='"
		   NS_OWNER "'><x xmlns='jabber:x:data' type='submit'><field "
		   "var='FORM_TYPE'><value>http://jabber.org/protocol/muc#"
		   "roomconfig</value></field><field var='muc#roomconfig_"
		   "whois'><value>anyone</value></field></x></query></iq>",
		   s, rooms[k]);
	}
	for (k = 0; k < NROOMS; k++)
		for (u = 3; u < 6; u++) {
			session_jid(s, sizeof s, u, k % NRES);
			join(s, rooms[k], own_choice(s));
		}
}

/* Frees the service, checks that no block is left, and reports what
 * leaked; returns the number of kinds of leak. */
static size_t close_service(const char *what)
{
	size_t i, found = nleaks;
	muc_service_free(asvc);
	asvc = NULL;
	ck_assert_int_eq(aca.live, 0);
	for (i = 0; i < nleaks; i++) {
		fprintf(stderr,
			"anonymity %s op %d: %s leaks %s\n  input:  %s\n"
			"  output: %s\n",
			what, leaks[i].op, leaks[i].sig, leaks[i].jid,
			leaks[i].in, leaks[i].out);
	}
	drop_leaks();
	return found;
}

/* One seed: OPS random operations, every stanza checked as it leaves. */
START_TEST(random_operations)
{
	int seed = _i, n;
	size_t found;
	long occ_sum = 0, anon_ops = 0;
	char what[32];
	open_service(seed);
	open_rooms();
	for (n = 0; n < OPS; n++) {
		muc_room *r;
		op_no = n + 1;
		random_op();
		r = muc_service_find_room(asvc, MAIN);
		occ_sum += r ? (long)muc_room_occupant_count(r) : 0;
		anon_ops += r && r->cfg.whois == WHOIS_MODERATORS;
	}
	if (getenv("ANON_STATS"))
		fprintf(stderr,
			"seed %d: %ld delivered, %ld checked, %ld control hits, "
			"%ld absent inviters, %ld declines, %ld echoes; main room: "
			"%.1f occupants, semi-anonymous %ld/%d ops\n",
			seed, delivered, checked, control_hits, exc_invite,
			exc_decline, exc_echo, (double)occ_sum / OPS, anon_ops,
			OPS);
	snprintf(what, sizeof what, "seed %d", seed);
	found = close_service(what);
	ck_assert_msg(found == 0,
		      "seed %d: %zu kind(s) of real-JID leak (see stderr)",
		      seed, found);
	/* the check was not vacuous, and would fire in a room showing JIDs */
	ck_assert_int_gt(checked, 100);
	ck_assert_int_gt(control_hits, 0);
	ck_assert_int_gt(delivered, 1000);
}
END_TEST

/* Three occupants of a fresh semi-anonymous room: the owner, and two
 * participants, Juliet (u1) and Romeo (u2). */
static void three_occupants(void)
{
	static const char *const who[3][2] = {{"u0@example.net/a", "Owner"},
					      {"u1@example.net/a", "Juliet"},
					      {"u2@example.net/a", "Romeo"}};
	int k;
	open_service(0);
	for (k = 0; k < 3; k++) {
		in(who[k][0],
		   "<presence from='%s' to='" MAIN "/%s'><x xmlns='"
		   "http://jabber.org/protocol/muc'/></presence>",
		   who[k][0], who[k][1]);
		if (k == 0)
			configure(who[k][0], MAIN, true);
	}
}

/* Juliet asks Romeo something through the room (§7.5); the forwarded iq
 * goes to Romeo's session, or for a vCard to his bare JID. */
static void juliet_asks_romeo(int vcard)
{
	fwd_id[0] = '\0';
	in("u1@example.net/a",
	   "<iq from='u1@example.net/a' to='" MAIN "/Romeo' type='get' "
	   "id='v1'>%s</iq>",
	   vcard ? "<vCard xmlns='vcard-temp'/>"
		 : "<query xmlns='jabber:iq:version'/>");
	ck_assert_str_eq(fwd_from, MAIN "/Juliet");
	ck_assert_str_eq(fwd_to,
			 vcard ? "u2@example.net" : "u2@example.net/a");
}

/* The smallest case of the one leak the random runs found (since fixed):
 * a participant's iq to another participant of a semi-anonymous room
 * reached the recipient with an id carrying the requester's full JID
 * hex-encoded (id='7531406578616d706c652e6e65742f61.v1' for
 * u1@example.net/a). The reference's construct_stanza_id puts there only
 * the recipient's own JID and an HMAC of the requester's:
 * base64(occupant.jid .. "\0" .. id .. "\0" .. hmac_sha256(salt,
 * from):sub(1,8)). */
START_TEST(iq_forward_hides_requester)
{
	int vcard;
	three_occupants();
	for (vcard = 0; vcard < 2; vcard++) {
		op_no = vcard + 1;
		juliet_asks_romeo(vcard);
	}
	ck_assert_uint_eq(close_service("iq forward"), 0);
}
END_TEST

/* The answer finds its way back to the requester with its own id, also
 * when it comes from the bare JID the vCard request went to (the user's
 * server answers for the account): the reference's deconstruct_stanza_id
 * accepts "from == from_jid or from == jid_bare(from_jid)". */
START_TEST(iq_forward_answer_routed)
{
	int vcard;
	three_occupants();
	for (vcard = 0; vcard < 2; vcard++) {
		char from[96];
		op_no = vcard + 1;
		juliet_asks_romeo(vcard);
		snprintf(from, sizeof from, "%s", fwd_to);
		last_to[0] = '\0';
		in(from, "<iq from='%s' to='" MAIN "/Juliet' type='result' "
			 "id='%s'/>",
		   from, fwd_id);
		ck_assert_msg(strcmp(last_to, "u1@example.net/a") == 0 &&
				      strstr(last_xml, " id='v1'") &&
				      strstr(last_xml, "type='result'") &&
				      strstr(last_xml, "from='" MAIN "/Romeo'"),
			      "the answer from %s was not routed back", from);
	}
	drop_leaks(); /* the leak is iq_forward_hides_requester's */
	close_service("iq answer");
}
END_TEST

Suite *make_anonymity_suite(void)
{
	Suite *s = suite_create("anonymity");
	TCase *tc = tcase_create("random");
	tcase_add_test(tc, iq_forward_hides_requester);
	tcase_add_test(tc, iq_forward_answer_routed);
	tcase_add_loop_test(tc, random_operations, 0, SEEDS);
	suite_add_tcase(s, tc);
	return s;
}
