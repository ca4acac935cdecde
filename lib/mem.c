#include "mem.h"

#include <stdlib.h>
#include <string.h>

static void *libc_malloc(size_t n, void *ud)
{
	(void)ud;
	return malloc(n);
}

static void *libc_realloc(void *p, size_t n, void *ud)
{
	(void)ud;
	return realloc(p, n);
}

static void libc_free(void *p, void *ud)
{
	(void)ud;
	free(p);
}

void mem_init(muc_mem *m, const muc_allocator *a)
{
	if (a && a->malloc && a->realloc && a->free) {
		m->a = *a;
	} else {
		m->a.malloc = libc_malloc;
		m->a.realloc = libc_realloc;
		m->a.free = libc_free;
		m->a.mem_user_data = NULL;
	}
}

void *mem_alloc(const muc_mem *m, size_t n)
{
	return m->a.malloc(n ? n : 1, m->a.mem_user_data);
}

void *mem_calloc(const muc_mem *m, size_t n)
{
	void *p = mem_alloc(m, n);
	if (p)
		memset(p, 0, n ? n : 1);
	return p;
}

void *mem_realloc(const muc_mem *m, void *p, size_t n)
{
	return m->a.realloc(p, n ? n : 1, m->a.mem_user_data);
}

void mem_free(const muc_mem *m, void *p)
{
	if (p)
		m->a.free(p, m->a.mem_user_data);
}

char *mem_strndup(const muc_mem *m, const char *s, size_t n)
{
	char *d;
	if (!s)
		return NULL;
	d = mem_alloc(m, n + 1);
	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *mem_strdup(const muc_mem *m, const char *s)
{
	return s ? mem_strndup(m, s, strlen(s)) : NULL;
}
