/* The harness the public-API tests share (test_service.c, test_api.c): a
 * service on a counting allocator whose deliver hook captures every stanza,
 * and the stanzas the tests send. */
#ifndef MUC_TEST_HARNESS_H
#define MUC_TEST_HARNESS_H

#include <stddef.h>

#include "counting_alloc.h"
#include "muc.h"

#define DOMAIN "conference.example.org"
#define ROOM "coven@" DOMAIN
#define ROMEO "romeo@example.net/orchard"
#define JULIET "juliet@example.net/balcony"
#define MUC_USER "http://jabber.org/protocol/muc#user"
#define OID "<occupant-id xmlns='urn:xmpp:occupant-id:0' id='"

typedef struct out {
	char *to, *from, *xml;
} out;

typedef struct capture {
	out *v;
	size_t n, cap;
	int fail_at;     /* deliver returns -1 for stanza number fail_at */
	size_t calls;    /* deliver calls, including failed ones */
	unsigned ids;    /* counter for the id hook */
	char *oids[16];  /* occupant-id values in order of appearance */
	size_t noids;
	size_t logs;
} capture;

/* The fixture's service, its allocator and what it delivered. */
extern capture cap;
extern counting_alloc ca;
extern muc_service *svc;

/* Hooks (exposed for tests that set them themselves). */
int h_deliver(const muc_stanza_out *st, void *ud);
int64_t h_clock(void *ud);
size_t h_make_id(char *b, size_t n, void *ud);
void h_log(muc_log_level level, const char *msg, void *ud);

void capture_clear(capture *c);
void capture_free(capture *c);
/* A service for DOMAIN with every hook set, on allocator a. */
muc_service *new_service(capture *c, counting_alloc *a);

/* Checked fixture: svc on ca capturing into cap; teardown frees it and
 * asserts zero live blocks. */
void harness_setup(void);
void harness_teardown(void);

int feed(const char *xml);
void expect_count(size_t n);
void expect_out(size_t i, const char *to, const char *from, const char *xml);

extern const char romeo_join[];
extern const char romeo_instant[];
extern const char juliet_join[];

/* Romeo (owner, moderator) and Juliet (participant) in an unlocked room;
 * the capture is cleared afterwards. */
muc_room *two_occupants(void);

#endif
