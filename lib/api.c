/* The public read and action API over rooms (include/muc.h). */
#include "common.h"

#include <string.h>

muc_room *muc_service_find_room(muc_service *s, const char *room_jid)
{
	char *bare;
	int rc;
	muc_room *r;
	if (!s || !room_jid)
		return NULL;
	bare = jid_prep_bare(&s->mem, room_jid, &rc);
	if (!bare)
		return NULL;
	r = strmap_get(&s->rooms, bare);
	mem_free(&s->mem, bare);
	return r;
}

size_t muc_service_room_count(const muc_service *s)
{
	return s ? s->nrooms : 0;
}

int muc_service_foreach_room(muc_service *s,
			     int (*fn)(muc_room *room, void *ud), void *ud)
{
	muc_room *r, *next;
	if (!s || !fn)
		return MUC_ERR_INVALID;
	for (r = s->room_first; r; r = next) {
		int rc;
		next = r->next;
		rc = fn(r, ud);
		if (rc)
			return rc;
	}
	return MUC_OK;
}

const char *muc_room_jid(const muc_room *r)
{
	return r ? r->jid : NULL;
}

size_t muc_room_occupant_count(const muc_room *r)
{
	return r ? r->noccupants : 0;
}

int muc_room_foreach_occupant(muc_room *r,
			      int (*fn)(const muc_occupant_info *, void *),
			      void *ud)
{
	muc_occupant *o;
	if (!r || !fn)
		return MUC_ERR_INVALID;
	for (o = r->first; o; o = o->next) {
		const char *jids[64];
		const char **list = jids;
		size_t n = 0, cap = 64;
		session *ss;
		muc_occupant_info info;
		int rc;
		for (ss = o->sessions; ss; ss = ss->next)
			n++;
		if (n > cap) {
			list = mem_alloc(&r->svc->mem, n * sizeof *list);
			if (!list)
				return MUC_ERR_NOMEM;
		}
		n = 0;
		for (ss = o->sessions; ss; ss = ss->next)
			list[n++] = ss->real_jid;
		info.nick = o->nick;
		info.role = o->role;
		info.affiliation = affil_get(r, o->bare_jid);
		info.bare_jid = o->bare_jid;
		info.real_jids = list;
		info.real_jid_count = n;
		rc = fn(&info, ud);
		if (list != jids)
			mem_free(&r->svc->mem, list);
		if (rc)
			return rc;
	}
	return MUC_OK;
}

muc_affiliation muc_room_get_affiliation(const muc_room *r, const char *j)
{
	char *bare;
	int rc;
	muc_affiliation a;
	if (!r || !j)
		return MUC_AFFIL_NONE;
	bare = jid_prep_bare(&r->svc->mem, j, &rc);
	if (!bare)
		return MUC_AFFIL_NONE;
	a = affil_get(r, bare);
	mem_free(&r->svc->mem, bare);
	return a;
}

int muc_room_foreach_affiliation(muc_room *r,
				 int (*fn)(const muc_affiliation_info *,
					   void *),
				 void *ud)
{
	affil_entry *e;
	if (!r || !fn)
		return MUC_ERR_INVALID;
	for (e = r->affil_first; e; e = e->next) {
		muc_affiliation_info info;
		int rc;
		info.jid = e->jid;
		info.affiliation = e->affiliation;
		info.reason = e->reason;
		info.nick = e->nick;
		rc = fn(&info, ud);
		if (rc)
			return rc;
	}
	return MUC_OK;
}

int muc_room_set_affiliation(muc_room *r, const char *actor, const char *j,
			     muc_affiliation a, const char *reason)
{
	muc_service *s;
	char *bare;
	int rc;
	if (!r || !j || a < MUC_AFFIL_OUTCAST || a > MUC_AFFIL_OWNER ||
	    (reason && !xml_text_valid(reason)))
		return MUC_ERR_INVALID;
	s = r->svc;
	s->status = MUC_OK;
	bare = jid_prep_bare(&s->mem, j, &rc);
	if (!bare)
		return rc;
	rc = room_set_affiliation(r, actor, bare, a, reason, NULL, false, NULL,
				  NULL);
	mem_free(&s->mem, bare);
	if (!rc)
		room_reap_if_empty(r);
	return rc ? rc : s->status;
}

int muc_room_destroy(muc_room *r, const char *reason, const char *alt_jid,
		     const char *password)
{
	muc_service *s;
	jid alt;
	if (!r || (reason && !xml_text_valid(reason)) ||
	    (password && !xml_text_valid(password)))
		return MUC_ERR_INVALID;
	s = r->svc;
	if (alt_jid) {
		int rc = jid_parse(&s->mem, alt_jid, &alt);
		if (rc)
			return rc;
		jid_free(&s->mem, &alt);
	}
	s->status = MUC_OK;
	room_destroy(r, reason, alt_jid, password);
	return s->status;
}

int muc_service_remove_all_occupants(muc_service *s)
{
	muc_room *r, *next;
	if (!s)
		return MUC_ERR_INVALID;
	s->status = MUC_OK;
	for (r = s->room_first; r; r = next) {
		pres_status ps;
		next = r->next;
		memset(&ps, 0, sizeof ps);
		ps.codes[ps.ncodes++] = 332;
		/* everyone goes at once: each is told of itself only */
		ps.self_only = true;
		while (r->first) {
			muc_occupant *o = r->first;
			ps.prev_role = o->role;
			o->role = MUC_ROLE_NONE;
			broadcast_occupant(r, o, &ps);
			occupant_remove(o);
		}
		room_reap_if_empty(r);
	}
	return s->status;
}
