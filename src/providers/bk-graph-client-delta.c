/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bk-graph-client-delta.c: calendarView/delta — what changed in a calendar
 * since a delta link (the busy cache and two-way sync read it).
 *
 * A round follows the stored link (or, without one, starts over the window
 * given) through every page to the final @odata.deltaLink. A link Graph no
 * longer takes (410 Gone, SyncStateNotFound, an invalid token) or one from
 * another server is dropped for a full round over the window. */

#define G_LOG_DOMAIN "bk-graph"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-graph-client-private.h"

void
bk_graph_delta_free (BkGraphDelta *delta)
{
  if (delta == NULL)
    return;
  g_clear_pointer (&delta->items, g_ptr_array_unref);
  g_free (delta->delta_link);
  g_free (delta);
}

typedef struct
{
  char         *calendar_id;
  gint64        from;
  gint64        to;
  BkGraphDelta *delta;
  gboolean      from_link;   /* this round follows a stored delta link */
} DeltaRead;

static void
delta_read_free (gpointer data)
{
  DeltaRead *state = data;

  g_free (state->calendar_id);
  bk_graph_delta_free (state->delta);
  g_free (state);
}

static gboolean
collect_delta_item (JsonObject  *item,
                    gpointer     user_data,
                    GError     **error)
{
  g_ptr_array_add (user_data, json_object_ref (item));
  return TRUE;
}

static void start_delta_round (GTask *task, const char *link);

/* A delta link Graph no longer takes (410 Gone, SyncStateNotFound,
 * SyncStateInvalid, a 400 on the token): start again with a full round. */
static gboolean
is_stale_link_error (const GError *error)
{
  return g_error_matches (error, BK_GRAPH_ERROR, BK_GRAPH_ERROR_NOT_FOUND)
         || g_error_matches (error, BK_GRAPH_ERROR, BK_GRAPH_ERROR_FAILED);
}

static void
delta_round_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DeltaRead *state = g_task_get_task_data (task);
  BkGraphPager *pager = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (state->from_link && is_stale_link_error (error))
        return start_delta_round (g_steal_pointer (&task), NULL);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (pager->delta_link == NULL)
    {
      g_task_return_new_error (task, BK_GRAPH_ERROR, BK_GRAPH_ERROR_BAD_RESPONSE,
                               _("Microsoft Graph ended a calendar’s changes without a delta link."));
      return;
    }
  state->delta->delta_link = g_strdup (pager->delta_link);
  g_task_return_pointer (task, g_steal_pointer (&state->delta), (GDestroyNotify) bk_graph_delta_free);
}

/* @link NULL: a full round over the window; else the stored delta link. */
static void
start_delta_round (GTask      *task,
                   const char *link)
{
  BkGraphClient *self = g_task_get_source_object (task);
  DeltaRead *state = g_task_get_task_data (task);
  g_autoptr(GTask) pages = NULL;
  g_autofree char *prefer = g_strdup_printf ("outlook.timezone=\"UTC\", odata.maxpagesize=%u",
                                             _bk_graph_client_get_page_size (self));
  char *url;

  /* a link from elsewhere would carry the bearer token there: full round */
  if (link != NULL && !_bk_graph_same_origin (_bk_graph_client_get_url (self), link))
    link = NULL;
  state->from_link = link != NULL;
  if (link == NULL)
    {
      g_autofree char *id = _bk_graph_escape_segment (state->calendar_id);
      g_autofree char *start = bk_graph_format_instant (state->from);
      g_autofree char *end = bk_graph_format_instant (state->to);
      g_autofree char *start_q = g_uri_escape_string (start, NULL, FALSE);
      g_autofree char *end_q = g_uri_escape_string (end, NULL, FALSE);

      state->delta->full_round = TRUE;
      url = g_strdup_printf ("%s/me/calendars/%s/calendarView/delta?startDateTime=%s&endDateTime=%s",
                             _bk_graph_client_get_url (self), id, start_q, end_q);
    }
  else
    url = g_strdup (link);
  g_ptr_array_set_size (state->delta->items, 0);
  pages = _bk_graph_fetch_all (self, url, prefer, collect_delta_item, state->delta->items, NULL,
                     g_task_get_cancellable (task), delta_round_cb, task);
}

void
bk_graph_client_read_delta_async (BkGraphClient       *self,
                                  const char          *calendar_id,
                                  const char          *delta_link,
                                  gint64               from,
                                  gint64               to,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task;
  DeltaRead *state;

  g_return_if_fail (BK_IS_GRAPH_CLIENT (self));
  g_return_if_fail (calendar_id != NULL);
  g_return_if_fail (from < to);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bk_graph_client_read_delta_async);
  state = g_new0 (DeltaRead, 1);
  state->calendar_id = g_strdup (calendar_id);
  state->from = from;
  state->to = to;
  state->delta = g_new0 (BkGraphDelta, 1);
  state->delta->items = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_task_set_task_data (task, state, delta_read_free);
  start_delta_round (task, delta_link);
}

BkGraphDelta *
bk_graph_client_read_delta_finish (BkGraphClient  *self,
                                   GAsyncResult   *result,
                                   GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

BkBusyTime *
bk_graph_event_to_busy (JsonObject *item)
{
  JsonNode *s, *e;
  const char *show_as;
  gint64 start, end;
  BkBusyTime *time;

  g_return_val_if_fail (item != NULL, NULL);

  if (json_object_has_member (item, "@removed") || (show_as = _bk_graph_blocking_show_as (item)) == NULL)
    return NULL;
  s = json_object_get_member (item, "start");
  e = json_object_get_member (item, "end");
  if (s == NULL || e == NULL || !JSON_NODE_HOLDS_OBJECT (s) || !JSON_NODE_HOLDS_OBJECT (e)
      || !bk_graph_parse_date_time_zone (json_node_get_object (s), &start, NULL)
      || !bk_graph_parse_date_time_zone (json_node_get_object (e), &end, NULL)
      || end <= start)
    return NULL;
  time = bk_busy_time_new (start, end, show_as);
  time->event_id = g_strdup (json_object_get_string_member_with_default (item, "id", NULL));
  return time;
}
