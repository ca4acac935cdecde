/* Stanza matching, mirroring mismatch() in ../shared/tools/scansion_net.py:
 *   - names and namespaces must be equal;
 *   - every expected attribute must be present with the same value
 *     ({scansion:any} accepts any value); strict elements allow no extra;
 *   - the character data directly inside (trimmed) must be equal;
 *   - strict elements: children one for one, in order; non-strict: each
 *     expected child needs its own received child, in any order.
 * Strict means "not in jabber:client" unless scansion:strict overrides it
 * for that element alone. */
#include "match.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stanza.h"

typedef struct ctx {
	muc_mem mem;
} ctx;

static bool mismatch(ctx *x, const xnode *e, const xnode *g,
		     const char *parent, buf *why);

static bool is_strict(const xnode *e)
{
	size_t i;
	for (i = 0; i < e->nattrs; i++) {
		const char *name = e->attrs[i].name;
		if (stanza_is_scansion_attr(name) &&
		    strcmp(name + 9, "strict") == 0) {
			/* scansion_net.py: v.strip().lower() == "true". */
			const char *v = e->attrs[i].value;
			size_t n;
			while (*v == ' ' || *v == '\t' || *v == '\n' ||
			       *v == '\r')
				v++;
			n = strlen(v);
			while (n && (v[n - 1] == ' ' || v[n - 1] == '\t' ||
				     v[n - 1] == '\n' || v[n - 1] == '\r'))
				n--;
			return n == 4 && (v[0] | 0x20) == 't' &&
			       (v[1] | 0x20) == 'r' && (v[2] | 0x20) == 'u' &&
			       (v[3] | 0x20) == 'e';
		}
	}
	return strcmp(e->ns, NS_CLIENT) != 0;
}

/* The element children of n, in document order (malloc'd array; *count
 * set). Returns NULL with *count 0 for none, or on allocation failure with
 * *oom set. */
static const xnode **elements(const xnode *n, size_t *count, bool *oom)
{
	const xnode *c, **v;
	size_t k = 0;
	*count = 0;
	for (c = n->children; c; c = c->next)
		if (c->name)
			k++;
	if (!k)
		return NULL;
	v = malloc(k * sizeof *v);
	if (!v) {
		*oom = true;
		return NULL;
	}
	k = 0;
	for (c = n->children; c; c = c->next)
		if (c->name)
			v[k++] = c;
	*count = k;
	return v;
}

static void say_header(buf *why, const char *path)
{
	buf_puts(why, path);
	buf_puts(why, ": ");
}

static bool check_attrs(const xnode *e, const xnode *g, bool strict,
			const char *path, buf *why)
{
	size_t i, k;
	bool extra = false;
	for (i = 0; i < e->nattrs; i++) {
		const char *name = e->attrs[i].name, *want = e->attrs[i].value;
		const char *have;
		/* namespace declarations are not attributes (README) */
		if (stanza_is_scansion_attr(name) ||
		    strncmp(name, "xmlns:", 6) == 0)
			continue;
		have = xnode_attr(g, name);
		if (!have) {
			if (why) {
				say_header(why, path);
				buf_puts(why, "missing attribute ");
				buf_puts(why, name);
				buf_putc(why, '=');
				stanza_quote(why, want);
			}
			return false;
		}
		if (strcmp(want, SCANSION_ANY) != 0 &&
		    strcmp(want, have) != 0) {
			if (why) {
				say_header(why, path);
				buf_puts(why, "attribute ");
				buf_puts(why, name);
				buf_puts(why, " is ");
				stanza_quote(why, have);
				buf_puts(why, ", expected ");
				stanza_quote(why, want);
			}
			return false;
		}
	}
	if (!strict)
		return true;
	for (k = 0; k < g->nattrs; k++) {
		const char *name = g->attrs[k].name;
		const char *in_e = xnode_attr(e, name);
		if ((in_e && !stanza_is_scansion_attr(name)) ||
		    strncmp(name, "xmlns:", 6) == 0)
			continue;
		if (!why)
			return false;
		if (!extra)
			say_header(why, path);
		buf_puts(why, extra ? ", " : "unexpected attribute(s) ");
		buf_puts(why, name);
		buf_putc(why, '=');
		stanza_quote(why, g->attrs[k].value);
		extra = true;
	}
	if (extra)
		buf_puts(why, " (strict)");
	return !extra;
}

static bool check_text(const xnode *e, const xnode *g, const char *path,
		       buf *why)
{
	muc_mem m;
	buf et, gt;
	bool same;
	mem_init(&m, NULL);
	buf_init(&et, &m);
	buf_init(&gt, &m);
	stanza_direct_text(e, &et);
	stanza_direct_text(g, &gt);
	buf_putc(&et, '\0'); /* makes data non-NULL even when empty */
	buf_putc(&gt, '\0');
	same = buf_ok(&et) && buf_ok(&gt) && strcmp(et.data, gt.data) == 0;
	if (!same && why) {
		say_header(why, path);
		buf_puts(why, "text is ");
		stanza_quote(why, buf_ok(&gt) ? gt.data : "?");
		buf_puts(why, ", expected ");
		stanza_quote(why, buf_ok(&et) ? et.data : "?");
	}
	buf_free(&et);
	buf_free(&gt);
	return same;
}

