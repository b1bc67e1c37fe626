/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-sandbox-microsoft"

#include "config.h"

#include <glib/gi18n.h>

#include "sandbox-microsoft-private.h"

/* The fault injector: switches set through POST /_sandbox/faults that make
 * Microsoft routes misbehave the ways the real cloud does — throttling,
 * outages, expired tokens, broken bodies, dropped connections, one
 * calendar failing part-way through paging, and slow answers. */

/* A delay longer than this is a typo, not a slow network. */
#define DELAY_MAX_MS 60000
/* How many chosen delays GET /_sandbox/faults shows per delay fault. */
#define DELAY_HISTORY 256

/* The route kinds a delay can be limited to ("only"). */
static const char * const delay_routes[] = {
  "graph", "identity", "read", "write", "calendarView", "delta",
};

static const struct
{
  const char  *name;
  const char  *alias;
  SbFaultKind  kind;
} fault_names[] = {
  { "429", "throttle", SB_FAULT_THROTTLE },
  { "503", "unavailable", SB_FAULT_UNAVAILABLE },
  { "504", "gateway-timeout", SB_FAULT_GATEWAY_TIMEOUT },
  { "401", "expired-token", SB_FAULT_EXPIRED_TOKEN },
  { "truncated", "truncated-json", SB_FAULT_TRUNCATED },
  { "malformed", "malformed-json", SB_FAULT_MALFORMED },
  { "drop", "dropped-connection", SB_FAULT_DROP },
  { "fail-from-page", "calendar-view-page", SB_FAULT_FAIL_FROM_PAGE },
  { "delay", "slow", SB_FAULT_DELAY },
};

void
sb_fault_free (SbFault *fault)
{
  g_free (fault->path);
  g_free (fault->calendar);
  g_free (fault->only);
  g_clear_pointer (&fault->rand, g_rand_free);
  g_clear_pointer (&fault->delays_ms, g_array_unref);
  g_free (fault);
}

static gboolean
parse_delay (SbFault     *fault,
             JsonObject  *spec,
             GError     **error)
{
  gint64 min_ms = json_object_get_int_member_with_default (spec, "minMs", 0);
  gint64 max_ms = json_object_get_int_member_with_default (spec, "maxMs", min_ms);
  const char *only = json_object_get_string_member_with_default (spec, "only", NULL);
  gboolean known = only == NULL;

  if (min_ms < 0 || max_ms < min_ms || max_ms > DELAY_MAX_MS)
    {
      g_set_error (error, BK_SANDBOX_MICROSOFT_ERROR, BK_SANDBOX_MICROSOFT_ERROR_INVALID,
                   "A delay needs 0 ≤ minMs ≤ maxMs ≤ %u", DELAY_MAX_MS);
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (delay_routes); i++)
    known |= g_strcmp0 (only, delay_routes[i]) == 0;
  if (!known)
    {
      g_set_error (error, BK_SANDBOX_MICROSOFT_ERROR, BK_SANDBOX_MICROSOFT_ERROR_INVALID,
                   "Unknown route kind “%s” for “only” (graph, identity, read, write, calendarView, delta)",
                   only);
      return FALSE;
    }
  fault->min_ms = (guint) min_ms;
  fault->max_ms = (guint) max_ms;
  fault->seed = (guint32) json_object_get_int_member_with_default (spec, "seed", 0);
  fault->rand = g_rand_new_with_seed (fault->seed);
  fault->only = g_strdup (only);
  fault->delays_ms = g_array_new (FALSE, FALSE, sizeof (guint));
  return TRUE;
}

SbFault *
sb_fault_new_from_json (JsonObject  *spec,
                        GError     **error)
{
  const char *kind = json_object_get_string_member_with_default (spec, "kind", "");
  g_autoptr(SbFault) fault = g_new0 (SbFault, 1);
  gboolean known = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (fault_names); i++)
    if (g_str_equal (kind, fault_names[i].name) || g_str_equal (kind, fault_names[i].alias))
      {
        fault->kind = fault_names[i].kind;
        known = TRUE;
      }
  if (!known)
    {
      g_set_error (error, BK_SANDBOX_MICROSOFT_ERROR, BK_SANDBOX_MICROSOFT_ERROR_INVALID,
                   "Unknown fault kind “%s” (429, 503, 504, 401, truncated, malformed, drop, fail-from-page, delay)",
                   kind);
      return NULL;
    }
  /* a page that keeps failing and a slow network last until cleared */
  fault->count = json_object_get_int_member_with_default (spec, "count",
                                                          fault->kind == SB_FAULT_FAIL_FROM_PAGE
                                                          || fault->kind == SB_FAULT_DELAY ? -1 : 1);
  fault->path = g_strdup (json_object_get_string_member_with_default (spec, "path", "/"));
  fault->retry_after = json_object_get_int_member_with_default (spec, "retryAfter", 1);
  fault->calendar = g_strdup (json_object_get_string_member_with_default (spec, "calendar", NULL));
  fault->page = MAX (1, json_object_get_int_member_with_default (spec, "page", 1));
  fault->status = json_object_get_int_member_with_default (spec, "status", 500);
  if (fault->status < 400 || fault->status > 599)
    {
      g_set_error_literal (error, BK_SANDBOX_MICROSOFT_ERROR, BK_SANDBOX_MICROSOFT_ERROR_INVALID,
                           "A fault's status must be 400..599");
      return NULL;
    }
  if (fault->kind == SB_FAULT_DELAY && !parse_delay (fault, spec, error))
    return NULL;
  return g_steal_pointer (&fault);
}

