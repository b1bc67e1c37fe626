/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-sandbox-microsoft"

#include "config.h"

#include <glib/gi18n.h>

#include "sandbox-microsoft-private.h"

/* The sandbox's own control API under /_sandbox/ (not Microsoft's): seed
 * mailboxes, inspect stored events, arm faults, deny consent, revoke
 * grants, expire tokens, read request statistics. Also reachable in-process
 * through bk_sandbox_microsoft_control () and the typed wrappers below. */

static void
reply_control_error (SbRequest  *req,
                     guint       status,
                     const char *message)
{
  g_autoptr(JsonObject) root = json_object_new ();

  json_object_set_string_member (root, "error", message);
  sb_reply_object (req, status, root);
}

static void
reply_ok (SbRequest *req)
{
  g_autoptr(JsonObject) root = json_object_new ();

  json_object_set_boolean_member (root, "ok", TRUE);
  sb_reply_object (req, 200, root);
}

static JsonObject *
user_to_json (SbUser *user)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "id", user->id);
  json_object_set_string_member (object, "userPrincipalName", user->upn);
  json_object_set_string_member (object, "displayName", user->display_name);
  json_object_set_string_member (object, "timeZone", user->time_zone);
  return object;
}

static SbUser *
user_of_spec (BkSandboxMicrosoft *self,
              JsonObject         *spec)
{
  return sb_find_user (self, json_object_get_string_member_with_default (spec, "user", NULL));
}

static void
add_user (SbRequest  *req,
          JsonObject *spec)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;
  SbUser *user = sb_add_user (req->self, spec, &error);

  if (user == NULL)
    return reply_control_error (req, 400, error->message);
  object = user_to_json (user);
  json_object_set_string_member (object, "defaultCalendarId", sb_default_calendar (user)->id);
  sb_reply_object (req, 201, object);
}

static void
add_calendar (SbRequest  *req,
              JsonObject *spec)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;
  SbUser *user = user_of_spec (req->self, spec);
  SbCalendar *calendar;

  if (user == NULL)
    return reply_control_error (req, 404, "No such user; add one with POST /_sandbox/users first");
  calendar = sb_add_calendar (req->self, user, spec, &error);
  if (calendar == NULL)
    return reply_control_error (req, 400, error->message);
  object = sb_calendar_to_json (calendar);
  sb_reply_object (req, 201, object);
}

static SbEvent *
add_one_event (BkSandboxMicrosoft  *self,
               JsonObject          *spec,
               GError             **error)
{
  const char *calendar_id = json_object_get_string_member_with_default (spec, "calendar", NULL);
  SbCalendar *calendar = NULL;
  SbUser *user;

  if (calendar_id != NULL)
    calendar = sb_find_calendar (self, NULL, calendar_id);
  else if ((user = user_of_spec (self, spec)) != NULL)
    calendar = sb_default_calendar (user);
  if (calendar == NULL)
    {
      g_set_error (error, BK_SANDBOX_MICROSOFT_ERROR, BK_SANDBOX_MICROSOFT_ERROR_NOT_FOUND,
                   "No calendar “%s”", calendar_id != NULL ? calendar_id : "(default)");
      return NULL;
    }
  return sb_add_event (self, calendar, spec, error);
}

static void
add_events (SbRequest *req,
            JsonNode  *root)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) answer = NULL;
  JsonArray *array = NULL;
  JsonArray *value;

  if (JSON_NODE_HOLDS_OBJECT (root) && !json_object_has_member (json_node_get_object (root), "value"))
    {
      SbEvent *event = add_one_event (req->self, json_node_get_object (root), &error);

      if (event == NULL)
        return reply_control_error (req, 400, error->message);
      answer = sb_event_to_stored_json (event);
      return sb_reply_object (req, 201, answer);
    }
  if (JSON_NODE_HOLDS_ARRAY (root))
    array = json_node_get_array (root);
  else if (JSON_NODE_HOLDS_OBJECT (root))
    array = json_object_get_array_member (json_node_get_object (root), "value");
  if (array == NULL)
    return reply_control_error (req, 400, "Send one event object, an array of them, or {\"value\":[…]}");
  /* Bulk loading (benchmarks seed thousands of events in one call). */
  value = json_array_new ();
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *spec = json_array_get_object_element (array, i);
      SbEvent *event = spec != NULL ? add_one_event (req->self, spec, &error) : NULL;

      if (event == NULL)
        {
          g_autofree char *message = g_strdup_printf ("Event %u: %s", i,
                                                      error != NULL ? error->message : "not an object");
          json_array_unref (value);
          return reply_control_error (req, 400, message);
        }
      json_array_add_string_element (value, event->id);
    }
  answer = json_object_new ();
  json_object_set_array_member (answer, "value", value);
  sb_reply_object (req, 201, answer);
}