static bool strict_children(ctx *x, const xnode **ev, size_t ne,
			    const xnode **gv, size_t ng, const char *path,
			    buf *why)
{
	size_t i;
	if (ne != ng) {
		if (why) {
			char num[64];
			say_header(why, path);
			snprintf(num, sizeof num, "%zu children, expected %zu",
				 ng, ne);
			buf_puts(why, num);
			buf_puts(why, " (strict): got [");
			for (i = 0; i < ng; i++) {
				if (i)
					buf_puts(why, ", ");
				buf_puts(why, gv[i]->name);
			}
			buf_putc(why, ']');
		}
		return false;
	}
	for (i = 0; i < ne; i++)
		if (!mismatch(x, ev[i], gv[i], path, why))
			return false;
	return true;
}

/* Kuhn's augmenting path: can expected child i get a received child, moving
 * earlier assignments if needed? Finds a one-to-one assignment whenever one
 * exists, without the exponential search plain backtracking can fall into on
 * long lists of similar items. */
static bool augment(const bool *ok, size_t ng, size_t i, bool *seen,
		    size_t *owner)
{
	size_t j;
	for (j = 0; j < ng; j++) {
		if (!ok[i * ng + j] || seen[j])
			continue;
		seen[j] = true;
		if (!owner[j] || augment(ok, ng, owner[j] - 1, seen, owner)) {
			owner[j] = i + 1;
			return true;
		}
	}
	return false;
}

static bool unordered_children(ctx *x, const xnode **ev, size_t ne,
			       const xnode **gv, size_t ng, const char *path,
			       buf *why)
{
	bool *ok, *seen, result = true;
	size_t *owner, i, j;
	if (!ne)
		return true;
	ok = calloc(ne * (ng ? ng : 1), sizeof *ok);
	seen = calloc(ng ? ng : 1, sizeof *seen);
	owner = calloc(ng ? ng : 1, sizeof *owner);
	if (!ok || !seen || !owner) {
		if (why)
			buf_puts(why, "out of memory while matching");
		free(ok);
		free(seen);
		free(owner);
		return false;
	}
	for (i = 0; i < ne; i++)
		for (j = 0; j < ng; j++)
			ok[i * ng + j] = mismatch(x, ev[i], gv[j], path, NULL);
	for (i = 0; i < ne && result; i++) {
		memset(seen, 0, ng * sizeof *seen);
		result = augment(ok, ng, i, seen, owner);
	}
	if (!result && why) {
		/* Name the first expected child nothing can match, with the
		 * reason its closest candidate (same name) fails. */
		for (i = 0; i < ne; i++) {
			bool any = false;
			for (j = 0; j < ng; j++)
				any = any || ok[i * ng + j];
			if (any)
				continue;
			say_header(why, path);
			buf_puts(why, "no received child matches expected ");
			stanza_write(why, ev[i], NS_CLIENT, true, NULL);
			for (j = 0; j < ng; j++) {
				if (strcmp(gv[j]->name, ev[i]->name) != 0 ||
				    strcmp(gv[j]->ns, ev[i]->ns) != 0)
					continue;
				buf_puts(why, " (closest: ");
				mismatch(x, ev[i], gv[j], path, why);
				buf_putc(why, ')');
				break;
			}
			break;
		}
		if (i == ne) {
			say_header(why, path);
			buf_puts(why, "expected children cannot be matched "
				      "one-to-one");
		}
	}
	free(ok);
	free(seen);
	free(owner);
	return result;
}

/* True when g matches e; path is e's parent's path ("" at the top). */
static bool mismatch(ctx *x, const xnode *e, const xnode *g,
		     const char *parent, buf *why)
{
	buf path;
	const xnode **ev = NULL, **gv = NULL;
	size_t ne = 0, ng = 0;
	bool strict, oom = false, result = false;

	buf_init(&path, &x->mem);
	buf_puts(&path, parent);
	buf_putc(&path, '/');
	buf_puts(&path, e->name);
	if (!buf_ok(&path)) {
		if (why)
			buf_puts(why, "out of memory while matching");
		buf_free(&path);
		return false;
	}
	if (strcmp(e->name, g->name) != 0 || strcmp(e->ns, g->ns) != 0) {
		if (why) {
			say_header(why, path.data);
			buf_puts(why, "expected element <");
			buf_puts(why, e->name);
			buf_attr(why, "xmlns", e->ns);
			buf_puts(why, ">, got <");
			buf_puts(why, g->name);
			buf_attr(why, "xmlns", g->ns);
			buf_putc(why, '>');
		}
		goto done;
	}
	strict = is_strict(e);
	if (!check_attrs(e, g, strict, path.data, why) ||
	    !check_text(e, g, path.data, why))
		goto done;
	ev = elements(e, &ne, &oom);
	gv = elements(g, &ng, &oom);
	if (oom) {
		if (why)
			buf_puts(why, "out of memory while matching");
		goto done;
	}
	if (strict)
		result = strict_children(x, ev, ne, gv, ng, path.data, why);
	else
		result = unordered_children(x, ev, ne, gv, ng, path.data, why);
done:
	free(ev);
	free(gv);
	buf_free(&path);
	return result;
}

bool match_stanza(const xnode *expected, const xnode *got, buf *why)
{
	ctx x;
	mem_init(&x.mem, NULL);
	return mismatch(&x, expected, got, "", why);
}
