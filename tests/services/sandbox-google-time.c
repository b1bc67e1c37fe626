/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-sandbox-google"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "sandbox-google-private.h"

/* Google's EventDateTime values ({dateTime, timeZone} or {date}), the
 * iCalendar RRULE/EXDATE lines of "recurrence", and the expansion behind
 * singleEvents=true and freeBusy. Occurrences keep their wall-clock time
 * in the event's zone, so they move in UTC across a DST change; all-day
 * events are whole days of the calendar's zone. */

char *
sbg_format_rfc3339 (gint64     instant,
                    GTimeZone *tz)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (instant);
  g_autoptr(GDateTime) local = NULL;

  if (tz == NULL)
    return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
  local = g_date_time_to_timezone (utc, tz);
  if (g_date_time_get_utc_offset (local) == 0)
    return g_date_time_format (local, "%Y-%m-%dT%H:%M:%SZ");
  return g_date_time_format (local, "%Y-%m-%dT%H:%M:%S%:z");
}

/* The suffix of an instance id: "20270301T080000Z" (UTC) for timed series,
 * "20270301" (the local date in @all_day_zone) for all-day ones. */
char *
sbg_format_instance_key (gint64     instant,
                         GTimeZone *all_day_zone)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (instant);
  g_autoptr(GDateTime) local = NULL;

  if (all_day_zone == NULL)
    return g_date_time_format (utc, "%Y%m%dT%H%M%SZ");
  local = g_date_time_to_timezone (utc, all_day_zone);
  return g_date_time_format (local, "%Y%m%d");
}

static GDateTime *
local_midnight (GTimeZone   *tz,
                const GDate *date)
{
  return g_date_time_new (tz, g_date_get_year (date), g_date_get_month (date),
                          g_date_get_day (date), 0, 0, 0);
}

static GTimeZone *
zone_named (const char *name)
{
  if (name == NULL || *name == '\0')
    return NULL;
  if (g_str_equal (name, "UTC") || g_str_equal (name, "Etc/UTC"))
    return g_time_zone_new_utc ();
  /* IANA names only: GLib also takes "+01:00", which Google refuses. */
  if (strchr (name, '/') == NULL)
    return NULL;
  return g_time_zone_new_identifier (name);
}

/* A dateTime, with its offset or in its timeZone: an instant. */
static gboolean
parse_date_time (const char *text,
                 GTimeZone  *tz,
                 gint64     *out)
{
  g_autoptr(GDateTime) dt = NULL;

  if (text == NULL)
    return FALSE;
  dt = g_date_time_new_from_iso8601 (text, tz);
  if (dt == NULL)
    return FALSE;
  *out = g_date_time_to_unix (dt);
  return TRUE;
}

/* ----------------------------------------------------------- recurrence */

static gboolean
parse_weekday (const char *text,
               guint      *bits)
{
  static const char *const names[] = { "SU", "MO", "TU", "WE", "TH", "FR", "SA" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_str_equal (text, names[i]))
      {
        *bits |= 1u << i;
        return TRUE;
      }
  return FALSE;
}

/* UNTIL is a UTC date-time ("…T…Z"), a floating one (the event's zone) or
 * a date (inclusive: the whole day counts). */
static gboolean
parse_until (const char *text,
             SbgEvent   *event,
             gint64     *out)
{
  int y, mo, d, h = 23, mi = 59, s = 59, n = 0;
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) dt = NULL;
  gboolean has_time;

  if (sscanf (text, "%4d%2d%2d%n", &y, &mo, &d, &n) != 3)
    return FALSE;
  has_time = text[n] == 'T';
  if (has_time && sscanf (text + n, "T%2d%2d%2d", &h, &mi, &s) != 3)
    return FALSE;
  dt = g_date_time_new (g_str_has_suffix (text, "Z") ? utc : event->tz, y, mo, d, h, mi, s);
  if (dt == NULL)
    return FALSE;
  *out = g_date_time_to_unix (dt);
  return TRUE;
}

