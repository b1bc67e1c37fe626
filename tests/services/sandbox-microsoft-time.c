/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-sandbox-microsoft"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "sandbox-microsoft-private.h"

/* Graph's dateTimeTimeZone values (a local wall time plus a zone name, IANA
 * or Windows), and the recurrence expander behind calendarView: daily,
 * weekly and absolute-monthly patterns, end-date/numbered/no-end ranges,
 * cancelled and moved occurrences. Occurrences keep their wall-clock time
 * in the series' zone, so they move in UTC across a DST change. */

/* The Windows names Exchange uses most, with the IANA zone they mean. */
static const char *const windows_zones[][2] = {
  { "UTC", "UTC" },
  { "GMT Standard Time", "Europe/London" },
  { "W. Europe Standard Time", "Europe/Berlin" },
  { "Romance Standard Time", "Europe/Paris" },
  { "Central Europe Standard Time", "Europe/Budapest" },
  { "Central European Standard Time", "Europe/Warsaw" },
  { "E. Europe Standard Time", "Europe/Chisinau" },
  { "FLE Standard Time", "Europe/Kiev" },
  { "Eastern Standard Time", "America/New_York" },
  { "Central Standard Time", "America/Chicago" },
  { "Mountain Standard Time", "America/Denver" },
  { "Pacific Standard Time", "America/Los_Angeles" },
  { "Tokyo Standard Time", "Asia/Tokyo" },
  { "India Standard Time", "Asia/Kolkata" },
  { "AUS Eastern Standard Time", "Australia/Sydney" },
};

GTimeZone *
sb_time_zone_lookup (const char *name)
{
  if (name == NULL || *name == '\0')
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (windows_zones); i++)
    if (g_ascii_strcasecmp (windows_zones[i][0], name) == 0)
      return g_time_zone_new_identifier (windows_zones[i][1]);
  if (g_str_equal (name, "Etc/UTC") || g_str_equal (name, "Coordinated Universal Time"))
    return g_time_zone_new_utc ();
  /* Names with a slash only: GLib also takes "+01:00", which Graph does not. */
  if (strchr (name, '/') == NULL)
    return NULL;
  return g_time_zone_new_identifier (name);
}

gboolean
sb_parse_local (const char  *text,
                GTimeZone   *tz,
                GDateTime  **out)
{
  int y, mo, d, h = 0, mi = 0, n = 0;
  double s = 0;

  if (text == NULL
      || sscanf (text, "%4d-%2d-%2dT%2d:%2d:%lf%n", &y, &mo, &d, &h, &mi, &s, &n) != 6
      || (text[n] != '\0' && !g_str_equal (text + n, "Z")))
    return FALSE;
  *out = g_date_time_new (tz, y, mo, d, h, mi, (int) s);
  return *out != NULL;
}

char *
sb_format_local (gint64     unix_seconds,
                 GTimeZone *tz)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_seconds);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, tz);

  return g_date_time_format (local, "%Y-%m-%dT%H:%M:%S.0000000");
}

static gboolean
set_invalid (GError     **error,
             const char  *message)
{
  g_set_error_literal (error, BK_SANDBOX_MICROSOFT_ERROR, BK_SANDBOX_MICROSOFT_ERROR_INVALID, message);
  return FALSE;
}

static GDateTime *
parse_date_time_time_zone (JsonObject *object,
                           const char *member,
                           char      **out_zone)
{
  JsonObject *value;
  const char *zone;
  g_autoptr(GTimeZone) tz = NULL;
  GDateTime *dt = NULL;

  if (object == NULL || !json_object_has_member (object, member)
      || (value = json_object_get_object_member (object, member)) == NULL)
    return NULL;
  zone = json_object_get_string_member_with_default (value, "timeZone", "UTC");
  tz = sb_time_zone_lookup (zone);
  if (tz == NULL
      || !sb_parse_local (json_object_get_string_member_with_default (value, "dateTime", NULL), tz, &dt))
    return NULL;
  if (out_zone != NULL)
    *out_zone = g_strdup (zone);
  return dt;
}

GDateTime *
sb_exception_time (SbEvent    *event,
                   JsonObject *overrides,
                   const char *member)
{
  g_autoptr(GDateTime) dt = parse_date_time_time_zone (overrides, member, NULL);

  return dt != NULL ? g_date_time_to_timezone (dt, event->tz) : NULL;
}

