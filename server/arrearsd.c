/* arrearsd - the arrears server: the book, logins and roles, evidence, over HTTPS. */
#include "config.h"

#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "book_admin.h"
#include "devices.h"
#include "clock.h"
#include "import.h"
#include "money.h"
#include "paylink.h"
#include "report.h"
#include "report_aging_out.h"
#include "run_cmd.h"
#include "send_cmd.h"
#include "server.h"
#include "store.h"
#include "verify.h"

/* Exit codes, documented in arrearsd(8). */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,		/* could not do it: storage, TLS, files */
	EXIT_USAGE = 2,		/* bad arguments or configuration */
	EXIT_REFUSED = 3,	/* an import file with bad records; nothing imported */
	EXIT_BROKEN = 4		/* verify: the stored evidence is not intact */
};

static void
usage(FILE *out)
{
	fputs("usage: arrearsd [-c FILE] init\n"
	      "       arrearsd [-c FILE] serve\n"
	      "       arrearsd [-c FILE] user add NAME --role agent|field|lead|qa|admin [--team T]\n"
	      "       arrearsd [-c FILE] import accounts FILE.csv [--skip-bad REJECTS.csv]\n"
	      "       arrearsd [-c FILE] import payments FILE.csv\n"
	      "       arrearsd [-c FILE] report aging [--by product|agent|team|state] "
	      "[--as-of YYYY-MM-DD] [--format table|csv|json]\n"
	      "       arrearsd [-c FILE] device heads [DEVICE] | device reset-key DEVICE\n"
	      "       arrearsd [-c FILE] run [--dry-run] [--as-of YYYY-MM-DD] [--book NAME] "
	      "[--strategy-version V]\n"
	      "       arrearsd [-c FILE] paylink ACCOUNT AMOUNT [--days N]\n"
	      "       arrearsd [-c FILE] verify\n"
	      "       arrearsd [-c FILE] backup FILE\n"
	      "       arrearsd [-c FILE] epoch [renew]\n"
	      "       arrearsd [-c FILE] send-test --email ADDRESS | --sms NUMBER [--subject S] "
	      "[--text T] [--id ID]\n"
	      "       arrearsd [-c FILE] dispatch failures | dispatch replay ID...|--all\n"
	      "       arrearsd [-c FILE] --dump-config\n",
	      out);
}

static void
print_problem(void *ctx, const char *msg)
{
	fprintf(stderr, "%s\n", msg);
}

static int
cmd_init(const struct server_config *c)
{
	struct server_store *st = NULL;
	struct err e;
	uint32_t epoch;

	if (server_store_open(c, SERVER_STORE_INIT, &st, &e) != 0 ||
	    st->ops->epoch(st, &epoch, &e) != 0) {
		server_store_close(&st);
		fprintf(stderr, "arrearsd: %s\n", e.msg);
		return EXIT_FAIL;
	}
	server_store_close(&st);
	printf("arrearsd: new book %s (epoch %u)\n", server_book_name(c), (unsigned)epoch);
	return EXIT_OK;
}

/* Reads the password from standard input: one line, the newline not part of it. */
static int
read_password(char *buf, size_t len)
{
	size_t n;

	if (fgets(buf, (int)len, stdin) == NULL)
		return -1;
	n = strcspn(buf, "\r\n");
	if (buf[n] == '\0' && n == len - 1)
		return -1;	/* longer than the buffer */
	buf[n] = '\0';
	return 0;
}

