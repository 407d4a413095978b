/* cmd_audit.c - `arrears audit verify|export`: prove the evidence log is intact, and hand an
 * account's evidence to a dispute file. */
#include "config.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "commands.h"
#include "csv_write.h"
#include "device_key.h"
#include "event_text.h"
#include "evidence.h"
#include "settings.h"
#include "signed_heads.h"
#include "store.h"

#define EXIT_BROKEN 1
#define EXIT_USAGE 2

static const char usage_text[] =
	"usage: arrears audit verify [--cache FILE]\n"
	"       arrears audit export --account ID --format json|csv [--cache FILE]\n";

struct audit_opts {
	const char *cache;
	const char *account;
	const char *format;
};

static int
parse_opts(int argc, char **argv, struct audit_opts *o)
{
	static const struct option longopts[] = {
		{ "cache", required_argument, NULL, 'C' },
		{ "account", required_argument, NULL, 'a' },
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case 'C':
			o->cache = optarg;
			break;
		case 'a':
			o->account = optarg;
			break;
		case 'f':
			o->format = optarg;
			break;
		default:
			return -1;
		}
	}
	return optind == argc ? 0 : -1;
}

static int
open_cache(const struct global_opts *g, const struct audit_opts *o, struct store **store)
{
	struct global_opts go = *g;
	struct settings cfg;
	enum store_failure why;
	struct err e = { "" };

	if (o->cache != NULL)
		go.cache_path = o->cache;
	if (settings_for(&go, &cfg, &e) != 0) {
		fprintf(stderr, "arrears: %s\n", e.msg);
		return EXIT_USAGE;
	}
	if (store_open(cfg.cache, STORE_READ_ONLY, store, &why, &e) != 0) {
		fprintf(stderr, "arrears: %s\n", e.msg);
		return (int)why;
	}
	return 0;
}

/* The signed heads of this cache, checked against its device key file when there is one. */
static int
audit_heads(struct store *store)
{
	struct signed_heads_report h;
	struct device_key key;
	struct err e = { "" };
	char pk[DEVICE_KEY_HEX];
	int rc, keyed = device_key_load(store_path(store), 0, &key, &e);

	if (keyed < 0) {
		fprintf(stderr, "arrears audit: %s\n", e.msg);
		return EXIT_BROKEN;
	}
	if (keyed == 0)
		device_key_public_hex(&key, pk);
	device_key_wipe(&key);
	if ((rc = signed_heads_verify(store, keyed == 0 ? pk : NULL, &h, &e)) < 0) {
		fprintf(stderr, "arrears audit: %s\n", e.msg);
		return EXIT_BROKEN;
	}
	if (rc == 1) {
		printf("signature broken: %s\n", h.problem);
		return EXIT_BROKEN;
	}
	if (h.heads > 0)
		printf("%lld signed heads verified; the newest signs link %lld with key %.16s...\n",
		       (long long)h.heads, (long long)h.last_seq, h.public_key);
	else
		printf("no signed heads yet (nothing pushed since the device key was made)\n");
	return 0;
}

static int
audit_verify(struct store *store)
{
	struct verify_report r;
	struct err e = { "" };
	int rc = evidence_verify(store, &r, &e);

	if (rc < 0) {
		fprintf(stderr, "arrears audit: %s\n", e.msg);
		return EXIT_BROKEN;
	}
	if (rc == 0) {
		printf("%lld events in %lld device chains intact\n", (long long)r.events,
		       (long long)r.devices);
		return audit_heads(store);
	}
	printf("evidence broken at event %s: %s\n", r.first_bad, r.problem);
	printf("%lld events checked in %lld device chains before it\n", (long long)r.events - 1,
	       (long long)r.devices);
	return EXIT_BROKEN;
}

static void
export_csv(FILE *f, const struct event *evs, size_t n)
{
	static const char *const header[] = { "at", "kind", "user", "device", "seq", "id",
		"description", "body", "hash", "prev_hash" };

	csv_write_record(f, header, sizeof header / sizeof header[0]);
	for (size_t i = n; i-- > 0;) {
		const struct event *ev = &evs[i];
		char at[32], seq[24], text[512];

		snprintf(seq, sizeof seq, "%lld", (long long)ev->seq);
		const char *const fields[] = { time_format_rfc3339(ev->at, at, sizeof at), ev->kind,
			ev->user, ev->device, seq, ev->id, event_describe(ev, text, sizeof text),
			ev->body, ev->hash, ev->prev_hash };
		csv_write_record(f, fields, sizeof fields / sizeof fields[0]);
	}
}

