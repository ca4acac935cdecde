/* Durable state (issue 5): every piece of a room's durable state survives
 * muc_room_save -> muc_service_restore_room unchanged, the store hooks see
 * every change, and the directory store keeps its promises (names, atomic
 * files, bad files reported and left alone). Its own main; prints
 * "N passed, M failed". */
#define _DEFAULT_SOURCE /* mkdtemp */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "muc.h"

#define DOMAIN "conference.localhost"
#define OWNER "owner@localhost/desk"


/* ---- A service whose hooks record everything --------------------------- */

typedef struct saved {
	char *jid, *doc; /* doc NULL: removed */
} saved;

typedef struct host {
	muc_service *svc;
	char *out;       /* every stanza delivered, one per line */
	size_t out_len;
	saved rooms[64];
	int nrooms, saves, removes;
	unsigned ids;
	muc_dir_store *store; /* when set, the hooks also write here */
	int store_may_fail;
} host;

static int h_deliver(const muc_stanza_out *st, void *ud)
{
	host *h = ud;
	char *p = realloc(h->out, h->out_len + st->len + 2);
	if (!p)
		return -1;
	h->out = p;
	memcpy(h->out + h->out_len, st->xml, st->len);
	h->out_len += st->len;
	h->out[h->out_len++] = '\n';
	h->out[h->out_len] = '\0';
	return 0;
}

static int64_t h_clock(void *ud)
{
	(void)ud;
	return 1700000000123; /* the same in every service: stamps compare */
}

static size_t h_id(char *buf, size_t cap, void *ud)
{
	host *h = ud;
	return (size_t)snprintf(buf, cap, "id%u", ++h->ids);
}

static saved *slot(host *h, const char *jid)
{
	int i;
	for (i = 0; i < h->nrooms; i++)
		if (!strcmp(h->rooms[i].jid, jid))
			return &h->rooms[i];
	h->rooms[h->nrooms].jid = strdup(jid);
	h->rooms[h->nrooms].doc = NULL;
	return &h->rooms[h->nrooms++];
}

static int h_save(const char *jid, const char *data, size_t len, void *ud)
{
	host *h = ud;
	saved *s = slot(h, jid);
	CHECK(data[len] == '\0' && strlen(data) == len, "save data is a string");
	free(s->doc);
	s->doc = strndup(data, len);
	h->saves++;
	if (h->store) {
		int rc = muc_dir_store_save(jid, data, len, h->store);
		CHECK(rc == MUC_OK || h->store_may_fail,
		      "dir store save %s: %s (%s)", jid, muc_strerror(rc),
		      strerror(errno));
		return rc;
	}
	return 0;
}

static int h_remove(const char *jid, void *ud)
{
	host *h = ud;
	saved *s = slot(h, jid);
	free(s->doc);
	s->doc = NULL;
	h->removes++;
	return h->store ? muc_dir_store_remove(jid, h->store) : 0;
}

static const char *last_saved(host *h, const char *jid)
{
	return slot(h, jid)->doc;
}

static void host_init(host *h, muc_dir_store *store)
{
	muc_callbacks *cb;
	memset(h, 0, sizeof *h);
	h->store = store;
	muc_callbacks_new(&cb);
	muc_callbacks_set_deliver(cb, h_deliver);
	muc_callbacks_set_clock(cb, h_clock);
	muc_callbacks_set_id(cb, h_id);
	muc_callbacks_set_store(cb, h_save, h_remove);
	if (muc_service_new(&h->svc, DOMAIN, cb, NULL, h) != MUC_OK) {
		printf("cannot create a service\n");
		exit(1);
	}
	muc_callbacks_del(cb);
	muc_service_add_admin(h->svc, "admin@localhost");
}

static void host_free(host *h)
{
	int i;
	muc_service_free(h->svc);
	for (i = 0; i < h->nrooms; i++) {
		free(h->rooms[i].jid);
		free(h->rooms[i].doc);
	}
	free(h->out);
}

