/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-sandbox-microsoft"

#include "config.h"

#include <glib/gi18n.h>

#include "sandbox-microsoft-private.h"

/* Microsoft Graph v1.0: /me, /me/calendars and the event routes. Every
 * route wants a Bearer token; errors have Graph's {"error":{code,message}}
 * shape. calendarView and delta live in sandbox-microsoft-view.c. */

#define NOT_FOUND_MESSAGE "The specified object was not found in the store."

/* ----------------------------------------------------------- rendering */

char *
sb_prefer (SbRequest  *req,
           const char *key)
{
  const char *header = sb_request_header (req, "Prefer");
  g_auto(GStrv) parts = g_strsplit (header != NULL ? header : "", ",", -1);
  gsize key_length = strlen (key);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *part = g_strstrip (parts[i]);

      if (g_ascii_strncasecmp (part, key, key_length) == 0 && part[key_length] == '=')
        {
          char *value = g_strdup (part + key_length + 1);

          return g_strstrip (g_strdelimit (value, "\"", ' '));
        }
    }
  return NULL;
}

/* Graph answers in UTC unless Prefer: outlook.timezone names another zone. */
void
sb_graph_prefer_zone (SbRequest  *req,
                      GTimeZone **out_tz,
                      char      **out_name)
{
  g_autofree char *zone = sb_prefer (req, "outlook.timezone");
  GTimeZone *tz = zone != NULL ? sb_time_zone_lookup (zone) : NULL;

  if (tz != NULL)
    {
      g_autofree char *applied = g_strdup_printf ("outlook.timezone=\"%s\"", zone);

      sb_request_append_header (req, "Preference-Applied", applied);
      *out_tz = tz;
      *out_name = g_steal_pointer (&zone);
      return;
    }
  *out_tz = g_time_zone_new_utc ();
  *out_name = g_strdup ("UTC");
}

void
sb_select_members (JsonObject *object,
                   const char *select)
{
  g_auto(GStrv) wanted = NULL;
  g_autoptr(GList) names = NULL;

  if (select == NULL || *select == '\0')
    return;
  wanted = g_strsplit (select, ",", -1);
  for (guint i = 0; wanted[i] != NULL; i++)
    g_strstrip (wanted[i]);
  names = json_object_get_members (object);
  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *name = l->data;

      if (g_str_equal (name, "id") || g_str_equal (name, "@odata.etag")
          || g_strv_contains ((const char *const *)wanted, name))
        continue;
      json_object_remove_member (object, name);
    }
}

/* singleValueExtendedProperties only come back when asked for with
 * $expand=singleValueExtendedProperties($filter=id eq '…'). */
void
sb_apply_expand (SbRequest  *req,
                 JsonObject *object)
{
  const char *expand = sb_query (req, "$expand");
  const char *quote;
  g_autofree char *wanted = NULL;
  JsonArray *properties;
  JsonArray *kept;

  if (!json_object_has_member (object, "singleValueExtendedProperties"))
    return;
  if (expand == NULL || !g_str_has_prefix (expand, "singleValueExtendedProperties"))
    {
      json_object_remove_member (object, "singleValueExtendedProperties");
      return;
    }
  quote = strchr (expand, '\'');
  if (quote != NULL && strchr (quote + 1, '\'') != NULL)
    wanted = g_strndup (quote + 1, strchr (quote + 1, '\'') - quote - 1);
  properties = json_object_get_array_member (object, "singleValueExtendedProperties");
  kept = json_array_new ();
  for (guint i = 0; properties != NULL && i < json_array_get_length (properties); i++)
    {
      JsonObject *property = json_array_get_object_element (properties, i);
      const char *id = property != NULL ? json_object_get_string_member_with_default (property, "id", "") : "";

      if (wanted == NULL || g_ascii_strcasecmp (id, wanted) == 0)
        json_array_add_object_element (kept, sb_object_copy (property));
    }
  json_object_set_array_member (object, "singleValueExtendedProperties", kept);
}

