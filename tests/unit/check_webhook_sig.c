/* check_webhook_sig.c - gateway notification signatures: a known answer from another HMAC
 * implementation (openssl dgst), good, forged body, wrong secret, stale, future, malformed. */
#include "config.h"

#include <sodium.h>

#include "testutil.h"
#include "webhook_sig.h"

static const unsigned char secret[] = "whsec_test_secret_0123456789";
#define SECRET_LEN (sizeof secret - 1)
static const char body[] = "{\"reference\":\"R1\"}";
#define BODY_LEN (sizeof body - 1)
/* printf '1790000000.{"reference":"R1"}' | openssl dgst -sha256 -hmac whsec_test_secret_0123456789 */
static const char known[] =
	"t=1790000000,v1=f7c851c58e8be4b407c877731c0909454d2c21291ecb8f209cbc8f836f48341f";

static void
setup(void)
{
	ck_assert_int_ge(sodium_init(), 0);
}

static enum webhook_verdict
verify(const char *header, const char *b, int64_t now, struct err *e)
{
	return webhook_verify(secret, SECRET_LEN, header, b, strlen(b), now, 300, e);
}

START_TEST(test_known_answer)
{
	char h[WEBHOOK_HEADER_LEN];

	webhook_sign(secret, SECRET_LEN, 1790000000, body, BODY_LEN, h);
	ck_assert_str_eq(h, known);
}
END_TEST

START_TEST(test_good)
{
	struct err e;

	ck_assert_int_eq(verify(known, body, 1790000000, &e), WEBHOOK_OK);
	/* at either edge of the tolerance */
	ck_assert_int_eq(verify(known, body, 1790000300, &e), WEBHOOK_OK);
	ck_assert_int_eq(verify(known, body, 1789999700, &e), WEBHOOK_OK);
	/* items of other schemes are passed over; any matching v1 will do (secret rotation) */
	ck_assert_int_eq(verify("v0=abc,t=1790000000,v1=0000000000000000000000000000000000000000"
				"000000000000000000000000,v1=f7c851c58e8be4b407c877731c0909454d2c"
				"21291ecb8f209cbc8f836f48341f", body, 1790000000, &e), WEBHOOK_OK);
}
END_TEST

START_TEST(test_forged_body)
{
	struct err e;

	ck_assert_int_eq(verify(known, "{\"reference\":\"R2\"}", 1790000000, &e), WEBHOOK_FORGED);
	ck_assert_str_eq(e.msg, "the signature does not match the body under the shared secret");
	/* the time is signed too: the same v1 with another t is forged */
	ck_assert_int_eq(verify("t=1790000001,v1=f7c851c58e8be4b407c877731c0909454d2c21291ecb8f209c"
				"bc8f836f48341f", body, 1790000000, &e), WEBHOOK_FORGED);
}
END_TEST

START_TEST(test_wrong_secret)
{
	static const unsigned char other[] = "whsec_test_secret_0123456788";
	struct err e;

	ck_assert_int_eq(webhook_verify(other, sizeof other - 1, known, body, BODY_LEN, 1790000000,
					300, &e), WEBHOOK_FORGED);
	ck_assert_ptr_null(strstr(e.msg, "whsec"));
}
END_TEST

START_TEST(test_stale_and_future)
{
	struct err e;

	ck_assert_int_eq(verify(known, body, 1790000301, &e), WEBHOOK_STALE);
	ck_assert_str_eq(e.msg, "the signature's time is 301 s before now, over the tolerance of 300 s");
	ck_assert_int_eq(verify(known, body, 1789999699, &e), WEBHOOK_STALE);
	ck_assert_str_eq(e.msg, "the signature's time is 301 s after now, over the tolerance of 300 s");
}
END_TEST

/* Malformed headers and the start of the reason each must give. */
static const struct {
	const char *header, *reason;
} malformed[] = {
	{ NULL, "no X-Arrears-Signature header" },
	{ "", "signature header: needs t=UNIX and v1=HEX" },
	{ "t=1790000000", "signature header: needs t=UNIX and v1=HEX" },
	{ "v1=f7c851c58e8be4b407c877731c0909454d2c21291ecb8f209cbc8f836f48341f",
	  "signature header: needs t=UNIX and v1=HEX" },
	{ "t=17900x0000,v1=f7c851c58e8be4b407c877731c0909454d2c21291ecb8f209cbc8f836f48341f",
	  "signature header: t must be a Unix time" },
	{ "t=-5,v1=f7c851c58e8be4b407c877731c0909454d2c21291ecb8f209cbc8f836f48341f",
	  "signature header: t must be a Unix time" },
	{ "t=1,t=2,v1=f7c851c58e8be4b407c877731c0909454d2c21291ecb8f209cbc8f836f48341f",
	  "signature header: t given twice" },
	{ "t=1790000000,v1=F7C851C58E8BE4B407C877731C0909454D2C21291ECB8F209CBC8F836F48341F",
	  "signature header: v1 must be 64 lowercase hex" },
	{ "t=1790000000,v1=f7c8", "signature header: v1 must be 64 lowercase hex" },
	{ "t=1790000000;v1=f7c851c58e8be4b407c877731c0909454d2c21291ecb8f209cbc8f836f48341f",
	  "signature header: t must be a Unix time" },
	{ "sha256=abc", "signature header: needs t=UNIX and v1=HEX" },
	{ "garbage", "signature header: 'garbage' is not KEY=VALUE" },
};

START_TEST(test_malformed)
{
	struct err e;

	ck_assert_int_eq(verify(malformed[_i].header, body, 1790000000, &e), WEBHOOK_MALFORMED);
	ck_assert_msg(strncmp(e.msg, malformed[_i].reason, strlen(malformed[_i].reason)) == 0,
		      "%s: said '%s', wanted '%s...'", malformed[_i].header ? malformed[_i].header : "NULL",
		      e.msg, malformed[_i].reason);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("webhook_sig");
	TCase *tc = tcase_create("core");

	tcase_add_unchecked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_known_answer);
	tcase_add_test(tc, test_good);
	tcase_add_test(tc, test_forged_body);
	tcase_add_test(tc, test_wrong_secret);
	tcase_add_test(tc, test_stale_and_future);
	tcase_add_loop_test(tc, test_malformed, 0, sizeof malformed / sizeof malformed[0]);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(suite());
}
