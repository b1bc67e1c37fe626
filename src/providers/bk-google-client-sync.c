/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bk-google-client-sync.c: what changed in a Google calendar since the last
 * look (events.list with syncToken), for two-way sync.
 *
 * The sync token comes from the last page of a list; every page is followed
 * first. A 410 means the token is no longer valid: the calendar is listed
 * again in full, and the caller is told to drop what it cached (Google's
 * documented recovery). */

#define G_LOG_DOMAIN "bk-google"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-google-client-private.h"

void
bk_google_changes_free (BkGoogleChanges *changes)
{
  if (changes == NULL)
    return;
  g_clear_pointer (&changes->events, g_ptr_array_unref);
  g_free (changes->next_sync_token);
  g_free (changes);
}

typedef struct
{
  char            *calendar_id;
  BkGoogleChanges *changes;
} ListChanges;

static void
list_changes_free (gpointer data)
{
  ListChanges *state = data;

  g_free (state->calendar_id);
  g_clear_pointer (&state->changes, bk_google_changes_free);
  g_free (state);
}

static gboolean
collect_change (JsonObject  *page,
                JsonObject  *event,
                gpointer     user_data,
                GError     **error)
{
  BkGoogleChanges *changes = user_data;

  g_ptr_array_add (changes->events, json_object_ref (event));
  return TRUE;
}

static void request_changes (GTask *task, const char *sync_token);

static void
changes_listed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ListChanges *state = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  char *token = NULL;

  if (!_bk_google_client_list_all_finish (result, &token, &error))
    {
      if (g_error_matches (error, BK_GOOGLE_ERROR, BK_GOOGLE_ERROR_SYNC_TOKEN_GONE) &&
          !state->changes->full_resync)
        {
          /* the token expired: everything again, from scratch */
          g_ptr_array_set_size (state->changes->events, 0);
          state->changes->full_resync = TRUE;
          request_changes (g_steal_pointer (&task), NULL);
          return;
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (token == NULL)
    {
      g_task_return_new_error (task, BK_GOOGLE_ERROR, BK_GOOGLE_ERROR_BAD_RESPONSE,
                               _("Google Calendar ended the list without a sync token."));
      return;
    }
  state->changes->next_sync_token = token;
  g_task_return_pointer (task, g_steal_pointer (&state->changes), (GDestroyNotify) bk_google_changes_free);
}

static void
request_changes (GTask      *task,
                 const char *sync_token)
{
  BkGoogleClient *self = g_task_get_source_object (task);
  ListChanges *state = g_task_get_task_data (task);
  g_autofree char *calendar = _bk_google_client_escape (state->calendar_id);
  g_autofree char *token = sync_token ? _bk_google_client_escape (sync_token) : NULL;
  char *uri;

  if (token != NULL)
    uri = g_strdup_printf ("%s/calendars/%s/events?singleEvents=true&maxResults=2500&syncToken=%s",
                           _bk_google_client_get_api_url (self), calendar, token);
  else
    uri = g_strdup_printf ("%s/calendars/%s/events?singleEvents=true&maxResults=2500",
                           _bk_google_client_get_api_url (self), calendar);
  _bk_google_client_list_all_async (self, uri, collect_change, state->changes, NULL,
                                    g_task_get_cancellable (task), changes_listed_cb, task);
}

void
bk_google_client_list_changes_async (BkGoogleClient      *self,
                                     const char          *calendar_id,
                                     const char          *sync_token,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  GTask *task;
  ListChanges *state;

  g_return_if_fail (BK_IS_GOOGLE_CLIENT (self));
  g_return_if_fail (calendar_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bk_google_client_list_changes_async);
  state = g_new0 (ListChanges, 1);
  state->calendar_id = g_strdup (calendar_id);
  state->changes = g_new0 (BkGoogleChanges, 1);
  state->changes->events = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_task_set_task_data (task, state, list_changes_free);
  request_changes (task, sync_token);
}

BkGoogleChanges *
bk_google_client_list_changes_finish (BkGoogleClient  *self,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
