/* The failing-allocator test (issue 6; STYLE.md: "a failing-allocator test
 * binary proves every allocation failure is handled").
 *
 * A realistic scenario — a room created and configured, several users
 * joining (one with two sessions), groupchat with history and a subject, a
 * nick change, private messages and an iq between occupants, muc#admin
 * changes and lists, registration, an invitation, discovery, a voice
 * request, an error bounce, the C API, a second room destroyed by the
 * service administrator's ad-hoc command and restored from its saved state,
 * the first destroyed by its owner, the host stopping (everyone removed),
 * the service freed; durable state goes to a store hook — is run once to count its allocations (K). Then, for
 * every k in 1..K, it runs again with the k-th allocation failing, once
 * with only that one failing and once with every allocation from the k-th
 * on failing. Each run must:
 *   - return from every call with a documented code (MUC_ERR_NOMEM only
 *     when an allocation did fail during that call);
 *   - deliver only complete, well-formed stanzas with to and from;
 *   - keep the service's tables consistent after every call
 *     (test/fuzz/check_state.h);
 *   - leave the service usable: with the allocator healthy again, a fresh
 *     user creates a fresh room, configures it and talks in it, exactly as
 *     on a healthy service;
 *   - leak nothing: after muc_service_free every block is back.
 * A call that lost an allocation but still returned MUC_OK (the failure
 * was swallowed, or reported to the client as its own fault) is reported
 * as a warning with the step it happened in; --strict makes it a failure.
 *
 * Each run is a child process, so a crash fails that k and the others still
 * run (FAILALLOC_NOFORK=1 runs them in-process, for a debugger; with
 * FAILALLOC_TRAP=1 as well, the failing allocation raises SIGTRAP:
 * `FAILALLOC_NOFORK=1 FAILALLOC_TRAP=1 gdb -ex run -ex bt --args
 * test-failalloc -k K` shows where it was).
 *
 * Usage: test-failalloc [-v] [--strict] [STEP] [-k K]   (STEP: try every STEP-th k only,
 * for slow runs under valgrind; the environment's FAILALLOC_STEP does the
 * same; -k K: only that k)
 * Prints `N passed, M failed` last; exits non-zero on any failure. */
#include "common.h"
#include "../fuzz/check_state.h"
#include "../fuzz/xml_wf.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define DOMAIN "conference.localhost"
#define ROOM "salon@conference.localhost"
#define ROOM2 "annex@conference.localhost"
#define A "alba@localhost/desk"
#define B1 "bruno@localhost/phone"
#define B2 "bruno@localhost/laptop"
#define C "carmen@localhost/c"
#define D "dario@example.org/d"
#define E "emilia@localhost/e"
#define F "fool@localhost/f"
#define ADM "admin@localhost/x"
#define MUC "<x xmlns='http://jabber.org/protocol/muc'/>"
#define NS_OWNER_Q "<query xmlns='http://jabber.org/protocol/muc#owner'>"
#define NS_ADMIN_Q "<query xmlns='http://jabber.org/protocol/muc#admin'>"
#define FIELD(var, val) "<field var='" var "'><value>" val "</value></field>"

/* ---- The allocator -------------------------------------------------- */

typedef struct alloc_state {
	long live;    /* blocks held by the library */
	long count;   /* allocations attempted (malloc and realloc) */
	long fail_at; /* the first allocation to fail (0-based), or -1 */
	bool sticky;  /* fail every allocation from fail_at on */
	bool off;     /* failing suspended (for the usability probe) */
	long failed;  /* failures handed out */
} alloc_state;

static bool should_fail(alloc_state *a)
{
	long k = a->count++;
	if (a->off || a->fail_at < 0)
		return false;
	if (k == a->fail_at || (a->sticky && k > a->fail_at)) {
		/* FAILALLOC_TRAP=1: stop here, for a debugger's backtrace */
		if (a->failed == 0 && getenv("FAILALLOC_TRAP"))
			raise(SIGTRAP);
		a->failed++;
		return true;
	}
	return false;
}

static void *fa_malloc(size_t n, void *ud)
{
	alloc_state *a = ud;
	void *p;
	if (should_fail(a))
		return NULL;
	p = malloc(n);
	if (p)
		a->live++;
	return p;
}

static void *fa_realloc(void *p, size_t n, void *ud)
{
	alloc_state *a = ud;
	if (!p)
		return fa_malloc(n, ud);
	if (should_fail(a))
		return NULL;
	return realloc(p, n);
}

