/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-sandbox-microsoft"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <sys/random.h>

#include "sandbox-microsoft-private.h"

/* The mailbox model: users, their calendars and events (stored as the
 * Graph JSON they were given), recurrence exceptions, and --data files. */

static gboolean
set_invalid (GError     **error,
             const char  *format,
             ...) G_GNUC_PRINTF (2, 3);

static gboolean
set_invalid (GError     **error,
             const char  *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, BK_SANDBOX_MICROSOFT_ERROR, BK_SANDBOX_MICROSOFT_ERROR_INVALID, message);
  return FALSE;
}

/* ------------------------------------------------------------- helpers */

char *
sb_random_token (gsize n_bytes)
{
  g_autofree guchar *bytes = g_malloc (n_bytes);
  gsize filled = 0;
  char *text;

  /* Tokens and codes must be unguessable, as Microsoft's are. */
  while (filled < n_bytes)
    {
      ssize_t got = getrandom (bytes + filled, n_bytes - filled, 0);

      if (got < 0)
        g_error ("getrandom failed: %s", g_strerror (errno));
      filled += got;
    }
  text = g_base64_encode (bytes, n_bytes);
  g_strdelimit (text, "+", '-');
  g_strdelimit (text, "/", '_');
  g_strdelimit (text, "=", '\0');
  return text;
}

char *
sb_new_guid (void)
{
  return g_uuid_string_random ();
}

char *
sb_format_utc_precise (gint64 unix_seconds)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (unix_seconds);

  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S.0000000Z");
}

static JsonNode *
node_copy (JsonNode *node)
{
  JsonNode *copy;

  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      copy = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (copy, sb_object_copy (json_node_get_object (node)));
      return copy;
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        JsonArray *out = json_array_sized_new (json_array_get_length (array));

        for (guint i = 0; i < json_array_get_length (array); i++)
          json_array_add_element (out, node_copy (json_array_get_element (array, i)));
        copy = json_node_new (JSON_NODE_ARRAY);
        json_node_take_array (copy, out);
        return copy;
      }
    case JSON_NODE_VALUE:
    case JSON_NODE_NULL:
    default:
      return json_node_copy (node);
    }
}

/* json_node_copy () shares objects; stored events must not. */
JsonObject *
sb_object_copy (JsonObject *object)
{
  JsonObject *copy = json_object_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &node))
    json_object_set_member (copy, name, node_copy (node));
  return copy;
}

char *
sb_occurrence_id (SbEvent *event,
                  gint64   original_start)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (original_start);
  g_autofree char *stamp = g_date_time_format (dt, "%Y%m%dT%H%M%SZ");

  return g_strconcat (event->id, "_OCC_", stamp, NULL);
}

gboolean
sb_parse_occurrence_id (const char  *id,
                        char       **out_series_id,
                        gint64      *out_original_start)
{
  const char *mark = g_strrstr (id, "_OCC_");
  int y, mo, d, h, mi, s;
  g_autoptr(GDateTime) dt = NULL;

  if (mark == NULL || sscanf (mark + 5, "%4d%2d%2dT%2d%2d%2dZ", &y, &mo, &d, &h, &mi, &s) != 6)
    return FALSE;
  dt = g_date_time_new_utc (y, mo, d, h, mi, s);
  if (dt == NULL)
    return FALSE;
  *out_series_id = g_strndup (id, mark - id);
  *out_original_start = g_date_time_to_unix (dt);
  return TRUE;
}

static char *
new_item_id (void)
{
  g_autofree char *token = sb_random_token (24);

  /* Shaped like Exchange ids ("AAMkA…="), which clients must treat as opaque. */
  return g_strconcat ("AAMkA", token, "=", NULL);
}

static const char *
member_string (JsonObject *object,
               const char *name,
               const char *fallback)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return fallback;
  return json_node_get_string (node);
}

static gboolean
member_bool (JsonObject *object,
             const char *name,
             gboolean    fallback)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE)
    return fallback;
  return json_node_get_boolean (node);
}

/* --------------------------------------------------------------- state */

