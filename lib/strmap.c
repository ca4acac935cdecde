#include "strmap.h"

#include <string.h>

static size_t hash_str(const char *s)
{
	size_t h = (size_t)14695981039346656037ULL;
	while (*s) {
		h ^= (unsigned char)*s++;
		h *= (size_t)1099511628211ULL;
	}
	return h;
}

void strmap_init(strmap *m, const muc_mem *mem)
{
	m->mem = mem;
	m->slots = NULL;
	m->nslots = 0;
	m->count = 0;
}

void strmap_free(strmap *m)
{
	size_t i;
	for (i = 0; i < m->nslots; i++) {
		strmap_entry *e = m->slots[i];
		while (e) {
			strmap_entry *n = e->next;
			mem_free(m->mem, e);
			e = n;
		}
	}
	mem_free(m->mem, m->slots);
	strmap_init(m, m->mem);
}

static strmap_entry **find(const strmap *m, const char *key, size_t h)
{
	strmap_entry **pp;
	if (!m->nslots)
		return NULL;
	for (pp = &m->slots[h & (m->nslots - 1)]; *pp; pp = &(*pp)->next)
		if ((*pp)->hash == h && strcmp((*pp)->key, key) == 0)
			return pp;
	return NULL;
}

void *strmap_get(const strmap *m, const char *key)
{
	strmap_entry **pp = find(m, key, hash_str(key));
	return pp ? (*pp)->value : NULL;
}

static bool grow(strmap *m)
{
	size_t n = m->nslots ? m->nslots * 2 : 8, i;
	strmap_entry **s = mem_calloc(m->mem, n * sizeof *s);
	if (!s)
		return false;
	for (i = 0; i < m->nslots; i++) {
		strmap_entry *e = m->slots[i];
		while (e) {
			strmap_entry *next = e->next;
			e->next = s[e->hash & (n - 1)];
			s[e->hash & (n - 1)] = e;
			e = next;
		}
	}
	mem_free(m->mem, m->slots);
	m->slots = s;
	m->nslots = n;
	return true;
}

bool strmap_put(strmap *m, const char *key, void *value)
{
	size_t h = hash_str(key);
	strmap_entry **pp = find(m, key, h), *e;
	if (pp) {
		(*pp)->key = key;
		(*pp)->value = value;
		return true;
	}
	if (m->count + 1 > m->nslots && !grow(m) && !m->nslots)
		return false;
	e = mem_alloc(m->mem, sizeof *e);
	if (!e)
		return false;
	e->key = key;
	e->hash = h;
	e->value = value;
	e->next = m->slots[h & (m->nslots - 1)];
	m->slots[h & (m->nslots - 1)] = e;
	m->count++;
	return true;
}

void *strmap_del(strmap *m, const char *key)
{
	strmap_entry **pp = find(m, key, hash_str(key)), *e;
	void *v;
	if (!pp)
		return NULL;
	e = *pp;
	*pp = e->next;
	v = e->value;
	mem_free(m->mem, e);
	m->count--;
	return v;
}