static gboolean
is_midnight (GDateTime *dt)
{
  return g_date_time_get_hour (dt) == 0 && g_date_time_get_minute (dt) == 0
         && g_date_time_get_second (dt) == 0;
}

gboolean
sb_event_parse (SbEvent  *event,
                GError  **error)
{
  g_autofree char *zone = NULL;
  g_autoptr(GDateTime) start = parse_date_time_time_zone (event->data, "start", &zone);
  g_autoptr(GDateTime) end = parse_date_time_time_zone (event->data, "end", NULL);
  JsonNode *recurrence = json_object_get_member (event->data, "recurrence");
  SbRecurrence parsed = { 0 };
  gboolean all_day = json_object_get_boolean_member_with_default (event->data, "isAllDay", FALSE);
  g_autoptr(GDateTime) end_local = NULL;

  if (start == NULL || end == NULL)
    return set_invalid (error, "start and end must be dateTimeTimeZone values with a known timeZone");
  end_local = g_date_time_to_timezone (end, g_date_time_get_timezone (start));
  if (g_date_time_compare (end_local, start) < 0)
    return set_invalid (error, "The end of an event cannot be before its start.");
  if (all_day && (!is_midnight (start) || !is_midnight (end_local) || g_date_time_equal (start, end_local)))
    return set_invalid (error, "All-day events must start and end at midnight of the same time zone.");
  if (recurrence != NULL && !JSON_NODE_HOLDS_NULL (recurrence))
    {
      if (!JSON_NODE_HOLDS_OBJECT (recurrence)
          || !sb_recurrence_parse (json_node_get_object (recurrence), &parsed, error))
        return error == NULL || *error != NULL ? FALSE : set_invalid (error, "recurrence must be an object");
    }

  g_clear_pointer (&event->tz, g_time_zone_unref);
  event->tz = g_time_zone_ref (g_date_time_get_timezone (start));
  g_free (event->tz_name);
  event->tz_name = g_steal_pointer (&zone);
  g_clear_pointer (&event->start_local, g_date_time_unref);
  event->start_local = g_steal_pointer (&start);
  g_clear_pointer (&event->end_local, g_date_time_unref);
  event->end_local = g_steal_pointer (&end_local);
  event->all_day = all_day;
  event->recurring = recurrence != NULL && !JSON_NODE_HOLDS_NULL (recurrence);
  event->recurrence = parsed;
  return TRUE;
}

/* -------------------------------------------------------------- patterns */

static gboolean
parse_day_name (const char   *name,
                GDateWeekday *out)
{
  static const char *const names[] = { "monday", "tuesday", "wednesday", "thursday",
                                       "friday", "saturday", "sunday" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_ascii_strcasecmp (names[i], name) == 0)
      {
        *out = i + 1;
        return TRUE;
      }
  return FALSE;
}

static gboolean
parse_pattern (JsonObject   *pattern,
               SbRecurrence *out,
               GError      **error)
{
  const char *type = json_object_get_string_member_with_default (pattern, "type", "");
  JsonArray *days = json_object_has_member (pattern, "daysOfWeek")
                    ? json_object_get_array_member (pattern, "daysOfWeek") : NULL;
  const char *first = json_object_get_string_member_with_default (pattern, "firstDayOfWeek", "sunday");
  gint64 interval = json_object_get_int_member_with_default (pattern, "interval", 1);

  if (g_str_equal (type, "daily"))
    out->pattern = SB_PATTERN_DAILY;
  else if (g_str_equal (type, "weekly"))
    out->pattern = SB_PATTERN_WEEKLY;
  else if (g_str_equal (type, "absoluteMonthly"))
    out->pattern = SB_PATTERN_ABSOLUTE_MONTHLY;
  else
    return set_invalid (error, "recurrence.pattern.type must be daily, weekly or absoluteMonthly in the sandbox");
  if (interval < 1 || interval > 99)
    return set_invalid (error, "recurrence.pattern.interval must be between 1 and 99");
  out->interval = interval;
  if (!parse_day_name (first, &out->first_day_of_week))
    return set_invalid (error, "recurrence.pattern.firstDayOfWeek is not a day name");
  for (guint i = 0; days != NULL && i < json_array_get_length (days); i++)
    {
      GDateWeekday day;

      if (!parse_day_name (json_array_get_string_element (days, i), &day))
        return set_invalid (error, "recurrence.pattern.daysOfWeek holds something that is not a day name");
      out->days_of_week |= 1u << (day % 7);
    }
  if (out->pattern == SB_PATTERN_WEEKLY && out->days_of_week == 0)
    return set_invalid (error, "A weekly recurrence needs daysOfWeek");
  out->day_of_month = json_object_get_int_member_with_default (pattern, "dayOfMonth", 0);
  if (out->pattern == SB_PATTERN_ABSOLUTE_MONTHLY && (out->day_of_month < 1 || out->day_of_month > 31))
    return set_invalid (error, "An absoluteMonthly recurrence needs dayOfMonth 1..31");
  return TRUE;
}