static JsonObject *
date_time_time_zone (gint64      instant,
                     GTimeZone  *tz,
                     const char *name)
{
  JsonObject *object = json_object_new ();
  g_autofree char *local = sb_format_local (instant, tz);

  json_object_set_string_member (object, "dateTime", local);
  json_object_set_string_member (object, "timeZone", name);
  return object;
}

static void
set_default (JsonObject *object,
             const char *name,
             JsonNode   *value)
{
  if (!json_object_has_member (object, name))
    json_object_set_member (object, name, value);
  else
    json_node_unref (value);
}

JsonObject *
sb_render_instance (SbRequest        *req,
                    const SbInstance *instance,
                    GTimeZone        *tz,
                    const char       *tz_name)
{
  SbEvent *event = instance->event;
  JsonObject *object = sb_object_copy (event->data);
  g_autofree char *id = instance->is_occurrence ? sb_occurrence_id (event, instance->original_start)
                                                : g_strdup (event->id);
  g_autofree char *etag = g_strdup_printf ("W/\"%" G_GUINT64_FORMAT "\"", event->change_seq);
  g_autofree char *change_key = g_strdup_printf ("%" G_GUINT64_FORMAT, event->change_seq);
  const char *type = event->recurring ? "seriesMaster" : "singleInstance";

  if (instance->exception != NULL && instance->exception->overrides != NULL)
    {
      g_autoptr(JsonObject) overrides = sb_object_copy (instance->exception->overrides);
      JsonObjectIter iter;
      const char *name;
      JsonNode *node;

      json_object_iter_init (&iter, overrides);
      while (json_object_iter_next (&iter, &name, &node))
        json_object_set_member (object, name, json_node_copy (node));
    }
  /* All-day events keep their own zone even under Prefer, as Exchange does. */
  if (event->all_day && req->self->all_day_ignores_prefer)
    {
      tz = event->tz;
      tz_name = event->tz_name;
    }
  if (instance->is_occurrence)
    type = instance->exception != NULL ? "exception" : "occurrence";

  json_object_set_string_member (object, "@odata.etag", etag);
  json_object_set_string_member (object, "id", id);
  json_object_set_string_member (object, "createdDateTime", event->created);
  json_object_set_string_member (object, "lastModifiedDateTime", event->modified);
  json_object_set_string_member (object, "changeKey", change_key);
  json_object_set_string_member (object, "type", type);
  json_object_set_object_member (object, "start", date_time_time_zone (instance->start, tz, tz_name));
  json_object_set_object_member (object, "end", date_time_time_zone (instance->end, tz, tz_name));
  json_object_set_string_member (object, "originalStartTimeZone", event->tz_name);
  json_object_set_string_member (object, "originalEndTimeZone", event->tz_name);
  set_default (object, "subject", json_node_init_string (json_node_alloc (), ""));
  set_default (object, "showAs", json_node_init_string (json_node_alloc (), "busy"));
  set_default (object, "isAllDay", json_node_init_boolean (json_node_alloc (), FALSE));
  set_default (object, "isCancelled", json_node_init_boolean (json_node_alloc (), FALSE));
  set_default (object, "transactionId", json_node_init_null (json_node_alloc ()));
  if (instance->is_occurrence)
    {
      g_autoptr(GDateTime) original = g_date_time_new_from_unix_utc (instance->original_start);
      g_autofree char *original_text = g_date_time_format (original, "%Y-%m-%dT%H:%M:%SZ");
      g_autofree char *uid = g_compute_checksum_for_string (G_CHECKSUM_SHA1, id, -1);
      g_autofree char *uid_upper = g_ascii_strup (uid, -1);

      json_object_set_string_member (object, "seriesMasterId", event->id);
      json_object_set_string_member (object, "originalStart", original_text);
      json_object_set_null_member (object, "recurrence");
      json_object_set_null_member (object, "transactionId");
      json_object_set_string_member (object, "iCalUId", uid_upper);
    }
  else
    {
      json_object_set_null_member (object, "seriesMasterId");
      json_object_set_string_member (object, "iCalUId", event->ical_uid);
      set_default (object, "recurrence", json_node_init_null (json_node_alloc ()));
    }
  return object;
}

