/* A strict, independent check that a stanza the library delivered is one
 * well-formed, namespace-well-formed XML element as XMPP requires
 * (XML 1.0 fifth edition, Namespaces in XML 1.0, RFC 6120 §11): valid
 * UTF-8 of legal XML characters, legal names, at most one colon per name
 * with a declared prefix, unique attributes, only the five predefined
 * entities and character references, no comments, processing
 * instructions, CDATA or DOCTYPE, balanced tags and nothing around the
 * root. Used by the fuzzer, the failing-allocator test and the hostile
 * input test; header-only so that each test stays one program.
 *
 * xml_wf_check(xml, len) returns NULL when the stanza is fine, else a
 * static string saying what is wrong (and *where gets the byte offset). */
#ifndef MUC_TEST_XML_WF_H
#define MUC_TEST_XML_WF_H

#include <stddef.h>
#include <string.h>

#define XWF_MAX_DEPTH 256
#define XWF_MAX_ATTRS 128
#define XWF_MAX_NS 512

typedef struct xwf_span {
	const char *p;
	size_t n;
} xwf_span;

typedef struct xwf_state {
	const char *x;
	size_t len;
	size_t i;
	xwf_span open[XWF_MAX_DEPTH];
	size_t nopen;
	/* namespace prefixes in scope: a stack, with the stack height at
	 * each open element so that closing an element pops its bindings */
	xwf_span ns_prefix[XWF_MAX_NS];
	size_t ns_top;
	size_t ns_mark[XWF_MAX_DEPTH];
} xwf_state;

/* Decodes one UTF-8 character at s (n bytes left); returns its length and
 * *cp, or 0 when invalid or not an XML Char. */
static inline size_t xwf_char(const unsigned char *s, size_t n,
			      unsigned long *cp)
{
	unsigned c = s[0];
	size_t len, i;
	unsigned long v;
	if (c < 0x80) {
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			return 0;
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		v = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		v = c & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && v < 0x800) || (len == 4 && v < 0x10000) ||
	    v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff) || v == 0xfffe ||
	    v == 0xffff)
		return 0;
	*cp = v;
	return len;
}

/* XML 1.0 (5th ed.) NameStartChar and NameChar, colon excluded (NCName). */
static inline int xwf_name_start(unsigned long c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
	       (c >= 0xc0 && c <= 0xd6) || (c >= 0xd8 && c <= 0xf6) ||
	       (c >= 0xf8 && c <= 0x2ff) || (c >= 0x370 && c <= 0x37d) ||
	       (c >= 0x37f && c <= 0x1fff) || (c >= 0x200c && c <= 0x200d) ||
	       (c >= 0x2070 && c <= 0x218f) || (c >= 0x2c00 && c <= 0x2fef) ||
	       (c >= 0x3001 && c <= 0xd7ff) || (c >= 0xf900 && c <= 0xfdcf) ||
	       (c >= 0xfdf0 && c <= 0xfffd) || (c >= 0x10000 && c <= 0xeffff);
}

static inline int xwf_name_char(unsigned long c)
{
	return xwf_name_start(c) || c == '-' || c == '.' ||
	       (c >= '0' && c <= '9') || c == 0xb7 ||
	       (c >= 0x300 && c <= 0x36f) || (c >= 0x203f && c <= 0x2040);
}

/* Reads an NCName at st->i; returns its length or 0. */
static inline size_t xwf_ncname(xwf_state *st)
{
	size_t start = st->i;
	int first = 1;
	while (st->i < st->len) {
		unsigned long c;
		size_t k = xwf_char((const unsigned char *)st->x + st->i,
				    st->len - st->i, &c);
		if (!k || !(first ? xwf_name_start(c) : xwf_name_char(c)))
			break;
		st->i += k;
		first = 0;
	}
	return st->i - start;
}

/* A QName: NCName or NCName ':' NCName. */
static inline int xwf_qname(xwf_state *st, xwf_span *prefix, xwf_span *local)
{
	size_t a = st->i, n = xwf_ncname(st);
	if (!n)
		return 0;
	prefix->p = NULL;
	prefix->n = 0;
	local->p = st->x + a;
	local->n = n;
	if (st->i < st->len && st->x[st->i] == ':') {
		size_t b;
		st->i++;
		b = st->i;
		n = xwf_ncname(st);
		if (!n)
			return 0;
		*prefix = *local;
		local->p = st->x + b;
		local->n = n;
	}
	return 1;
}

