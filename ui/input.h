/* input.h - a one-line text input: the keys that edit it, and how it is drawn. The text lives
 * in the caller's buffer, so a search can filter on every key. */
#ifndef ARREARS_UI_INPUT_H
#define ARREARS_UI_INPUT_H

#include <curses.h>
#include <stddef.h>

#include "theme.h"

enum input_result {
	INPUT_EDITED,		/* the text changed */
	INPUT_DONE,		/* Enter */
	INPUT_CANCEL,		/* Esc */
	INPUT_IGNORED		/* a key that means nothing here */
};

/* Applies one key (as the app's loop reads it) to the UTF-8 text in buf of size bytes:
 * characters append, Backspace removes one, C-u clears. */
enum input_result input_key(char *buf, size_t size, int key);

/* Draws prompt and text on row y of w, cols wide, with a block for the hidden cursor. */
void input_draw(WINDOW *w, const struct theme *th, int y, int cols, const char *prompt,
		const char *text);

#endif
