/* webhook_sig.c - HMAC-SHA256 signatures of gateway notifications (libsodium). */
#include "config.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "webhook_sig.h"

/* HMAC-SHA256(secret, "T.BODY"). */
static void
body_mac(const unsigned char *secret, size_t secret_len, int64_t t, const char *body,
	 size_t body_len, unsigned char mac[crypto_auth_hmacsha256_BYTES])
{
	crypto_auth_hmacsha256_state st;
	char ts[24];
	int n = snprintf(ts, sizeof ts, "%lld.", (long long)t);

	crypto_auth_hmacsha256_init(&st, secret, secret_len);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts, (unsigned long long)n);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, body_len);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_memzero(&st, sizeof st);
}

void
webhook_sign(const unsigned char *secret, size_t secret_len, int64_t t, const char *body,
	     size_t body_len, char out[WEBHOOK_HEADER_LEN])
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char hex[2 * crypto_auth_hmacsha256_BYTES + 1];

	body_mac(secret, secret_len, t, body, body_len, mac);
	sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
	snprintf(out, WEBHOOK_HEADER_LEN, "t=%lld,v1=%s", (long long)t, hex);
}

static int
hex64_valid(const char *s, size_t n)
{
	if (n != 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

enum webhook_verdict
webhook_verify(const unsigned char *secret, size_t secret_len, const char *header,
	       const char *body, size_t body_len, int64_t now, int tolerance, struct err *e)
{
	unsigned char want[crypto_auth_hmacsha256_BYTES], got[crypto_auth_hmacsha256_BYTES];
	const char *s, *sigs[8];
	size_t nsigs = 0;
	int64_t t = 0;
	int has_t = 0, match = 0;

	if (header == NULL) {
		err_set(e, "no X-Arrears-Signature header");
		return WEBHOOK_MALFORMED;
	}
	/* comma-separated KEY=VALUE items; other schemes' items (v0, ...) are passed over, so a
	 * gateway may send more than one signature while it rotates secrets */
	for (s = header; *s != '\0';) {
		size_t n = strcspn(s, ",");
		const char *eq = memchr(s, '=', n);

		if (eq == NULL || eq == s) {
			err_set(e, "signature header: '%.*s' is not KEY=VALUE", (int)(n > 20 ? 20 : n), s);
			return WEBHOOK_MALFORMED;
		}
		if (eq - s == 1 && s[0] == 't') {
			size_t vn = n - 2;

			if (has_t || vn == 0 || vn > 18 || strspn(eq + 1, "0123456789") < vn) {
				err_set(e, has_t ? "signature header: t given twice"
						 : "signature header: t must be a Unix time in seconds");
				return WEBHOOK_MALFORMED;
			}
			for (size_t i = 0; i < vn; i++)
				t = t * 10 + (eq[1 + i] - '0');
			has_t = 1;
		} else if (eq - s == 2 && s[0] == 'v' && s[1] == '1') {
			if (!hex64_valid(eq + 1, n - 3)) {
				err_set(e, "signature header: v1 must be 64 lowercase hex characters");
				return WEBHOOK_MALFORMED;
			}
			if (nsigs == sizeof sigs / sizeof sigs[0]) {
				err_set(e, "signature header: more than %zu v1 signatures", nsigs);
				return WEBHOOK_MALFORMED;
			}
			sigs[nsigs++] = eq + 1;
		}
		s += n;
		if (*s == ',')
			s++;
	}
	if (!has_t || nsigs == 0) {
		err_set(e, "signature header: needs t=UNIX and v1=HEX");
		return WEBHOOK_MALFORMED;
	}
	body_mac(secret, secret_len, t, body, body_len, want);
	for (size_t i = 0; i < nsigs; i++) {
		sodium_hex2bin(got, sizeof got, sigs[i], 64, NULL, NULL, NULL);
		match |= crypto_verify_32(got, want) == 0;
	}
	sodium_memzero(want, sizeof want);
	if (!match) {
		err_set(e, "the signature does not match the body under the shared secret");
		return WEBHOOK_FORGED;
	}
	if (t < now - tolerance || t > now + tolerance) {
		err_set(e, "the signature's time is %lld s %s now, over the tolerance of %d s",
			(long long)(t < now ? now - t : t - now), t < now ? "before" : "after",
			tolerance);
		return WEBHOOK_STALE;
	}
	return WEBHOOK_OK;
}