static inline int xwf_span_eq(xwf_span a, const char *s)
{
	return a.p && a.n == strlen(s) && memcmp(a.p, s, a.n) == 0;
}

/* An entity or character reference at st->i ('&'); 0 when not allowed. */
static inline int xwf_reference(xwf_state *st)
{
	static const char *const named[] = {"&amp;", "&lt;", "&gt;",
					    "&quot;", "&apos;"};
	size_t i, j, left = st->len - st->i;
	const char *s = st->x + st->i;
	unsigned long v = 0;
	int hex = 0;
	for (i = 0; i < 5; i++) {
		size_t k = strlen(named[i]);
		if (k <= left && memcmp(s, named[i], k) == 0) {
			st->i += k;
			return 1;
		}
	}
	if (left < 4 || s[1] != '#')
		return 0;
	j = 2;
	if (s[j] == 'x') {
		hex = 1;
		j++;
	}
	for (i = j; i < left && s[i] != ';'; i++) {
		char c = s[i];
		int d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (hex && c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (hex && c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return 0;
		v = v * (hex ? 16u : 10u) + (unsigned long)d;
		if (v > 0x10ffff)
			return 0;
	}
	if (i >= left || i == j)
		return 0;
	if ((v < 0x20 && v != 9 && v != 10 && v != 13) ||
	    (v >= 0xd800 && v <= 0xdfff) || v == 0xfffe || v == 0xffff)
		return 0;
	st->i += i + 1;
	return 1;
}

static inline void xwf_ws(xwf_state *st)
{
	while (st->i < st->len &&
	       (st->x[st->i] == ' ' || st->x[st->i] == '\t' ||
		st->x[st->i] == '\n' || st->x[st->i] == '\r'))
		st->i++;
}

static inline int xwf_prefix_bound(const xwf_state *st, xwf_span p)
{
	size_t k;
	if (xwf_span_eq(p, "xml"))
		return 1;
	for (k = st->ns_top; k > 0; k--)
		if (st->ns_prefix[k - 1].n == p.n &&
		    memcmp(st->ns_prefix[k - 1].p, p.p, p.n) == 0)
			return 1;
	return 0;
}

/* A start tag at st->i ('<' already consumed). */
static inline const char *xwf_start_tag(xwf_state *st)
{
	xwf_span ep, el, ap[XWF_MAX_ATTRS], al[XWF_MAX_ATTRS];
	size_t na = 0, a, b;
	if (!xwf_qname(st, &ep, &el))
		return "bad element name";
	if (st->nopen >= XWF_MAX_DEPTH)
		return "too deep";
	st->ns_mark[st->nopen] = st->ns_top;
	for (;;) {
		size_t before = st->i;
		char q;
		xwf_ws(st);
		if (st->i >= st->len)
			return "truncated start tag";
		if (st->x[st->i] == '>' || st->x[st->i] == '/')
			break;
		if (st->i == before)
			return "no white space before attribute";
		if (na >= XWF_MAX_ATTRS)
			return "too many attributes";
		if (!xwf_qname(st, &ap[na], &al[na]))
			return "bad attribute name";
		xwf_ws(st);
		if (st->i >= st->len || st->x[st->i] != '=')
			return "attribute without '='";
		st->i++;
		xwf_ws(st);
		if (st->i >= st->len ||
		    (st->x[st->i] != '\'' && st->x[st->i] != '"'))
			return "unquoted attribute value";
		q = st->x[st->i++];
		{
			size_t vstart = st->i;
			while (st->i < st->len && st->x[st->i] != q) {
				unsigned long c;
				size_t k;
				if (st->x[st->i] == '<')
					return "'<' in attribute value";
				if (st->x[st->i] == '&') {
					if (!xwf_reference(st))
						return "bad reference in attribute";
					continue;
				}
				k = xwf_char((const unsigned char *)st->x + st->i,
					     st->len - st->i, &c);
				if (!k)
					return "bad character in attribute";
				st->i += k;
			}
			if (st->i >= st->len)
				return "unterminated attribute value";
			/* Namespace declarations bind for this element. */
			if (xwf_span_eq(ap[na], "xmlns")) {
				if (st->i == vstart)
					return "empty namespace prefix binding";
				if (st->ns_top >= XWF_MAX_NS)
					return "too many namespace bindings";
				st->ns_prefix[st->ns_top++] = al[na];
			}
		}
		st->i++;
		na++;
	}
	/* Unique attributes (by qualified name; prefixes here are unique
	 * bindings, so equal qnames are the only duplicates that matter for
	 * what the library writes). */
	for (a = 0; a < na; a++)
		for (b = a + 1; b < na; b++)
			if (ap[a].n == ap[b].n && al[a].n == al[b].n &&
			    (!ap[a].n || memcmp(ap[a].p, ap[b].p, ap[a].n) == 0) &&
			    memcmp(al[a].p, al[b].p, al[a].n) == 0)
				return "duplicate attribute";
	if (ep.p && (xwf_span_eq(ep, "xmlns") || !xwf_prefix_bound(st, ep)))
		return "undeclared element prefix";
	for (a = 0; a < na; a++)
		if (ap[a].p && !xwf_span_eq(ap[a], "xmlns") &&
		    !xwf_prefix_bound(st, ap[a]))
			return "undeclared attribute prefix";
	if (st->x[st->i] == '/') {
		st->i++;
		if (st->i >= st->len || st->x[st->i] != '>')
			return "bad empty-element tag";
		st->i++;
		st->ns_top = st->ns_mark[st->nopen];
		return NULL;
	}
	st->i++; /* '>' */
	st->open[st->nopen].p = ep.p ? ep.p : el.p;
	st->open[st->nopen].n = (size_t)(el.p + el.n - st->open[st->nopen].p);
	st->nopen++;
	return NULL;
}

static inline const char *xwf_end_tag(xwf_state *st)
{
	xwf_span ep, el, want;
	size_t start = st->i, n;
	if (!st->nopen)
		return "end tag without start tag";
	if (!xwf_qname(st, &ep, &el))
		return "bad end tag name";
	n = st->i - start;
	want = st->open[st->nopen - 1];
	if (n != want.n || memcmp(st->x + start, want.p, n) != 0)
		return "mismatched end tag";
	xwf_ws(st);
	if (st->i >= st->len || st->x[st->i] != '>')
		return "bad end tag";
	st->i++;
	st->nopen--;
	st->ns_top = st->ns_mark[st->nopen];
	return NULL;
}

static inline const char *xml_wf_check(const char *xml, size_t len,
				       size_t *where)
{
	static xwf_state stbuf; /* large; tests are single-threaded */
	xwf_state *st = &stbuf;
	int roots = 0;
	const char *err = NULL;
	memset(st, 0, sizeof *st);
	st->x = xml;
	st->len = len;
	while (st->i < len && !err) {
		char c = xml[st->i];
		if (c == '<') {
			st->i++;
			if (st->i >= len) {
				err = "truncated tag";
			} else if (xml[st->i] == '/') {
				st->i++;
				err = xwf_end_tag(st);
			} else if (xml[st->i] == '!' || xml[st->i] == '?') {
				err = "comment, PI, CDATA or DOCTYPE";
			} else if (st->nopen == 0 && roots++) {
				err = "second root element";
			} else {
				err = xwf_start_tag(st);
			}
			continue;
		}
		if (st->nopen == 0) {
			err = "text outside the root element";
			continue;
		}
		if (c == '&') {
			if (!xwf_reference(st))
				err = "bad reference in text";
			continue;
		}
		if (c == '>' && st->i >= 2 && xml[st->i - 1] == ']' &&
		    xml[st->i - 2] == ']') {
			err = "']]>' in text";
			continue;
		}
		{
			unsigned long cp;
			size_t k = xwf_char((const unsigned char *)xml + st->i,
					    len - st->i, &cp);
			if (!k)
				err = "bad character in text";
			else
				st->i += k;
		}
	}
	if (!err && st->nopen)
		err = "unclosed element";
	if (!err && !roots)
		err = "no root element";
	if (where)
		*where = st->i;
	return err;
}

#endif
