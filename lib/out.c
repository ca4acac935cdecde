/* Everything the library sends leaves through here, to the host's deliver
 * hook. Broadcasts serialize a stanza once (tmpl) and only address it per
 * recipient. */
#include "common.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void svc_log(muc_service *s, muc_log_level lvl, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	if (!s->cb.log)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	s->cb.log(lvl, line, s->user_data);
}

int64_t svc_now(muc_service *s)
{
	return s->cb.clock ? s->cb.clock(s->user_data) : 0;
}

void svc_nomem(muc_service *s)
{
	if (!s->status)
		s->status = MUC_ERR_NOMEM;
}

bool svc_new_id(muc_service *s, char *out, size_t cap)
{
	size_t n = 0, i;
	if (s->cb.id)
		n = s->cb.id(out, cap, s->user_data);
	if (n == 0 || n >= cap) {
		int k = snprintf(out, cap, "muc%llu",
				 (unsigned long long)++s->next_id);
		if (k < 0 || (size_t)k >= cap)
			return false;
		return true;
	}
	out[n] = '\0';
	for (i = 0; i < n; i++)
		if (out[i] == '<' || out[i] == '&' || out[i] == '\'' ||
		    out[i] == '"' || (unsigned char)out[i] < 0x21)
			out[i] = '_';
	return true;
}

static void deliver(muc_service *s, const char *to, const char *from)
{
	muc_stanza_out o;
	if (s->status == MUC_ERR_CALLBACK)
		return; /* the host asked us to stop sending */
	if (!buf_ok(&s->out)) {
		svc_nomem(s);
		return;
	}
	o.to = to;
	o.from = from;
	o.xml = s->out.data;
	o.len = s->out.len;
	if (s->cb.deliver(&o, s->user_data) != 0)
		s->status = MUC_ERR_CALLBACK;
}

void tmpl_init(tmpl *t, muc_service *s, const char *name, const char *from)
{
	buf_init(&t->b, &s->mem);
	t->name = name;
	t->from = from;
	buf_attr(&t->b, "from", from);
}

void tmpl_free(tmpl *t)
{
	buf_free(&t->b);
}

void tmpl_send(muc_service *s, tmpl *t, const char *to)
{
	size_t nl, tl = strlen(to);
	if (!buf_ok(&t->b)) {
		svc_nomem(s);
		return;
	}
	buf_reset(&s->out);
	/* The hot path of every broadcast: one copy of the template after
	 * the address; JIDs seldom need escaping, so check first. */
	if (to[strcspn(to, "&<>'\"")] == '\0') {
		nl = strlen(t->name);
		if (buf_reserve(&s->out, nl + tl + t->b.len + 8)) {
			char *p = s->out.data;
			*p++ = '<';
			memcpy(p, t->name, nl);
			p += nl;
			memcpy(p, " to='", 5);
			p += 5;
			memcpy(p, to, tl);
			p += tl;
			*p++ = '\'';
			memcpy(p, t->b.data, t->b.len);
			p += t->b.len;
			*p = '\0';
			s->out.len = (size_t)(p - s->out.data);
		}
	} else {
		buf_putc(&s->out, '<');
		buf_puts(&s->out, t->name);
		buf_attr(&s->out, "to", to);
		buf_put(&s->out, t->b.data, t->b.len);
	}
	deliver(s, to, t->from);
}

void tmpl_send_occupant(muc_service *s, tmpl *t, const muc_occupant *o)
{
	const session *ss;
	for (ss = o->sessions; ss; ss = ss->next)
		tmpl_send(s, t, ss->real_jid);
}

void tmpl_send_room(muc_room *r, tmpl *t,
		    bool (*pick)(const muc_room *, const muc_occupant *))
{
	const muc_occupant *o;
	for (o = r->first; o; o = o->next)
		if (!pick || pick(r, o))
			tmpl_send_occupant(r->svc, t, o);
}

void send_node(muc_service *s, const xnode *st, const char *to,
	       const char *from)
{
	size_t i;
	const xnode *c;
	buf_reset(&s->out);
	buf_putc(&s->out, '<');
	buf_puts(&s->out, st->name);
	buf_attr(&s->out, "to", to);
	buf_attr(&s->out, "from", from);
	for (i = 0; i < st->nattrs; i++) {
		const char *n = st->attrs[i].name;
		if (strcmp(n, "to") && strcmp(n, "from"))
			buf_attr(&s->out, n, st->attrs[i].value);
	}
	if (!st->children) {
		buf_puts(&s->out, "/>");
	} else {
		buf_putc(&s->out, '>');
		for (c = st->children; c; c = c->next)
			xnode_write(&s->out, c, NS_CLIENT);
		buf_puts(&s->out, "</");
		buf_puts(&s->out, st->name);
		buf_putc(&s->out, '>');
	}
	deliver(s, to, from);
}

