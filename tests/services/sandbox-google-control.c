/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-sandbox-google"

#include "config.h"

#include <glib/gi18n.h>

#include "sandbox-google-private.h"

/* The /_sandbox/ control API (set-up, switches and statistics for tests
 * and `build-aux/dev demo`) and the fault injector behind its "faults". */

static const struct
{
  const char   *name;
  SbgFaultKind  kind;
  guint         status;
  const char   *domain;
  const char   *reason;
  const char   *message;
} fault_table[] = {
  { "rateLimitExceeded", SBG_FAULT_RATE_LIMIT, 403, "usageLimits", "rateLimitExceeded", "Rate Limit Exceeded" },
  { "userRateLimitExceeded", SBG_FAULT_USER_RATE_LIMIT, 403, "usageLimits", "userRateLimitExceeded", "User Rate Limit Exceeded" },
  { "429", SBG_FAULT_TOO_MANY, 429, "usageLimits", "rateLimitExceeded", "Rate Limit Exceeded" },
  { "500", SBG_FAULT_BACKEND, 500, "global", "backendError", "Backend Error" },
  { "503", SBG_FAULT_UNAVAILABLE, 503, "global", "backendError", "The service is currently unavailable." },
  { "401", SBG_FAULT_UNAUTHORIZED, 401, "global", "authError", "Request had invalid authentication credentials." },
  { "malformed", SBG_FAULT_MALFORMED, 0, NULL, NULL, NULL },
  { "truncated", SBG_FAULT_TRUNCATED, 0, NULL, NULL, NULL },
  { "drop", SBG_FAULT_DROP, 0, NULL, NULL, NULL },
};

void
sbg_fault_free (gpointer data)
{
  SbgFault *fault = data;

  g_free (fault->path);
  g_free (fault->method);
  g_free (fault);
}

static SbgFault *
take_fault (SbgRequest *req,
            gboolean    after)
{
  for (guint i = 0; i < req->self->faults->len; i++)
    {
      SbgFault *fault = g_ptr_array_index (req->self->faults, i);
      gboolean body_fault = fault->kind == SBG_FAULT_MALFORMED || fault->kind == SBG_FAULT_TRUNCATED;

      if (body_fault == after
          && (fault->method == NULL || g_ascii_strcasecmp (fault->method, req->method) == 0)
          && sbc_fault_fire (&fault->count, &fault->fired, fault->path, req->path))
        return fault;
    }
  return NULL;
}

gboolean
sbg_faults_before (SbgRequest *req)
{
  SbgFault *fault = take_fault (req, FALSE);

  if (fault == NULL)
    return FALSE;
  if (fault->kind == SBG_FAULT_DROP)
    {
      req->dropped = TRUE;
      return TRUE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (fault_table); i++)
    if (fault_table[i].kind == fault->kind)
      sbg_reply_error (req, fault_table[i].status, fault_table[i].domain, fault_table[i].reason,
                       fault_table[i].message);
  return TRUE;
}

void
sbg_faults_after (SbgRequest *req)
{
  SbgFault *fault;

  if (req->dropped || req->body == NULL || req->body->len == 0 || (fault = take_fault (req, TRUE)) == NULL)
    return;
  if (fault->kind == SBG_FAULT_TRUNCATED)
    g_string_truncate (req->body, req->body->len / 2);
  else
    g_string_assign (req->body, "{\n \"kind\": \"calendar#events\",\n \"items\": [{\"id\": \"x\",,]\n");
}

static JsonObject *
fault_to_json (SbgFault *fault)
{
  const char *kind = NULL;
  JsonObject *object;

  for (guint i = 0; i < G_N_ELEMENTS (fault_table); i++)
    if (fault_table[i].kind == fault->kind)
      kind = fault_table[i].name;
  object = sbc_fault_describe (kind, fault->count, fault->path, fault->fired);
  if (fault->method != NULL)
    json_object_set_string_member (object, "method", fault->method);
  return object;
}

/* ------------------------------------------------------------- replies */

static void
reply_error (SbgRequest *req,
             GError     *error)
{
  g_autoptr(JsonObject) object = json_object_new ();
  guint status = g_error_matches (error, BK_SANDBOX_GOOGLE_ERROR, BK_SANDBOX_GOOGLE_ERROR_NOT_FOUND) ? 404
                 : g_error_matches (error, BK_SANDBOX_GOOGLE_ERROR, BK_SANDBOX_GOOGLE_ERROR_CONFLICT) ? 409 : 400;

  json_object_set_string_member (object, "error", error->message);
  sbg_reply_object (req, status, object);
}

static void
reply_ok (SbgRequest *req)
{
  sbg_reply_text (req, 200, "application/json", "{}");
}

static gboolean
not_found (GError    **error,
           const char *what,
           const char *name)
{
  g_set_error (error, BK_SANDBOX_GOOGLE_ERROR, BK_SANDBOX_GOOGLE_ERROR_NOT_FOUND,
               "No %s “%s” in the sandbox", what, name != NULL ? name : "(none given)");
  return FALSE;
}

