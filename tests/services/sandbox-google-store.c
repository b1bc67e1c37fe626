/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-sandbox-google"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "sandbox-google-private.h"

/* The accounts' model: users, each with a primary calendar named after
 * the address plus any others, and events stored as Google's JSON. A
 * deleted event stays as a tombstone so incremental sync can report it
 * and a second DELETE answers 410, as Google does. */

static void
event_free (gpointer data)
{
  SbgEvent *event = data;

  g_free (event->id);
  g_clear_pointer (&event->data, json_object_unref);
  g_clear_pointer (&event->tz, g_time_zone_unref);
  g_clear_pointer (&event->start, g_date_time_unref);
  g_clear_pointer (&event->end, g_date_time_unref);
  g_clear_pointer (&event->exdates, g_array_unref);
  g_free (event->master_id);
  g_free (event);
}

static void
calendar_free (gpointer data)
{
  SbgCalendar *calendar = data;

  g_free (calendar->id);
  g_free (calendar->summary);
  g_free (calendar->background);
  g_free (calendar->foreground);
  g_free (calendar->access_role);
  g_free (calendar->time_zone);
  g_free (calendar->freebusy_error);
  g_ptr_array_unref (calendar->events);
  g_free (calendar);
}

static void
user_free (gpointer data)
{
  SbgUser *user = data;

  g_free (user->email);
  g_free (user->name);
  g_free (user->time_zone);
  g_free (user->subject);
  g_ptr_array_unref (user->calendars);
  g_free (user);
}

void
sbg_state_init (BkSandboxGoogle *self)
{
  self->page_size = self->startup_page_size;
  self->users = g_ptr_array_new_with_free_func (user_free);
  sbg_auth_init (self);
  self->faults = g_ptr_array_new_with_free_func (sbg_fault_free);
  self->scopes_requested = g_ptr_array_new_with_free_func (g_free);
  self->send_updates = g_ptr_array_new_with_free_func (g_free);
  self->rotate_refresh = FALSE;
  self->deny_consent = FALSE;
  self->clock_offset = 0;
}

void
sbg_state_clear (BkSandboxGoogle *self)
{
  /* Codes and access tokens point at grants: drop them first. */
  g_clear_pointer (&self->codes, g_hash_table_unref);
  g_clear_pointer (&self->access_tokens, g_hash_table_unref);
  g_clear_pointer (&self->grants, g_ptr_array_unref);
  g_clear_pointer (&self->users, g_ptr_array_unref);
  g_clear_pointer (&self->faults, g_ptr_array_unref);
  g_clear_pointer (&self->scopes_requested, g_ptr_array_unref);
  g_clear_pointer (&self->send_updates, g_ptr_array_unref);
}

char *
sbg_random_token (const char *prefix,
                  gsize       n_bytes)
{
  g_autofree guint8 *bytes = g_malloc (n_bytes);
  g_autofree char *encoded = NULL;

  for (gsize i = 0; i < n_bytes; i++)
    bytes[i] = g_random_int_range (0, 256);
  encoded = g_base64_encode (bytes, n_bytes);
  g_strdelimit (encoded, "+", '-');
  g_strdelimit (encoded, "/", '_');
  g_strdelimit (encoded, "=", '\0');
  return g_strconcat (prefix, encoded, NULL);
}

/* Google's rule for client-chosen event ids: base32hex digits (lowercase
 * a-v and 0-9), 5 to 1024 of them. */
gboolean
sbg_valid_event_id (const char *id)
{
  gsize length = strlen (id);

  if (length < 5 || length > 1024)
    return FALSE;
  for (const char *p = id; *p != '\0'; p++)
    if (!((*p >= 'a' && *p <= 'v') || (*p >= '0' && *p <= '9')))
      return FALSE;
  return TRUE;
}

