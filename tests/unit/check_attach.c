/* check_attach - device keys (the key file, signing and verifying chain heads), blob hashing,
 * the attachment body's checks, and the server's resumable blob files. */
#include "config.h"

#include <sodium.h>
#include <sys/stat.h>

#include "testutil.h"

#include "attach.h"
#include "blobs.h"
#include "device_key.h"
#include "wire.h"

static const char hash_a[] = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
static const char zeros[] = "0000000000000000000000000000000000000000000000000000000000000000";

START_TEST(test_key_file_made_once_0600)
{
	char dir[256], cache[300], path[320], pk1[DEVICE_KEY_HEX], pk2[DEVICE_KEY_HEX];
	struct device_key k;
	struct stat st;
	struct err e;

	tmpdir_make(dir, sizeof dir);
	snprintf(cache, sizeof cache, "%s/cache.db", dir);
	ck_assert_int_eq(device_key_load(cache, 0, &k, &e), 1);	/* none, and none made */
	ck_assert_int_eq(device_key_load(cache, 1, &k, &e), 0);
	device_key_public_hex(&k, pk1);
	snprintf(path, sizeof path, "%s.key", cache);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(device_key_load(cache, 1, &k, &e), 0);	/* read back, not made anew */
	device_key_public_hex(&k, pk2);
	ck_assert_str_eq(pk1, pk2);
	ck_assert_int_eq(chmod(path, 0644), 0);
	ck_assert_int_eq(device_key_load(cache, 1, &k, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "0600"));
	ck_assert_int_eq(chmod(path, 0600), 0);
	write_file(path, "not hex\n");
	ck_assert_int_eq(chmod(path, 0600), 0);
	ck_assert_int_eq(device_key_load(cache, 1, &k, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "not a device key"));
	tmpdir_remove(dir);
}
END_TEST

START_TEST(test_head_signature_verifies_and_tampering_fails)
{
	struct device_key k, other;
	char pk[DEVICE_KEY_HEX], opk[DEVICE_KEY_HEX], sig[DEVICE_SIG_HEX], bad[DEVICE_SIG_HEX];
	char hash_b[65];
	struct err e;

	crypto_sign_keypair(k.pk, k.sk);
	crypto_sign_keypair(other.pk, other.sk);
	device_key_public_hex(&k, pk);
	device_key_public_hex(&other, opk);
	ck_assert_int_eq(device_key_sign_head(&k, "laptop-7", 12, hash_a, sig, &e), 0);
	ck_assert_int_eq(strlen(sig), 128);
	ck_assert_int_eq(device_key_verify_head(pk, "laptop-7", 12, hash_a, sig, &e), 0);
	/* any part of the head changed, or another key: refused */
	ck_assert_int_eq(device_key_verify_head(pk, "laptop-8", 12, hash_a, sig, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "does not verify"));
	ck_assert_int_eq(device_key_verify_head(pk, "laptop-7", 13, hash_a, sig, &e), -1);
	snprintf(hash_b, sizeof hash_b, "%s", hash_a);
	hash_b[0] = '8';
	ck_assert_int_eq(device_key_verify_head(pk, "laptop-7", 12, hash_b, sig, &e), -1);
	ck_assert_int_eq(device_key_verify_head(opk, "laptop-7", 12, hash_a, sig, &e), -1);
	snprintf(bad, sizeof bad, "%s", sig);
	bad[10] = bad[10] == '0' ? '1' : '0';
	ck_assert_int_eq(device_key_verify_head(pk, "laptop-7", 12, hash_a, bad, &e), -1);
	/* malformed inputs are named, never crash */
	ck_assert_int_eq(device_key_verify_head("xyz", "laptop-7", 12, hash_a, sig, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "public key"));
	ck_assert_int_eq(device_key_verify_head(pk, "laptop-7", 12, hash_a, "00", &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "signature"));
	ck_assert_int_eq(device_key_verify_head(pk, "lap top", 12, hash_a, sig, &e), -1);
	ck_assert_int_eq(device_key_sign_head(&k, "laptop-7", 0, hash_a, sig, &e), -1);
	ck_assert_int_eq(device_key_sign_head(&k, "laptop-7", 1, "ABC", sig, &e), -1);
	device_key_wipe(&k);
}
END_TEST

