/* sms.c - see sms.h. The tables are GSM 03.38 (3GPP TS 23.038): the default alphabet and the
 * characters its extension table reaches through an escape, which cost two septets. */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>

#include "sms.h"

/* The default alphabet's characters outside ASCII. */
static const uint32_t gsm_basic_latin_greek[] = {
	0x00A3, 0x00A5, 0x00E8, 0x00E9, 0x00F9, 0x00EC, 0x00F2, 0x00C7, 0x00D8, 0x00F8,
	0x00C5, 0x00E5, 0x0394, 0x03A6, 0x0393, 0x039B, 0x03A9, 0x03A0, 0x03A8, 0x03A3,
	0x0398, 0x039E, 0x00C6, 0x00E6, 0x00DF, 0x00C9, 0x00A4, 0x00A1, 0x00C4, 0x00D6,
	0x00D1, 0x00DC, 0x00A7, 0x00BF, 0x00E4, 0x00F6, 0x00F1, 0x00FC, 0x00E0,
};
static const uint32_t gsm_extension[] = { 0x0C, '^', '{', '}', '\\', '[', '~', ']', '|', 0x20AC };

/* Septets a code point takes in GSM-7, or 0 when the alphabet lacks it. */
static int
gsm_septets(uint32_t c)
{
	for (size_t i = 0; i < sizeof gsm_extension / sizeof gsm_extension[0]; i++)
		if (c == gsm_extension[i])
			return 2;
	/* all of printable ASCII is in the default alphabet but the backtick */
	if ((c >= 0x20 && c < 0x7F && c != '`') || c == '\n' || c == '\r')
		return 1;
	for (size_t i = 0; i < sizeof gsm_basic_latin_greek / sizeof gsm_basic_latin_greek[0]; i++)
		if (c == gsm_basic_latin_greek[i])
			return 1;
	return 0;
}

/* Decodes one code point of strict UTF-8 at *s and moves past it. false when malformed. */
static bool
utf8_next(const unsigned char **s, uint32_t *cp)
{
	const unsigned char *p = *s;
	uint32_t c = p[0], min;
	int more;

	if (c < 0x80) {
		more = 0, min = 0;
	} else if ((c & 0xE0) == 0xC0) {
		more = 1, min = 0x80, c &= 0x1F;
	} else if ((c & 0xF0) == 0xE0) {
		more = 2, min = 0x800, c &= 0x0F;
	} else if ((c & 0xF8) == 0xF0) {
		more = 3, min = 0x10000, c &= 0x07;
	} else {
		return false;
	}
	for (int i = 1; i <= more; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return false;
		c = c << 6 | (p[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return false;
	*cp = c;
	*s = p + 1 + more;
	return true;
}

/* Parts of a concatenated message with room units per part: a character that does not fit
 * whole (an escaped GSM character, a surrogate pair) starts the next part. */
static size_t
parts(const unsigned char *text, enum sms_encoding enc, size_t room)
{
	size_t n = 1, used = 0;
	uint32_t c;

	while (*text != '\0' && utf8_next(&text, &c)) {
		size_t cost = enc == SMS_GSM7 ? (size_t)gsm_septets(c) : c > 0xFFFF ? 2 : 1;

		if (used + cost > room) {
			n++;
			used = 0;
		}
		used += cost;
	}
	return n;
}

int
sms_measure(const char *text, struct sms_measure *m)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t septets = 0, utf16 = 0;
	bool gsm = true;
	uint32_t c;

	*m = (struct sms_measure){ .encoding = SMS_GSM7, .segments = 1 };
	while (*s != '\0') {
		int n;

		if (!utf8_next(&s, &c))
			return -1;
		m->chars++;
		utf16 += c > 0xFFFF ? 2 : 1;
		if ((n = gsm_septets(c)) == 0)
			gsm = false;
		septets += (size_t)n;
	}
	m->encoding = gsm ? SMS_GSM7 : SMS_UCS2;
	m->units = gsm ? septets : utf16;
	if (m->units > (gsm ? 160u : 70u))
		m->segments = parts((const unsigned char *)text, m->encoding, gsm ? 153 : 67);
	return 0;
}

const char *
sms_encoding_name(enum sms_encoding enc)
{
	return enc == SMS_GSM7 ? "GSM-7" : "UCS-2";
}
