/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-sandbox-google"

#include "config.h"

#include <glib/gi18n.h>

#include "sandbox-google-private.h"

/* The Calendar API v3 routes: the dispatcher (Bearer, scopes, calendar
 * access), calendarList and freeBusy. Events are in sandbox-google-events.c. */

#define FREEBUSY_MAX_CALENDARS 50
#define FREEBUSY_MAX_DAYS      90
#define CALENDAR_LIST_DEFAULT  100
#define CALENDAR_LIST_MAX      250

static SbgUser *
request_user (SbgRequest *req)
{
  return sbg_find_user (req->self, req->grant->user);
}

/* ------------------------------------------------------- calendarList */

static gboolean
role_at_least (const char *role,
               const char *minimum)
{
  static const char *const order[] = { "freeBusyReader", "reader", "writer", "owner" };
  int have = -1, want = 0;

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    {
      if (g_strcmp0 (role, order[i]) == 0)
        have = i;
      if (g_strcmp0 (minimum, order[i]) == 0)
        want = i;
    }
  return have >= want;
}

static char *
encode_page (const char *kind,
             guint       offset)
{
  g_autofree char *raw = g_strdup_printf ("%s:%u", kind, offset);

  return g_base64_encode ((const guchar *) raw, strlen (raw));
}

static gboolean
decode_page (const char *token,
             const char *kind,
             guint      *out_offset)
{
  gsize length = 0;
  g_autofree char *raw = NULL;
  g_autofree char *prefix = g_strconcat (kind, ":", NULL);

  if (token == NULL)
    return FALSE;
  raw = (char *) g_base64_decode (token, &length);
  raw = g_realloc (raw, length + 1);
  raw[length] = '\0';
  if (!g_str_has_prefix (raw, prefix))
    return FALSE;
  *out_offset = g_ascii_strtoull (raw + strlen (prefix), NULL, 10);
  return TRUE;
}

static void
calendar_list (SbgRequest *req)
{
  SbgUser *user = request_user (req);
  const char *max_text = sbg_query (req, "maxResults");
  const char *minimum = sbg_query (req, "minAccessRole");
  guint max = max_text != NULL ? g_ascii_strtoull (max_text, NULL, 10) : CALENDAR_LIST_DEFAULT;
  guint offset = 0, taken = 0, i;
  g_autoptr(JsonObject) root = json_object_new ();
  JsonArray *items = json_array_new ();

  if (sbg_query (req, "pageToken") != NULL && !decode_page (sbg_query (req, "pageToken"), "calendarList", &offset))
    {
      json_array_unref (items);
      return sbg_reply_error (req, 400, "global", "invalid", "Invalid page token value.");
    }
  max = MIN (MIN (MAX (max, 1), CALENDAR_LIST_MAX), req->self->page_size);
  json_object_set_string_member (root, "kind", "calendar#calendarList");
  json_object_set_string_member (root, "etag", "\"p33c9bdkbsqivk0g\"");
  for (i = offset; user != NULL && i < user->calendars->len && taken < max; i++)
    {
      SbgCalendar *calendar = g_ptr_array_index (user->calendars, i);

      if (minimum != NULL && !role_at_least (calendar->access_role, minimum))
        continue;
      json_array_add_object_element (items, sbg_calendar_entry (calendar));
      taken++;
    }
  if (user != NULL && i < user->calendars->len)
    {
      g_autofree char *next = encode_page ("calendarList", i);
      json_object_set_string_member (root, "nextPageToken", next);
    }
  else
    json_object_set_string_member (root, "nextSyncToken", "CLDn7Z7z5PgCEhJib29rYWJsZS1zYW5kYm94");
  json_object_set_array_member (root, "items", items);
  sbg_reply_object (req, 200, root);
}

/* ----------------------------------------------------------- freeBusy */

typedef struct
{
  gint64 start;
  gint64 end;
} Span;

static int
span_compare (gconstpointer a,
              gconstpointer b)
{
  const Span *x = a, *y = b;

  return x->start < y->start ? -1 : x->start > y->start;
}

/* Transparent, declined, cancelled and working-location events leave the
 * time free. */
