/* when.h - times as the agent reads them, in the agent's own zone, minute precision. All local
 * times go through tz_local, which switches the process's TZ, so nothing in ui/ may call
 * localtime(). */
#ifndef ARREARS_UI_WHEN_H
#define ARREARS_UI_WHEN_H

#include <stddef.h>
#include <stdint.h>

struct settings;

/* The agent's zone: the timezone option, else TZ, else the system's /etc/localtime; "" (UTC)
 * when none is known. Call once, before any tz_local. */
void when_agent_zone(const struct settings *cfg, char *buf, size_t len);

/* Writes t as "2026-03-10 14:05" in zone ("" = UTC), or "-" for 0 (never). Returns buf. */
char *when_format(const char *zone, int64_t t, char *buf, size_t len);

/* Writes the wall clock at t in zone as "Tue 14:05". Returns buf. */
char *when_clock(const char *zone, int64_t t, char *buf, size_t len);

/* t as "Tue 08:00" when it falls within the six days from now, else as when_format does. */
char *when_near(const char *zone, int64_t now, int64_t t, char *buf, size_t len);

#endif
