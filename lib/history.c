/* Discussion history (XEP-0045 §7.2.15, §7.2.16): which messages are kept,
 * how many, and what a joining client gets of them, with XEP-0203 delay. */
#include "common.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* As the reference: messages with a body, or marked for storage (XEP-0334),
 * unless marked not to be stored. Subject changes are never history. */
static bool is_historic(const xnode *msg)
{
	if (xnode_child(msg, "no-store", NS_HINTS) ||
	    xnode_child(msg, "no-permanent-store", NS_HINTS))
		return false;
	return xnode_child(msg, "store", NS_HINTS) ||
	       xnode_child(msg, "body", NS_CLIENT) ||
	       xnode_child(msg, "encryption", "urn:xmpp:eme:0") ||
	       xnode_child(msg, NULL, "urn:xmpp:chat-markers:0");
}

static void format_stamp(int64_t ms, char out[32])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void drop_oldest(muc_room *r)
{
	history_entry *e = r->hist_first;
	if (!e)
		return;
	r->hist_first = e->next;
	if (r->hist_first)
		r->hist_first->prev = NULL;
	else
		r->hist_last = NULL;
	xnode_free(&r->svc->mem, e->stanza);
	mem_free(&r->svc->mem, e);
	r->nhistory--;
}

void history_free(muc_room *r)
{
	while (r->hist_first)
		drop_oldest(r);
}

void history_add(muc_room *r, const xnode *msg)
{
	muc_service *s = r->svc;
	history_entry *e;
	xnode *d;
	char stamp[32];
	if (!is_historic(msg))
		return;
	/* As the reference, a lowered length takes effect when the next
	 * message comes: a length of 0 then forgets the whole history. */
	if (r->cfg.history_length <= 0) {
		history_free(r);
		return;
	}
	e = mem_calloc(&s->mem, sizeof *e);
	if (!e) {
		svc_nomem(s);
		return;
	}
	e->stamp_ms = svc_now(s);
	format_stamp(e->stamp_ms, stamp);
	e->stanza = xnode_clone(&s->mem, msg);
	d = e->stanza ? xnode_add(&s->mem, e->stanza, "delay", NS_DELAY) : NULL;
	if (!d || !xnode_set_attr(&s->mem, d, "from", r->jid) ||
	    !xnode_set_attr(&s->mem, d, "stamp", stamp) ||
	    !xnode_set_attr(&s->mem, e->stanza, "to", NULL)) {
		xnode_free(&s->mem, e->stanza);
		mem_free(&s->mem, e);
		svc_nomem(s);
		return;
	}
	e->chars = 0; /* measured when a joiner asks for maxchars */
	e->prev = r->hist_last;
	if (r->hist_last)
		r->hist_last->next = e;
	else
		r->hist_first = e;
	r->hist_last = e;
	r->nhistory++;
	while (r->nhistory > (size_t)r->cfg.history_length ||
	       (int)r->nhistory > r->svc->max_history)
		drop_oldest(r);
}

/* Two digits at p, as a number; -1 if they are not. */
static int two_digits(const char *p)
{
	return isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1])
		       ? (p[0] - '0') * 10 + (p[1] - '0')
		       : -1;
}

/* Parses a DateTime the way the reference does (util.datetime.parse):
 * YYYY[-]MM[-]DDThh:mm:ss[.frac], then nothing, "Z" or an offset
 * [+-]hh[[:]mm], into seconds since the epoch; false if it is none. */
static bool parse_stamp(const char *s, double *out)
{
	int y, mo, d, h, mi, sec, oh = 0, om = 0, i;
	double frac = 0, scale = 0.1;
	const char *p = s, *tz;
	int64_t days;
	for (i = 0, y = 0; i < 4; i++, p++) {
		if (!isdigit((unsigned char)*p))
			return false;
		y = y * 10 + (*p - '0');
	}
	if (*p == '-')
		p++;
	if ((mo = two_digits(p)) < 0)
		return false;
	p += 2 + (p[2] == '-');
	if ((d = two_digits(p)) < 0 || p[2] != 'T' ||
	    (h = two_digits(p + 3)) < 0 || p[5] != ':' ||
	    (mi = two_digits(p + 6)) < 0 || p[8] != ':' ||
	    (sec = two_digits(p + 9)) < 0)
		return false;
	p += 11;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++, scale /= 10)
			frac += (*p - '0') * scale;
	/* The rest is the zone: empty, "Z", or the first [+-]hh[[:]mm] in
	 * it (the reference's pattern is not anchored there). */
	tz = p;
	if (*tz && strcmp(tz, "Z") != 0) {
		const char *q;
		size_t nd;
		for (q = tz; *q; q++)
			if ((*q == '+' || *q == '-') && two_digits(q + 1) >= 0)
				break;
		if (!*q)
			return false;
		oh = two_digits(q + 1);
		p = q + 3 + (q[3] == ':');
		nd = strspn(p, "0123456789");
		/* minutes count only as exactly two digits */
		om = nd == 2 ? two_digits(p) : 0;
		if (*q == '-') {
			oh = -oh;
			om = -om;
		}
	}
	/* days from civil (proleptic Gregorian), to avoid timegm() */
	y -= mo <= 2;
	{
		int64_t era = (y >= 0 ? y : y - 399) / 400;
		int64_t yoe = y - era * 400;
		int64_t doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
		int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
		days = era * 146097 + doe - 719468;
	}
	*out = (double)(((days * 24 + h) * 60 + mi) * 60 + sec) -
	       (oh * 3600 + om * 60) + frac;
	return true;
}

