/*
 * muc-component: an XMPP external component (XEP-0114) that serves one MUC
 * domain with libmuc and keeps persistent rooms in a directory.
 *
 * It is an example of wiring libmuc to an I/O layer: libstrophe owns the
 * connection to the server; every stanza it reads goes to
 * muc_service_feed, and every stanza libmuc answers goes back out through
 * the deliver hook. Rooms are saved by the library's store hook, each time
 * their durable state changes, into a muc_dir_store.
 *
 *   muc-component --domain conference.localhost --secret S --state-dir DIR
 *
 * Exit status: 0 after SIGINT/SIGTERM, 1 on a fatal error (bad secret,
 * server unreachable at start, bad state directory), 2 on bad usage.
 */
#define _DEFAULT_SOURCE /* sigaction, clock_gettime */

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <muc.h>
#include <strophe.h>

#define MAX_ADMINS 16
#define MAX_BACKOFF 30 /* seconds between reconnection attempts, at most */

typedef struct app {
	/* flags */
	const char *host, *domain, *secret, *state_dir;
	const char *admins[MAX_ADMINS];
	int nadmins;
	unsigned short port;
	muc_log_level level;
	/* the two halves */
	xmpp_ctx_t *ctx;
	xmpp_conn_t *conn;
	muc_service *svc;
	muc_dir_store *store;
	/* connection state */
	int online, ever_online;
	unsigned backoff;   /* seconds before the next attempt */
	time_t retry_at;    /* 0: no attempt scheduled */
	char fatal[512];    /* set: exit with this reason */
	time_t started;     /* with ids: stanza ids unique across restarts */
	unsigned long ids;
	/* what one input stanza caused, sent in one write */
	char *out;
	size_t out_len, out_cap;
} app;

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static void say(app *a, muc_log_level level, const char *fmt, ...)
{
	static const char *const names[] = {"debug", "info", "warn", "error"};
	va_list ap;
	if (level < a->level)
		return;
	fprintf(stderr, "muc-component: %s: ", names[level]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* ---- libmuc's hooks ------------------------------------------------------ */

/* Output is collected while a stanza is fed and written out in one go
 * afterwards (flush): the server then reads it in one piece and passes it
 * on to each client together, as it would from its own MUC module. */
static int deliver(const muc_stanza_out *st, void *ud)
{
	app *a = ud;
	if (!a->online) {
		/* The server is away: nobody to tell. The room state is kept. */
		say(a, MUC_LOG_DEBUG, "offline, dropped stanza to %s", st->to);
		return 0;
	}
	say(a, MUC_LOG_DEBUG, "out: %s", st->xml);
	if (a->out_len + st->len + 1 > a->out_cap) {
		size_t cap = 2 * (a->out_len + st->len + 1);
		char *p = realloc(a->out, cap);
		if (!p)
			return -1;
		a->out = p;
		a->out_cap = cap;
	}
	memcpy(a->out + a->out_len, st->xml, st->len);
	a->out_len += st->len;
	a->out[a->out_len] = '\0'; /* libstrophe 0.12 reads it as a string */
	return 0;
}

static void flush(app *a)
{
	if (a->out_len && a->online)
		xmpp_send_raw(a->conn, a->out, a->out_len);
	a->out_len = 0;
}

static int64_t clock_ms(void *ud)
{
	struct timespec ts;
	(void)ud;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static size_t make_id(char *buf, size_t cap, void *ud)
{
	app *a = ud;
	int n = snprintf(buf, cap, "mc%lx-%lu", (unsigned long)a->started,
			 ++a->ids);
	return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

static void log_line(muc_log_level level, const char *msg, void *ud)
{
	say(ud, level, "%s", msg);
}

static int store_save(const char *room, const char *data, size_t len, void *ud)
{
	app *a = ud;
	int rc = muc_dir_store_save(room, data, len, a->store);
	if (rc)
		say(a, MUC_LOG_ERROR, "could not save %s: %s", room,
		    rc == MUC_ERR_IO ? strerror(errno) : muc_strerror(rc));
	return rc;
}

static int store_remove(const char *room, void *ud)
{
	app *a = ud;
	int rc = muc_dir_store_remove(room, a->store);
	if (rc)
		say(a, MUC_LOG_ERROR, "could not remove %s: %s", room,
		    rc == MUC_ERR_IO ? strerror(errno) : muc_strerror(rc));
	return rc;
}

static void report_bad_file(const char *file, const char *reason, void *ud)
{
	app *a = ud;
	say(a, MUC_LOG_ERROR, "%s/%s not loaded (left as it is): %s",
	    a->state_dir, file, reason);
}

/* ---- libstrophe's side ------------------------------------------------- */

/* Stanzas arrive in the component namespace, and libstrophe's parser
 * reports xml:lang as a plain 'lang'. libmuc wants jabber:client (the
 * namespace it writes its output in, unqualified) and the real xml:lang,
 * which it keeps on presence and uses for a new room's language. */
static void to_client(xmpp_stanza_t *st)
{
	xmpp_stanza_t *c;
	const char *ns = xmpp_stanza_get_ns(st);
	const char *lang = xmpp_stanza_get_attribute(st, "lang");
	if (ns && strcmp(ns, XMPP_NS_COMPONENT) == 0)
		xmpp_stanza_set_ns(st, XMPP_NS_CLIENT);
	if (lang) {
		xmpp_stanza_set_attribute(st, "xml:lang", lang);
		xmpp_stanza_del_attribute(st, "lang");
	}
	for (c = xmpp_stanza_get_children(st); c; c = xmpp_stanza_get_next(c))
		if (xmpp_stanza_is_tag(c))
			to_client(c);
}

static int on_stanza(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
	app *a = ud;
	const char *name = xmpp_stanza_get_name(st);
	char *xml;
	size_t len;
	int rc;
	(void)conn;
	if (!name || (strcmp(name, "message") && strcmp(name, "presence") &&
		      strcmp(name, "iq")))
		return 1;
	to_client(st);
	if (xmpp_stanza_to_text(st, &xml, &len) != XMPP_EOK)
		return 1;
	say(a, MUC_LOG_DEBUG, "in: %s", xml);
	rc = muc_service_feed(a->svc, xml, len);
	flush(a);
	if (rc)
		say(a, MUC_LOG_WARN, "stanza not handled: %s", muc_strerror(rc));
	xmpp_free(a->ctx, xml);
	return 1; /* keep the handler */
}

static void on_conn(xmpp_conn_t *conn, xmpp_conn_event_t ev, int error,
		    xmpp_stream_error_t *se, void *ud)
{
	app *a = ud;
	if (ev == XMPP_CONN_CONNECT) {
		int again = a->ever_online;
		a->online = a->ever_online = 1;
		a->backoff = 1;
		xmpp_handler_add(conn, on_stanza, NULL, NULL, NULL, a);
		/* Back after losing the server: who is still in the rooms is
		 * unknown, so everyone is told the rooms were left (332). */
		if (again) {
			muc_service_remove_all_occupants(a->svc);
			flush(a);
		}
		say(a, MUC_LOG_INFO, "serving %s through %s:%u", a->domain,
		    a->host, a->port);
		return;
	}
	if (a->online)
		xmpp_handler_delete(conn, on_stanza);
	a->online = 0;
	if (stopping)
		return;
	if (se && se->type == XMPP_SE_NOT_AUTHORIZED) {
		snprintf(a->fatal, sizeof a->fatal,
			 "%s:%u refused the secret for %s", a->host, a->port,
			 a->domain);
	} else if (se && se->type == XMPP_SE_HOST_UNKNOWN) {
		snprintf(a->fatal, sizeof a->fatal,
			 "%s:%u does not know the component %s", a->host,
			 a->port, a->domain);
	} else if (!a->ever_online) {
		snprintf(a->fatal, sizeof a->fatal,
			 "cannot connect to %s:%u as %s: %s", a->host, a->port,
			 a->domain,
			 error > 0 ? strerror(error)
				   : "connection refused or closed");
	} else {
		say(a, MUC_LOG_WARN, "lost the server (%s); retrying in %u s",
		    error ? strerror(error) : "stream closed", a->backoff);
		a->retry_at = time(NULL) + a->backoff;
		a->backoff = a->backoff * 2 > MAX_BACKOFF ? MAX_BACKOFF
							 : a->backoff * 2;
	}
}

static void ignore_conn(xmpp_conn_t *conn, xmpp_conn_event_t ev, int error,
			xmpp_stream_error_t *se, void *ud)
{
	(void)conn, (void)ev, (void)error, (void)se, (void)ud;
}

/* libstrophe 0.12.2 (Debian 12) allocates a connection's stream-management
 * state only in xmpp_connect_client, yet every disconnect reads it: a
 * component connection crashes when it is refused or closed. A client
 * connect to the broadcast address fails at once, sends nothing, and
 * leaves that state allocated; SM itself stays off on a component stream. */
static void give_sm_state(xmpp_conn_t *conn)
{
	xmpp_conn_set_flags(conn, XMPP_CONN_FLAG_DISABLE_SM |
				  XMPP_CONN_FLAG_DISABLE_TLS);
	xmpp_connect_client(conn, "255.255.255.255", 9, ignore_conn, NULL);
}

static int connect_now(app *a)
{
	return xmpp_connect_component(a->conn, a->host, a->port, on_conn, a);
}

/* ---- Command line ------------------------------------------------------ */

static void usage(FILE *f)
{
	fputs("usage: muc-component --domain DOMAIN --secret SECRET "
	      "--state-dir DIR [options]\n"
	      "Serves the MUC domain DOMAIN as an XEP-0114 external component.\n"
	      "  --server-host HOST  the XMPP server (default 127.0.0.1)\n"
	      "  --port PORT         its component port (default 5347)\n"
	      "  --domain DOMAIN     the component's domain, e.g. "
	      "conference.example.org\n"
	      "  --secret SECRET     the component secret the server expects\n"
	      "  --state-dir DIR     where persistent rooms are kept (created "
	      "if missing)\n"
	      "  --admin JID         a service administrator (repeatable)\n"
	      "  --log-level LEVEL   debug, info, warn (default) or error\n"
	      "  --help              this text\n",
	      f);
}

static int parse_args(app *a, int argc, char **argv)
{
	static const char *const levels[] = {"debug", "info", "warn", "error"};
	int i, l;
	for (i = 1; i < argc; i++) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(k, "--help") || !strcmp(k, "-h")) {
			usage(stdout);
			exit(0);
		}
		if (!v) {
			fprintf(stderr, "muc-component: %s needs a value\n", k);
			return -1;
		}
		i++;
		if (!strcmp(k, "--server-host")) {
			a->host = v;
		} else if (!strcmp(k, "--port")) {
			char *end;
			long p = strtol(v, &end, 10);
			if (*end || p < 1 || p > 65535) {
				fprintf(stderr, "muc-component: bad port %s\n", v);
				return -1;
			}
			a->port = (unsigned short)p;
		} else if (!strcmp(k, "--domain")) {
			a->domain = v;
		} else if (!strcmp(k, "--secret")) {
			a->secret = v;
		} else if (!strcmp(k, "--state-dir")) {
			a->state_dir = v;
		} else if (!strcmp(k, "--admin") && a->nadmins < MAX_ADMINS) {
			a->admins[a->nadmins++] = v;
		} else if (!strcmp(k, "--log-level")) {
			for (l = 0; l < 4 && strcmp(v, levels[l]); l++)
				;
			if (l == 4) {
				fprintf(stderr, "muc-component: bad log level %s\n", v);
				return -1;
			}
			a->level = (muc_log_level)l;
		} else {
			fprintf(stderr, "muc-component: unknown option %s\n", k);
			return -1;
		}
	}
	if (!a->domain || !a->secret || !a->state_dir) {
		fputs("muc-component: --domain, --secret and --state-dir are "
		      "required\n", stderr);
		return -1;
	}
	return 0;
}

/* ---- Putting it together ----------------------------------------------- */

static int setup_service(app *a)
{
	muc_callbacks *cb;
	int rc, i;
	rc = muc_dir_store_open(&a->store, a->state_dir);
	if (rc) {
		snprintf(a->fatal, sizeof a->fatal, "state directory %s: %s",
			 a->state_dir,
			 rc == MUC_ERR_IO ? strerror(errno) : muc_strerror(rc));
		return -1;
	}
	if ((rc = muc_callbacks_new(&cb)))
		goto fail;
	muc_callbacks_set_deliver(cb, deliver);
	muc_callbacks_set_clock(cb, clock_ms);
	muc_callbacks_set_id(cb, make_id);
	muc_callbacks_set_log(cb, log_line);
	muc_callbacks_set_store(cb, store_save, store_remove);
	rc = muc_service_new(&a->svc, a->domain, cb, NULL, a);
	muc_callbacks_del(cb);
	for (i = 0; !rc && i < a->nadmins; i++)
		rc = muc_service_add_admin(a->svc, a->admins[i]);
	if (rc)
		goto fail;
	rc = muc_dir_store_load(a->store, a->svc, report_bad_file, a);
	if (rc < 0)
		goto fail;
	say(a, MUC_LOG_INFO, "%d room(s) restored from %s", rc, a->state_dir);
	return 0;
fail:
	snprintf(a->fatal, sizeof a->fatal, "cannot start the service for %s: %s",
		 a->domain, muc_strerror(rc));
	return -1;
}

static void run(app *a)
{
	a->backoff = 1;
	if (connect_now(a) != XMPP_EOK) {
		snprintf(a->fatal, sizeof a->fatal, "cannot connect to %s:%u",
			 a->host, a->port);
		return;
	}
	while (!stopping && !a->fatal[0]) {
		xmpp_run_once(a->ctx, 200);
		if (a->retry_at && time(NULL) >= a->retry_at &&
		    xmpp_conn_is_disconnected(a->conn)) {
			a->retry_at = 0;
			say(a, MUC_LOG_INFO, "reconnecting to %s:%u", a->host,
			    a->port);
			if (connect_now(a) != XMPP_EOK)
				on_conn(a->conn, XMPP_CONN_FAIL, 0, NULL, a);
		}
	}
	if (a->online) {
		/* Tell occupants the service stops (332), then close the stream
		 * politely and let it flush (2 s at most). */
		int i;
		muc_service_remove_all_occupants(a->svc);
		flush(a);
		xmpp_disconnect(a->conn);
		for (i = 0; i < 20 && !xmpp_conn_is_disconnected(a->conn); i++)
			xmpp_run_once(a->ctx, 100);
	}
}

int main(int argc, char **argv)
{
	app a;
	struct sigaction sa;
	memset(&a, 0, sizeof a);
	a.host = "127.0.0.1";
	a.port = 5347;
	a.level = MUC_LOG_WARN;
	a.started = time(NULL);
	if (parse_args(&a, argc, argv)) {
		usage(stderr);
		return 2;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal; /* no SA_RESTART: wake the event loop */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (setup_service(&a) == 0) {
		xmpp_initialize();
		a.ctx = xmpp_ctx_new(NULL, a.level == MUC_LOG_DEBUG
			? xmpp_get_default_logger(XMPP_LEVEL_DEBUG) : NULL);
		a.conn = xmpp_conn_new(a.ctx);
		xmpp_conn_set_jid(a.conn, a.domain);
		xmpp_conn_set_pass(a.conn, a.secret);
		give_sm_state(a.conn);
		run(&a);
		xmpp_conn_release(a.conn);
		xmpp_ctx_free(a.ctx);
		xmpp_shutdown();
	}
	/* Every change was stored when it happened (the store hook returns
	 * only once the file is on disk): closing loses nothing. */
	muc_service_free(a.svc);
	muc_dir_store_close(a.store);
	free(a.out);
	if (a.fatal[0]) {
		fprintf(stderr, "muc-component: %s\n", a.fatal);
		return 1;
	}
	say(&a, MUC_LOG_INFO, "stopped; state is in %s", a.state_dir);
	return 0;
}
