/* A counting allocator for the tests (as libstrophe's tests do): every
 * block the library takes is counted, so a test can end by asserting that
 * no block is still live. It can also be told to fail after a number of
 * allocations. */
#ifndef MUC_TEST_COUNTING_ALLOC_H
#define MUC_TEST_COUNTING_ALLOC_H

#include <stddef.h>

#include "muc.h"

typedef struct counting_alloc {
	muc_allocator a;  /* hand &a to the library; mem_user_data = this */
	long live;        /* blocks allocated and not yet freed */
	long total;       /* allocations (malloc and realloc of NULL) */
	long fail_after;  /* < 0: never fail; else fail once total reaches it */
} counting_alloc;

void counting_alloc_init(counting_alloc *c);

#endif