static gboolean
parse_rrule (const char  *line,
             SbgEvent    *event,
             GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (line + strlen ("RRULE:"), ";", -1);
  SbcRule rule = { .interval = 1, .week_start = G_DATE_MONDAY };
  gboolean has_freq = FALSE;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_auto(GStrv) kv = g_strsplit (parts[i], "=", 2);
      const char *value = kv[1] != NULL ? kv[1] : "";
      gboolean ok = kv[1] != NULL;

      if (g_str_equal (kv[0], "FREQ"))
        {
          has_freq = g_str_equal (value, "DAILY") || g_str_equal (value, "WEEKLY");
          rule.freq = g_str_equal (value, "WEEKLY") ? SBC_FREQ_WEEKLY : SBC_FREQ_DAILY;
        }
      else if (g_str_equal (kv[0], "INTERVAL"))
        ok = ok && (rule.interval = g_ascii_strtoull (value, NULL, 10)) >= 1;
      else if (g_str_equal (kv[0], "COUNT"))
        ok = ok && (rule.count = g_ascii_strtoull (value, NULL, 10)) >= 1;
      else if (g_str_equal (kv[0], "UNTIL"))
        ok = ok && (event->has_until = parse_until (value, event, &event->until));
      else if (g_str_equal (kv[0], "BYDAY"))
        {
          g_auto(GStrv) days = g_strsplit (value, ",", -1);

          for (guint j = 0; ok && days[j] != NULL; j++)
            ok = parse_weekday (days[j], &rule.days_of_week);
        }
      else if (!g_str_equal (kv[0], "WKST"))
        ok = FALSE;
      if (!ok)
        return sbg_set_invalid (error, "Invalid recurrence rule.");
    }
  if (!has_freq)
    return sbg_set_invalid (error, "Invalid recurrence rule: the sandbox knows FREQ=DAILY and FREQ=WEEKLY.");
  if (rule.count > 0 && event->has_until)
    return sbg_set_invalid (error, "Invalid recurrence rule: COUNT and UNTIL together.");
  if (rule.days_of_week == 0)
    rule.days_of_week = 1u << (g_date_time_get_day_of_week (event->start) % 7);
  g_date_clear (&rule.first, 1);
  g_date_set_dmy (&rule.first, g_date_time_get_day_of_month (event->start),
                  g_date_time_get_month (event->start), g_date_time_get_year (event->start));
  event->rule = rule;
  event->recurring = TRUE;
  return TRUE;
}

/* EXDATE;TZID=Europe/Berlin:20270303T090000, EXDATE:20270303T080000Z,
 * EXDATE;VALUE=DATE:20270303 — each a comma-separated list. */
static gboolean
parse_exdate (const char  *line,
              SbgEvent    *event,
              GError     **error)
{
  const char *colon = strchr (line, ':');
  g_autofree char *params = colon != NULL ? g_strndup (line, colon - line) : NULL;
  g_autoptr(GTimeZone) tz = NULL;
  g_auto(GStrv) values = NULL;
  const char *tzid;

  if (colon == NULL)
    return sbg_set_invalid (error, "Invalid EXDATE.");
  tzid = strstr (params, ";TZID=");
  tz = tzid != NULL ? zone_named (tzid + strlen (";TZID=")) : g_time_zone_ref (event->tz);
  if (tz == NULL)
    return sbg_set_invalid (error, "Invalid EXDATE time zone.");
  values = g_strsplit (colon + 1, ",", -1);
  for (guint i = 0; values[i] != NULL; i++)
    {
      int y, mo, d, h = 0, mi = 0, s = 0, n = 0;
      g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
      g_autoptr(GDateTime) dt = NULL;
      gint64 instant;

      if (sscanf (values[i], "%4d%2d%2d%n", &y, &mo, &d, &n) != 3
          || (values[i][n] == 'T' && sscanf (values[i] + n, "T%2d%2d%2d", &h, &mi, &s) != 3))
        return sbg_set_invalid (error, "Invalid EXDATE value.");
      if (values[i][n] != 'T' && !event->all_day)
        {
          /* A date on a timed series: that day's occurrence. */
          h = g_date_time_get_hour (event->start);
          mi = g_date_time_get_minute (event->start);
          s = g_date_time_get_second (event->start);
        }
      dt = g_date_time_new (g_str_has_suffix (values[i], "Z") ? utc : tz, y, mo, d, h, mi, s);
      if (dt == NULL)
        return sbg_set_invalid (error, "Invalid EXDATE value.");
      instant = g_date_time_to_unix (dt);
      g_array_append_val (event->exdates, instant);
    }
  return TRUE;
}

