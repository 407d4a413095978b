/* attach.c - attachments: hashing, the cache's own copy of each file, the event and the
 * upload queue. The copy is what gets uploaded, so a photo moved or deleted after `arrears
 * attach` is still delivered, and its bytes are the ones the evidence names. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attach.h"
#include "contactability.h"
#include "evidence.h"
#include "paths.h"
#include "store.h"
#include "wire.h"

int
attach_blob_path(const char *cache, const char *sha, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s.blobs/%s", cache, sha);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

const char *
attach_mime_guess(const char *name)
{
	static const struct {
		const char *ext, *mime;
	} types[] = {
		{ "jpg", "image/jpeg" }, { "jpeg", "image/jpeg" }, { "png", "image/png" },
		{ "gif", "image/gif" }, { "webp", "image/webp" }, { "heic", "image/heic" },
		{ "tif", "image/tiff" }, { "tiff", "image/tiff" }, { "pdf", "application/pdf" },
		{ "txt", "text/plain" }, { "csv", "text/csv" }, { "html", "text/html" },
		{ "eml", "message/rfc822" }, { "doc", "application/msword" },
		{ "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
		{ "odt", "application/vnd.oasis.opendocument.text" }, { "mp3", "audio/mpeg" },
		{ "wav", "audio/wav" }, { "m4a", "audio/mp4" }, { "mp4", "video/mp4" },
	};
	const char *dot = strrchr(name, '.');

	if (dot != NULL)
		for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
			if (strcasecmp(dot + 1, types[i].ext) == 0)
				return types[i].mime;
	return "application/octet-stream";
}

/* Streams fd into the hash and, when out >= 0, into out. */
static int
copy_hash(int fd, int out, const char *path, char hex[65], int64_t *size, struct err *e)
{
	crypto_hash_sha256_state st;
	unsigned char buf[65536], d[crypto_hash_sha256_BYTES];
	ssize_t n;

	*size = 0;
	crypto_hash_sha256_init(&st);
	while ((n = read(fd, buf, sizeof buf)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return err_set(e, "%s: %s", path, strerror(errno));
		}
		crypto_hash_sha256_update(&st, buf, (unsigned long long)n);
		*size += n;
		if (out >= 0 && write(out, buf, (size_t)n) != n)
			return err_set(e, "copying %s: %s", path, strerror(errno));
	}
	crypto_hash_sha256_final(&st, d);
	sodium_bin2hex(hex, 65, d, sizeof d);
	return 0;
}

/* Opens a regular file for reading; a directory or device is refused by name. */
static int
open_regular(const char *path, struct err *e)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return err_set(e, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(e, "%s: not a regular file", path);
	}
	return fd;
}

int
attach_sha256_file(const char *path, char hex[65], int64_t *size, struct err *e)
{
	int fd = open_regular(path, e), rc;

	if (fd < 0)
		return -1;
	rc = copy_hash(fd, -1, path, hex, size, e);
	close(fd);
	return rc;
}

/* Copies the file into CACHE.blobs/ under its hash: written to a temporary name, fsync'd,
 * renamed, the directory fsync'd; so a copy that exists is whole. */
static int
keep_copy(const char *cache, const char *file, char hex[65], int64_t *size, struct err *e)
{
	char dir[4096], tmp[4200], path[4200];
	int in, out = -1, rc = -1, dfd;

	if (snprintf(dir, sizeof dir, "%s.blobs", cache) >= (int)sizeof dir)
		return err_set(e, "cache path too long");
	if (paths_mkdir_p(dir, 0700, e) != 0)
		return -1;
	if ((in = open_regular(file, e)) < 0)
		return -1;
	snprintf(tmp, sizeof tmp, "%s/.new-XXXXXX", dir);
	if ((out = mkstemp(tmp)) < 0) {
		err_set(e, "%s: %s", dir, strerror(errno));
		goto out;
	}
	if (copy_hash(in, out, file, hex, size, e) != 0)
		goto out;
	if (fsync(out) != 0 || attach_blob_path(cache, hex, path, sizeof path) != 0 ||
	    rename(tmp, path) != 0) {
		err_set(e, "%s: %s", dir, strerror(errno));
		goto out;
	}
	tmp[0] = '\0';
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(dfd);
		close(dfd);
	}
	rc = 0;
out:
	if (out >= 0)
		close(out);
	if (tmp[0] != '\0' && out >= 0)
		unlink(tmp);
	close(in);
	return rc;
}

static const char *
base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL ? slash + 1 : path;
}

