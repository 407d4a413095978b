/* send.h - delivering one message through a provider (SMTP email, HTTP SMS). */
struct sender;
enum send_channel { SEND_EMAIL, SEND_SMS };
struct send_message {
	enum send_channel channel;
	const char *to;			/* an address or an E.164-ish number */
	const char *subject;		/* email only */
	const char *body;
	const char *dispatch_id;	/* the dispatch event's id: an idempotency key for providers */
};
/* 0 sent; 1 failed for now (retry later); 2 failed for good (e.g. refused recipient);
 * -1 with e on a local error. why gets the provider's reason on 1 and 2. */
int sender_send(struct sender *s, const struct send_message *m, char *why, size_t whylen,
		struct err *e);