static gboolean
parse_recurrence (SbgEvent  *event,
                  GError   **error)
{
  JsonNode *node = json_object_get_member (event->data, "recurrence");
  JsonArray *lines;

  g_array_set_size (event->exdates, 0);
  event->recurring = FALSE;
  event->has_until = FALSE;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return sbg_set_invalid (error, "recurrence must be an array of strings.");
  lines = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (lines); i++)
    {
      const char *line = json_node_get_string (json_array_get_element (lines, i));

      if (line == NULL)
        return sbg_set_invalid (error, "recurrence must be an array of strings.");
      if (g_str_has_prefix (line, "RRULE:"))
        {
          if (event->recurring)
            return sbg_set_invalid (error, "The sandbox takes one RRULE per event.");
          if (!parse_rrule (line, event, error))
            return FALSE;
        }
      else if (g_str_has_prefix (line, "EXDATE"))
        {
          if (!parse_exdate (line, event, error))
            return FALSE;
        }
      else
        return sbg_set_invalid (error, "Invalid recurrence line: the sandbox knows RRULE and EXDATE.");
    }
  if (!event->recurring && event->exdates->len > 0)
    return sbg_set_invalid (error, "EXDATE needs an RRULE.");
  return TRUE;
}

/* --------------------------------------------------------------- events */

static GTimeZone *
event_zone (SbgEvent   *event,
            JsonObject *start)
{
  const char *name = json_object_get_string_member_with_default (start, "timeZone", NULL);

  if (name == NULL)
    name = event->calendar != NULL ? event->calendar->time_zone : "UTC";
  return zone_named (name);
}

static gboolean
parse_when (JsonObject  *when,
            GTimeZone   *tz,
            gboolean    *out_all_day,
            GDateTime  **out)
{
  const char *date = json_object_get_string_member_with_default (when, "date", NULL);
  const char *date_time = json_object_get_string_member_with_default (when, "dateTime", NULL);
  gint64 instant;
  GDate day;

  *out_all_day = date != NULL && date_time == NULL;
  if (*out_all_day)
    return sbc_parse_date (date, &day) && (*out = local_midnight (tz, &day)) != NULL;
  if (!parse_date_time (date_time, tz, &instant))
    return FALSE;
  {
    g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (instant);
    *out = g_date_time_to_timezone (utc, tz);
  }
  return TRUE;
}

static gboolean
parse_original_start (SbgEvent  *event,
                      GError   **error)
{
  JsonObject *original;
  gboolean all_day;
  g_autoptr(GDateTime) dt = NULL;

  g_clear_pointer (&event->master_id, g_free);
  if (!json_object_has_member (event->data, "recurringEventId"))
    return TRUE;
  original = json_object_has_member (event->data, "originalStartTime")
             ? json_object_get_object_member (event->data, "originalStartTime") : NULL;
  if (original == NULL || !parse_when (original, event->tz, &all_day, &dt))
    return sbg_set_invalid (error, "An exception needs recurringEventId and originalStartTime.");
  event->master_id = g_strdup (json_object_get_string_member (event->data, "recurringEventId"));
  event->original_start = g_date_time_to_unix (dt);
  return TRUE;
}

gboolean
sbg_event_parse (SbgEvent  *event,
                 GError   **error)
{
  JsonObject *start = json_object_has_member (event->data, "start")
                      ? json_object_get_object_member (event->data, "start") : NULL;
  JsonObject *end = json_object_has_member (event->data, "end")
                    ? json_object_get_object_member (event->data, "end") : NULL;
  g_autoptr(GTimeZone) tz = NULL;
  g_autoptr(GDateTime) start_dt = NULL;
  g_autoptr(GDateTime) end_dt = NULL;
  gboolean start_all_day, end_all_day;

  if (start == NULL || end == NULL)
    return sbg_set_invalid (error, start == NULL ? "Missing start time." : "Missing end time.");
  if ((tz = event_zone (event, start)) == NULL)
    return sbg_set_invalid (error, "Invalid time zone definition for start time.");
  if (!parse_when (start, tz, &start_all_day, &start_dt) || !parse_when (end, tz, &end_all_day, &end_dt))
    return sbg_set_invalid (error, "Invalid start or end time.");
  if (start_all_day != end_all_day)
    return sbg_set_invalid (error, "Start and end times must either both be date or both be dateTime.");
  if (g_date_time_compare (end_dt, start_dt) < 0 || (start_all_day && g_date_time_equal (end_dt, start_dt)))
    return sbg_set_invalid (error, "The specified time range is empty.");

  g_clear_pointer (&event->tz, g_time_zone_unref);
  event->tz = g_steal_pointer (&tz);
  g_clear_pointer (&event->start, g_date_time_unref);
  event->start = g_steal_pointer (&start_dt);
  g_clear_pointer (&event->end, g_date_time_unref);
  event->end = g_steal_pointer (&end_dt);
  event->all_day = start_all_day;
  if (event->exdates == NULL)
    event->exdates = g_array_new (FALSE, FALSE, sizeof (gint64));
  return parse_recurrence (event, error) && parse_original_start (event, error);
}