int
attach_add(struct store *s, const struct attach_request *r, struct event *out, struct err *e)
{
	const char *name = r->name != NULL ? r->name : base_name(r->file);
	const char *mime = r->mime != NULL ? r->mime : attach_mime_guess(name);
	struct account acct;
	struct event_draft d = { .user = r->user, .account_id = r->account_id,
				 .kind = "attachment", .at = r->at };
	char sha[65], device[40], *text = NULL;
	sqlite3_stmt *st = NULL;
	struct event ev = { .body = NULL };
	json_t *body;
	int64_t size;
	int rc;

	if (!wire_attachment_name_valid(name))
		return err_set(e, "name '%s': must be 1 to 255 bytes, no '/' or control characters",
			       name);
	if (!wire_mime_valid(mime))
		return err_set(e, "mime '%s': must be a media type such as image/jpeg", mime);
	if (r->note != NULL && strlen(r->note) > 1000)
		return err_set(e, "note: longer than 1000 bytes");
	if ((rc = store_account_get(s, r->account_id, &acct, e)) != 0)
		return rc > 0 ? err_set(e, "no account %s in the cache", r->account_id) : -1;
	if (keep_copy(store_path(s), r->file, sha, &size, e) != 0 ||
	    contactability_device_id(s, device, e) != 0)
		return -1;
	d.device = device;
	body = json_pack("{s:s, s:s, s:s, s:I}", "sha256", sha, "name", name, "mime", mime, "size",
			 (json_int_t)size);
	if (body != NULL && r->note != NULL && r->note[0] != '\0' &&
	    json_object_set_new(body, "note", json_string(r->note)) != 0) {
		json_decref(body);
		body = NULL;
	}
	if (body == NULL || (text = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS)) == NULL) {
		json_decref(body);
		return err_set(e, "the name or note is not UTF-8");
	}
	json_decref(body);
	d.body = text;
	rc = -1;
	/* the event and its place in the upload queue commit together, or neither */
	if (store_begin(s, e) != 0)
		goto out;
	if (evidence_append(s, &d, &ev, e) != 0 ||
	    sqlite3_prepare_v2(store_db(s), "INSERT INTO attachments(event_id, sha256, size) "
					    "VALUES(?, ?, ?)", -1, &st, NULL) != SQLITE_OK) {
		if (st == NULL && ev.body != NULL)
			err_set(e, "%s", sqlite3_errmsg(store_db(s)));
		goto fail;
	}
	sqlite3_bind_text(st, 1, ev.id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, sha, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, size);
	if (sqlite3_step(st) != SQLITE_DONE) {
		err_set(e, "%s", sqlite3_errmsg(store_db(s)));
		goto fail;
	}
	if (store_commit(s, e) != 0)
		goto fail;
	rc = 0;
	if (out != NULL) {
		*out = ev;
		ev.body = NULL;
	}
	goto out;
fail:
	store_rollback(s);
out:
	sqlite3_finalize(st);
	free(ev.body);
	free(text);
	return rc;
}

int
attach_pending_list(struct store *s, struct attach_pending **out, size_t *n, struct err *e)
{
	sqlite3_stmt *st;
	struct attach_pending *p = NULL;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(store_db(s),
			       "SELECT sha256, max(size) FROM attachments a WHERE state = 'pending' "
			       "AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.event_id = a.event_id) "
			       "AND NOT EXISTS (SELECT 1 FROM dead_letters d WHERE "
			       "d.event_id = a.event_id) GROUP BY sha256 ORDER BY min(rowid)",
			       -1, &st, NULL) != SQLITE_OK)
		return err_set(e, "%s", sqlite3_errmsg(store_db(s)));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap && (p = realloc(p, (cap = cap ? 2 * cap : 8) * sizeof *p)) == NULL)
			abort();
		snprintf(p[*n].sha256, sizeof p[*n].sha256, "%s",
			 (const char *)sqlite3_column_text(st, 0));
		p[*n].size = sqlite3_column_int64(st, 1);
		(*n)++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(p);
		*n = 0;
		return err_set(e, "%s", sqlite3_errmsg(store_db(s)));
	}
	*out = p;
	return 0;
}

int
attach_mark(struct store *s, const char *sha, const char *state, const char *why,
	    struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(store_db(s), "UPDATE attachments SET state = ?, last_error = ? "
					    "WHERE sha256 = ? AND state = 'pending'", -1, &st,
			       NULL) != SQLITE_OK)
		return err_set(e, "%s", sqlite3_errmsg(store_db(s)));
	sqlite3_bind_text(st, 1, state, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, why != NULL ? why : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, sha, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : err_set(e, "%s", sqlite3_errmsg(store_db(s)));
}