JsonObject *
sb_fault_to_json (SbFault *fault)
{
  const char *kind = NULL;
  JsonObject *object;

  for (guint i = 0; i < G_N_ELEMENTS (fault_names); i++)
    if (fault_names[i].kind == fault->kind)
      kind = fault_names[i].name;
  object = sbc_fault_describe (kind, fault->count, fault->path, fault->fired);
  json_object_set_int_member (object, "retryAfter", fault->retry_after);
  if (fault->kind == SB_FAULT_FAIL_FROM_PAGE)
    {
      json_object_set_string_member (object, "calendar", fault->calendar);
      json_object_set_int_member (object, "page", fault->page);
      json_object_set_int_member (object, "status", fault->status);
    }
  if (fault->kind == SB_FAULT_DELAY)
    {
      JsonArray *delays = json_array_sized_new (fault->delays_ms->len);

      json_object_set_int_member (object, "minMs", fault->min_ms);
      json_object_set_int_member (object, "maxMs", fault->max_ms);
      json_object_set_int_member (object, "seed", fault->seed);
      if (fault->only != NULL)
        json_object_set_string_member (object, "only", fault->only);
      for (guint i = 0; i < fault->delays_ms->len; i++)
        json_array_add_int_element (delays, g_array_index (fault->delays_ms, guint, i));
      json_object_set_array_member (object, "delaysMs", delays);
    }
  return object;
}

/* The first armed fault of @kinds matching the request, consumed. */
static SbFault *
take_fault (SbRequest *req,
            guint      kinds)
{
  for (guint i = 0; i < req->self->faults->len; i++)
    {
      SbFault *fault = g_ptr_array_index (req->self->faults, i);

      if ((kinds & (1u << fault->kind)) != 0
          && sbc_fault_fire (&fault->count, &fault->fired, fault->path, req->path))
        return fault;
    }
  return NULL;
}

static void
reply_status (SbRequest *req,
              guint      status,
              guint      retry_after)
{
  g_autofree char *seconds = g_strdup_printf ("%u", retry_after);

  switch (status)
    {
    case 429:
      sb_reply_graph_error (req, 429, "ApplicationThrottled", "Application is over its MailboxConcurrency limit.");
      sb_request_set_header (req, "Retry-After", seconds);
      break;
    case 503:
      sb_reply_graph_error (req, 503, "ServiceNotAvailable", "The service is temporarily unavailable. Please retry later.");
      sb_request_set_header (req, "Retry-After", seconds);
      break;
    case 504:
      sb_reply_graph_error (req, 504, "UnknownError", "The gateway did not receive a response from the service in time.");
      break;
    case 401:
      sb_reply_graph_error (req, 401, "InvalidAuthenticationToken", "Lifetime validation failed, the token is expired.");
      break;
    case 404:
      sb_reply_graph_error (req, 404, "ErrorItemNotFound", "The specified object was not found in the store.");
      break;
    default:
      sb_reply_graph_error (req, status, "ErrorInternalServerError",
                            "An internal server error occurred. The operation failed.");
      break;
    }
}

/* Whether @req is of the route kind @only (NULL: any). */
static gboolean
route_is (SbRequest  *req,
          const char *only)
{
  gboolean graph = g_str_has_prefix (req->path, "/v1.0/") || g_str_equal (req->path, "/v1.0");
  gboolean read = g_str_equal (req->method, "GET");

  if (only == NULL)
    return TRUE;
  if (g_str_equal (only, "identity"))
    return !graph;
  if (!graph)
    return FALSE;
  if (g_str_equal (only, "read"))
    return read;
  if (g_str_equal (only, "write"))
    return !read;
  if (g_str_equal (only, "calendarView"))
    return g_str_has_suffix (req->path, "/calendarView");
  if (g_str_equal (only, "delta"))
    return g_str_has_suffix (req->path, "/calendarView/delta");
  return TRUE;   /* "graph" */
}