char *
sbg_new_event_id (void)
{
  static const char digits[] = "0123456789abcdefghijklmnopqrstuv";
  char id[27];

  for (guint i = 0; i < 26; i++)
    id[i] = digits[g_random_int_range (0, 32)];
  id[26] = '\0';
  return g_strdup (id);
}

SbgUser *
sbg_find_user (BkSandboxGoogle *self,
               const char      *email)
{
  for (guint i = 0; email != NULL && i < self->users->len; i++)
    {
      SbgUser *user = g_ptr_array_index (self->users, i);

      if (g_ascii_strcasecmp (user->email, email) == 0)
        return user;
    }
  return NULL;
}

SbgCalendar *
sbg_find_calendar (BkSandboxGoogle *self,
                   const char      *id)
{
  for (guint i = 0; id != NULL && i < self->users->len; i++)
    {
      SbgUser *user = g_ptr_array_index (self->users, i);

      for (guint j = 0; j < user->calendars->len; j++)
        {
          SbgCalendar *calendar = g_ptr_array_index (user->calendars, j);

          if (g_str_equal (calendar->id, id))
            return calendar;
        }
    }
  return NULL;
}

SbgEvent *
sbg_find_event (SbgCalendar *calendar,
                const char  *id)
{
  for (guint i = 0; i < calendar->events->len; i++)
    {
      SbgEvent *event = g_ptr_array_index (calendar->events, i);

      if (g_str_equal (event->id, id))
        return event;
    }
  return NULL;
}

static gboolean
valid_zone (const char *name)
{
  g_autoptr(GTimeZone) tz = NULL;

  if (name == NULL)
    return FALSE;
  if (g_str_equal (name, "UTC"))
    return TRUE;
  tz = g_time_zone_new_identifier (name);
  return tz != NULL && strchr (name, '/') != NULL;
}

static void
calendar_configure (SbgCalendar *calendar,
                    JsonObject  *spec)
{
  static const char *const roles[] = { "owner", "writer", "reader", "freeBusyReader" };
  const char *role = json_object_get_string_member_with_default (spec, "accessRole", NULL);

#define TAKE(field, member) \
  if (json_object_has_member (spec, member)) \
    { \
      g_free (calendar->field); \
      calendar->field = g_strdup (json_object_get_string_member (spec, member)); \
    }
  TAKE (summary, "summary");
  TAKE (background, "backgroundColor");
  TAKE (foreground, "foregroundColor");
#undef TAKE
  for (guint i = 0; role != NULL && i < G_N_ELEMENTS (roles); i++)
    if (g_str_equal (role, roles[i]))
      {
        g_free (calendar->access_role);
        calendar->access_role = g_strdup (role);
      }
  if (valid_zone (json_object_get_string_member_with_default (spec, "timeZone", NULL)))
    {
      g_free (calendar->time_zone);
      calendar->time_zone = g_strdup (json_object_get_string_member (spec, "timeZone"));
    }
}

static SbgCalendar *
calendar_new (SbgUser    *user,
              const char *id)
{
  SbgCalendar *calendar = g_new0 (SbgCalendar, 1);

  calendar->id = g_strdup (id);
  calendar->owner = user;
  calendar->summary = g_strdup (id);
  calendar->background = g_strdup ("#9fe1e7");
  calendar->foreground = g_strdup ("#000000");
  calendar->access_role = g_strdup ("owner");
  calendar->time_zone = g_strdup (user->time_zone);
  calendar->events = g_ptr_array_new_with_free_func (event_free);
  return calendar;
}

