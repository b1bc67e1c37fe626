/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bk-graph-client-busy.c: a calendar's busy times over a window, from
 * calendarView.
 *
 * - calendarView asks for UTC (Prefer: outlook.timezone="UTC") and the
 *   largest page; each busy time keeps its event's (occurrence's) id, so
 *   the cache can later be updated event by event from delta rounds.
 * - A read that fails part-way still proves what came before (see
 *   complete_until()); the caller blocks the rest (fail closed). */

#define G_LOG_DOMAIN "bk-graph"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-graph-client-private.h"

#define CALENDAR_VIEW_SELECT "id,start,end,showAs,isAllDay,isCancelled"

void
bk_graph_busy_read_free (BkGraphBusyRead *read)
{
  if (read == NULL)
    return;
  g_clear_pointer (&read->busy, g_ptr_array_unref);
  g_clear_error (&read->error);
  g_free (read);
}

typedef struct
{
  GPtrArray *busy;
  gint64     from;
  gint64     to;
  gint64     last_start;   /* the latest start seen on a complete page */
  gint64     page_last_start;
} BusyCollect;

static void
busy_collect_free (gpointer data)
{
  BusyCollect *collect = data;

  g_ptr_array_unref (collect->busy);
  g_free (collect);
}

/* busy, oof, tentative and unknown may block (the policy for tentative and
 * oof is applied when slots are computed); free and workingElsewhere never
 * do, nor cancelled events. A missing or new showAs blocks: never offer
 * time by mistake. */
const char *
_bk_graph_blocking_show_as (JsonObject *item)
{
  const char *show_as = json_object_get_string_member_with_default (item, "showAs", "busy");

  if (json_object_get_boolean_member_with_default (item, "isCancelled", FALSE) ||
      g_strcmp0 (show_as, "free") == 0 || g_strcmp0 (show_as, "workingElsewhere") == 0)
    return NULL;
  if (g_str_equal (show_as, "busy") || g_str_equal (show_as, "oof") ||
      g_str_equal (show_as, "tentative"))
    return show_as;
  return "unknown";
}

static gboolean
collect_busy (JsonObject  *item,
              gpointer     user_data,
              GError     **error)
{
  BusyCollect *collect = user_data;
  const char *show_as;
  BkBusyTime *time;
  gint64 start, end;

  if (!bk_graph_parse_date_time_zone (json_object_get_object_member (item, "start"), &start, error) ||
      !bk_graph_parse_date_time_zone (json_object_get_object_member (item, "end"), &end, error))
    return FALSE;
  collect->page_last_start = MAX (collect->page_last_start, start);
  if ((show_as = _bk_graph_blocking_show_as (item)) == NULL || end <= start)
    return TRUE;
  time = bk_busy_time_new (start, end, show_as);
  time->event_id = g_strdup (json_object_get_string_member_with_default (item, "id", NULL));
  g_ptr_array_add (collect->busy, time);
  return TRUE;
}

/* What a failed read still proves: calendarView is ordered by start, so every
 * event starting before the last start of the last complete page was seen.
 * A day is kept back because an all-day event is ordered by its own zone's
 * wall time, which may be up to 14 hours off its instant. */
static gint64
complete_until (const BusyCollect *collect,
                guint              pages)
{
  if (pages == 0 || collect->last_start == G_MININT64)
    return collect->from;
  return CLAMP (collect->last_start - 86400, collect->from, collect->to);
}

static void
busy_page_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  GTask *pages = G_TASK (result);
  BkGraphPager *pager = g_task_get_task_data (pages);
  BusyCollect *collect = pager->collect_data;
  BkGraphBusyRead *read;

  g_task_propagate_boolean (pages, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  read = g_new0 (BkGraphBusyRead, 1);
  read->busy = g_ptr_array_ref (collect->busy);
  read->pages = pager->pages;
  read->complete_until = error ? complete_until (collect, pager->pages) : collect->to;
  read->error = g_steal_pointer (&error);
  g_task_return_pointer (task, read, (GDestroyNotify) bk_graph_busy_read_free);
}

/* The page's last start only counts once the whole page was read, so a page
 * that failed halfway proves nothing. */
static void
busy_page_done (gpointer data)
{
  BusyCollect *collect = data;

  collect->last_start = MAX (collect->last_start, collect->page_last_start);
}

void
bk_graph_client_read_busy_async (BkGraphClient       *self,
                                 const char          *calendar_id,
                                 gint64               from,
                                 gint64               to,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) pages = NULL;
  g_autofree char *id = NULL;
  g_autofree char *start = NULL;
  g_autofree char *end = NULL;
  g_autofree char *start_q = NULL;
  g_autofree char *end_q = NULL;
  g_autofree char *prefer = NULL;
  BusyCollect *collect;

  g_return_if_fail (BK_IS_GRAPH_CLIENT (self));
  g_return_if_fail (calendar_id != NULL);
  g_return_if_fail (from < to);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bk_graph_client_read_busy_async);

  id = _bk_graph_escape_segment (calendar_id);
  start = bk_graph_format_instant (from);
  end = bk_graph_format_instant (to);
  start_q = g_uri_escape_string (start, NULL, FALSE);
  end_q = g_uri_escape_string (end, NULL, FALSE);
  prefer = g_strdup_printf ("outlook.timezone=\"UTC\", odata.maxpagesize=%u",
                            _bk_graph_client_get_page_size (self));

  collect = g_new0 (BusyCollect, 1);
  collect->busy = g_ptr_array_new_with_free_func ((GDestroyNotify) bk_busy_time_free);
  collect->from = from;
  collect->to = to;
  collect->last_start = G_MININT64;
  collect->page_last_start = G_MININT64;

  pages = _bk_graph_fetch_all (self,
                     g_strdup_printf ("%s/me/calendars/%s/calendarView?startDateTime=%s&endDateTime=%s"
                                      "&$select=" CALENDAR_VIEW_SELECT "&$orderby=start/dateTime",
                                      _bk_graph_client_get_url (self), id, start_q, end_q),
                     prefer, collect_busy, collect, busy_collect_free,
                     cancellable, busy_page_cb, g_steal_pointer (&task));
  ((BkGraphPager *) g_task_get_task_data (pages))->page_done = busy_page_done;
}

BkGraphBusyRead *
bk_graph_client_read_busy_finish (BkGraphClient  *self,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
