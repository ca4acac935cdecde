/* The edge: untrusted bytes become an xnode tree, or are refused.
 *
 * mini-XML is lenient where XMPP is strict (RFC 6120 §11.1): it accepts a
 * truncated document, comments, processing instructions, DOCTYPEs and HTML
 * entities. So a single linear pre-scan checks what XMPP requires first
 * (valid UTF-8 without control characters, only the five predefined entities
 * and character references, no '<!' or '<?' constructs, balanced tags with
 * one root, bounded depth); only then does mini-XML build its tree, which is
 * converted to xnodes with namespaces resolved and freed at once. */
#include "xnode.h"

#include <mxml.h>
#include <string.h>

/* Length of the UTF-8 sequence at s (at most n bytes), or 0 when invalid,
 * overlong, a surrogate, beyond U+10FFFF, or a forbidden control char. */
static size_t utf8_char(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len, i;
	unsigned long cp;
	if (c < 0x80) {
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			return 0;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
	    cp == 0xfffe || cp == 0xffff)
		return 0;
	return len;
}

/* Accepts &amp; &lt; &gt; &quot; &apos; &#N; &#xH; at s; returns the
 * reference's length or 0. */
static size_t entity_len(const char *s, size_t n)
{
	static const char *const named[] = {"&amp;", "&lt;", "&gt;",
					    "&quot;", "&apos;"};
	size_t i;
	for (i = 0; i < sizeof named / sizeof *named; i++) {
		size_t k = strlen(named[i]);
		if (k <= n && memcmp(s, named[i], k) == 0)
			return k;
	}
	if (n >= 4 && s[1] == '#') {
		size_t j = 2;
		int hex = 0;
		unsigned long v = 0;
		if (s[j] == 'x') {
			hex = 1;
			j++;
		}
		for (; j < n && s[j] != ';'; j++) {
			char ch = s[j];
			int d;
			if (ch >= '0' && ch <= '9')
				d = ch - '0';
			else if (hex && ch >= 'a' && ch <= 'f')
				d = ch - 'a' + 10;
			else if (hex && ch >= 'A' && ch <= 'F')
				d = ch - 'A' + 10;
			else
				return 0;
			v = v * (hex ? 16 : 10) + (unsigned long)d;
			if (v > 0x10ffff)
				return 0;
		}
		if (j >= n || j == 2 + (size_t)hex)
			return 0;
		if ((v < 0x20 && v != 9 && v != 10 && v != 13) ||
		    (v >= 0xd800 && v <= 0xdfff) || v == 0xfffe || v == 0xffff)
			return 0;
		return j + 1;
	}
	return 0;
}

/* XML name characters, restricted to what XMPP needs: ASCII letters,
 * digits, '_', ':', '-', '.', and any well-formed non-ASCII UTF-8. */
static bool name_char(char c)
{
	unsigned char u = (unsigned char)c;
	return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') ||
	       (u >= '0' && u <= '9') || u == '_' || u == ':' || u == '-' ||
	       u == '.' || u >= 0x80;
}

static size_t skip_ws(const char *x, size_t i, size_t len)
{
	while (i < len && (x[i] == ' ' || x[i] == '\t' || x[i] == '\n' ||
			   x[i] == '\r'))
		i++;
	return i;
}

/* Length of a name at x[i], or 0 (it may not start with a digit, '-' or
 * '.', and its non-ASCII bytes must be valid UTF-8). */
static size_t name_len(const char *x, size_t i, size_t len)
{
	size_t j = i;
	if (i < len && ((x[i] >= '0' && x[i] <= '9') || x[i] == '-' ||
			x[i] == '.'))
		return 0;
	while (j < len && name_char(x[j])) {
		/* after a prefix's colon, the local name starts afresh */
		if (x[j] == ':' &&
		    (j + 1 >= len || !name_char(x[j + 1]) ||
		     (x[j + 1] >= '0' && x[j + 1] <= '9') || x[j + 1] == '-' ||
		     x[j + 1] == '.' || x[j + 1] == ':'))
			return 0;
		if ((unsigned char)x[j] >= 0x80) {
			size_t k = utf8_char((const unsigned char *)x + j,
					     len - j);
			if (!k)
				return 0;
			j += k;
		} else {
			j++;
		}
	}
	return j - i;
}

