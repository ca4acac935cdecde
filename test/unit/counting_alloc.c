#include "counting_alloc.h"

#include <stdlib.h>

static void *ca_malloc(size_t size, void *ud)
{
	counting_alloc *c = ud;
	void *p;
	if (c->fail_after >= 0 && c->total >= c->fail_after)
		return NULL;
	p = malloc(size);
	if (p) {
		c->live++;
		c->total++;
	}
	return p;
}

static void *ca_realloc(void *ptr, size_t size, void *ud)
{
	counting_alloc *c = ud;
	void *p;
	if (!ptr)
		return ca_malloc(size, ud);
	if (c->fail_after >= 0 && c->total >= c->fail_after)
		return NULL;
	p = realloc(ptr, size);
	return p;
}

static void ca_free(void *ptr, void *ud)
{
	counting_alloc *c = ud;
	if (ptr) {
		c->live--;
		free(ptr);
	}
}

void counting_alloc_init(counting_alloc *c)
{
	c->a.malloc = ca_malloc;
	c->a.realloc = ca_realloc;
	c->a.free = ca_free;
	c->a.mem_user_data = c;
	c->live = 0;
	c->total = 0;
	c->fail_after = -1;
}