static void fa_free(void *p, void *ud)
{
	alloc_state *a = ud;
	if (p) {
		a->live--;
		free(p);
	}
}

/* ---- One run ------------------------------------------------------------ */

typedef struct run {
	alloc_state mem;
	muc_service *svc;
	int64_t now;
	unsigned ids;
	long delivered;       /* stanzas in the current call */
	const char *step;     /* what is being done, for messages */
	char why[600];        /* the first failure of this run */
	bool failed;
	int verbose;
	char fwd_id[512];     /* id of the last iq forwarded to alba */
	/* swallowed failures: step names (static strings) */
	const char *silent[64];
	size_t nsilent;
} run;

/* In a child run: where each step's name goes, so that the parent can
 * say in which step a crash happened. */
static int step_fd = -1;

static void enter_step(run *r, const char *step)
{
	r->step = step;
	if (step_fd >= 0) {
		char rec[40];
		memset(rec, 0, sizeof rec);
		snprintf(rec, sizeof rec, "%s", step);
		if (write(step_fd, rec, sizeof rec) != (ssize_t)sizeof rec)
			step_fd = -1;
	}
}

static void fail(run *r, const char *fmt, ...)
{
	va_list ap;
	if (r->failed)
		return;
	r->failed = true;
	va_start(ap, fmt);
	vsnprintf(r->why, sizeof r->why, fmt, ap);
	va_end(ap);
}

static int64_t clock_hook(void *ud)
{
	return ((run *)ud)->now;
}

static size_t id_hook(char *out, size_t cap, void *ud)
{
	run *r = ud;
	return (size_t)snprintf(out, cap, "id%u", ++r->ids);
}

static int deliver_hook(const muc_stanza_out *o, void *ud)
{
	run *r = ud;
	size_t where;
	const char *wf;
	r->delivered++;
	if (!o->to || !o->from || !*o->to || !*o->from) {
		fail(r, "%s: a stanza without to or from", r->step);
		return 0;
	}
	if (o->xml[o->len] != '\0' || strlen(o->xml) != o->len) {
		fail(r, "%s: a stanza with a NUL inside or none at len",
		     r->step);
		return 0;
	}
	wf = xml_wf_check(o->xml, o->len, &where);
	if (wf)
		fail(r, "%s: delivered a broken stanza (%s at %zu): %.300s",
		     r->step, wf, where, o->xml);
	if (r->verbose > 1)
		printf("    -> %s\n", o->xml);
	/* the id a forwarded iq carries, for alba's client to answer with */
	if (strncmp(o->xml, "<iq", 3) == 0 && strcmp(o->to, A) == 0 &&
	    strstr(o->xml, " type='get'")) {
		const char *id = strstr(o->xml, " id='");
		const char *end = id ? strchr(id + 5, '\'') : NULL;
		if (end && (size_t)(end - id - 5) < sizeof r->fwd_id) {
			memcpy(r->fwd_id, id + 5, (size_t)(end - id - 5));
			r->fwd_id[end - id - 5] = '\0';
		}
	}
	return 0;
}

/* The store (durable state of persistent rooms): what is saved must be
 * well-formed; the last state of the annex is kept to restore it later. */
static char saved_annex[8192];
static size_t saved_annex_len;

static int store_save(const char *room_jid, const char *data, size_t len,
		      void *ud)
{
	run *r = ud;
	size_t where;
	const char *wf = xml_wf_check(data, len, &where);
	if (wf)
		fail(r, "%s: a broken saved room (%s at %zu)", r->step, wf,
		     where);
	if (strcmp(room_jid, ROOM2) == 0 && len < sizeof saved_annex) {
		memcpy(saved_annex, data, len);
		saved_annex_len = len;
	}
	return 0;
}

static int store_remove(const char *room_jid, void *ud)
{
	(void)room_jid;
	(void)ud;
	return 0;
}

/* After every call: a documented code, NOMEM only after a failure, and
 * consistent tables. */
