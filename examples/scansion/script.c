/* Reading .scs scripts, line by line, the way scansion_net.py does:
 *   - non-indented lines starting with '#' or '//' are comments (the first
 *     one in the header is the title);
 *   - header: "[Client] Name", then indented "key: value" properties, up to
 *     a line of three or more dashes;
 *   - then actions "Name connects|disconnects|sends:|receives:", where a
 *     sends/receives takes the rest of its line plus the following indented
 *     or blank lines as its stanza. */
#include "script.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stanza.h"

typedef struct line {
	char *text; /* NUL-terminated, trailing '\r' removed */
	size_t len;
} line;

/* Python's str.isspace() for the ASCII range, which is all scripts use for
 * indentation. */
static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r' ||
	       c == '\n';
}

/* The stripped view of [s, s+n): *start and the stripped length. */
static size_t strip(const char *s, size_t n, const char **start)
{
	while (n && is_space(*s)) {
		s++;
		n--;
	}
	while (n && is_space(s[n - 1]))
		n--;
	*start = s;
	return n;
}

static char *dup_n(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

static bool say(buf *err, unsigned lineno, const char *what, const char *q)
{
	char num[32];
	if (lineno) {
		snprintf(num, sizeof num, "line %u: ", lineno);
		buf_puts(err, num);
	}
	buf_puts(err, what);
	if (q) {
		buf_putc(err, ' ');
		stanza_quote(err, q);
	}
	return false;
}

static bool is_word(char c)
{
	/* \w: letters, digits, '_' (non-ASCII bytes count as letters). */
	return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || (unsigned char)c >= 0x80;
}

/* "[Class] Name": the class and the (stripped) name, as spans. */
static bool object_line(const line *l, const char **cls, size_t *cls_len,
			const char **name, size_t *name_len)
{
	const char *p = l->text, *rest;
	size_t n;
	if (*p++ != '[')
		return false;
	*cls = p;
	while (is_word(*p))
		p++;
	*cls_len = (size_t)(p - *cls);
	if (!*cls_len || *p++ != ']' || !is_space(*p))
		return false;
	n = strip(p, l->len - (size_t)(p - l->text), &rest);
	*name = rest;
	*name_len = n;
	return true;
}

static bool is_separator(const char *s, size_t n)
{
	size_t i;
	if (n < 3)
		return false;
	for (i = 0; i < n; i++)
		if (s[i] != '-')
			return false;
	return true;
}

static bool add_client(script *s, const char *name, size_t n, unsigned lineno,
		       buf *err)
{
	script_client *v;
	size_t i;
	if (!n)
		return say(err, lineno, "client without a name", NULL);
	for (i = 0; i < s->nclients; i++)
		if (strlen(s->clients[i].name) == n &&
		    memcmp(s->clients[i].name, name, n) == 0)
			return say(err, lineno, "client declared twice:",
				   s->clients[i].name);
	v = realloc(s->clients, (s->nclients + 1) * sizeof *v);
	if (!v)
		return say(err, lineno, "out of memory", NULL);
	s->clients = v;
	memset(&v[s->nclients], 0, sizeof *v);
	v[s->nclients].line = lineno;
	v[s->nclients].name = dup_n(name, n);
	if (!v[s->nclients++].name)
		return say(err, lineno, "out of memory", NULL);
	return true;
}

static bool set_property(script_client *c, const char *st, size_t n,
			 unsigned lineno, buf *err)
{
	const char *colon = memchr(st, ':', n), *k, *v;
	size_t kn = strip(st, (size_t)(colon - st), &k);
	size_t vn = strip(colon + 1, n - (size_t)(colon + 1 - st), &v);
	char **slot = NULL;
	/* Other keys (connect_host, ...) concern network runners only. */
	if (kn == 3 && memcmp(k, "jid", 3) == 0)
		slot = &c->jid;
	else if (kn == 8 && memcmp(k, "password", 8) == 0)
		slot = &c->password;
	if (!slot)
		return true;
	free(*slot);
	*slot = dup_n(v, vn);
	return *slot ? true : say(err, lineno, "out of memory", NULL);
}

static const char *const verbs[] = {"connects", "disconnects", "sends:",
				    "receives:"};

/* "Name verb rest": the shortest Name followed by " verb" (the reference's
 * lazy regex), whatever Name is. Returns the verb index or -1. */
static int action_line(const line *l, size_t *name_len, const char **rest,
		       size_t *rest_len)
{
	size_t i, v;
	for (i = 1; i < l->len; i++) {
		if (l->text[i] != ' ')
			continue;
		for (v = 0; v < sizeof verbs / sizeof *verbs; v++) {
			size_t k = strlen(verbs[v]);
			if (strncmp(l->text + i + 1, verbs[v], k) != 0)
				continue;
			*name_len = i;
			*rest_len = strip(l->text + i + 1 + k,
					  l->len - i - 1 - k, rest);
			return (int)v;
		}
	}
	return -1;
}

static int find_client(const script *s, const char *name, size_t n)
{
	size_t i;
	for (i = 0; i < s->nclients; i++)
		if (strlen(s->clients[i].name) == n &&
		    memcmp(s->clients[i].name, name, n) == 0)
			return (int)i;
	return -1;
}

static bool add_step(script *s, step_kind kind, size_t client,
		     unsigned lineno, char *xml, buf *err)
{
	script_step *v = realloc(s->steps, (s->nsteps + 1) * sizeof *v);
	if (!v) {
		free(xml);
		return say(err, lineno, "out of memory", NULL);
	}
	s->steps = v;
	v[s->nsteps].kind = kind;
	v[s->nsteps].client = client;
	v[s->nsteps].line = lineno;
	v[s->nsteps++].xml = xml;
	return true;
}

/* One action starting at lines[*i]; advances *i past its stanza block. */
static bool parse_action(script *s, const line *lines, size_t nlines,
			 size_t *i, buf *err)
{
	const line *l = &lines[*i];
	unsigned lineno = (unsigned)(*i + 1);
	size_t name_len, rest_len, j;
	const char *rest;
	int verb = action_line(l, &name_len, &rest, &rest_len), who;
	buf xml;
	muc_mem m;
	const char *st;
	size_t sn;

	(*i)++;
	who = verb < 0 ? -1 : find_client(s, l->text, name_len);
	if (who < 0)
		return say(err, lineno, "cannot parse action", l->text);
	if (verb == 0 || verb == 1)
		return add_step(s, verb == 0 ? STEP_CONNECT : STEP_DISCONNECT,
				(size_t)who, lineno, NULL, err);
	if (verb == 3 && rest_len == 7 && memcmp(rest, "nothing", 7) == 0)
		return add_step(s, STEP_NOTHING, (size_t)who, lineno, NULL,
				err);
	/* The stanza: the rest of this line, then every following line that
	 * is blank or indented. */
	mem_init(&m, NULL);
	buf_init(&xml, &m);
	buf_put(&xml, rest, rest_len);
	for (j = *i; j < nlines; j++) {
		const line *b = &lines[j];
		if (strip(b->text, b->len, &st) && !is_space(b->text[0]))
			break;
		buf_putc(&xml, '\n');
		buf_put(&xml, b->text, b->len);
	}
	*i = j;
	if (!buf_ok(&xml)) {
		buf_free(&xml);
		return say(err, lineno, "out of memory", NULL);
	}
	sn = strip(xml.data ? xml.data : "", xml.len, &st);
	if (!sn) {
		buf_free(&xml);
		return say(err, lineno,
			   verb == 2 ? "sends: without a stanza"
				     : "receives: without a stanza",
			   NULL);
	}
	{
		char *text = dup_n(st, sn);
		buf_free(&xml);
		if (!text)
			return say(err, lineno, "out of memory", NULL);
		return add_step(s, verb == 2 ? STEP_SEND : STEP_RECEIVE,
				(size_t)who, lineno, text, err);
	}
}

/* A header line (not a comment, not blank). Sets *in_header false at the
 * separator. */
#define OPTION_PREFIX "# libmuc-option:"

/* A header comment "# libmuc-option: NAME VALUE": recorded in s. Returns
 * false when the comment is not one (then it may be the title). */
static bool option_line(script *s, const char *st, size_t sn,
			unsigned lineno, bool *ok, buf *err)
{
	size_t pn = strlen(OPTION_PREFIX), nn;
	const char *p, *name;
	char *end;
	long v;
	script_option *o;
	if (sn < pn || strncmp(st, OPTION_PREFIX, pn) != 0)
		return false;
	p = st + pn;
	while (p < st + sn && is_space(*p))
		p++;
	name = p;
	while (p < st + sn && !is_space(*p))
		p++;
	nn = (size_t)(p - name);
	errno = 0;
	v = nn ? strtol(p, &end, 10) : 0;
	if (!nn || end == p || errno || end != st + sn) {
		*ok = say(err, lineno, "expected \"# libmuc-option: NAME VALUE\"",
			  NULL);
		return true;
	}
	o = realloc(s->options, (s->noptions + 1) * sizeof *o);
	if (!o) {
		*ok = say(err, 0, "out of memory", NULL);
		return true;
	}
	s->options = o;
	o[s->noptions].value = v;
	o[s->noptions].line = lineno;
	if (!(o[s->noptions].name = dup_n(name, nn))) {
		*ok = say(err, 0, "out of memory", NULL);
		return true;
	}
	s->noptions++;
	return true;
}

static bool parse_header(script *s, const line *l, unsigned lineno,
			 bool *in_header, buf *err)
{
	const char *st, *cls, *name;
	size_t sn = strip(l->text, l->len, &st), cls_len, name_len;
	if (is_separator(st, sn)) {
		*in_header = false;
		return true;
	}
	if (object_line(l, &cls, &cls_len, &name, &name_len)) {
		if (cls_len != 6 || memcmp(cls, "Client", 6) != 0)
			return say(err, lineno, "unsupported object class",
				   l->text);
		return add_client(s, name, name_len, lineno, err);
	}
	if (is_space(l->text[0]) && s->nclients && memchr(st, ':', sn))
		return set_property(&s->clients[s->nclients - 1], st, sn,
				    lineno, err);
	return say(err, lineno, "unexpected header line", l->text);
}

/* Splits text (modified in place) into lines. */
static line *split_lines(char *text, size_t len, size_t *count)
{
	size_t n = 1, i, k = 0;
	line *v;
	char *p = text;
	for (i = 0; i < len; i++)
		n += text[i] == '\n';
	v = malloc(n * sizeof *v);
	if (!v)
		return NULL;
	for (i = 0; i <= len; i++) {
		if (i < len && text[i] != '\n')
			continue;
		text[i] = '\0';
		v[k].text = p;
		v[k].len = (size_t)(text + i - p);
		while (v[k].len && p[v[k].len - 1] == '\r')
			p[--v[k].len] = '\0';
		k++;
		p = text + i + 1;
	}
	/* A final newline does not start another line. */
	if (k && len && text[len - 1] == '\0' && v[k - 1].len == 0)
		k--;
	*count = k;
	return v;
}

bool script_parse(const char *text, size_t len, script *s, buf *err)
{
	char *copy;
	line *lines;
	size_t nlines, i = 0;
	bool in_header = true, ok = true;

	memset(s, 0, sizeof *s);
	if (memchr(text, '\0', len))
		return say(err, 0, "not a text file (contains a NUL byte)",
			   NULL);
	copy = malloc(len + 1);
	if (!copy)
		return say(err, 0, "out of memory", NULL);
	memcpy(copy, text, len);
	copy[len] = '\0';
	lines = split_lines(copy, len, &nlines);
	if (!lines) {
		free(copy);
		return say(err, 0, "out of memory", NULL);
	}
	while (ok && i < nlines) {
		const line *l = &lines[i];
		const char *st;
		size_t sn = strip(l->text, l->len, &st);
		if (!sn) {
			i++;
			continue;
		}
		if (!is_space(l->text[0]) &&
		    (st[0] == '#' ||
		     (sn >= 2 && st[0] == '/' && st[1] == '/'))) {
			if (in_header && !option_line(s, st, sn,
						      (unsigned)(i + 1), &ok,
						      err) &&
			    !s->title) {
				const char *t = st;
				size_t tn = sn;
				while (tn && *t == '#') {
					t++;
					tn--;
				}
				tn = strip(t, tn, &t);
				s->title = dup_n(t, tn);
				ok = s->title != NULL ||
				     say(err, 0, "out of memory", NULL);
			}
			i++;
			continue;
		}
		if (in_header) {
			ok = parse_header(s, l, (unsigned)(i + 1), &in_header,
					  err);
			i++;
			continue;
		}
		ok = parse_action(s, lines, nlines, &i, err);
	}
	free(lines);
	free(copy);
	if (!ok)
		script_free(s);
	return ok;
}

bool script_load(const char *path, script *s, buf *err)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL, *grown;
	size_t len = 0, cap = 0, got;
	bool ok;
	memset(s, 0, sizeof *s);
	if (!f) {
		buf_puts(err, "cannot open script: ");
		buf_puts(err, strerror(errno));
		return false;
	}
	do {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 8192;
			grown = realloc(text, cap);
			if (!grown) {
				free(text);
				fclose(f);
				return say(err, 0, "out of memory", NULL);
			}
			text = grown;
		}
		got = fread(text + len, 1, cap - len, f);
		len += got;
	} while (got > 0);
	if (ferror(f)) {
		buf_puts(err, "cannot read script: ");
		buf_puts(err, strerror(errno));
		free(text);
		fclose(f);
		return false;
	}
	fclose(f);
	ok = script_parse(text, len, s, err);
	free(text);
	return ok;
}

