/* check_send - what the message providers build and keep: RFC 5322 messages (RFC 2047
 * subjects, quoted-printable bodies), the SMS body template, secret files and dead letters. */
#include "config.h"

#include <jansson.h>
#include <sodium.h>
#include <sys/stat.h>

#include "testutil.h"

#include "dead_letter.h"
#include "mail_message.h"
#include "secret_file.h"
#include "sms_body.h"

static char *
written(int (*fn)(FILE *, const char *), const char *text, int *rc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	*rc = fn(f, text);
	ck_assert_int_eq(fclose(f), 0);
	return buf;
}

/* Decodes quoted-printable as a mail reader would: soft breaks joined, CRLF to LF. */
static char *
qp_decode(const char *qp)
{
	char *out = calloc(1, strlen(qp) + 1), *o = out;

	for (const char *p = qp; *p != '\0';) {
		if (p[0] == '=' && p[1] == '\r' && p[2] == '\n') {
			p += 3;
		} else if (p[0] == '=') {
			unsigned v;
			ck_assert_int_eq(sscanf(p + 1, "%2X", &v), 1);
			*o++ = (char)v;
			p += 3;
		} else if (p[0] == '\r' && p[1] == '\n') {
			*o++ = '\n';
			p += 2;
		} else {
			*o++ = *p++;
		}
	}
	return out;
}

static void
assert_lines_at_most(const char *text, size_t max)
{
	for (const char *p = text; *p != '\0';) {
		const char *end = strstr(p, "\r\n");

		ck_assert_ptr_nonnull(end);	/* every line ends in CRLF */
		ck_assert_msg((size_t)(end - p) <= max, "line of %zu: %.*s", (size_t)(end - p),
			      (int)(end - p), p);
		ck_assert_ptr_null(memchr(p, '\n', (size_t)(end - p)));
		p = end + 2;
	}
}