/* A quoted attribute value at x[i]; returns the index after it, or 0. */
static size_t quoted(const char *x, size_t i, size_t len)
{
	char q;
	if (i >= len || (x[i] != '"' && x[i] != '\''))
		return 0;
	q = x[i++];
	while (i < len && x[i] != q) {
		size_t k;
		if (x[i] == '<')
			return 0;
		if (x[i] == '&')
			k = entity_len(x + i, len - i);
		else
			k = utf8_char((const unsigned char *)x + i, len - i);
		if (!k)
			return 0;
		i += k;
	}
	return i < len ? i + 1 : 0;
}

typedef struct open_tag {
	const char *name;
	size_t len;
} open_tag;

/* Parses the tag starting at x[i] == '<'; updates the stack of open
 * elements. Returns the index after '>' or 0 when malformed. */
static size_t scan_tag(const char *x, size_t i, size_t len, open_tag *stack,
		       unsigned *depth, unsigned max_depth, int *roots,
		       int *rc)
{
	open_tag attrs[64];
	size_t n, nattr;
	i++;
	if (i < len && (x[i] == '!' || x[i] == '?'))
		return 0; /* comments, PIs, DOCTYPE, CDATA: not in XMPP */
	if (i < len && x[i] == '/') {
		n = name_len(x, i + 1, len);
		if (!n || *depth == 0 || stack[*depth - 1].len != n ||
		    memcmp(stack[*depth - 1].name, x + i + 1, n) != 0)
			return 0;
		i = skip_ws(x, i + 1 + n, len);
		if (i >= len || x[i] != '>')
			return 0;
		(*depth)--;
		return i + 1;
	}
	n = name_len(x, i, len);
	if (!n)
		return 0;
	if (*depth == 0 && (*roots)++)
		return 0;
	if (*depth >= max_depth) {
		*rc = MUC_ERR_TOO_LARGE;
		return 0;
	}
	stack[*depth].name = x + i;
	stack[*depth].len = n;
	i += n;
	nattr = 0;
	for (;;) {
		size_t j = skip_ws(x, i, len), an, k;
		if (j >= len)
			return 0;
		if (x[j] == '>') {
			(*depth)++;
			return j + 1;
		}
		if (x[j] == '/')
			return (j + 1 < len && x[j + 1] == '>') ? j + 2 : 0;
		if (j == i)
			return 0; /* attributes need white space before */
		an = name_len(x, j, len);
		if (!an)
			return 0;
		/* XML forbids an attribute twice on one element */
		for (k = 0; k < nattr; k++)
			if (attrs[k].len == an &&
			    memcmp(attrs[k].name, x + j, an) == 0)
				return 0;
		if (nattr < sizeof attrs / sizeof *attrs) {
			attrs[nattr].name = x + j;
			attrs[nattr++].len = an;
		} else {
			return 0; /* more attributes than any stanza needs */
		}
		j = skip_ws(x, j + an, len);
		if (j >= len || x[j] != '=')
			return 0;
		j = skip_ws(x, j + 1, len);
		i = quoted(x, j, len);
		if (!i)
			return 0;
	}
}

bool xml_text_valid(const char *s)
{
	size_t n = strlen(s), i = 0;
	while (i < n) {
		size_t k = utf8_char((const unsigned char *)s + i, n - i);
		if (!k)
			return false;
		i += k;
	}
	return true;
}

static int prescan(const char *xml, size_t len, unsigned max_depth)
{
	open_tag stack[64];
	size_t i = 0;
	unsigned depth = 0;
	int roots = 0;
	if (max_depth > 64)
		max_depth = 64;
	while (i < len) {
		unsigned char c = (unsigned char)xml[i];
		if (c == '<') {
			int rc = MUC_ERR_PARSE;
			size_t next = scan_tag(xml, i, len, stack, &depth,
					       max_depth, &roots, &rc);
			if (!next)
				return rc;
			i = next;
			continue;
		}
		if (c == '&') {
			size_t k = entity_len(xml + i, len - i);
			if (!k || depth == 0)
				return MUC_ERR_PARSE;
			i += k;
			continue;
		}
		{
			size_t k = utf8_char((const unsigned char *)xml + i,
					     len - i);
			if (!k || (depth == 0 && c != ' ' && c != '\t' &&
				   c != '\n' && c != '\r'))
				return MUC_ERR_PARSE;
			i += k;
		}
	}
	return (depth == 0 && roots == 1) ? MUC_OK : MUC_ERR_PARSE;
}

