/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-rules"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "bk-availability-rules-private.h"
#include "bk-time.h"

G_DEFINE_QUARK (bk-rules-error-quark, bk_rules_error)

/* The numeric settings, in the order of the JSON format, with their bounds
 * and the defaults of a new profile. One table so import, export, defaults
 * and validation cannot drift apart. */
const BkRulesNumericField _bk_rules_numeric_fields[_BK_RULES_N_NUMERIC_FIELDS] = {
  { "slot_minutes",          G_STRUCT_OFFSET (BkAvailabilityRules, slot_minutes),          5, 1440,   30 },
  { "step_minutes",          G_STRUCT_OFFSET (BkAvailabilityRules, step_minutes),          5, 1440,   30 },
  { "buffer_before_minutes", G_STRUCT_OFFSET (BkAvailabilityRules, buffer_before_minutes), 0, 1440,   0 },
  { "buffer_after_minutes",  G_STRUCT_OFFSET (BkAvailabilityRules, buffer_after_minutes),  0, 1440,   0 },
  { "min_notice_minutes",    G_STRUCT_OFFSET (BkAvailabilityRules, min_notice_minutes),    0, 525600, 0 },
  { "horizon_days",          G_STRUCT_OFFSET (BkAvailabilityRules, horizon_days),          1, 730,    60 },
  { "daily_limit",           G_STRUCT_OFFSET (BkAvailabilityRules, daily_limit),           0, 1000,   0 },
};

const char * const _bk_rules_weekday_keys[BK_N_WEEKDAYS] = {
  "mon", "tue", "wed", "thu", "fri", "sat", "sun",
};

/* ------------------------------------------------------------------------ */
/* Ranges and overrides                                                     */
/* ------------------------------------------------------------------------ */

int
_bk_time_range_compare (gconstpointer a,
                gconstpointer b)
{
  const BkTimeRange *ra = a;
  const BkTimeRange *rb = b;

  if (ra->start != rb->start)
    return ra->start < rb->start ? -1 : 1;
  return (int) ra->end - (int) rb->end;
}

GArray *
_bk_time_ranges_new (const BkTimeRange *ranges,
            guint              n_ranges)
{
  GArray *array = g_array_sized_new (FALSE, FALSE, sizeof (BkTimeRange), n_ranges);

  if (n_ranges > 0)
    g_array_append_vals (array, ranges, n_ranges);
  g_array_sort (array, _bk_time_range_compare);

  return array;
}

static GArray *
ranges_copy (const GArray *ranges)
{
  return _bk_time_ranges_new ((const BkTimeRange *) (gconstpointer) ranges->data, ranges->len);
}

static gboolean
ranges_equal (const GArray *a,
              const GArray *b)
{
  return a->len == b->len &&
         (a->len == 0 || memcmp (a->data, b->data, a->len * sizeof (BkTimeRange)) == 0);
}

void
_bk_date_override_clear (gpointer data)
{
  BkDateOverride *override = data;

  g_clear_pointer (&override->ranges, g_array_unref);
}

static GArray *
overrides_new (void)
{
  GArray *overrides = g_array_new (FALSE, TRUE, sizeof (BkDateOverride));

  g_array_set_clear_func (overrides, _bk_date_override_clear);
  return overrides;
}

static BkDateOverride *
override_at (const GArray *overrides,
             guint         i)
{
  return &g_array_index (overrides, BkDateOverride, i);
}

/* Binary search; returns whether @date has an override and, either way, the
 * index where it is or would go. */
gboolean
_bk_rules_find_override (const GArray *overrides,
               const GDate  *date,
               guint        *out_index)
{
  guint lo = 0;
  guint hi = overrides->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      int cmp = g_date_compare (&override_at (overrides, mid)->date, date);

      if (cmp == 0)
        {
          *out_index = mid;
          return TRUE;
        }
      if (cmp < 0)
        lo = mid + 1;
      else
        hi = mid;
    }

  *out_index = lo;
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* Validation                                                               */
/* ------------------------------------------------------------------------ */

static int
compare_range_pointers (gconstpointer a,
                        gconstpointer b)
{
  return _bk_time_range_compare (*(const BkTimeRange * const *) a, *(const BkTimeRange * const *) b);
}

/* "weekly.mon[1]: " for a path, "" without one (ranges checked for the UI) */
static char *
range_prefix (const char *path,
              guint       index)
{
  return path != NULL ? g_strdup_printf ("%s[%u]: ", path, index) : g_strdup ("");
}

