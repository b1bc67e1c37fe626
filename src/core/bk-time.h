/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bk-types.h"

G_BEGIN_DECLS

#define BK_TIME_ERROR (bk_time_error_quark ())

typedef enum
{
  BK_TIME_ERROR_INVALID,            /* text is not a time/date of the expected form */
  BK_TIME_ERROR_UNKNOWN_TIME_ZONE,  /* not an IANA zone this system knows */
} BkTimeError;

GQuark      bk_time_error_quark        (void);

/* RFC 3339 / ISO 8601 with an explicit offset or Z ("2027-03-26T08:00:00Z",
 * "2027-03-26T09:00:00+01:00"). Text without an offset is refused. */
gboolean    bk_time_parse_iso8601      (const char  *text,
                                        gint64      *out_unix,
                                        GError     **error);
/* "2027-03-26T08:00:00Z" */
char       *bk_time_format_iso8601_utc (gint64       unix_seconds);

/* An IANA zone by name; unknown names are an error (never silently UTC). */
GTimeZone  *bk_time_zone_new           (const char  *identifier,
                                        GError     **error);
/* The system zone's IANA name, or "UTC" when it has none. */
char       *bk_time_get_local_zone_id  (void);

/* "HH:MM", minutes since local midnight. "24:00" (1440) only when @allow_24. */
gboolean    bk_time_parse_hhmm         (const char  *text,
                                        gboolean     allow_24,
                                        guint       *out_minutes,
                                        GError     **error);
char       *bk_time_format_hhmm        (guint        minutes);

/* "YYYY-MM-DD" */
gboolean    bk_time_parse_date         (const char  *text,
                                        GDate       *out_date,
                                        GError     **error);
char       *bk_time_format_date        (const GDate *date);

/* The local calendar date of @unix_seconds in @tz. */
void        bk_time_get_local_date     (GTimeZone   *tz,
                                        gint64       unix_seconds,
                                        GDate       *out_date);
/* The instant of wall time @minutes (0..1440) on local @date in @tz, exactly
 * as g_date_time_new() resolves gaps (the instant of the change) and
 * ambiguous times (the later, standard-time instant). 1440 is the next
 * day's 00:00. */
gint64      bk_time_local_to_unix      (GTimeZone   *tz,
                                        const GDate *date,
                                        guint        minutes);

G_END_DECLS