static void
sb_calendar_free (SbCalendar *calendar)
{
  g_free (calendar->id);
  g_free (calendar->name);
  g_free (calendar->color);
  g_free (calendar->hex_color);
  g_ptr_array_unref (calendar->events);
  g_free (calendar);
}

static void
sb_exception_free (SbException *exception)
{
  g_free (exception->id);
  g_clear_pointer (&exception->overrides, json_object_unref);
  g_free (exception);
}

static void
sb_event_free (SbEvent *event)
{
  g_free (event->id);
  g_clear_pointer (&event->data, json_object_unref);
  g_ptr_array_unref (event->exceptions);
  g_free (event->ical_uid);
  g_free (event->created);
  g_free (event->modified);
  g_clear_pointer (&event->tz, g_time_zone_unref);
  g_free (event->tz_name);
  g_clear_pointer (&event->start_local, g_date_time_unref);
  g_clear_pointer (&event->end_local, g_date_time_unref);
  g_free (event);
}

void
sb_user_free (SbUser *user)
{
  g_free (user->id);
  g_free (user->upn);
  g_free (user->display_name);
  g_free (user->time_zone);
  g_ptr_array_unref (user->calendars);
  g_free (user);
}

void
sb_state_init (BkSandboxMicrosoft *self)
{
  self->page_size = self->startup_page_size;
  self->access_lifetime = 3600;
  self->clock_offset = 0;
  self->all_day_ignores_prefer = TRUE;
  self->clients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_add (self->clients, g_strdup (BK_SANDBOX_MICROSOFT_DEFAULT_CLIENT_ID));
  self->users = g_ptr_array_new_with_free_func ((GDestroyNotify)sb_user_free);
  sb_identity_init (self);
  self->pages = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, sb_page_free);
  self->faults = g_ptr_array_new_with_free_func ((GDestroyNotify)sb_fault_free);
  self->deny_consent = FALSE;
  sbc_stats_init (&self->stats);
}

void
sb_state_clear (BkSandboxMicrosoft *self)
{
  g_clear_pointer (&self->clients, g_hash_table_unref);
  g_clear_pointer (&self->pages, g_hash_table_unref);
  g_clear_pointer (&self->codes, g_hash_table_unref);
  g_clear_pointer (&self->refresh_tokens, g_hash_table_unref);
  g_clear_pointer (&self->access_tokens, g_hash_table_unref);
  g_clear_pointer (&self->users, g_ptr_array_unref);
  g_clear_pointer (&self->faults, g_ptr_array_unref);
  sbc_stats_clear (&self->stats);
  g_clear_pointer (&self->consent_user, g_free);
}

/* --------------------------------------------------------------- lookups */

SbUser *
sb_find_user (BkSandboxMicrosoft *self,
              const char         *upn_or_id)
{
  for (guint i = 0; i < self->users->len; i++)
    {
      SbUser *user = g_ptr_array_index (self->users, i);

      if (upn_or_id == NULL
          || g_ascii_strcasecmp (user->upn, upn_or_id) == 0
          || g_strcmp0 (user->id, upn_or_id) == 0)
        return user;
    }
  return NULL;
}

SbCalendar *
sb_find_calendar (BkSandboxMicrosoft *self,
                  SbUser             *user,
                  const char         *id)
{
  for (guint u = 0; u < self->users->len; u++)
    {
      SbUser *candidate = g_ptr_array_index (self->users, u);

      if (user != NULL && candidate != user)
        continue;
      for (guint i = 0; i < candidate->calendars->len; i++)
        {
          SbCalendar *calendar = g_ptr_array_index (candidate->calendars, i);

          if (g_strcmp0 (calendar->id, id) == 0)
            return calendar;
        }
    }
  return NULL;
}

SbCalendar *
sb_default_calendar (SbUser *user)
{
  for (guint i = 0; i < user->calendars->len; i++)
    {
      SbCalendar *calendar = g_ptr_array_index (user->calendars, i);

      if (calendar->is_default)
        return calendar;
    }
  return user->calendars->len > 0 ? g_ptr_array_index (user->calendars, 0) : NULL;
}

