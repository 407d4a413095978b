/* board_json.h - the queue board as GET /v1/board answers it (docs/PROTOCOL.md). */
#ifndef ARREARS_BOARD_JSON_H
#define ARREARS_BOARD_JSON_H

#include <jansson.h>

#include "board.h"

/* The board as a new JSON object; NULL when a name is not valid UTF-8. */
json_t *board_json(const struct board *b);

#endif
