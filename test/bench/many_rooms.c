/* Scenario 4: R rooms of a few occupants. Memory is measured with the
 * counting allocator (live bytes the library requested, before and after),
 * routing as the cost of a groupchat message to a random room. */
#include "bench.h"

#include <stdlib.h>
#include <string.h>

#define OCC 3                /* occupants per room */
#define ROUTE_TEXTS 65536    /* distinct pre-built messages */
#define ROUTED 100000        /* timed messages per run */
#define QUICK_ROUTED 10000
#define RUNS 3               /* runs; the median is reported */

#define SEED 88172645463325252u
static uint64_t rng_state = SEED;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void room_name(char *out, size_t cap, long i)
{
	snprintf(out, cap, "r%06ld@" BENCH_DOMAIN, i);
}

/* A service warmed up so that its scratch buffers are grown before the
 * baseline: a temporary room is made and left (and so reaped). */
static muc_service *fresh_service(bench_host *h, bench_alloc *al)
{
	muc_service *svc;
	memset(h, 0, sizeof *h);
	bench_sink_init(&h->sink, 64 * 1024);
	bench_alloc_init(al);
	svc = bench_service_new(h, al);
	bench_create_room(svc, "warm@" BENCH_DOMAIN, "w", "w", NULL);
	bench_feed(svc, "<message from='w@localhost/r' to='warm@" BENCH_DOMAIN
			"' type='groupchat' id='w'><body>warm</body></message>");
	bench_feed(svc, "<presence from='w@localhost/r' to='warm@" BENCH_DOMAIN
			"/w' type='unavailable'/>");
	if (muc_service_room_count(svc) != 0) {
		fprintf(stderr, "muc-bench: a temporary room stayed\n");
		exit(2);
	}
	return svc;
}