SbgUser *
sbg_add_user (BkSandboxGoogle  *self,
              JsonObject       *spec,
              GError          **error)
{
  const char *email = json_object_get_string_member_with_default (spec, "email", NULL);
  const char *zone = json_object_get_string_member_with_default (spec, "timeZone", "UTC");
  SbgUser *user;
  SbgCalendar *primary;

  if (email == NULL || strchr (email, '@') == NULL)
    {
      sbg_set_invalid (error, "A user needs an \"email\" address");
      return NULL;
    }
  if (!valid_zone (zone))
    {
      sbg_set_invalid (error, "\"timeZone\" must be an IANA time zone name");
      return NULL;
    }
  if (sbg_find_user (self, email) != NULL || sbg_find_calendar (self, email) != NULL)
    {
      g_set_error (error, BK_SANDBOX_GOOGLE_ERROR, BK_SANDBOX_GOOGLE_ERROR_CONFLICT,
                   "The user %s exists already", email);
      return NULL;
    }
  user = g_new0 (SbgUser, 1);
  user->email = g_ascii_strdown (email, -1);
  user->name = g_strdup (json_object_get_string_member_with_default (spec, "name", email));
  user->time_zone = g_strdup (zone);
  user->subject = g_strdup_printf ("1%020u", g_random_int ());
  user->calendars = g_ptr_array_new_with_free_func (calendar_free);
  /* The primary calendar's id is the account's address. */
  primary = calendar_new (user, user->email);
  primary->primary = TRUE;
  g_ptr_array_add (user->calendars, primary);
  g_ptr_array_add (self->users, user);
  return user;
}

SbgCalendar *
sbg_add_calendar (BkSandboxGoogle  *self,
                  SbgUser          *user,
                  JsonObject       *spec,
                  GError          **error)
{
  const char *id = json_object_get_string_member_with_default (spec, "id", NULL);
  g_autofree char *generated = NULL;
  SbgCalendar *calendar;

  if (json_object_get_boolean_member_with_default (spec, "primary", FALSE)
      || g_strcmp0 (id, user->email) == 0)
    {
      calendar = g_ptr_array_index (user->calendars, 0);
      calendar_configure (calendar, spec);
      return calendar;
    }
  if (id == NULL)
    {
      g_autofree char *random = sbg_new_event_id ();
      id = generated = g_strdup_printf ("%s@group.calendar.google.com", random);
    }
  if (sbg_find_calendar (self, id) != NULL)
    {
      g_set_error (error, BK_SANDBOX_GOOGLE_ERROR, BK_SANDBOX_GOOGLE_ERROR_CONFLICT,
                   "The calendar %s exists already", id);
      return NULL;
    }
  calendar = calendar_new (user, id);
  calendar_configure (calendar, spec);
  g_ptr_array_add (user->calendars, calendar);
  return calendar;
}

static JsonObject *
object_copy_except (JsonObject        *object,
                    const char *const *skip)
{
  JsonObject *copy = json_object_new ();
  g_autoptr(GList) members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    if (skip == NULL || !g_strv_contains (skip, l->data))
      json_object_set_member (copy, l->data, json_object_dup_member (object, l->data));
  return copy;
}

static void
touch (BkSandboxGoogle *self,
       SbgEvent        *event)
{
  event->seq = ++self->seq;
  /* Strictly increasing, so "updated" orders changes within one second. */
  event->updated = MAX (sbg_now (self), event->updated + 1);
}

SbgEvent *
sbg_add_event (BkSandboxGoogle  *self,
               SbgCalendar      *calendar,
               JsonObject       *data,
               GError          **error)
{
  const char *id = json_object_get_string_member_with_default (data, "id", NULL);
  SbgEvent *event;

  if (id != NULL && !sbg_valid_event_id (id) && !json_object_has_member (data, "recurringEventId"))
    {
      sbg_set_invalid (error, "Invalid resource id value.");
      return NULL;
    }
  if (id != NULL && sbg_find_event (calendar, id) != NULL)
    {
      g_set_error_literal (error, BK_SANDBOX_GOOGLE_ERROR, BK_SANDBOX_GOOGLE_ERROR_CONFLICT,
                           "The requested identifier already exists.");
      return NULL;
    }
  event = g_new0 (SbgEvent, 1);
  event->calendar = calendar;
  event->data = object_copy_except (data, (const char *const[]) { "id", "kind", "etag", NULL });
  if (!sbg_event_parse (event, error))
    {
      event_free (event);
      return NULL;
    }
  if (event->master_id != NULL && id == NULL)
    {
      g_autofree char *key = sbg_format_instance_key (event->original_start, event->all_day ? event->tz : NULL);
      event->id = g_strdup_printf ("%s_%s", event->master_id, key);
    }
  else
    event->id = id != NULL ? g_strdup (id) : sbg_new_event_id ();
  event->created = sbg_now (self);
  touch (self, event);
  g_ptr_array_add (calendar->events, event);
  return event;
}