static void after_call(run *r, long failed_before, int rc, bool api)
{
	const char *err, *where;
	bool lost = r->mem.failed > failed_before;
	if (rc > 0 || rc < MUC_ERR_NOT_FOR_US)
		fail(r, "%s: undocumented return code %d", r->step, rc);
	else if (rc == MUC_ERR_NOMEM && !lost)
		fail(r, "%s: MUC_ERR_NOMEM but no allocation failed", r->step);
	else if (rc == MUC_ERR_CALLBACK)
		fail(r, "%s: MUC_ERR_CALLBACK with a hook that never fails",
		     r->step);
	else if (!api && (rc == MUC_ERR_NOT_FOUND ||
			  rc == MUC_ERR_NOT_ALLOWED || rc == MUC_ERR_CONFLICT))
		fail(r, "%s: feed returned %s", r->step, muc_strerror(rc));
	if (lost && rc == MUC_OK && r->nsilent < 64) {
		r->silent[r->nsilent++] = r->step;
		if (getenv("FAILALLOC_SHOW_SILENT"))
			printf("silent: allocation %ld failed in '%s', which "
			       "returned MUC_OK\n", r->mem.fail_at + 1, r->step);
	}
	if (r->svc) {
		err = check_service(r->svc, false, &where);
		if (err)
			fail(r, "%s: inconsistent state: %s (%s)", r->step, err,
			     where);
	}
}

static int feed(run *r, const char *step, const char *xml)
{
	long before = r->mem.failed;
	int rc;
	enter_step(r, step);
	r->delivered = 0;
	r->now += 1000;
	rc = muc_service_feed(r->svc, xml, strlen(xml));
	if (r->verbose)
		printf("  %-28s %-28s %ld out\n", step, muc_strerror(rc),
		       r->delivered);
	after_call(r, before, rc, false);
	return rc;
}

/* ---- The scenario ---------------------------------------------------------- */

