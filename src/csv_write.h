/* csv_write.h - writing CSV records (RFC 4180), shared by exports, audit files and the server. */
#ifndef ARREARS_CSV_WRITE_H
#define ARREARS_CSV_WRITE_H

#include <stddef.h>
#include <stdio.h>

/* Writes one record of n fields (NULL is empty) with RFC 4180 quoting and CRLF. 0, or -1 on a
 * write error. */
int csv_write_record(FILE *out, const char *const *fields, size_t n);

#endif
