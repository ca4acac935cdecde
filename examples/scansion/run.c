/* One script, step by step. How receives consume stanzas follows the real
 * scansion tool (and run_script() in scansion_net.py):
 *   - stanzas delivered to a client wait in its pending queue;
 *   - "X receives:" with nothing left over takes all of X's pending stanzas
 *     as one batch; the first must match; the rest is left over;
 *   - left-overs survive only while the next steps are receives by X: any
 *     other step drops them first (a real scansion client is read only
 *     while one of its receive steps runs, and the rest of a read is
 *     dispatched with no handler);
 *   - "X receives: nothing" needs no left-overs and nothing pending.
 * With --exact nothing may be dropped: a left-over that would be, a stanza
 * pending when its client disconnects or when the script ends, fails. */
#include "run.h"

#include <stdio.h>
#include <string.h>

#include "clients.h"
#include "match.h"
#include "script.h"
#include "stanza.h"

/* The service's clock: 2026-01-01T00:00:00Z, one second later per step, so
 * that timestamps are reproducible and history is in order. */
#define CLOCK_BASE_MS INT64_C(1767225600000)

typedef struct run {
	const run_opts *opts;
	const script *s;
	world w;
	muc_mem mem; /* for why */
	buf why;     /* the failure reason being built */
} run;

/* The start tag of a stanza's text, for trace lines about a stanza whose
 * full text the trace already showed when it was delivered. */
static int start_tag_len(const char *xml)
{
	const char *gt = strchr(xml, '>');
	return gt ? (int)(gt - xml + 1) : (int)strlen(xml);
}

/* ", and N more" when a report shows one of several stanzas. */
static void and_more(buf *b, size_t others)
{
	char tmp[64];
	if (!others)
		return;
	snprintf(tmp, sizeof tmp, ", and %zu more", others);
	buf_puts(b, tmp);
}

/* Appends "\n  <label>:\n    <stanza...>" to the reason. */
static void show(buf *why, const char *label, const xnode *st)
{
	buf_puts(why, "\n  ");
	buf_puts(why, label);
	buf_puts(why, ":\n");
	stanza_pretty(why, st);
}

/* Text of a step's stanza with variables expanded, parsed; NULL with the
 * reason in r->why. */
static xnode *step_stanza(run *r, const script_step *st)
{
	buf text;
	xnode *n = NULL;
	int rc;
	buf_init(&text, &r->w.mem);
	if (script_expand(r->s, (const char *const *)r->w.full, st->xml, &text,
			  &r->why)) {
		rc = stanza_parse(&r->w.mem, text.data, text.len, &n);
		if (rc != MUC_OK) {
			buf_puts(&r->why, "cannot parse stanza XML (");
			buf_puts(&r->why, muc_strerror(rc));
			buf_puts(&r->why, "):\n");
			stanza_indent(&r->why, text.data, text.len);
			n = NULL;
		}
	}
	buf_free(&text);
	return n;
}

/* Before a step: drop (or, with --exact, refuse to drop) the left-overs of
 * every client the step does not let keep them. */
static bool settle_leftovers(run *r, const script_step *st)
{
	size_t k;
	for (k = 0; k < r->w.nclients; k++) {
		client *c = &r->w.clients[k];
		item *it;
		if (k == st->client &&
		    (st->kind == STEP_RECEIVE || st->kind == STEP_NOTHING))
			continue;
		if (!c->leftover.count)
			continue;
		if (r->opts->exact) {
			buf_puts(&r->why, c->def->name);
			buf_puts(&r->why, " received a stanza that no receives "
					  "step consumed (--exact)");
			and_more(&r->why, c->leftover.count - 1);
			show(&r->why, "unconsumed", c->leftover.head->stanza);
			return false;
		}
		while ((it = queue_pop(&c->leftover)) != NULL) {
			if (r->opts->verbose)
				printf("    %s drops unread: %.*s\n",
				       c->def->name, start_tag_len(it->xml),
				       it->xml);
			item_free(&r->w.mem, it);
		}
	}
	return true;
}

static bool do_receive(run *r, const script_step *st, client *c)
{
	xnode *expected = step_stanza(r, st);
	item *it;
	bool ok;
	if (!expected)
		return false;
	if (!c->connected) {
		buf_puts(&r->why, c->def->name);
		buf_puts(&r->why, " is not connected");
		xnode_free(&r->w.mem, expected);
		return false;
	}
	if (!c->leftover.count && c->pending.count) {
		/* A new read: everything queued so far is one batch. */
		if (r->opts->verbose)
			printf("    %s reads a batch of %zu stanza%s\n",
			       c->def->name, c->pending.count,
			       c->pending.count == 1 ? "" : "s");
		c->leftover = c->pending;
		memset(&c->pending, 0, sizeof c->pending);
	}
	it = queue_pop(&c->leftover);
	if (!it) {
		buf_puts(&r->why, c->def->name);
		buf_puts(&r->why, ": nothing received");
		show(&r->why, "expected", expected);
		xnode_free(&r->w.mem, expected);
		return false;
	}
	buf_puts(&r->why, c->def->name);
	buf_puts(&r->why, " received a non-matching stanza: ");
	ok = match_stanza(expected, it->stanza, &r->why);
	if (ok) {
		buf_reset(&r->why);
		if (r->opts->verbose)
			printf("    %s receives, as expected: %.*s\n",
			       c->def->name, start_tag_len(it->xml), it->xml);
	} else {
		show(&r->why, "expected", expected);
		show(&r->why, "received", it->stanza);
	}
	item_free(&r->w.mem, it);
	xnode_free(&r->w.mem, expected);
	return ok;
}

