/* A growable byte buffer: where every outgoing stanza is written. It keeps
 * its capacity across resets so the broadcast path allocates only while it
 * grows. A failed growth makes the buffer "failed": later writes are no-ops
 * and buf_ok() says so, so callers check once at the end. */
#ifndef MUC_BUF_H
#define MUC_BUF_H

#include <stdbool.h>
#include <stddef.h>

#include "mem.h"

typedef struct buf {
	const muc_mem *mem;
	char *data;
	size_t len;
	size_t cap;
	bool failed;
} buf;

void buf_init(buf *b, const muc_mem *mem);
void buf_free(buf *b);
void buf_reset(buf *b);
bool buf_ok(const buf *b);
/* Makes room for n more bytes (and a NUL); false when that fails. */
bool buf_reserve(buf *b, size_t n);
void buf_put(buf *b, const char *s, size_t n);
void buf_puts(buf *b, const char *s);
void buf_putc(buf *b, char c);
/* Escapes the five XML special characters (for text and attribute values). */
void buf_put_escaped(buf *b, const char *s, size_t n);
void buf_puts_escaped(buf *b, const char *s);
/* Writes ` name='value'` with the value escaped. */
void buf_attr(buf *b, const char *name, const char *value);
/* NUL-terminated view (valid until the next write); "" when failed. */
const char *buf_cstr(buf *b);

#endif
