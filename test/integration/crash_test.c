/* Crash test (issue 5): a child process changes affiliations, configuration
 * and subjects of persistent rooms kept in a muc_dir_store, telling the
 * parent through a pipe each change the store acknowledged; the parent
 * SIGKILLs it at a random moment, loads the directory into a fresh service
 * and checks that every file parses and that the rooms are exactly what the
 * acknowledged changes make (or that plus the one change in flight, which
 * may have reached the disk before its acknowledgement). Then it restarts
 * the child from there, ROUNDS times. Its own main; prints
 * "N passed, M failed". Each change is a deterministic function of its
 * sequence number, so the parent replays them on an in-memory model. */
#define _DEFAULT_SOURCE /* mkdtemp */

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "muc.h"

#define DOMAIN "conference.localhost"
#define OWNER "owner@localhost/desk"
#define NROOMS 3
#define ROUNDS 80


/* ---- The changes ------------------------------------------------------ */

static int drop(const muc_stanza_out *st, void *ud)
{
	(void)st, (void)ud;
	return 0;
}

static int64_t fixed_clock(void *ud)
{
	(void)ud;
	return 1700000000000;
}

static muc_service *new_service(muc_dir_store *store)
{
	muc_callbacks *cb;
	muc_service *s = NULL;
	muc_callbacks_new(&cb);
	muc_callbacks_set_deliver(cb, drop);
	muc_callbacks_set_clock(cb, fixed_clock);
	if (store)
		muc_callbacks_set_store(cb, muc_dir_store_save,
					muc_dir_store_remove);
	if (muc_service_new(&s, DOMAIN, cb, NULL, store) != MUC_OK)
		exit(90);
	muc_callbacks_del(cb);
	return s;
}

static unsigned mix(unsigned x)
{
	x ^= x >> 16;
	x *= 0x7feb352dU;
	x ^= x >> 15;
	x *= 0x846ca68bU;
	return x ^ (x >> 16);
}

