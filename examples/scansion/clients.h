/* The world around the MUC service, emulated in process: the clients of a
 * script, their server "localhost" (JID binding, from-stamping, presence
 * broadcast, routing, directed-presence bookkeeping) and one libmuc service
 * for "conference.localhost". What it emulates is listed in
 * ../shared/conformance/README.md ("What a runner must emulate"). */
#ifndef SCANSION_CLIENTS_H
#define SCANSION_CLIENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "mem.h"
#include "muc.h"
#include "script.h"
#include "xnode.h"

#define MUC_DOMAIN "conference.localhost"
#define MUC_ADMIN "admin@localhost"

/* A stanza delivered to a client and not yet consumed. */
typedef struct item {
	struct item *next;
	xnode *stanza;
	char *xml;      /* the text as delivered, for traces */
} item;

typedef struct queue {
	item *head;
	item *tail;
	size_t count;
} queue;

typedef struct client {
	const script_client *def;
	char *bare;          /* prepared bare JID, set at the first connect */
	bool connected;
	/* Delivered but not yet read by a receives step: stays across other
	 * steps, and becomes the next batch. */
	queue pending;
	/* Read with the last batch but not yet consumed: dropped by any step
	 * other than a receive of this client (see run.c). */
	queue leftover;
	/* Occupant JIDs at the MUC service this session sent available
	 * presence to, in order: they get an unavailable one when it ends. */
	char **directed;
	size_t ndirected;
} client;

typedef struct world {
	muc_mem mem;
	muc_service *svc;
	const script *script;
	client *clients;
	size_t nclients;
	/* Each client's full JID, NULL until it first connects; kept after
	 * a disconnect so ${Name's full JID} still expands, as in
	 * scansion_net.py. */
	char **full;
	unsigned resources;   /* resources assigned so far */
	unsigned ids;         /* ids handed to the service */
	int64_t now;          /* the service's clock, in ms */
	bool verbose;
	unsigned step;        /* current step number, for notes */
	/* Set when something went wrong that must fail the current step:
	 * output that does not parse, an allocation failure. */
	buf fault;
	/* The last time the service refused a stanza (muc_service_feed
	 * returned an error): a hint added to a failure report. */
	buf refused;
} world;

/* Sets up the clients of s and a fresh service. False (reason in err) on
 * failure; world_free is safe either way. */
bool world_init(world *w, const script *s, bool verbose, buf *err);
void world_free(world *w);

/* "Name connects": binds a full JID (a jid without resource gets
 * "scansion<N>", N counting per script). False with a reason in err. */
bool world_connect(world *w, size_t i, buf *err);

/* "Name disconnects": the session ends at once (what is queued for it is
 * dropped: check it first), then its server sends unavailable presence to
 * every room occupant JID the session still has directed presence with. */
void world_disconnect(world *w, size_t i);

/* "Name sends:": stamps from, adds the vcard-temp:x:update element to
 * presence, and routes the stanza like the client's server. Takes
 * ownership of stanza. False (reason in err) only on allocation failure. */
bool world_send(world *w, size_t i, xnode *stanza, buf *err);

/* Queue helpers. queue_pop returns the first item (owned by the caller:
 * item_free) or NULL. */
item *queue_pop(queue *q);
void queue_append(queue *q, item *it);
void queue_clear(const muc_mem *m, queue *q);
void item_free(const muc_mem *m, item *it);

#endif
