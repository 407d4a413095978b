/* sms_body.h - the JSON body of an SMS provider's request, from the template in sms_body. */
#ifndef ARREARS_SERVER_SMS_BODY_H
#define ARREARS_SERVER_SMS_BODY_H

#include "err.h"

/* Fills tmpl: each {to}, {text} and {id} becomes the value JSON-escaped (by jansson, without
 * the quotes, so the template puts it inside a string); other text is copied. Returns an owned
 * string, or NULL with e when tmpl names another placeholder or a value is not UTF-8. */
char *sms_body_fill(const char *tmpl, const char *to, const char *text, const char *id,
		    struct err *e);

/* Checks tmpl once at start: it holds {to} and {text}, no other placeholder but {id}, and,
 * filled with values that need escaping, it is a JSON object. Errors say what is wrong. */
int sms_body_check(const char *tmpl, struct err *e);

#endif
