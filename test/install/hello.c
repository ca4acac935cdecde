/* Built by install-test.sh against an installed libmuc, through
 * pkg-config only: prints the linked library's version on its first line,
 * then drives one join through the public API. Exit status 0 when all is
 * well. */
#include <muc.h>
#include <stdio.h>
#include <string.h>

static int delivered;

static int deliver(const muc_stanza_out *st, void *ud)
{
	(void)ud;
	if (strcmp(st->to, "romeo@example.net/orchard") != 0)
		return -1;
	delivered++;
	return 0;
}

int main(void)
{
	static const char join[] =
		"<presence from='romeo@example.net/orchard' "
		"to='coven@conference.example.org/Romeo'>"
		"<x xmlns='http://jabber.org/protocol/muc'/></presence>";
	muc_callbacks *cb;
	muc_service *s;
	int rc;
	printf("%s\n", muc_version_string());
	if (muc_version_number() != MUC_VERSION_NUMBER) {
		printf("header %s does not match the library\n",
		       MUC_VERSION_STRING);
		return 1;
	}
	if (muc_callbacks_new(&cb) != MUC_OK)
		return 1;
	muc_callbacks_set_deliver(cb, deliver);
	rc = muc_service_new(&s, "conference.example.org", cb, NULL, NULL);
	muc_callbacks_del(cb);
	if (rc != MUC_OK) {
		printf("muc_service_new: %s\n", muc_strerror(rc));
		return 1;
	}
	rc = muc_service_feed(s, join, strlen(join));
	printf("feed: %s, %d stanzas, %zu room(s)\n", muc_strerror(rc),
	       delivered, muc_service_room_count(s));
	muc_service_free(s);
	return rc == MUC_OK && delivered == 2 ? 0 : 1;
}
