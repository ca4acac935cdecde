/* Building, reading, copying and writing xnode trees. */
#include "xnode.h"

#include <string.h>

xnode *xnode_new(const muc_mem *m, const char *name, const char *ns)
{
	xnode *n = mem_calloc(m, sizeof *n);
	if (!n)
		return NULL;
	n->name = mem_strdup(m, name);
	n->ns = mem_strdup(m, ns ? ns : "");
	if (!n->name || !n->ns) {
		xnode_free(m, n);
		return NULL;
	}
	return n;
}

void xnode_free(const muc_mem *m, xnode *n)
{
	while (n) {
		xnode *next = n->next;
		size_t i;
		xnode_free(m, n->children);
		for (i = 0; i < n->nattrs; i++) {
			mem_free(m, n->attrs[i].name);
			mem_free(m, n->attrs[i].value);
		}
		mem_free(m, n->attrs);
		mem_free(m, n->name);
		mem_free(m, n->ns);
		mem_free(m, n->text);
		mem_free(m, n);
		n = next;
	}
}

void xnode_append(xnode *parent, xnode *child)
{
	child->next = NULL;
	if (parent->last)
		parent->last->next = child;
	else
		parent->children = child;
	parent->last = child;
}

void xnode_prepend(xnode *parent, xnode *child)
{
	child->next = parent->children;
	parent->children = child;
	if (!parent->last)
		parent->last = child;
}

void xnode_unlink(xnode *parent, xnode *child)
{
	xnode **pp = &parent->children, *prev = NULL;
	while (*pp && *pp != child) {
		prev = *pp;
		pp = &(*pp)->next;
	}
	if (!*pp)
		return;
	*pp = child->next;
	if (parent->last == child)
		parent->last = prev;
	child->next = NULL;
}

void xnode_remove_children(const muc_mem *m, xnode *parent, const char *name,
			   const char *ns)
{
	xnode *c = xnode_child(parent, name, ns);
	while (c) {
		xnode *next = xnode_next(c, name, ns);
		xnode_unlink(parent, c);
		xnode_free(m, c);
		c = next;
	}
}

xnode *xnode_add(const muc_mem *m, xnode *parent, const char *name,
		 const char *ns)
{
	xnode *c = xnode_new(m, name, ns ? ns : parent->ns);
	if (c)
		xnode_append(parent, c);
	return c;
}

xnode *xnode_add_text(const muc_mem *m, xnode *parent, const char *s,
		      size_t len)
{
	xnode *c = mem_calloc(m, sizeof *c);
	if (!c)
		return NULL;
	c->text = mem_strndup(m, s, len);
	if (!c->text) {
		mem_free(m, c);
		return NULL;
	}
	xnode_append(parent, c);
	return c;
}

bool xnode_add_text_child(const muc_mem *m, xnode *parent, const char *name,
			  const char *text)
{
	xnode *c = xnode_add(m, parent, name, NULL);
	if (!c)
		return false;
	return !*text || xnode_add_text(m, c, text, strlen(text)) != NULL;
}

bool xnode_set_attr(const muc_mem *m, xnode *n, const char *name,
		    const char *value)
{
	size_t i;
	char *v;
	xattr *na;
	for (i = 0; i < n->nattrs; i++) {
		if (strcmp(n->attrs[i].name, name) != 0)
			continue;
		if (!value) {
			mem_free(m, n->attrs[i].name);
			mem_free(m, n->attrs[i].value);
			memmove(&n->attrs[i], &n->attrs[i + 1],
				(n->nattrs - i - 1) * sizeof *n->attrs);
			n->nattrs--;
			return true;
		}
		v = mem_strdup(m, value);
		if (!v)
			return false;
		mem_free(m, n->attrs[i].value);
		n->attrs[i].value = v;
		return true;
	}
	if (!value)
		return true;
	na = mem_realloc(m, n->attrs, (n->nattrs + 1) * sizeof *na);
	if (!na)
		return false;
	n->attrs = na;
	na[n->nattrs].name = mem_strdup(m, name);
	na[n->nattrs].value = mem_strdup(m, value);
	if (!na[n->nattrs].name || !na[n->nattrs].value) {
		mem_free(m, na[n->nattrs].name);
		mem_free(m, na[n->nattrs].value);
		return false;
	}
	n->nattrs++;
	return true;
}

const char *xnode_attr(const xnode *n, const char *name)
{
	size_t i;
	for (i = 0; i < n->nattrs; i++)
		if (strcmp(n->attrs[i].name, name) == 0)
			return n->attrs[i].value;
	return NULL;
}

static bool matches(const xnode *c, const char *name, const char *ns)
{
	return c->name && (!name || strcmp(c->name, name) == 0) &&
	       (!ns || strcmp(c->ns, ns) == 0);
}

xnode *xnode_child(const xnode *n, const char *name, const char *ns)
{
	xnode *c;
	for (c = n->children; c; c = c->next)
		if (matches(c, name, ns))
			return c;
	return NULL;
}

xnode *xnode_next(const xnode *c, const char *name, const char *ns)
{
	for (c = c->next; c; c = c->next)
		if (matches(c, name, ns))
			return (xnode *)c;
	return NULL;
}

xnode *xnode_first(const xnode *n)
{
	return xnode_child(n, NULL, NULL);
}

const char *xnode_text(const xnode *n)
{
	xnode *c;
	for (c = n->children; c; c = c->next)
		if (!c->name)
			return c->text;
	return NULL;
}

const char *xnode_child_text(const xnode *n, const char *name, const char *ns)
{
	xnode *c = xnode_child(n, name, ns);
	const char *t;
	if (!c)
		return NULL;
	t = xnode_text(c);
	return t ? t : "";
}

size_t xnode_count(const xnode *n)
{
	size_t k = 0;
	xnode *c;
	for (c = xnode_first(n); c; c = xnode_next(c, NULL, NULL))
		k++;
	return k;
}

xnode *xnode_clone(const muc_mem *m, const xnode *n)
{
	xnode *c, *k;
	size_t i;
	if (!n->name) {
		c = mem_calloc(m, sizeof *c);
		if (!c)
			return NULL;
		c->text = mem_strdup(m, n->text);
		if (!c->text) {
			mem_free(m, c);
			return NULL;
		}
		return c;
	}
	c = xnode_new(m, n->name, n->ns);
	if (!c)
		return NULL;
	for (i = 0; i < n->nattrs; i++) {
		if (!xnode_set_attr(m, c, n->attrs[i].name, n->attrs[i].value))
			goto fail;
	}
	for (k = n->children; k; k = k->next) {
		xnode *d = xnode_clone(m, k);
		if (!d)
			goto fail;
		xnode_append(c, d);
	}
	return c;
fail:
	xnode_free(m, c);
	return NULL;
}

void xnode_write(buf *b, const xnode *n, const char *parent_ns)
{
	size_t i;
	xnode *c;
	if (!n->name) {
		buf_puts_escaped(b, n->text);
		return;
	}
	buf_putc(b, '<');
	buf_puts(b, n->name);
	if (!parent_ns || strcmp(parent_ns, n->ns) != 0)
		buf_attr(b, "xmlns", n->ns);
	for (i = 0; i < n->nattrs; i++)
		buf_attr(b, n->attrs[i].name, n->attrs[i].value);
	if (!n->children) {
		buf_puts(b, "/>");
		return;
	}
	buf_putc(b, '>');
	for (c = n->children; c; c = c->next)
		xnode_write(b, c, n->ns);
	buf_puts(b, "</");
	buf_puts(b, n->name);
	buf_putc(b, '>');
}
