#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "text.h"

#define TEXT_MAX 512

/* Decodes s into printable wide characters with their widths; returns how many. Anything the
 * terminal cannot show becomes '?', so one bad byte never shifts a column. */
static int
decode(const char *s, wchar_t *wc, int *wd, int max)
{
	mbstate_t st;
	size_t len = strlen(s), k;
	int n = 0;

	memset(&st, 0, sizeof st);
	while (len > 0 && n < max) {
		k = mbrtowc(&wc[n], s, len, &st);
		if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
			memset(&st, 0, sizeof st);
			wc[n] = L'?';
			k = 1;
		}
		wd[n] = wcwidth(wc[n]);
		if (wd[n] < 0) {
			wc[n] = L'?';
			wd[n] = 1;
		}
		s += k;
		len -= k;
		n++;
	}
	return n;
}

int
text_width(const char *s)
{
	wchar_t wc[TEXT_MAX];
	int wd[TEXT_MAX], n, i, cols = 0;

	n = decode(s, wc, wd, TEXT_MAX);
	for (i = 0; i < n; i++)
		cols += wd[i];
	return cols;
}

void
text_blank(WINDOW *w, int y, int x, int width)
{
	if (width > 0)
		mvwhline(w, y, x, ' ', width);
}

void
text_put(WINDOW *w, int y, int x, int width, const char *s, enum text_align align)
{
	wchar_t wc[TEXT_MAX + 1];
	int wd[TEXT_MAX], n, i, cols = 0, keep;
	/* An ellipsis only where the locale can show it. */
	wchar_t ell = MB_CUR_MAX > 1 ? L'\u2026' : L'~';

	if (width <= 0)
		return;
	n = decode(s, wc, wd, TEXT_MAX);
	for (i = 0; i < n; i++)
		cols += wd[i];
	if (cols > width) {
		/* Keep what fits in width - 1 columns, then the ellipsis. */
		cols = 0;
		for (keep = 0; keep < n && cols + wd[keep] <= width - 1; keep++)
			cols += wd[keep];
		wc[keep++] = ell;
		cols++;
		n = keep;
	}
	if (align == TEXT_RIGHT) {
		text_blank(w, y, x, width - cols);
		mvwaddnwstr(w, y, x + width - cols, wc, n);
	} else {
		mvwaddnwstr(w, y, x, wc, n);
		text_blank(w, y, x + cols, width - cols);
	}
}

int
text_wrap(WINDOW *w, int y, int x, int width, int rows, const char *s)
{
	wchar_t wc[TEXT_MAX];
	int wd[TEXT_MAX], n, i = 0, line = 0;

	if (width <= 0)
		return 0;
	n = decode(s, wc, wd, TEXT_MAX);
	while (i < n) {
		int cols = 0, end = i, brk = -1;

		/* The longest run that fits, cut after its last space when there is one. */
		while (end < n && cols + wd[end] <= width) {
			if (wc[end] == L' ')
				brk = end;
			cols += wd[end++];
		}
		if (end < n && brk > i)
			end = brk + 1;
		if (end == i)
			end = i + 1;	/* a character wider than the line */
		if (w != NULL && line < rows) {
			int len = end, used = 0;

			while (len > i && wc[len - 1] == L' ')
				len--;
			for (int k = i; k < len; k++)
				used += wd[k];
			mvwaddnwstr(w, y + line, x, wc + i, len - i);
			text_blank(w, y + line, x + used, width - used);
		}
		line++;
		i = end;
	}
	return line;
}

void
text_pop(char *s)
{
	size_t len = strlen(s);

	/* Step back over UTF-8 continuation bytes to the start of the last character. */
	while (len > 0) {
		len--;
		if (((unsigned char)s[len] & 0xc0) != 0x80)
			break;
	}
	s[len] = '\0';
}