static void
list_events (SbRequest *req)
{
  const char *calendar_id = sb_query (req, "calendar");
  g_autoptr(JsonObject) root = json_object_new ();
  JsonArray *value = json_array_new ();

  for (guint u = 0; u < req->self->users->len; u++)
    {
      SbUser *user = g_ptr_array_index (req->self->users, u);

      for (guint c = 0; c < user->calendars->len; c++)
        {
          SbCalendar *calendar = g_ptr_array_index (user->calendars, c);

          if (calendar_id != NULL && !g_str_equal (calendar_id, calendar->id))
            continue;
          for (guint i = 0; i < calendar->events->len; i++)
            json_array_add_object_element (value, sb_event_to_stored_json (g_ptr_array_index (calendar->events, i)));
        }
    }
  json_object_set_array_member (root, "value", value);
  sb_reply_object (req, 200, root);
}

static void
list_users (SbRequest *req)
{
  g_autoptr(JsonObject) root = json_object_new ();
  JsonArray *value = json_array_new ();

  for (guint u = 0; u < req->self->users->len; u++)
    {
      SbUser *user = g_ptr_array_index (req->self->users, u);
      JsonObject *object = user_to_json (user);
      JsonArray *calendars = json_array_new ();

      for (guint c = 0; c < user->calendars->len; c++)
        json_array_add_object_element (calendars, sb_calendar_to_json (g_ptr_array_index (user->calendars, c)));
      json_object_set_array_member (object, "calendars", calendars);
      json_array_add_object_element (value, object);
    }
  json_object_set_array_member (root, "value", value);
  sb_reply_object (req, 200, root);
}

static void
handle_faults (SbRequest  *req,
               JsonObject *spec)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) root = NULL;
  SbFault *fault;

  if (g_str_equal (req->method, "DELETE"))
    {
      g_ptr_array_set_size (req->self->faults, 0);
      return reply_ok (req);
    }
  if (g_str_equal (req->method, "GET"))
    {
      JsonArray *value = json_array_new ();

      for (guint i = 0; i < req->self->faults->len; i++)
        json_array_add_object_element (value, sb_fault_to_json (g_ptr_array_index (req->self->faults, i)));
      root = json_object_new ();
      json_object_set_array_member (root, "value", value);
      return sb_reply_object (req, 200, root);
    }
  if (spec == NULL)
    return reply_control_error (req, 400, "POST a JSON object like {\"kind\":\"429\",\"count\":2,\"retryAfter\":1}");
  fault = sb_fault_new_from_json (spec, &error);
  if (fault == NULL)
    return reply_control_error (req, 400, error->message);
  g_ptr_array_add (req->self->faults, fault);
  root = sb_fault_to_json (fault);
  sb_reply_object (req, 201, root);
}

static void
handle_config (SbRequest  *req,
               JsonObject *spec)
{
  BkSandboxMicrosoft *self = req->self;
  g_autoptr(JsonObject) root = json_object_new ();
  JsonArray *clients;

  if (spec != NULL)
    {
      gint64 page_size = json_object_get_int_member_with_default (spec, "pageSize", self->page_size);
      gint64 lifetime = json_object_get_int_member_with_default (spec, "accessTokenLifetime", self->access_lifetime);

      if (page_size < 1 || lifetime < 1)
        return reply_control_error (req, 400, "pageSize and accessTokenLifetime must be positive");
      self->page_size = page_size;
      self->access_lifetime = lifetime;
      self->all_day_ignores_prefer = json_object_get_boolean_member_with_default (spec, "allDayIgnoresPrefer",
                                                                                  self->all_day_ignores_prefer);
      self->clock_offset += json_object_get_int_member_with_default (spec, "advanceClock", 0);
      clients = json_object_has_member (spec, "clients") ? json_object_get_array_member (spec, "clients") : NULL;
      for (guint i = 0; clients != NULL && i < json_array_get_length (clients); i++)
        g_hash_table_add (self->clients, g_strdup (json_array_get_string_element (clients, i)));
    }
  json_object_set_int_member (root, "pageSize", self->page_size);
  json_object_set_int_member (root, "accessTokenLifetime", self->access_lifetime);
  json_object_set_boolean_member (root, "allDayIgnoresPrefer", self->all_day_ignores_prefer);
  json_object_set_int_member (root, "clockOffset", self->clock_offset);
  sb_reply_object (req, 200, root);
}

