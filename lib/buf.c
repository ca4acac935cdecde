#include "buf.h"

#include <string.h>

void buf_init(buf *b, const muc_mem *mem)
{
	b->mem = mem;
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->failed = false;
}

void buf_free(buf *b)
{
	mem_free(b->mem, b->data);
	buf_init(b, b->mem);
}

void buf_reset(buf *b)
{
	b->len = 0;
	b->failed = false;
}

bool buf_ok(const buf *b)
{
	return !b->failed;
}

/* Makes room for n more bytes plus a terminating NUL. */
static bool buf_grow(buf *b, size_t n)
{
	size_t want, cap;
	char *p;
	if (b->failed)
		return false;
	if (n > ((size_t)-1) / 2 - b->len) {
		b->failed = true;
		return false;
	}
	want = b->len + n + 1;
	if (want <= b->cap)
		return true;
	cap = b->cap ? b->cap : 256;
	while (cap < want)
		cap *= 2;
	p = mem_realloc(b->mem, b->data, cap);
	if (!p) {
		b->failed = true;
		return false;
	}
	b->data = p;
	b->cap = cap;
	return true;
}

bool buf_reserve(buf *b, size_t n)
{
	return buf_grow(b, n);
}

void buf_put(buf *b, const char *s, size_t n)
{
	if (!buf_grow(b, n))
		return;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void buf_puts(buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

void buf_putc(buf *b, char c)
{
	buf_put(b, &c, 1);
}

void buf_put_escaped(buf *b, const char *s, size_t n)
{
	size_t i, start = 0;
	for (i = 0; i < n; i++) {
		const char *rep = NULL;
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '\'': rep = "&apos;"; break;
		case '"': rep = "&quot;"; break;
		default: break;
		}
		if (rep) {
			buf_put(b, s + start, i - start);
			buf_puts(b, rep);
			start = i + 1;
		}
	}
	buf_put(b, s + start, n - start);
}

void buf_puts_escaped(buf *b, const char *s)
{
	buf_put_escaped(b, s, strlen(s));
}

void buf_attr(buf *b, const char *name, const char *value)
{
	buf_putc(b, ' ');
	buf_puts(b, name);
	buf_puts(b, "='");
	buf_puts_escaped(b, value);
	buf_putc(b, '\'');
}

const char *buf_cstr(buf *b)
{
	if (b->failed || !b->data)
		return "";
	return b->data;
}