/* ------------------------------------------------------------ expansion */

typedef gboolean (*VisitFunc) (SbgEvent *event, gint64 start, gint64 end, gpointer data);

/* The occurrence on local @date: the series' wall-clock start, its length. */
static void
occurrence_on (SbgEvent    *event,
               const GDate *date,
               gint64      *out_start,
               gint64      *out_end)
{
  GDateTime *s = event->start;
  g_autoptr(GDateTime) start = NULL;

  if (event->all_day)
    {
      GDate last = *date;
      GDate first, first_end;

      g_date_clear (&first, 1);
      g_date_clear (&first_end, 1);
      g_date_set_dmy (&first, g_date_time_get_day_of_month (s), g_date_time_get_month (s), g_date_time_get_year (s));
      g_date_set_dmy (&first_end, g_date_time_get_day_of_month (event->end),
                      g_date_time_get_month (event->end), g_date_time_get_year (event->end));
      g_date_add_days (&last, g_date_days_between (&first, &first_end));
      {
        g_autoptr(GDateTime) a = local_midnight (event->tz, date);
        g_autoptr(GDateTime) b = local_midnight (event->tz, &last);

        *out_start = g_date_time_to_unix (a);
        *out_end = g_date_time_to_unix (b);
      }
      return;
    }
  start = g_date_time_new (event->tz, g_date_get_year (date), g_date_get_month (date), g_date_get_day (date),
                           g_date_time_get_hour (s), g_date_time_get_minute (s), g_date_time_get_second (s));
  *out_start = g_date_time_to_unix (start);
  *out_end = *out_start + g_date_time_difference (event->end, event->start) / G_USEC_PER_SEC;
}

typedef struct
{
  SbgEvent  *event;
  VisitFunc  visit;
  gpointer   data;
} Walk;

/* RRULE's UNTIL bounds the start instant, which the date walk cannot see. */
static gboolean
walk_date (const GDate *date,
           gpointer     user_data)
{
  Walk *walk = user_data;
  gint64 start, end;

  occurrence_on (walk->event, date, &start, &end);
  if (walk->event->has_until && start > walk->event->until)
    return FALSE;
  return walk->visit (walk->event, start, end, walk->data);
}

static void
walk_series (SbgEvent  *event,
             VisitFunc  visit,
             gpointer   data)
{
  Walk walk = { event, visit, data };

  sbc_rule_walk (&event->rule, walk_date, &walk);
}

/* An occurrence the series no longer generates: excluded, or replaced by
 * an exception (moved, changed or cancelled) stored as its own event. */
static gboolean
is_overridden (SbgEvent *event,
               gint64    original_start)
{
  for (guint i = 0; i < event->exdates->len; i++)
    if (g_array_index (event->exdates, gint64, i) == original_start)
      return TRUE;
  for (guint i = 0; i < event->calendar->events->len; i++)
    {
      SbgEvent *other = g_ptr_array_index (event->calendar->events, i);

      if (other->master_id != NULL && other->original_start == original_start
          && g_str_equal (other->master_id, event->id))
        return TRUE;
    }
  return FALSE;
}

typedef struct
{
  gint64  window_start;
  gint64  window_end;
  GArray *out;
} ExpandData;

static gboolean
expand_visit (SbgEvent *event,
              gint64    start,
              gint64    end,
              gpointer  user_data)
{
  ExpandData *data = user_data;
  SbgInstance instance = { event, start, end, start, TRUE };

  if (start >= data->window_end)
    return FALSE;
  if (sbc_overlaps (start, end, data->window_start, data->window_end) && !is_overridden (event, start))
    g_array_append_val (data->out, instance);
  return TRUE;
}

void
sbg_expand (SbgEvent *event,
            gint64    window_start,
            gint64    window_end,
            GArray   *out_instances)
{
  ExpandData data = { window_start, window_end, out_instances };

  if (!event->recurring)
    {
      SbgInstance instance = { event, g_date_time_to_unix (event->start), g_date_time_to_unix (event->end),
                               0, FALSE };

      instance.original_start = event->master_id != NULL ? event->original_start : instance.start;
      if (sbc_overlaps (instance.start, instance.end, window_start, window_end))
        g_array_append_val (out_instances, instance);
      return;
    }
  walk_series (event, expand_visit, &data);
}

/* The occurrence a series generates at @original_start: FALSE when there is
 * none, it is excluded, or an exception stands in its place. */