static gboolean
parse_range (JsonObject   *range,
             SbRecurrence *out,
             GError      **error)
{
  const char *type = json_object_get_string_member_with_default (range, "type", "");

  if (!sbc_parse_date (json_object_get_string_member_with_default (range, "startDate", NULL), &out->start_date))
    return set_invalid (error, "recurrence.range.startDate must be YYYY-MM-DD");
  if (g_str_equal (type, "noEnd"))
    out->range = SB_RANGE_NO_END;
  else if (g_str_equal (type, "endDate"))
    {
      out->range = SB_RANGE_END_DATE;
      if (!sbc_parse_date (json_object_get_string_member_with_default (range, "endDate", NULL), &out->end_date)
          || g_date_compare (&out->end_date, &out->start_date) < 0)
        return set_invalid (error, "recurrence.range.endDate must be YYYY-MM-DD, not before startDate");
    }
  else if (g_str_equal (type, "numbered"))
    {
      out->range = SB_RANGE_NUMBERED;
      out->count = json_object_get_int_member_with_default (range, "numberOfOccurrences", 0);
      if (out->count < 1)
        return set_invalid (error, "recurrence.range.numberOfOccurrences must be positive");
    }
  else
    return set_invalid (error, "recurrence.range.type must be noEnd, endDate or numbered");
  return TRUE;
}

gboolean
sb_recurrence_parse (JsonObject    *recurrence,
                     SbRecurrence  *out,
                     GError       **error)
{
  JsonObject *pattern = json_object_has_member (recurrence, "pattern")
                        ? json_object_get_object_member (recurrence, "pattern") : NULL;
  JsonObject *range = json_object_has_member (recurrence, "range")
                      ? json_object_get_object_member (recurrence, "range") : NULL;

  memset (out, 0, sizeof *out);
  if (pattern == NULL || range == NULL)
    return set_invalid (error, "recurrence needs a pattern and a range");
  return parse_pattern (pattern, out, error) && parse_range (range, out, error);
}

/* ------------------------------------------------------------- expansion */

/* Graph's pattern + range as the shared walker's rule. */
static void
walk_recurrence (const SbRecurrence *r,
                 SbcDateVisit        visit,
                 gpointer            data)
{
  static const SbcFreq freqs[] = {
    [SB_PATTERN_DAILY] = SBC_FREQ_DAILY,
    [SB_PATTERN_WEEKLY] = SBC_FREQ_WEEKLY,
    [SB_PATTERN_ABSOLUTE_MONTHLY] = SBC_FREQ_MONTHLY_BY_DAY,
  };
  SbcRule rule = {
    .freq = freqs[r->pattern],
    .interval = r->interval,
    .days_of_week = r->days_of_week,
    .week_start = r->first_day_of_week,
    .day_of_month = r->day_of_month,
    .first = r->start_date,
    .count = r->range == SB_RANGE_NUMBERED ? r->count : 0,
    .has_last = r->range == SB_RANGE_END_DATE,
    .last = r->end_date,
  };

  /* Numbered ranges count cancelled occurrences too, as Exchange does. */
  sbc_rule_walk (&rule, visit, data);
}

