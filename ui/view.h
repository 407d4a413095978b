/* view.h - a screen of the workstation: an ops struct over private state, stacked by app.c.
 * Views draw into the body window they are given and return reaction flags from handle();
 * they never refresh the terminal, so the app decides when and what to repaint. */
#ifndef ARREARS_UI_VIEW_H
#define ARREARS_UI_VIEW_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "keymap.h"

struct app;
struct view;

/* What a key did, for the app to act on after the handler returns. */
enum reaction {
	REACT_NONE = 0,
	REACT_REDRAW = 1 << 0,		/* repaint the screen */
	REACT_CLOSE = 1 << 1,		/* pop this view */
	REACT_RELOAD = 1 << 2,		/* reload the queue from the cache and rank it again */
	REACT_UNHANDLED = 1 << 3,	/* let the global handler have the action */
};

struct view_ops {
	const char *name;
	enum keyctx ctx;	/* where keys are looked up first */
	size_t private_size;	/* bytes of zeroed private state the app allocates as v->priv */
	/* Loads what the view shows; arg is an account id or NULL. 0, or -1 with e filled.
	 * Like close, focus and resize, it may be NULL when there is nothing to do. */
	int (*open)(struct view *v, const char *arg, struct err *e);
	/* Frees what open took (not v->priv itself). */
	void (*close)(struct view *v);
	/* The view is on top again, or the queue under it was reloaded. */
	void (*focus)(struct view *v);
	/* The queue was re-ranked in the background (the contact policy moved cases). */
	void (*changed)(struct view *v);
	/* v->rows and v->cols changed. */
	void (*resize)(struct view *v);
	/* Paints the whole body window, which the app has erased. */
	void (*draw)(struct view *v, WINDOW *w);
	/* Acts on an action (ACTION_NONE for an unbound key, or any key while text_input). */
	unsigned (*handle)(struct view *v, enum action act, int key);
	/* The title bar text. */
	void (*title)(struct view *v, char *buf, size_t len);
};

struct view {
	const struct view_ops *ops;
	struct app *app;
	void *priv;
	int rows, cols;		/* of the body window */
	bool text_input;	/* every key goes to handle() raw, e.g. while typing a search */
};

extern const struct view_ops view_queue_ops;
extern const struct view_ops view_account_ops;
extern const struct view_ops view_timeline_ops;
extern const struct view_ops view_help_ops;
extern const struct view_ops view_script_ops;
extern const struct view_ops view_ptp_ops;
extern const struct view_ops view_aging_ops;
extern const struct view_ops view_qa_ops;
extern const struct view_ops view_sync_ops;
extern const struct view_ops view_board_ops;

/* The letter the queue shows for one account flag bit (the help screen lists them). */
char view_flag_letter(unsigned bit);

/* Moves a list selection by act within n rows of which page are visible; the top row follows.
 * Returns REACT_REDRAW when the action was a movement, REACT_UNHANDLED otherwise. */
unsigned view_list_move(enum action act, size_t n, int page, size_t *sel, size_t *top);

/* Scrolls a page of lines shown rows at a time by act. REACT_REDRAW, or REACT_UNHANDLED when
 * act is no movement. */
unsigned view_page_scroll(enum action act, int lines, int rows, int *scroll);

/* Clamps sel to n rows and scrolls top so that sel is among the page rows shown. */
void view_list_follow(size_t n, int page, size_t *sel, size_t *top);

#endif