/* A whole string is one XML name (as the pre-scan reads names). */
static bool valid_name(const char *name)
{
	size_t n = strlen(name);
	return n && name_len(name, 0, n) == n;
}

/* Namespace prefixes in scope while converting (a stack on the C stack). */
typedef struct ns_scope {
	const struct ns_scope *up;
	const char *prefix; /* NULL: the default namespace */
	size_t prefix_len;
	const char *uri;
} ns_scope;

static const char *lookup_prefix(const ns_scope *s, const char *p, size_t n)
{
	for (; s; s = s->up)
		if (s->prefix && s->prefix_len == n &&
		    memcmp(s->prefix, p, n) == 0)
			return s->uri;
	return NULL;
}

static void silent_error(const char *msg)
{
	(void)msg;
}

/* checked: the text was pre-scanned, so names and text are known valid
 * (a host's tree has seen no pre-scan and is checked here). */
static int convert(const muc_mem *m, mxml_node_t *e, const ns_scope *scope,
		   const char *ns, unsigned depth, const xml_limits *lim,
		   bool checked, xnode **out)
{
	const char *name = mxmlGetElement(e);
	int i, count = mxmlElementGetAttrCount(e);
	ns_scope scopes[16];
	size_t nscopes = 0;
	const ns_scope *top = scope;
	const char *colon, *local = name, *elem_ns;
	xnode *n;
	mxml_node_t *c;

	if (depth > lim->max_depth)
		return MUC_ERR_TOO_LARGE;
	/* comments, PIs and DOCTYPEs come out of mxml as elements */
	if (!name || (!checked && !valid_name(name)))
		return MUC_ERR_PARSE;
	/* Declarations on this element apply to it and below. */
	for (i = 0; i < count; i++) {
		const char *an;
		const char *av = mxmlElementGetAttrByIndex(e, i, &an);
		if (strcmp(an, "xmlns") == 0) {
			ns = av;
		} else if (strncmp(an, "xmlns:", 6) == 0) {
			if (nscopes == 16 || !an[6] || strchr(an + 6, ':'))
				return MUC_ERR_PARSE;
			scopes[nscopes].up = top;
			scopes[nscopes].prefix = an + 6;
			scopes[nscopes].prefix_len = strlen(an + 6);
			scopes[nscopes].uri = av;
			top = &scopes[nscopes++];
		}
	}
	colon = strchr(name, ':');
	elem_ns = ns;
	if (colon) {
		const char *uri = lookup_prefix(top, name, (size_t)(colon - name));
		/* an element with an undeclared or empty prefix, or an empty
		 * or prefixed local name, is not namespace-well-formed */
		if (!uri || colon == name || !colon[1] || strchr(colon + 1, ':'))
			return MUC_ERR_PARSE;
		elem_ns = uri;
		local = colon + 1;
	}
	n = xnode_new(m, local, elem_ns);
	if (!n)
		return MUC_ERR_NOMEM;
	for (i = 0; i < count; i++) {
		const char *an;
		const char *av = mxmlElementGetAttrByIndex(e, i, &an);
		const char *ac = strchr(an, ':');
		if (!checked &&
		    (!valid_name(an) || (av && !xml_text_valid(av)))) {
			xnode_free(m, n);
			return MUC_ERR_PARSE;
		}
		if (strcmp(an, "xmlns") == 0)
			continue;
		/* Prefixed attributes need their prefix declared (xml: is
		 * predefined); the declarations are kept, so what is written
		 * back stays well-formed. */
		if (ac && strncmp(an, "xmlns:", 6) != 0 &&
		    (ac == an || !ac[1] || strchr(ac + 1, ':') ||
		     (strncmp(an, "xml:", 4) != 0 && !lim->lenient_prefixes &&
		      !lookup_prefix(top, an, (size_t)(ac - an))))) {
			xnode_free(m, n);
			return MUC_ERR_PARSE;
		}
		if (!xnode_set_attr(m, n, an, av ? av : "")) {
			xnode_free(m, n);
			return MUC_ERR_NOMEM;
		}
	}
	for (c = mxmlGetFirstChild(e); c; c = mxmlGetNextSibling(c)) {
		mxml_type_t t = mxmlGetType(c);
		if (t == MXML_ELEMENT) {
			xnode *k;
			int rc = convert(m, c, top, ns, depth + 1, lim, checked,
					 &k);
			if (rc) {
				xnode_free(m, n);
				return rc;
			}
			xnode_append(n, k);
		} else if (t == MXML_OPAQUE) {
			const char *s = mxmlGetOpaque(c);
			if (!checked && s && !xml_text_valid(s)) {
				xnode_free(m, n);
				return MUC_ERR_PARSE;
			}
			if (s && *s && !xnode_add_text(m, n, s, strlen(s))) {
				xnode_free(m, n);
				return MUC_ERR_NOMEM;
			}
		} else if (t == MXML_TEXT) {
			/* a tree loaded word by word (MXML_NO_CALLBACK): put
			 * back the single space mxml kept of each run */
			int ws = 0;
			const char *s = mxmlGetText(c, &ws);
			if (!checked && s && !xml_text_valid(s)) {
				xnode_free(m, n);
				return MUC_ERR_PARSE;
			}
			if ((ws && !xnode_add_text(m, n, " ", 1)) ||
			    (s && *s && !xnode_add_text(m, n, s, strlen(s)))) {
				xnode_free(m, n);
				return MUC_ERR_NOMEM;
			}
		} else {
			xnode_free(m, n);
			return MUC_ERR_INVALID; /* integer/real/custom nodes */
		}
	}
	*out = n;
	return MUC_OK;
}