/* The occurrence on local @date, keeping the series' wall-clock times. */
static void
occurrence_times (SbEvent     *event,
                  const GDate *date,
                  gint64      *out_start,
                  gint64      *out_end)
{
  GDate first, last;
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GDateTime) end = NULL;
  int span;

  g_date_set_dmy (&first, g_date_time_get_day_of_month (event->start_local),
                  g_date_time_get_month (event->start_local), g_date_time_get_year (event->start_local));
  g_date_set_dmy (&last, g_date_time_get_day_of_month (event->end_local),
                  g_date_time_get_month (event->end_local), g_date_time_get_year (event->end_local));
  span = g_date_days_between (&first, &last);
  last = *date;
  g_date_add_days (&last, span);
  start = g_date_time_new (event->tz, g_date_get_year (date), g_date_get_month (date),
                           g_date_get_day (date), g_date_time_get_hour (event->start_local),
                           g_date_time_get_minute (event->start_local),
                           g_date_time_get_second (event->start_local));
  end = g_date_time_new (event->tz, g_date_get_year (&last), g_date_get_month (&last),
                         g_date_get_day (&last), g_date_time_get_hour (event->end_local),
                         g_date_time_get_minute (event->end_local),
                         g_date_time_get_second (event->end_local));
  *out_start = g_date_time_to_unix (start);
  *out_end = g_date_time_to_unix (end);
}

static SbException *
find_exception (SbEvent *event,
                gint64   original_start)
{
  for (guint i = 0; i < event->exceptions->len; i++)
    {
      SbException *exception = g_ptr_array_index (event->exceptions, i);

      if (exception->original_start == original_start)
        return exception;
    }
  return NULL;
}

typedef struct
{
  SbEvent *event;
  gint64   window_start;
  gint64   window_end;
  GArray  *out;
} ExpandData;

static gboolean
expand_visit (const GDate *date,
              gpointer     user_data)
{
  ExpandData *data = user_data;
  SbInstance instance = { data->event, NULL, 0, 0, 0, TRUE };

  occurrence_times (data->event, date, &instance.start, &instance.end);
  instance.original_start = instance.start;
  if (instance.start >= data->window_end)
    return FALSE;
  if (find_exception (data->event, instance.start) == NULL
      && sbc_overlaps (instance.start, instance.end, data->window_start, data->window_end))
    g_array_append_val (data->out, instance);
  return TRUE;
}

void
sb_expand (SbEvent *event,
           gint64   window_start,
           gint64   window_end,
           GArray  *out_instances)
{
  ExpandData data = { event, window_start, window_end, out_instances };

  if (!event->recurring)
    {
      SbInstance instance = { event, NULL, g_date_time_to_unix (event->start_local),
                              g_date_time_to_unix (event->end_local), 0, FALSE };

      instance.original_start = instance.start;
      if (sbc_overlaps (instance.start, instance.end, window_start, window_end))
        g_array_append_val (out_instances, instance);
      return;
    }
  walk_recurrence (&event->recurrence, expand_visit, &data);

  /* A moved occurrence shows where it was moved to, wherever it came from. */
  for (guint i = 0; i < event->exceptions->len; i++)
    {
      SbException *exception = g_ptr_array_index (event->exceptions, i);
      g_autoptr(GDateTime) start = NULL;
      g_autoptr(GDateTime) end = NULL;
      SbInstance instance = { event, exception, 0, 0, exception->original_start, TRUE };

      if (exception->cancelled)
        continue;
      start = sb_exception_time (event, exception->overrides, "start");
      end = sb_exception_time (event, exception->overrides, "end");
      instance.start = g_date_time_to_unix (start);
      instance.end = g_date_time_to_unix (end);
      if (sbc_overlaps (instance.start, instance.end, window_start, window_end))
        g_array_append_val (out_instances, instance);
    }
}

typedef struct
{
  SbEvent    *event;
  gint64      wanted;
  SbInstance *out;
  gboolean    found;
} FindData;

static gboolean
find_visit (const GDate *date,
            gpointer     user_data)
{
  FindData *data = user_data;
  gint64 start, end;

  occurrence_times (data->event, date, &start, &end);
  if (start > data->wanted)
    return FALSE;
  if (start != data->wanted)
    return TRUE;
  *data->out = (SbInstance) { data->event, find_exception (data->event, start), start, end, start, TRUE };
  data->found = TRUE;
  return FALSE;
}

gboolean
sb_find_occurrence (SbEvent    *event,
                    gint64      original_start,
                    SbInstance *out)
{
  FindData data = { event, original_start, out, FALSE };

  if (!event->recurring)
    return FALSE;
  walk_recurrence (&event->recurrence, find_visit, &data);
  return data.found;
}