/* The account's events oldest first, with what the chain check found, as one JSON object. */
static int
export_json(FILE *f, const char *account, const struct event *evs, size_t n,
	    const struct verify_report *r, int broken)
{
	json_t *list = json_array(), *doc;
	char at[32], text[512];
	int rc;

	for (size_t i = n; i-- > 0;) {
		const struct event *ev = &evs[i];
		json_t *body = json_loads(ev->body, 0, NULL);

		json_array_append_new(
			list, json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:o, s:s, s:s, s:s}", "id", ev->id,
					"kind", ev->kind, "device", ev->device, "seq", (json_int_t)ev->seq,
					"user", ev->user, "at", time_format_rfc3339(ev->at, at, sizeof at),
					"body", body != NULL ? body : json_string(ev->body), "description",
					event_describe(ev, text, sizeof text), "hash", ev->hash,
					"prev_hash", ev->prev_hash));
	}
	doc = json_pack("{s:s, s:s, s:{s:I, s:I, s:b}, s:o}", "account", account, "exported_at",
			time_format_rfc3339(clock_now(), at, sizeof at), "chains", "events",
			(json_int_t)r->events, "devices", (json_int_t)r->devices, "intact", !broken,
			"events", list);
	if (doc == NULL)
		return -1;
	if (broken) {
		json_object_set_new(json_object_get(doc, "chains"), "first_bad", json_string(r->first_bad));
		json_object_set_new(json_object_get(doc, "chains"), "problem", json_string(r->problem));
	}
	rc = json_dumpf(doc, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', f);
	json_decref(doc);
	return rc;
}

static int
audit_export(struct store *store, const struct audit_opts *o)
{
	struct event *evs = NULL;
	struct verify_report r;
	struct err e = { "" };
	size_t n = 0;
	int broken, rc = 0;

	if (store_events_get(store, o->account, &evs, &n, &e) != 0) {
		fprintf(stderr, "arrears audit: %s\n", e.msg);
		return EXIT_BROKEN;
	}
	if (n == 0) {
		fprintf(stderr, "arrears audit: no evidence for account %s\n", o->account);
		events_free(&evs, n);
		return EXIT_BROKEN;
	}
	/* A dispute file should say whether the log it comes from is intact. */
	if ((broken = evidence_verify(store, &r, &e)) < 0) {
		fprintf(stderr, "arrears audit: %s\n", e.msg);
		events_free(&evs, n);
		return EXIT_BROKEN;
	}
	if (strcmp(o->format, "csv") == 0)
		export_csv(stdout, evs, n);
	else
		rc = export_json(stdout, o->account, evs, n, &r, broken);
	events_free(&evs, n);
	if (rc != 0 || fflush(stdout) != 0) {
		fprintf(stderr, "arrears audit: cannot write to standard output\n");
		return EXIT_BROKEN;
	}
	if (broken)
		fprintf(stderr, "arrears audit: warning: evidence broken at event %s: %s\n",
			r.first_bad, r.problem);
	return 0;
}

int
cmd_audit(int argc, char **argv, const struct global_opts *g)
{
	struct audit_opts o = { 0 };
	struct store *store = NULL;
	const char *sub = argc >= 2 ? argv[1] : "";
	int rc;

	if (parse_opts(argc - 1, argv + 1, &o) != 0 ||
	    (strcmp(sub, "verify") == 0 && (o.account != NULL || o.format != NULL)) ||
	    (strcmp(sub, "export") == 0 &&
	     (o.account == NULL || o.format == NULL ||
	      (strcmp(o.format, "json") != 0 && strcmp(o.format, "csv") != 0))) ||
	    (strcmp(sub, "verify") != 0 && strcmp(sub, "export") != 0)) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	if ((rc = open_cache(g, &o, &store)) != 0)
		return rc;
	rc = strcmp(sub, "verify") == 0 ? audit_verify(store) : audit_export(store, &o);
	store_close(&store);
	return rc;
}