START_TEST(test_file_hash)
{
	char dir[256], path[300], hex[65];
	int64_t size;
	struct err e;

	tmpdir_make(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/f", dir);
	write_file(path, "test");
	ck_assert_int_eq(attach_sha256_file(path, hex, &size, &e), 0);
	ck_assert_str_eq(hex, hash_a);
	ck_assert_int_eq(size, 4);
	write_file(path, "");
	ck_assert_int_eq(attach_sha256_file(path, hex, &size, &e), 0);
	ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	ck_assert_int_eq(size, 0);
	ck_assert_int_eq(attach_sha256_file(dir, hex, &size, &e), -1);	/* a directory */
	ck_assert_ptr_nonnull(strstr(e.msg, "not a regular file"));
	ck_assert_str_eq(attach_mime_guess("Visit.JPG"), "image/jpeg");
	ck_assert_str_eq(attach_mime_guess("letter.pdf"), "application/pdf");
	ck_assert_str_eq(attach_mime_guess("noext"), "application/octet-stream");
	tmpdir_remove(dir);
}
END_TEST

START_TEST(test_attachment_body_checked)
{
	struct wire_attachment a;
	struct err e;
	char body[400];

	snprintf(body, sizeof body, "{\"mime\":\"image/png\",\"name\":\"a.png\",\"sha256\":\"%s\","
		 "\"size\":4}", hash_a);
	ck_assert_int_eq(wire_attachment_decode(body, &a, &e), 0);
	ck_assert_int_eq(a.size, 4);
	ck_assert_str_eq(a.note, "");
	snprintf(body, sizeof body, "{\"mime\":\"image/png\",\"name\":\"a/b.png\",\"sha256\":\"%s\","
		 "\"size\":4}", hash_a);
	ck_assert_int_eq(wire_attachment_decode(body, &a, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "$.body.name"));
	snprintf(body, sizeof body, "{\"mime\":\"png\",\"name\":\"a.png\",\"sha256\":\"%s\","
		 "\"size\":4}", hash_a);
	ck_assert_int_eq(wire_attachment_decode(body, &a, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "$.body.mime"));
	ck_assert_int_eq(wire_attachment_decode("{\"mime\":\"a/b\",\"name\":\"x\",\"sha256\":\"AB\","
						"\"size\":4}", &a, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "$.body.sha256"));
	snprintf(body, sizeof body, "{\"mime\":\"a/b\",\"name\":\"x\",\"sha256\":\"%s\",\"size\":-1}",
		 hash_a);
	ck_assert_int_eq(wire_attachment_decode(body, &a, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "$.body.size"));
	ck_assert_int_eq(wire_attachment_decode("[1]", &a, &e), -1);
}
END_TEST

START_TEST(test_heads_round_trip_and_errors_name_the_path)
{
	struct wire_head h = { .device = "laptop-7", .seq = 3 }, *out;
	json_t *batch = json_object(), *bad;
	size_t n;
	struct err e;

	snprintf(h.hash, sizeof h.hash, "%s", hash_a);
	memset(h.signature, 'a', 128);
	json_object_set_new(batch, "heads", wire_heads_encode(&h, 1));
	ck_assert_int_eq(wire_heads_decode(batch, 10, &out, &n, &e), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(out[0].device, "laptop-7");
	ck_assert_int_eq(out[0].seq, 3);
	ck_assert_str_eq(out[0].signature, h.signature);
	free(out);
	ck_assert_int_eq(wire_heads_decode(batch, 0, &out, &n, &e), -1);	/* over the limit */
	json_decref(batch);
	bad = json_pack("{s:[{s:s, s:i, s:s, s:s}]}", "heads", "device", "d", "seq", 0, "hash",
			hash_a, "signature", "00");
	ck_assert_int_eq(wire_heads_decode(bad, 10, &out, &n, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "$.heads[0].seq"));
	json_decref(bad);
	bad = json_pack("{s:[{s:s, s:i, s:s, s:s}]}", "heads", "device", "d", "seq", 1, "hash",
			"XYZ", "signature", "00");
	ck_assert_int_eq(wire_heads_decode(bad, 10, &out, &n, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "$.heads[0].hash"));
	json_decref(bad);
	bad = json_pack("{s:i}", "heads", 1);
	ck_assert_int_eq(wire_heads_decode(bad, 10, &out, &n, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "$.heads"));
	json_decref(bad);
	bad = json_object();	/* no heads: an unsigned batch, decoded as none */
	ck_assert_int_eq(wire_heads_decode(bad, 10, &out, &n, &e), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(out);
	json_decref(bad);
}
END_TEST

START_TEST(test_blob_upload_resumes_and_checks_the_hash)
{
	char dir[256], bdir[300], path[400];
	struct blobs *b;
	int64_t held, size;
	int complete, fd;
	struct err e;

	tmpdir_make(dir, sizeof dir);
	snprintf(bdir, sizeof bdir, "%s/blobs", dir);
	ck_assert_int_eq(blobs_open(bdir, &b, &e), 0);
	ck_assert(!blobs_name_valid("abc"));
	ck_assert(blobs_name_valid(hash_a));
	ck_assert_int_eq(blobs_put(b, "ann", hash_a, 4, 0, "te", 2, &held, &e), BLOBS_PARTIAL);
	ck_assert_int_eq(held, 2);
	/* another user's upload is their own */
	ck_assert_int_eq(blobs_status(b, "bob", hash_a, &held, &complete, &e), 0);
	ck_assert_int_eq(held, 0);
	ck_assert_int_eq(blobs_status(b, "ann", hash_a, &held, &complete, &e), 0);
	ck_assert_int_eq(held, 2);
	ck_assert_int_eq(complete, 0);
	ck_assert_int_eq(blobs_open_read(b, hash_a, &fd, &size, &e), 1);	/* not whole yet */
	ck_assert_int_eq(blobs_put(b, "ann", hash_a, 4, 0, "te", 2, &held, &e), BLOBS_BAD_OFFSET);
	ck_assert_int_eq(held, 2);
	ck_assert_int_eq(blobs_put(b, "ann", hash_a, 4, 2, "stX", 3, &held, &e), BLOBS_TOO_LONG);
	ck_assert_int_eq(blobs_put(b, "ann", hash_a, 4, 2, "st", 2, &held, &e), BLOBS_COMPLETE);
	ck_assert_int_eq(blobs_status(b, "ann", hash_a, &held, &complete, &e), 0);
	ck_assert_int_eq(held, 4);
	ck_assert_int_eq(complete, 1);
	snprintf(path, sizeof path, "%s/9f/%s", bdir, hash_a);
	ck_assert_int_eq(access(path, R_OK), 0);
	ck_assert_int_eq(blobs_open_read(b, hash_a, &fd, &size, &e), 0);
	ck_assert_int_eq(size, 4);
	close(fd);
	/* a complete blob is complete for anyone who may send it */
	ck_assert_int_eq(blobs_put(b, "bob", hash_a, 4, 0, "xx", 2, &held, &e), BLOBS_COMPLETE);
	/* bytes that do not hash to the name are discarded */
	ck_assert_int_eq(blobs_put(b, "ann", zeros, 4, 0, "test", 4, &held, &e), BLOBS_MISMATCH);
	ck_assert_int_eq(held, 0);
	ck_assert_int_eq(blobs_status(b, "ann", zeros, &held, &complete, &e), 0);
	ck_assert_int_eq(held, 0);
	ck_assert_int_eq(complete, 0);
	blobs_free(&b);
	ck_assert_ptr_null(b);
	tmpdir_remove(dir);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("attach");
	TCase *tc = tcase_create("core");

	if (sodium_init() < 0)
		return EXIT_FAILURE;
	tcase_add_test(tc, test_key_file_made_once_0600);
	tcase_add_test(tc, test_head_signature_verifies_and_tampering_fails);
	tcase_add_test(tc, test_file_hash);
	tcase_add_test(tc, test_attachment_body_checked);
	tcase_add_test(tc, test_heads_round_trip_and_errors_name_the_path);
	tcase_add_test(tc, test_blob_upload_resumes_and_checks_the_hash);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