static const char *kind_name(stanza_kind k)
{
	return k == ST_MESSAGE ? "message" : k == ST_PRESENCE ? "presence" : "iq";
}

void send_result(muc_service *s, const stanza *st, const xnode *payload)
{
	buf_reset(&s->out);
	buf_puts(&s->out, "<iq");
	buf_attr(&s->out, "to", st->from.full);
	buf_attr(&s->out, "from", st->to.full);
	buf_attr(&s->out, "type", "result");
	if (st->id)
		buf_attr(&s->out, "id", st->id);
	if (payload) {
		buf_putc(&s->out, '>');
		xnode_write(&s->out, payload, NS_CLIENT);
		buf_puts(&s->out, "</iq>");
	} else {
		buf_puts(&s->out, "/>");
	}
	deliver(s, st->from.full, st->to.full);
}

/* Opens an error reply: <kind to=sender from=original-to type='error'
 * id=…><error type=… [by=…]> (RFC 6120 §8.3.1). */
static void begin_error(muc_service *s, const stanza *st, const char *type,
			const char *by)
{
	buf_reset(&s->out);
	buf_putc(&s->out, '<');
	buf_puts(&s->out, kind_name(st->kind));
	buf_attr(&s->out, "to", st->from.full);
	buf_attr(&s->out, "from", st->to.full);
	buf_attr(&s->out, "type", "error");
	if (st->id)
		buf_attr(&s->out, "id", st->id);
	buf_puts(&s->out, "><error");
	buf_attr(&s->out, "type", type);
	/* As the reference: 'by' only where the raiser differs from the
	 * stanza's sender (RFC 6120 §8.3.2). */
	if (by && strcmp(by, st->to.full) != 0)
		buf_attr(&s->out, "by", by);
}

/* <cond xmlns=stanzas/> or, with text, <cond>text</cond>. */
static void put_condition(buf *b, const char *cond, const char *text)
{
	buf_putc(b, '<');
	buf_puts(b, cond);
	buf_attr(b, "xmlns", NS_STANZAS);
	if (!text) {
		buf_puts(b, "/>");
		return;
	}
	buf_putc(b, '>');
	buf_puts_escaped(b, text);
	buf_puts(b, "</");
	buf_puts(b, cond);
	buf_putc(b, '>');
}

static void end_error(muc_service *s, const stanza *st)
{
	buf_puts(&s->out, "</");
	buf_puts(&s->out, kind_name(st->kind));
	buf_putc(&s->out, '>');
	deliver(s, st->from.full, st->to.full);
}

void send_error_extra(muc_service *s, const stanza *st, const char *type,
		      const char *condition, const char *text,
		      const char *by, const char *code, bool muc_x)
{
	/* RFC 6120 §8.3.1: never answer an error with an error. */
	if (st->type && strcmp(st->type, "error") == 0)
		return;
	if (!type || !condition) { /* a failure without words: ours */
		type = "wait";
		condition = "internal-server-error";
	}
	begin_error(s, st, type, by);
	if (code)
		buf_attr(&s->out, "code", code);
	buf_putc(&s->out, '>');
	put_condition(&s->out, condition, NULL);
	if (text)
		put_condition(&s->out, "text", text);
	buf_puts(&s->out, "</error>");
	if (muc_x) {
		buf_puts(&s->out, "<x");
		buf_attr(&s->out, "xmlns", NS_MUC);
		buf_puts(&s->out, "/>");
	}
	end_error(s, st);
}

void send_error(muc_service *s, const stanza *st, const char *type,
		const char *condition, const char *text, const char *by)
{
	send_error_extra(s, st, type, condition, text, by, NULL, false);
}

void send_error_gone(muc_service *s, const stanza *st, const char *reason,
		     const char *uri)
{
	begin_error(s, st, "cancel", s->domain);
	buf_putc(&s->out, '>');
	put_condition(&s->out, "gone", uri);
	if (reason)
		put_condition(&s->out, "text", reason);
	buf_puts(&s->out, "</error>");
	end_error(s, st);
}

void send_command_denied(muc_service *s, const stanza *st, const char *node,
			 const char *text)
{
	begin_error(s, st, "auth", NULL);
	buf_putc(&s->out, '>');
	put_condition(&s->out, "forbidden", NULL);
	put_condition(&s->out, "text", text);
	buf_puts(&s->out, "</error><command");
	buf_attr(&s->out, "xmlns", NS_COMMANDS);
	buf_attr(&s->out, "node", node);
	buf_attr(&s->out, "status", "canceled");
	buf_puts(&s->out, "><note type='error'>");
	buf_puts_escaped(&s->out, text);
	buf_puts(&s->out, "</note></command>");
	end_error(s, st);
}