static int from_mxml(const muc_mem *m, const void *mxml_node,
		     const xml_limits *limits, const char *default_ns,
		     bool checked, xnode **out)
{
	mxml_node_t *e = (mxml_node_t *)mxml_node;
	*out = NULL;
	if (!e)
		return MUC_ERR_INVALID;
	/* A document node wraps the root element; skip to the element. */
	while (e && mxmlGetType(e) != MXML_ELEMENT)
		e = mxmlGetNextSibling(e);
	if (e && mxmlGetElement(e)[0] == '?') {
		e = mxmlGetFirstChild(e);
		while (e && mxmlGetType(e) != MXML_ELEMENT)
			e = mxmlGetNextSibling(e);
	}
	if (!e || mxmlGetElement(e)[0] == '!' || mxmlGetElement(e)[0] == '?')
		return MUC_ERR_PARSE;
	return convert(m, e, NULL, default_ns, 1, limits, checked, out);
}

int xml_from_mxml(const muc_mem *m, const void *mxml_node,
		  const xml_limits *limits, const char *default_ns,
		  xnode **out)
{
	return from_mxml(m, mxml_node, limits, default_ns, false, out);
}

int xml_parse(const muc_mem *m, const char *xml, size_t len,
	      const xml_limits *limits, const char *default_ns, xnode **out)
{
	char *copy;
	mxml_node_t *top, *tree;
	int rc;
	*out = NULL;
	if (len > limits->max_bytes)
		return MUC_ERR_TOO_LARGE;
	rc = prescan(xml, len, limits->max_depth);
	if (rc)
		return rc;
	/* mxmlLoadString wants a NUL-terminated string; the pre-scan has
	 * rejected any NUL inside. */
	/* mxml wants NUL-terminated text starting with '<' (the pre-scan
	 * has rejected any NUL inside). */
	while (len && (*xml == ' ' || *xml == '\t' || *xml == '\n' ||
		       *xml == '\r')) {
		xml++;
		len--;
	}
	copy = mem_strndup(m, xml, len);
	if (!copy)
		return MUC_ERR_NOMEM;
	/* Loaded under a parent of our own, so that whatever mxml built
	 * before failing is freed with it. */
	top = mxmlNewElement(MXML_NO_PARENT, "top");
	if (!top) {
		mem_free(m, copy);
		return MUC_ERR_NOMEM;
	}
	mxmlSetErrorCallback(silent_error);
	tree = mxmlLoadString(top, copy, MXML_OPAQUE_CALLBACK);
	mem_free(m, copy);
	if (!tree) {
		mxmlDelete(top);
		return MUC_ERR_PARSE;
	}
	tree = mxmlGetFirstChild(top);
	while (tree && mxmlGetType(tree) != MXML_ELEMENT)
		tree = mxmlGetNextSibling(tree);
	if (!tree) {
		mxmlDelete(top);
		return MUC_ERR_PARSE;
	}
	rc = from_mxml(m, tree, limits, default_ns, true, out);
	mxmlDelete(top);
	return rc;
}
