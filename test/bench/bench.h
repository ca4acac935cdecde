/* muc-bench: drives a libmuc service in-process through the public API only
 * and measures speed and memory (issue 6). Not a test: it asserts nothing
 * about timings, it prints them (a table on stdout, JSON in a file).
 *
 * The host side of every measurement is the same cheap "write": the deliver
 * hook copies each stanza's bytes into a reusable 64 KiB output buffer (as a
 * host appends to a socket's send buffer), and the "limit" scenario does
 * exactly that with pre-serialized stanzas, so the two compare honestly. */
#ifndef MUC_BENCH_H
#define MUC_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "muc.h"

/* ---- Clock ------------------------------------------------------------ */

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t bench_now_ns(void);
/* CPU time this process has used, in nanoseconds: compared with the wall
 * clock over the whole run, it tells whether other processes competed
 * for the CPU (and so inflated the timings). */
uint64_t bench_cpu_ns(void);

/* ---- Counting allocator ------------------------------------------------ */

/* Every block carries a 16-byte header holding its requested size, so live
 * bytes are exact (what the library asked for). 'heap' estimates what glibc
 * malloc really spends: the request plus its 8-byte chunk header, rounded up
 * to 16, at least 32 (the header of our own wrapper is not counted). */
typedef struct bench_alloc {
	muc_allocator a; /* hand &a to muc_service_new */
	int64_t live_bytes;
	int64_t live_blocks;
	int64_t heap_bytes;
	uint64_t calls; /* malloc + realloc calls */
} bench_alloc;

void bench_alloc_init(bench_alloc *c);

/* ---- The host's output: a sink and an optional capture ----------------- */

/* Where stanzas are "written": copied into buf, which is reset when full
 * (a host would have handed it to the kernel by then). */
typedef struct bench_sink {
	char *buf;
	size_t cap, used;
	uint64_t stanzas;
	uint64_t bytes;
} bench_sink;

/* Keeps the output of some feeds as pre-serialized stanzas (the limit). */
typedef struct bench_capture {
	char *blob;
	size_t len, cap;
	size_t *off;  /* start of stanza i in blob */
	size_t *size; /* its length */
	size_t n, ncap;
} bench_capture;

typedef struct bench_host {
	bench_sink sink;
	bench_capture *capture; /* NULL: not capturing */
	int64_t clock_ms;
} bench_host;

void bench_sink_init(bench_sink *s, size_t cap);
void bench_sink_free(bench_sink *s);
/* The one host write both the library path and the limit path call (never
 * inlined, so that each path pays the same call). */
__attribute__((noinline)) void bench_sink_write(bench_sink *s,
						 const char *xml, size_t len);
void bench_capture_free(bench_capture *c);

/* ---- Driving a service ------------------------------------------------- */

#define BENCH_DOMAIN "conference.localhost"
#define BENCH_ROOM "room@" BENCH_DOMAIN

/* A service with the bench's deliver/clock/id hooks; exits on failure. */
muc_service *bench_service_new(bench_host *h, bench_alloc *alloc);
/* Feeds one stanza (printf format); exits with a message unless MUC_OK. */
void bench_feed(muc_service *svc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Feeds text already formatted. */
void bench_feed_text(muc_service *svc, const char *xml, size_t len);
/* 'user' (an owner, as user@localhost/r) submits the muc#roomconfig form
 * with 'fields' (XML <field/>s; NULL: an empty form, the defaults). */
void bench_configure(muc_service *svc, const char *room_jid,
		     const char *user, const char *fields);
/* 'user' creates room_jid as 'nick' and configures it with 'fields'. */
void bench_create_room(muc_service *svc, const char *room_jid,
		       const char *user, const char *nick, const char *fields);
#define BENCH_PERSISTENT \
	"<field var='muc#roomconfig_persistentroom'><value>1</value></field>"
#define BENCH_HISTORY(n) \
	"<field var='muc#roomconfig_historylength'><value>" #n \
	"</value></field>"
/* user@localhost/r joins room_jid as nick; with payload (may be NULL)
 * inside the presence next to the MUC <x/>. */
void bench_join(muc_service *svc, const char *room_jid, const char *user,
		const char *nick, const char *payload);
/* Occupant count of a room, or exits if the room is missing. */
size_t bench_occupants(muc_service *svc, const char *room_jid);

/* ---- Machine ------------------------------------------------------------ */

typedef struct bench_machine {
	long nproc;
	char cpu[160];
	char compiler[160];
	char date[40];
	char loadavg[64]; /* /proc/loadavg at the start */
} bench_machine;

void bench_machine_read(bench_machine *m);

/* ---- Results --------------------------------------------------------- */

#define BENCH_WINDOWS 10

typedef struct fanout_result {
	long n;                /* occupants */
	long msgs;             /* timed messages (per run) */
	double msgs_per_s;     /* messages in per second */
	double out_per_s;      /* stanzas out per second */
	double ns_per_out;     /* median of the runs */
	double ns_per_out_min;
	double bytes_per_out;
	double limit_ns_per_out; /* copying the same pre-serialized bytes */
	double ratio;          /* ns_per_out / limit_ns_per_out */
} fanout_result;

typedef struct join_result {
	long n;
	int nwin;                /* windows used (fewer for tiny rooms) */
	double total_s;
	uint64_t out_total;
	double ns_per_join;      /* mean over all joins */
	double win_ns[BENCH_WINDOWS];   /* mean ns per join, per window */
	long win_size[BENCH_WINDOWS];   /* room size at the window's end */
	double out_per_join_last; /* output stanzas per join, last window */
	double ns_per_join_per_occ; /* last window: ns / room size */
	double ns_per_out_last;   /* last window: ns per output stanza */
	double bytes_per_occupant; /* live bytes per occupant after the fill */
} join_result;

typedef struct churn_result {
	long n;
	long changes;
	double ns_per_change;
	double ns_per_out;
	double out_per_change;
} churn_result;

typedef struct rooms_result {
	long rooms;
	int occ_per_room;
	double bytes_per_room;    /* empty persistent room, requested bytes */
	double heap_per_room;     /* with malloc overhead (estimate) */
	double blocks_per_room;
	double bytes_per_occ;     /* occupant with a bare join presence */
	double heap_per_occ;
	double blocks_per_occ;
	double setup_us_per_room;
	long routed;              /* timed groupchat messages per run */
	double route_ns_per_in;   /* per input stanza (3 outputs) */
	double route_ns_per_out;
	double hist_bytes_per_msg; /* memory the kept history grew by */
	double nohist_ns_per_in;  /* the same with history turned off */
	double nohist_ns_per_out;
} rooms_result;

typedef struct payload_result {
	long occupants;
	size_t payload_len;      /* bytes of payload XML in the join */
	double bytes_per_occ;    /* with the payload */
	double bare_bytes_per_occ;
} payload_result;

typedef struct bench_options {
	int quick; /* smaller sizes, for profilers */
} bench_options;

/* Scenarios 1, 2, 3, 5: one room of each size. */
void bench_big_room(long n, const bench_options *opt, fanout_result *fo,
		    join_result *jr, churn_result *ch);
/* Scenario 4. */
void bench_many_rooms(long rooms, const bench_options *opt,
		      rooms_result *rr);
void bench_payload(long occupants, payload_result *pr);

#endif