static void clear_out(host *h)
{
	h->out_len = 0;
	if (h->out)
		h->out[0] = '\0';
}

static int feed_raw(host *h, const char *xml)
{
	return muc_service_feed(h->svc, xml, strlen(xml));
}

static int feed(host *h, const char *xml)
{
	int rc = muc_service_feed(h->svc, xml, strlen(xml));
	CHECK(rc == MUC_OK, "feed returned %s for %.60s", muc_strerror(rc), xml);
	return rc;
}

static char *save_room(host *h, const char *jid)
{
	muc_room *r = muc_service_find_room(h->svc, jid);
	char *doc = NULL, *copy;
	size_t len = 0;
	if (!r || muc_room_save(r, &doc, &len) != MUC_OK)
		return NULL;
	copy = strndup(doc, len);
	muc_service_free_buffer(h->svc, doc);
	return copy;
}

/* ---- Building a room with every piece of durable state ----------------- */

#define FULL "full@" DOMAIN
#define FORM_TYPE                                                         \
	"<field var='FORM_TYPE'><value>"                                   \
	"http://jabber.org/protocol/muc#roomconfig</value></field>"

static const char join_owner[] =
	"<presence from='" OWNER "' to='" FULL "/Boss'>"
	"<x xmlns='http://jabber.org/protocol/muc'/></presence>";

static const char config_all[] =
	"<iq from='" OWNER "' to='" FULL "' type='set' id='cfg'>"
	"<query xmlns='http://jabber.org/protocol/muc#owner'>"
	"<x xmlns='jabber:x:data' type='submit'>"
	"<field var='FORM_TYPE'><value>"
	"http://jabber.org/protocol/muc#roomconfig</value></field>"
	"<field var='muc#roomconfig_roomname'><value>Full &amp; &lt;Room&gt;"
	"</value></field>"
	"<field var='muc#roomconfig_roomdesc'><value>d&apos;esc \"q\" "
	"\xc3\xbcnic\xc3\xb6""de</value></field>"
	"<field var='muc#roomconfig_lang'><value>de</value></field>"
	"<field var='muc#roomconfig_persistentroom'><value>1</value></field>"
	"<field var='muc#roomconfig_publicroom'><value>1</value></field>"
	"<field var='muc#roomconfig_roomsecret'><value>pw&amp;1</value></field>"
	"<field var='muc#roomconfig_membersonly'><value>1</value></field>"
	"<field var='{http://prosody.im/protocol/muc}roomconfig_"
	"allowmemberinvites'><value>1</value></field>"
	"<field var='muc#roomconfig_changesubject'><value>1</value></field>"
	"<field var='muc#roomconfig_moderatedroom'><value>1</value></field>"
	"<field var='muc#roomconfig_whois'><value>anyone</value></field>"
	"<field var='muc#roomconfig_historylength'><value>7</value></field>"
	"<field var='muc#roomconfig_defaulthistorymessages'><value>3</value>"
	"</field>"
	"<field var='muc#roomconfig_presencebroadcast'><value>moderator"
	"</value><value>participant</value></field>"
	"<field var='muc#roomconfig_allowpm'><value>moderators</value></field>"
	"<field var='{xmpp:prosody.im}muc#allow_modpm'><value>1</value></field>"
	"<field var='muc#roomconfig_maxusers'><value>42</value></field>"
	"</x></query></iq>";

static const char admin_items[] =
	"<iq from='" OWNER "' to='" FULL "' type='set' id='adm'>"
	"<query xmlns='http://jabber.org/protocol/muc#admin'>"
	"<item affiliation='member' jid='mem@localhost' nick='Memmy'>"
	"<reason>trusted &amp; true</reason></item>"
	"<item affiliation='admin' jid='adm@localhost'/>"
	"<item affiliation='owner' jid='co@localhost'>"
	"<reason>co-owner</reason></item>"
	"<item affiliation='outcast' jid='bad@localhost'>"
	"<reason>spam &lt;links&gt;</reason></item>"
	"<item affiliation='outcast' jid='evil.example'/>"
	"</query></iq>";

