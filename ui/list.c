#include "config.h"

#include "view.h"

unsigned
view_list_move(enum action act, size_t n, int page, size_t *sel, size_t *top)
{
	size_t step = page > 1 ? (size_t)page - 1 : 1;

	if (n == 0) {
		*sel = *top = 0;
		return act == ACTION_UP || act == ACTION_DOWN || act == ACTION_PAGE_UP ||
			       act == ACTION_PAGE_DOWN || act == ACTION_TOP || act == ACTION_BOTTOM
			       ? REACT_NONE
			       : REACT_UNHANDLED;
	}
	switch (act) {
	case ACTION_UP:
		*sel -= *sel > 0;
		break;
	case ACTION_DOWN:
		*sel += *sel + 1 < n;
		break;
	case ACTION_PAGE_UP:
		*sel = *sel > step ? *sel - step : 0;
		break;
	case ACTION_PAGE_DOWN:
		*sel = *sel + step < n ? *sel + step : n - 1;
		break;
	case ACTION_TOP:
		*sel = 0;
		break;
	case ACTION_BOTTOM:
		*sel = n - 1;
		break;
	default:
		return REACT_UNHANDLED;
	}
	view_list_follow(n, page, sel, top);
	return REACT_REDRAW;
}

void
view_list_follow(size_t n, int page, size_t *sel, size_t *top)
{
	size_t rows = page > 0 ? (size_t)page : 1;

	if (n == 0) {
		*sel = *top = 0;
		return;
	}
	if (*sel >= n)
		*sel = n - 1;
	if (*sel < *top)
		*top = *sel;
	else if (*sel >= *top + rows)
		*top = *sel - rows + 1;
	/* No empty rows below the last item while earlier ones could fill them. */
	if (*top + rows > n)
		*top = n > rows ? n - rows : 0;
}

unsigned
view_page_scroll(enum action act, int lines, int rows, int *scroll)
{
	int max = lines > rows ? lines - rows : 0;

	switch (act) {
	case ACTION_UP:
		*scroll -= *scroll > 0;
		break;
	case ACTION_DOWN:
		*scroll += *scroll < max;
		break;
	case ACTION_PAGE_UP:
		*scroll = *scroll > rows - 1 ? *scroll - (rows - 1) : 0;
		break;
	case ACTION_PAGE_DOWN:
		*scroll = *scroll + rows - 1 < max ? *scroll + rows - 1 : max;
		break;
	case ACTION_TOP:
		*scroll = 0;
		break;
	case ACTION_BOTTOM:
		*scroll = max;
		break;
	default:
		return REACT_UNHANDLED;
	}
	return REACT_REDRAW;
}