/* --------------------------------------------------------------- routes */

static gboolean
add_user (SbgRequest  *req,
          JsonObject  *body,
          GError     **error)
{
  g_autoptr(JsonObject) answer = json_object_new ();
  SbgUser *user = sbg_add_user (req->self, body, error);

  if (user == NULL)
    return FALSE;
  json_object_set_string_member (answer, "email", user->email);
  json_object_set_string_member (answer, "primaryCalendar", user->email);
  sbg_reply_object (req, 201, answer);
  return TRUE;
}

static gboolean
add_calendar (SbgRequest  *req,
              JsonObject  *body,
              GError     **error)
{
  const char *email = json_object_get_string_member_with_default (body, "user", NULL);
  SbgUser *user = sbg_find_user (req->self, email);
  SbgCalendar *calendar;
  g_autoptr(JsonObject) answer = NULL;

  if (user == NULL)
    return not_found (error, "user", email);
  if ((calendar = sbg_add_calendar (req->self, user, body, error)) == NULL)
    return FALSE;
  answer = sbg_calendar_entry (calendar);
  sbg_reply_object (req, 201, answer);
  return TRUE;
}

static gboolean
add_event (SbgRequest  *req,
           JsonObject  *body,
           GError     **error)
{
  const char *id = json_object_get_string_member_with_default (body, "calendar", NULL);
  SbgCalendar *calendar = sbg_find_calendar (req->self, id);
  g_autoptr(JsonObject) answer = NULL;
  SbgEvent *event;

  if (calendar == NULL)
    return not_found (error, "calendar", id);
  json_object_remove_member (body, "calendar");
  if ((event = sbg_add_event (req->self, calendar, body, error)) == NULL)
    return FALSE;
  answer = sbg_render_event (event, NULL);
  sbg_reply_object (req, 201, answer);
  return TRUE;
}

/* Every stored event of a calendar, tombstones and exceptions included:
 * what tests assert the app's writes against. */
static gboolean
list_events (SbgRequest  *req,
             GError     **error)
{
  const char *id = sbg_query (req, "calendar");
  SbgCalendar *calendar = sbg_find_calendar (req->self, id);
  g_autoptr(JsonObject) answer = json_object_new ();
  JsonArray *items;

  if (calendar == NULL)
    return not_found (error, "calendar", id);
  items = json_array_new ();
  for (guint i = 0; i < calendar->events->len; i++)
    json_array_add_object_element (items, sbg_render_event (g_ptr_array_index (calendar->events, i), NULL));
  json_object_set_array_member (answer, "items", items);
  sbg_reply_object (req, 200, answer);
  return TRUE;
}

static gboolean
add_fault (SbgRequest  *req,
           JsonObject  *body,
           GError     **error)
{
  const char *kind = json_object_get_string_member_with_default (body, "kind", "");
  g_autoptr(JsonObject) answer = NULL;
  SbgFault *fault = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (fault_table); i++)
    if (g_str_equal (kind, fault_table[i].name))
      {
        fault = g_new0 (SbgFault, 1);
        fault->kind = fault_table[i].kind;
      }
  if (fault == NULL)
    return sbg_set_invalid (error, "Unknown fault kind (rateLimitExceeded, userRateLimitExceeded, "
                                   "429, 500, 503, 401, malformed, truncated, drop)");
  fault->count = json_object_get_int_member_with_default (body, "count", 1);
  fault->path = g_strdup (json_object_get_string_member_with_default (body, "path", "/calendar/v3/"));
  fault->method = g_strdup (json_object_get_string_member_with_default (body, "method", NULL));
  g_ptr_array_add (req->self->faults, fault);
  answer = fault_to_json (fault);
  sbg_reply_object (req, 201, answer);
  return TRUE;
}

static void
list_faults (SbgRequest *req)
{
  g_autoptr(JsonObject) answer = json_object_new ();
  JsonArray *items = json_array_new ();

  for (guint i = 0; i < req->self->faults->len; i++)
    json_array_add_object_element (items, fault_to_json (g_ptr_array_index (req->self->faults, i)));
  json_object_set_array_member (answer, "faults", items);
  sbg_reply_object (req, 200, answer);
}

static gboolean
set_freebusy_error (SbgRequest  *req,
                    JsonObject  *body,
                    GError     **error)
{
  const char *id = json_object_get_string_member_with_default (body, "calendar", NULL);
  SbgCalendar *calendar = sbg_find_calendar (req->self, id);

  if (calendar == NULL)
    return not_found (error, "calendar", id);
  g_free (calendar->freebusy_error);
  calendar->freebusy_error = g_strdup (json_object_get_string_member_with_default (body, "reason", NULL));
  reply_ok (req);
  return TRUE;
}