void script_free(script *s)
{
	size_t i;
	for (i = 0; i < s->nclients; i++) {
		free(s->clients[i].name);
		free(s->clients[i].jid);
		free(s->clients[i].password);
	}
	for (i = 0; i < s->nsteps; i++)
		free(s->steps[i].xml);
	free(s->clients);
	free(s->steps);
	free(s->title);
	for (i = 0; i < s->noptions; i++)
		free(s->options[i].name);
	free(s->options);
	memset(s, 0, sizeof *s);
}

const char *script_step_verb(step_kind kind)
{
	switch (kind) {
	case STEP_CONNECT: return "connects";
	case STEP_DISCONNECT: return "disconnects";
	case STEP_SEND: return "sends";
	case STEP_RECEIVE: return "receives";
	case STEP_NOTHING: return "receives nothing";
	}
	return "?";
}

/* Length of "${Name's JID}" / "${Name's full JID}" at t (which starts with
 * "${"), with the name's span and whether it is the full form; 0 when t
 * is no such variable. Like the reference's lazy regex, the name is the
 * shortest one-line run of characters followed by one of the two endings,
 * so "${Juliet's phone's full JID}" names the client "Juliet's phone". */
static size_t variable(const char *t, size_t *name_len, bool *full)
{
	static const char full_end[] = "'s full JID}", bare_end[] = "'s JID}";
	size_t k;
	for (k = 3; t[k - 1] && t[k - 1] != '\n'; k++) {
		if (strncmp(t + k, full_end, sizeof full_end - 1) == 0) {
			*name_len = k - 2;
			*full = true;
			return k + sizeof full_end - 1;
		}
		if (strncmp(t + k, bare_end, sizeof bare_end - 1) == 0) {
			*name_len = k - 2;
			*full = false;
			return k + sizeof bare_end - 1;
		}
	}
	return 0;
}