static const char set_subject[] =
	"<message from='" OWNER "' to='" FULL "' type='groupchat'>"
	"<subject>Topic &lt;1&gt; &amp; 'two'</subject></message>";

static const char leave_owner[] =
	"<presence from='" OWNER "' to='" FULL "/Boss' type='unavailable'/>";

/* Requests whose answers depend on the durable state only. */
static const char *const probes[] = {
	"<iq from='" OWNER "' to='" FULL "' type='get' id='p1'>"
	"<query xmlns='http://jabber.org/protocol/muc#owner'/></iq>",
	"<iq from='someone@localhost/x' to='" FULL "' type='get' id='p2'>"
	"<query xmlns='http://jabber.org/protocol/disco#info'/></iq>",
	"<iq from='" OWNER "' to='" FULL "' type='get' id='p3'>"
	"<query xmlns='http://jabber.org/protocol/muc#admin'>"
	"<item affiliation='member'/></query></iq>",
	"<iq from='" OWNER "' to='" FULL "' type='get' id='p4'>"
	"<query xmlns='http://jabber.org/protocol/muc#admin'>"
	"<item affiliation='outcast'/></query></iq>",
	"<iq from='mem@localhost/a' to='" FULL "' type='get' id='p5'>"
	"<query xmlns='http://jabber.org/protocol/disco#info' "
	"node='x-roomuser-item'/></iq>",
	/* joins: occupant ids (the salt), the subject, password, members */
	"<presence from='stranger@localhost/a' to='" FULL "/S'>"
	"<x xmlns='http://jabber.org/protocol/muc'/></presence>",
	"<presence from='mem@localhost/a' to='" FULL "/Memmy'>"
	"<x xmlns='http://jabber.org/protocol/muc'><password>pw&amp;1"
	"</password></x></presence>",
	"<presence from='bad@localhost/a' to='" FULL "/B'>"
	"<x xmlns='http://jabber.org/protocol/muc'/></presence>",
	"<presence from='x@evil.example/a' to='" FULL "/E'>"
	"<x xmlns='http://jabber.org/protocol/muc'/></presence>",
	NULL};

static char *probe_all(host *h)
{
	int i;
	clear_out(h);
	for (i = 0; probes[i]; i++)
		feed(h, probes[i]);
	return strdup(h->out ? h->out : "");
}

typedef struct aff_list {
	char buf[4096];
	size_t len;
} aff_list;

static int add_aff(const muc_affiliation_info *ai, void *ud)
{
	aff_list *l = ud;
	l->len += (size_t)snprintf(l->buf + l->len, sizeof l->buf - l->len,
				   "%s=%s reason=%s nick=%s;", ai->jid,
				   muc_affiliation_name(ai->affiliation),
				   ai->reason ? ai->reason : "-",
				   ai->nick ? ai->nick : "-");
	return 0;
}

static void affs(host *h, const char *jid, aff_list *l)
{
	l->len = 0;
	l->buf[0] = '\0';
	muc_room_foreach_affiliation(muc_service_find_room(h->svc, jid),
				     add_aff, l);
}