gboolean
sbg_find_occurrence (SbgEvent    *event,
                     gint64       original_start,
                     SbgInstance *out)
{
  g_autoptr(GArray) found = g_array_new (FALSE, FALSE, sizeof (SbgInstance));

  if (!event->recurring)
    return FALSE;
  sbg_expand (event, original_start, original_start + 1, found);
  for (guint i = 0; i < found->len; i++)
    if (g_array_index (found, SbgInstance, i).original_start == original_start)
      {
        *out = g_array_index (found, SbgInstance, i);
        return TRUE;
      }
  return FALSE;
}

/* ------------------------------------------------------------ rendering */

static void
set_when (JsonObject *object,
          const char *member,
          SbgEvent   *event,
          gint64      instant,
          GTimeZone  *tz)
{
  JsonObject *when = json_object_new ();
  JsonObject *stored = json_object_has_member (event->data, "start")
                       ? json_object_get_object_member (event->data, "start") : NULL;
  const char *zone = stored != NULL ? json_object_get_string_member_with_default (stored, "timeZone", NULL) : NULL;

  if (event->all_day)
    {
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (instant);
      g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, event->tz);
      g_autofree char *date = g_date_time_format (local, "%Y-%m-%d");

      json_object_set_string_member (when, "date", date);
    }
  else
    {
      g_autofree char *text = sbg_format_rfc3339 (instant, tz != NULL ? tz : event->tz);

      json_object_set_string_member (when, "dateTime", text);
      if (zone != NULL)
        json_object_set_string_member (when, "timeZone", zone);
    }
  json_object_set_object_member (object, member, when);
}

static JsonObject *
render_common (SbgEvent *event)
{
  JsonObject *object = json_object_new ();
  g_autofree char *etag = g_strdup_printf ("\"%" G_GUINT64_FORMAT "000\"", event->seq);
  g_autofree char *created = sbg_format_rfc3339 (event->created, NULL);
  g_autofree char *updated = sbg_format_rfc3339 (event->updated, NULL);

  json_object_set_string_member (object, "kind", "calendar#event");
  json_object_set_string_member (object, "etag", etag);
  json_object_set_string_member (object, "id", event->id);
  json_object_set_string_member (object, "status", event->deleted ? "cancelled"
                                 : json_object_get_string_member_with_default (event->data, "status", "confirmed"));
  json_object_set_string_member (object, "created", created);
  json_object_set_string_member (object, "updated", updated);
  return object;
}

JsonObject *
sbg_render_event (SbgEvent  *event,
                  GTimeZone *tz)
{
  JsonObject *object = render_common (event);
  g_autofree char *link = g_strdup_printf ("https://www.google.com/calendar/event?eid=%s", event->id);
  g_autoptr(GList) members = NULL;

  if (event->master_id != NULL)
    {
      json_object_set_string_member (object, "recurringEventId", event->master_id);
      set_when (object, "originalStartTime", event, event->original_start, tz);
    }
  if (event->deleted)
    return object;
  members = json_object_get_members (event->data);
  for (GList *l = members; l != NULL; l = l->next)
    if (!json_object_has_member (object, l->data))
      json_object_set_member (object, l->data, json_object_dup_member (event->data, l->data));
  json_object_set_string_member (object, "htmlLink", link);
  set_when (object, "start", event, g_date_time_to_unix (event->start), tz);
  set_when (object, "end", event, g_date_time_to_unix (event->end), tz);
  if (!json_object_has_member (object, "eventType"))
    json_object_set_string_member (object, "eventType", "default");
  if (!json_object_has_member (object, "iCalUID"))
    {
      g_autofree char *uid = g_strdup_printf ("%s@google.com",
                                              event->master_id != NULL ? event->master_id : event->id);
      json_object_set_string_member (object, "iCalUID", uid);
    }
  return object;
}

JsonObject *
sbg_render_instance (const SbgInstance *instance,
                     GTimeZone         *tz)
{
  JsonObject *object;
  g_autofree char *key = NULL;
  g_autofree char *id = NULL;

  if (!instance->is_instance)
    return sbg_render_event (instance->event, tz);
  object = sbg_render_event (instance->event, tz);
  key = sbg_format_instance_key (instance->original_start,
                                 instance->event->all_day ? instance->event->tz : NULL);
  id = g_strdup_printf ("%s_%s", instance->event->id, key);
  json_object_set_string_member (object, "id", id);
  json_object_remove_member (object, "recurrence");
  json_object_set_string_member (object, "recurringEventId", instance->event->id);
  set_when (object, "originalStartTime", instance->event, instance->original_start, tz);
  set_when (object, "start", instance->event, instance->start, tz);
  set_when (object, "end", instance->event, instance->end, tz);
  return object;
}
