#include "config.h"

#include <string.h>

#include "model.h"

static const char *const product_names[PRODUCT_COUNT] = {
	[PRODUCT_CARD] = "card",
	[PRODUCT_PERSONAL_LOAN] = "personal loan",
	[PRODUCT_AUTO] = "auto",
	[PRODUCT_BNPL] = "bnpl",
};

static const char *const contact_kind_names[CONTACT_KIND_COUNT] = {
	[CONTACT_MOBILE] = "mobile",
	[CONTACT_LANDLINE] = "landline",
	[CONTACT_WORK] = "work",
	[CONTACT_EMAIL] = "email",
	[CONTACT_WORK_EMAIL] = "work_email",
	[CONTACT_ADDRESS] = "address",
};

static const char *const flag_names[AFLAG_COUNT_] = {
	"dispute", "cease", "attorney", "bankruptcy", "deceased", "vulnerable", "breathing_space",
};

const char *
product_name(enum product p)
{
	return (unsigned)p < PRODUCT_COUNT ? product_names[p] : "?";
}

const char *
contact_kind_name(enum contact_kind k)
{
	return (unsigned)k < CONTACT_KIND_COUNT ? contact_kind_names[k] : "?";
}

int
contact_kind_parse(const char *name)
{
	for (int i = 0; i < CONTACT_KIND_COUNT; i++)
		if (strcmp(contact_kind_names[i], name) == 0)
			return i;
	return -1;
}

const char *
ptp_state_name(enum ptp_state s)
{
	switch (s) {
	case PTP_NONE:
		return "none";
	case PTP_PENDING:
		return "pending";
	case PTP_KEPT:
		return "kept";
	case PTP_PARTIAL:
		return "partially kept";
	case PTP_BROKEN:
		return "broken";
	}
	return "?";
}

enum ptp_state
ptp_state_parse(const char *name)
{
	for (int k = PTP_NONE; k <= PTP_BROKEN; k++)
		if (strcmp(name, ptp_state_name((enum ptp_state)k)) == 0)
			return (enum ptp_state)k;
	return PTP_NONE;
}

const char *
account_flag_name(unsigned bit)
{
	for (int i = 0; i < AFLAG_COUNT_; i++)
		if (bit == 1u << i)
			return flag_names[i];
	return NULL;
}

unsigned
account_flag_parse(const char *name)
{
	for (int i = 0; i < AFLAG_COUNT_; i++)
		if (strcmp(name, flag_names[i]) == 0)
			return 1u << i;
	return 0;
}

int
account_dpd(int32_t due_date, int32_t today)
{
	return due_date > 0 && today > due_date ? today - due_date : 0;
}
