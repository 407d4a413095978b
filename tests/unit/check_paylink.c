/* check_paylink.c - payment links: a known answer worked out with another HMAC implementation
 * (openssl dgst over the documented encoding), round trips, and every refusal with its reason. */
#include "config.h"

#include <sodium.h>

#include "paylink.h"
#include "testutil.h"

static unsigned char key[PAYLINK_KEY_BYTES];
static const struct paylink sample = {
	.account = "A0000001", .amount = 12345, .currency = "USD", .expires = 1790000000
};
/* HMAC-SHA256 under key 01 02 .. 20 of "arrears-paylink-v1\0", 00000008 "A0000001",
 * 0000000000003039, 00000003 "USD", 000000006ab13b80 */
static const char sample_link[] =
	"https://pay.example/pay?a=A0000001&m=12345&c=USD&x=1790000000"
	"&s=a542ad78092e470bdf9cd3af4d5625433e0d7dbaa55fcf6f635d7484297b2cf7";

static void
setup(void)
{
	ck_assert_int_ge(sodium_init(), 0);
	for (int i = 0; i < PAYLINK_KEY_BYTES; i++)
		key[i] = (unsigned char)(i + 1);
}

START_TEST(test_known_answer)
{
	char buf[256];
	struct err e;

	ck_assert_int_eq(paylink_make(key, "https://pay.example", &sample, buf, sizeof buf, &e), 0);
	ck_assert_str_eq(buf, sample_link);
	/* a trailing slash on the base makes no double slash */
	ck_assert_int_eq(paylink_make(key, "https://pay.example/", &sample, buf, sizeof buf, &e), 0);
	ck_assert_str_eq(buf, sample_link);
}
END_TEST

START_TEST(test_verify_good)
{
	struct paylink p;
	struct err e;

	ck_assert_int_eq(paylink_verify(key, sample_link, 1789999999, &p, &e), PAYLINK_OK);
	ck_assert_str_eq(p.account, "A0000001");
	ck_assert_int_eq(p.amount, 12345);
	ck_assert_str_eq(p.currency, "USD");
	ck_assert_int_eq(p.expires, 1790000000);
	/* the fields may come in any order; the MAC covers values, not their text */
	ck_assert_int_eq(paylink_verify(key, "x/pay?s=a542ad78092e470bdf9cd3af4d5625433e0d7dbaa55fcf6f"
					"635d7484297b2cf7&c=USD&x=1790000000&a=A0000001&m=12345",
					1700000000, &p, &e), PAYLINK_OK);
}
END_TEST

START_TEST(test_expired)
{
	struct paylink p;
	struct err e;

	ck_assert_int_eq(paylink_verify(key, sample_link, 1790000000, &p, &e), PAYLINK_EXPIRED);
	ck_assert_str_eq(e.msg, "the link expired 0 s ago");
	ck_assert_str_eq(p.account, "");
}
END_TEST

/* Each field changed by one character, and a link under another key. */
static const char *const tampered[] = {
	"https://pay.example/pay?a=A0000002&m=12345&c=USD&x=1790000000"
	"&s=a542ad78092e470bdf9cd3af4d5625433e0d7dbaa55fcf6f635d7484297b2cf7",
	"https://pay.example/pay?a=A0000001&m=12346&c=USD&x=1790000000"
	"&s=a542ad78092e470bdf9cd3af4d5625433e0d7dbaa55fcf6f635d7484297b2cf7",
	"https://pay.example/pay?a=A0000001&m=12345&c=EUR&x=1790000000"
	"&s=a542ad78092e470bdf9cd3af4d5625433e0d7dbaa55fcf6f635d7484297b2cf7",
	"https://pay.example/pay?a=A0000001&m=12345&c=USD&x=1890000000"
	"&s=a542ad78092e470bdf9cd3af4d5625433e0d7dbaa55fcf6f635d7484297b2cf7",
	"https://pay.example/pay?a=A0000001&m=12345&c=USD&x=1790000000"
	"&s=a542ad78092e470bdf9cd3af4d5625433e0d7dbaa55fcf6f635d7484297b2cf8",
};

START_TEST(test_tampered)
{
	struct paylink p;
	struct err e;

	ck_assert_int_eq(paylink_verify(key, tampered[_i], 1700000000, &p, &e), PAYLINK_TAMPERED);
	ck_assert_str_eq(e.msg, "the signature does not match the link's fields");
}
END_TEST

