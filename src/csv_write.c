#include "config.h"

#include <string.h>

#include "csv_write.h"

int
csv_write_record(FILE *out, const char *const *fields, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *s = fields[i] ? fields[i] : "";

		if (i > 0)
			fputc(',', out);
		if (strpbrk(s, ",\"\r\n") != NULL || (i == 0 && n == 1 && *s == '\0')) {
			fputc('"', out);
			for (; *s; s++) {
				if (*s == '"')
					fputc('"', out);
				fputc(*s, out);
			}
			fputc('"', out);
		} else {
			fputs(s, out);
		}
	}
	fputs("\r\n", out);
	return ferror(out) ? -1 : 0;
}
