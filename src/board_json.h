/* board_json.h - the queue board as GET /v1/board answers it (docs/PROTOCOL.md), both ways:
 * the server writes it, the client reads the answer back into a struct board. */
#ifndef ARREARS_BOARD_JSON_H
#define ARREARS_BOARD_JSON_H

#include <jansson.h>

#include "board.h"
#include "err.h"

/* The board as a new JSON object; NULL when a name is not valid UTF-8. */
json_t *board_json(const struct board *b);

/* Reads an answer of GET /v1/board into out (board_free it). The bands are the answer's labels
 * (their bounds are not on the wire; the board never needs them). 0, or -1 with e naming the
 * first bad member by its JSON path ("$.agents[3].depth"), out left empty. */
int board_from_json(const json_t *j, struct board *out, struct err *e);

#endif
