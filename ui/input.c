#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "input.h"
#include "keymap.h"
#include "text.h"

enum input_result
input_key(char *buf, size_t size, int key)
{
	char mb[MB_LEN_MAX];
	mbstate_t st;
	size_t n, len = strlen(buf);

	if (key == '\n')
		return INPUT_DONE;
	if (key == 27)
		return INPUT_CANCEL;
	if (key == (KEYMAP_FUNC | KEY_BACKSPACE)) {
		text_pop(buf);
		return INPUT_EDITED;
	}
	if (key == 21) {
		/* C-u clears the line, as in a shell. */
		buf[0] = '\0';
		return INPUT_EDITED;
	}
	if ((key & KEYMAP_FUNC) || key < ' ')
		return INPUT_IGNORED;
	memset(&st, 0, sizeof st);
	n = wcrtomb(mb, (wchar_t)key, &st);
	if (n == (size_t)-1 || len + n >= size)
		return INPUT_IGNORED;
	memcpy(buf + len, mb, n);
	buf[len + n] = '\0';
	return INPUT_EDITED;
}

void
input_draw(WINDOW *w, const struct theme *th, int y, int cols, const char *prompt,
	   const char *text)
{
	char line[1024];
	size_t off = strlen(text) > 400 ? strlen(text) - 400 : 0;

	/* A long text shows its end, where the typing is, behind a '<'. */
	while (((unsigned char)text[off] & 0xc0) == 0x80)
		off++;
	while (text[off] != '\0' && text_width(prompt) + text_width(text + off) + (off > 0) >= cols)
		do
			off++;
		while (((unsigned char)text[off] & 0xc0) == 0x80);
	snprintf(line, sizeof line, "%s%s%s", prompt, off > 0 ? "<" : "", text + off);
	wattrset(w, theme_attr(th, ROLE_STATUSBAR));
	text_put(w, y, 0, cols, line, TEXT_LEFT);
	if (text_width(line) < cols) {
		wattrset(w, theme_attr(th, ROLE_SELECTED));
		text_put(w, y, text_width(line), 1, " ", TEXT_LEFT);
	}
}