static gboolean
validate_one_range (const char        *path,
                    guint              index,
                    const BkTimeRange *r,
                    GError           **error)
{
  g_autofree char *prefix = NULL;
  g_autofree char *start = NULL;
  g_autofree char *end = NULL;

  if (r->start < 1440 && r->end <= 1440 && r->start < r->end)
    return TRUE;

  prefix = range_prefix (path, index);
  if (r->start >= 1440 || r->end > 1440)
    {
      g_set_error (error, BK_RULES_ERROR, BK_RULES_ERROR_INVALID_VALUE,
                   _("%sa range must lie within 00:00 and 24:00"), prefix);
      return FALSE;
    }

  start = bk_time_format_hhmm (r->start);
  end = bk_time_format_hhmm (r->end);
  if (r->end < r->start)
    g_set_error (error, BK_RULES_ERROR, BK_RULES_ERROR_INVALID_RANGE,
                 _("%send %s is before start %s"), prefix, end, start);
  else
    g_set_error (error, BK_RULES_ERROR, BK_RULES_ERROR_INVALID_RANGE,
                 _("%send %s is the same as start %s (the range is empty)"), prefix, end, start);
  return FALSE;
}

static gboolean
report_overlap (const char        *path,
                const BkTimeRange *ranges,
                const BkTimeRange *a,
                const BkTimeRange *b,
                GError           **error)
{
  g_autofree char *prefix = range_prefix (path, (guint) MAX (a - ranges, b - ranges));
  g_autofree char *a_start = bk_time_format_hhmm (a->start);
  g_autofree char *a_end = bk_time_format_hhmm (a->end);
  g_autofree char *b_start = bk_time_format_hhmm (b->start);
  g_autofree char *b_end = bk_time_format_hhmm (b->end);

  g_set_error (error, BK_RULES_ERROR, BK_RULES_ERROR_OVERLAP,
               _("%sranges %s–%s and %s–%s overlap"),
               prefix, a_start, a_end, b_start, b_end);
  return FALSE;
}

/* Ranges in any order; an error names the index (in the order given) of the
 * later of two overlapping ranges. Sorting first makes overlaps adjacent. */
gboolean
_bk_time_ranges_validate_at (const char        *path,
                    const BkTimeRange *ranges,
                    guint              n_ranges,
                    GError           **error)
{
  g_autofree const BkTimeRange **sorted = NULL;

  for (guint i = 0; i < n_ranges; i++)
    {
      if (!validate_one_range (path, i, &ranges[i], error))
        return FALSE;
    }

  if (n_ranges < 2)
    return TRUE;

  sorted = g_new (const BkTimeRange *, n_ranges);
  for (guint i = 0; i < n_ranges; i++)
    sorted[i] = &ranges[i];
  qsort (sorted, n_ranges, sizeof *sorted, compare_range_pointers);

  for (guint i = 1; i < n_ranges; i++)
    {
      /* touching ranges (12:00 end, 12:00 start) are fine */
      if (sorted[i]->start < sorted[i - 1]->end)
        return report_overlap (path, ranges, sorted[i - 1], sorted[i], error);
    }

  return TRUE;
}

gboolean
_bk_rules_validate_time_zone (const char  *time_zone,
                    GError     **error)
{
  g_autoptr(GTimeZone) tz = NULL;

  if (time_zone != NULL)
    tz = bk_time_zone_new (time_zone, NULL);

  if (tz == NULL)
    {
      g_set_error (error, BK_RULES_ERROR, BK_RULES_ERROR_UNKNOWN_TIME_ZONE,
                   _("time_zone: unknown time zone \"%s\" (expected an IANA name such as \"Europe/Berlin\")"),
                   time_zone != NULL ? time_zone : "");
      return FALSE;
    }

  return TRUE;
}

gboolean
_bk_rules_validate_numeric (const BkRulesNumericField *f,
                  gint64              value,
                  GError            **error)
{
  if (value >= f->min && value <= f->max)
    return TRUE;

  g_set_error (error, BK_RULES_ERROR, BK_RULES_ERROR_INVALID_VALUE,
               _("%s: %" G_GINT64_FORMAT " is out of range (%u to %u)"),
               f->key, value, f->min, f->max);
  return FALSE;
}