SbEvent *
sb_find_event (BkSandboxMicrosoft *self,
               SbUser             *user,
               const char         *id)
{
  for (guint u = 0; u < self->users->len; u++)
    {
      SbUser *candidate = g_ptr_array_index (self->users, u);

      if (user != NULL && candidate != user)
        continue;
      for (guint c = 0; c < candidate->calendars->len; c++)
        {
          SbCalendar *calendar = g_ptr_array_index (candidate->calendars, c);

          for (guint i = 0; i < calendar->events->len; i++)
            {
              SbEvent *event = g_ptr_array_index (calendar->events, i);

              if (g_strcmp0 (event->id, id) == 0)
                return event;
            }
        }
    }
  return NULL;
}

/* ----------------------------------------------------- users, calendars */

SbUser *
sb_add_user (BkSandboxMicrosoft  *self,
             JsonObject          *spec,
             GError             **error)
{
  const char *upn = member_string (spec, "userPrincipalName", member_string (spec, "upn", NULL));
  const char *time_zone = member_string (spec, "timeZone", "UTC");
  g_autoptr(GTimeZone) tz = sb_time_zone_lookup (time_zone);
  g_autoptr(JsonObject) calendar_spec = json_object_new ();
  SbUser *user;
  SbCalendar *calendar;

  if (upn == NULL || strchr (upn, '@') == NULL)
    return set_invalid (error, "A user needs a userPrincipalName like name@domain"), NULL;
  if (sb_find_user (self, upn) != NULL)
    return set_invalid (error, "User %s already exists", upn), NULL;
  if (tz == NULL)
    return set_invalid (error, "Unknown time zone %s", time_zone), NULL;

  user = g_new0 (SbUser, 1);
  user->id = g_strdup (member_string (spec, "id", NULL));
  if (user->id == NULL)
    user->id = sb_new_guid ();
  user->upn = g_strdup (upn);
  user->display_name = g_strdup (member_string (spec, "displayName", upn));
  user->time_zone = g_strdup (time_zone);
  user->calendars = g_ptr_array_new_with_free_func ((GDestroyNotify)sb_calendar_free);
  g_ptr_array_add (self->users, user);

  /* Every Exchange mailbox has its default "Calendar". */
  json_object_set_string_member (calendar_spec, "name", "Calendar");
  json_object_set_boolean_member (calendar_spec, "isDefault", TRUE);
  calendar = sb_add_calendar (self, user, calendar_spec, NULL);
  calendar->pristine = TRUE;
  return user;
}

