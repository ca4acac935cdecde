/* Occupants and their sessions (several clients of one bare JID may share
 * one nickname, as the reference allows). */
#include "common.h"

#include <string.h>

muc_occupant *occupant_new(muc_room *r, const char *nick, const char *bare)
{
	const muc_mem *m = &r->svc->mem;
	muc_occupant *o = mem_calloc(m, sizeof *o);
	size_t lr, ln;
	if (!o)
		return NULL;
	lr = strlen(r->jid);
	ln = strlen(nick);
	o->room = r;
	o->nick = mem_strdup(m, nick);
	o->bare_jid = mem_strdup(m, bare);
	o->occupant_jid = mem_alloc(m, lr + ln + 2);
	if (!o->nick || !o->bare_jid || !o->occupant_jid)
		goto fail;
	memcpy(o->occupant_jid, r->jid, lr);
	o->occupant_jid[lr] = '/';
	memcpy(o->occupant_jid + lr + 1, nick, ln + 1);
	if (!strmap_put(&r->by_nick, o->nick, o))
		goto fail;
	occupant_id_compute(o);
	o->prev = r->last;
	if (r->last)
		r->last->next = o;
	else
		r->first = o;
	r->last = o;
	r->noccupants++;
	return o;
fail:
	mem_free(m, o->nick);
	mem_free(m, o->bare_jid);
	mem_free(m, o->occupant_jid);
	mem_free(m, o);
	return NULL;
}

void occupant_free(muc_room *r, muc_occupant *o)
{
	const muc_mem *m = &r->svc->mem;
	while (o->sessions)
		occupant_remove_session(o, o->sessions->real_jid);
	strmap_del(&r->by_nick, o->nick);
	if (o->prev)
		o->prev->next = o->next;
	else
		r->first = o->next;
	if (o->next)
		o->next->prev = o->prev;
	else
		r->last = o->prev;
	r->noccupants--;
	mem_free(m, o->nick);
	mem_free(m, o->bare_jid);
	mem_free(m, o->occupant_jid);
	mem_free(m, o);
}

void occupant_remove(muc_occupant *o)
{
	occupant_free(o->room, o);
}

session *occupant_session(const muc_occupant *o, const char *real_jid)
{
	session *s;
	for (s = o->sessions; s; s = s->next)
		if (strcmp(s->real_jid, real_jid) == 0)
			return s;
	return NULL;
}

int occupant_set_session(muc_occupant *o, const char *real_jid,
			 xnode *presence)
{
	const muc_mem *m = &o->room->svc->mem;
	session *s = occupant_session(o, real_jid), **pp;
	if (s) {
		xnode_free(m, s->presence);
		s->presence = presence;
		return MUC_OK;
	}
	s = mem_calloc(m, sizeof *s);
	if (!s || !(s->real_jid = mem_strdup(m, real_jid)) ||
	    !strmap_put(&o->room->by_real, s->real_jid, o)) {
		if (s)
			mem_free(m, s->real_jid);
		mem_free(m, s);
		xnode_free(m, presence);
		return MUC_ERR_NOMEM;
	}
	s->presence = presence;
	for (pp = &o->sessions; *pp; pp = &(*pp)->next)
		;
	*pp = s;
	return MUC_OK;
}

void occupant_remove_session(muc_occupant *o, const char *real_jid)
{
	const muc_mem *m = &o->room->svc->mem;
	session **pp, *s;
	for (pp = &o->sessions; *pp; pp = &(*pp)->next)
		if (strcmp((*pp)->real_jid, real_jid) == 0)
			break;
	if (!*pp)
		return;
	s = *pp;
	*pp = s->next;
	if (strmap_get(&o->room->by_real, s->real_jid) == o)
		strmap_del(&o->room->by_real, s->real_jid);
	xnode_free(m, s->presence);
	mem_free(m, s->real_jid);
	mem_free(m, s);
}

/* What the room keeps of a client's presence and shows to others: the
 * stanza without addresses and without MUC protocol elements (a client may
 * not forge muc#user data, XEP-0045 §7.2.3), nor a forged occupant-id. */
xnode *presence_for_storage(muc_service *s, const xnode *p)
{
	xnode *c = xnode_clone(&s->mem, p);
	if (!c)
		return NULL;
	if (!xnode_set_attr(&s->mem, c, "to", NULL) ||
	    !xnode_set_attr(&s->mem, c, "from", NULL)) {
		xnode_free(&s->mem, c);
		return NULL;
	}
	xnode_remove_children(&s->mem, c, "x", NS_MUC);
	xnode_remove_children(&s->mem, c, "x", NS_MUC_USER);
	xnode_remove_children(&s->mem, c, "occupant-id", NS_OCCUPANT_ID);
	return c;
}