static void
handle_stats (SbRequest *req)
{
  g_autoptr(JsonObject) root = json_object_new ();

  if (g_str_equal (req->method, "DELETE"))
    sbc_stats_reset (&req->self->stats);
  sbc_stats_to_json (&req->self->stats, root);
  sb_reply_object (req, 200, root);
}

static void
handle_revoke (SbRequest  *req,
               JsonObject *spec)
{
  const char *upn = spec != NULL ? json_object_get_string_member_with_default (spec, "user", NULL) : NULL;
  SbUser *user = upn != NULL ? sb_find_user (req->self, upn) : NULL;

  if (upn != NULL && user == NULL)
    return reply_control_error (req, 404, "No such user");
  sb_identity_revoke (req->self, user,
                      spec != NULL ? json_object_get_int_member_with_default (spec, "aadsts", 0) : 0);
  reply_ok (req);
}

static void
handle_consent (SbRequest  *req,
                JsonObject *spec)
{
  req->self->deny_consent = spec != NULL && json_object_get_boolean_member_with_default (spec, "deny", FALSE);
  g_clear_pointer (&req->self->consent_user, g_free);
  if (spec != NULL)
    req->self->consent_user = g_strdup (json_object_get_string_member_with_default (spec, "user", NULL));
  reply_ok (req);
}

static void
dispatch (SbRequest  *req,
          const char *route,
          JsonNode   *root)
{
  JsonObject *spec = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  gboolean post = g_str_equal (req->method, "POST");
  g_autoptr(GError) error = NULL;

  if (g_str_equal (route, "reset") && post)
    {
      sb_state_clear (req->self);
      sb_state_init (req->self);
      reply_ok (req);
    }
  else if (g_str_equal (route, "data") && post && spec != NULL)
    {
      if (!sb_load_data (req->self, spec, &error))
        return reply_control_error (req, 400, error->message);
      reply_ok (req);
    }
  else if (g_str_equal (route, "users"))
    post && spec != NULL ? add_user (req, spec) : list_users (req);
  else if (g_str_equal (route, "calendars") && post && spec != NULL)
    add_calendar (req, spec);
  else if (g_str_equal (route, "events"))
    post && root != NULL ? add_events (req, root) : list_events (req);
  else if (g_str_equal (route, "faults"))
    handle_faults (req, spec);
  else if (g_str_equal (route, "consent") && post)
    handle_consent (req, spec);
  else if (g_str_equal (route, "revoke") && post)
    handle_revoke (req, spec);
  else if (g_str_equal (route, "expire-access-tokens") && post)
    {
      sb_identity_expire_access (req->self);
      reply_ok (req);
    }
  else if (g_str_equal (route, "config"))
    handle_config (req, post ? spec : NULL);
  else if (g_str_equal (route, "stats"))
    handle_stats (req);
  else
    reply_control_error (req, 404, "Unknown control route or method; see tests/services/README.md");
}

void
sb_control_handle (BkSandboxMicrosoft *self,
                   SbRequest          *req,
                   const char         *body,
                   gsize               length)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root = NULL;

  if (body != NULL && length > 0)
    {
      if (!json_parser_load_from_data (parser, body, length, &error))
        return reply_control_error (req, 400, error->message);
      root = json_parser_get_root (parser);
    }
  dispatch (req, req->path + strlen ("/_sandbox/"), root);
}

/* ------------------------------------------------------ typed C wrappers */

static char *
control_id (BkSandboxMicrosoft  *self,
            const char          *path,
            JsonObject          *spec,
            GError             **error)
{
  g_autofree char *body = sb_object_to_string (spec);
  g_autofree char *answer = NULL;
  g_autoptr(JsonObject) object = NULL;
  guint status = 0;

  answer = bk_sandbox_microsoft_control (self, "POST", path, body, &status);
  object = sb_parse_object (answer, -1, NULL);
  if (status != 201 || object == NULL)
    {
      g_set_error (error, BK_SANDBOX_MICROSOFT_ERROR,
                   status == 404 ? BK_SANDBOX_MICROSOFT_ERROR_NOT_FOUND : BK_SANDBOX_MICROSOFT_ERROR_INVALID,
                   "%s", object != NULL ? json_object_get_string_member_with_default (object, "error", answer) : answer);
      return NULL;
    }
  return g_strdup (json_object_get_string_member_with_default (object, "id", ""));
}

char *
bk_sandbox_microsoft_add_user (BkSandboxMicrosoft  *self,
                               const char          *upn,
                               const char          *display_name,
                               const char          *time_zone,
                               GError             **error)
{
  g_autoptr(JsonObject) spec = json_object_new ();

  g_return_val_if_fail (BK_IS_SANDBOX_MICROSOFT (self), NULL);
  g_return_val_if_fail (upn != NULL, NULL);

  json_object_set_string_member (spec, "userPrincipalName", upn);
  if (display_name != NULL)
    json_object_set_string_member (spec, "displayName", display_name);
  if (time_zone != NULL)
    json_object_set_string_member (spec, "timeZone", time_zone);
  return control_id (self, "/_sandbox/users", spec, error);
}

