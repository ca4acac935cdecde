#include "jid.h"

#include <stringprep.h>
#include <string.h>

/* The three profiles on pure ASCII, where stringprep reduces to: nodeprep
 * and nameprep fold case (RFC 3454 B.2), nodeprep prohibits space,
 * controls and "&'/:<>@ (RFC 6122 App. A), resourceprep prohibits controls
 * only; nothing is unassigned and NFKC changes nothing. */
typedef enum ascii_kind { ASCII_NODE, ASCII_NAME, ASCII_RESOURCE } ascii_kind;

static int prep_ascii(const muc_mem *m, const char *s, size_t n,
		      ascii_kind kind, char **out)
{
	char *b = mem_alloc(m, n + 1);
	size_t i;
	if (!b)
		return MUC_ERR_NOMEM;
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (c < 0x20 || c == 0x7f) {
			if (kind != ASCII_NAME)
				goto bad;
		} else if (kind == ASCII_NODE && strchr(" \"&'/:<>@", c)) {
			goto bad;
		}
		if (kind != ASCII_RESOURCE && c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		b[i] = c;
	}
	b[n] = '\0';
	*out = b;
	return MUC_OK;
bad:
	mem_free(m, b);
	return MUC_ERR_JID;
}

static bool is_ascii(const char *s, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80 || s[i] == '\0')
			return false;
	return true;
}

/* Runs a stringprep profile over n bytes of s into a new string. */
static int prep(const muc_mem *m, const char *s, size_t n,
		const Stringprep_profile *profile, Stringprep_profile_flags fl,
		char **out)
{
	/* NFKC can expand a string; room for that, capped by the part limit. */
	size_t cap = n * 4 + 16;
	char *b;
	*out = NULL;
	if (n == 0 || n > JID_PART_MAX)
		return MUC_ERR_JID;
	if (is_ascii(s, n))
		return prep_ascii(m, s, n,
				  profile == stringprep_xmpp_nodeprep ? ASCII_NODE
				  : profile == stringprep_nameprep    ? ASCII_NAME
								      : ASCII_RESOURCE,
				  out);
	b = mem_alloc(m, cap);
	if (!b)
		return MUC_ERR_NOMEM;
	memcpy(b, s, n);
	b[n] = '\0';
	if (stringprep(b, cap, fl, profile) != STRINGPREP_OK || b[0] == '\0' ||
	    strlen(b) > JID_PART_MAX) {
		mem_free(m, b);
		return MUC_ERR_JID;
	}
	*out = b;
	return MUC_OK;
}

/* RFC 6122 §2.2 / RFC 1123: a domain is dot-separated labels of letters,
 * digits and '-' (not at either end), at most 63 bytes each; non-ASCII
 * labels (IDNs) pass as nameprep left them. */
static bool domain_ok(const char *d)
{
	size_t label = 0;
	const char *p;
	char prev = '.';
	for (p = d; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '.') {
			if (label == 0 || prev == '-')
				return false;
			label = 0;
		} else if (c >= 0x80 || (c >= 'a' && c <= 'z') ||
			   (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			   (c == '-' && label > 0)) {
			if (++label > 63)
				return false;
		} else {
			return false;
		}
		prev = (char)c;
	}
	return label > 0 && prev != '-';
}

void jid_free(const muc_mem *m, jid *j)
{
	mem_free(m, j->node);
	mem_free(m, j->domain);
	mem_free(m, j->resource);
	mem_free(m, j->bare);
	mem_free(m, j->full);
	memset(j, 0, sizeof *j);
}

static char *join(const muc_mem *m, const char *a, char sep, const char *b)
{
	size_t la = strlen(a), lb = b ? strlen(b) : 0;
	char *r = mem_alloc(m, la + lb + 2);
	if (!r)
		return NULL;
	memcpy(r, a, la);
	if (b) {
		r[la] = sep;
		memcpy(r + la + 1, b, lb + 1);
	} else {
		r[la] = '\0';
	}
	return r;
}

int jid_parse(const muc_mem *m, const char *s, jid *out)
{
	const char *slash, *at, *dom;
	size_t dlen;
	int rc;
	memset(out, 0, sizeof *out);
	if (!s)
		return MUC_ERR_JID;
	slash = strchr(s, '/');
	at = memchr(s, '@', slash ? (size_t)(slash - s) : strlen(s));
	dom = at ? at + 1 : s;
	dlen = slash ? (size_t)(slash - dom) : strlen(dom);
	if (at) {
		rc = prep(m, s, (size_t)(at - s), stringprep_xmpp_nodeprep, 0,
			  &out->node);
		if (rc)
			goto fail;
	}
	/* A trailing dot on the domain is not part of its name. */
	if (dlen > 1 && dom[dlen - 1] == '.')
		dlen--;
	rc = prep(m, dom, dlen, stringprep_nameprep, 0, &out->domain);
	if (rc)
		goto fail;
	if (!domain_ok(out->domain)) {
		rc = MUC_ERR_JID;
		goto fail;
	}
	if (slash) {
		rc = prep(m, slash + 1, strlen(slash + 1),
			  stringprep_xmpp_resourceprep, 0, &out->resource);
		if (rc)
			goto fail;
	}
	rc = MUC_ERR_NOMEM;
	out->bare = out->node ? join(m, out->node, '@', out->domain)
			      : mem_strdup(m, out->domain);
	if (!out->bare)
		goto fail;
	out->full = join(m, out->bare, '/', out->resource);
	if (!out->full)
		goto fail;
	return MUC_OK;
fail:
	jid_free(m, out);
	return rc;
}

char *jid_prep_bare(const muc_mem *m, const char *s, int *err)
{
	jid j;
	char *r;
	*err = jid_parse(m, s, &j);
	if (*err)
		return NULL;
	r = j.bare;
	j.bare = NULL;
	jid_free(m, &j);
	return r;
}

/* Strict preparation (no unassigned code points), for its verdict only. */
static int check_strict(const muc_mem *m, const char *s,
			const Stringprep_profile *profile)
{
	char *b;
	int rc = prep(m, s, strlen(s), profile, STRINGPREP_NO_UNASSIGNED, &b);
	mem_free(m, b);
	return rc;
}

int nick_check_strict(const muc_mem *m, const char *nick)
{
	return check_strict(m, nick, stringprep_xmpp_resourceprep);
}

int node_check_strict(const muc_mem *m, const char *node)
{
	return check_strict(m, node, stringprep_xmpp_nodeprep);
}
