/* paylink.c - signed, expiring payment links (HMAC-SHA256, libsodium). */
#include "config.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "paylink.h"

/* Bumped if the encoding below ever changes, so old links stop verifying rather than mean
 * something else. */
static const char mac_tag[] = "arrears-paylink-v1";

int
paylink_account_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= ACCOUNT_ID_LEN)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == '_' || s[i] == '-'))
			return 0;
	return 1;
}

static int
currency_valid(const char *s)
{
	return strlen(s) == 3 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' &&
	       s[2] >= 'A' && s[2] <= 'Z';
}

static void
put_be(crypto_auth_hmacsha256_state *st, uint64_t v, int bytes)
{
	unsigned char b[8];

	for (int i = 0; i < bytes; i++)
		b[i] = (unsigned char)(v >> (8 * (bytes - 1 - i)));
	crypto_auth_hmacsha256_update(st, b, (unsigned long long)bytes);
}

static void
put_text(crypto_auth_hmacsha256_state *st, const char *s)
{
	put_be(st, strlen(s), 4);
	crypto_auth_hmacsha256_update(st, (const unsigned char *)s, strlen(s));
}

/* The MAC of the fields: the tag with its NUL, then each text with a 4-byte length before
 * it and each number as 8 bytes, big-endian, so no two field sets encode alike. */
static void
link_mac(const unsigned char key[PAYLINK_KEY_BYTES], const struct paylink *p,
	 unsigned char mac[crypto_auth_hmacsha256_BYTES])
{
	crypto_auth_hmacsha256_state st;

	crypto_auth_hmacsha256_init(&st, key, PAYLINK_KEY_BYTES);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)mac_tag, sizeof mac_tag);
	put_text(&st, p->account);
	put_be(&st, (uint64_t)p->amount, 8);
	put_text(&st, p->currency);
	put_be(&st, (uint64_t)p->expires, 8);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_memzero(&st, sizeof st);
}

static int
fields_check(const struct paylink *p, struct err *e)
{
	if (!paylink_account_valid(p->account))
		return err_set(e, "a: '%s' is not an account id (1 to %d of A-Z a-z 0-9 . _ -)",
			       p->account, ACCOUNT_ID_LEN - 1);
	if (p->amount <= 0 || p->amount > 999999999999999LL)
		return err_set(e, "m: the amount must be 1 to 999999999999999 cents");
	if (!currency_valid(p->currency))
		return err_set(e, "c: '%s' is not a currency code (three capital letters)",
			       p->currency);
	if (p->expires <= 0)
		return err_set(e, "x: the expiry must be a positive Unix time");
	return 0;
}

int
paylink_make(const unsigned char key[PAYLINK_KEY_BYTES], const char *base,
	     const struct paylink *p, char *buf, size_t len, struct err *e)
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char hex[2 * crypto_auth_hmacsha256_BYTES + 1];
	size_t blen = strlen(base);
	int n;

	if (fields_check(p, e) != 0)
		return -1;
	if (blen == 0 || strpbrk(base, "?#& \t\r\n") != NULL)
		return err_set(e, "the link base '%s' must be a URL without query or spaces", base);
	if (base[blen - 1] == '/')
		blen--;
	link_mac(key, p, mac);
	sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
	n = snprintf(buf, len, "%.*s/pay?a=%s&m=%lld&c=%s&x=%lld&s=%s", (int)blen, base,
		     p->account, (long long)p->amount, p->currency, (long long)p->expires, hex);
	if (n < 0 || (size_t)n >= len)
		return err_set(e, "the link is longer than %zu bytes", len - 1);
	return 0;
}

/* A whole number of 1 to 18 digits, no sign, no leading zero. */
static int
number_parse(const char *s, size_t n, int64_t *out)
{
	int64_t v = 0;

	if (n == 0 || n > 18 || (s[0] == '0' && n > 1))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

enum paylink_verdict
paylink_verify(const unsigned char key[PAYLINK_KEY_BYTES], const char *link, int64_t now,
	       struct paylink *out, struct err *e)
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES], want[crypto_auth_hmacsha256_BYTES];
	const char *q = strchr(link, '?'), *s;
	unsigned seen = 0;
	char hex[65] = "";
	struct paylink p = { 0 };
	enum paylink_verdict v;

	memset(out, 0, sizeof *out);
	if (q == NULL || q - link < 4 || strncmp(q - 4, "/pay", 4) != 0) {
		err_set(e, "not a payment link: no /pay? in it");
		return PAYLINK_MALFORMED;
	}
	for (s = q + 1; *s != '\0';) {
		size_t n = strcspn(s, "&");
		const char *val = s + 2;
		size_t vn = n >= 2 ? n - 2 : 0;
		const char *keys = "amcxs", *k = n >= 2 && s[1] == '=' ? strchr(keys, s[0]) : NULL;
		unsigned bit;

		if (k == NULL || s[0] == '\0') {
			err_set(e, "'%.*s': only a, m, c, x and s may follow /pay?", (int)(n > 20 ? 20 : n), s);
			return PAYLINK_MALFORMED;
		}
		bit = 1u << (k - keys);
		if (seen & bit) {
			err_set(e, "%c: given twice", *k);
			return PAYLINK_MALFORMED;
		}
		seen |= bit;
		if ((*k == 'a' && vn >= sizeof p.account) || (*k == 'c' && vn >= sizeof p.currency) ||
		    (*k == 's' && vn != 64)) {
			err_set(e, "%c: too %s", *k, *k == 's' && vn < 64 ? "short" : "long");
			return PAYLINK_MALFORMED;
		}
		if (*k == 'a')
			memcpy(p.account, val, vn);
		else if (*k == 'c')
			memcpy(p.currency, val, vn);
		else if (*k == 's')
			memcpy(hex, val, vn);
		else if (number_parse(val, vn, *k == 'm' ? &p.amount : &p.expires) != 0) {
			err_set(e, "%c: '%.*s' is not a whole number", *k, (int)(vn > 20 ? 20 : vn), val);
			return PAYLINK_MALFORMED;
		}
		s += n;
		if (*s == '&' && *++s == '\0') {
			err_set(e, "the link ends with '&'");
			return PAYLINK_MALFORMED;
		}
	}
	if (seen != 0x1f) {
		err_set(e, "a link needs each of a, m, c, x and s");
		return PAYLINK_MALFORMED;
	}
	if (fields_check(&p, e) != 0)
		return PAYLINK_MALFORMED;
	for (int i = 0; i < 64; i++)
		if (!((hex[i] >= '0' && hex[i] <= '9') || (hex[i] >= 'a' && hex[i] <= 'f'))) {
			err_set(e, "s: must be 64 lowercase hex characters");
			return PAYLINK_MALFORMED;
		}
	if (sodium_hex2bin(mac, sizeof mac, hex, 64, NULL, NULL, NULL) != 0) {
		err_set(e, "s: must be 64 lowercase hex characters");
		return PAYLINK_MALFORMED;
	}
	link_mac(key, &p, want);
	if (crypto_verify_32(mac, want) != 0) {
		err_set(e, "the signature does not match the link's fields");
		v = PAYLINK_TAMPERED;
	} else if (now >= p.expires) {
		err_set(e, "the link expired %lld s ago", (long long)(now - p.expires));
		v = PAYLINK_EXPIRED;
	} else {
		*out = p;
		v = PAYLINK_OK;
	}
	sodium_memzero(want, sizeof want);
	return v;
}