/* A PATCH: members present replace the stored ones (null removes one). */
gboolean
sbg_event_patch (BkSandboxGoogle  *self,
                 SbgEvent         *event,
                 JsonObject       *patch,
                 GError          **error)
{
  g_autoptr(JsonObject) saved = json_object_ref (event->data);
  g_autoptr(GList) members = json_object_get_members (patch);
  JsonObject *data = object_copy_except (saved, NULL);

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;

      if (g_str_equal (name, "id") || g_str_equal (name, "kind") || g_str_equal (name, "etag"))
        continue;
      if (JSON_NODE_HOLDS_NULL (json_object_get_member (patch, name)))
        json_object_remove_member (data, name);
      else
        json_object_set_member (data, name, json_object_dup_member (patch, name));
    }
  event->data = data;
  if (!sbg_event_parse (event, error))
    {
      /* Leave the event as it was. */
      json_object_unref (event->data);
      event->data = g_steal_pointer (&saved);
      g_assert (sbg_event_parse (event, NULL));
      return FALSE;
    }
  if (g_strcmp0 (json_object_get_string_member_with_default (data, "status", NULL), "cancelled") == 0)
    event->deleted = TRUE;
  touch (self, event);
  return TRUE;
}

void
sbg_event_delete (BkSandboxGoogle *self,
                  SbgEvent        *event)
{
  event->deleted = TRUE;
  touch (self, event);
  /* Deleting a series deletes its exceptions too. */
  for (guint i = 0; event->recurring && i < event->calendar->events->len; i++)
    {
      SbgEvent *other = g_ptr_array_index (event->calendar->events, i);

      if (!other->deleted && g_strcmp0 (other->master_id, event->id) == 0)
        {
          other->deleted = TRUE;
          touch (self, other);
        }
    }
}

/* The original start an instance id's suffix names: "20270301T080000Z"
 * (UTC) for timed series, "20270301" (local date) for all-day ones. */
static gboolean
parse_instance_key (SbgEvent   *series,
                    const char *key,
                    gint64     *out)
{
  int y, mo, d, h = 0, mi = 0, s = 0, n = 0;
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) dt = NULL;

  if (sscanf (key, "%4d%2d%2d%n", &y, &mo, &d, &n) != 3)
    return FALSE;
  if (series->all_day ? key[n] != '\0'
      : sscanf (key + n, "T%2d%2d%2dZ", &h, &mi, &s) != 3 || strlen (key + n) != 8)
    return FALSE;
  dt = g_date_time_new (series->all_day ? series->tz : utc, y, mo, d, h, mi, s);
  if (dt == NULL)
    return FALSE;
  *out = g_date_time_to_unix (dt);
  return TRUE;
}

/* "series_20270301T080000Z" names an occurrence; changing or deleting it
 * stores an exception event under that id, as Google does. */
