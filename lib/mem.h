/* Allocation through the host's allocator (or libc): every block the library
 * owns is taken and given back here, so a counting or failing allocator sees
 * all of them. */
#ifndef MUC_MEM_H
#define MUC_MEM_H

#include <stddef.h>

#include "muc.h"

typedef struct muc_mem {
	muc_allocator a;
} muc_mem;

/* Fills m from a (NULL: libc). */
void mem_init(muc_mem *m, const muc_allocator *a);
void *mem_alloc(const muc_mem *m, size_t n);
void *mem_calloc(const muc_mem *m, size_t n);
void *mem_realloc(const muc_mem *m, void *p, size_t n);
void mem_free(const muc_mem *m, void *p);
/* Copies s (n bytes, then a NUL); NULL on failure or when s is NULL. */
char *mem_strndup(const muc_mem *m, const char *s, size_t n);
char *mem_strdup(const muc_mem *m, const char *s);

#endif
