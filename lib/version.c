/* Version queries, error words and protocol names. */
#include "common.h"

int muc_version_number(void)
{
	return MUC_VERSION_NUMBER;
}

const char *muc_version_string(void)
{
	return MUC_VERSION_STRING;
}

const char *muc_strerror(int code)
{
	switch (code) {
	case MUC_OK: return "success";
	case MUC_ERR_NOMEM: return "out of memory";
	case MUC_ERR_INVALID: return "invalid argument";
	case MUC_ERR_PARSE: return "input is not one well-formed XMPP stanza";
	case MUC_ERR_TOO_LARGE: return "input exceeds a configured limit";
	case MUC_ERR_NOT_FOUND: return "no such room, occupant or entry";
	case MUC_ERR_NOT_ALLOWED: return "not allowed";
	case MUC_ERR_CONFLICT: return "conflict (e.g. the last owner)";
	case MUC_ERR_JID: return "malformed JID or nickname";
	case MUC_ERR_CALLBACK: return "a host hook (deliver or store) failed";
	case MUC_ERR_NOT_FOR_US: return "stanza is not addressed to this service";
	case MUC_ERR_IO: return "a file operation failed";
	default: return "unknown error code";
	}
}

const char *muc_role_name(muc_role r)
{
	switch (r) {
	case MUC_ROLE_VISITOR: return "visitor";
	case MUC_ROLE_PARTICIPANT: return "participant";
	case MUC_ROLE_MODERATOR: return "moderator";
	default: return "none";
	}
}

const char *muc_affiliation_name(muc_affiliation a)
{
	switch (a) {
	case MUC_AFFIL_OUTCAST: return "outcast";
	case MUC_AFFIL_MEMBER: return "member";
	case MUC_AFFIL_ADMIN: return "admin";
	case MUC_AFFIL_OWNER: return "owner";
	default: return "none";
	}
}