START_TEST(test_subject_plain_and_encoded)
{
	char *s;
	int rc;

	s = written(mail_subject_write, "Your payment plan", &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(s, "Subject: Your payment plan\r\n");
	free(s);
	s = written(mail_subject_write, "Zahlung f\xc3\xa4llig", &rc);
	ck_assert_str_eq(s, "Subject: =?UTF-8?B?WmFobHVuZyBmw6RsbGln?=\r\n");
	free(s);
	/* "=?" in plain text would be read as an encoded word */
	s = written(mail_subject_write, "a =?b", &rc);
	ck_assert_str_eq(s, "Subject: =?UTF-8?B?YSA9P2I=?=\r\n");
	free(s);
	s = written(mail_subject_write, "bad \xc3(", &rc);
	ck_assert_int_eq(rc, -1);
	free(s);
}
END_TEST

/* A long non-ASCII subject: folded words of at most 75 characters, none splitting a
 * character, that decode back to the subject. */
START_TEST(test_subject_folded_words)
{
	char subject[400] = "", joined[400] = "", *s, *line;
	unsigned char bin[64];
	size_t n;
	int rc;

	for (int i = 0; i < 40; i++)
		strcat(subject, "\xc3\xa9t\xe2\x82\xac");	/* é t € */
	s = written(mail_subject_write, subject, &rc);
	ck_assert_int_eq(rc, 0);
	assert_lines_at_most(s, 76);
	for (line = strstr(s, "=?UTF-8?B?"); line != NULL; line = strstr(line + 1, "=?UTF-8?B?")) {
		const char *b64 = line + 10, *end = strstr(b64, "?=");
		char one[64] = "";

		ck_assert_int_le(end + 2 - line, 75);
		ck_assert_int_eq(sodium_base642bin(bin, sizeof bin, b64, (size_t)(end - b64), NULL,
						   &n, NULL, sodium_base64_VARIANT_ORIGINAL), 0);
		memcpy(one, bin, n);
		/* each word is whole UTF-8 on its own: it starts on a lead byte */
		ck_assert((bin[0] & 0xc0) != 0x80);
		ck_assert((bin[n - 1] & 0x80) == 0 || (bin[n - 1] & 0xc0) == 0x80);
		strcat(joined, one);
	}
	ck_assert_str_eq(joined, subject);
	free(s);
}
END_TEST

START_TEST(test_quoted_printable)
{
	char body[300], *s, *d;
	int rc;

	s = written(mail_qp_write, "a=b \xc3\xbc\nend \nlast\ttab\t", &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(s, "a=3Db =C3=BC\r\nend=20\r\nlast\ttab=09\r\n");
	free(s);
	s = written(mail_qp_write, "one\r\ntwo\rthree\n", &rc);
	ck_assert_str_eq(s, "one\r\ntwo\r\nthree\r\n");
	free(s);
	memset(body, 'x', 200);
	strcpy(body + 200, " \xc3\xa9=\n");
	s = written(mail_qp_write, body, &rc);
	assert_lines_at_most(s, 76);
	ck_assert_ptr_nonnull(strstr(s, "=\r\n"));
	d = qp_decode(s);
	ck_assert_str_eq(d, body);
	free(d);
	free(s);
	s = written(mail_qp_write, "\xff", &rc);
	ck_assert_int_eq(rc, -1);
	free(s);
}
END_TEST

START_TEST(test_message_headers)
{
	struct mail_parts p = { .from = "Arrears Team <collect@example.org>", .to = "ana@example.com",
				.subject = "Recordatorio de pago \xe2\x80\x94 cuenta 42",
				.body = "Hola Ana,\n\nsu pago de 50 \xe2\x82\xac vence hoy.\n",
				.id = "3f2b7c1e-0d4a-4e8b-9a51-6c7d8e9f0a1b", .date = 1700000000 };
	struct err e;
	char *m = mail_message_build(&p, &e), *body;

	ck_assert_ptr_nonnull(m);
	ck_assert(strncmp(m, "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n", 39) == 0);
	ck_assert_ptr_nonnull(strstr(m, "\r\nFrom: Arrears Team <collect@example.org>\r\n"));
	ck_assert_ptr_nonnull(strstr(m, "\r\nTo: ana@example.com\r\n"));
	ck_assert_ptr_nonnull(strstr(m, "\r\nSubject: =?UTF-8?B?"));
	ck_assert_ptr_nonnull(strstr(m, "\r\nMessage-ID: <3f2b7c1e-0d4a-4e8b-9a51-6c7d8e9f0a1b"
				       "@example.org>\r\n"));
	ck_assert_ptr_nonnull(strstr(m, "\r\nMIME-Version: 1.0\r\n"));
	ck_assert_ptr_nonnull(strstr(m, "\r\nContent-Type: text/plain; charset=UTF-8\r\n"));
	ck_assert_ptr_nonnull(strstr(m, "\r\nContent-Transfer-Encoding: quoted-printable\r\n"));
	assert_lines_at_most(m, 78);
	body = strstr(m, "\r\n\r\n");
	ck_assert_ptr_nonnull(body);
	ck_assert_str_eq(body + 4, "Hola Ana,\r\n\r\nsu pago de 50 =E2=82=AC vence hoy.\r\n");
	free(m);
}
END_TEST

START_TEST(test_message_refusals)
{
	struct mail_parts p = { .from = "collect@example.org", .to = "ana@example.com",
				.subject = "s", .body = "b", .id = "a b/c", .date = 0 };
	struct err e;
	char *m;

	/* an id that is not a safe dot-atom becomes a hash, the same each time */
	m = mail_message_build(&p, &e);
	ck_assert_ptr_nonnull(m);
	ck_assert_ptr_null(strstr(m, "a b/c"));
	ck_assert_ptr_nonnull(strstr(m, "Message-ID: <"));
	free(m);
	p.to = "ana@example.com\r\nBcc: x@y";
	ck_assert_ptr_null(mail_message_build(&p, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "not an email address"));
	p.to = "ana@example.com";
	p.from = "Team <collect@example.org>\r\nBcc: x@y";
	ck_assert_ptr_null(mail_message_build(&p, &e));
	p.from = "collect@example.org";
	p.body = "bad \xc0\xaf";
	ck_assert_ptr_null(mail_message_build(&p, &e));
	ck_assert_str_eq(e.msg, "the body is not valid UTF-8");
	ck_assert(mail_address_valid("a.b+c@d.example"));
	ck_assert(!mail_address_valid("a@b@c"));
	ck_assert(!mail_address_valid("@b"));
	ck_assert(!mail_address_valid("a b@c"));
	ck_assert(!mail_address_valid("<a@b>"));
}
END_TEST

#define SMS_TEMPLATE "{\"to\": \"{to}\", \"text\": \"{text}\", \"ref\": \"{id}\"}"

START_TEST(test_sms_body_escapes)
{
	const char *text = "Say \"hi\"\nto Jos\xc3\xa9 \\ {to} </script>";
	json_error_t je;
	struct err e;
	json_t *doc;
	char *body = sms_body_fill(SMS_TEMPLATE, "+15550100", text, "id-1", &e);

	ck_assert_ptr_nonnull(body);
	ck_assert_str_eq(body, "{\"to\": \"+15550100\", \"text\": \"Say \\\"hi\\\"\\nto Jos\xc3\xa9 "
			       "\\\\ {to} </script>\", \"ref\": \"id-1\"}");
	doc = json_loads(body, 0, &je);
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "text")), text);
	json_decref(doc);
	free(body);
	ck_assert_ptr_null(sms_body_fill(SMS_TEMPLATE, "+15550100", "\xe9t\xe9", "x", &e));
	ck_assert_str_eq(e.msg, "the text is not valid UTF-8");
}
END_TEST