static int
cmd_user(const struct server_config *c, int argc, char **argv)
{
	struct server_user u = { 0 };
	struct server_store *st = NULL;
	const char *role = NULL, *team = "";
	char pw[1024];
	struct err e;
	int r, ret = EXIT_FAIL;

	if (argc < 2 || strcmp(argv[0], "add") != 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--role") == 0 && i + 1 < argc)
			role = argv[++i];
		else if (strcmp(argv[i], "--team") == 0 && i + 1 < argc)
			team = argv[++i];
		else {
			fprintf(stderr, "arrearsd: user add: unexpected '%s'\n", argv[i]);
			return EXIT_USAGE;
		}
	}
	if (!import_name_valid(argv[1])) {
		fprintf(stderr, "arrearsd: user add: '%s' is not a user name (1 to 31 of A-Z a-z 0-9 . _ -)\n",
			argv[1]);
		return EXIT_USAGE;
	}
	if (role == NULL || (r = server_role_parse(role)) < 0) {
		fprintf(stderr, "arrearsd: user add: --role must be agent, field, lead, qa or admin\n");
		return EXIT_USAGE;
	}
	if (*team != '\0' && !import_name_valid(team)) {
		fprintf(stderr, "arrearsd: user add: '%s' is not a team name\n", team);
		return EXIT_USAGE;
	}
	if (read_password(pw, sizeof pw) != 0 || strlen(pw) < 8) {
		fprintf(stderr, "arrearsd: user add: a password of 8 or more characters is read from "
			"standard input\n");
		sodium_memzero(pw, sizeof pw);
		return EXIT_USAGE;
	}
	snprintf(u.name, sizeof u.name, "%s", argv[1]);
	snprintf(u.team, sizeof u.team, "%s", team);
	u.role = (enum server_role)r;
	if (crypto_pwhash_str(u.pwhash, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
		sodium_memzero(pw, sizeof pw);
		fprintf(stderr, "arrearsd: user add: out of memory hashing the password\n");
		return EXIT_FAIL;
	}
	sodium_memzero(pw, sizeof pw);
	if (server_store_open(c, SERVER_STORE_OPEN, &st, &e) != 0 ||
	    st->ops->begin(st, &e) != 0) {
		fprintf(stderr, "arrearsd: %s\n", e.msg);
		goto out;
	}
	if (st->ops->user_add(st, &u, &e) != 0 || st->ops->commit(st, &e) != 0) {
		st->ops->rollback(st);
		fprintf(stderr, "arrearsd: user add: %s\n", e.msg);
		goto out;
	}
	printf("arrearsd: user %s (%s%s%s) added\n", u.name, role, *team ? ", team " : "", team);
	ret = EXIT_OK;
out:
	server_store_close(&st);
	return ret;
}

static int
cmd_import(const struct server_config *c, int argc, char **argv)
{
	struct server_store *st = NULL;
	struct import_report r;
	const char *rejects = NULL;
	int accounts, rc;
	struct err e;

	if (argc < 2 || (strcmp(argv[0], "accounts") != 0 && strcmp(argv[0], "payments") != 0)) {
		usage(stderr);
		return EXIT_USAGE;
	}
	accounts = strcmp(argv[0], "accounts") == 0;
	for (int i = 2; i < argc; i++) {
		if (accounts && strcmp(argv[i], "--skip-bad") == 0 && i + 1 < argc) {
			rejects = argv[++i];
		} else {
			fprintf(stderr, "arrearsd: import: unexpected '%s'\n", argv[i]);
			return EXIT_USAGE;
		}
	}
	if (server_store_open(c, SERVER_STORE_OPEN, &st, &e) != 0) {
		fprintf(stderr, "arrearsd: %s\n", e.msg);
		return EXIT_FAIL;
	}
	rc = accounts ? import_accounts(st, argv[1], rejects, &r, print_problem, NULL, &e)
		      : import_payments(st, argv[1], &r, print_problem, NULL, &e);
	server_store_close(&st);
	if (rc < 0) {
		fprintf(stderr, "arrearsd: import: %s\n", e.msg);
		return EXIT_FAIL;
	}
	if (rc == 1) {
		fprintf(stderr, "arrearsd: %s refused: %zu bad record%s of %zu; nothing imported\n",
			argv[1], r.rejected, r.rejected == 1 ? "" : "s", r.rows);
		return EXIT_REFUSED;
	}
	if (accounts)
		printf("arrearsd: %s: %zu records, %zu new or changed, %zu unchanged, %zu rejected\n",
		       argv[1], r.rows, r.written, r.unchanged, r.rejected);
	else
		printf("arrearsd: %s: %zu records, %zu payments recorded, %zu already known\n", argv[1],
		       r.rows, r.written, r.unchanged);
	return EXIT_OK;
}

/* Audits the stored evidence; each problem on standard error, the summary on standard output. */
static int
cmd_verify(const struct server_config *c)
{
	struct server_store *st = NULL;
	struct verify_summary sum;
	struct err e;
	int rc;

	if (server_store_open(c, SERVER_STORE_OPEN, &st, &e) != 0) {
		fprintf(stderr, "arrearsd: %s\n", e.msg);
		return EXIT_FAIL;
	}
	rc = verify_book(st, print_problem, NULL, &sum, &e);
	server_store_close(&st);
	if (rc < 0) {
		fprintf(stderr, "arrearsd: verify: %s\n", e.msg);
		return EXIT_FAIL;
	}
	printf("arrearsd: %s: %lld events on %lld devices, %lld signed heads: %s\n",
	       server_book_name(c),
	       (long long)sum.events, (long long)sum.devices, (long long)sum.signed_heads,
	       rc == 0 ? "intact" : "BROKEN");
	if (rc == 0)
		return EXIT_OK;
	fprintf(stderr, "arrearsd: verify: %lld problem%s; the first: %s\n", (long long)sum.problems,
		sum.problems == 1 ? "" : "s", sum.first);
	return EXIT_BROKEN;
}

/* `report aging`: the aging of the whole book, written as the client writes its own. */
static int
cmd_report(const struct server_config *c, int argc, char **argv)
{
	struct server_store *st = NULL;
	struct aging aging;
	int32_t as_of = date_of_time(clock_now());
	int by = AGING_BY_NONE, format = AGING_FORMAT_TABLE, rc;
	struct err e;

	if (argc < 1 || strcmp(argv[0], "aging") != 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (int i = 1; i < argc; i++) {
		const char *arg = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(argv[i], "--by") == 0 && arg != NULL) {
			if ((by = aging_by_parse(arg)) < 0 || by == AGING_BY_SEGMENT) {
				fprintf(stderr, "arrearsd: report aging: --by: '%s' is not product, "
						"agent, team or state\n", arg);
				return EXIT_USAGE;
			}
		} else if (strcmp(argv[i], "--as-of") == 0 && arg != NULL) {
			if (date_parse(arg, &as_of, &e) != 0) {
				fprintf(stderr, "arrearsd: report aging: --as-of: %s\n", e.msg);
				return EXIT_USAGE;
			}
		} else if (strcmp(argv[i], "--format") == 0 && arg != NULL) {
			if ((format = aging_format_parse(arg)) < 0) {
				fprintf(stderr, "arrearsd: report aging: --format: '%s' is not table, csv "
						"or json\n", arg);
				return EXIT_USAGE;
			}
		} else {
			fprintf(stderr, "arrearsd: report aging: unexpected '%s'\n", argv[i]);
			return EXIT_USAGE;
		}
		i++;
	}
	if (server_store_open(c, SERVER_STORE_OPEN, &st, &e) != 0) {
		fprintf(stderr, "arrearsd: %s\n", e.msg);
		return EXIT_FAIL;
	}
	rc = server_report_aging(st, NULL, (enum aging_by)by, as_of, &aging, &e);
	server_store_close(&st);
	if (rc != 0) {
		fprintf(stderr, "arrearsd: report aging: %s\n", e.msg);
		return EXIT_FAIL;
	}
	rc = aging_write(stdout, &aging, (enum aging_format)format);
	aging_free(&aging);
	if (rc != 0 || fflush(stdout) != 0) {
		fprintf(stderr, "arrearsd: report aging: cannot write to standard output\n");
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/* `paylink ACCOUNT AMOUNT [--days N]`: a signed link to pay AMOUNT on an account of the book,
 * in the account's currency, valid for N days (7 by default). */
static int
cmd_paylink(struct server_config *c, int argc, char **argv)
{
	struct server_store *st = NULL;
	struct paylink p = { 0 };
	struct wire_account a;
	char link[2048];
	long days = 7;
	struct err e;
	int rc;

	if (argc != 2 && !(argc == 4 && strcmp(argv[2], "--days") == 0)) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (argc == 4) {
		char *end;

		days = strtol(argv[3], &end, 10);
		if (*argv[3] == '\0' || *end != '\0' || days < 1 || days > 366) {
			fprintf(stderr, "arrearsd: paylink: --days: '%s' is not 1 to 366\n", argv[3]);
			return EXIT_USAGE;
		}
	}
	if (money_parse(argv[1], &p.amount, &e) != 0 || p.amount <= 0) {
		fprintf(stderr, "arrearsd: paylink: amount '%s' is not a positive amount (like 120.50)\n",
			argv[1]);
		return EXIT_USAGE;
	}
	if (c->paylink_key_file[0] == '\0' || c->paylink_base[0] == '\0') {
		fprintf(stderr, "arrearsd: paylink: the configuration needs paylink_key_file and "
				"paylink_base\n");
		return EXIT_USAGE;
	}
	if (conf_secrets_load(c, &e) != 0) {
		fprintf(stderr, "arrearsd: %s\n", e.msg);
		return EXIT_USAGE;
	}
	if (server_store_open(c, SERVER_STORE_OPEN, &st, &e) != 0) {
		fprintf(stderr, "arrearsd: %s\n", e.msg);
		return EXIT_FAIL;
	}
	rc = st->ops->account_get(st, argv[0], &a, &e);
	server_store_close(&st);
	if (rc != 0) {
		if (rc == 1)
			fprintf(stderr, "arrearsd: paylink: no account '%s' in the book\n", argv[0]);
		else
			fprintf(stderr, "arrearsd: paylink: %s\n", e.msg);
		return EXIT_FAIL;
	}
	snprintf(p.account, sizeof p.account, "%s", a.account.id);
	snprintf(p.currency, sizeof p.currency, "%s", a.account.currency);
	wire_account_clear(&a);
	p.expires = clock_now() + days * 86400;
	if (paylink_make(c->paylink_key, c->paylink_base, &p, link, sizeof link, &e) != 0) {
		fprintf(stderr, "arrearsd: paylink: %s\n", e.msg);
		return EXIT_FAIL;
	}
	printf("%s\n", link);
	return EXIT_OK;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ .name = "config", .has_arg = required_argument, .val = 'c' },
		{ .name = "dump-config", .has_arg = no_argument, .val = 'D' },
		{ .name = "help", .has_arg = no_argument, .val = 'h' },
		{ .name = "version", .has_arg = no_argument, .val = 'V' },
		{ 0 },
	};
	struct server_config conf;
	const char *config_path = NULL;
	int opt, dump = 0;
	struct err e;

	while ((opt = getopt_long(argc, argv, "+c:hV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			config_path = optarg;
			break;
		case 'D':
			dump = 1;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			printf("arrearsd %s\n", PACKAGE_VERSION);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "arrearsd: libsodium cannot start\n");
		return EXIT_FAIL;
	}
	if (config_path == NULL && getenv("ARREARSD_CONFIG") != NULL)
		config_path = getenv("ARREARSD_CONFIG");
	if (conf_load(&conf, config_path, &e) != 0) {
		fprintf(stderr, "arrearsd: %s\n", e.msg);
		return EXIT_USAGE;
	}
	if (dump) {
		conf_dump(&conf, stdout);
		return EXIT_OK;
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[0], "init") == 0 && argc == 1)
		return cmd_init(&conf);
	if (strcmp(argv[0], "user") == 0)
		return cmd_user(&conf, argc - 1, argv + 1);
	if (strcmp(argv[0], "device") == 0)
		return devices_cmd(&conf, argc, argv);
	if (strcmp(argv[0], "import") == 0)
		return cmd_import(&conf, argc - 1, argv + 1);
	if (strcmp(argv[0], "report") == 0)
		return cmd_report(&conf, argc - 1, argv + 1);
	if (strcmp(argv[0], "run") == 0)
		return run_cmd(&conf, argc, argv);
	if (strcmp(argv[0], "send-test") == 0)
		return send_cmd_test(&conf, argc, argv);
	if (strcmp(argv[0], "dispatch") == 0)
		return send_cmd_dispatch(&conf, argc, argv);
	if (strcmp(argv[0], "paylink") == 0)
		return cmd_paylink(&conf, argc - 1, argv + 1);
	if (strcmp(argv[0], "verify") == 0 && argc == 1)
		return cmd_verify(&conf);
	if (strcmp(argv[0], "backup") == 0 && argc == 2) {
		if (book_backup(&conf, argv[1], &e) != 0) {
			fprintf(stderr, "arrearsd: %s\n", e.msg);
			return EXIT_FAIL;
		}
		printf("backed up to %s\n", argv[1]);
		return EXIT_OK;
	}
	if (strcmp(argv[0], "epoch") == 0 &&
	    (argc == 1 || (argc == 2 && strcmp(argv[1], "renew") == 0))) {
		uint32_t epoch;

		if (book_epoch(&conf, argc == 2, &epoch, &e) != 0) {
			fprintf(stderr, "arrearsd: %s\n", e.msg);
			return EXIT_FAIL;
		}
		printf("%u\n", (unsigned)epoch);
		return EXIT_OK;
	}
	if (strcmp(argv[0], "serve") == 0 && argc == 1) {
		if (conf_secrets_load(&conf, &e) != 0) {
			fprintf(stderr, "arrearsd: %s\n", e.msg);
			return EXIT_USAGE;
		}
		if (log_open(conf.log, &e) != 0 || serve_run(&conf, &e) != 0) {
			fprintf(stderr, "arrearsd: %s\n", e.msg);
			return EXIT_FAIL;
		}
		return EXIT_OK;
	}
	usage(stderr);
	return EXIT_USAGE;
}
