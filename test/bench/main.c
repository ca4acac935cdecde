/* muc-bench [--quick] [JSON_PATH]
 *
 * Runs every scenario of issue 6, prints a table on stdout and writes the
 * same numbers as JSON to JSON_PATH (default build/bench.json). --quick
 * runs smaller sizes (for profilers such as callgrind). Not a test: it
 * fails only when the library's output is implausible (wrong stanza
 * counts), never on a timing. */
#include "bench.h"

#include <stdlib.h>
#include <string.h>

static const long big_sizes[] = {10, 100, 1000, 10000};
static const long room_counts[] = {10, 100, 1000, 10000, 100000};
#define NBIG (sizeof big_sizes / sizeof *big_sizes)
#define NROOMS (sizeof room_counts / sizeof *room_counts)
#define PAYLOAD_OCC 1000

/* Targets of issue 6. */
#define T_FANOUT_NS 250.0     /* per output stanza at N = 1000 */
#define T_OCC_BYTES 1024.0    /* per occupant beyond its presence payload */
#define T_ROOM_BYTES 2048.0   /* per empty persistent room */

typedef struct results {
	bench_machine m;
	size_t nbig, nrooms;
	fanout_result fo[NBIG];
	join_result jr[NBIG];
	churn_result ch[NBIG];
	rooms_result rr[NROOMS];
	payload_result pl;
	double seconds;
	double cpu_share; /* process CPU time / wall time over the run */
} results;

static const char *verdict(int ok)
{
	return ok ? "MET" : "MISSED";
}

static void print_tables(const results *r)
{
	size_t i;
	int w;
	printf("\n1+5. Groupchat fan-out: a room of N, one <body>hello</body> "
	       "message in, N stanzas out (serialized, copied to a 64 KiB "
	       "send buffer)\n");
	printf("%7s %9s %12s %13s %9s %9s %11s %7s\n", "N", "msgs/run",
	       "msgs in/s", "stanzas out/s", "ns/out", "bytes/out",
	       "limit ns/out", "ratio");
	for (i = 0; i < r->nbig; i++) {
		const fanout_result *f = &r->fo[i];
		printf("%7ld %9ld %12.0f %13.0f %9.1f %9.1f %11.1f %6.1fx\n",
		       f->n, f->msgs, f->msgs_per_s, f->out_per_s,
		       f->ns_per_out, f->bytes_per_out, f->limit_ns_per_out,
		       f->ratio);
	}
	printf("   limit = only copying the same pre-serialized stanzas "
	       "into the same buffer; ratio = ns/out / limit ns/out\n");

	printf("\n2. Join storm: N users join one room (the first creates it); "
	       "every join is sent to all, and the joiner gets everyone\n");
	printf("%7s %9s %12s %11s %14s %11s %14s %12s\n", "N", "total s",
	       "out stanzas", "us/join", "us/join(last)", "out/join",
	       "ns/join/occ", "B/occupant");
	for (i = 0; i < r->nbig; i++) {
		const join_result *j = &r->jr[i];
		printf("%7ld %9.3f %12llu %11.2f %14.2f %11.1f %14.1f %12.0f\n",
		       j->n, j->total_s, (unsigned long long)j->out_total,
		       j->ns_per_join / 1e3,
		       j->win_ns[j->nwin - 1] / 1e3, j->out_per_join_last,
		       j->ns_per_join_per_occ, j->bytes_per_occupant);
	}
	printf("   last = the last tenth of the joins (room near N); "
	       "ns/join/occ = that time / N (flat = linear)\n");
	i = r->nbig - 1;
	printf("   N=%ld, us per join as the room grows:", r->jr[i].n);
	for (w = 0; w < r->jr[i].nwin; w++)
		printf(" %ld:%.0f", r->jr[i].win_size[w],
		       r->jr[i].win_ns[w] / 1e3);
	printf("\n");

	printf("\n3. Presence churn: occupants change <show>/<status>; each "
	       "change goes to the whole room\n");
	printf("%7s %9s %14s %12s %9s\n", "N", "changes", "changes/s",
	       "us/change", "ns/out");
	for (i = 0; i < r->nbig; i++) {
		const churn_result *c = &r->ch[i];
		printf("%7ld %9ld %14.0f %12.2f %9.1f\n", c->n, c->changes,
		       1e9 / c->ns_per_change, c->ns_per_change / 1e3,
		       c->ns_per_out);
	}

	printf("\n4. Many rooms of 3 occupants: memory (bytes the library "
	       "requested; heap = with glibc's chunk overhead, estimated)\n");
	printf("%7s %7s %9s %8s %6s %8s %7s %10s %11s %9s %11s\n", "R",
	       "B/room", "heap/room", "blk/room", "B/occ", "heap/occ",
	       "blk/occ", "setup us/r", "route ns/in", "hist B/in",
	       "no-hist ns/in");
	for (i = 0; i < r->nrooms; i++) {
		const rooms_result *q = &r->rr[i];
		printf("%7ld %7.0f %9.0f %8.1f %6.0f %8.0f %7.1f %10.1f "
		       "%11.0f %9.0f %11.0f\n",
		       q->rooms, q->bytes_per_room, q->heap_per_room,
		       q->blocks_per_room, q->bytes_per_occ, q->heap_per_occ,
		       q->blocks_per_occ, q->setup_us_per_room,
		       q->route_ns_per_in,
		       q->hist_bytes_per_msg < 0.5 ? 0.0 : q->hist_bytes_per_msg,
		       q->nohist_ns_per_in);
	}
	printf("   B/room: an empty persistent room (its owner's affiliation "
	       "kept); B/occ: one occupant, bare join presence;\n"
	       "   route: a groupchat message to a random room, 3 stanzas "
	       "out, default config (kept as history, 20/room: hist B/in is\n"
	       "   what the history grew by per message); no-hist: the same "
	       "with muc#roomconfig_historylength=0\n");
	printf("   presence payload: %zu bytes of XML (caps, avatar hash, "
	       "status, show, priority) cost %.0f B/occupant to keep "
	       "(%.0f B with it, %.0f B bare; %ld occupants)\n",
	       r->pl.payload_len, r->pl.bytes_per_occ - r->pl.bare_bytes_per_occ,
	       r->pl.bytes_per_occ, r->pl.bare_bytes_per_occ, r->pl.occupants);
}