static void
reply_event (SbRequest        *req,
             guint             status,
             const SbInstance *instance)
{
  g_autoptr(GTimeZone) tz = NULL;
  g_autofree char *tz_name = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autofree char *context = g_strdup_printf ("%s/v1.0/$metadata#users('%s')/events/$entity",
                                              req->self->http.url,
                                              instance->event->calendar->owner->id);

  sb_graph_prefer_zone (req, &tz, &tz_name);
  object = sb_render_instance (req, instance, tz, tz_name);
  sb_apply_expand (req, object);
  sb_select_members (object, sb_query (req, "$select"));
  json_object_set_string_member (object, "@odata.context", context);
  sb_reply_object (req, status, object);
}

static SbInstance
master_instance (SbEvent *event)
{
  SbInstance instance = { event, NULL, g_date_time_to_unix (event->start_local),
                          g_date_time_to_unix (event->end_local), 0, FALSE };

  instance.original_start = instance.start;
  return instance;
}

/* -------------------------------------------------------------- routes */

static void
handle_me (SbRequest *req,
           SbUser    *user)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autofree char *context = g_strdup_printf ("%s/v1.0/$metadata#users/$entity", req->self->http.url);

  json_object_set_string_member (object, "@odata.context", context);
  json_object_set_array_member (object, "businessPhones", json_array_new ());
  json_object_set_string_member (object, "displayName", user->display_name);
  json_object_set_null_member (object, "givenName");
  json_object_set_null_member (object, "jobTitle");
  json_object_set_string_member (object, "mail", user->upn);
  json_object_set_null_member (object, "mobilePhone");
  json_object_set_null_member (object, "officeLocation");
  json_object_set_string_member (object, "preferredLanguage", "en-US");
  json_object_set_null_member (object, "surname");
  json_object_set_string_member (object, "userPrincipalName", user->upn);
  json_object_set_string_member (object, "id", user->id);
  sb_select_members (object, sb_query (req, "$select"));
  sb_reply_object (req, 200, object);
}

static guint
query_uint (SbRequest  *req,
            const char *name,
            guint       fallback)
{
  const char *text = sb_query (req, name);
  guint64 value;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT, &value, NULL))
    return fallback;
  return value;
}

static void
handle_calendars (SbRequest *req,
                  SbUser    *user)
{
  g_autoptr(JsonObject) root = json_object_new ();
  JsonArray *value = json_array_new ();
  guint skip = query_uint (req, "$skip", 0);
  guint top = MIN (query_uint (req, "$top", req->self->page_size), req->self->page_size);
  g_autofree char *context = g_strdup_printf ("%s/v1.0/$metadata#users('%s')/calendars",
                                              req->self->http.url, user->id);

  top = MAX (top, 1);
  for (guint i = skip; i < user->calendars->len && i < skip + top; i++)
    {
      JsonObject *calendar = sb_calendar_to_json (g_ptr_array_index (user->calendars, i));

      sb_select_members (calendar, sb_query (req, "$select"));
      json_array_add_object_element (value, calendar);
    }
  json_object_set_string_member (root, "@odata.context", context);
  if (skip + top < user->calendars->len)
    {
      g_autofree char *next = NULL;
      const char *select = sb_query (req, "$select");
      g_autofree char *select_escaped = select != NULL ? g_uri_escape_string (select, ",", FALSE) : NULL;

      next = g_strdup_printf ("%s/v1.0/me/calendars?%%24top=%u%s%s&%%24skip=%u", req->self->http.url, top,
                              select != NULL ? "&%24select=" : "", select != NULL ? select_escaped : "",
                              skip + top);
      json_object_set_string_member (root, "@odata.nextLink", next);
    }
  json_object_set_array_member (root, "value", value);
  sb_reply_object (req, 200, root);
}

static SbEvent *
find_transaction (SbUser     *user,
                  const char *transaction_id)
{
  for (guint c = 0; c < user->calendars->len; c++)
    {
      SbCalendar *calendar = g_ptr_array_index (user->calendars, c);

      for (guint i = 0; i < calendar->events->len; i++)
        {
          SbEvent *event = g_ptr_array_index (calendar->events, i);

          if (g_strcmp0 (json_object_get_string_member_with_default (event->data, "transactionId", NULL),
                         transaction_id) == 0)
            return event;
        }
    }
  return NULL;
}