static gboolean
invalidate_sync_tokens (SbgRequest  *req,
                        JsonObject  *body,
                        GError     **error)
{
  const char *id = body != NULL ? json_object_get_string_member_with_default (body, "calendar", NULL) : NULL;

  for (guint i = 0; i < req->self->users->len; i++)
    {
      SbgUser *user = g_ptr_array_index (req->self->users, i);

      for (guint j = 0; j < user->calendars->len; j++)
        {
          SbgCalendar *calendar = g_ptr_array_index (user->calendars, j);

          if (id == NULL || g_str_equal (id, calendar->id))
            calendar->sync_epoch++;
        }
    }
  if (id != NULL && sbg_find_calendar (req->self, id) == NULL)
    return not_found (error, "calendar", id);
  reply_ok (req);
  return TRUE;
}

static JsonArray *
string_array (GPtrArray *strings)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < strings->len; i++)
    json_array_add_string_element (array, g_ptr_array_index (strings, i));
  return array;
}

static void
stats (SbgRequest *req)
{
  g_autoptr(JsonObject) answer = json_object_new ();

  sbc_stats_to_json (&req->self->stats, answer);
  json_object_set_array_member (answer, "scopesRequested", string_array (req->self->scopes_requested));
  json_object_set_array_member (answer, "sendUpdates", string_array (req->self->send_updates));
  sbg_reply_object (req, 200, answer);
}

static gboolean
handle_switch (SbgRequest  *req,
               const char  *route,
               JsonObject  *body,
               GError     **error)
{
  const char *user = body != NULL ? json_object_get_string_member_with_default (body, "user", NULL) : NULL;

  if (g_str_equal (route, "consent"))
    req->self->deny_consent = body != NULL && json_object_get_boolean_member_with_default (body, "deny", FALSE);
  else if (g_str_equal (route, "refresh-rotation"))
    req->self->rotate_refresh = body != NULL && json_object_get_boolean_member_with_default (body, "rotate", FALSE);
  else if (g_str_equal (route, "revoke"))
    {
      if (user != NULL && sbg_find_user (req->self, user) == NULL)
        return not_found (error, "user", user);
      sbg_auth_revoke_user (req->self, user);
    }
  else if (g_str_equal (route, "expire-access-tokens"))
    sbg_auth_expire_access (req->self);
  else if (g_str_equal (route, "clock"))
    req->self->clock_offset = body != NULL ? json_object_get_int_member_with_default (body, "offset", 0) : 0;
  else
    return FALSE;
  reply_ok (req);
  return TRUE;
}

static gboolean
handle_post (SbgRequest  *req,
             const char  *route,
             JsonObject  *body,
             GError     **error)
{
  if (g_str_equal (route, "reset"))
    {
      sbg_state_clear (req->self);
      sbg_state_init (req->self);
      sbc_stats_reset (&req->self->stats);
      reply_ok (req);
      return TRUE;
    }
  if (g_str_equal (route, "invalidate-sync-tokens"))
    return invalidate_sync_tokens (req, body, error);
  if (handle_switch (req, route, body, error) || (error != NULL && *error != NULL))
    return *error == NULL;
  if (body == NULL)
    return sbg_set_invalid (error, "This control route needs a JSON object body");
  if (g_str_equal (route, "users"))
    return add_user (req, body, error);
  if (g_str_equal (route, "calendars"))
    return add_calendar (req, body, error);
  if (g_str_equal (route, "events"))
    return add_event (req, body, error);
  if (g_str_equal (route, "faults"))
    return add_fault (req, body, error);
  if (g_str_equal (route, "freebusy-errors"))
    return set_freebusy_error (req, body, error);
  return not_found (error, "control route", route);
}

void
sbg_control_handle (SbgRequest *req,
                    const char *body,
                    gsize       length)
{
  const char *route = req->path + strlen ("/_sandbox/");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;

  if (length > 0 && (object = sbg_parse_object (body, length, &error)) == NULL)
    return reply_error (req, error);
  if (g_str_equal (req->method, "POST"))
    {
      if (!handle_post (req, route, object, &error))
        reply_error (req, error);
    }
  else if (g_str_equal (req->method, "GET") && g_str_equal (route, "stats"))
    stats (req);
  else if (g_str_equal (req->method, "GET") && g_str_equal (route, "faults"))
    list_faults (req);
  else if (g_str_equal (req->method, "GET") && g_str_equal (route, "events"))
    {
      if (!list_events (req, &error))
        reply_error (req, error);
    }
  else if (g_str_equal (req->method, "DELETE") && g_str_equal (route, "faults"))
    {
      g_ptr_array_set_size (req->self->faults, 0);
      reply_ok (req);
    }
  else if (g_str_equal (req->method, "DELETE") && g_str_equal (route, "stats"))
    {
      sbc_stats_reset (&req->self->stats);
      reply_ok (req);
    }
  else
    {
      not_found (&error, "control route", route);
      reply_error (req, error);
    }
}