START_TEST(test_sms_body_check)
{
	struct err e;

	ck_assert_int_eq(sms_body_check(SMS_TEMPLATE, &e), 0);
	ck_assert_int_eq(sms_body_check("{\"msg\": {\"to\": \"{to}\", \"body\": \"{text}\"}}", &e),
			 0);
	ck_assert_int_eq(sms_body_check("{\"to\": \"{to}\", \"text\": \"{txt}\"}", &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "{to} and {text}"));
	ck_assert_int_eq(sms_body_check("{\"to\": \"{to}\", \"text\": \"{text}\", \"x\": \"{name}\"}",
					&e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "unknown placeholder {name}"));
	ck_assert_int_eq(sms_body_check("{\"to\": {to}, \"text\": \"{text}\"}", &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "not JSON once filled"));
	ck_assert_int_eq(sms_body_check("[\"{to}\", \"{text}\"]", &e), -1);
	ck_assert_str_eq(e.msg, "sms_body: must be a JSON object");
}
END_TEST

START_TEST(test_secret_file)
{
	char dir[256], path[300], buf[64];
	struct err e;

	tmpdir_make(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/pw", dir);
	write_file(path, "s3cret\n");
	ck_assert_int_eq(chmod(path, 0640), 0);
	ck_assert_int_eq(secret_file_read(path, buf, sizeof buf, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "must be 0600"));
	ck_assert_int_eq(chmod(path, 0600), 0);
	ck_assert_int_eq(secret_file_read(path, buf, sizeof buf, &e), 0);
	ck_assert_str_eq(buf, "s3cret");
	write_file(path, "one\ntwo\n");
	ck_assert_int_eq(secret_file_read(path, buf, sizeof buf, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "one line"));
	tmpdir_remove(dir);
}
END_TEST

START_TEST(test_dead_letters)
{
	struct send_message m = { .channel = SEND_EMAIL, .to = "ana@example.com",
				  .subject = "S\xc3\xa9", .body = "B\n", .dispatch_id = "d-1" };
	char dir[256], spool[300], path[400];
	struct dead_letter d;
	struct stat st;
	struct err e;

	tmpdir_make(dir, sizeof dir);
	snprintf(spool, sizeof spool, "%s/spool", dir);
	ck_assert_int_eq(dead_letter_dir_prepare(spool, &e), 0);
	ck_assert_int_eq(stat(spool, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0700);
	ck_assert_int_eq(dead_letter_put(spool, &m, 1, "RCPT: 450 busy", 1000, &e), 0);
	ck_assert_int_eq(dead_letter_put(spool, &m, 2, "RCPT: 550 no such user", 2000, &e), 0);
	snprintf(path, sizeof path, "%s/d-1.json", spool);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(dead_letter_load(spool, "d-1", &d, &e), 0);
	ck_assert_int_eq(d.attempts, 2);
	ck_assert_int_eq(d.first_failed, 1000);
	ck_assert_int_eq(d.last_failed, 2000);
	ck_assert_int_eq(d.for_good, 1);
	ck_assert_str_eq(d.reason, "RCPT: 550 no such user");
	ck_assert_str_eq(d.subject, "S\xc3\xa9");
	dead_letter_clear(&d);
	ck_assert_int_eq(dead_letter_remove(spool, "d-1", &e), 0);
	ck_assert_int_eq(dead_letter_load(spool, "d-1", &d, &e), 1);
	/* a broken entry is named */
	write_file(path, "{\"id\": 1}\n");
	ck_assert_int_eq(dead_letter_load(spool, "d-1", &d, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "d-1.json: not a dead letter"));
	ck_assert_int_eq(chmod(spool, 0755), 0);
	ck_assert_int_eq(dead_letter_dir_prepare(spool, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "must be 0700"));
	tmpdir_remove(dir);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("send");
	TCase *tc = tcase_create("send");

	tcase_add_test(tc, test_subject_plain_and_encoded);
	tcase_add_test(tc, test_subject_folded_words);
	tcase_add_test(tc, test_quoted_printable);
	tcase_add_test(tc, test_message_headers);
	tcase_add_test(tc, test_message_refusals);
	tcase_add_test(tc, test_sms_body_escapes);
	tcase_add_test(tc, test_sms_body_check);
	tcase_add_test(tc, test_secret_file);
	tcase_add_test(tc, test_dead_letters);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
