/* The bench's host: clock, counting allocator, the output sink, the
 * service's hooks, and stanza helpers. */
#include "bench.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

uint64_t bench_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t bench_cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- Counting allocator ------------------------------------------------ */

#define HDR 16 /* keeps the 16-byte alignment malloc gives */

static int64_t heap_estimate(size_t n)
{
	size_t c = (n + 8 + 15) & ~(size_t)15;
	return (int64_t)(c < 32 ? 32 : c);
}

static void *ba_malloc(size_t size, void *ud)
{
	bench_alloc *c = ud;
	char *p = malloc(size + HDR);
	c->calls++;
	if (!p)
		return NULL;
	memcpy(p, &size, sizeof size);
	c->live_bytes += (int64_t)size;
	c->heap_bytes += heap_estimate(size);
	c->live_blocks++;
	return p + HDR;
}

static void *ba_realloc(void *ptr, size_t size, void *ud)
{
	bench_alloc *c = ud;
	char *p;
	size_t old;
	if (!ptr)
		return ba_malloc(size, ud);
	c->calls++;
	p = (char *)ptr - HDR;
	memcpy(&old, p, sizeof old);
	p = realloc(p, size + HDR);
	if (!p)
		return NULL;
	memcpy(p, &size, sizeof size);
	c->live_bytes += (int64_t)size - (int64_t)old;
	c->heap_bytes += heap_estimate(size) - heap_estimate(old);
	return p + HDR;
}

static void ba_free(void *ptr, void *ud)
{
	bench_alloc *c = ud;
	char *p;
	size_t old;
	if (!ptr)
		return;
	p = (char *)ptr - HDR;
	memcpy(&old, p, sizeof old);
	c->live_bytes -= (int64_t)old;
	c->heap_bytes -= heap_estimate(old);
	c->live_blocks--;
	free(p);
}

void bench_alloc_init(bench_alloc *c)
{
	memset(c, 0, sizeof *c);
	c->a.malloc = ba_malloc;
	c->a.realloc = ba_realloc;
	c->a.free = ba_free;
	c->a.mem_user_data = c;
}

/* ---- Sink and capture ---------------------------------------------------- */

static void *xmalloc(size_t n)
{
	void *p = malloc(n);
	if (!p) {
		fprintf(stderr, "muc-bench: out of memory\n");
		exit(2);
	}
	return p;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p) {
		fprintf(stderr, "muc-bench: out of memory\n");
		exit(2);
	}
	return p;
}

void bench_sink_init(bench_sink *s, size_t cap)
{
	memset(s, 0, sizeof *s);
	s->buf = xmalloc(cap);
	s->cap = cap;
	memset(s->buf, 0, cap); /* fault the pages in before timing */
}

void bench_sink_free(bench_sink *s)
{
	free(s->buf);
	memset(s, 0, sizeof *s);
}

void bench_sink_write(bench_sink *s, const char *xml, size_t len)
{
	if (len > s->cap - s->used) {
		if (len > s->cap)
			len = s->cap; /* never happens with our stanzas */
		s->used = 0;  /* "sent": the buffer is reused */
	}
	memcpy(s->buf + s->used, xml, len);
	s->used += len;
	s->stanzas++;
	s->bytes += len;
}

static void capture_add(bench_capture *c, const char *xml, size_t len)
{
	if (c->n == c->ncap) {
		c->ncap = c->ncap ? 2 * c->ncap : 1024;
		c->off = xrealloc(c->off, c->ncap * sizeof *c->off);
		c->size = xrealloc(c->size, c->ncap * sizeof *c->size);
	}
	if (c->len + len > c->cap) {
		while (c->len + len > c->cap)
			c->cap = c->cap ? 2 * c->cap : 65536;
		c->blob = xrealloc(c->blob, c->cap);
	}
	memcpy(c->blob + c->len, xml, len);
	c->off[c->n] = c->len;
	c->size[c->n] = len;
	c->len += len;
	c->n++;
}

void bench_capture_free(bench_capture *c)
{
	free(c->blob);
	free(c->off);
	free(c->size);
	memset(c, 0, sizeof *c);
}

/* ---- Hooks ------------------------------------------------------------ */

static int deliver(const muc_stanza_out *st, void *ud)
{
	bench_host *h = ud;
	if (h->capture)
		capture_add(h->capture, st->xml, st->len);
	bench_sink_write(&h->sink, st->xml, st->len);
	return 0;
}

/* A host's clock: fixed, so that history stamps cost what they cost but
 * the run is reproducible. */
static int64_t clock_ms(void *ud)
{
	bench_host *h = ud;
	return h->clock_ms;
}

static void log_line(muc_log_level level, const char *msg, void *ud)
{
	(void)ud;
	if (level >= MUC_LOG_WARN)
		fprintf(stderr, "muc-bench: library log: %s\n", msg);
}