/* Lua's tonumber(), which the reference applies to these attributes:
 * decimal or hexadecimal, integer or float, spaces around allowed;
 * never inf or nan spelled out. False when it gives nil. */
static bool num_attr(const xnode *h, const char *name, double *out)
{
	const char *v = h ? xnode_attr(h, name) : NULL;
	char *end;
	if (!v || strpbrk(v, "nN"))
		return false;
	*out = strtod(v, &end);
	if (end == v)
		return false;
	while (isspace((unsigned char)*end))
		end++;
	return *end == '\0';
}

/* §7.2.15 with the reference's arithmetic: its tonumber() for the limits,
 * whole seconds for message times, and maxchars counting each message as
 * serialized plus its 'to'. */
static void send_history(muc_room *r, const char *to, const xnode *muc_x)
{
	muc_service *s = r->svc;
	const xnode *h = muc_x ? xnode_child(muc_x, "history", NULL) : NULL;
	double maxchars = 0, maxstanzas = 0, seconds = 0, since = 0;
	bool has_chars = num_attr(h, "maxchars", &maxchars);
	bool has_stanzas = num_attr(h, "maxstanzas", &maxstanzas);
	const char *sv = h ? xnode_attr(h, "since") : NULL;
	bool has_since = sv && parse_stamp(sv, &since);
	size_t n = 0, chars = 0, tolen = strlen(to);
	history_entry *e, *first = NULL;
	if (num_attr(h, "seconds", &seconds)) {
		double t = (double)(svc_now(s) / 1000) - seconds;
		if (!has_since || t > since)
			since = t;
		has_since = true;
	}
	if (!has_chars && !has_stanzas && !has_since) {
		/* the room's default, which was capped by the history
		 * length when it was set, not since (as the reference) */
		maxstanzas = r->cfg.default_history;
		has_stanzas = true;
	}
	/* Walk back from the newest message while every limit holds; then
	 * send from the oldest one that fits. */
	for (e = r->hist_last; e; first = e, e = e->prev) {
		if (has_chars) {
			if (!e->chars) {
				buf tmp;
				buf_init(&tmp, &s->mem);
				xnode_write(&tmp, e->stanza, NS_CLIENT);
				/* the reference counts an empty to='' too */
				e->chars = tmp.len + 6;
				buf_free(&tmp);
			}
			chars += e->chars + tolen;
			if ((double)chars > maxchars)
				break;
		}
		if (has_since && since > (double)(e->stamp_ms / 1000))
			break;
		if (has_stanzas && (double)n + 1 > maxstanzas)
			break;
		n++;
	}
	for (e = n ? first : NULL; e; e = e->next)
		send_node(s, e->stanza, to, xnode_attr(e->stanza, "from"));
}

void subject_send(muc_room *r, const char *to)
{
	tmpl t;
	tmpl_init(&t, r->svc, "message",
		  r->subject_from ? r->subject_from : r->jid);
	buf_attr(&t.b, "type", "groupchat");
	if (r->subject && *r->subject) {
		buf_puts(&t.b, "><subject>");
		buf_puts_escaped(&t.b, r->subject);
		buf_puts(&t.b, "</subject>");
	} else {
		buf_puts(&t.b, "><subject/>");
	}
	/* XEP-0045 §7.2.16: when the subject was set, with XEP-0203 delay */
	if (r->subject_timed) {
		char stamp[32];
		format_stamp(r->subject_time_ms, stamp);
		buf_puts(&t.b, "<delay");
		buf_attr(&t.b, "xmlns", NS_DELAY);
		buf_attr(&t.b, "from", r->jid);
		buf_attr(&t.b, "stamp", stamp);
		buf_puts(&t.b, "/>");
	}
	buf_puts(&t.b, "</message>");
	tmpl_send(r->svc, &t, to);
	tmpl_free(&t);
}

/* §7.2.15-16: after the presences, history, then the subject (always). */
void room_join_history_and_subject(muc_room *r, const char *to,
				   const xnode *muc_x)
{
	send_history(r, to, muc_x);
	subject_send(r, to);
}