static const char *
hex_for_color (const char *color)
{
  static const char *const table[][2] = {
    { "lightBlue", "#a6d1f5" }, { "lightGreen", "#87d28e" }, { "lightOrange", "#fcab73" },
    { "lightGray", "#c0c0c0" }, { "lightYellow", "#f4d07a" }, { "lightTeal", "#8ad3d3" },
    { "lightPink", "#f08cc0" }, { "lightBrown", "#cba287" }, { "lightRed", "#f88c9b" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    if (g_strcmp0 (table[i][0], color) == 0)
      return table[i][1];
  return "";
}

static void
calendar_configure (SbCalendar *calendar,
                    JsonObject *spec)
{
  const char *color = member_string (spec, "color", "auto");
  const char *id = member_string (spec, "id", NULL);

  if (id != NULL)
    {
      g_free (calendar->id);
      calendar->id = g_strdup (id);
    }
  g_free (calendar->name);
  calendar->name = g_strdup (member_string (spec, "name", "Calendar"));
  g_free (calendar->color);
  calendar->color = g_strdup (color);
  g_free (calendar->hex_color);
  calendar->hex_color = g_strdup (member_string (spec, "hexColor", hex_for_color (color)));
  calendar->can_edit = member_bool (spec, "canEdit", TRUE);
  calendar->pristine = FALSE;
}

SbCalendar *
sb_add_calendar (BkSandboxMicrosoft  *self,
                 SbUser              *user,
                 JsonObject          *spec,
                 GError             **error)
{
  gboolean is_default = member_bool (spec, "isDefault", FALSE);
  SbCalendar *current = sb_default_calendar (user);
  SbCalendar *calendar;

  if (member_string (spec, "id", NULL) != NULL
      && sb_find_calendar (self, NULL, member_string (spec, "id", NULL)) != NULL)
    return set_invalid (error, "Calendar %s already exists", member_string (spec, "id", NULL)), NULL;

  /* Describing the default calendar configures the mailbox's own one. */
  if (is_default && current != NULL && current->pristine)
    {
      calendar_configure (current, spec);
      return current;
    }
  if (is_default && current != NULL)
    current->is_default = FALSE;

  calendar = g_new0 (SbCalendar, 1);
  calendar->id = new_item_id ();
  calendar->owner = user;
  calendar->is_default = is_default || current == NULL;
  calendar->events = g_ptr_array_new_with_free_func ((GDestroyNotify)sb_event_free);
  calendar_configure (calendar, spec);
  g_ptr_array_add (user->calendars, calendar);
  return calendar;
}

JsonObject *
sb_calendar_to_json (SbCalendar *calendar)
{
  JsonObject *object = json_object_new ();
  g_autoptr(JsonObject) owner = json_object_new ();

  json_object_set_string_member (object, "id", calendar->id);
  json_object_set_string_member (object, "name", calendar->name);
  json_object_set_string_member (object, "color", calendar->color);
  json_object_set_string_member (object, "hexColor", calendar->hex_color);
  json_object_set_boolean_member (object, "isDefaultCalendar", calendar->is_default);
  json_object_set_string_member (object, "changeKey", "fJKVL07sbkmIfHqjbDnRgQAAAAACWw==");
  json_object_set_boolean_member (object, "canShare", calendar->can_edit);
  json_object_set_boolean_member (object, "canViewPrivateItems", calendar->can_edit);
  json_object_set_boolean_member (object, "canEdit", calendar->can_edit);
  json_object_set_boolean_member (object, "isRemovable", !calendar->is_default);
  json_object_set_boolean_member (object, "isTallyingResponses", TRUE);
  json_object_set_string_member (object, "defaultOnlineMeetingProvider", "teamsForBusiness");
  json_object_set_string_member (owner, "name", calendar->owner->display_name);
  json_object_set_string_member (owner, "address", calendar->owner->upn);
  json_object_set_object_member (object, "owner", g_steal_pointer (&owner));
  return object;
}

/* ---------------------------------------------------------------- events */

static void
event_touch (BkSandboxMicrosoft *self,
             SbEvent            *event)
{
  g_free (event->modified);
  event->modified = sb_format_utc_precise (sb_now (self));
  event->change_seq = ++self->seq;
}

SbEvent *
sb_add_event (BkSandboxMicrosoft  *self,
              SbCalendar          *calendar,
              JsonObject          *graph_event,
              GError             **error)
{
  g_autofree char *uid_tail = NULL;
  g_autofree char *uid = NULL;
  SbEvent *event = g_new0 (SbEvent, 1);
  JsonNode *exceptions;

  event->calendar = calendar;
  event->data = sb_object_copy (graph_event);
  event->exceptions = g_ptr_array_new_with_free_func ((GDestroyNotify)sb_exception_free);
  exceptions = json_object_get_member (event->data, "exceptions");
  if (exceptions != NULL)
    exceptions = json_node_copy (exceptions);
  /* Members the sandbox answers itself are never taken from the input. */
  for (const char *const *name = (const char *const[]) { "id", "calendar", "user", "exceptions", "type",
                                                         "iCalUId", "seriesMasterId", "@odata.etag",
                                                         "createdDateTime", "lastModifiedDateTime",
                                                         "changeKey", NULL };
       *name != NULL; name++)
    json_object_remove_member (event->data, *name);
  if (!sb_event_parse (event, error))
    {
      g_clear_pointer (&exceptions, json_node_unref);
      sb_event_free (event);
      return NULL;
    }

  event->id = new_item_id ();
  uid_tail = g_compute_checksum_for_string (G_CHECKSUM_SHA1, event->id, -1);
  uid = g_strconcat ("040000008200E00074C5B7101A82E00800000000", uid_tail, NULL);
  event->ical_uid = g_ascii_strup (uid, -1);
  event->created = sb_format_utc_precise (sb_now (self));
  event_touch (self, event);
  g_ptr_array_add (calendar->events, event);

  if (exceptions != NULL && JSON_NODE_HOLDS_ARRAY (exceptions))
    {
      JsonArray *array = json_node_get_array (exceptions);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonObject *spec = json_array_get_object_element (array, i);

          if (spec == NULL || !sb_event_add_exception (self, event, spec, error))
            {
              if (spec == NULL)
                set_invalid (error, "exceptions[%u] is not an object", i);
              g_ptr_array_remove (calendar->events, event);
              json_node_unref (exceptions);
              return NULL;
            }
        }
    }
  g_clear_pointer (&exceptions, json_node_unref);
  return event;
}

gboolean
sb_event_update (BkSandboxMicrosoft  *self,
                 SbEvent             *event,
                 JsonObject          *patch,
                 GError             **error)
{
  g_autoptr(JsonObject) saved = sb_object_copy (event->data);
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  json_object_iter_init (&iter, patch);
  while (json_object_iter_next (&iter, &name, &node))
    {
      if (g_str_equal (name, "id") || g_str_equal (name, "type") || g_str_equal (name, "iCalUId"))
        continue;
      json_object_set_member (event->data, name, node_copy (node));
    }
  if (!sb_event_parse (event, error))
    {
      json_object_unref (event->data);
      event->data = g_steal_pointer (&saved);
      sb_event_parse (event, NULL);
      return FALSE;
    }
  event_touch (self, event);
  return TRUE;
}

void
sb_event_remove (SbEvent *event)
{
  g_ptr_array_remove (event->calendar->events, event);
}

static gboolean
parse_original_start (SbEvent    *event,
                      const char *text,
                      gint64     *out)
{
  g_autoptr(GDateTime) local = NULL;

  if (sbc_parse_instant (text, out))
    return TRUE;
  if (!sb_parse_local (text, event->tz, &local))
    return FALSE;
  *out = g_date_time_to_unix (local);
  return TRUE;
}

gboolean
sb_event_add_exception (BkSandboxMicrosoft  *self,
                        SbEvent             *event,
                        JsonObject          *spec,
                        GError             **error)
{
  const char *original = member_string (spec, "originalStart", NULL);
  SbException *exception = NULL;
  SbInstance instance;
  gint64 original_start;

  if (!event->recurring)
    return set_invalid (error, "Only a recurring series has exceptions");
  if (original == NULL || !parse_original_start (event, original, &original_start))
    return set_invalid (error, "An exception needs originalStart, a local date-time of the series' zone");
  if (!sb_find_occurrence (event, original_start, &instance))
    return set_invalid (error, "The series has no occurrence at %s", original);

  for (guint i = 0; i < event->exceptions->len; i++)
    if (((SbException *)g_ptr_array_index (event->exceptions, i))->original_start == original_start)
      exception = g_ptr_array_index (event->exceptions, i);
  if (exception == NULL)
    {
      exception = g_new0 (SbException, 1);
      exception->id = sb_occurrence_id (event, original_start);
      exception->original_start = original_start;
      g_ptr_array_add (event->exceptions, exception);
    }
  exception->cancelled = member_bool (spec, "isCancelled", FALSE);
  g_clear_pointer (&exception->overrides, json_object_unref);
  if (!exception->cancelled)
    {
      g_autoptr(JsonObject) overrides = exception->overrides = sb_object_copy (spec);
      g_autoptr(GDateTime) start = NULL;
      g_autoptr(GDateTime) end = NULL;

      json_object_remove_member (overrides, "originalStart");
      json_object_remove_member (overrides, "isCancelled");
      /* A changed subject alone keeps the occurrence's own times. */
      for (guint k = 0; k < 2; k++)
        {
          const char *member = k == 0 ? "start" : "end";
          g_autoptr(JsonObject) value = NULL;
          g_autofree char *local = NULL;

          if (json_object_has_member (overrides, member))
            continue;
          value = json_object_new ();
          local = sb_format_local (k == 0 ? instance.start : instance.end, event->tz);
          json_object_set_string_member (value, "dateTime", local);
          json_object_set_string_member (value, "timeZone", event->tz_name);
          json_object_set_object_member (overrides, member, g_steal_pointer (&value));
        }
      start = sb_exception_time (event, overrides, "start");
      end = sb_exception_time (event, overrides, "end");
      g_steal_pointer (&overrides);
      if (start == NULL || end == NULL || g_date_time_compare (end, start) < 0)
        {
          g_ptr_array_remove (event->exceptions, exception);
          return set_invalid (error, "An exception's start/end must be valid dateTimeTimeZone values");
        }
    }
  event_touch (self, event);
  return TRUE;
}

JsonObject *
sb_event_to_stored_json (SbEvent *event)
{
  JsonObject *object = sb_object_copy (event->data);
  JsonArray *exceptions = json_array_new ();

  json_object_set_string_member (object, "id", event->id);
  json_object_set_string_member (object, "calendarId", event->calendar->id);
  json_object_set_string_member (object, "type", event->recurring ? "seriesMaster" : "singleInstance");
  json_object_set_string_member (object, "iCalUId", event->ical_uid);
  json_object_set_string_member (object, "createdDateTime", event->created);
  json_object_set_string_member (object, "lastModifiedDateTime", event->modified);
  for (guint i = 0; i < event->exceptions->len; i++)
    {
      SbException *exception = g_ptr_array_index (event->exceptions, i);
      JsonObject *item = exception->overrides != NULL ? sb_object_copy (exception->overrides)
                                                      : json_object_new ();
      g_autofree char *original = sb_format_utc_precise (exception->original_start);

      json_object_set_string_member (item, "id", exception->id);
      json_object_set_string_member (item, "originalStart", original);
      json_object_set_boolean_member (item, "isCancelled", exception->cancelled);
      json_array_add_object_element (exceptions, item);
    }
  json_object_set_array_member (object, "exceptions", exceptions);
  return object;
}

/* ------------------------------------------------------------ data files */

static gboolean
load_calendar (BkSandboxMicrosoft  *self,
               SbUser              *user,
               JsonObject          *spec,
               GError             **error)
{
  SbCalendar *calendar = sb_add_calendar (self, user, spec, error);
  JsonArray *events;

  if (calendar == NULL)
    return FALSE;
  events = json_object_has_member (spec, "events") ? json_object_get_array_member (spec, "events") : NULL;
  for (guint i = 0; events != NULL && i < json_array_get_length (events); i++)
    {
      JsonObject *event = json_array_get_object_element (events, i);

      if (event == NULL || sb_add_event (self, calendar, event, error) == NULL)
        return event == NULL ? set_invalid (error, "events[%u] is not an object", i) : FALSE;
    }
  return TRUE;
}

gboolean
sb_load_data (BkSandboxMicrosoft  *self,
              JsonObject          *root,
              GError             **error)
{
  JsonArray *users = json_object_has_member (root, "users") ? json_object_get_array_member (root, "users") : NULL;
  JsonArray *clients = json_object_has_member (root, "clients") ? json_object_get_array_member (root, "clients") : NULL;

  for (guint i = 0; clients != NULL && i < json_array_get_length (clients); i++)
    g_hash_table_add (self->clients, g_strdup (json_array_get_string_element (clients, i)));
  for (guint i = 0; users != NULL && i < json_array_get_length (users); i++)
    {
      JsonObject *spec = json_array_get_object_element (users, i);
      JsonArray *calendars;
      SbUser *user;

      if (spec == NULL || (user = sb_add_user (self, spec, error)) == NULL)
        return spec == NULL ? set_invalid (error, "users[%u] is not an object", i) : FALSE;
      calendars = json_object_has_member (spec, "calendars") ? json_object_get_array_member (spec, "calendars") : NULL;
      for (guint c = 0; calendars != NULL && c < json_array_get_length (calendars); c++)
        {
          JsonObject *calendar = json_array_get_object_element (calendars, c);

          if (calendar == NULL)
            return set_invalid (error, "users[%u].calendars[%u] is not an object", i, c);
          if (!load_calendar (self, user, calendar, error))
            return FALSE;
        }
    }
  return TRUE;
}