static gboolean
validate_overrides (const GArray  *overrides,
                    GError       **error)
{
  for (guint i = 0; i < overrides->len; i++)
    {
      const BkDateOverride *o = override_at (overrides, i);
      g_autofree char *path = g_strdup_printf ("overrides[%u].hours", i);

      if (!g_date_valid (&o->date) ||
          (i > 0 && g_date_compare (&override_at (overrides, i - 1)->date, &o->date) >= 0))
        {
          g_set_error (error, BK_RULES_ERROR, BK_RULES_ERROR_INVALID_VALUE,
                       _("overrides[%u].date: dates must be valid, unique and in order"), i);
          return FALSE;
        }

      if (o->ranges == NULL)
        continue;

      if (!_bk_time_ranges_validate_at (path, (const BkTimeRange *) (gconstpointer) o->ranges->data,
                               o->ranges->len, error))
        return FALSE;
    }

  return TRUE;
}

gboolean
bk_time_ranges_validate (const BkTimeRange  *ranges,
                         guint               n_ranges,
                         GError            **error)
{
  g_return_val_if_fail (ranges != NULL || n_ranges == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return _bk_time_ranges_validate_at (NULL, ranges, n_ranges, error);
}

gboolean
bk_availability_rules_validate (const BkAvailabilityRules  *self,
                                GError                    **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_bk_rules_validate_time_zone (self->time_zone, error))
    return FALSE;

  for (guint i = 0; i < _BK_RULES_N_NUMERIC_FIELDS; i++)
    {
      if (!_bk_rules_validate_numeric (&_bk_rules_numeric_fields[i], BK_RULES_FIELD (self, &_bk_rules_numeric_fields[i]), error))
        return FALSE;
    }

  for (guint d = 0; d < BK_N_WEEKDAYS; d++)
    {
      g_autofree char *path = g_strdup_printf ("weekly.%s", _bk_rules_weekday_keys[d]);
      const GArray *day = self->weekly[d];

      if (day != NULL &&
          !_bk_time_ranges_validate_at (path, (const BkTimeRange *) (gconstpointer) day->data, day->len, error))
        return FALSE;
    }

  return self->overrides == NULL || validate_overrides (self->overrides, error);
}

/* ------------------------------------------------------------------------ */
/* Life cycle                                                               */
/* ------------------------------------------------------------------------ */

/* Default numbers, no hours, no overrides, no zone: what the JSON import
 * starts from. */
BkAvailabilityRules *
_bk_availability_rules_new_empty (void)
{
  BkAvailabilityRules *self = g_new0 (BkAvailabilityRules, 1);

  for (guint i = 0; i < _BK_RULES_N_NUMERIC_FIELDS; i++)
    BK_RULES_FIELD (self, &_bk_rules_numeric_fields[i]) = _bk_rules_numeric_fields[i].fallback;

  for (guint d = 0; d < BK_N_WEEKDAYS; d++)
    self->weekly[d] = _bk_time_ranges_new (NULL, 0);
  self->overrides = overrides_new ();

  return self;
}

BkAvailabilityRules *
bk_availability_rules_new (void)
{
  const BkTimeRange office_hours = { 9 * 60, 17 * 60 };
  BkAvailabilityRules *self = _bk_availability_rules_new_empty ();

  self->time_zone = bk_time_get_local_zone_id ();
  for (guint d = BK_WEEKDAY_MONDAY; d <= BK_WEEKDAY_FRIDAY; d++)
    g_array_append_val (self->weekly[d], office_hours);

  return self;
}

BkAvailabilityRules *
bk_availability_rules_copy (const BkAvailabilityRules *self)
{
  BkAvailabilityRules *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (BkAvailabilityRules, 1);
  *copy = *self;
  copy->time_zone = g_strdup (self->time_zone);

  for (guint d = 0; d < BK_N_WEEKDAYS; d++)
    copy->weekly[d] = self->weekly[d] != NULL ? ranges_copy (self->weekly[d]) : _bk_time_ranges_new (NULL, 0);

  copy->overrides = overrides_new ();
  for (guint i = 0; self->overrides != NULL && i < self->overrides->len; i++)
    {
      BkDateOverride o = *override_at (self->overrides, i);

      o.ranges = o.ranges != NULL ? ranges_copy (o.ranges) : _bk_time_ranges_new (NULL, 0);
      g_array_append_val (copy->overrides, o);
    }

  return copy;
}

