/* run_job.c - opening what a run needs, running it, closing it again (run_job.h). */
#include "config.h"

#include "problems.h"
#include "run_job.h"
#include "send.h"
#include "store.h"

#define RUN_PAGE 1000

int
run_job(const struct server_config *c, const struct run_job *j,
	void (*report)(void *ctx, const struct run_line *l),
	void (*problem)(void *ctx, const char *text), void *ctx, struct run_totals *t,
	int *book_version, struct err *e)
{
	struct template_set *ts = NULL;
	struct strategy_book *b = NULL;
	struct server_store *st = NULL;
	struct sender *snd = NULL;
	struct problems p = { 0 };
	int ret = -1;

	if (run_book_open(j->book != NULL ? j->book : c->run_book, j->version, &ts, &b, &p, e) != 0) {
		for (size_t i = 0; i < p.n; i++)
			problem(ctx, p.msg[i]);
		goto out;
	}
	*book_version = b->version;
	/* a run sends when the config names a way to: the file sink or a provider */
	if (!j->dry_run && (c->sender[0] != '\0' || c->smtp_url[0] != '\0' || c->sms_url[0] != '\0') &&
	    sender_open(c, &snd, e) != 0)
		goto out;
	if (server_store_open(c, SERVER_STORE_OPEN, &st, e) != 0)
		goto out;
	ret = run_execute(st, snd, &(struct run_options){
		.book = b, .templates = ts, .profile = c->profile, .pay_link = c->pay_link,
		.at = j->at, .dry_run = j->dry_run, .page = RUN_PAGE }, report, ctx, t, e);
out:
	server_store_close(&st);
	sender_free(&snd);
	strategy_book_free(&b);
	template_set_free(&ts);
	problems_free(&p);
	return ret;
}

int64_t
run_next_time(int minute, int64_t after)
{
	int64_t day = after - ((after % 86400) + 86400) % 86400;
	int64_t t = day + (int64_t)minute * 60;

	return t >= after ? t : t + 86400;
}
