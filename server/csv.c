#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "csv.h"

enum csv_state {
	CSV_FIELD_START,
	CSV_UNQUOTED,
	CSV_QUOTED,
	CSV_QUOTE_IN_QUOTED	/* a quote inside a quoted field: doubled, or the closing one */
};

struct csv_reader {
	FILE *in;
	char name[256];
	int line, column;	/* of the next character */
	int started;		/* the byte-order mark has been looked for */
	char *buf;		/* the field being read */
	size_t len, cap;
};

struct csv_reader *
csv_reader_new(FILE *in, const char *name)
{
	struct csv_reader *r = calloc(1, sizeof *r);

	if (r == NULL)
		abort();
	r->in = in;
	snprintf(r->name, sizeof r->name, "%s", name);
	r->line = 1;
	r->column = 1;
	return r;
}

void
csv_reader_free(struct csv_reader **r)
{
	if (r == NULL || *r == NULL)
		return;
	free((*r)->buf);
	free(*r);
	*r = NULL;
}

void
csv_record_clear(struct csv_record *rec)
{
	for (size_t i = 0; i < rec->cap; i++)
		free(rec->fields[i].text);
	free(rec->fields);
	memset(rec, 0, sizeof *rec);
}

/* Reads one byte and keeps line and column: columns count characters, so UTF-8 continuation
 * bytes do not move it. */
static int
next_char(struct csv_reader *r)
{
	int c = getc(r->in);

	if (c == '\n') {
		r->line++;
		r->column = 1;
	} else if (c != EOF && (c & 0xC0) != 0x80) {
		r->column++;
	}
	return c;
}

/* Validates UTF-8 (no overlongs, no surrogates, nothing past U+10FFFF); returns the character
 * index of the first bad byte, or -1 when the text is valid. */
static long
utf8_invalid_at(const unsigned char *s, size_t len)
{
	long chars = 0;

	for (size_t i = 0; i < len; chars++) {
		unsigned c = s[i];
		size_t n;
		unsigned cp;

		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			n = 1, cp = c & 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			n = 2, cp = c & 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			n = 3, cp = c & 0x07;
		} else {
			return chars;
		}
		for (size_t k = 1; k <= n; k++) {
			if (i + k >= len || (s[i + k] & 0xC0) != 0x80)
				return chars;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return chars;
		i += n + 1;
	}
	return -1;
}

static void
buf_push(struct csv_reader *r, char c)
{
	if (r->len + 1 >= r->cap) {
		r->cap = r->cap ? r->cap * 2 : 256;
		if ((r->buf = realloc(r->buf, r->cap)) == NULL)
			abort();
	}
	r->buf[r->len++] = c;
}

static int
field_end(struct csv_reader *r, struct csv_record *rec, int line, int column, int quoted,
	  struct err *e)
{
	struct csv_field *f;
	long bad;

	if (rec->n == CSV_MAX_FIELDS)
		return err_set(e, "%s:%d:%d: more than %d fields in a record", r->name, line, column,
			       CSV_MAX_FIELDS);
	buf_push(r, '\0');
	r->len--;
	if ((bad = utf8_invalid_at((const unsigned char *)r->buf, r->len)) >= 0)
		return err_set(e, "%s:%d:%d: not valid UTF-8", r->name, line,
			       column + quoted + (int)bad);
	if (memchr(r->buf, '\0', r->len) != NULL)
		return err_set(e, "%s:%d:%d: holds a NUL byte", r->name, line, column);
	if (rec->n == rec->cap) {
		size_t cap = rec->cap ? rec->cap * 2 : 16;
		if ((rec->fields = realloc(rec->fields, cap * sizeof *rec->fields)) == NULL)
			abort();
		memset(rec->fields + rec->cap, 0, (cap - rec->cap) * sizeof *rec->fields);
		rec->cap = cap;
	}
	f = &rec->fields[rec->n++];
	free(f->text);
	if ((f->text = malloc(r->len + 1)) == NULL)
		abort();
	memcpy(f->text, r->buf, r->len + 1);
	f->len = r->len;
	f->line = line;
	f->column = column;
	r->len = 0;
	return 0;
}