static gboolean
event_blocks (SbgEvent *event)
{
  JsonArray *attendees = json_object_has_member (event->data, "attendees")
                         ? json_object_get_array_member (event->data, "attendees") : NULL;

  if (event->deleted
      || g_strcmp0 (json_object_get_string_member_with_default (event->data, "status", ""), "cancelled") == 0
      || g_strcmp0 (json_object_get_string_member_with_default (event->data, "transparency", ""), "transparent") == 0
      || g_strcmp0 (json_object_get_string_member_with_default (event->data, "eventType", ""), "workingLocation") == 0)
    return FALSE;
  for (guint i = 0; attendees != NULL && i < json_array_get_length (attendees); i++)
    {
      JsonObject *attendee = json_array_get_object_element (attendees, i);

      if (attendee != NULL && json_object_get_boolean_member_with_default (attendee, "self", FALSE)
          && g_strcmp0 (json_object_get_string_member_with_default (attendee, "responseStatus", ""), "declined") == 0)
        return FALSE;
    }
  return TRUE;
}

static JsonArray *
busy_times (SbgCalendar *calendar,
            gint64       window_start,
            gint64       window_end,
            GTimeZone   *tz)
{
  g_autoptr(GArray) instances = g_array_new (FALSE, FALSE, sizeof (SbgInstance));
  g_autoptr(GArray) spans = g_array_new (FALSE, FALSE, sizeof (Span));
  JsonArray *busy = json_array_new ();

  for (guint i = 0; i < calendar->events->len; i++)
    {
      SbgEvent *event = g_ptr_array_index (calendar->events, i);

      if (event_blocks (event))
        sbg_expand (event, window_start, window_end, instances);
    }
  for (guint i = 0; i < instances->len; i++)
    {
      SbgInstance *instance = &g_array_index (instances, SbgInstance, i);
      Span span = { MAX (instance->start, window_start), MIN (instance->end, window_end) };

      if (span.end > span.start)
        g_array_append_val (spans, span);
    }
  g_array_sort (spans, span_compare);
  for (guint i = 0; i < spans->len;)
    {
      Span merged = g_array_index (spans, Span, i);
      JsonObject *period = json_object_new ();
      g_autofree char *start = NULL;
      g_autofree char *end = NULL;

      for (i++; i < spans->len && g_array_index (spans, Span, i).start <= merged.end; i++)
        merged.end = MAX (merged.end, g_array_index (spans, Span, i).end);
      start = sbg_format_rfc3339 (merged.start, tz);
      end = sbg_format_rfc3339 (merged.end, tz);
      json_object_set_string_member (period, "start", start);
      json_object_set_string_member (period, "end", end);
      json_array_add_object_element (busy, period);
    }
  return busy;
}

static JsonObject *
calendar_busy (SbgRequest *req,
               const char *id,
               gint64      window_start,
               gint64      window_end,
               GTimeZone  *tz)
{
  SbgUser *user = request_user (req);
  SbgCalendar *calendar = g_str_equal (id, "primary") && user != NULL
                          ? g_ptr_array_index (user->calendars, 0) : sbg_find_calendar (req->self, id);
  JsonObject *entry = json_object_new ();
  const char *failure = calendar == NULL ? "notFound" : calendar->freebusy_error;

  if (failure != NULL)
    {
      JsonArray *errors = json_array_new ();
      JsonObject *error = json_object_new ();

      json_object_set_string_member (error, "domain", "global");
      json_object_set_string_member (error, "reason", failure);
      json_array_add_object_element (errors, error);
      json_object_set_array_member (entry, "errors", errors);
      json_object_set_array_member (entry, "busy", json_array_new ());
      return entry;
    }
  json_object_set_array_member (entry, "busy", busy_times (calendar, window_start, window_end, tz));
  return entry;
}

static gboolean
freebusy_window (SbgRequest *req,
                 JsonObject *body,
                 gint64     *out_start,
                 gint64     *out_end)
{
  const char *time_min = json_object_get_string_member_with_default (body, "timeMin", NULL);
  const char *time_max = json_object_get_string_member_with_default (body, "timeMax", NULL);

  if (time_min == NULL || time_max == NULL)
    sbg_reply_error (req, 400, "global", "required", time_min == NULL ? "Missing timeMin parameter." : "Missing timeMax parameter.");
  else if (!sbc_parse_instant (time_min, out_start) || !sbc_parse_instant (time_max, out_end))
    sbg_reply_error (req, 400, "global", "invalid", "Bad Request");
  else if (*out_end <= *out_start)
    sbg_reply_error (req, 400, "calendar", "timeRangeEmpty", "The specified time range is empty.");
  else if (*out_end - *out_start > (gint64) FREEBUSY_MAX_DAYS * 86400)
    sbg_reply_error (req, 400, "calendar", "timeRangeTooLong", "The requested time range is too long.");
  else
    return TRUE;
  return FALSE;
}

