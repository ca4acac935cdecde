/* A string-keyed hash map (chained, FNV-1a). Keys are borrowed: each key
 * must stay alive (usually it is a field of the value) while it is in the
 * map. Lookups are O(1) on average, so no nick or JID lookup is linear in
 * the size of a room or of the service. */
#ifndef MUC_STRMAP_H
#define MUC_STRMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "mem.h"

typedef struct strmap_entry {
	struct strmap_entry *next;
	const char *key;
	size_t hash;
	void *value;
} strmap_entry;

typedef struct strmap {
	const muc_mem *mem;
	strmap_entry **slots;
	size_t nslots;
	size_t count;
} strmap;

void strmap_init(strmap *m, const muc_mem *mem);
void strmap_free(strmap *m);
void *strmap_get(const strmap *m, const char *key);
/* Inserts or replaces. Returns false on allocation failure. */
bool strmap_put(strmap *m, const char *key, void *value);
/* Removes key; returns its value or NULL. */
void *strmap_del(strmap *m, const char *key);

#endif