static const char *const steps[][2] = {
	{"create room", "<presence from='" A "' to='" ROOM "/alba'>"
	 "<x xmlns='http://jabber.org/protocol/muc'><history maxstanzas='0'/>"
	 "</x><status>here</status></presence>"},
	{"configure", "<iq from='" A "' to='" ROOM "' type='set' id='cfg1'>"
	 NS_OWNER_Q "<x xmlns='jabber:x:data' type='submit'>"
	 FIELD("FORM_TYPE", "http://jabber.org/protocol/muc#roomconfig")
	 FIELD("muc#roomconfig_roomname", "Salon &amp; bar")
	 FIELD("muc#roomconfig_roomdesc", "Talk")
	 FIELD("muc#roomconfig_changesubject", "1")
	 FIELD("muc#roomconfig_historylength", "10")
	 FIELD("muc#roomconfig_defaulthistorymessages", "5")
	 FIELD("muc#roomconfig_publicroom", "1")
	 FIELD("muc#roomconfig_allowpm", "anyone")
	 FIELD("muc#roomconfig_maxusers", "20")
	 "<field var='muc#roomconfig_presencebroadcast'><value>moderator</value>"
	 "<value>participant</value><value>visitor</value></field>"
	 "</x></query></iq>"},
	{"join bruno (phone)", "<presence from='" B1 "' to='" ROOM "/bruno'>"
	 MUC "<show>away</show></presence>"},
	{"join bruno (laptop)", "<presence from='" B2 "' to='" ROOM "/bruno'>"
	 MUC "</presence>"},
	{"join carmen", "<presence from='" C "' to='" ROOM "/carmen'>" MUC
	 "</presence>"},
	{"join dario", "<presence from='" D "' to='" ROOM "/dario'>" MUC
	 "</presence>"},
	{"groupchat alba", "<message from='" A "' to='" ROOM "' type='groupchat'"
	 " id='m1'><body>Hello &lt;all&gt;</body></message>"},
	{"groupchat bruno", "<message from='" B1 "' to='" ROOM "' type='groupchat'"
	 " id='m2'><body>hi</body><active xmlns='http://jabber.org/protocol/"
	 "chatstates'/></message>"},
	{"groupchat carmen", "<message from='" C "' to='" ROOM "' type='groupchat'"
	 " id='m3'><body>salut</body><occupant-id xmlns='urn:xmpp:occupant-id:0'"
	 " id='forged'/></message>"},
	{"groupchat dario (no id)", "<message from='" D "' to='" ROOM "'"
	 " type='groupchat'><body>ciao</body></message>"},
	{"subject", "<message from='" A "' to='" ROOM "' type='groupchat'>"
	 "<subject>Today: tests</subject></message>"},
	{"join emilia, history", "<presence from='" E "' to='" ROOM "/emilia'>"
	 "<x xmlns='http://jabber.org/protocol/muc'><history maxstanzas='3'/>"
	 "</x></presence>"},
	{"presence update", "<presence from='" E "' to='" ROOM "/emilia'>"
	 "<show>dnd</show><status>busy</status></presence>"},
	{"nick change (phone)", "<presence from='" B1 "' to='" ROOM "/bruno2'/>"},
	{"nick change (laptop)", "<presence from='" B2 "' to='" ROOM "/bruno2'/>"},
	{"private message", "<message from='" C "' to='" ROOM "/alba' type='chat'"
	 " id='pm1'><body>psst</body><x xmlns='http://jabber.org/protocol/"
	 "muc#user'/></message>"},
	{"iq to occupant", "<iq from='" C "' to='" ROOM "/alba' type='get'"
	 " id='v1'><query xmlns='jabber:iq:version'/></iq>"},
	{"iq result back", NULL}, /* built at run time: the forwarded id */
	{"vcard to occupant", "<iq from='" C "' to='" ROOM "/alba' type='get'"
	 " id='vc1'><vCard xmlns='vcard-temp'/></iq>"},
	{"self-ping", "<iq from='" C "' to='" ROOM "/carmen' type='get'"
	 " id='p1'><ping xmlns='urn:xmpp:ping'/></iq>"},
	{"admin set", "<iq from='" A "' to='" ROOM "' type='set' id='a1'>"
	 NS_ADMIN_Q "<item affiliation='member' jid='bruno@localhost'/>"
	 "<item affiliation='outcast' jid='dario@example.org'><reason>spam"
	 "</reason></item><item nick='carmen' role='visitor'><reason>hush"
	 "</reason></item><item affiliation='admin' jid='zed@localhost'/>"
	 "</query></iq>"},
	{"admin member list", "<iq from='" A "' to='" ROOM "' type='get' id='a2'>"
	 NS_ADMIN_Q "<item affiliation='member'/></query></iq>"},
	{"admin ban list", "<iq from='" A "' to='" ROOM "' type='get' id='a3'>"
	 NS_ADMIN_Q "<item affiliation='outcast'/></query></iq>"},
	{"admin role list", "<iq from='" A "' to='" ROOM "' type='get' id='a4'>"
	 NS_ADMIN_Q "<item role='participant'/></query></iq>"},
	{"voice back", "<iq from='" A "' to='" ROOM "' type='set' id='a5'>"
	 NS_ADMIN_Q "<item nick='carmen' role='participant'/></query></iq>"},
	{"register form", "<iq from='" B1 "' to='" ROOM "' type='get' id='r1'>"
	 "<query xmlns='jabber:iq:register'/></iq>"},
	{"register", "<iq from='" B1 "' to='" ROOM "' type='set' id='r2'>"
	 "<query xmlns='jabber:iq:register'><x xmlns='jabber:x:data'"
	 " type='submit'>"
	 FIELD("FORM_TYPE", "http://jabber.org/protocol/muc#register")
	 FIELD("muc#register_roomnick", "bruno2") "</x></query></iq>"},
	{"reserved nick lookup", "<iq from='" B1 "' to='" ROOM "' type='get'"
	 " id='r3'><query xmlns='http://jabber.org/protocol/disco#info'"
	 " node='x-roomuser-item'/></iq>"},
	{"invite", "<message from='" A "' to='" ROOM "'><x xmlns='http://"
	 "jabber.org/protocol/muc#user'><invite to='fool@localhost'><reason>"
	 "come</reason></invite></x></message>"},
	{"decline", "<message from='" F "' to='" ROOM "'><x xmlns='http://"
	 "jabber.org/protocol/muc#user'><decline to='" ROOM "/alba'><reason>"
	 "no</reason></decline></x></message>"},
	{"disco room info", "<iq from='" F "' to='" ROOM "' type='get' id='d1'>"
	 "<query xmlns='http://jabber.org/protocol/disco#info'/></iq>"},
	{"disco room items", "<iq from='" F "' to='" ROOM "' type='get' id='d2'>"
	 "<query xmlns='http://jabber.org/protocol/disco#items'/></iq>"},
	{"disco service info", "<iq from='" F "' to='" DOMAIN "' type='get'"
	 " id='d3'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>"},
	{"disco service items", "<iq from='" F "' to='" DOMAIN "' type='get'"
	 " id='d4'><query xmlns='http://jabber.org/protocol/disco#items'/></iq>"},
	{"config form", "<iq from='" A "' to='" ROOM "' type='get' id='cfg2'>"
	 NS_OWNER_Q "</query></iq>"},
	{"reconfigure", "<iq from='" A "' to='" ROOM "' type='set' id='cfg3'>"
	 NS_OWNER_Q "<x xmlns='jabber:x:data' type='submit'>"
	 FIELD("FORM_TYPE", "http://jabber.org/protocol/muc#roomconfig")
	 FIELD("muc#roomconfig_moderatedroom", "1")
	 FIELD("muc#roomconfig_whois", "anyone")
	 FIELD("muc#roomconfig_roomsecret", "s3cret")
	 "</x></query></iq>"},
	{"join fool (visitor)", "<presence from='" F "' to='" ROOM "/fool'>"
	 "<x xmlns='http://jabber.org/protocol/muc'><password>s3cret</password>"
	 "</x></presence>"},
	{"voice request", "<message from='" F "' to='" ROOM "'><x xmlns="
	 "'jabber:x:data' type='submit'>"
	 FIELD("FORM_TYPE", "http://jabber.org/protocol/muc#request")
	 FIELD("muc#role", "participant") "</x></message>"},
	{"voice approval", "<message from='" A "' to='" ROOM "'><x xmlns="
	 "'jabber:x:data' type='submit'>"
	 FIELD("FORM_TYPE", "http://jabber.org/protocol/muc#request")
	 FIELD("muc#role", "participant") FIELD("muc#jid", F)
	 FIELD("muc#request_allow", "true") "</x></message>"},
	{"carmen leaves", "<presence from='" C "' to='" ROOM "/carmen'"
	 " type='unavailable'><status>bye</status></presence>"},
	{"error bounce", "<message from='" E "' to='" ROOM "' type='error'"
	 " id='m1'><error type='cancel'><gone xmlns='urn:ietf:params:xml:ns:"
	 "xmpp-stanzas'/></error></message>"},
	{"C API", NULL},
	{"admin creates annex", "<presence from='" ADM "' to='" ROOM2 "/boss'>"
	 MUC "</presence>"},
	{"annex persistent", "<iq from='" ADM "' to='" ROOM2 "' type='set'"
	 " id='cfg4'>" NS_OWNER_Q "<x xmlns='jabber:x:data' type='submit'>"
	 FIELD("FORM_TYPE", "http://jabber.org/protocol/muc#roomconfig")
	 FIELD("muc#roomconfig_persistentroom", "1") "</x></query></iq>"},
	{"ad-hoc set-affiliation", "<iq from='" ADM "' to='" DOMAIN "' type="
	 "'set' id='h0'><command xmlns='http://jabber.org/protocol/commands'"
	 " node='http://prosody.im/protocol/muc#set-affiliation'><x xmlns="
	 "'jabber:x:data' type='submit'>" FIELD("room", ROOM)
	 FIELD("jid", "bruno@localhost") FIELD("affiliation", "member")
	 FIELD("reason", "trusted") "</x></command></iq>"},
	{"config lists", "<iq from='" ADM "' to='" ROOM2 "' type='set'"
	 " id='cfg5'>" NS_OWNER_Q "<x xmlns='jabber:x:data' type='submit'>"
	 FIELD("FORM_TYPE", "http://jabber.org/protocol/muc#roomconfig")
	 FIELD("muc#roomconfig_roomadmins", "carmen@localhost")
	 FIELD("muc#roomconfig_allowpm", "moderators") "</x></query></iq>"},
	{"ad-hoc form", "<iq from='" ADM "' to='" DOMAIN "' type='set' id='h1'>"
	 "<command xmlns='http://jabber.org/protocol/commands' node='http://"
	 "prosody.im/protocol/muc#destroy' action='execute'/></iq>"},
	{"ad-hoc destroy", "<iq from='" ADM "' to='" DOMAIN "' type='set' id='h2'>"
	 "<command xmlns='http://jabber.org/protocol/commands' node='http://"
	 "prosody.im/protocol/muc#destroy'><x xmlns='jabber:x:data'"
	 " type='submit'><field var='rooms'><value>" ROOM2 "</value></field>"
	 "</x></command></iq>"},
	{"tombstone", "<presence from='" F "' to='" ROOM2 "/fool'>" MUC
	 "</presence>"},
	{"restore annex", NULL},
	{"owner destroys", "<iq from='" A "' to='" ROOM "' type='set' id='x1'>"
	 NS_OWNER_Q "<destroy jid='elsewhere@" DOMAIN "'><reason>done"
	 "</reason><password>pw</password></destroy></query></iq>"},
	{"after destroy", "<message from='" B1 "' to='" ROOM "' type='groupchat'>"
	 "<body>anyone?</body></message>"},
	{"rejoin annex", "<presence from='" ADM "' to='" ROOM2 "/boss'>" MUC
	 "</presence>"},
	{"host stops", NULL},
};

