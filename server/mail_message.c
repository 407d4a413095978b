/* mail_message.c - building an RFC 5322 message (mail_message.h). SMTP itself, and the
 * dot-stuffing of DATA, are libcurl's (send_smtp.c). */
#include "config.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "mail_message.h"

#define SUBJECT_PLAIN_MAX 68	/* 78 characters of a line less "Subject: " and a margin */
#define WORD_BYTES 39		/* 52 base64 characters: a line of 73 even after "Subject: " */
#define QP_LINE 76

/* Length of the valid UTF-8 sequence at p (1 to 4), or 0 when it is not one. */
static size_t
utf8_len(const unsigned char *p)
{
	size_t n;
	uint32_t cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, cp = p[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

static int
utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	while (*p != '\0') {
		if ((n = utf8_len(p)) == 0)
			return 0;
		p += n;
	}
	return 1;
}

static int
plain_ascii(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 || *p > 0x7e)
			return 0;
	return 1;
}

int
mail_subject_write(FILE *out, const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	char b64[sodium_base64_ENCODED_LEN(WORD_BYTES, sodium_base64_VARIANT_ORIGINAL)];
	int first = 1;

	if (!utf8_valid(text))
		return -1;
	/* "=?" in plain text would read as the start of an encoded word, so it is encoded too */
	if (plain_ascii(text) && strlen(text) <= SUBJECT_PLAIN_MAX && strstr(text, "=?") == NULL) {
		fprintf(out, "Subject: %s\r\n", text);
		return 0;
	}
	fputs("Subject:", out);
	do {
		size_t take = 0, n;

		while (p[take] != '\0' && take + (n = utf8_len(p + take)) <= WORD_BYTES)
			take += n;
		sodium_bin2base64(b64, sizeof b64, p, take, sodium_base64_VARIANT_ORIGINAL);
		fprintf(out, "%s=?UTF-8?B?%s?=", first ? " " : "\r\n ", b64);
		first = 0;
		p += take;
	} while (*p != '\0');
	fputs("\r\n", out);
	return 0;
}

/* Writes one token of an encoded line, breaking softly first when it would pass column 75
 * (the 76th is for the soft break's '='). */
static void
qp_token(FILE *out, const char *tok, size_t *col)
{
	size_t n = strlen(tok);

	if (*col + n > QP_LINE - 1) {
		fputs("=\r\n", out);
		*col = 0;
	}
	fputs(tok, out);
	*col += n;
}

int
mail_qp_write(FILE *out, const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t col = 0;

	if (!utf8_valid(text))
		return -1;
	while (*p != '\0') {
		char tok[4];
		int at_end = p[1] == '\0' || p[1] == '\n' || p[1] == '\r';

		if (*p == '\r' || *p == '\n') {
			p += p[0] == '\r' && p[1] == '\n' ? 2 : 1;
			fputs("\r\n", out);
			col = 0;
			continue;
		}
		if ((*p >= 33 && *p <= 126 && *p != '=') || ((*p == ' ' || *p == '\t') && !at_end))
			tok[0] = (char)*p, tok[1] = '\0';
		else
			snprintf(tok, sizeof tok, "=%02X", *p);
		qp_token(out, tok, &col);
		p++;
	}
	if (col > 0 || *text == '\0')
		fputs("\r\n", out);
	return 0;
}

int
mail_address_valid(const char *addr)
{
	const char *at = strchr(addr, '@');

	if (at == NULL || at == addr || at[1] == '\0' || strchr(at + 1, '@') != NULL ||
	    strlen(addr) > 254)
		return 0;
	for (const unsigned char *p = (const unsigned char *)addr; *p != '\0'; p++)
		if (*p <= 0x20 || *p >= 0x7f || strchr("<>,;:\"()[]\\", *p) != NULL)
			return 0;
	return 1;
}

int
mail_from_address(const char *from, char *buf, size_t len)
{
	const char *lt = strrchr(from, '<'), *gt;
	size_t n;

	if (lt != NULL) {
		if ((gt = strchr(lt, '>')) == NULL || gt[1] != '\0')
			return -1;
		n = (size_t)(gt - lt - 1);
		from = lt + 1;
	} else {
		n = strlen(from);
	}
	if (n >= len)
		return -1;
	memcpy(buf, from, n);
	buf[n] = '\0';
	return mail_address_valid(buf) ? 0 : -1;
}

/* RFC 5322's date in UTC, with English names whatever the locale. */
static void
date_write(FILE *out, time_t t)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;

	gmtime_r(&t, &tm);
	fprintf(out, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", days[tm.tm_wday],
		tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* The Message-ID's left part: the dispatch id when it is a dot-atom of safe characters,
 * else its BLAKE2b in hex, so the same dispatch always gets the same id. */
static void
id_write(FILE *out, const char *id, const char *from_addr)
{
	unsigned char h[16];
	char hex[sizeof h * 2 + 1];
	int safe = *id != '\0' && strlen(id) <= 64 && id[0] != '.';

	for (const char *p = id; safe && *p != '\0'; p++)
		safe = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.",
			      *p) != NULL && !(p[0] == '.' && (p[1] == '.' || p[1] == '\0'));
	if (!safe) {
		crypto_generichash(h, sizeof h, (const unsigned char *)id, strlen(id), NULL, 0);
		sodium_bin2hex(hex, sizeof hex, h, sizeof h);
		id = hex;
	}
	fprintf(out, "Message-ID: <%s@%s>\r\n", id, strchr(from_addr, '@') + 1);
}

static int
header_value_ok(const char *v)
{
	return strpbrk(v, "\r\n") == NULL;
}

char *
mail_message_build(const struct mail_parts *p, struct err *e)
{
	char from_addr[256];
	char *text = NULL;
	size_t len = 0;
	FILE *out;
	int ok;

	if (!header_value_ok(p->from) || !plain_ascii(p->from) ||
	    mail_from_address(p->from, from_addr, sizeof from_addr) != 0) {
		err_set(e, "'%s' is not a sender address (addr@host or Name <addr@host>)", p->from);
		return NULL;
	}
	if (!mail_address_valid(p->to)) {
		err_set(e, "'%s' is not an email address", p->to);
		return NULL;
	}
	if ((out = open_memstream(&text, &len)) == NULL) {
		err_set(e, "out of memory building a message");
		return NULL;
	}
	date_write(out, p->date);
	fprintf(out, "From: %s\r\nTo: %s\r\n", p->from, p->to);
	ok = mail_subject_write(out, p->subject) == 0;
	id_write(out, p->id, from_addr);
	fputs("MIME-Version: 1.0\r\n"
	      "Content-Type: text/plain; charset=UTF-8\r\n"
	      "Content-Transfer-Encoding: quoted-printable\r\n"
	      "Auto-Submitted: auto-generated\r\n"
	      "\r\n", out);
	if (ok && mail_qp_write(out, p->body) != 0) {
		fclose(out);
		free(text);
		err_set(e, "the body is not valid UTF-8");
		return NULL;
	}
	if (fclose(out) != 0 || !ok) {
		free(text);
		err_set(e, "%s", ok ? "out of memory building a message"
				    : "the subject is not valid UTF-8");
		return NULL;
	}
	return text;
}
