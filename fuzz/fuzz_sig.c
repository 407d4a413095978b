/* fuzz_sig - libFuzzer target for the two parsers of gateway input: the signature header
 * (src/webhook_sig.c; the input's first line, the rest being the body) and payment links
 * (src/paylink.c; the whole input). A body signed by webhook_sign must verify, and a link that
 * verifies must make the same link fields again. */
#include "config.h"

#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paylink.h"
#include "webhook_sig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const unsigned char secret[] = "whsec_fuzz_secret_0123456789";
static unsigned char key[PAYLINK_KEY_BYTES];

static void
link_check(const char *text)
{
	struct paylink p, again;
	char link[512];
	struct err e;

	if (paylink_verify(key, text, 1700000000, &p, &e) != PAYLINK_OK)
		return;
	if (paylink_make(key, "https://x", &p, link, sizeof link, &e) != 0 ||
	    paylink_verify(key, link, 1700000000, &again, &e) != PAYLINK_OK ||
	    strcmp(p.account, again.account) != 0 || p.amount != again.amount ||
	    strcmp(p.currency, again.currency) != 0 || p.expires != again.expires) {
		fprintf(stderr, "fuzz_sig: a verified link does not make itself again\n");
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), h[WEBHOOK_HEADER_LEN], *nl;
	const char *body;
	struct err e;

	if (text == NULL || sodium_init() < 0)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	for (size_t i = 0; i < sizeof key; i++)
		key[i] = (unsigned char)i;
	link_check(text);
	nl = memchr(text, '\n', size);
	body = nl != NULL ? nl + 1 : "";
	if (nl != NULL)
		*nl = '\0';
	webhook_verify(secret, sizeof secret - 1, text, body, strlen(body), 1790000000, 300, &e);
	webhook_sign(secret, sizeof secret - 1, 1790000000, body, strlen(body), h);
	if (webhook_verify(secret, sizeof secret - 1, h, body, strlen(body), 1790000000, 300, &e) !=
	    WEBHOOK_OK) {
		fprintf(stderr, "fuzz_sig: a signed body does not verify: %s\n", e.msg);
		abort();
	}
	free(text);
	return 0;
}
