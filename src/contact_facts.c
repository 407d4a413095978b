/* contact_facts.c - zone lists and attempt bodies as the contact-policy engine takes them. */
#include "config.h"

#include <ctype.h>
#include <jansson.h>
#include <string.h>

#include "contact_facts.h"

int
contact_zones_split(const char *list, char zones[POLICY_MAX_ZONES][POLICY_ZONE_LEN])
{
	const char *p = list;
	int n = 0;

	while (*p != '\0' && n < POLICY_MAX_ZONES) {
		const char *end = strchr(p, ';');
		size_t len = end != NULL ? (size_t)(end - p) : strlen(p);

		while (len > 0 && isspace((unsigned char)*p)) {
			p++;
			len--;
		}
		while (len > 0 && isspace((unsigned char)p[len - 1]))
			len--;
		if (len > 0) {
			if (len < POLICY_ZONE_LEN) {
				memcpy(zones[n], p, len);
				zones[n][len] = '\0';
			} else {
				zones[n][0] = '\0';
			}
			n++;
		}
		if (end == NULL)
			break;
		p = end + 1;
	}
	return n;
}

bool
contact_attempt_decode(const char *body, int64_t at, struct policy_attempt *a)
{
	json_t *j = json_loads(body, 0, NULL);
	const char *channel, *result, *direction, *contact;
	int ch, res, kind;
	bool ok;

	if (j == NULL)
		return false;
	channel = json_string_value(json_object_get(j, "channel"));
	result = json_string_value(json_object_get(j, "result"));
	direction = json_string_value(json_object_get(j, "direction"));
	contact = json_string_value(json_object_get(j, "contact"));
	ch = channel != NULL ? policy_channel_parse(channel) : -1;
	res = result != NULL ? policy_result_parse(result) : -1;
	kind = contact != NULL ? contact_kind_parse(contact) : -1;
	ok = ch >= 0 && res >= 0;
	if (ok)
		*a = (struct policy_attempt){
			.at = at,
			.channel = (enum policy_channel)ch,
			.result = (enum policy_result)res,
			.inbound = direction != NULL && strcmp(direction, "inbound") == 0,
			/* only a work number counts apart; the rest are personal (policy.h) */
			.contact_kind = kind == CONTACT_WORK ? CONTACT_WORK : CONTACT_MOBILE,
		};
	json_decref(j);
	return ok;
}
