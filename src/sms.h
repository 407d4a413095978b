/* sms.h - how many SMS segments a text takes: GSM-7 when every character is in the GSM 03.38
 * alphabet (with its extension table), else UCS-2. */
#ifndef ARREARS_SMS_H
#define ARREARS_SMS_H

#include <stddef.h>

enum sms_encoding { SMS_GSM7, SMS_UCS2 };

struct sms_measure {
	enum sms_encoding encoding;
	size_t units;		/* septets (GSM-7) or UTF-16 code units (UCS-2) */
	size_t chars;		/* code points */
	size_t segments;	/* 1 when units fit one message, else the parts of a concatenated one */
};

/* Measures UTF-8 text. A single message holds 160 septets or 70 UCS-2 units; a concatenated
 * one 153 or 67 per part, and a part never splits an escaped GSM character or a surrogate
 * pair. Empty text is one segment. 0, or -1 when text is not valid UTF-8. */
int sms_measure(const char *text, struct sms_measure *m);

/* "GSM-7" or "UCS-2". */
const char *sms_encoding_name(enum sms_encoding enc);

#endif