static void test_round_trip(void)
{
	host a, b;
	char *doc, *doc2, *pa, *pb;
	aff_list la, lb;
	const char *piece[] = {
		"jid='" FULL "'", ">Full &amp; &lt;Room&gt;<", "d&apos;esc",
		">de<", "'password'>pw&amp;1<", "'public'>1<",
		"'persistent'>1<", "'members_only'>1<",
		"'allow_member_invites'>1<", "'moderated'>1<",
		"'change_subject'>1<", ">anyone<", "'allow_pm'>moderator<",
		"'allow_modpm'>1<", "'max_users'>42<", "'history_length'>7<",
		"'default_history'>3<", "<salt>", "<subject",
		"stamp='1700000000123'", "Topic &lt;1&gt;", "nick='Memmy'",
		"spam &lt;links&gt;", "'evil.example'",
		"affiliation='admin'", "jid='co@localhost'", NULL};
	int i;

	host_init(&a, NULL);
	feed(&a, join_owner);
	feed(&a, config_all);
	CHECK(last_saved(&a, FULL) != NULL, "configuring a persistent room saves it");
	feed(&a, admin_items);
	feed(&a, set_subject);
	feed(&a, leave_owner);
	CHECK(muc_service_find_room(a.svc, FULL) != NULL,
	      "a persistent room outlives its last occupant");
	doc = save_room(&a, FULL);
	CHECK(doc != NULL, "muc_room_save");
	if (!doc)
		return;
	CHECK(last_saved(&a, FULL) && !strcmp(last_saved(&a, FULL), doc),
	      "the store hook got the current state:\n%s\nvs\n%s",
	      last_saved(&a, FULL), doc);
	for (i = 0; piece[i]; i++)
		CHECK(strstr(doc, piece[i]) != NULL, "document holds %s:\n%s",
		      piece[i], doc);

	host_init(&b, NULL);
	CHECK(muc_service_restore_room(b.svc, doc, strlen(doc)) == MUC_OK,
	      "restore");
	CHECK(b.out_len == 0, "restoring sends nothing");
	CHECK(b.saves == 0, "restoring does not save");
	CHECK(muc_service_restore_room(b.svc, doc, strlen(doc)) ==
		      MUC_ERR_CONFLICT, "restoring twice is a conflict");
	doc2 = save_room(&b, FULL);
	CHECK(doc2 && !strcmp(doc, doc2), "saved again, byte for byte:\n%s\n%s",
	      doc, doc2 ? doc2 : "(null)");
	affs(&a, FULL, &la);
	affs(&b, FULL, &lb);
	CHECK(!strcmp(la.buf, lb.buf), "affiliations:\n%s\n%s", la.buf, lb.buf);
	CHECK(muc_room_get_affiliation(muc_service_find_room(b.svc, FULL),
				       "x@evil.example/r") == MUC_AFFIL_OUTCAST,
	      "domain ban restored");
	pa = probe_all(&a);
	pb = probe_all(&b);
	CHECK(!strcmp(pa, pb), "the rooms answer alike:\n--- original\n%s"
	      "--- restored\n%s", pa, pb);
	CHECK(strstr(pb, "Topic &lt;1&gt;") != NULL, "subject sent on join");
	free(pa);
	free(pb);
	free(doc2);

	/* A change in the restored room is saved through its hooks. */
	b.saves = 0;
	feed(&b, "<iq from='" OWNER "' to='" FULL "' type='set' id='a2'>"
		 "<query xmlns='http://jabber.org/protocol/muc#admin'>"
		 "<item affiliation='none' jid='adm@localhost'/></query></iq>");
	CHECK(b.saves == 1 && last_saved(&b, FULL) &&
		      !strstr(last_saved(&b, FULL), "adm@localhost"),
	      "affiliation change in a restored room saved");
	/* Becoming temporary removes it from the store; destroying too. */
	feed(&b, "<iq from='" OWNER "' to='" FULL "' type='set' id='c2'>"
		 "<query xmlns='http://jabber.org/protocol/muc#owner'>"
		 "<x xmlns='jabber:x:data' type='submit'>" FORM_TYPE
		 "<field var='muc#roomconfig_persistentroom'><value>0</value>"
		 "</field></x></query></iq>");
	CHECK(b.removes == 1 && !last_saved(&b, FULL),
	      "a room made temporary is removed from the store (%d): %s",
	      b.removes, b.out);
	a.removes = 0;
	feed(&a, "<iq from='" OWNER "' to='" FULL "' type='set' id='d1'>"
		 "<query xmlns='http://jabber.org/protocol/muc#owner'>"
		 "<destroy/></query></iq>");
	CHECK(a.removes == 1 && !last_saved(&a, FULL),
	      "a destroyed room is removed from the store");
	free(doc);
	host_free(&a);
	host_free(&b);
}

