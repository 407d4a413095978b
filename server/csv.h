/* csv.h - an RFC 4180 reader and writer: quoted fields, doubled quotes, CRLF or LF line ends,
 * UTF-8 checked, and every field knows the line and column it started at. */
#ifndef ARREARS_SERVER_CSV_H
#define ARREARS_SERVER_CSV_H

#include <stddef.h>

#include <stdio.h>

#include "csv_write.h"
#include "err.h"

#define CSV_MAX_FIELD 65536	/* bytes in one field */
#define CSV_MAX_FIELDS 256	/* fields in one record */

struct csv_field {
	char *text;		/* NUL-terminated, owned by the record */
	size_t len;
	int line, column;	/* where the field starts; column counts characters from 1 */
};

struct csv_record {
	struct csv_field *fields;
	size_t n, cap;
	int line;		/* line of the first field */
};

struct csv_reader;

/* A reader of in (borrowed); name is used in error messages ("name:line:column: ..."). */
struct csv_reader *csv_reader_new(FILE *in, const char *name);
void csv_reader_free(struct csv_reader **r);

/* Reads the next record into rec (reusing its storage). Returns 1 for a record, 0 at the end,
 * -1 on a malformed record (e says file:line:column); the reader then resumes after that
 * record's line, so a caller can collect every error of a file. Empty lines are skipped. */
int csv_read(struct csv_reader *r, struct csv_record *rec, struct err *e);

/* Frees what rec owns and zeroes it. */
void csv_record_clear(struct csv_record *rec);

#endif