START_TEST(test_other_key)
{
	unsigned char other[PAYLINK_KEY_BYTES];
	struct paylink p;
	struct err e;

	memcpy(other, key, sizeof other);
	other[31] ^= 1;
	ck_assert_int_eq(paylink_verify(other, sample_link, 1700000000, &p, &e), PAYLINK_TAMPERED);
}
END_TEST

/* Malformed links and the start of the reason each must give. */
static const struct {
	const char *link, *reason;
} malformed[] = {
	{ "https://pay.example/?a=A1", "not a payment link" },
	{ "no query at all", "not a payment link" },
	{ "x/pay?a=A1&m=1&c=USD&x=2", "a link needs each of a, m, c, x and s" },
	{ "x/pay?a=A1&q=1&m=1", "'q=1': only a, m, c, x and s" },
	{ "x/pay?a=A1&a=A2&m=1&c=USD&x=2", "a: given twice" },
	{ "x/pay?a=A1&m=1.50&c=USD&x=2", "m: '1.50' is not a whole number" },
	{ "x/pay?a=A1&m=-1&c=USD&x=2", "m: '-1' is not a whole number" },
	{ "x/pay?a=A1&m=012&c=USD&x=2", "m: '012' is not a whole number" },
	{ "x/pay?a=A1&m=0&c=USD&x=2&s=a542ad78092e470bdf9cd3af4d5625433e0d7dbaa55fcf6f635d7484297b2cf7",
	  "m: the amount must be" },
	{ "x/pay?a=A%201&m=1&c=USD&x=2&s=a542ad78092e470bdf9cd3af4d5625433e0d7dbaa55fcf6f635d7484297b2cf7",
	  "a: 'A%201' is not an account id" },
	{ "x/pay?a=A1&m=1&c=usd&x=2&s=a542ad78092e470bdf9cd3af4d5625433e0d7dbaa55fcf6f635d7484297b2cf7",
	  "c: 'usd' is not a currency code" },
	{ "x/pay?a=A1&m=1&c=USD&x=2&s=A542AD78092E470BDF9CD3AF4D5625433E0D7DBAA55FCF6F635D7484297B2CF7",
	  "s: must be 64 lowercase hex" },
	{ "x/pay?a=A1&m=1&c=USD&x=2&s=a542", "s: too short" },
	{ "x/pay?a=A1&m=1&c=USD&x=2&s=a542ad78092e470bdf9cd3af4d5625433e0d7dbaa55fcf6f635d7484297b2cf7&",
	  "the link ends with '&'" },
	{ "x/pay?a=A1&&m=1", "'': only a, m, c, x and s" },
	{ "x/pay?a=A123456789012345678901234&m=1", "a: too long" },
};

START_TEST(test_malformed)
{
	struct paylink p;
	struct err e;

	ck_assert_int_eq(paylink_verify(key, malformed[_i].link, 1, &p, &e), PAYLINK_MALFORMED);
	ck_assert_msg(strncmp(e.msg, malformed[_i].reason, strlen(malformed[_i].reason)) == 0,
		      "%s: said '%s', wanted '%s...'", malformed[_i].link, e.msg, malformed[_i].reason);
}
END_TEST

START_TEST(test_make_refuses)
{
	struct paylink p = sample;
	char buf[256];
	struct err e;

	p.amount = 0;
	ck_assert_int_eq(paylink_make(key, "https://x", &p, buf, sizeof buf, &e), -1);
	ck_assert_str_eq(e.msg, "m: the amount must be 1 to 999999999999999 cents");
	p = sample;
	snprintf(p.account, sizeof p.account, "A 1");
	ck_assert_int_eq(paylink_make(key, "https://x", &p, buf, sizeof buf, &e), -1);
	p = sample;
	ck_assert_int_eq(paylink_make(key, "https://x?y=1", &p, buf, sizeof buf, &e), -1);
	ck_assert_int_eq(paylink_make(key, "", &p, buf, sizeof buf, &e), -1);
	ck_assert_int_eq(paylink_make(key, "https://x", &p, buf, 40, &e), -1);
	ck_assert_str_eq(e.msg, "the link is longer than 39 bytes");
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("paylink");
	TCase *tc = tcase_create("core");

	tcase_add_unchecked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_known_answer);
	tcase_add_test(tc, test_verify_good);
	tcase_add_test(tc, test_expired);
	tcase_add_loop_test(tc, test_tampered, 0, sizeof tampered / sizeof tampered[0]);
	tcase_add_test(tc, test_other_key);
	tcase_add_loop_test(tc, test_malformed, 0, sizeof malformed / sizeof malformed[0]);
	tcase_add_test(tc, test_make_refuses);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(suite());
}
