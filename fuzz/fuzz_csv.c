/* fuzz_csv - libFuzzer target for the CSV reader (server/csv.c) and the import mapping
 * (server/import.c) into a store in memory. The first byte picks what reads the rest: the
 * reader alone, an accounts import (refusing, or keeping the bad rows aside), or payments. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"
#include "import.h"
#include "store.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct server_store *store;
static char input[] = "/tmp/fuzz_csv.XXXXXX";
static char rejects[sizeof input + 8];

static void
files_remove(void)
{
	unlink(input);
	unlink(rejects);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct err e;
	int fd;

	if (store_sqlite_open(":memory:", SERVER_STORE_INIT, &store, &e) != 0) {
		fprintf(stderr, "fuzz_csv: %s\n", e.msg);
		exit(1);
	}
	if ((fd = mkstemp(input)) < 0) {
		perror("fuzz_csv: mkstemp");
		exit(1);
	}
	close(fd);
	snprintf(rejects, sizeof rejects, "%s.rej", input);
	atexit(files_remove);
	return 0;
}

/* Every record must come with sane positions and fields that are what their length says. */
static void
read_all(const uint8_t *data, size_t size)
{
	FILE *in = fmemopen((void *)data, size, "r");
	struct csv_reader *r;
	struct csv_record rec = { 0 };
	struct err e;
	int rc, prev_line = 0;

	if (in == NULL)
		return;
	r = csv_reader_new(in, "fuzz.csv");
	while ((rc = csv_read(r, &rec, &e)) != 0) {
		if (rc < 0) {
			if (strncmp(e.msg, "fuzz.csv:", 9) != 0)
				abort();
			continue;
		}
		if (rec.n == 0 || rec.n > CSV_MAX_FIELDS || rec.line <= prev_line)
			abort();
		prev_line = rec.line;
		for (size_t i = 0; i < rec.n; i++)
			if (strlen(rec.fields[i].text) != rec.fields[i].len ||
			    rec.fields[i].len > CSV_MAX_FIELD || rec.fields[i].line < rec.line ||
			    rec.fields[i].column < 1)
				abort();
	}
	csv_record_clear(&rec);
	csv_reader_free(&r);
	fclose(in);
}

static void
problem(void *ctx, const char *msg)
{
	if (*msg == '\0')
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct import_report rep;
	struct err e;
	FILE *f;
	int rc = 0;

	if (size < 1)
		return 0;
	if (data[0] % 4 == 0) {
		read_all(data + 1, size - 1);
		return 0;
	}
	if ((f = fopen(input, "wb")) == NULL || fwrite(data + 1, 1, size - 1, f) != size - 1 ||
	    fclose(f) != 0)
		abort();
	switch (data[0] % 4) {
	case 1:
		rc = import_accounts(store, input, NULL, &rep, problem, NULL, &e);
		break;
	case 2:
		rc = import_accounts(store, input, rejects, &rep, problem, NULL, &e);
		break;
	case 3:
		rc = import_payments(store, input, &rep, problem, NULL, &e);
		break;
	}
	if (rc < -1 || rc > 1 || rep.written + rep.unchanged + rep.rejected > rep.rows + 1)
		abort();
	return 0;
}
