/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-sandbox-microsoft"

#include "config.h"

#include <glib/gi18n.h>

#include "sandbox-microsoft-private.h"

/* The fault injector: switches set through POST /_sandbox/faults that make
 * Microsoft routes misbehave the ways the real cloud does — throttling,
 * outages, expired tokens, broken bodies, dropped connections, and one
 * calendar failing part-way through paging. */

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
};

void
sb_fault_free (SbFault *fault)
{
  g_free (fault->path);
  g_free (fault->calendar);
  g_free (fault);
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
                   "Unknown fault kind “%s” (429, 503, 504, 401, truncated, malformed, drop, fail-from-page)",
                   kind);
      return NULL;
    }
  fault->count = json_object_get_int_member_with_default (spec, "count",
                                                          fault->kind == SB_FAULT_FAIL_FROM_PAGE ? -1 : 1);
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

gboolean
sb_faults_before (SbRequest *req)
{
  SbFault *fault = take_fault (req, (1u << SB_FAULT_THROTTLE) | (1u << SB_FAULT_UNAVAILABLE)
                                    | (1u << SB_FAULT_GATEWAY_TIMEOUT) | (1u << SB_FAULT_EXPIRED_TOKEN)
                                    | (1u << SB_FAULT_DROP));

  if (fault == NULL)
    return FALSE;
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
    default:
      req->dropped = TRUE;
      break;
    }
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