static int count_occ(const muc_occupant_info *i, void *ud)
{
	(*(size_t *)ud) += i->real_jid_count;
	return 0;
}

static int count_aff(const muc_affiliation_info *i, void *ud)
{
	(void)i;
	(*(size_t *)ud)++;
	return 0;
}

static void api_step(run *r)
{
	muc_room *room;
	long before = r->mem.failed;
	size_t n = 0;
	int rc = MUC_OK;
	enter_step(r, "C API");
	r->delivered = 0;
	room = muc_service_find_room(r->svc, ROOM);
	if (room) {
		rc = muc_room_set_affiliation(room, NULL, "carmen@localhost",
					      MUC_AFFIL_MEMBER, "api");
		after_call(r, before, rc, true);
		before = r->mem.failed;
		room = muc_service_find_room(r->svc, ROOM);
	}
	if (room) {
		rc = muc_room_foreach_occupant(room, count_occ, &n);
		if (rc == MUC_OK)
			rc = muc_room_foreach_affiliation(room, count_aff, &n);
		(void)muc_room_get_affiliation(room, "bruno@localhost/x");
		after_call(r, before, rc, true);
	}
	if (r->verbose)
		printf("  %-28s %-28s %ld out\n", "C API", muc_strerror(rc),
		       r->delivered);
}

