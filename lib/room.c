/* Room objects: creation, lookup tables, and their end. */
#include "common.h"

#include <string.h>

int room_create(muc_service *s, const char *room_jid, muc_room **out)
{
	muc_room *r = mem_calloc(&s->mem, sizeof *r);
	*out = NULL;
	if (!r)
		return MUC_ERR_NOMEM;
	r->svc = s;
	r->jid = mem_strdup(&s->mem, room_jid);
	r->oid_salt = occupant_id_new_salt(s, room_jid);
	strmap_init(&r->by_nick, &s->mem);
	strmap_init(&r->by_real, &s->mem);
	strmap_init(&r->affil_by_jid, &s->mem);
	strmap_init(&r->affil_by_nick, &s->mem);
	r->cfg = s->defaults; /* defaults hold no strings */
	if (!r->jid || !r->oid_salt || !strmap_put(&s->rooms, r->jid, r)) {
		mem_free(&s->mem, r->jid);
		mem_free(&s->mem, r->oid_salt);
		mem_free(&s->mem, r);
		return MUC_ERR_NOMEM;
	}
	r->prev = s->room_last;
	if (s->room_last)
		s->room_last->next = r;
	else
		s->room_first = r;
	s->room_last = r;
	s->nrooms++;
	*out = r;
	return MUC_OK;
}

void room_free(muc_room *r)
{
	muc_service *s = r->svc;
	affil_entry *a, *an;
	while (r->first)
		occupant_free(r, r->first);
	for (a = r->affil_first; a; a = an) {
		an = a->next;
		mem_free(&s->mem, a->jid);
		mem_free(&s->mem, a->reason);
		mem_free(&s->mem, a->nick);
		mem_free(&s->mem, a);
	}
	history_free(r);
	strmap_free(&r->by_nick);
	strmap_free(&r->by_real);
	strmap_free(&r->affil_by_jid);
	strmap_free(&r->affil_by_nick);
	config_free(&s->mem, &r->cfg);
	mem_free(&s->mem, r->subject);
	mem_free(&s->mem, r->subject_from);
	strmap_del(&s->rooms, r->jid);
	if (r->prev)
		r->prev->next = r->next;
	else
		s->room_first = r->next;
	if (r->next)
		r->next->prev = r->prev;
	else
		s->room_last = r->prev;
	s->nrooms--;
	mem_free(&s->mem, r->jid);
	mem_free(&s->mem, r->oid_salt);
	mem_free(&s->mem, r);
}

/* A temporary room goes with its last occupant (XEP-0045 §10.1.3). */
void room_reap_if_empty(muc_room *r)
{
	if (r->noccupants == 0 && !r->cfg.persistent)
		room_free(r);
}

muc_occupant *room_occupant_by_nick(const muc_room *r, const char *nick)
{
	return strmap_get(&r->by_nick, nick);
}

muc_occupant *room_occupant_by_real(const muc_room *r, const char *full)
{
	return strmap_get(&r->by_real, full);
}

/* Service administrators count as owners of every room only when the
 * host asks for it (MUC_OPT_ADMINS_ARE_OWNERS), as in Prosody 13 where
 * component_admins_as_room_owners is off by default. */
bool room_is_service_admin(const muc_room *r, const char *j)
{
	return r->svc->admins_are_owners && svc_is_admin(r->svc, j);
}