/* Temporary rooms never reach the store; a locked room's document round
 * trips; the subject alone triggers a save. */
static void test_other_states(void)
{
	host a, b;
	char *doc, *doc2;
	host_init(&a, NULL);
	feed(&a, "<presence from='" OWNER "' to='tmp@" DOMAIN "/Boss'>"
		 "<x xmlns='http://jabber.org/protocol/muc'/></presence>");
	feed(&a, "<iq from='" OWNER "' to='tmp@" DOMAIN "' type='set' id='c'>"
		 "<query xmlns='http://jabber.org/protocol/muc#owner'>"
		 "<x xmlns='jabber:x:data' type='submit'/></query></iq>");
	feed(&a, "<message from='" OWNER "' to='tmp@" DOMAIN "' "
		 "type='groupchat'><subject>s</subject></message>");
	CHECK(a.saves == 0 && a.removes == 0, "a temporary room is not saved");
	feed(&a, "<presence from='" OWNER "' to='tmp@" DOMAIN "/Boss' "
		 "type='unavailable'/>");
	CHECK(!muc_service_find_room(a.svc, "tmp@" DOMAIN),
	      "a temporary room goes with its last occupant");

	feed(&a, "<presence from='" OWNER "' to='locked@" DOMAIN "/Boss'>"
		 "<x xmlns='http://jabber.org/protocol/muc'/></presence>");
	doc = save_room(&a, "locked@" DOMAIN);
	CHECK(doc && strstr(doc, "<locked/>"), "a new room is locked: %s",
	      doc ? doc : "(null)");
	host_init(&b, NULL);
	CHECK(doc && muc_service_restore_room(b.svc, doc, strlen(doc)) ==
			     MUC_OK, "restore a locked room");
	doc2 = save_room(&b, "locked@" DOMAIN);
	CHECK(doc && doc2 && !strcmp(doc, doc2), "locked room round trip");
	clear_out(&b);
	feed(&b, "<presence from='x@localhost/a' to='locked@" DOMAIN "/X'>"
		 "<x xmlns='http://jabber.org/protocol/muc'/></presence>");
	CHECK(b.out && strstr(b.out, "item-not-found"),
	      "the restored room is still locked: %s", b.out ? b.out : "");
	free(doc);
	free(doc2);

	/* Subject change alone on a persistent room. */
	feed(&a, "<presence from='" OWNER "' to='p@" DOMAIN "/Boss'>"
		 "<x xmlns='http://jabber.org/protocol/muc'/></presence>");
	feed(&a, "<iq from='" OWNER "' to='p@" DOMAIN "' type='set' id='c'>"
		 "<query xmlns='http://jabber.org/protocol/muc#owner'>"
		 "<x xmlns='jabber:x:data' type='submit'>" FORM_TYPE "<field "
		 "var='muc#roomconfig_persistentroom'><value>1</value></field>"
		 "</x></query></iq>");
	a.saves = 0;
	feed(&a, "<message from='" OWNER "' to='p@" DOMAIN "' "
		 "type='groupchat'><subject>new</subject></message>");
	CHECK(a.saves == 1 && last_saved(&a, "p@" DOMAIN) &&
		      strstr(last_saved(&a, "p@" DOMAIN), ">new</subject>"),
	      "a subject change is saved");

	/* Documents that must not restore. */
	{
		static const char *const bad[] = {
			"", "<room", "not xml at all",
			"<room xmlns='urn:xmpp:libmuc:room:1' jid='x@" DOMAIN "'>"
			"<salt>s</salt>",
			"<room xmlns='urn:xmpp:libmuc:room:1' jid='x@" DOMAIN "'>"
			"<option name='max_users'>-5</option><salt>s</salt></room>",
			"<room xmlns='urn:xmpp:libmuc:room:1' jid='x@" DOMAIN "'>"
			"<option name='persistent'>yes</option><salt>s</salt></room>",
			"<room xmlns='urn:xmpp:libmuc:room:1' jid='x@" DOMAIN "'>"
			"<affiliation jid='a@b' affiliation='king'/><salt>s</salt>"
			"</room>",
			"<room xmlns='urn:other' jid='x@" DOMAIN "'><salt>s</salt>"
			"</room>",
			"<room xmlns='urn:xmpp:libmuc:room:1' jid='" DOMAIN "'>"
			"<salt>s</salt></room>",
			NULL};
		int i;
		for (i = 0; bad[i]; i++)
			CHECK(muc_service_restore_room(b.svc, bad[i],
						       strlen(bad[i])) ==
				      MUC_ERR_PARSE,
			      "refused: %s", bad[i]);
		CHECK(muc_service_restore_room(
			      b.svc,
			      "<room xmlns='urn:xmpp:libmuc:room:1' "
			      "jid='x@other.example'><salt>s</salt></room>",
			      strlen("<room xmlns='urn:xmpp:libmuc:room:1' "
				     "jid='x@other.example'><salt>s</salt>"
				     "</room>")) == MUC_ERR_NOT_FOR_US,
		      "another service's room");
		CHECK(!muc_service_find_room(b.svc, "x@" DOMAIN),
		      "no room is left behind by a refused document");
	}
	host_free(&a);
	host_free(&b);
}