/* The annex, destroyed by the ad-hoc command, comes back from its saved
 * state (its tombstone does not stop a restore); then the host stops and
 * everyone is removed (332). */
static void restore_step(run *r)
{
	long before = r->mem.failed;
	int rc = MUC_OK;
	enter_step(r, "restore annex");
	r->delivered = 0;
	if (saved_annex_len) {
		rc = muc_service_restore_room(r->svc, saved_annex,
					      saved_annex_len);
		if (rc == MUC_ERR_CONFLICT)
			rc = MUC_OK; /* the destroy failed earlier */
		if (rc == MUC_ERR_PARSE)
			fail(r, "restore annex: its own saved state was "
			     "refused as MUC_ERR_PARSE (a store would set "
			     "the file aside as corrupt)");
	}
	after_call(r, before, rc, true);
}

static void host_stops_step(run *r)
{
	long before = r->mem.failed;
	int rc;
	enter_step(r, "host stops");
	r->delivered = 0;
	rc = muc_service_remove_all_occupants(r->svc);
	after_call(r, before, rc, true);
	if (rc == MUC_OK) {
		muc_room *room;
		for (room = r->svc->room_first; room; room = room->next)
			if (room->noccupants || !room->cfg.persistent)
				fail(r, "host stops: %s still has occupants or "
				     "is temporary", room->jid);
	}
}

/* Carmen's version query was forwarded to Alba with an id of the room's
 * making: Alba's client answers with that id. */
static void iq_result_step(run *r)
{
	char xml[1024];
	snprintf(xml, sizeof xml,
		 "<iq from='" A "' to='" ROOM "/carmen' type='result' id='%s'>"
		 "<query xmlns='jabber:iq:version'><name>c</name></query></iq>",
		 r->fwd_id[0] ? r->fwd_id : "none");
	feed(r, "iq result back", xml);
}

/* With the allocator healthy again: a new user, a new room, a message. */
static void probe(run *r)
{
	static const struct {
		const char *step, *xml;
		long want;
	} p[] = {
		{"probe: create", "<presence from='pat@localhost/p' to='probe@"
		 DOMAIN "/pat'>" MUC "</presence>", 2},
		{"probe: configure", "<iq from='pat@localhost/p' to='probe@"
		 DOMAIN "' type='set' id='pc'>" NS_OWNER_Q "<x xmlns='jabber:x:"
		 "data' type='submit'/></query></iq>", 1},
		{"probe: join", "<presence from='quin@localhost/q' to='probe@"
		 DOMAIN "/quin'>" MUC "</presence>", 4},
		{"probe: message", "<message from='pat@localhost/p' to='probe@"
		 DOMAIN "' type='groupchat'><body>ok?</body></message>", 2},
		{"probe: leave", "<presence from='quin@localhost/q' to='probe@"
		 DOMAIN "/quin' type='unavailable'/>", 2},
	};
	size_t i;
	r->mem.off = true;
	for (i = 0; i < sizeof p / sizeof *p; i++) {
		int rc = feed(r, p[i].step, p[i].xml);
		if (rc != MUC_OK || r->delivered != p[i].want)
			fail(r, "%s: the service is not usable after the "
			     "failure (%s, %ld stanzas, want %ld)",
			     p[i].step, muc_strerror(rc), r->delivered,
			     p[i].want);
	}
	r->mem.off = false;
}

