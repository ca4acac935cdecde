/* Scenarios 1, 2, 3 and 5 on one room of N occupants: the join storm that
 * fills it, groupchat fan-out, the limit (copying the same bytes), and
 * presence churn. The room is filled once and reused, because filling it
 * is itself the join storm (every join costs O(room size)). */
#include "bench.h"

#include <stdlib.h>
#include <string.h>

#define RUNS 3            /* timed runs; the median is reported */
#define OUT_TARGET 2000000 /* output stanzas per timed run */
#define QUICK_TARGET 200000
#define TEXTS 64          /* distinct pre-built input stanzas */

/* Pre-built input stanzas, so the timed loops do no formatting. */
typedef struct texts {
	char *blob;
	size_t off[TEXTS * 64];
	size_t len[TEXTS * 64];
	size_t n;
} texts;

static void texts_add(texts *t, size_t *cap, const char *s)
{
	size_t l = strlen(s);
	char *nb = realloc(t->blob, *cap + l);
	if (!nb)
		exit(2);
	t->blob = nb;
	memcpy(t->blob + *cap, s, l);
	t->off[t->n] = *cap;
	t->len[t->n] = l;
	t->n++;
	*cap += l;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return v[n / 2];
}

static void check(int ok, const char *what, long n)
{
	if (!ok) {
		fprintf(stderr, "muc-bench: implausible output: %s (N=%ld)\n",
			what, n);
		exit(2);
	}
}

/* Scenario 2: users 1..n-1 join the room user 0 created (untimed). */
static void join_storm(muc_service *svc, bench_host *h, bench_alloc *al,
		       long n, join_result *jr)
{
	long k = 1, w, joins = n - 1;
	uint64_t t_all = 0, out0 = h->sink.stanzas, out_last = 0;
	int64_t live0 = al->live_bytes;
	memset(jr, 0, sizeof *jr);
	jr->n = n;
	jr->nwin = joins < BENCH_WINDOWS ? (int)joins : BENCH_WINDOWS;
	for (w = 0; w < jr->nwin; w++) {
		long end = 1 + joins * (w + 1) / jr->nwin, cnt = end - k;
		uint64_t o = h->sink.stanzas, t0 = bench_now_ns(), dt;
		for (; k < end; k++) {
			char user[32];
			snprintf(user, sizeof user, "u%ld", k);
			bench_join(svc, BENCH_ROOM, user, user, NULL);
		}
		dt = bench_now_ns() - t0;
		t_all += dt;
		jr->win_ns[w] = cnt ? (double)dt / (double)cnt : 0;
		jr->win_size[w] = end;
		out_last = h->sink.stanzas - o;
		if (w == jr->nwin - 1 && cnt) {
			jr->out_per_join_last = (double)out_last / (double)cnt;
			jr->ns_per_out_last = (double)dt / (double)out_last;
		}
	}
	check(bench_occupants(svc, BENCH_ROOM) == (size_t)n, "room size", n);
	jr->total_s = (double)t_all / 1e9;
	jr->out_total = h->sink.stanzas - out0;
	jr->ns_per_join = joins ? (double)t_all / (double)joins : 0;
	jr->ns_per_join_per_occ = jr->win_ns[jr->nwin - 1] / (double)n;
	jr->bytes_per_occupant =
		joins ? (double)(al->live_bytes - live0) / (double)joins : 0;
	/* a join sends the joiner the others, the others the joiner, the
	 * joiner itself, then the subject: 2n + 1 at room size n */
	check(jr->out_per_join_last > (double)n, "stanzas per join", n);
}

