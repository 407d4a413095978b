#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "api.h"
#include "run_schedule.h"
#include "server.h"
#include "store.h"

/* What one request collects while its body arrives. */
struct request_state {
	char *body;
	size_t len, cap;
	int too_large;
};

/* One store connection and the API over it; a request holds one for its whole answer. */
struct worker {
	struct server_store *store;
	struct api *api;
	int busy;
};

/* As many workers as MHD threads, so a request never waits for one; the lock and condition
 * are there for the invariant, not for contention. */
struct serve_ctx {
	const struct server_config *conf;
	pthread_mutex_t lock;
	pthread_cond_t freed;
	struct worker *workers;
	size_t nworkers;
};

static struct worker *
worker_take(struct serve_ctx *ctx)
{
	struct worker *w = NULL;

	pthread_mutex_lock(&ctx->lock);
	for (;;) {
		for (size_t i = 0; i < ctx->nworkers && w == NULL; i++)
			if (!ctx->workers[i].busy)
				w = &ctx->workers[i];
		if (w != NULL)
			break;
		pthread_cond_wait(&ctx->freed, &ctx->lock);
	}
	w->busy = 1;
	pthread_mutex_unlock(&ctx->lock);
	return w;
}

static void
worker_give(struct serve_ctx *ctx, struct worker *w)
{
	pthread_mutex_lock(&ctx->lock);
	w->busy = 0;
	pthread_cond_signal(&ctx->freed);
	pthread_mutex_unlock(&ctx->lock);
}

/* Opens n workers on the book; on failure the ones opened stay in ctx for workers_free. */
static int
workers_open(struct serve_ctx *ctx, size_t n, struct err *e)
{
	if ((ctx->workers = calloc(n, sizeof *ctx->workers)) == NULL)
		abort();
	for (ctx->nworkers = 0; ctx->nworkers < n; ctx->nworkers++) {
		struct worker *w = &ctx->workers[ctx->nworkers];

		if (server_store_open(ctx->conf, SERVER_STORE_OPEN, &w->store, e) != 0)
			return -1;
		w->api = api_new(w->store, ctx->conf);
	}
	return 0;
}

static void
workers_free(struct serve_ctx *ctx)
{
	for (size_t i = 0; i < ctx->nworkers; i++) {
		api_free(&ctx->workers[i].api);
		server_store_close(&ctx->workers[i].store);
	}
	free(ctx->workers);
	ctx->workers = NULL;
	ctx->nworkers = 0;
}

static int
file_read(const char *path, char **out, struct err *e)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	*out = NULL;
	if (f == NULL)
		return err_set(e, "%s: %s", path, strerror(errno));
	do {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 8192;
			if ((buf = realloc(buf, cap)) == NULL)
				abort();
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
	} while (n > 0 && len < (1u << 20));
	if (ferror(f)) {
		fclose(f);
		free(buf);
		return err_set(e, "%s: read error", path);
	}
	fclose(f);
	buf[len] = '\0';
	*out = buf;
	return 0;
}

static const char *
query_arg(void *ctx, const char *key)
{
	return MHD_lookup_connection_value(ctx, MHD_GET_ARGUMENT_KIND, key);
}

static void
client_address(struct MHD_Connection *conn, char *buf, size_t len)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	snprintf(buf, len, "unknown");
	if (sa == NULL)
		return;
	getnameinfo(sa, sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
						 : sizeof(struct sockaddr_in),
		    buf, (socklen_t)len, NULL, 0, NI_NUMERICHOST);
}

static enum MHD_Result
send_reply(struct MHD_Connection *conn, struct api_reply *rp)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	char *text = NULL, num[24];

	if (rp->has_file) {
		/* a blob goes from its file; MHD closes the descriptor with the response */
		resp = MHD_create_response_from_fd64((uint64_t)rp->file_size, rp->file_fd);
		if (resp == NULL)
			close(rp->file_fd);
		else
			MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, rp->content_type);
	} else {
		if (rp->body != NULL && (text = json_dumps(rp->body, JSON_COMPACT)) == NULL)
			abort();
		/* jansson allocates with malloc, so MHD may free the text when it is sent */
		resp = MHD_create_response_from_buffer(text ? strlen(text) : 0, text,
						       text ? MHD_RESPMEM_MUST_FREE
							    : MHD_RESPMEM_PERSISTENT);
	}
	if (resp == NULL) {
		free(text);
		json_decref(rp->body);
		return MHD_NO;
	}
	if (text != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	if (rp->retry_after > 0) {
		snprintf(num, sizeof num, "%lld", (long long)rp->retry_after);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, num);
	}
	if (rp->allow[0] != '\0')
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, rp->allow);
	if (rp->challenge)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
	if (rp->upload_offset[0] != '\0')
		MHD_add_response_header(resp, "Upload-Offset", rp->upload_offset);
	if (rp->upload_length[0] != '\0')
		MHD_add_response_header(resp, "Upload-Length", rp->upload_length);
	ret = MHD_queue_response(conn, (unsigned)rp->status, resp);
	MHD_destroy_response(resp);
	json_decref(rp->body);
	rp->body = NULL;
	return ret;
}

/* How much of an oversized body is read and dropped before the 413, as a multiple of the limit. */
#define DISCARD_FACTOR 16