static void
free_busy (SbgRequest *req)
{
  g_autoptr(JsonObject) body = sbg_request_json (req, NULL);
  g_autoptr(JsonObject) root = json_object_new ();
  g_autoptr(GTimeZone) tz = NULL;
  JsonObject *calendars;
  JsonArray *items;
  gint64 start, end;

  if (body == NULL)
    return sbg_reply_error (req, 400, "global", "parseError", "Parse Error");
  if (!freebusy_window (req, body, &start, &end))
    return;
  items = json_object_has_member (body, "items") ? json_object_get_array_member (body, "items") : NULL;
  if (items != NULL && json_array_get_length (items) > FREEBUSY_MAX_CALENDARS)
    return sbg_reply_error (req, 400, "calendar", "tooManyCalendarsRequested",
                            "Too many calendars requested (calendarExpansionMax is 50).");
  if (json_object_has_member (body, "timeZone")
      && (tz = g_time_zone_new_identifier (json_object_get_string_member (body, "timeZone"))) == NULL)
    return sbg_reply_error (req, 400, "global", "invalid", "Invalid time zone.");

  calendars = json_object_new ();
  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      const char *id = item != NULL ? json_object_get_string_member_with_default (item, "id", NULL) : NULL;

      if (id != NULL && !json_object_has_member (calendars, id))
        json_object_set_object_member (calendars, id, calendar_busy (req, id, start, end, tz));
    }
  json_object_set_string_member (root, "kind", "calendar#freeBusy");
  {
    g_autofree char *min = sbg_format_rfc3339 (start, NULL);
    g_autofree char *max = sbg_format_rfc3339 (end, NULL);

    json_object_set_string_member (root, "timeMin", min);
    json_object_set_string_member (root, "timeMax", max);
  }
  json_object_set_object_member (root, "calendars", calendars);
  sbg_reply_object (req, 200, root);
}

/* ---------------------------------------------------------- dispatch */

/* The calendar a path names, if the signed-in account has it listed. */
static SbgCalendar *
own_calendar (SbgRequest *req,
              const char *id)
{
  SbgUser *user = request_user (req);
  SbgCalendar *calendar;

  if (user == NULL)
    return NULL;
  if (g_str_equal (id, "primary"))
    return g_ptr_array_index (user->calendars, 0);
  calendar = sbg_find_calendar (req->self, id);
  return calendar != NULL && calendar->owner == user ? calendar : NULL;
}

static gboolean
dispatch_events (SbgRequest  *req,
                 char       **parts,
                 guint        n)
{
  g_autofree char *calendar_id = g_uri_unescape_string (parts[1], NULL);
  g_autofree char *event_id = n == 4 ? g_uri_unescape_string (parts[3], NULL) : NULL;
  gboolean get = g_str_equal (req->method, "GET");
  SbgCalendar *calendar;

  if (calendar_id == NULL || (n == 4 && event_id == NULL))
    return FALSE;
  if (!sbg_auth_allows (req, get ? SBG_NEED_READ_EVENTS : SBG_NEED_WRITE_EVENTS))
    return TRUE;
  if ((calendar = own_calendar (req, calendar_id)) == NULL)
    return sbg_reply_error (req, 404, "global", "notFound", "Not Found"), TRUE;
  if (!get && !role_at_least (calendar->access_role, "writer"))
    return sbg_reply_error (req, 403, "calendar", "requiredAccessLevel",
                            "You need to have writer access to this calendar."), TRUE;
  if (n == 3 && get)
    sbg_events_list (req, calendar);
  else if (n == 3 && g_str_equal (req->method, "POST"))
    sbg_events_insert (req, calendar);
  else if (n == 4)
    sbg_events_item (req, calendar, event_id);
  else
    return FALSE;
  return TRUE;
}

gboolean
sbg_calendar_dispatch (SbgRequest *req)
{
  g_auto(GStrv) parts = g_strsplit (req->path + strlen ("/calendar/v3/"), "/", -1);
  guint n = g_strv_length (parts);

  if (!sbg_auth_check_bearer (req))
    return TRUE;
  if (n == 3 && g_str_equal (parts[0], "users") && g_str_equal (parts[1], "me")
      && g_str_equal (parts[2], "calendarList") && g_str_equal (req->method, "GET"))
    {
      if (sbg_auth_allows (req, SBG_NEED_CALENDAR_LIST))
        calendar_list (req);
      return TRUE;
    }
  if (n == 1 && g_str_equal (parts[0], "freeBusy") && g_str_equal (req->method, "POST"))
    {
      if (sbg_auth_allows (req, SBG_NEED_FREEBUSY))
        free_busy (req);
      return TRUE;
    }
  if ((n == 3 || n == 4) && g_str_equal (parts[0], "calendars") && g_str_equal (parts[2], "events"))
    return dispatch_events (req, parts, n);
  return FALSE;
}