/* ---- The directory store ------------------------------------------------ */

static char dir[256];

typedef struct reports {
	char text[8192];
	int n;
} reports;

static void on_report(const char *file, const char *reason, void *ud)
{
	reports *r = ud;
	size_t l = strlen(r->text);
	snprintf(r->text + l, sizeof r->text - l, "%s: %s\n", file, reason);
	r->n++;
}

static int file_exists(const char *name)
{
	char p[4096];
	struct stat sb;
	snprintf(p, sizeof p, "%s/%s", dir, name);
	return stat(p, &sb) == 0;
}

static void write_file(const char *name, const char *text)
{
	char p[4096];
	FILE *f;
	snprintf(p, sizeof p, "%s/%s", dir, name);
	f = fopen(p, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static char *read_whole(const char *name)
{
	char p[4096], *buf;
	FILE *f;
	long n;
	snprintf(p, sizeof p, "%s/%s", dir, name);
	if (!(f = fopen(p, "r")))
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static int count_files(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;
	while (d && (de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	if (d)
		closedir(d);
	return n;
}

static void make_persistent(host *h, const char *room)
{
	char xml[4096];
	snprintf(xml, sizeof xml,
		 "<presence from='" OWNER "' to='%s/Boss'>"
		 "<x xmlns='http://jabber.org/protocol/muc'/></presence>", room);
	feed(h, xml);
	snprintf(xml, sizeof xml,
		 "<iq from='" OWNER "' to='%s' type='set' id='c'>"
		 "<query xmlns='http://jabber.org/protocol/muc#owner'>"
		 "<x xmlns='jabber:x:data' type='submit'>" FORM_TYPE "<field "
		 "var='muc#roomconfig_persistentroom'><value>1</value></field>"
		 "</x></query></iq>", room);
	feed(h, xml);
}

static void test_dir_store(void)
{
	muc_dir_store *st, *st2;
	host h, g;
	reports rep;
	char path[300], longroom[1100], *doc, *before, *after;
	int rc, n;

	snprintf(dir, sizeof dir, "/tmp/libmuc-store-test.XXXXXX");
	CHECK(mkdtemp(dir) != NULL, "mkdtemp");
	snprintf(path, sizeof path, "%s/rooms", dir);
	CHECK(muc_dir_store_open(&st, path) == MUC_OK,
	      "open creates the directory");
	CHECK(muc_dir_store_open(&st2, path) == MUC_ERR_IO,
	      "a second store on the same directory is refused");
	write_file("plain", "x");
	snprintf(path, sizeof path, "%s/plain", dir);
	CHECK(muc_dir_store_open(&st2, path) == MUC_ERR_IO && errno == ENOTDIR,
	      "a file is not a store directory");
	snprintf(path, sizeof path, "%s/no/such/parent", dir);
	CHECK(muc_dir_store_open(&st2, path) == MUC_ERR_IO,
	      "a directory under a missing parent");
	CHECK(muc_dir_store_open(NULL, path) == MUC_ERR_INVALID &&
		      muc_dir_store_save(NULL, "x", 1, NULL) == MUC_ERR_INVALID,
	      "NULL arguments");
	strcat(dir, "/rooms");

	host_init(&h, st);
	make_persistent(&h, "plain@" DOMAIN);
	make_persistent(&h, ".dot%20and+more@" DOMAIN);
	memset(longroom, 'l', 1000);
	strcpy(longroom + 1000, "@" DOMAIN);
	make_persistent(&h, longroom);
	make_persistent(&h, "cut@" DOMAIN);
	CHECK(file_exists("plain@conference.localhost.xml"),
	      "file named after the room");
	CHECK(file_exists("%2Edot%2520and%2Bmore@conference.localhost.xml"),
	      "odd bytes and a leading dot are escaped");
	CHECK(count_files() == 4, "one file per room (%d)", count_files());
	doc = save_room(&h, "plain@" DOMAIN);
	before = read_whole("plain@conference.localhost.xml");
	CHECK(doc && before && !strcmp(doc, before), "the file is the document");
	free(doc);
	free(before);

	/* A room made temporary leaves the store, and its file goes. */
	make_persistent(&h, "gone@" DOMAIN);
	CHECK(file_exists("gone@conference.localhost.xml"), "gone saved");
	feed(&h, "<iq from='" OWNER "' to='gone@" DOMAIN "' type='set' id='d'>"
		 "<query xmlns='http://jabber.org/protocol/muc#owner'>"
		 "<destroy/></query></iq>");
	CHECK(!file_exists("gone@conference.localhost.xml"),
	      "a destroyed room's file is removed");
	CHECK(muc_dir_store_remove("never@" DOMAIN, st) == MUC_OK,
	      "removing a room that has no file is fine");
	host_free(&h);
	muc_dir_store_close(st);

	/* Bad files next to good ones. */
	write_file("junk@conference.localhost.xml", "<<<not xml");
	write_file("empty@conference.localhost.xml", "");
	before = read_whole("cut@conference.localhost.xml");
	if (before) {
		before[strlen(before) / 2] = '\0'; /* as a torn write would */
		write_file("cut@conference.localhost.xml", before);
		free(before);
	}
	write_file("x@other.example.xml",
		   "<room xmlns='urn:xmpp:libmuc:room:1' jid='x@other.example'>"
		   "<salt>s</salt></room>");
	write_file("liar@conference.localhost.xml",
		   "<room xmlns='urn:xmpp:libmuc:room:1' "
		   "jid='plain@conference.localhost'><salt>s</salt></room>");
	write_file("README", "notes");
	write_file(".leftover@conference.localhost.xml.tmp", "half");
	write_file(".someone-elses.tmp", "keep");

	CHECK(muc_dir_store_open(&st, dir) == MUC_OK, "reopen");
	host_init(&g, st);
	memset(&rep, 0, sizeof rep);
	n = muc_dir_store_load(st, g.svc, on_report, &rep);
	CHECK(n == 3, "the three good rooms load (%d)", n);
	CHECK(muc_service_find_room(g.svc, "plain@" DOMAIN) &&
		      muc_service_find_room(g.svc, ".dot%20and+more@" DOMAIN) &&
		      muc_service_find_room(g.svc, longroom),
	      "by their names");
	CHECK(rep.n == 6, "six bad files reported (%d):\n%s", rep.n, rep.text);
	CHECK(strstr(rep.text, "junk@conference.localhost.xml: not a valid") &&
		      strstr(rep.text, "cut@conference.localhost.xml: not a valid") &&
		      strstr(rep.text, "empty@conference.localhost.xml: empty") &&
		      strstr(rep.text, "x@other.example.xml: a room of another") &&
		      strstr(rep.text, "liar@conference.localhost.xml: holds room") &&
		      strstr(rep.text, "README: not a room file"),
	      "each with its reason:\n%s", rep.text);
	CHECK(!file_exists(".leftover@conference.localhost.xml.tmp"),
	      "a half-written temporary file is cleared");
	CHECK(file_exists(".someone-elses.tmp"),
	      "a dot file that is not ours is left alone");
	CHECK(g.saves == 0, "loading saves nothing");

	/* Loading again: the rooms are there already; their files stay
	 * writable (they are good files). */
	memset(&rep, 0, sizeof rep);
	n = muc_dir_store_load(st, g.svc, on_report, &rep);
	CHECK(n == 0 && strstr(rep.text, "plain@conference.localhost.xml: a room "
					 "of that name is already"),
	      "a second load restores nothing and says why (%d):\n%s", n,
	      rep.text);
	CHECK(muc_dir_store_save("plain@" DOMAIN, "<x/>", 4, st) == MUC_OK,
	      "and does not make good files read-only");
	doc = save_room(&g, "plain@" DOMAIN);
	CHECK(doc && muc_dir_store_save("plain@" DOMAIN, doc, strlen(doc), st) ==
			     MUC_OK, "put it back");
	free(doc);

	/* A bad file is never written over nor removed. */
	before = read_whole("junk@conference.localhost.xml");
	rc = muc_dir_store_save("junk@" DOMAIN, "<room/>", 7, st);
	CHECK(rc == MUC_ERR_IO && errno == EEXIST,
	      "saving over a bad file is refused");
	rc = muc_dir_store_remove("junk@" DOMAIN, st);
	CHECK(rc == MUC_ERR_IO, "removing a bad file is refused");
	after = read_whole("junk@conference.localhost.xml");
	CHECK(before && after && !strcmp(before, after), "bad file untouched");
	free(before);
	free(after);
	g.store_may_fail = 1;
	feed(&g, "<presence from='" OWNER "' to='junk@" DOMAIN "/Boss'>"
		 "<x xmlns='http://jabber.org/protocol/muc'/></presence>");
	rc = feed_raw(&g, "<iq from='" OWNER "' to='junk@" DOMAIN "' "
			  "type='set' id='c'><query xmlns='http://jabber.org/"
			  "protocol/muc#owner'><x xmlns='jabber:x:data' "
			  "type='submit'>" FORM_TYPE "<field var='muc#"
			  "roomconfig_persistentroom'><value>1</value></field>"
			  "</x></query></iq>");
	CHECK(rc == MUC_ERR_CALLBACK,
	      "the failed save is reported to the feeder (%s)",
	      muc_strerror(rc));
	after = read_whole("junk@conference.localhost.xml");
	CHECK(after && !strcmp(after, "<<<not xml"),
	      "a new room of that name does not overwrite it");
	free(after);
	host_free(&g);
	muc_dir_store_close(st);
	if (!failed) {
		char cmd[300];
		dir[strlen(dir) - strlen("/rooms")] = '\0';
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			printf("could not remove %s\n", dir);
	}
}

int main(void)
{
	test_round_trip();
	test_other_states();
	test_dir_store();
	printf("store-test: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