static void
handle_create_event (SbRequest  *req,
                     SbCalendar *calendar)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = sb_request_body_object (req, &error);
  const char *transaction_id;
  SbEvent *event;
  SbInstance instance;

  if (!calendar->can_edit)
    return sb_reply_graph_error (req, 403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");
  if (body == NULL)
    return sb_reply_graph_error (req, 400, "BadRequest", "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.");
  /* A retried POST with the same transactionId gets the first event back. */
  transaction_id = json_object_get_string_member_with_default (body, "transactionId", NULL);
  event = transaction_id != NULL ? find_transaction (calendar->owner, transaction_id) : NULL;
  if (event == NULL)
    event = sb_add_event (req->self, calendar, body, &error);
  if (event == NULL)
    return sb_reply_graph_error (req, 400, "ErrorInvalidRequest", error->message);
  instance = master_instance (event);
  reply_event (req, 201, &instance);
}

static gboolean
find_occurrence_by_id (SbRequest  *req,
                       SbUser     *user,
                       const char *id,
                       SbInstance *out)
{
  g_autofree char *series_id = NULL;
  gint64 original_start;
  SbEvent *series;

  if (!sb_parse_occurrence_id (id, &series_id, &original_start))
    return FALSE;
  series = sb_find_event (req->self, user, series_id);
  if (series == NULL || !sb_find_occurrence (series, original_start, out))
    return FALSE;
  if (out->exception != NULL && out->exception->cancelled)
    return FALSE;
  if (out->exception != NULL)
    {
      g_autoptr(GDateTime) start = sb_exception_time (series, out->exception->overrides, "start");
      g_autoptr(GDateTime) end = sb_exception_time (series, out->exception->overrides, "end");

      out->start = g_date_time_to_unix (start);
      out->end = g_date_time_to_unix (end);
    }
  return TRUE;
}

static void
handle_occurrence (SbRequest  *req,
                   SbInstance *instance,
                   JsonObject *patch)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) spec = patch != NULL ? sb_object_copy (patch) : json_object_new ();
  g_autofree char *original = sb_format_utc_precise (instance->original_start);
  SbEvent *series = instance->event;

  if (g_str_equal (req->method, "GET"))
    return reply_event (req, 200, instance);
  if (!series->calendar->can_edit)
    return sb_reply_graph_error (req, 403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");
  json_object_set_string_member (spec, "originalStart", original);
  if (g_str_equal (req->method, "DELETE"))
    json_object_set_boolean_member (spec, "isCancelled", TRUE);
  else if (instance->exception != NULL && instance->exception->overrides != NULL)
    {
      /* A second PATCH builds on the first one's changes. */
      g_autoptr(JsonObject) merged = sb_object_copy (instance->exception->overrides);
      JsonObjectIter iter;
      const char *name;
      JsonNode *node;

      json_object_iter_init (&iter, spec);
      while (json_object_iter_next (&iter, &name, &node))
        json_object_set_member (merged, name, json_node_copy (node));
      g_clear_pointer (&spec, json_object_unref);
      spec = g_steal_pointer (&merged);
    }
  if (!sb_event_add_exception (req->self, series, spec, &error))
    return sb_reply_graph_error (req, 400, "ErrorInvalidRequest", error->message);
  if (g_str_equal (req->method, "DELETE"))
    return sb_reply_text (req, 204, NULL, NULL);
  sb_find_occurrence (series, instance->original_start, instance);
  {
    g_autoptr(GDateTime) start = sb_exception_time (series, instance->exception->overrides, "start");
    g_autoptr(GDateTime) end = sb_exception_time (series, instance->exception->overrides, "end");

    instance->start = g_date_time_to_unix (start);
    instance->end = g_date_time_to_unix (end);
  }
  reply_event (req, 200, instance);
}

