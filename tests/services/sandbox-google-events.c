/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-sandbox-google"

#include "config.h"

#include <glib/gi18n.h>

#include "sandbox-google-private.h"

/* events.list (singleEvents expansion, paging, syncToken incremental sync
 * and 410 after invalidation, filters), events.get/insert/patch/delete
 * with Google's id rules (409 duplicate, 410 deleted). */

#define LIST_DEFAULT_MAX   250
#define LIST_MAX           2500
/* How far an open-ended series is expanded when no timeMax bounds it. */
#define OPEN_END_DAYS      730

typedef struct
{
  gint64      start;
  guint64     seq;
  JsonObject *json;
} Item;

static void
item_clear (gpointer data)
{
  Item *item = data;

  g_clear_pointer (&item->json, json_object_unref);
}

static int
item_by_start (gconstpointer a,
               gconstpointer b)
{
  const Item *x = a, *y = b;

  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int
item_by_seq (gconstpointer a,
             gconstpointer b)
{
  const Item *x = a, *y = b;

  if (x->seq != y->seq)
    return x->seq < y->seq ? -1 : 1;
  return x->start < y->start ? -1 : x->start > y->start;
}

typedef struct
{
  gboolean    single;
  gboolean    show_deleted;
  gboolean    by_start;
  gint64      time_min;
  gint64      time_max;
  gboolean    has_min;
  gboolean    has_max;
  char       *property_key;
  char       *property_value;
  GTimeZone  *tz;            /* timeZone=: the zone of the answer's dateTimes */
  gboolean    incremental;
  guint64     since;         /* syncToken's sequence */
  guint64     snapshot;      /* the sequence nextSyncToken will carry */
  guint       offset;
  guint       max;
} ListQuery;

static void
list_query_clear (ListQuery *q)
{
  g_free (q->property_key);
  g_free (q->property_value);
  g_clear_pointer (&q->tz, g_time_zone_unref);
}

/* ------------------------------------------------------------- tokens */

static char *
encode_token (const char  *kind,
              SbgCalendar *calendar,
              guint64      a,
              guint64      b)
{
  g_autofree char *raw = g_strdup_printf ("%s\n%s\n%" G_GUINT64_FORMAT "\n%" G_GUINT64_FORMAT,
                                          kind, calendar->id, a, b);
  char *encoded = g_base64_encode ((const guchar *) raw, strlen (raw));

  g_strdelimit (encoded, "+", '-');
  g_strdelimit (encoded, "/", '_');
  return encoded;
}

static gboolean
decode_token (const char  *token,
              const char  *kind,
              SbgCalendar *calendar,
              guint64     *out_a,
              guint64     *out_b)
{
  g_autofree char *copy = g_strdup (token);
  g_autofree char *raw = NULL;
  g_auto(GStrv) parts = NULL;
  gsize length = 0;

  g_strdelimit (copy, "-", '+');
  g_strdelimit (copy, "_", '/');
  raw = (char *) g_base64_decode (copy, &length);
  raw = g_realloc (raw, length + 1);
  raw[length] = '\0';
  parts = g_strsplit (raw, "\n", 4);
  if (g_strv_length (parts) != 4 || !g_str_equal (parts[0], kind) || !g_str_equal (parts[1], calendar->id))
    return FALSE;
  *out_a = g_ascii_strtoull (parts[2], NULL, 10);
  *out_b = g_ascii_strtoull (parts[3], NULL, 10);
  return TRUE;
}

/* -------------------------------------------------------------- query */

static gboolean
query_flag (SbgRequest *req,
            const char *name)
{
  return g_strcmp0 (sbg_query (req, name), "true") == 0;
}

static gboolean
parse_sync (SbgRequest  *req,
            SbgCalendar *calendar,
            ListQuery   *q)
{
  const char *token = sbg_query (req, "syncToken");
  guint64 epoch;

  if (token == NULL)
    return TRUE;
  if (q->has_min || q->has_max || q->by_start || q->property_key != NULL || sbg_query (req, "q") != NULL
      || sbg_query (req, "updatedMin") != NULL)
    sbg_reply_error (req, 400, "global", "invalid",
                     "syncToken cannot be combined with timeMin, timeMax, orderBy, privateExtendedProperty, q or updatedMin.");
  else if (!decode_token (token, "sync", calendar, &q->since, &epoch))
    sbg_reply_error (req, 400, "global", "invalid", "Invalid sync token value.");
  else if (epoch != calendar->sync_epoch)
    sbg_reply_error (req, 410, "global", "fullSyncRequired", "Sync token is no longer valid, a full sync is required.");
  else
    {
      q->incremental = TRUE;
      return TRUE;
    }
  return FALSE;
}

static gboolean
parse_list_query (SbgRequest  *req,
                  SbgCalendar *calendar,
                  ListQuery   *q)
{
  const char *order = sbg_query (req, "orderBy");
  const char *property = sbg_query (req, "privateExtendedProperty");
  const char *max = sbg_query (req, "maxResults");
  const char *zone = sbg_query (req, "timeZone");
  const char *page = sbg_query (req, "pageToken");
  guint64 offset = 0;

  q->single = query_flag (req, "singleEvents");
  q->show_deleted = query_flag (req, "showDeleted");
  q->by_start = g_strcmp0 (order, "startTime") == 0;
  q->snapshot = req->self->seq;
  q->max = max != NULL ? (guint) CLAMP (g_ascii_strtoll (max, NULL, 10), 1, LIST_MAX) : LIST_DEFAULT_MAX;
  q->max = MIN (q->max, req->self->page_size);
  if (order != NULL && !q->by_start && !g_str_equal (order, "updated"))
    return sbg_reply_error (req, 400, "global", "invalid", "Invalid value for orderBy."), FALSE;
  if (q->by_start && !q->single)
    return sbg_reply_error (req, 400, "global", "badRequest",
                            "The requested ordering is not available for the particular query."), FALSE;
  if (((q->has_min = sbg_query (req, "timeMin") != NULL) && !sbc_parse_instant (sbg_query (req, "timeMin"), &q->time_min))
      || ((q->has_max = sbg_query (req, "timeMax") != NULL) && !sbc_parse_instant (sbg_query (req, "timeMax"), &q->time_max)))
    return sbg_reply_error (req, 400, "global", "badRequest", "Bad Request"), FALSE;
  if (q->has_min && q->has_max && q->time_max <= q->time_min)
    return sbg_reply_error (req, 400, "calendar", "timeRangeEmpty", "The specified time range is empty."), FALSE;
  if (property != NULL)
    {
      const char *equals = strchr (property, '=');

      if (equals == NULL)
        return sbg_reply_error (req, 400, "global", "invalid", "Invalid privateExtendedProperty: expected propertyName=value."), FALSE;
      q->property_key = g_strndup (property, equals - property);
      q->property_value = g_strdup (equals + 1);
    }
  if (zone != NULL && (q->tz = g_time_zone_new_identifier (zone)) == NULL)
    return sbg_reply_error (req, 400, "global", "invalid", "Invalid time zone."), FALSE;
  if (page != NULL)
    {
      if (!decode_token (page, "page", calendar, &offset, &q->snapshot))
        return sbg_reply_error (req, 400, "global", "invalid", "Invalid page token value."), FALSE;
      q->offset = offset;
    }
  return parse_sync (req, calendar, q);
}

/* -------------------------------------------------------------- items */

static gboolean
matches_property (SbgEvent  *event,
                  ListQuery *q)
{
  JsonObject *extended, *private;
  SbgEvent *series = event;

  if (q->property_key == NULL)
    return TRUE;
  /* An exception without extendedProperties of its own has its series'. */
  if (!json_object_has_member (event->data, "extendedProperties") && event->master_id != NULL)
    series = sbg_find_event (event->calendar, event->master_id);
  if (series == NULL || !json_object_has_member (series->data, "extendedProperties"))
    return FALSE;
  extended = json_object_get_object_member (series->data, "extendedProperties");
  private = extended != NULL && json_object_has_member (extended, "private")
            ? json_object_get_object_member (extended, "private") : NULL;
  return private != NULL
         && g_strcmp0 (json_object_get_string_member_with_default (private, q->property_key, NULL),
                       q->property_value) == 0;
}

static void
add_item (GArray     *items,
          gint64      start,
          SbgEvent   *event,
          JsonObject *json)
{
  Item item = { start, event->seq, json };

  g_array_append_val (items, item);
}

static gboolean
is_cancelled (SbgEvent *event)
{
  return event->deleted
         || g_strcmp0 (json_object_get_string_member_with_default (event->data, "status", ""), "cancelled") == 0;
}

static void
collect_event (SbgEvent  *event,
               ListQuery *q,
               gint64     window_start,
               gint64     window_end,
               GArray    *items)
{
  g_autoptr(GArray) instances = g_array_new (FALSE, FALSE, sizeof (SbgInstance));

  if (is_cancelled (event))
    {
      /* Deleted events come with a sync token, with showDeleted, or (an
       * exception of a series) when neither singleEvents nor showDeleted. */
      if (q->incremental || q->show_deleted || (event->master_id != NULL && !q->single))
        add_item (items, g_date_time_to_unix (event->start), event, sbg_render_event (event, q->tz));
      return;
    }
  if (!matches_property (event, q))
    return;
  sbg_expand (event, window_start, window_end, instances);
  if (!q->single || !event->recurring)
    {
      if (instances->len > 0 || q->incremental)
        add_item (items, g_date_time_to_unix (event->start), event, sbg_render_event (event, q->tz));
      return;
    }
  for (guint i = 0; i < instances->len; i++)
    {
      SbgInstance *instance = &g_array_index (instances, SbgInstance, i);

      add_item (items, instance->start, event, sbg_render_instance (instance, q->tz));
    }
}

static GArray *
collect (SbgRequest  *req,
         SbgCalendar *calendar,
         ListQuery   *q)
{
  GArray *items = g_array_new (FALSE, FALSE, sizeof (Item));
  gint64 now = sbg_now (req->self);
  gint64 window_start = q->has_min ? q->time_min : G_MININT32 * (gint64) 4;
  gint64 window_end = q->has_max ? q->time_max : (q->has_min ? q->time_min : now) + OPEN_END_DAYS * 86400;

  g_array_set_clear_func (items, item_clear);
  for (guint i = 0; i < calendar->events->len; i++)
    {
      SbgEvent *event = g_ptr_array_index (calendar->events, i);

      if (q->incremental && (event->seq <= q->since || event->seq > q->snapshot))
        continue;
      if (!q->incremental && event->seq > q->snapshot && event->deleted)
        continue;
      collect_event (event, q, window_start, window_end, items);
    }
  g_array_sort (items, q->by_start ? item_by_start : item_by_seq);
  return items;
}

void
sbg_events_list (SbgRequest  *req,
                 SbgCalendar *calendar)
{
  ListQuery q = { 0 };
  g_autoptr(GArray) items = NULL;
  g_autoptr(JsonObject) root = json_object_new ();
  JsonArray *array = json_array_new ();
  g_autofree char *updated = sbg_format_rfc3339 (sbg_now (req->self), NULL);
  guint end;

  if (!parse_list_query (req, calendar, &q))
    {
      json_array_unref (array);
      list_query_clear (&q);
      return;
    }
  items = collect (req, calendar, &q);
  end = MIN (items->len, q.offset + q.max);
  for (guint i = q.offset; i < end; i++)
    json_array_add_object_element (array, json_object_ref (g_array_index (items, Item, i).json));

  json_object_set_string_member (root, "kind", "calendar#events");
  json_object_set_string_member (root, "etag", "\"p32ofplf5q6gf20g\"");
  json_object_set_string_member (root, "summary", calendar->summary);
  json_object_set_string_member (root, "updated", updated);
  json_object_set_string_member (root, "timeZone", calendar->time_zone);
  json_object_set_string_member (root, "accessRole", calendar->access_role);
  json_object_set_array_member (root, "defaultReminders", json_array_new ());
  if (end < items->len)
    {
      g_autofree char *next = encode_token ("page", calendar, end, q.snapshot);
      json_object_set_string_member (root, "nextPageToken", next);
    }
  else
    {
      g_autofree char *sync = encode_token ("sync", calendar, q.snapshot, calendar->sync_epoch);
      json_object_set_string_member (root, "nextSyncToken", sync);
    }
  json_object_set_array_member (root, "items", array);
  sbg_reply_object (req, 200, root);
  list_query_clear (&q);
}

/* --------------------------------------------------------------- writes */

static void
reply_invalid_event (SbgRequest   *req,
                     const GError *error)
{
  if (strstr (error->message, "time range is empty") != NULL)
    sbg_reply_error (req, 400, "calendar", "timeRangeEmpty", error->message);
  else if (g_str_has_prefix (error->message, "Missing"))
    sbg_reply_error (req, 400, "global", "required", error->message);
  else
    sbg_reply_error (req, 400, "global", "invalid", error->message);
}

static void
record_send_updates (SbgRequest *req,
                     const char *id)
{
  const char *value = sbg_query (req, "sendUpdates");

  g_ptr_array_add (req->self->send_updates,
                   g_strdup_printf ("%s %s %s", req->method, id, value != NULL ? value : "(unset)"));
}

void
sbg_events_insert (SbgRequest  *req,
                   SbgCalendar *calendar)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = sbg_request_json (req, &error);
  g_autoptr(JsonObject) answer = NULL;
  const char *id;
  SbgEvent *event;

  if (body == NULL)
    return sbg_reply_error (req, 400, "global", "parseError", "Parse Error");
  json_object_remove_member (body, "recurringEventId");
  id = json_object_get_string_member_with_default (body, "id", NULL);
  if (id != NULL && !sbg_valid_event_id (id))
    return sbg_reply_error (req, 400, "global", "invalid", "Invalid resource id value.");
  /* Ids stay taken after a delete: a retried insert still answers 409. */
  if (id != NULL && sbg_find_event (calendar, id) != NULL)
    return sbg_reply_error (req, 409, "global", "duplicate", "The requested identifier already exists.");
  event = sbg_add_event (req->self, calendar, body, &error);
  if (event == NULL)
    return reply_invalid_event (req, error);
  record_send_updates (req, event->id);
  answer = sbg_render_event (event, NULL);
  sbg_reply_object (req, 200, answer);
}

