/* text.h - UTF-8 text in screen columns: wide (CJK) and combining characters take the columns
 * wcwidth says, so truncation and padding keep columns aligned. */
#ifndef ARREARS_UI_TEXT_H
#define ARREARS_UI_TEXT_H

#include <curses.h>
#include <stddef.h>

enum text_align {
	TEXT_LEFT,
	TEXT_RIGHT
};

/* Columns the multibyte string s takes; an invalid byte or control counts as one '?'. */
int text_width(const char *s);

/* Draws s at y, x in exactly width columns with the window's current attributes: padded with
 * spaces, or cut with an ellipsis when too wide. */
void text_put(WINDOW *w, int y, int x, int width, const char *s, enum text_align align);

/* Fills width columns at y, x with spaces in the current attributes. */
void text_blank(WINDOW *w, int y, int x, int width);

/* Draws s word-wrapped to width columns from y, x, at most rows lines (none when w is NULL).
 * Returns the lines the whole text takes. */
int text_wrap(WINDOW *w, int y, int x, int width, int rows, const char *s);

/* Removes the last character (not byte) of the multibyte string s. */
void text_pop(char *s);

#endif