/* One run of the scenario; fail_at < 0: no failure. */
static void scenario(run *r, long fail_at, bool sticky)
{
	muc_callbacks *cb;
	muc_allocator al;
	size_t i;
	int rc;
	memset(&r->mem, 0, sizeof r->mem);
	r->mem.fail_at = fail_at;
	r->mem.sticky = sticky;
	r->now = INT64_C(1700000000000);
	r->ids = 0;
	r->fwd_id[0] = '\0';
	r->failed = false;
	r->why[0] = '\0';
	r->nsilent = 0;
	r->svc = NULL;
	al.malloc = fa_malloc;
	al.realloc = fa_realloc;
	al.free = fa_free;
	al.mem_user_data = &r->mem;
	if (muc_callbacks_new(&cb) != MUC_OK) {
		fail(r, "muc_callbacks_new failed");
		return;
	}
	muc_callbacks_set_deliver(cb, deliver_hook);
	muc_callbacks_set_clock(cb, clock_hook);
	muc_callbacks_set_id(cb, id_hook);
	muc_callbacks_set_store(cb, store_save, store_remove);
	saved_annex_len = 0;
	enter_step(r, "muc_service_new");
	rc = muc_service_new(&r->svc, DOMAIN, cb, &al, r);
	muc_callbacks_del(cb);
	if (rc != MUC_OK) {
		if (rc != MUC_ERR_NOMEM || !r->mem.failed)
			fail(r, "muc_service_new: %s", muc_strerror(rc));
		if (r->svc)
			fail(r, "muc_service_new failed but set *out");
		if (r->mem.live)
			fail(r, "muc_service_new failed and leaked %ld blocks",
			     r->mem.live);
		return;
	}
	enter_step(r, "muc_service_add_admin");
	{
		long before = r->mem.failed;
		rc = muc_service_add_admin(r->svc, "admin@localhost");
		after_call(r, before, rc, true);
	}
	/* the options that add work: owner/admin lists, whois re-send */
	if (muc_service_set_option(r->svc, MUC_OPT_CONFIG_XEP_FIELDS, 1) ||
	    muc_service_set_option(r->svc, MUC_OPT_WHOIS_REPUBLISH, 1) ||
	    muc_service_set_option(r->svc, MUC_OPT_ARCHIVING, 1))
		fail(r, "muc_service_set_option refused");
	for (i = 0; i < sizeof steps / sizeof *steps; i++) {
		if (strcmp(steps[i][0], "iq result back") == 0)
			iq_result_step(r);
		else if (strcmp(steps[i][0], "C API") == 0)
			api_step(r);
		else if (strcmp(steps[i][0], "restore annex") == 0)
			restore_step(r);
		else if (strcmp(steps[i][0], "host stops") == 0)
			host_stops_step(r);
		else
			feed(r, steps[i][0], steps[i][1]);
	}
	probe(r);
	muc_service_free(r->svc);
	r->svc = NULL;
	if (r->mem.live != 0)
		fail(r, "%ld block(s) leaked after muc_service_free",
		     r->mem.live);
}

/* What a child reports to its parent. */
typedef struct report {
	bool failed;
	char why[600];
	size_t nsilent;
	char silent[8][40];
} report;

/* Runs one scenario in a child process (crash isolation); the result
 * comes back through a pipe. */
static void isolated(run *r, long fail_at, bool sticky)
{
	report rep;
	int fd[2], sfd[2], status;
	pid_t pid;
	size_t j;
	char last[40] = "?", rec[40];
	if (getenv("FAILALLOC_NOFORK")) {
		scenario(r, fail_at, sticky);
		return;
	}
	fflush(stdout);
	if (pipe(fd) != 0 || pipe(sfd) != 0) {
		perror("pipe");
		exit(2);
	}
	pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(2);
	}
	if (pid == 0) {
		close(fd[0]);
		close(sfd[0]);
		step_fd = sfd[1];
		scenario(r, fail_at, sticky);
		memset(&rep, 0, sizeof rep);
		rep.failed = r->failed;
		memcpy(rep.why, r->why, sizeof rep.why);
		rep.nsilent = r->nsilent < 8 ? r->nsilent : 8;
		for (j = 0; j < rep.nsilent; j++)
			snprintf(rep.silent[j], sizeof rep.silent[j], "%s",
				 r->silent[j]);
		if (write(fd[1], &rep, sizeof rep) != (ssize_t)sizeof rep)
			_exit(3);
		_exit(0);
	}
	close(fd[1]);
	close(sfd[1]);
	memset(&rep, 0, sizeof rep);
	/* the steps come first (the child writes its report at the end) */
	while (read(sfd[0], rec, sizeof rec) == (ssize_t)sizeof rec)
		memcpy(last, rec, sizeof last);
	last[sizeof last - 1] = '\0';
	close(sfd[0]);
	if (read(fd[0], &rep, sizeof rep) != (ssize_t)sizeof rep)
		rep.failed = true;
	close(fd[0]);
	waitpid(pid, &status, 0);
	if (WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status))) {
		rep.failed = true;
		snprintf(rep.why, sizeof rep.why,
			 "crashed in step '%s' (%s %d); rerun: "
			 "FAILALLOC_NOFORK=1 test-failalloc -k %ld%s",
			 last, WIFSIGNALED(status) ? "signal" : "exit status",
			 WIFSIGNALED(status) ? WTERMSIG(status)
					     : WEXITSTATUS(status),
			 fail_at + 1, sticky ? " -s" : "");
	}
	r->failed = rep.failed;
	memcpy(r->why, rep.why, sizeof r->why);
	r->nsilent = rep.nsilent;
	for (j = 0; j < rep.nsilent; j++) {
		static char names[8][40];
		memcpy(names[j], rep.silent[j], sizeof names[j]);
		r->silent[j] = names[j];
	}
}

