/* Consistency of a service's tables, checked from the inside (lib/common.h):
 * every room, occupant, session, affiliation and history entry is where its
 * lists, maps and counts say, and the room rules hold (no banned occupant,
 * no non-member in a members-only room, no occupant without a session or
 * with role none). Shared by the fuzzer and the failing-allocator test;
 * header-only so that each test stays one program.
 *
 * check_service(s, strict) returns NULL when all is well, else a static
 * string saying what is wrong, with *where naming the room or occupant
 * (borrowed from the service). strict also refuses an empty temporary room
 * left behind (XEP-0045 §10.1.3: it goes with its last occupant). */
#ifndef MUC_TEST_CHECK_STATE_H
#define MUC_TEST_CHECK_STATE_H

#include "common.h"

#include <string.h>

static inline const char *check_room(muc_service *s, muc_room *r,
				     bool strict, const char **where)
{
	muc_occupant *o;
	affil_entry *e;
	history_entry *h;
	size_t n = 0, nsess = 0, na = 0, nh = 0;
	*where = r->jid;
	if (strmap_get(&s->rooms, r->jid) != r)
		return "room not in the room map";
	if (r->destroyed)
		return "destroyed room still listed";
	for (o = r->first; o; o = o->next, n++) {
		session *ss;
		muc_affiliation a = affil_get(r, o->bare_jid);
		*where = o->occupant_jid;
		if (o->room != r || (o->next && o->next->prev != o) ||
		    (!o->next && r->last != o))
			return "occupant list broken";
		if (room_occupant_by_nick(r, o->nick) != o)
			return "occupant not in the nick map";
		if (!o->sessions)
			return "occupant without a session";
		if (o->role == MUC_ROLE_NONE)
			return "occupant with role none left in the room";
		if (a == MUC_AFFIL_OUTCAST)
			return "a banned user is still in the room";
		if (r->cfg.members_only && a < MUC_AFFIL_MEMBER)
			return "a non-member is in a members-only room";
		for (ss = o->sessions; ss; ss = ss->next, nsess++) {
			*where = ss->real_jid;
			if (room_occupant_by_real(r, ss->real_jid) != o)
				return "session not in the real-JID map";
			if (!ss->presence)
				return "session without a presence";
		}
	}
	*where = r->jid;
	if (n != r->noccupants || n != r->by_nick.count ||
	    n != muc_room_occupant_count(r))
		return "occupant counts disagree";
	if (nsess != r->by_real.count)
		return "session count and real-JID map disagree";
	for (e = r->affil_first; e; e = e->next, na++) {
		*where = e->jid;
		if (affil_entry_get(r, e->jid) != e)
			return "affiliation not in its map";
		if (e->affiliation < MUC_AFFIL_OUTCAST ||
		    e->affiliation > MUC_AFFIL_OWNER ||
		    e->affiliation == MUC_AFFIL_NONE)
			return "bad stored affiliation";
		if ((e->next && e->next->prev != e) ||
		    (!e->next && r->affil_last != e))
			return "affiliation list broken";
	}
	*where = r->jid;
	if (na != r->affil_by_jid.count)
		return "affiliation counts disagree";
	for (h = r->hist_first; h; h = h->next, nh++)
		if (!h->stanza || (!h->next && r->hist_last != h))
			return "history list broken";
	if (nh != r->nhistory)
		return "history count wrong";
	if (strict && n == 0 && !r->cfg.persistent)
		return "an empty temporary room was left behind";
	return NULL;
}

static inline const char *check_service(muc_service *s, bool strict,
					const char **where)
{
	muc_room *r;
	size_t n = 0;
	*where = "";
	for (r = s->room_first; r; r = r->next, n++) {
		const char *err;
		if ((r->next && r->next->prev != r) ||
		    (!r->next && s->room_last != r)) {
			*where = r->jid;
			return "room list broken";
		}
		err = check_room(s, r, strict, where);
		if (err)
			return err;
	}
	*where = "";
	if (n != s->nrooms || n != s->rooms.count ||
	    n != muc_service_room_count(s))
		return "room counts disagree";
	return NULL;
}

#endif