char *
bk_sandbox_microsoft_add_calendar (BkSandboxMicrosoft  *self,
                                   const char          *upn,
                                   const char          *name,
                                   const char          *color,
                                   gboolean             can_edit,
                                   gboolean             is_default,
                                   GError             **error)
{
  g_autoptr(JsonObject) spec = json_object_new ();

  g_return_val_if_fail (BK_IS_SANDBOX_MICROSOFT (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (upn != NULL)
    json_object_set_string_member (spec, "user", upn);
  json_object_set_string_member (spec, "name", name);
  if (color != NULL)
    json_object_set_string_member (spec, "color", color);
  json_object_set_boolean_member (spec, "canEdit", can_edit);
  json_object_set_boolean_member (spec, "isDefault", is_default);
  return control_id (self, "/_sandbox/calendars", spec, error);
}

char *
bk_sandbox_microsoft_add_event (BkSandboxMicrosoft  *self,
                                const char          *event_json,
                                GError             **error)
{
  g_autoptr(JsonObject) spec = NULL;

  g_return_val_if_fail (BK_IS_SANDBOX_MICROSOFT (self), NULL);
  g_return_val_if_fail (event_json != NULL, NULL);

  spec = sb_parse_object (event_json, -1, error);
  if (spec == NULL)
    return NULL;
  return control_id (self, "/_sandbox/events", spec, error);
}

gboolean
bk_sandbox_microsoft_add_fault (BkSandboxMicrosoft  *self,
                                const char          *fault_json,
                                GError             **error)
{
  g_autoptr(JsonObject) spec = NULL;
  SbFault *fault;

  g_return_val_if_fail (BK_IS_SANDBOX_MICROSOFT (self), FALSE);
  g_return_val_if_fail (fault_json != NULL, FALSE);

  spec = sb_parse_object (fault_json, -1, error);
  if (spec == NULL)
    return FALSE;
  fault = sb_fault_new_from_json (spec, error);
  if (fault == NULL)
    return FALSE;
  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->faults, fault);
  g_mutex_unlock (&self->lock);
  return TRUE;
}

void
bk_sandbox_microsoft_set_consent_denied (BkSandboxMicrosoft *self,
                                         gboolean            deny)
{
  g_return_if_fail (BK_IS_SANDBOX_MICROSOFT (self));

  g_mutex_lock (&self->lock);
  self->deny_consent = deny;
  g_mutex_unlock (&self->lock);
}

void
bk_sandbox_microsoft_revoke (BkSandboxMicrosoft *self,
                             const char         *upn,
                             guint               aadsts)
{
  g_return_if_fail (BK_IS_SANDBOX_MICROSOFT (self));

  g_mutex_lock (&self->lock);
  if (upn == NULL || sb_find_user (self, upn) != NULL)
    sb_identity_revoke (self, upn != NULL ? sb_find_user (self, upn) : NULL, aadsts);
  g_mutex_unlock (&self->lock);
}

void
bk_sandbox_microsoft_expire_access_tokens (BkSandboxMicrosoft *self)
{
  g_return_if_fail (BK_IS_SANDBOX_MICROSOFT (self));

  g_mutex_lock (&self->lock);
  sb_identity_expire_access (self);
  g_mutex_unlock (&self->lock);
}

guint64
bk_sandbox_microsoft_get_request_count (BkSandboxMicrosoft *self,
                                        const char         *route)
{
  guint64 count;

  g_return_val_if_fail (BK_IS_SANDBOX_MICROSOFT (self), 0);

  g_mutex_lock (&self->lock);
  count = sbc_stats_get (&self->stats, route);
  g_mutex_unlock (&self->lock);
  return count;
}

guint64
bk_sandbox_microsoft_get_bytes_sent (BkSandboxMicrosoft *self)
{
  guint64 bytes;

  g_return_val_if_fail (BK_IS_SANDBOX_MICROSOFT (self), 0);

  g_mutex_lock (&self->lock);
  bytes = self->stats.bytes_sent;
  g_mutex_unlock (&self->lock);
  return bytes;
}

void
bk_sandbox_microsoft_reset_stats (BkSandboxMicrosoft *self)
{
  g_return_if_fail (BK_IS_SANDBOX_MICROSOFT (self));

  g_mutex_lock (&self->lock);
  sbc_stats_reset (&self->stats);
  g_mutex_unlock (&self->lock);
}