int main(int argc, char **argv)
{
	static run r;
	long k, total, stride = 1, tried = 0;
	int passed = 0, failed = 0, shown = 0, i;
	long silent_runs = 0;
	const char *env = getenv("FAILALLOC_STEP");
	static char silent_seen[64][40];
	size_t nseen = 0, j, q;
	long only = -1;
	int only_sticky = -1;
	bool strict = false;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (env && atol(env) > 0)
		stride = atol(env);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-v") == 0)
			r.verbose++;
		else if (strcmp(argv[i], "-k") == 0 && i + 1 < argc)
			only = atol(argv[++i]) - 1;
		else if (strcmp(argv[i], "-s") == 0)
			only_sticky = 1;
		else if (strcmp(argv[i], "--strict") == 0)
			strict = true;
		else if (atol(argv[i]) > 0)
			stride = atol(argv[i]);
	}
	/* The healthy run: it must pass, and it counts the allocations. */
	if (r.verbose)
		printf("healthy run:\n");
	scenario(&r, -1, false);
	total = r.mem.count;
	if (r.failed) {
		printf("FAIL healthy run: %s\n", r.why);
		printf("0 passed, 1 failed\n");
		return 1;
	}
	passed++;
	if (only >= 0) {
		/* one k (as a crash report names it), verbose, in-process */
		scenario(&r, only, only_sticky == 1);
		printf("k=%ld%s: %s\n", only + 1, only_sticky == 1 ? " and on" : "",
		       r.failed ? r.why : "passed");
		return r.failed ? 1 : 0;
	}
	r.verbose = r.verbose > 2 ? r.verbose : 0;
	printf("failalloc: the scenario makes %ld allocations (K); trying k in "
	       "1..%ld%s, each alone and from k on\n",
	       total, total, stride > 1 ? " (a stride of them)" : "");
	for (k = 0; k < total; k += stride) {
		int sticky;
		tried++;
		for (sticky = 0; sticky < 2; sticky++) {
			isolated(&r, k, sticky != 0);
			if (!r.failed && strict && r.nsilent) {
				r.failed = true;
				snprintf(r.why, sizeof r.why, "'%s' lost an "
					 "allocation but returned MUC_OK",
					 r.silent[0]);
			}
			if (r.failed) {
				failed++;
				if (shown++ < 25)
					printf("FAIL k=%ld%s: %s\n", k + 1,
					       sticky ? " and on" : "", r.why);
			} else {
				passed++;
			}
			if (r.nsilent)
				silent_runs++;
			for (j = 0; j < r.nsilent; j++) {
				for (q = 0; q < nseen; q++)
					if (strcmp(silent_seen[q],
						   r.silent[j]) == 0)
						break;
				if (q == nseen && nseen < 64)
					snprintf(silent_seen[nseen++],
						 sizeof silent_seen[0], "%s",
						 r.silent[j]);
			}
		}
	}
	printf("failalloc: tried %ld values of k (of K=%ld), %ld runs\n", tried,
	       total, 2 * tried);
	if (nseen) {
		printf("warning: in %ld run(s) a call lost an allocation but "
		       "returned MUC_OK, in these steps:", silent_runs);
		for (q = 0; q < nseen; q++)
			printf("%s '%s'", q ? "," : "", silent_seen[q]);
		printf("\n");
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
