/* report_aging_out.h - the aging report written out: a table for people, CSV and JSON for
 * programs. `arrears report aging`, `arrearsd report aging` and GET /v1/reports/aging all use
 * these, so a report reads the same wherever it was computed. */
#ifndef ARREARS_REPORT_AGING_OUT_H
#define ARREARS_REPORT_AGING_OUT_H

#include <jansson.h>
#include <stdio.h>

#include "report_aging.h"

enum aging_format { AGING_FORMAT_TABLE, AGING_FORMAT_CSV, AGING_FORMAT_JSON };

/* Parses "table", "csv" or "json"; -1 when unknown. */
int aging_format_parse(const char *name);

/* The report as a JSON object (docs/PROTOCOL.md "Aging report"); a new reference, NULL when
 * a group name is not UTF-8. */
json_t *aging_json(const struct aging *a);

/* Writes the report to f in format fmt. CSV keeps the header group,band,accounts,balance,
 * past_due and adds the movement columns only when the report has movement. 0, or -1 when
 * f cannot be written. */
int aging_write(FILE *f, const struct aging *a, enum aging_format fmt);

#endif