static SbgEvent *
find_or_materialize (SbgRequest  *req,
                     SbgCalendar *calendar,
                     const char  *event_id)
{
  SbgEvent *event = sbg_find_event (calendar, event_id);

  if (event == NULL && !g_str_equal (req->method, "GET"))
    event = sbg_materialize_instance (req->self, calendar, event_id);
  return event;
}

static void
event_get (SbgRequest  *req,
           SbgCalendar *calendar,
           const char  *event_id)
{
  g_autoptr(GTimeZone) tz = sbg_query (req, "timeZone") != NULL
                            ? g_time_zone_new_identifier (sbg_query (req, "timeZone")) : NULL;
  SbgEvent *event = sbg_find_event (calendar, event_id);
  g_autoptr(JsonObject) answer = NULL;

  if (event != NULL)
    answer = sbg_render_event (event, tz);
  else
    {
      /* An occurrence of a series that has no exception stored. */
      SbgEvent *materialized = sbg_materialize_instance (req->self, calendar, event_id);

      if (materialized == NULL)
        return sbg_reply_error (req, 404, "global", "notFound", "Not Found");
      answer = sbg_render_event (materialized, tz);
      /* Reading must not create anything: take it out again. */
      g_ptr_array_remove (calendar->events, materialized);
    }
  sbg_reply_object (req, 200, answer);
}