/* Scenario 1 and 5: M groupchat messages, then the same bytes copied. */
static void fan_out(muc_service *svc, bench_host *h, long n, long target,
		    fanout_result *fo)
{
	texts t;
	size_t cap = 0, i;
	long m = target / n < 10 ? 10 : target / n, run, k;
	double ns[RUNS], lim[RUNS];
	bench_capture capt;
	uint64_t bytes0;
	memset(&t, 0, sizeof t);
	memset(fo, 0, sizeof *fo);
	for (i = 0; i < TEXTS; i++) {
		char s[512];
		snprintf(s, sizeof s,
			 "<message from='u%ld@localhost/r' to='" BENCH_ROOM
			 "' type='groupchat' id='m%zu'><body>hello</body>"
			 "</message>",
			 (long)i % n, i);
		texts_add(&t, &cap, s);
	}
	/* warm-up: caches, the history ring filled, buffers grown */
	for (k = 0; k < m / 5 + 20; k++)
		bench_feed_text(svc, t.blob + t.off[k % TEXTS],
				t.len[k % TEXTS]);
	for (run = 0; run < RUNS; run++) {
		uint64_t o = h->sink.stanzas, t0 = bench_now_ns(), dt;
		bytes0 = h->sink.bytes;
		for (k = 0; k < m; k++)
			bench_feed_text(svc, t.blob + t.off[k % TEXTS],
					t.len[k % TEXTS]);
		dt = bench_now_ns() - t0;
		check(h->sink.stanzas - o == (uint64_t)(m * n),
		      "one stanza per occupant per message", n);
		ns[run] = (double)dt / (double)(m * n);
		fo->bytes_per_out =
			(double)(h->sink.bytes - bytes0) / (double)(m * n);
	}
	fo->n = n;
	fo->msgs = m;
	fo->ns_per_out = median(ns, RUNS);
	fo->ns_per_out_min = ns[0];
	fo->out_per_s = 1e9 / fo->ns_per_out;
	fo->msgs_per_s = fo->out_per_s / (double)n;

	/* Scenario 5: the output of one message, pre-serialized, written
	 * m times through the same host write. */
	memset(&capt, 0, sizeof capt);
	h->capture = &capt;
	bench_feed_text(svc, t.blob + t.off[0], t.len[0]);
	h->capture = NULL;
	check(capt.n == (size_t)n, "captured stanzas", n);
	for (k = 0; k < m / 5 + 1; k++) /* warm-up */
		for (i = 0; i < capt.n; i++)
			bench_sink_write(&h->sink, capt.blob + capt.off[i],
					 capt.size[i]);
	for (run = 0; run < RUNS; run++) {
		uint64_t t0 = bench_now_ns();
		for (k = 0; k < m; k++)
			for (i = 0; i < capt.n; i++)
				bench_sink_write(&h->sink,
						 capt.blob + capt.off[i],
						 capt.size[i]);
		lim[run] = (double)(bench_now_ns() - t0) / (double)(m * n);
	}
	fo->limit_ns_per_out = median(lim, RUNS);
	fo->ratio = fo->ns_per_out / fo->limit_ns_per_out;
	bench_capture_free(&capt);
	free(t.blob);
}

/* Scenario 3: occupants change their status (away, xa, dnd, chat,
 * available), each change broadcast to the whole room. */
static void churn(muc_service *svc, bench_host *h, long n, long target,
		  churn_result *ch)
{
	static const char *const shows[] = {"<show>away</show>",
					    "<show>xa</show>",
					    "<show>dnd</show>",
					    "<show>chat</show>", ""};
	texts t;
	size_t cap = 0, i;
	long m = target / n < 10 ? 10 : target / n, run, k;
	double ns[RUNS];
	memset(&t, 0, sizeof t);
	memset(ch, 0, sizeof *ch);
	for (i = 0; i < TEXTS * 5; i++) {
		char s[512];
		long who = (long)((i * 7919) % (size_t)n);
		snprintf(s, sizeof s,
			 "<presence from='u%ld@localhost/r' to='" BENCH_ROOM
			 "/u%ld'>%s<status>busy %zu</status></presence>",
			 who, who, shows[i % 5], i);
		texts_add(&t, &cap, s);
	}
	for (k = 0; k < m / 5 + 10; k++)
		bench_feed_text(svc, t.blob + t.off[k % t.n], t.len[k % t.n]);
	for (run = 0; run < RUNS; run++) {
		uint64_t o = h->sink.stanzas, t0 = bench_now_ns(), dt;
		for (k = 0; k < m; k++)
			bench_feed_text(svc, t.blob + t.off[k % t.n],
					t.len[k % t.n]);
		dt = bench_now_ns() - t0;
		check(h->sink.stanzas - o == (uint64_t)(m * n),
		      "one presence per occupant per change", n);
		ns[run] = (double)dt / (double)m;
	}
	ch->n = n;
	ch->changes = m;
	ch->ns_per_change = median(ns, RUNS);
	ch->out_per_change = (double)n;
	ch->ns_per_out = ch->ns_per_change / (double)n;
	free(t.blob);
}

void bench_big_room(long n, const bench_options *opt, fanout_result *fo,
		    join_result *jr, churn_result *ch)
{
	bench_host h;
	bench_alloc al;
	muc_service *svc;
	long target = opt->quick ? QUICK_TARGET : OUT_TARGET;
	memset(&h, 0, sizeof h);
	bench_sink_init(&h.sink, 64 * 1024);
	bench_alloc_init(&al);
	svc = bench_service_new(&h, &al);
	/* An instant room (default configuration) created by u0, the owner
	 * (a moderator: it gets the view with real JIDs, the others the
	 * anonymous one). */
	bench_create_room(svc, BENCH_ROOM, "u0", "u0", NULL);
	join_storm(svc, &h, &al, n, jr);
	fan_out(svc, &h, n, target, fo);
	churn(svc, &h, n, target, ch);
	muc_service_free(svc);
	if (al.live_blocks != 0)
		fprintf(stderr, "muc-bench: %lld blocks leaked (N=%ld)\n",
			(long long)al.live_blocks, n);
	bench_sink_free(&h.sink);
}
