/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bk-types.h"

G_BEGIN_DECLS

#define BK_RULES_ERROR (bk_rules_error_quark ())

typedef enum
{
  BK_RULES_ERROR_INVALID_JSON,       /* not JSON, or not an object where one is needed */
  BK_RULES_ERROR_UNKNOWN_KEY,        /* a key the format does not have */
  BK_RULES_ERROR_INVALID_VALUE,      /* wrong type, out of range, bad HH:MM/date */
  BK_RULES_ERROR_INVALID_RANGE,      /* a range that ends at or before it starts */
  BK_RULES_ERROR_OVERLAP,            /* two ranges of one day overlap */
  BK_RULES_ERROR_UNKNOWN_TIME_ZONE,
} BkRulesError;

typedef enum
{
  BK_WEEKDAY_MONDAY = 0,
  BK_WEEKDAY_TUESDAY,
  BK_WEEKDAY_WEDNESDAY,
  BK_WEEKDAY_THURSDAY,
  BK_WEEKDAY_FRIDAY,
  BK_WEEKDAY_SATURDAY,
  BK_WEEKDAY_SUNDAY,
  BK_N_WEEKDAYS
} BkWeekday;

/* Wall-clock minutes since local midnight; end may be 1440 ("24:00"). */
struct _BkTimeRange
{
  guint16 start;
  guint16 end;
};

typedef struct
{
  GDate   date;
  GArray *ranges;   /* BkTimeRange, sorted; empty = closed that day */
} BkDateOverride;

/* Plain data: the fields are public, the helpers keep them consistent. */
struct _BkAvailabilityRules
{
  char   *time_zone;               /* IANA name */
  guint   slot_minutes;
  guint   step_minutes;
  guint   buffer_before_minutes;
  guint   buffer_after_minutes;
  guint   min_notice_minutes;
  guint   horizon_days;
  guint   daily_limit;             /* 0 = no limit */
  GArray *weekly[BK_N_WEEKDAYS];   /* BkTimeRange, sorted by start */
  GArray *overrides;               /* BkDateOverride, sorted by date, unique */
};

GQuark               bk_rules_error_quark                 (void);

/* Defaults for a new profile: the system time zone, Monday to Friday
 * 09:00–17:00, 30-minute slots every 30 minutes, 60 days ahead. */
BkAvailabilityRules *bk_availability_rules_new            (void);
BkAvailabilityRules *bk_availability_rules_copy           (const BkAvailabilityRules *self);
void                 bk_availability_rules_free           (BkAvailabilityRules       *self);
gboolean             bk_availability_rules_equal          (const BkAvailabilityRules *a,
                                                           const BkAvailabilityRules *b);

/* The JSON format of `bookablectl rules import` (issue 2). Unknown keys,
 * wrong types, bad times, overlapping ranges and unknown zones are errors
 * whose message names the offending key, e.g. "weekly.mon[1]: …".
 *
 * Only "time_zone" is required. A missing number takes the default of
 * bk_availability_rules_new(); a missing weekday (or a missing "weekly") has
 * no hours; an override without "hours" closes its day. Bounds (inclusive):
 * slot_minutes and step_minutes 5–1440, buffer_before/after_minutes 0–1440,
 * min_notice_minutes 0–525600 (a year), horizon_days 1–730, daily_limit
 * 0–1000 (0 = no limit). Ranges within a day may touch but not overlap.
 *
 * Export writes every key and all seven days in the order of the example in
 * issue 2, pretty-printed, without a trailing newline; importing it gives
 * equal rules. */
BkAvailabilityRules *bk_availability_rules_new_from_json  (const char                *data,
                                                           gssize                     length,
                                                           GError                   **error);
char                *bk_availability_rules_to_json        (const BkAvailabilityRules *self);

/* Everything new_from_json checks, for rules built in code or in the UI. */
gboolean             bk_availability_rules_validate       (const BkAvailabilityRules *self,
                                                           GError                   **error);
/* Checks one day's ranges: each start < end, end ≤ 1440, no overlaps. */
gboolean             bk_time_ranges_validate              (const BkTimeRange         *ranges,
                                                           guint                      n_ranges,
                                                           GError                   **error);

/* The ranges that apply on local @date: its override if any, else its
 * weekday's. Returns a new array (BkTimeRange, sorted); g_array_unref() it. */
GArray              *bk_availability_rules_get_ranges     (const BkAvailabilityRules *self,
                                                           const GDate               *date);
void                 bk_availability_rules_set_weekly     (BkAvailabilityRules       *self,
                                                           BkWeekday                  day,
                                                           const BkTimeRange         *ranges,
                                                           guint                      n_ranges);
/* set_weekly and set_override copy @ranges sorted; neither validates (call
 * bk_availability_rules_validate()). @n_ranges == 0 closes the day. */
void                 bk_availability_rules_set_override   (BkAvailabilityRules       *self,
                                                           const GDate               *date,
                                                           const BkTimeRange         *ranges,
                                                           guint                      n_ranges);
gboolean             bk_availability_rules_remove_override (BkAvailabilityRules      *self,
                                                           const GDate               *date);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BkAvailabilityRules, bk_availability_rules_free)

G_END_DECLS