static const fanout_result *fanout_at(const results *r, long n)
{
	size_t i;
	for (i = 0; i < r->nbig; i++)
		if (r->fo[i].n == n)
			return &r->fo[i];
	return NULL;
}

static void print_targets(const results *r)
{
	const fanout_result *f = fanout_at(r, 1000);
	const join_result *ja = &r->jr[r->nbig - 2], *jb = &r->jr[r->nbig - 1];
	const rooms_result *small = &r->rr[0], *big = &r->rr[r->nrooms - 1];
	double worst_occ = 0, worst_room = 0;
	size_t i;
	double lin = jb->ns_per_join_per_occ / ja->ns_per_join_per_occ;
	double flat = big->nohist_ns_per_in / small->nohist_ns_per_in;
	double flat_h = big->route_ns_per_in / small->route_ns_per_in;
	for (i = 0; i < r->nrooms; i++) {
		if (r->rr[i].bytes_per_occ > worst_occ)
			worst_occ = r->rr[i].bytes_per_occ;
		if (r->rr[i].bytes_per_room > worst_room)
			worst_room = r->rr[i].bytes_per_room;
	}
	printf("\nTargets\n");
	if (f)
		printf("  fan-out at N=1000 under %.0f ns/out stanza:   %6.1f "
		       "ns  %s\n",
		       T_FANOUT_NS, f->ns_per_out,
		       verdict(f->ns_per_out < T_FANOUT_NS));
	printf("  per-join work linear in room size:        ns/join/occ "
	       "%.1f (N=%ld) -> %.1f (N=%ld), x%.2f  %s\n",
	       ja->ns_per_join_per_occ, ja->n, jb->ns_per_join_per_occ, jb->n,
	       lin, lin < 1.5 ? "MET (linear)" : "MISSED (superlinear)");
	printf("  under %.0f B per occupant (bare presence):  %6.0f B  %s\n",
	       T_OCC_BYTES, worst_occ, verdict(worst_occ < T_OCC_BYTES));
	printf("  under %.0f B per empty persistent room:     %6.0f B  %s\n",
	       T_ROOM_BYTES, worst_room, verdict(worst_room < T_ROOM_BYTES));
	printf("  routing flat in R (history off): %.0f ns/msg (R=%ld) -> "
	       "%.0f ns/msg (R=%ld), x%.2f  %s\n",
	       small->nohist_ns_per_in, small->rooms, big->nohist_ns_per_in,
	       big->rooms, flat,
	       flat < 1.25 ? "MET" : "MISSED (grows with R)");
	printf("  the same with history kept (default): %.0f -> %.0f ns/msg, "
	       "x%.2f  %s\n",
	       small->route_ns_per_in, big->route_ns_per_in, flat_h,
	       flat_h < 1.25 ? "MET" : "MISSED (grows with R)");
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", (unsigned char)*s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void write_json(FILE *f, const results *r, int quick)
{
	size_t i;
	int w;
	fprintf(f, "{\n  \"libmuc_version\": ");
	json_str(f, muc_version_string());
	fprintf(f, ",\n  \"quick\": %s,\n  \"machine\": {\"nproc\": %ld, "
		   "\"cpu\": ", quick ? "true" : "false", r->m.nproc);
	json_str(f, r->m.cpu);
	fprintf(f, ", \"compiler\": ");
	json_str(f, r->m.compiler);
	fprintf(f, ", \"date\": ");
	json_str(f, r->m.date);
	fprintf(f, ", \"loadavg_at_start\": ");
	json_str(f, r->m.loadavg);
	fprintf(f, "},\n  \"seconds\": %.1f,\n  \"cpu_share\": %.3f,\n"
		   "  \"fanout\": [\n",
		r->seconds, r->cpu_share);
	for (i = 0; i < r->nbig; i++) {
		const fanout_result *x = &r->fo[i];
		fprintf(f,
			"    {\"n\": %ld, \"msgs_per_run\": %ld, "
			"\"msgs_in_per_s\": %.0f, \"stanzas_out_per_s\": %.0f, "
			"\"ns_per_out\": %.2f, \"ns_per_out_min\": %.2f, "
			"\"bytes_per_out\": %.1f, \"limit_ns_per_out\": %.2f, "
			"\"ratio_to_limit\": %.2f}%s\n",
			x->n, x->msgs, x->msgs_per_s, x->out_per_s,
			x->ns_per_out, x->ns_per_out_min, x->bytes_per_out,
			x->limit_ns_per_out, x->ratio,
			i + 1 < r->nbig ? "," : "");
	}
	fprintf(f, "  ],\n  \"join_storm\": [\n");
	for (i = 0; i < r->nbig; i++) {
		const join_result *x = &r->jr[i];
		fprintf(f,
			"    {\"n\": %ld, \"total_s\": %.4f, "
			"\"out_stanzas\": %llu, \"ns_per_join\": %.0f, "
			"\"ns_per_join_last_window\": %.0f, "
			"\"out_per_join_last_window\": %.1f, "
			"\"ns_per_out_last_window\": %.1f, "
			"\"ns_per_join_per_occupant\": %.2f, "
			"\"bytes_per_occupant\": %.0f, \"windows\": [",
			x->n, x->total_s, (unsigned long long)x->out_total,
			x->ns_per_join, x->win_ns[x->nwin - 1],
			x->out_per_join_last, x->ns_per_out_last,
			x->ns_per_join_per_occ, x->bytes_per_occupant);
		for (w = 0; w < x->nwin; w++)
			fprintf(f, "%s{\"room_size\": %ld, \"ns_per_join\": %.0f}",
				w ? ", " : "", x->win_size[w], x->win_ns[w]);
		fprintf(f, "]}%s\n", i + 1 < r->nbig ? "," : "");
	}
	fprintf(f, "  ],\n  \"presence_churn\": [\n");
	for (i = 0; i < r->nbig; i++) {
		const churn_result *x = &r->ch[i];
		fprintf(f,
			"    {\"n\": %ld, \"changes_per_run\": %ld, "
			"\"ns_per_change\": %.0f, \"out_per_change\": %.0f, "
			"\"ns_per_out\": %.2f}%s\n",
			x->n, x->changes, x->ns_per_change, x->out_per_change,
			x->ns_per_out, i + 1 < r->nbig ? "," : "");
	}
	fprintf(f, "  ],\n  \"many_rooms\": [\n");
	for (i = 0; i < r->nrooms; i++) {
		const rooms_result *x = &r->rr[i];
		fprintf(f,
			"    {\"rooms\": %ld, \"occupants_per_room\": %d, "
			"\"bytes_per_empty_persistent_room\": %.1f, "
			"\"heap_bytes_per_room_est\": %.1f, "
			"\"blocks_per_room\": %.2f, "
			"\"bytes_per_occupant\": %.1f, "
			"\"heap_bytes_per_occupant_est\": %.1f, "
			"\"blocks_per_occupant\": %.2f, "
			"\"setup_us_per_room\": %.2f, \"routed\": %ld, "
			"\"route_ns_per_in\": %.1f, "
			"\"route_ns_per_out\": %.1f, "
			"\"history_bytes_per_msg\": %.1f, "
			"\"nohistory_route_ns_per_in\": %.1f, "
			"\"nohistory_route_ns_per_out\": %.1f}%s\n",
			x->rooms, x->occ_per_room, x->bytes_per_room,
			x->heap_per_room, x->blocks_per_room, x->bytes_per_occ,
			x->heap_per_occ, x->blocks_per_occ,
			x->setup_us_per_room, x->routed, x->route_ns_per_in,
			x->route_ns_per_out, x->hist_bytes_per_msg,
			x->nohist_ns_per_in, x->nohist_ns_per_out,
			i + 1 < r->nrooms ? "," : "");
	}
	fprintf(f,
		"  ],\n  \"presence_payload\": {\"occupants\": %ld, "
		"\"payload_bytes\": %zu, \"bytes_per_occupant\": %.1f, "
		"\"bare_bytes_per_occupant\": %.1f}\n}\n",
		r->pl.occupants, r->pl.payload_len, r->pl.bytes_per_occ,
		r->pl.bare_bytes_per_occ);
}

int main(int argc, char **argv)
{
	static results r;
	bench_options opt;
	const char *path = "build/bench.json";
	uint64_t t0 = bench_now_ns(), c0 = bench_cpu_ns();
	size_t i;
	FILE *f;
	int a;
	memset(&opt, 0, sizeof opt);
	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--quick") == 0)
			opt.quick = 1;
		else if (argv[a][0] == '-') {
			fprintf(stderr, "usage: muc-bench [--quick] "
					"[JSON_PATH]\n");
			return 2;
		} else
			path = argv[a];
	}
	bench_machine_read(&r.m);
	r.nbig = opt.quick ? NBIG - 1 : NBIG;
	r.nrooms = opt.quick ? NROOMS - 2 : NROOMS;
	printf("libmuc %s benchmark%s — %s, %ld CPUs online, %s; one thread\n",
	       muc_version_string(), opt.quick ? " (--quick)" : "", r.m.cpu,
	       r.m.nproc, r.m.compiler);
	fflush(stdout);
	for (i = 0; i < r.nbig; i++) {
		fprintf(stderr, "muc-bench: room of %ld...\n", big_sizes[i]);
		bench_big_room(big_sizes[i], &opt, &r.fo[i], &r.jr[i],
			       &r.ch[i]);
	}
	for (i = 0; i < r.nrooms; i++) {
		fprintf(stderr, "muc-bench: %ld rooms...\n", room_counts[i]);
		bench_many_rooms(room_counts[i], &opt, &r.rr[i]);
	}
	bench_payload(PAYLOAD_OCC, &r.pl);
	r.seconds = (double)(bench_now_ns() - t0) / 1e9;
	r.cpu_share = (double)(bench_cpu_ns() - c0) / 1e9 / r.seconds;
	print_tables(&r);
	print_targets(&r);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		return 1;
	}
	write_json(f, &r, opt.quick);
	if (fclose(f) != 0) {
		perror(path);
		return 1;
	}
	printf("\nRun: %.0f s wall, CPU share %.0f%% (load average at start: "
	       "%s)%s\n",
	       r.seconds, 100 * r.cpu_share, r.m.loadavg,
	       r.cpu_share < 0.9 ? "\n  WARNING: other processes took the CPU "
				   "for part of the run; timings are "
				   "inflated, run again on a quiet machine"
				 : "");
	printf("JSON: %s\n", path);
	return 0;
}
