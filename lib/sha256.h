/* SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104), for XEP-0421 occupant
 * identifiers. Small and dependency-free; not used for anything secret
 * beyond that. */
#ifndef MUC_SHA256_H
#define MUC_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct sha256_ctx {
	uint32_t h[8];
	uint64_t bytes;
	unsigned char block[64];
	size_t fill;
} sha256_ctx;

void sha256_init(sha256_ctx *c);
void sha256_update(sha256_ctx *c, const void *data, size_t n);
void sha256_final(sha256_ctx *c, unsigned char out[32]);
void hmac_sha256(const void *key, size_t klen, const void *msg, size_t mlen,
		 unsigned char out[32]);
/* Standard base64 with padding; out needs 4*ceil(n/3)+1 bytes. */
void base64_encode(const unsigned char *in, size_t n, char *out);
/* Decodes standard base64 (padding required) into out (capacity n*3/4+3);
 * returns the length, or -1 when malformed. */
long base64_decode(const char *in, size_t n, unsigned char *out);

#endif