static void finish(muc_service *svc, bench_host *h, bench_alloc *al)
{
	muc_service_free(svc);
	if (al->live_blocks != 0)
		fprintf(stderr, "muc-bench: %lld blocks leaked\n",
			(long long)al->live_blocks);
	bench_sink_free(&h->sink);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Feeds routed messages (cycling through the pre-built ones) in RUNS
 * runs; the median ns per message. */
static double route(muc_service *svc, bench_host *h, const char *blob,
		    const size_t *off, const size_t *len, long routed)
{
	double ns[RUNS];
	long i;
	int run;
	for (run = 0; run < RUNS; run++) {
		uint64_t o = h->sink.stanzas, t0 = bench_now_ns(), dt;
		for (i = 0; i < routed; i++)
			bench_feed_text(svc, blob + off[i % ROUTE_TEXTS],
					len[i % ROUTE_TEXTS]);
		dt = bench_now_ns() - t0;
		if (h->sink.stanzas - o != (uint64_t)(routed * OCC)) {
			fprintf(stderr, "muc-bench: routing lost stanzas\n");
			exit(2);
		}
		ns[run] = (double)dt / (double)routed;
	}
	qsort(ns, RUNS, sizeof *ns, cmp_double);
	return ns[RUNS / 2];
}

void bench_many_rooms(long rooms, const bench_options *opt, rooms_result *rr)
{
	bench_host h;
	bench_alloc al;
	muc_service *svc = fresh_service(&h, &al);
	int64_t live0 = al.live_bytes, heap0 = al.heap_bytes;
	int64_t blocks0 = al.live_blocks, live1, heap1, blocks1;
	long i, k, routed = opt->quick ? QUICK_ROUTED : ROUTED;
	uint64_t t0;
	char room[64], user[64], nick[16];
	char *blob;
	size_t *off, *len, used = 0;
	memset(rr, 0, sizeof *rr);
	rng_state = SEED; /* the same choice of rooms for every run */
	rr->rooms = rooms;
	rr->occ_per_room = OCC;

	/* Empty persistent rooms: created, configured persistent, left.
	 * History is off at first (an int in the configuration: the same
	 * memory), so that routing can be timed alone, then with history. */
	t0 = bench_now_ns();
	for (i = 0; i < rooms; i++) {
		room_name(room, sizeof room, i);
		snprintf(user, sizeof user, "own%06ld", i);
		bench_create_room(svc, room, user, "owner",
				  BENCH_PERSISTENT BENCH_HISTORY(0));
		bench_feed(svc,
			   "<presence from='%s@localhost/r' to='%s/owner' "
			   "type='unavailable'/>",
			   user, room);
	}
	rr->setup_us_per_room = (double)(bench_now_ns() - t0) / 1e3 /
				(double)rooms;
	if (muc_service_room_count(svc) != (size_t)rooms ||
	    bench_occupants(svc, room) != 0) {
		fprintf(stderr, "muc-bench: persistent rooms did not stay\n");
		exit(2);
	}
	live1 = al.live_bytes;
	heap1 = al.heap_bytes;
	blocks1 = al.live_blocks;
	rr->bytes_per_room = (double)(live1 - live0) / (double)rooms;
	rr->heap_per_room = (double)(heap1 - heap0) / (double)rooms;
	rr->blocks_per_room = (double)(blocks1 - blocks0) / (double)rooms;

	/* A few occupants in each, joining with a bare MUC presence. */
	for (i = 0; i < rooms; i++) {
		room_name(room, sizeof room, i);
		for (k = 0; k < OCC; k++) {
			snprintf(user, sizeof user, "a%06ldu%ld", i, k);
			snprintf(nick, sizeof nick, "n%ld", k);
			bench_join(svc, room, user, nick, NULL);
		}
	}
	if (bench_occupants(svc, room) != OCC) {
		fprintf(stderr, "muc-bench: occupants missing\n");
		exit(2);
	}
	rr->bytes_per_occ =
		(double)(al.live_bytes - live1) / (double)(rooms * OCC);
	rr->heap_per_occ =
		(double)(al.heap_bytes - heap1) / (double)(rooms * OCC);
	rr->blocks_per_occ =
		(double)(al.live_blocks - blocks1) / (double)(rooms * OCC);

	/* Routing: groupchat messages to random rooms from a random one of
	 * their occupants; each is reflected to the room's 3 occupants. Room
	 * and user names are zero-padded, so JIDs (whose preparation costs
	 * per character) are as long for every R. */
	blob = malloc((size_t)ROUTE_TEXTS * 200);
	off = malloc(ROUTE_TEXTS * sizeof *off);
	len = malloc(ROUTE_TEXTS * sizeof *len);
	if (!blob || !off || !len)
		exit(2);
	for (i = 0; i < ROUTE_TEXTS; i++) {
		long r = (long)(rng() % (uint64_t)rooms);
		long u = (long)(rng() % OCC);
		int n = snprintf(blob + used, 200,
				 "<message from='a%06ldu%ld@localhost/r' "
				 "to='r%06ld@" BENCH_DOMAIN "' type='groupchat' "
				 "id='x%ld'><body>hello</body></message>",
				 r, u, r, i);
		off[i] = used;
		len[i] = (size_t)n;
		used += (size_t)n;
	}
	for (i = 0; i < 20000; i++) /* warm-up */
		bench_feed_text(svc, blob + off[i % ROUTE_TEXTS],
				len[i % ROUTE_TEXTS]);
	live1 = al.live_bytes;
	rr->nohist_ns_per_in = route(svc, &h, blob, off, len, routed);
	rr->nohist_ns_per_out = rr->nohist_ns_per_in / OCC;
	if (al.live_bytes != live1) {
		fprintf(stderr, "muc-bench: history kept while turned off\n");
		exit(2);
	}
	/* The same with the default history (20 messages a room), set by
	 * each room's owner from outside: each message is also kept, so a
	 * small R recycles history and a large R grows it. */
	for (i = 0; i < rooms; i++) {
		room_name(room, sizeof room, i);
		snprintf(user, sizeof user, "own%06ld", i);
		bench_configure(svc, room, user, BENCH_HISTORY(20));
	}
	for (i = 0; i < 20000; i++) /* warm-up */
		bench_feed_text(svc, blob + off[i % ROUTE_TEXTS],
				len[i % ROUTE_TEXTS]);
	live1 = al.live_bytes;
	rr->route_ns_per_in = route(svc, &h, blob, off, len, routed);
	rr->route_ns_per_out = rr->route_ns_per_in / OCC;
	rr->hist_bytes_per_msg =
		(double)(al.live_bytes - live1) / (double)(RUNS * routed);
	rr->routed = routed;
	free(blob);
	free(off);
	free(len);
	finish(svc, &h, &al);
}

/* What a presence payload costs to keep: occupants joining one room with
 * a typical client presence (caps, vCard avatar hash, status, priority)
 * against occupants joining another with a bare one. */
void bench_payload(long occupants, payload_result *pr)
{
	static const char payload[] =
		"<show>away</show><status>On the phone, back in ten "
		"minutes</status><priority>5</priority>"
		"<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' "
		"node='https://conversations.im' "
		"ver='QgayPKawpkPSDYmwT/WM94uAlu0='/>"
		"<x xmlns='vcard-temp:x:update'><photo>"
		"01b87fcd030b72895ff8e88db57ec525450f000d</photo></x>";
	bench_host h;
	bench_alloc al;
	muc_service *svc = fresh_service(&h, &al);
	int64_t live;
	long k;
	char user[32];
	memset(pr, 0, sizeof *pr);
	pr->occupants = occupants;
	pr->payload_len = sizeof payload - 1;
	bench_create_room(svc, "bare@" BENCH_DOMAIN, "bo", "owner",
			  BENCH_PERSISTENT);
	bench_create_room(svc, "rich@" BENCH_DOMAIN, "ro", "owner",
			  BENCH_PERSISTENT);
	live = al.live_bytes;
	for (k = 0; k < occupants; k++) {
		snprintf(user, sizeof user, "b%ld", k);
		bench_join(svc, "bare@" BENCH_DOMAIN, user, user, NULL);
	}
	pr->bare_bytes_per_occ =
		(double)(al.live_bytes - live) / (double)occupants;
	live = al.live_bytes;
	for (k = 0; k < occupants; k++) {
		snprintf(user, sizeof user, "p%ld", k);
		bench_join(svc, "rich@" BENCH_DOMAIN, user, user, payload);
	}
	pr->bytes_per_occ = (double)(al.live_bytes - live) / (double)occupants;
	finish(svc, &h, &al);
}