static int feedf(muc_service *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int feedf(muc_service *s, const char *fmt, ...)
{
	char xml[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(xml, sizeof xml, fmt, ap);
	va_end(ap);
	return muc_service_feed(s, xml, strlen(xml));
}

#define CONFIG_HEAD                                                       \
	"<iq from='" OWNER "' to='r%u@" DOMAIN "' type='set' id='c'>"     \
	"<query xmlns='http://jabber.org/protocol/muc#owner'>"            \
	"<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'>"  \
	"<value>http://jabber.org/protocol/muc#roomconfig</value></field>"

/* Change number 'seq' (from 1). Returns 0 when it is done and stored. */
static int apply(muc_service *s, unsigned seq)
{
	unsigned h = mix(seq), room = (h >> 8) % NROOMS, u = (h >> 12) % 12;
	static const muc_affiliation affs[] = {
		MUC_AFFIL_MEMBER, MUC_AFFIL_ADMIN, MUC_AFFIL_OUTCAST,
		MUC_AFFIL_NONE, MUC_AFFIL_OWNER, MUC_AFFIL_MEMBER};
	char jid[64], rjid[64], reason[32];
	int rc = 0;
	if (seq <= NROOMS) { /* the rooms are made first */
		room = seq - 1;
		rc = feedf(s, "<presence from='" OWNER "' to='r%u@" DOMAIN
			   "/Boss'><x xmlns='http://jabber.org/protocol/muc'/>"
			   "</presence>", room);
		rc = rc ? rc : feedf(s, CONFIG_HEAD
			   "<field var='muc#roomconfig_persistentroom'><value>1"
			   "</value></field></x></query></iq>", room);
		return rc ? rc : feedf(s, "<presence from='" OWNER "' to='r%u@"
				      DOMAIN "/Boss' type='unavailable'/>", room);
	}
	switch (h % 4) {
	case 0: /* an affiliation through the C API */
		snprintf(jid, sizeof jid, "u%u@localhost", u);
		snprintf(reason, sizeof reason, "why %u", seq);
		snprintf(rjid, sizeof rjid, "r%u@" DOMAIN, room);
		return muc_room_set_affiliation(muc_service_find_room(s, rjid),
						NULL, jid, affs[(h >> 4) % 6],
						reason);
	case 1: /* the configuration */
		return feedf(s, CONFIG_HEAD
			"<field var='muc#roomconfig_roomname'><value>name %u"
			"</value></field>"
			"<field var='muc#roomconfig_roomdesc'><value>desc %u"
			"</value></field>"
			"<field var='muc#roomconfig_membersonly'><value>%u"
			"</value></field>"
			"<field var='muc#roomconfig_moderatedroom'><value>%u"
			"</value></field>"
			"<field var='muc#roomconfig_historylength'><value>%u"
			"</value></field></x></query></iq>",
			room, seq, seq, seq & 1, (seq >> 1) & 1, seq % 40);
	case 2: /* the subject, set by the owner from inside */
		rc = feedf(s, "<presence from='" OWNER "' to='r%u@" DOMAIN
			   "/Boss'><x xmlns='http://jabber.org/protocol/muc'/>"
			   "</presence>", room);
		rc = rc ? rc : feedf(s, "<message from='" OWNER "' to='r%u@"
				     DOMAIN "' type='groupchat'><subject>topic "
				     "%u</subject></message>", room, seq);
		return rc ? rc : feedf(s, "<presence from='" OWNER "' to='r%u@"
				      DOMAIN "/Boss' type='unavailable'/>", room);
	default: /* a member with a reserved nickname, through muc#admin */
		return feedf(s, "<iq from='" OWNER "' to='r%u@" DOMAIN "' "
			     "type='set' id='a'><query xmlns='http://jabber.org/"
			     "protocol/muc#admin'><item affiliation='member' "
			     "jid='n%u@localhost' nick='Nick%u'/></query></iq>",
			     room, u, seq);
	}
}

/* ---- The child: change, acknowledge, forever --------------------------- */

static void child(const char *dir, unsigned start, int ackfd)
{
	muc_dir_store *st;
	muc_service *s;
	unsigned seq;
	alarm(60); /* never outlive a broken parent */
	if (muc_dir_store_open(&st, dir) != MUC_OK)
		_exit(91);
	s = new_service(st);
	if (muc_dir_store_load(st, s, NULL, NULL) < 0)
		_exit(92);
	for (seq = start;; seq++) {
		if (apply(s, seq) != MUC_OK)
			_exit(93); /* the store failed, or a change was refused */
		if (write(ackfd, &seq, sizeof seq) != sizeof seq)
			_exit(94);
	}
}

/* ---- The parent's view ------------------------------------------------ */

typedef struct docs {
	muc_service *svc;
	char *v[NROOMS + 4];
	int n;
} docs;

static int collect(muc_room *r, void *ud)
{
	docs *d = ud;
	char *doc, *salt, *end;
	size_t len;
	if (d->n >= NROOMS + 4 || muc_room_save(r, &doc, &len) != MUC_OK)
		return 1;
	d->v[d->n] = strndup(doc, len);
	muc_service_free_buffer(d->svc, doc);
	/* The occupant-id secret is random per room: not the model's. */
	salt = strstr(d->v[d->n], "<salt>");
	end = salt ? strstr(salt, "</salt>") : NULL;
	if (end)
		memmove(salt, end + 7, strlen(end + 7) + 1);
	d->n++;
	return 0;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every room's document, salt aside, sorted, in one string. */
static char *canon(muc_service *s)
{
	docs d;
	size_t len = 1;
	char *out;
	int i;
	d.n = 0;
	d.svc = s;
	muc_service_foreach_room(s, collect, &d);
	qsort(d.v, (size_t)d.n, sizeof *d.v, cmp);
	for (i = 0; i < d.n; i++)
		len += strlen(d.v[i]) + 1;
	out = calloc(1, len);
	for (i = 0; i < d.n; i++) {
		strcat(out, d.v[i]);
		strcat(out, "\n");
		free(d.v[i]);
	}
	return out;
}

typedef struct loaded {
	int reports;
	char first[512];
} loaded;

static void on_report(const char *file, const char *reason, void *ud)
{
	loaded *l = ud;
	if (!l->reports++)
		snprintf(l->first, sizeof l->first, "%s: %s", file, reason);
}

static int count_entries(const char *dir, int *tmp)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;
	*tmp = 0;
	while (d && (de = readdir(d))) {
		if (de->d_name[0] != '.')
			n++;
		else if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			(*tmp)++;
	}
	if (d)
		closedir(d);
	return n;
}

/* Reads every acknowledgement the child wrote until deadline_ms, then
 * kills it and reads what was still in the pipe. The last one seen. */
static unsigned run_and_kill(pid_t pid, int fd, unsigned last, int wait_ms)
{
	struct timespec t0, t;
	unsigned seq;
	int status;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd p = {fd, POLLIN, 0};
		long el;
		clock_gettime(CLOCK_MONOTONIC, &t);
		el = (t.tv_sec - t0.tv_sec) * 1000 +
		     (t.tv_nsec - t0.tv_nsec) / 1000000;
		if (el >= wait_ms)
			break;
		if (poll(&p, 1, (int)(wait_ms - el)) > 0) {
			if (read(fd, &seq, sizeof seq) != sizeof seq)
				break; /* the child died on its own */
			last = seq;
		}
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	while (read(fd, &seq, sizeof seq) == sizeof seq)
		last = seq;
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
	      "the child was still working when killed (status %d)", status);
	return last;
}

int main(void)
{
	char dir[] = "/tmp/libmuc-crash-test.XXXXXX";
	muc_service *model = new_service(NULL);
	unsigned applied = 0, modeled = 0, in_flight_landed = 0, torn = 0;
	int round;
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	for (round = 0; round < ROUNDS; round++) {
		int fds[2], tmp, files;
		unsigned acked;
		pid_t pid;
		muc_dir_store *st;
		muc_service *s;
		loaded l;
		char *got, *want;
		int n;

		if (pipe(fds))
			return 1;
		pid = fork();
		if (pid == 0) {
			close(fds[0]);
			child(dir, applied + 1, fds[1]);
		}
		close(fds[1]);
		acked = run_and_kill(pid, fds[0], applied, 1 + rand() % 120);
		close(fds[0]);

		files = count_entries(dir, &tmp);
		torn += tmp > 0;
		CHECK(muc_dir_store_open(&st, dir) == MUC_OK, "reopen the store");
		s = new_service(NULL);
		memset(&l, 0, sizeof l);
		n = muc_dir_store_load(st, s, on_report, &l);
		muc_dir_store_close(st);
		CHECK(l.reports == 0 && n == files,
		      "round %d: every file parses (%d of %d loaded; %s)", round,
		      n, files, l.first);

		/* The disk holds every acknowledged change, and at most the
		 * one after it. */
		while (modeled < acked)
			apply(model, ++modeled);
		got = canon(s);
		want = canon(model);
		if (strcmp(got, want) != 0) {
			free(want);
			apply(model, ++modeled);
			want = canon(model);
			in_flight_landed++;
		}
		CHECK(!strcmp(got, want),
		      "round %d: after %u acknowledged changes the rooms are\n%s"
		      "but should be\n%s", round, acked, got, want);
		applied = modeled;
		free(got);
		free(want);
		muc_service_free(s);
		if (failed)
			break;
	}
	printf("crash-test: %u changes over %d kills; %u times the change in "
	       "flight had reached the disk, %u times a save was cut short\n",
	       applied, round, in_flight_landed, torn);
	CHECK(applied > (unsigned)ROUNDS, "the child got real work done (%u)",
	      applied);
	muc_service_free(model);
	{
		char cmd[128];
		snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
		if (!failed && system(cmd) != 0)
			printf("could not remove %s\n", dir);
	}
	printf("crash-test: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