static enum MHD_Result
too_large(struct MHD_Connection *conn, const struct server_config *conf)
{
	struct api_reply rp = { 0 };

	api_error(&rp, 413, "payload_too_large", "the body is larger than %d bytes", conf->max_body);
	return send_reply(conn, &rp);
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
	   const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct serve_ctx *ctx = cls;
	struct request_state *rs = *con_cls;
	struct api_request rq = { 0 };
	struct api_reply rp = { 0 };
	struct worker *w;
	char addr[INET6_ADDRSTRLEN + 8];

	if (rs == NULL) {
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
							     MHD_HTTP_HEADER_CONTENT_LENGTH);
		if ((rs = calloc(1, sizeof *rs)) == NULL)
			abort();
		*con_cls = rs;
		/* A declared length over the limit is refused. Answering before the body is read
		 * makes the server close while the client is still sending, and many clients then
		 * see a reset instead of the 413; so a body up to DISCARD_FACTOR times the limit is
		 * read and dropped first, and only a larger one is cut off at once. */
		if (cl != NULL) {
			unsigned long long declared = strtoull(cl, NULL, 10);
			unsigned long long limit = (unsigned long long)ctx->conf->max_body;

			if (declared > limit * DISCARD_FACTOR) {
				rs->too_large = 1;
				return too_large(conn, ctx->conf);
			}
			rs->too_large = declared > limit;
		}
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		if (!rs->too_large && rs->len + *upload_data_size <= (size_t)ctx->conf->max_body) {
			if (rs->len + *upload_data_size + 1 > rs->cap) {
				rs->cap = rs->len + *upload_data_size + 1 + rs->cap;
				if ((rs->body = realloc(rs->body, rs->cap)) == NULL)
					abort();
			}
			memcpy(rs->body + rs->len, upload_data, *upload_data_size);
			rs->len += *upload_data_size;
		} else if (!rs->too_large) {
			rs->too_large = 1;
			free(rs->body);
			rs->body = NULL;
			rs->len = rs->cap = 0;
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (rs->too_large)
		return too_large(conn, ctx->conf);
	client_address(conn, addr, sizeof addr);
	rq.method = method;
	rq.path = url;
	rq.authorization = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						       MHD_HTTP_HEADER_AUTHORIZATION);
	rq.signature = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Arrears-Signature");
	rq.addr = addr;
	rq.body = rs->body ? rs->body : "";
	rq.body_len = rs->len;
	rq.query = query_arg;
	rq.query_ctx = conn;
	w = worker_take(ctx);
	api_handle(w->api, &rq, &rp);
	worker_give(ctx, w);
	return send_reply(conn, &rp);
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
	     enum MHD_RequestTerminationCode toe)
{
	struct request_state *rs = *con_cls;

	if (rs != NULL) {
		free(rs->body);
		free(rs);
		*con_cls = NULL;
	}
}

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof msg, fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	log_msg("http: %s", msg);
}

int
serve_run(const struct server_config *c, struct err *e)
{
	struct MHD_Daemon *d = NULL;
	struct run_schedule *sched = NULL;
	struct serve_ctx ctx = { .conf = c, .lock = PTHREAD_MUTEX_INITIALIZER,
				 .freed = PTHREAD_COND_INITIALIZER };
	struct sockaddr_storage ss = { 0 };
	char *cert = NULL, *key = NULL;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_TLS | MHD_USE_ERROR_LOG;
	const union MHD_DaemonInfo *info;
	sigset_t sigs;
	int sig, ret = -1;

	if (inet_pton(AF_INET, c->listen, &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
		((struct sockaddr_in *)&ss)->sin_family = AF_INET;
		((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)c->port);
	} else if (inet_pton(AF_INET6, c->listen, &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
		((struct sockaddr_in6 *)&ss)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)c->port);
		flags |= MHD_USE_IPv6;
	} else {
		return err_set(e, "listen: '%s' is not a numeric IPv4 or IPv6 address", c->listen);
	}
	if (file_read(c->tls_cert, &cert, e) != 0 || file_read(c->tls_key, &key, e) != 0)
		goto out;
	if (workers_open(&ctx, (size_t)c->threads, e) != 0)
		goto out;
	/* SIGINT and SIGTERM are taken by sigwait below; the daemon's thread must not get them */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* Each of the pool's threads polls its own share of the connections and answers them
	 * with a worker of its own; SQLite (opened without its mutex) never sees one connection
	 * on two threads, and WAL with a busy timeout lets the writers take turns. */
	d = MHD_start_daemon(flags, (uint16_t)c->port, NULL, NULL, on_request, &ctx,
			     MHD_OPTION_THREAD_POOL_SIZE, (unsigned)c->threads,
			     MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
			     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
			     MHD_OPTION_HTTPS_MEM_CERT, cert, MHD_OPTION_HTTPS_MEM_KEY, key,
			     MHD_OPTION_HTTPS_PRIORITIES, c->tls_priorities,
			     MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned)c->connection_limit,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)c->timeout,
			     MHD_OPTION_END);
	if (d == NULL) {
		err_set(e, "cannot listen on %s port %d (address in use, or a bad certificate, key "
			"or tls_priorities?)", c->listen, c->port);
		goto out;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	log_msg("listening on %s port %u with %d thread%s", c->listen,
		info ? (unsigned)info->port : (unsigned)c->port, c->threads,
		c->threads == 1 ? "" : "s");
	if (run_schedule_start(c, &sched, e) != 0)
		goto out;
	while (sigwait(&sigs, &sig) != 0)
		;
	log_msg("stopping on signal %d", sig);
	ret = 0;
out:
	run_schedule_stop(&sched);
	if (d != NULL)
		MHD_stop_daemon(d);
	workers_free(&ctx);
	if (key != NULL) {
		sodium_memzero(key, strlen(key));
		free(key);
	}
	free(cert);
	return ret;
}
