/* bands.h - aging bands: configurable dpd ranges, "current" first. */
#ifndef ARREARS_BANDS_H
#define ARREARS_BANDS_H

#define BANDS_MAX 12

struct bands {
	int n;
	int upper[BANDS_MAX];	/* inclusive dpd upper bound of each band; the last is open */
	char label[BANDS_MAX][24];
};

/* The default bands: current, 1-30, 31-60, 61-90, 91-120, 120+. */
void bands_default(struct bands *b);

/* Builds bands from ascending upper bounds (e.g. 0,30,60,90,120); labels follow. 0 or -1. */
int bands_from_bounds(struct bands *b, const int *bounds, int n);

/* Index of the band holding dpd. */
int bands_index(const struct bands *b, int dpd);

#endif