/* After an error, skip to the end of the physical line so the next record can be read. */
static void
skip_line(struct csv_reader *r)
{
	int c;

	while ((c = next_char(r)) != EOF && c != '\n')
		;
}

int
csv_read(struct csv_reader *r, struct csv_record *rec, struct err *e)
{
	enum csv_state st = CSV_FIELD_START;
	int line = r->line, column = r->column;
	int c;

	if (!r->started) {
		r->started = 1;
		/* a UTF-8 byte-order mark, as spreadsheets write it, is not part of the first name */
		c = getc(r->in);
		if (c == 0xEF) {
			int c2 = getc(r->in), c3 = getc(r->in);
			if (c2 != 0xBB || c3 != 0xBF)
				return err_set(e, "%s:1:1: not valid UTF-8", r->name);
		} else if (c != EOF) {
			ungetc(c, r->in);
		}
	}
	rec->n = 0;
	r->len = 0;
	rec->line = r->line;
	for (;;) {
		int cl = r->line, cc = r->column;	/* where c is */

		c = next_char(r);
		switch (st) {
		case CSV_FIELD_START:
			line = cl;
			column = cc;
			if (c == '\n' || c == '\r') {
				if (c == '\r' && (c = next_char(r)) != '\n') {
					err_set(e, "%s:%d:%d: carriage return without a line feed",
						r->name, cl, cc);
					goto bad;
				}
				if (rec->n == 0) {	/* an empty line */
					rec->line = r->line;
					continue;
				}
				return field_end(r, rec, line, column, 0, e) == 0 ? 1 : -1;
			}
			if (c == EOF) {
				if (rec->n == 0)
					return 0;
				return field_end(r, rec, line, column, 0, e) == 0 ? 1 : -1;
			}
			if (c == '"') {
				st = CSV_QUOTED;
			} else if (c == ',') {
				if (field_end(r, rec, line, column, 0, e) != 0)
					goto bad;
			} else {
				buf_push(r, (char)c);
				st = CSV_UNQUOTED;
			}
			break;
		case CSV_UNQUOTED:
			if (c == ',' || c == '\n' || c == '\r' || c == EOF) {
				if (c == '\r' && (c = next_char(r)) != '\n') {
					err_set(e, "%s:%d:%d: carriage return without a line feed",
						r->name, cl, cc);
					goto bad;
				}
				if (field_end(r, rec, line, column, 0, e) != 0)
					goto bad;
				if (c != ',')
					return 1;
				st = CSV_FIELD_START;
			} else if (c == '"') {
				err_set(e, "%s:%d:%d: a quote inside an unquoted field", r->name, cl, cc);
				goto bad;
			} else {
				buf_push(r, (char)c);
			}
			break;
		case CSV_QUOTED:
			if (c == EOF) {
				err_set(e, "%s:%d:%d: quoted field is never closed", r->name, line,
					column);
				return -1;
			}
			if (c == '"')
				st = CSV_QUOTE_IN_QUOTED;
			else
				buf_push(r, (char)c);
			break;
		case CSV_QUOTE_IN_QUOTED:
			if (c == '"') {
				buf_push(r, '"');
				st = CSV_QUOTED;
			} else if (c == ',' || c == '\n' || c == '\r' || c == EOF) {
				if (c == '\r' && (c = next_char(r)) != '\n') {
					err_set(e, "%s:%d:%d: carriage return without a line feed",
						r->name, cl, cc);
					goto bad;
				}
				if (field_end(r, rec, line, column, 1, e) != 0)
					goto bad;
				if (c != ',')
					return 1;
				st = CSV_FIELD_START;
			} else {
				err_set(e, "%s:%d:%d: text after a closing quote", r->name, cl, cc);
				goto bad;
			}
			break;
		}
		if (r->len > CSV_MAX_FIELD) {
			err_set(e, "%s:%d:%d: field longer than %d bytes", r->name, line, column,
				CSV_MAX_FIELD);
			goto bad;
		}
	}
bad:
	if (c != '\n' && c != EOF)
		skip_line(r);
	r->len = 0;
	return -1;
}
