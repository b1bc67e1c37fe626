/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bk-availability-rules.h"

G_BEGIN_DECLS

/* Shared by bk-availability-rules.c (model, validation) and
 * bk-availability-rules-json.c (import/export); not for other modules. */

/* A numeric setting: its JSON key, where it lives in BkAvailabilityRules,
 * its inclusive bounds and its default. */
typedef struct
{
  const char *key;
  gsize       offset;
  guint       min;
  guint       max;
  guint       fallback;
} BkRulesNumericField;

#define _BK_RULES_N_NUMERIC_FIELDS 7

/* in JSON order */
extern const BkRulesNumericField _bk_rules_numeric_fields[_BK_RULES_N_NUMERIC_FIELDS];
/* "mon" … "sun", indexed by BkWeekday */
extern const char * const        _bk_rules_weekday_keys[BK_N_WEEKDAYS];

#define BK_RULES_FIELD(rules, f) (*(guint *) (gpointer) ((guint8 *) (rules) + (f)->offset))

/* Default numbers, no hours, no overrides and no zone. */
BkAvailabilityRules *_bk_availability_rules_new_empty (void);

int      _bk_time_range_compare       (gconstpointer a,
                                       gconstpointer b);
/* A new array of @ranges, sorted. */
GArray  *_bk_time_ranges_new          (const BkTimeRange *ranges,
                                       guint              n_ranges);
/* The clear func of BkAvailabilityRules.overrides. */
void     _bk_date_override_clear      (gpointer           data);
gboolean _bk_rules_find_override      (const GArray      *overrides,
                                       const GDate       *date,
                                       guint             *out_index);

/* Errors are prefixed with "@path[i]: " (nothing when @path is NULL). */
gboolean _bk_time_ranges_validate_at  (const char        *path,
                                       const BkTimeRange *ranges,
                                       guint              n_ranges,
                                       GError           **error);
gboolean _bk_rules_validate_time_zone (const char        *time_zone,
                                       GError           **error);
gboolean _bk_rules_validate_numeric   (const BkRulesNumericField *f,
                                       gint64             value,
                                       GError           **error);

G_END_DECLS
