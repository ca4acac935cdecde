/* Stanza text <-> xnode trees for the scansion runner. */
#include "stanza.h"

#include <string.h>

/* Scripts and the library's output are small; these only stop a runaway
 * input from exhausting memory or the stack. */
/* Expected stanzas use undeclared prefixes such as scansion:strict. */
static const xml_limits limits = {16u * 1024u * 1024u, 256, true};

int stanza_parse(const muc_mem *m, const char *xml, size_t len, xnode **out)
{
	return xml_parse(m, xml, len, &limits, NS_CLIENT, out);
}

bool stanza_is_scansion_attr(const char *name)
{
	/* The xnode tree keeps attribute names as written; scripts use the
	 * scansion: prefix (scansion_net.py pre-declares it the same way). */
	return strncmp(name, "scansion:", 9) == 0;
}

void stanza_drop_scansion(const muc_mem *m, xnode *n)
{
	size_t i = 0;
	xnode *c;
	if (!n->name)
		return;
	while (i < n->nattrs) {
		if (stanza_is_scansion_attr(n->attrs[i].name))
			/* Removing never allocates, so it cannot fail. */
			(void)xnode_set_attr(m, n, n->attrs[i].name, NULL);
		else
			i++;
	}
	for (c = n->children; c; c = c->next)
		stanza_drop_scansion(m, c);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

bool stanza_is_blank(const char *s)
{
	for (; s && *s; s++)
		if (!is_space(*s))
			return false;
	return true;
}

void stanza_direct_text(const xnode *n, buf *out)
{
	/* Like scansion_net.py: text and tails joined, then stripped. */
	size_t start = out->len, end, lead = 0;
	const xnode *c;
	for (c = n->children; c; c = c->next)
		if (!c->name && c->text)
			buf_puts(out, c->text);
	if (!buf_ok(out))
		return;
	end = out->len;
	while (end > start && is_space(out->data[end - 1]))
		end--;
	while (start + lead < end && is_space(out->data[start + lead]))
		lead++;
	if (lead)
		memmove(out->data + start, out->data + start + lead,
			end - start - lead);
	out->len = end - lead;
	if (out->data)
		out->data[out->len] = '\0';
}

static bool has_elements(const xnode *n)
{
	const xnode *c;
	for (c = n->children; c; c = c->next)
		if (c->name)
			return true;
	return false;
}

static bool has_text(const xnode *n)
{
	const xnode *c;
	for (c = n->children; c; c = c->next)
		if (!c->name && !stanza_is_blank(c->text))
			return true;
	return false;
}

void stanza_write(buf *b, const xnode *n, const char *parent_ns,
		  bool drop_scansion, const char *indent)
{
	size_t i;
	const xnode *c;
	bool elements = has_elements(n);
	if (indent)
		buf_puts(b, indent);
	buf_putc(b, '<');
	buf_puts(b, n->name);
	if (!parent_ns || strcmp(parent_ns, n->ns) != 0)
		buf_attr(b, "xmlns", n->ns);
	for (i = 0; i < n->nattrs; i++) {
		if (drop_scansion && stanza_is_scansion_attr(n->attrs[i].name))
			continue;
		buf_attr(b, n->attrs[i].name, n->attrs[i].value);
	}
	if (!elements && !has_text(n)) {
		buf_puts(b, "/>");
		return;
	}
	buf_putc(b, '>');
	for (c = n->children; c; c = c->next) {
		if (!c->name) {
			/* Text with content is kept as it is, spaces and all:
			 * only pure indentation is dropped. */
			if (!stanza_is_blank(c->text))
				buf_puts_escaped(b, c->text);
			continue;
		}
		if (indent) {
			/* Each level indents two more spaces. */
			size_t k = strlen(indent);
			char sub[128];
			if (k > sizeof sub - 3)
				k = sizeof sub - 3;
			memcpy(sub, indent, k);
			sub[k] = ' ';
			sub[k + 1] = ' ';
			sub[k + 2] = '\0';
			buf_putc(b, '\n');
			stanza_write(b, c, n->ns, drop_scansion, sub);
		} else {
			stanza_write(b, c, n->ns, drop_scansion, NULL);
		}
	}
	if (elements && indent) {
		buf_putc(b, '\n');
		buf_puts(b, indent);
	}
	buf_puts(b, "</");
	buf_puts(b, n->name);
	buf_putc(b, '>');
}

void stanza_pretty(buf *b, const xnode *n)
{
	stanza_write(b, n, NS_CLIENT, false, "    ");
}

void stanza_indent(buf *b, const char *text, size_t len)
{
	size_t i, start = 0;
	for (i = 0; i <= len; i++) {
		if (i < len && text[i] != '\n')
			continue;
		buf_puts(b, "    ");
		buf_put(b, text + start, i - start);
		if (i < len)
			buf_putc(b, '\n');
		start = i + 1;
	}
}

void stanza_quote(buf *b, const char *s)
{
	buf_putc(b, '\'');
	for (; *s; s++) {
		switch (*s) {
		case '\n': buf_puts(b, "\\n"); break;
		case '\r': buf_puts(b, "\\r"); break;
		case '\t': buf_puts(b, "\\t"); break;
		case '\'': buf_puts(b, "\\'"); break;
		case '\\': buf_puts(b, "\\\\"); break;
		default: buf_putc(b, *s); break;
		}
	}
	buf_putc(b, '\'');
}
