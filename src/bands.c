#include "config.h"

#include <stdio.h>

#include "bands.h"

void
bands_default(struct bands *b)
{
	static const int bounds[] = { 0, 30, 60, 90, 120 };
	bands_from_bounds(b, bounds, 5);
}

int
bands_from_bounds(struct bands *b, const int *bounds, int n)
{
	if (n < 1 || n >= BANDS_MAX || bounds[0] != 0)
		return -1;
	for (int i = 1; i < n; i++)
		if (bounds[i] <= bounds[i - 1])
			return -1;
	b->n = n + 1;
	for (int i = 0; i < n; i++) {
		b->upper[i] = bounds[i];
		if (i == 0)
			snprintf(b->label[i], sizeof b->label[i], "current");
		else
			snprintf(b->label[i], sizeof b->label[i], "%d-%d", bounds[i - 1] + 1, bounds[i]);
	}
	b->upper[n] = -1;
	snprintf(b->label[n], sizeof b->label[n], "%d+", bounds[n - 1]);
	return 0;
}

int
bands_index(const struct bands *b, int dpd)
{
	for (int i = 0; i < b->n - 1; i++)
		if (dpd <= b->upper[i])
			return i;
	return b->n - 1;
}