SbgEvent *
sbg_materialize_instance (BkSandboxGoogle *self,
                          SbgCalendar     *calendar,
                          const char      *instance_id)
{
  static const char *const skip[] = { "kind", "etag", "created", "updated", "htmlLink", NULL };
  const char *underscore = strrchr (instance_id, '_');
  g_autofree char *series_id = NULL;
  g_autoptr(JsonObject) rendered = NULL;
  g_autoptr(JsonObject) data = NULL;
  SbgEvent *series;
  SbgInstance found;
  gint64 original;

  if (underscore == NULL)
    return NULL;
  series_id = g_strndup (instance_id, underscore - instance_id);
  series = sbg_find_event (calendar, series_id);
  if (series == NULL || series->deleted || !series->recurring
      || !parse_instance_key (series, underscore + 1, &original)
      || !sbg_find_occurrence (series, original, &found))
    return NULL;
  rendered = sbg_render_instance (&found, NULL);
  data = object_copy_except (rendered, skip);
  return sbg_add_event (self, calendar, data, NULL);
}

JsonObject *
sbg_calendar_entry (SbgCalendar *calendar)
{
  JsonObject *entry = json_object_new ();
  g_autofree char *etag = g_strdup_printf ("\"%u\"", g_str_hash (calendar->id));

  json_object_set_string_member (entry, "kind", "calendar#calendarListEntry");
  json_object_set_string_member (entry, "etag", etag);
  json_object_set_string_member (entry, "id", calendar->id);
  json_object_set_string_member (entry, "summary", calendar->summary);
  json_object_set_string_member (entry, "timeZone", calendar->time_zone);
  json_object_set_string_member (entry, "colorId", "14");
  json_object_set_string_member (entry, "backgroundColor", calendar->background);
  json_object_set_string_member (entry, "foregroundColor", calendar->foreground);
  json_object_set_boolean_member (entry, "selected", TRUE);
  json_object_set_string_member (entry, "accessRole", calendar->access_role);
  json_object_set_array_member (entry, "defaultReminders", json_array_new ());
  if (calendar->primary)
    json_object_set_boolean_member (entry, "primary", TRUE);
  return entry;
}

/* --data FILE.json: {"users": [{"email", "timeZone", "calendars": [{…,
 * "events": [Google events]}]}]}; a calendar with "primary": true (or the
 * address as id) describes the primary calendar. */
static gboolean
load_calendar (BkSandboxGoogle  *self,
               SbgUser          *user,
               JsonObject       *spec,
               GError          **error)
{
  SbgCalendar *calendar = sbg_add_calendar (self, user, spec, error);
  JsonArray *events = json_object_has_member (spec, "events")
                      ? json_object_get_array_member (spec, "events") : NULL;

  if (calendar == NULL)
    return FALSE;
  for (guint i = 0; events != NULL && i < json_array_get_length (events); i++)
    {
      JsonObject *event = json_array_get_object_element (events, i);

      if (event == NULL || sbg_add_event (self, calendar, event, error) == NULL)
        {
          if (error != NULL && *error == NULL)
            sbg_set_invalid (error, "An event is not a JSON object");
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
sbg_load_data (BkSandboxGoogle  *self,
               JsonObject       *root,
               GError          **error)
{
  JsonArray *users = json_object_has_member (root, "users")
                     ? json_object_get_array_member (root, "users") : NULL;

  if (users == NULL)
    return sbg_set_invalid (error, "The data needs a \"users\" array");
  for (guint i = 0; i < json_array_get_length (users); i++)
    {
      JsonObject *spec = json_array_get_object_element (users, i);
      JsonArray *calendars;
      SbgUser *user;

      if (spec == NULL || (user = sbg_add_user (self, spec, error)) == NULL)
        return error == NULL || *error != NULL ? FALSE : sbg_set_invalid (error, "A user is not an object");
      calendars = json_object_has_member (spec, "calendars")
                  ? json_object_get_array_member (spec, "calendars") : NULL;
      for (guint j = 0; calendars != NULL && j < json_array_get_length (calendars); j++)
        {
          JsonObject *calendar = json_array_get_object_element (calendars, j);

          if (calendar == NULL)
            return sbg_set_invalid (error, "A calendar is not an object");
          if (!load_calendar (self, user, calendar, error))
            return FALSE;
        }
    }
  return TRUE;
}