bool script_expand(const script *s, const char *const *full,
		   const char *text, buf *out, buf *err)
{
	const char *p = text, *q;
	for (q = strstr(p, "${"); q; q = strstr(q, "${")) {
		size_t name_len;
		bool is_full;
		size_t end = variable(q, &name_len, &is_full);
		int who;
		const char *value;
		if (!end) {
			q++;
			continue;
		}
		who = find_client(s, q + 2, name_len);
		if (who < 0) {
			buf_puts(err, "unknown client in variable ");
			buf_put(err, q, end);
			return false;
		}
		if (is_full) {
			value = full[who];
			if (!value) {
				buf_puts(err, s->clients[who].name);
				buf_puts(err, " has no full JID yet (not "
					      "connected)");
				return false;
			}
		} else {
			/* The bare JID is the jid: property up to any '/'. */
			const char *jid = s->clients[who].jid;
			value = jid ? jid : "";
		}
		buf_put(out, p, (size_t)(q - p));
		if (is_full)
			buf_puts_escaped(out, value);
		else
			buf_put_escaped(out, value, strcspn(value, "/"));
		p = q = q + end;
	}
	buf_puts(out, p);
	if (!buf_ok(out)) {
		buf_puts(err, "out of memory");
		return false;
	}
	return true;
}