static gboolean
answer_released_cb (gpointer user_data)
{
  /* a no-op when the client hung up meanwhile and the message is done */
  soup_server_message_unpause (SOUP_SERVER_MESSAGE (user_data));
  return G_SOURCE_REMOVE;
}

/* Holds the answer back for a delay fault's next delay: the request takes
 * effect now (as on a real server, a write happened even if its answer
 * never arrives), the message is paused and a timeout on the server's own
 * context resumes it, so other requests are served meanwhile. The timeout
 * owns a reference on the message: a client that hangs up, a sandbox that
 * stops (its context destroys the timeout) leave nothing behind. */
static void
hold_answer (SbRequest *req)
{
  for (guint i = 0; i < req->self->faults->len; i++)
    {
      SbFault *fault = g_ptr_array_index (req->self->faults, i);
      g_autoptr(GSource) timeout = NULL;
      guint ms;

      if (fault->kind != SB_FAULT_DELAY || !route_is (req, fault->only)
          || !sbc_fault_fire (&fault->count, &fault->fired, fault->path, req->path))
        continue;
      ms = (guint) g_rand_int_range (fault->rand, (gint32) fault->min_ms, (gint32) fault->max_ms + 1);
      if (fault->delays_ms->len == DELAY_HISTORY)
        g_array_remove_index (fault->delays_ms, 0);
      g_array_append_val (fault->delays_ms, ms);
      if (ms == 0 || req->msg == NULL)
        return;
      soup_server_message_pause (req->msg);
      timeout = g_timeout_source_new (ms);
      g_source_set_static_name (timeout, "[sandbox] delayed answer");
      g_source_set_callback (timeout, answer_released_cb, g_object_ref (req->msg), g_object_unref);
      g_source_attach (timeout, req->self->http.context);
      return;
    }
}

gboolean
sb_faults_before (SbRequest *req)
{
  SbFault *fault = take_fault (req, (1u << SB_FAULT_THROTTLE) | (1u << SB_FAULT_UNAVAILABLE)
                                    | (1u << SB_FAULT_GATEWAY_TIMEOUT) | (1u << SB_FAULT_EXPIRED_TOKEN)
                                    | (1u << SB_FAULT_DROP));

  if (fault == NULL)
    {
      hold_answer (req);
      return FALSE;
    }
  switch (fault->kind)
    {
    case SB_FAULT_THROTTLE:
      reply_status (req, 429, fault->retry_after);
      break;
    case SB_FAULT_UNAVAILABLE:
      reply_status (req, 503, fault->retry_after);
      break;
    case SB_FAULT_GATEWAY_TIMEOUT:
      reply_status (req, 504, fault->retry_after);
      break;
    case SB_FAULT_EXPIRED_TOKEN:
      reply_status (req, 401, fault->retry_after);
      break;
    case SB_FAULT_DROP:
    case SB_FAULT_TRUNCATED:
    case SB_FAULT_MALFORMED:
    case SB_FAULT_FAIL_FROM_PAGE:
    case SB_FAULT_DELAY:
    default:
      req->dropped = TRUE;
      break;
    }
  /* an error can be slow too; a closed socket has nothing to hold back */
  if (!req->dropped)
    hold_answer (req);
  return TRUE;
}

void
sb_faults_after (SbRequest *req)
{
  SbFault *fault;

  if (req->body == NULL || req->body->len == 0)
    return;
  fault = take_fault (req, (1u << SB_FAULT_TRUNCATED) | (1u << SB_FAULT_MALFORMED));
  if (fault == NULL)
    return;
  if (fault->kind == SB_FAULT_TRUNCATED)
    g_string_truncate (req->body, req->body->len / 2);
  else
    {
      /* Looks like JSON at a glance, does not parse. */
      g_string_assign (req->body, "{\"value\":[{\"id\":\"AAMkA\",\"subject\":\"x\"},,]\x01}");
    }
}

gboolean
sb_faults_fail_page (SbRequest  *req,
                     const char *calendar_id,
                     guint       page_index)
{
  for (guint i = 0; i < req->self->faults->len; i++)
    {
      SbFault *fault = g_ptr_array_index (req->self->faults, i);

      if (fault->kind != SB_FAULT_FAIL_FROM_PAGE || page_index + 1 < fault->page
          || (fault->calendar != NULL && g_strcmp0 (fault->calendar, calendar_id) != 0)
          || !sbc_fault_fire (&fault->count, &fault->fired, fault->path, req->path))
        continue;
      reply_status (req, fault->status, fault->retry_after);
      return TRUE;
    }
  return FALSE;
}