static void
handle_event (SbRequest  *req,
              SbUser     *user,
              const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) patch = NULL;
  SbEvent *event = sb_find_event (req->self, user, id);
  SbInstance instance;

  if (g_str_equal (req->method, "PATCH"))
    {
      patch = sb_request_body_object (req, &error);
      if (patch == NULL)
        return sb_reply_graph_error (req, 400, "BadRequest", "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.");
    }
  if (event == NULL)
    {
      if (find_occurrence_by_id (req, user, id, &instance))
        return handle_occurrence (req, &instance, patch);
      return sb_reply_graph_error (req, 404, "ErrorItemNotFound", NOT_FOUND_MESSAGE);
    }
  if (!g_str_equal (req->method, "GET") && !event->calendar->can_edit)
    return sb_reply_graph_error (req, 403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");
  if (g_str_equal (req->method, "DELETE"))
    {
      sb_event_remove (event);
      return sb_reply_text (req, 204, NULL, NULL);
    }
  if (patch != NULL && !sb_event_update (req->self, event, patch, &error))
    return sb_reply_graph_error (req, 400, "ErrorInvalidRequest", error->message);
  instance = master_instance (event);
  reply_event (req, 200, &instance);
}

/* ------------------------------------------------------------ dispatch */

static gboolean
method_is (SbRequest  *req,
           const char *method)
{
  if (g_str_equal (req->method, method))
    return TRUE;
  sb_reply_graph_error (req, 405, "Request_BadRequest", "Specified HTTP method is not allowed for the request target.");
  return FALSE;
}

static gboolean
dispatch_calendar (SbRequest   *req,
                   SbUser      *user,
                   SbCalendar  *calendar,
                   char       **rest)
{
  guint n = g_strv_length (rest);

  if (calendar == NULL)
    {
      sb_reply_graph_error (req, 404, "ErrorItemNotFound", NOT_FOUND_MESSAGE);
      return TRUE;
    }
  if (n == 0 && method_is (req, "GET"))
    {
      g_autoptr(JsonObject) object = sb_calendar_to_json (calendar);

      sb_select_members (object, sb_query (req, "$select"));
      sb_reply_object (req, 200, object);
    }
  else if (n >= 1 && g_str_equal (rest[0], "calendarView") && (n == 1 || (n == 2 && g_str_equal (rest[1], "delta"))))
    {
      if (method_is (req, "GET"))
        sb_view_handle (req, user, calendar, n == 2);
    }
  else if (n == 1 && g_str_equal (rest[0], "events") && g_str_equal (req->method, "POST"))
    handle_create_event (req, calendar);
  else
    return n == 0;
  return TRUE;
}

static gboolean
dispatch_me (SbRequest *req,
             SbUser    *user,
             char     **parts)
{
  guint n = g_strv_length (parts);

  if (n == 0)
    {
      if (method_is (req, "GET"))
        handle_me (req, user);
      return TRUE;
    }
  if (g_str_equal (parts[0], "calendars") && n == 1)
    {
      if (method_is (req, "GET"))
        handle_calendars (req, user);
      return TRUE;
    }
  if (g_str_equal (parts[0], "calendars"))
    return dispatch_calendar (req, user, sb_find_calendar (req->self, user, parts[1]), parts + 2);
  if (g_str_equal (parts[0], "calendar"))
    return dispatch_calendar (req, user, sb_default_calendar (user), parts + 1);
  if (g_str_equal (parts[0], "calendarView"))
    return dispatch_calendar (req, user, sb_default_calendar (user), parts);
  if (g_str_equal (parts[0], "events") && n == 1 && g_str_equal (req->method, "POST"))
    {
      handle_create_event (req, sb_default_calendar (user));
      return TRUE;
    }
  if (g_str_equal (parts[0], "events") && n == 2)
    {
      handle_event (req, user, parts[1]);
      return TRUE;
    }
  return FALSE;
}

gboolean
sb_graph_dispatch (SbRequest *req)
{
  g_auto(GStrv) parts = NULL;
  SbUser *user;

  if (!g_str_has_prefix (req->path, "/v1.0/"))
    return FALSE;
  parts = g_strsplit (req->path + strlen ("/v1.0/"), "/", -1);
  if (parts[0] == NULL || !g_str_equal (parts[0], "me"))
    return FALSE;
  user = sb_identity_authenticate (req);
  if (user == NULL)
    return TRUE;
  return dispatch_me (req, user, parts + 1);
}