void
bk_availability_rules_free (BkAvailabilityRules *self)
{
  if (self == NULL)
    return;

  g_free (self->time_zone);
  for (guint d = 0; d < BK_N_WEEKDAYS; d++)
    g_clear_pointer (&self->weekly[d], g_array_unref);
  g_clear_pointer (&self->overrides, g_array_unref);
  g_free (self);
}

static gboolean
optional_ranges_equal (const GArray *a,
                       const GArray *b)
{
  if (a == NULL || b == NULL)
    return (a == NULL || a->len == 0) && (b == NULL || b->len == 0);
  return ranges_equal (a, b);
}

gboolean
bk_availability_rules_equal (const BkAvailabilityRules *a,
                             const BkAvailabilityRules *b)
{
  guint n_a, n_b;

  g_return_val_if_fail (a != NULL, FALSE);
  g_return_val_if_fail (b != NULL, FALSE);

  if (g_strcmp0 (a->time_zone, b->time_zone) != 0)
    return FALSE;

  for (guint i = 0; i < _BK_RULES_N_NUMERIC_FIELDS; i++)
    if (BK_RULES_FIELD (a, &_bk_rules_numeric_fields[i]) != BK_RULES_FIELD (b, &_bk_rules_numeric_fields[i]))
      return FALSE;

  for (guint d = 0; d < BK_N_WEEKDAYS; d++)
    if (!optional_ranges_equal (a->weekly[d], b->weekly[d]))
      return FALSE;

  n_a = a->overrides != NULL ? a->overrides->len : 0;
  n_b = b->overrides != NULL ? b->overrides->len : 0;
  if (n_a != n_b)
    return FALSE;

  for (guint i = 0; i < n_a; i++)
    {
      const BkDateOverride *oa = override_at (a->overrides, i);
      const BkDateOverride *ob = override_at (b->overrides, i);

      if (g_date_compare (&oa->date, &ob->date) != 0 ||
          !optional_ranges_equal (oa->ranges, ob->ranges))
        return FALSE;
    }

  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Editing                                                                  */
/* ------------------------------------------------------------------------ */

GArray *
bk_availability_rules_get_ranges (const BkAvailabilityRules *self,
                                  const GDate               *date)
{
  const GArray *ranges;
  guint index;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (date != NULL && g_date_valid (date), NULL);

  if (self->overrides != NULL && _bk_rules_find_override (self->overrides, date, &index))
    ranges = override_at (self->overrides, index)->ranges;
  else
    ranges = self->weekly[g_date_get_weekday (date) - G_DATE_MONDAY];

  return ranges != NULL ? ranges_copy (ranges) : _bk_time_ranges_new (NULL, 0);
}

void
bk_availability_rules_set_weekly (BkAvailabilityRules *self,
                                  BkWeekday            day,
                                  const BkTimeRange   *ranges,
                                  guint                n_ranges)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (day < BK_N_WEEKDAYS);
  g_return_if_fail (ranges != NULL || n_ranges == 0);

  g_clear_pointer (&self->weekly[day], g_array_unref);
  self->weekly[day] = _bk_time_ranges_new (ranges, n_ranges);
}

void
bk_availability_rules_set_override (BkAvailabilityRules *self,
                                    const GDate         *date,
                                    const BkTimeRange   *ranges,
                                    guint                n_ranges)
{
  BkDateOverride o = { { 0 }, NULL };
  guint index;

  g_return_if_fail (self != NULL);
  g_return_if_fail (date != NULL && g_date_valid (date));
  g_return_if_fail (ranges != NULL || n_ranges == 0);

  if (self->overrides == NULL)
    self->overrides = overrides_new ();

  if (_bk_rules_find_override (self->overrides, date, &index))
    {
      BkDateOverride *existing = override_at (self->overrides, index);

      g_clear_pointer (&existing->ranges, g_array_unref);
      existing->ranges = _bk_time_ranges_new (ranges, n_ranges);
      return;
    }

  o.date = *date;
  o.ranges = _bk_time_ranges_new (ranges, n_ranges);
  g_array_insert_val (self->overrides, index, o);
}

gboolean
bk_availability_rules_remove_override (BkAvailabilityRules *self,
                                       const GDate         *date)
{
  guint index;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (date != NULL && g_date_valid (date), FALSE);

  if (self->overrides == NULL || !_bk_rules_find_override (self->overrides, date, &index))
    return FALSE;

  g_array_remove_index (self->overrides, index);
  return TRUE;
}