static bool do_nothing(run *r, client *c)
{
	const item *it = c->leftover.head ? c->leftover.head : c->pending.head;
	if (it) {
		buf_puts(&r->why, c->def->name);
		buf_puts(&r->why, " expected to receive nothing");
		show(&r->why, "received", it->stanza);
		return false;
	}
	if (r->opts->verbose)
		printf("    %s receives nothing, as expected\n", c->def->name);
	return true;
}

static bool do_send(run *r, const script_step *st, client *c)
{
	xnode *n = step_stanza(r, st);
	if (!n)
		return false;
	if (!c->connected) {
		xnode_free(&r->w.mem, n);
		if (!r->w.full[st->client]) {
			buf_puts(&r->why, c->def->name);
			buf_puts(&r->why, " sends before connecting");
			return false;
		}
		/* scansion tolerates this (muc_outcast_reason.scs does it). */
		if (r->opts->verbose)
			printf("    %s is disconnected: nothing sent\n",
			       c->def->name);
		return true;
	}
	return world_send(&r->w, st->client, n, &r->why);
}

static bool do_step(run *r, const script_step *st)
{
	client *c = &r->w.clients[st->client];
	switch (st->kind) {
	case STEP_CONNECT:
		return world_connect(&r->w, st->client, &r->why);
	case STEP_DISCONNECT:
		if (r->opts->exact && c->connected && c->pending.count) {
			buf_puts(&r->why, c->def->name);
			buf_puts(&r->why, " disconnects with a stanza no "
					  "receives step consumed (--exact)");
			and_more(&r->why, c->pending.count - 1);
			show(&r->why, "unconsumed", c->pending.head->stanza);
			return false;
		}
		world_disconnect(&r->w, st->client);
		return true;
	case STEP_SEND:
		return do_send(r, st, c);
	case STEP_RECEIVE:
		return do_receive(r, st, c);
	case STEP_NOTHING:
		return do_nothing(r, c);
	}
	return false;
}

/* --exact, after the last step: every connected client must have
 * consumed everything. */
static bool check_end(run *r)
{
	size_t k;
	for (k = 0; k < r->w.nclients; k++) {
		client *c = &r->w.clients[k];
		const item *it = c->leftover.head ? c->leftover.head
						  : c->pending.head;
		size_t n = c->leftover.count + c->pending.count;
		if (!it)
			continue;
		buf_puts(&r->why, c->def->name);
		buf_puts(&r->why, " received a stanza that no receives step "
				  "consumed (--exact)");
		and_more(&r->why, n - 1);
		show(&r->why, "unconsumed", it->stanza);
		return false;
	}
	return true;
}

static void report_failure(run *r, const char *path, const char *where)
{
	if (!buf_ok(&r->why)) {
		buf_reset(&r->why);
		buf_puts(&r->why, "out of memory while reporting");
	}
	printf("FAIL %s: %s%s", path, where, buf_cstr(&r->why));
	if (r->w.refused.len)
		printf("\n  %s", buf_cstr(&r->w.refused));
	printf("\n");
}

bool run_file(const char *path, const run_opts *opts)
{
	run r;
	script s;
	size_t n;
	bool ok = true;
	char where[64];

	memset(&r, 0, sizeof r);
	r.opts = opts;
	r.s = &s;
	mem_init(&r.mem, NULL);
	buf_init(&r.why, &r.mem);
	if (!script_load(path, &s, &r.why)) {
		printf("FAIL %s: cannot load script: %s\n", path,
		       buf_cstr(&r.why));
		buf_free(&r.why);
		script_free(&s);
		return false;
	}
	if (!s.nsteps) {
		/* Not an error for scansion_net.py, but an empty or truncated
		 * file passing in CI would hide a mistake. */
		printf("FAIL %s: script has no steps\n", path);
		script_free(&s);
		buf_free(&r.why);
		return false;
	}
	if (opts->verbose)
		printf("== %s%s%s\n", path, s.title ? ": " : "",
		       s.title ? s.title : "");
	if (!world_init(&r.w, &s, opts->verbose, &r.why)) {
		report_failure(&r, path, "");
		ok = false;
	}
	for (n = 0; ok && n < s.nsteps; n++) {
		const script_step *st = &s.steps[n];
		r.w.step = (unsigned)n + 1;
		r.w.now = CLOCK_BASE_MS + (int64_t)n * 1000;
		if (opts->verbose)
			printf("-- step %zu (line %u): %s %s\n", n + 1,
			       st->line, s.clients[st->client].name,
			       script_step_verb(st->kind));
		ok = settle_leftovers(&r, st) && do_step(&r, st);
		if (r.w.fault.len) {
			/* A fault (output that does not parse, no memory) fails
			 * the step even when the script's check passed. */
			buf_puts(&r.why, ok ? "" : "\n  and: ");
			buf_puts(&r.why, buf_cstr(&r.w.fault));
			ok = false;
		}
		if (!ok) {
			snprintf(where, sizeof where, "step %zu (line %u): ",
				 n + 1, st->line);
			report_failure(&r, path, where);
		}
	}
	if (ok && opts->exact && !check_end(&r)) {
		report_failure(&r, path, "end of script: ");
		ok = false;
	}
	if (ok)
		printf("PASS %s\n", path);
	world_free(&r.w);
	buf_free(&r.why);
	script_free(&s);
	return ok;
}