void
sbg_events_item (SbgRequest  *req,
                 SbgCalendar *calendar,
                 const char  *event_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) answer = NULL;
  SbgEvent *event;

  if (g_str_equal (req->method, "GET"))
    return event_get (req, calendar, event_id);
  if (!g_str_equal (req->method, "PATCH") && !g_str_equal (req->method, "DELETE"))
    return sbg_reply_error (req, 405, "global", "httpMethodNotAllowed", "Method Not Allowed");
  if ((event = find_or_materialize (req, calendar, event_id)) == NULL)
    return sbg_reply_error (req, 404, "global", "notFound", "Not Found");
  if (event->deleted)
    return sbg_reply_error (req, 410, "global", "deleted", "Resource has been deleted");
  record_send_updates (req, event->id);
  if (g_str_equal (req->method, "DELETE"))
    {
      sbg_event_delete (req->self, event);
      return sbg_reply_text (req, 204, NULL, NULL);
    }
  if ((body = sbg_request_json (req, &error)) == NULL)
    return sbg_reply_error (req, 400, "global", "parseError", "Parse Error");
  if (!sbg_event_patch (req->self, event, body, &error))
    return reply_invalid_event (req, error);
  answer = sbg_render_event (event, NULL);
  sbg_reply_object (req, 200, answer);
}
