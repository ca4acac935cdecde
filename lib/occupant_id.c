/* XEP-0421 occupant identifiers, as the reference computes them: the
 * base64 of HMAC-SHA256 keyed with the occupant's real bare JID over a
 * per-room secret. Stable for one user in one room, unlinkable across rooms
 * (each room has its own secret) and revealing nothing of the JID. */
#include "common.h"
#include "sha256.h"

#include <stdio.h>
#include <string.h>

char *occupant_id_new_salt(muc_service *s, const char *room_jid)
{
	char raw[128];
	size_t n = 0;
	unsigned char digest[32];
	char out[65];
	sha256_ctx c;
	int i;
	/* The host's id source is the only randomness the library has; a
	 * host without one gets a secret derived from the clock and a
	 * counter, which keeps ids stable but is guessable (README). */
	if (s->cb.id)
		n = s->cb.id(raw, sizeof raw, s->user_data);
	if (n == 0 || n >= sizeof raw)
		n = (size_t)snprintf(raw, sizeof raw, "%lld:%llu",
				     (long long)svc_now(s),
				     (unsigned long long)++s->next_id);
	sha256_init(&c);
	sha256_update(&c, raw, n);
	sha256_update(&c, room_jid, strlen(room_jid));
	sha256_final(&c, digest);
	for (i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", digest[i]);
	return mem_strdup(&s->mem, out);
}

void occupant_id_compute(muc_occupant *o)
{
	unsigned char mac[32];
	const char *salt = o->room->oid_salt ? o->room->oid_salt : "";
	hmac_sha256(o->bare_jid, strlen(o->bare_jid), salt, strlen(salt), mac);
	base64_encode(mac, sizeof mac, o->occupant_id);
}

void occupant_id_write(buf *b, const muc_occupant *o)
{
	/* base64 needs no escaping */
	buf_puts(b, "<occupant-id xmlns='" NS_OCCUPANT_ID "' id='");
	buf_puts(b, o->occupant_id);
	buf_puts(b, "'/>");
}

bool occupant_id_stamp(muc_service *s, xnode *st, const muc_occupant *o)
{
	xnode *e;
	xnode_remove_children(&s->mem, st, "occupant-id", NS_OCCUPANT_ID);
	e = xnode_add(&s->mem, st, "occupant-id", NS_OCCUPANT_ID);
	return e && xnode_set_attr(&s->mem, e, "id", o->occupant_id);
}