muc_service *bench_service_new(bench_host *h, bench_alloc *alloc)
{
	muc_callbacks *cb;
	muc_service *svc;
	int rc;
	h->clock_ms = 1767225600000; /* 2026-01-01T00:00:00Z */
	if (muc_callbacks_new(&cb) != MUC_OK)
		exit(2);
	muc_callbacks_set_deliver(cb, deliver);
	muc_callbacks_set_clock(cb, clock_ms);
	muc_callbacks_set_log(cb, log_line);
	rc = muc_service_new(&svc, BENCH_DOMAIN, cb, alloc ? &alloc->a : NULL,
			     h);
	muc_callbacks_del(cb);
	if (rc != MUC_OK) {
		fprintf(stderr, "muc-bench: muc_service_new: %s\n",
			muc_strerror(rc));
		exit(2);
	}
	return svc;
}

void bench_feed_text(muc_service *svc, const char *xml, size_t len)
{
	int rc = muc_service_feed(svc, xml, len);
	if (rc != MUC_OK) {
		fprintf(stderr, "muc-bench: feed failed (%s): %.*s\n",
			muc_strerror(rc), (int)len, xml);
		exit(2);
	}
}

void bench_feed(muc_service *svc, const char *fmt, ...)
{
	char text[2048];
	va_list ap;
	int n;
	va_start(ap, fmt);
	n = vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof text) {
		fprintf(stderr, "muc-bench: stanza too long\n");
		exit(2);
	}
	bench_feed_text(svc, text, (size_t)n);
}

void bench_join(muc_service *svc, const char *room_jid, const char *user,
		const char *nick, const char *payload)
{
	bench_feed(svc,
		   "<presence from='%s@localhost/r' to='%s/%s'>"
		   "<x xmlns='http://jabber.org/protocol/muc'/>%s</presence>",
		   user, room_jid, nick, payload ? payload : "");
}

void bench_configure(muc_service *svc, const char *room_jid,
		    const char *user, const char *fields)
{
	if (!fields) {
		bench_feed(svc,
			   "<iq from='%s@localhost/r' to='%s' type='set' "
			   "id='cfg'><query xmlns='http://jabber.org/protocol/"
			   "muc#owner'><x xmlns='jabber:x:data' "
			   "type='submit'/></query></iq>",
			   user, room_jid);
		return;
	}
	bench_feed(svc,
		   "<iq from='%s@localhost/r' to='%s' type='set' id='cfg'>"
		   "<query xmlns='http://jabber.org/protocol/muc#owner'>"
		   "<x xmlns='jabber:x:data' type='submit'>"
		   "<field var='FORM_TYPE'><value>http://jabber.org/protocol/"
		   "muc#roomconfig</value></field>%s</x></query></iq>",
		   user, room_jid, fields);
}

void bench_create_room(muc_service *svc, const char *room_jid,
		       const char *user, const char *nick, const char *fields)
{
	bench_join(svc, room_jid, user, nick, NULL);
	bench_configure(svc, room_jid, user, fields);
}

size_t bench_occupants(muc_service *svc, const char *room_jid)
{
	muc_room *r = muc_service_find_room(svc, room_jid);
	if (!r) {
		fprintf(stderr, "muc-bench: room %s is missing\n", room_jid);
		exit(2);
	}
	return muc_room_occupant_count(r);
}

/* ---- Machine ------------------------------------------------------------ */

void bench_machine_read(bench_machine *m)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[512];
	time_t t = time(NULL);
	struct tm tm;
	memset(m, 0, sizeof *m);
	m->nproc = sysconf(_SC_NPROCESSORS_ONLN);
	strcpy(m->cpu, "unknown");
	while (f && fgets(line, sizeof line, f)) {
		char *colon = strchr(line, ':');
		if (strncmp(line, "model name", 10) == 0 && colon) {
			char *v = colon + 1, *nl;
			while (*v == ' ' || *v == '\t')
				v++;
			if ((nl = strchr(v, '\n')))
				*nl = '\0';
			snprintf(m->cpu, sizeof m->cpu, "%s", v);
			break;
		}
	}
	if (f)
		fclose(f);
#ifdef __clang__
	snprintf(m->compiler, sizeof m->compiler, "clang %s", __clang_version__);
#elif defined(__GNUC__)
	snprintf(m->compiler, sizeof m->compiler, "gcc %s", __VERSION__);
#else
	strcpy(m->compiler, "unknown");
#endif
	strcpy(m->loadavg, "unknown");
	f = fopen("/proc/loadavg", "r");
	if (f && fgets(line, sizeof line, f)) {
		char *sp = strchr(line, ' ');
		/* the 1, 5 and 15 minute averages */
		if (sp && (sp = strchr(sp + 1, ' ')) &&
		    (sp = strchr(sp + 1, ' ')))
			*sp = '\0';
		snprintf(m->loadavg, sizeof m->loadavg, "%.63s", line);
	}
	if (f)
		fclose(f);
	gmtime_r(&t, &tm);
	strftime(m->date, sizeof m->date, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
