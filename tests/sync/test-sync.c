/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The sync engine end to end: a throwaway PostgreSQL, real bookable-server
 * processes, the real bookablectl, a real keyring (tests/run-with-keyring). */
#define G_LOG_DOMAIN "test-sync"

#include "config.h"

#include <glib/gi18n.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>

#include "bk-appointment.h"
#include "bk-sync-engine.h"
#include "bk-time.h"
#include "sync-fixture.h"

static SoupSession *session;

static const char *sync_args[] = { "sync", NULL };

static char *backend_value (const char *format, ...) G_GNUC_PRINTF (1, 2);

static char *
backend_value (const char *format,
               ...)
{
  g_autofree char *sql = NULL;
  va_list args;

  va_start (args, format);
  sql = g_strdup_vprintf (format, args);
  va_end (args);
  return bk_test_sql (sql);
}

static const char *
local_status (GHashTable *local,
              const char *id)
{
  JsonObject *o = g_hash_table_lookup (local, id);

  g_assert_nonnull (o);
  return json_object_get_string_member (o, "status");
}

static gboolean
local_pending (GHashTable *local,
               const char *id)
{
  JsonObject *o = g_hash_table_lookup (local, id);

  g_assert_nonnull (o);
  return json_object_get_boolean_member (o, "pending");
}

/* How many times the backend's change feed recorded @id cancelled. */
static guint
count_cancels (const char *id)
{
  g_autofree char *n = backend_value ("SELECT count(*) FROM changes WHERE kind = 'appointment'"
                                      " AND payload->>'id' = '%s'"
                                      " AND payload->>'status' = 'cancelled'", id);

  return (guint) g_ascii_strtoull (n, NULL, 10);
}

static guint
count_published (const char *slug)
{
  g_autoptr(JsonNode) slots = sync_public_slots (session, slug);

  return json_array_get_length (json_node_get_array (slots));
}

/* ---------------------------------------------------------------------- */

static void
test_publish_book_cancel (void)
{
  g_autofree char *slug = sync_new_expert (NULL);
  g_autofree char *out = NULL, *again = NULL, *after = NULL;
  g_autofree char *token = NULL, *id = NULL;
  g_autoptr(GHashTable) local = NULL;
  g_autoptr(GHashTable) cancelled = NULL;
  guint published;

  /* nothing is bookable before the first sync publishes the slots */
  g_assert_cmpuint (count_published (slug), ==, 0);
  out = sync_ctl_ok (sync_args);
  g_assert_nonnull (strstr (out, "Published"));
  published = count_published (slug);
  g_assert_cmpuint (published, >, 20);

  id = sync_book (session, slug, 2, &token);
  g_assert_nonnull (id);
  again = sync_ctl_ok (sync_args);
  local = sync_local_appointments ();
  g_assert_cmpstr (local_status (local, id), ==, "booked");
  g_assert_false (local_pending (local, id));
  g_assert_cmpstr (json_object_get_string_member (g_hash_table_lookup (local, id), "client_name"),
                   ==, "Client 2");
  /* the booked hour is no longer offered, and the app republished without it */
  g_assert_cmpuint (count_published (slug), ==, published - 1);

  sync_client_cancel (session, token);
  after = sync_ctl_ok (sync_args);
  cancelled = sync_local_appointments ();
  g_assert_cmpstr (local_status (cancelled, id), ==, "cancelled");
  g_assert_cmpuint (count_published (slug), ==, published);
}

static void
test_no_change_pass (void)
{
  g_autofree char *slug = sync_new_expert (NULL);
  g_autofree char *first = sync_ctl_ok (sync_args);
  g_autofree char *second = sync_ctl_ok (sync_args);

  g_assert_nonnull (strstr (first, "Published"));
  /* one feed request, no upload */
  g_assert_nonnull (strstr (second, "Slots unchanged"));
  g_assert_nonnull (strstr (second, "1 request made"));
}

static void
test_offline (void)
{
  g_autofree char *password = NULL;
  g_autofree char *slug = sync_new_expert (&password);
  g_autofree char *first = sync_ctl_ok (sync_args);
  g_autofree char *id = sync_book (session, slug, 0, NULL);
  g_autofree char *second = sync_ctl_ok (sync_args);
  g_autofree char *back = NULL, *key = NULL;
  const char *cancel[] = { "appointments", "cancel", id, "--reason", "ill", NULL };
  const char *import[] = { "rules", "import", "-", NULL };
  g_autoptr(SyncCtl) cancelled = NULL, offline = NULL, closed = NULL;
  g_autoptr(GHashTable) pending = NULL, done = NULL;
  g_autoptr(JsonObject) status = NULL, online = NULL;
  guint before;

  before = count_published (slug);
  sync_server_stop (FALSE);

  cancelled = sync_ctl_run (NULL, cancel);
  g_assert_cmpint (cancelled->status, ==, 0);
  /* hours shrink to a single one a day while offline */
  closed = sync_ctl_run ("{ \"time_zone\": \"UTC\", \"slot_minutes\": 60, \"horizon_days\": 7,"
                         "  \"min_notice_minutes\": 0, \"weekly\": { \"mon\": [[\"10:00\",\"11:00\"]],"
                         "  \"tue\": [[\"10:00\",\"11:00\"]], \"wed\": [[\"10:00\",\"11:00\"]],"
                         "  \"thu\": [[\"10:00\",\"11:00\"]], \"fri\": [[\"10:00\",\"11:00\"]],"
                         "  \"sat\": [[\"10:00\",\"11:00\"]], \"sun\": [[\"10:00\",\"11:00\"]] } }",
                         import);
  g_assert_cmpint (closed->status, ==, 0);
  pending = sync_local_appointments ();
  g_assert_cmpstr (local_status (pending, id), ==, "cancelled");
  g_assert_true (local_pending (pending, id));

  offline = sync_ctl_run (NULL, sync_args);
  g_assert_cmpint (offline->status, ==, 1);
  g_assert_nonnull (strstr (offline->err, "Offline"));
  status = sync_status ();
  g_assert_true (json_object_get_boolean_member (status, "offline"));
  g_assert_cmpint (json_object_get_int_member (status, "pending"), ==, 1);
  {
    g_autofree char *remote = backend_value ("SELECT status FROM appointments WHERE id = '%s'", id);
    g_assert_cmpstr (remote, ==, "booked");
  }

  sync_server_start ();
  back = sync_ctl_ok (sync_args);
  g_assert_nonnull (strstr (back, "Sent 1 queued change"));
  g_assert_nonnull (strstr (back, "Published"));
  done = sync_local_appointments ();
  g_assert_cmpstr (local_status (done, id), ==, "cancelled");
  g_assert_false (local_pending (done, id));
  online = sync_status ();
  g_assert_false (json_object_get_boolean_member (online, "offline"));
  g_assert_cmpint (json_object_get_int_member (online, "pending"), ==, 0);
  g_assert_cmpuint (count_cancels (id), ==, 1);
  {
    g_autofree char *reason = backend_value ("SELECT cancel_reason FROM appointments WHERE id = '%s'", id);
    g_assert_cmpstr (reason, ==, "ill");
  }
  /* 7 or 8 days of one hour each (the window starts at the UTC day) */
  g_assert_cmpuint (count_published (slug), <, before);
  g_assert_cmpuint (count_published (slug), <=, 8);

  /* replaying the very same request (same key) is harmless */
  {
    g_autofree char *email = g_strdup_printf ("%s@example.com", slug);
    g_autofree char *sql = g_strdup_printf ("SELECT key FROM idempotency_keys WHERE key LIKE 'cancel-%%'"
                                            " AND expert_id = (SELECT id FROM experts WHERE email = '%s')",
                                            email);
    g_autofree char *url = g_strdup_printf ("%s/api/v1/me/appointments/%s/cancel", sync_server_url (), id);
    g_autofree char *token = bk_test_sign_in (session, sync_server_url (), email, password);
    g_autoptr(BkTestResponse) r = NULL;

    key = bk_test_sql (sql);
    g_assert_true (g_str_has_prefix (key, "cancel-"));
    r = bk_test_request (session, "POST", url, token, key, "{\"reason\":\"ill\"}");
    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpstr (r->replayed, ==, "true");
  }
  g_assert_cmpuint (count_cancels (id), ==, 1);
}

static void
test_server_failing (void)
{
  g_autofree char *slug = sync_new_expert (NULL);
  g_autofree char *first = sync_ctl_ok (sync_args);
  g_autofree char *id = sync_book (session, slug, 1, NULL);
  g_autofree char *ignored = NULL, *healed = NULL;
  g_autoptr(SyncCtl) failed = NULL;
  g_autoptr(GHashTable) local = NULL;
  g_autoptr(JsonObject) status = NULL;

  /* the feed query fails inside the server: a 5xx for the app */
  ignored = bk_test_sql ("ALTER TABLE changes RENAME TO changes_away");
  failed = sync_ctl_run (NULL, sync_args);
  g_free (bk_test_sql ("ALTER TABLE changes_away RENAME TO changes"));
  g_assert_cmpint (failed->status, ==, 1);
  g_assert_nonnull (strstr (failed->err, "try again"));
  status = sync_status ();
  g_assert_false (json_object_get_boolean_member (status, "offline"));
  g_assert_nonnull (json_object_get_string_member (status, "last_error"));

  healed = sync_ctl_ok (sync_args);
  local = sync_local_appointments ();
  g_assert_cmpstr (local_status (local, id), ==, "booked");
  {
    g_autoptr(JsonObject) fine = sync_status ();
    g_assert_true (json_object_get_null_member (fine, "last_error"));
  }
}

static void
test_token_revoked (void)
{
  g_autofree char *password = NULL;
  g_autofree char *slug = sync_new_expert (&password);
  g_autofree char *first = sync_ctl_ok (sync_args);
  g_autofree char *id = sync_book (session, slug, 3, NULL);
  g_autofree char *second = sync_ctl_ok (sync_args);
  g_autofree char *email = g_strdup_printf ("%s@example.com", slug);
  g_autofree char *sql = NULL, *last = NULL;
  const char *cancel[] = { "appointments", "cancel", id, NULL };
  g_autoptr(SyncCtl) cancelled = NULL, refused = NULL;
  g_autoptr(JsonObject) status = NULL;

  cancelled = sync_ctl_run (NULL, cancel);
  g_assert_cmpint (cancelled->status, ==, 0);
  sql = g_strdup_printf ("DELETE FROM sessions WHERE expert_id = (SELECT id FROM experts WHERE email = '%s')",
                         email);
  g_free (bk_test_sql (sql));

  refused = sync_ctl_run (NULL, sync_args);
  g_assert_cmpint (refused->status, ==, 1);
  g_assert_nonnull (strstr (refused->err, "Sign in again"));
  status = sync_status ();
  g_assert_true (json_object_get_boolean_member (status, "sign_in_needed"));
  g_assert_cmpint (json_object_get_int_member (status, "pending"), ==, 1);
  {
    const char *text[] = { "status", NULL };
    g_autofree char *shown = sync_ctl_ok (text);
    g_assert_nonnull (strstr (shown, "Sign in again"));
  }

  /* signing in again delivers the cancel, once */
  sync_sign_in (slug, password);
  last = sync_ctl_ok (sync_args);
  g_assert_nonnull (strstr (last, "Sent 1 queued change"));
  g_assert_cmpuint (count_cancels (id), ==, 1);
  {
    g_autoptr(JsonObject) fine = sync_status ();
    g_assert_false (json_object_get_boolean_member (fine, "sign_in_needed"));
    g_assert_cmpint (json_object_get_int_member (fine, "pending"), ==, 0);
  }
}

static void
test_refused (void)
{
  g_autofree char *slug = sync_new_expert (NULL);
  g_autofree char *first = sync_ctl_ok (sync_args);
  g_autofree char *token = NULL;
  g_autofree char *id = sync_book (session, slug, 4, &token);
  g_autofree char *second = sync_ctl_ok (sync_args);
  g_autofree char *third = NULL, *fourth = NULL;
  const char *cancel[] = { "appointments", "cancel", id, NULL };
  g_autoptr(SyncCtl) cancelled = NULL;
  g_autoptr(JsonObject) status = NULL;
  g_autoptr(GHashTable) local = NULL;
  JsonArray *refused;

  /* the client cancels first; the expert's cancel then meets 409 not_booked */
  cancelled = sync_ctl_run (NULL, cancel);
  g_assert_cmpint (cancelled->status, ==, 0);
  sync_client_cancel (session, token);

  third = sync_ctl_ok (sync_args);
  g_assert_nonnull (strstr (third, "Refused for good"));
  status = sync_status ();
  g_assert_cmpint (json_object_get_int_member (status, "pending"), ==, 0);
  refused = json_object_get_array_member (status, "refused");
  g_assert_cmpuint (json_array_get_length (refused), ==, 1);
  g_assert_nonnull (strstr (json_object_get_string_member (json_array_get_object_element (refused, 0),
                                                           "message"), "not_booked"));
  local = sync_local_appointments ();
  g_assert_cmpstr (local_status (local, id), ==, "cancelled");
  g_assert_false (local_pending (local, id));

  /* not an endless loop: the next pass sends nothing */
  fourth = sync_ctl_ok (sync_args);
  g_assert_null (strstr (fourth, "Refused"));
  g_assert_null (strstr (fourth, "Sent"));
}

/* ---------------------------------------------------------------------- */
/* The expert reschedules (issue 5)                                       */

static gint64
parse_time (const char *text)
{
  g_autoptr(GError) error = NULL;
  gint64 value = 0;

  bk_time_parse_iso8601 (text, &value, &error);
  g_assert_no_error (error);
  return value;
}

static gint64
local_start (GHashTable *local,
             const char *id)
{
  JsonObject *o = g_hash_table_lookup (local, id);

  g_assert_nonnull (o);
  return parse_time (json_object_get_string_member (o, "start"));
}

/* @column ("start_at", "end_at") of backend appointment @id in Unix seconds. */
static gint64
backend_time (const char *column,
              const char *id)
{
  g_autofree char *text = backend_value ("SELECT extract (epoch FROM %s)::bigint FROM appointments"
                                         " WHERE id = '%s'", column, id);

  return g_ascii_strtoll (text, NULL, 10);
}

/* Whether a client is offered an hour that starts at @start. */
static gboolean
offered (const char *slug,
         gint64      start)
{
  g_autoptr(JsonNode) slots = sync_public_slots (session, slug);
  JsonArray *array = json_node_get_array (slots);

  for (guint i = 0; i < json_array_get_length (array); i++)
    if (parse_time (json_object_get_string_member (json_array_get_object_element (array, i), "start"))
        == start)
      return TRUE;
  return FALSE;
}

/* Free slot @index of @slug's public page. */
static void
get_free_slot (const char *slug,
               guint       index,
               char      **out_start,
               char      **out_end)
{
  g_autoptr(JsonNode) slots = sync_public_slots (session, slug);
  JsonArray *array = json_node_get_array (slots);
  JsonObject *slot;

  g_assert_cmpuint (json_array_get_length (array), >, index);
  slot = json_array_get_object_element (array, index);
  *out_start = g_strdup (json_object_get_string_member (slot, "start"));
  *out_end = g_strdup (json_object_get_string_member (slot, "end"));
}

static void
test_reschedule_offline (void)
{
  g_autofree char *slug = sync_new_expert (NULL);
  g_autofree char *first = sync_ctl_ok (sync_args);
  g_autofree char *id = sync_book (session, slug, 0, NULL);
  g_autofree char *second = sync_ctl_ok (sync_args);
  g_autofree char *new_start = NULL, *new_end = NULL, *back = NULL, *again = NULL;
  g_autofree char *new_id = NULL, *status_text = NULL, *rows = NULL;
  g_autoptr(GHashTable) booked = sync_local_appointments ();
  g_autoptr(GHashTable) pending = NULL, done = NULL;
  g_autoptr(SyncCtl) moved = NULL, offline = NULL;
  g_autoptr(JsonObject) waiting = NULL, settled = NULL;
  gint64 old_start = local_start (booked, id);
  const char *move[] = { "appointments", "reschedule", id, "--start", NULL, NULL };
  JsonObject *o;

  get_free_slot (slug, 3, &new_start, &new_end);
  move[4] = new_start;
  g_assert_true (offered (slug, parse_time (new_start)));
  g_assert_false (offered (slug, old_start));
  sync_server_stop (FALSE);

  /* without --end the hour stays an hour */
  moved = sync_ctl_run (NULL, move);
  g_assert_cmpint (moved->status, ==, 0);
  g_assert_nonnull (strstr (moved->out, "once the server confirms it"));
  pending = sync_local_appointments ();
  g_assert_cmpstr (local_status (pending, id), ==, "booked");
  g_assert_true (local_pending (pending, id));
  g_assert_cmpint (local_start (pending, id), ==, old_start);
  offline = sync_ctl_run (NULL, sync_args);
  g_assert_cmpint (offline->status, ==, 1);
  waiting = sync_status ();
  g_assert_cmpint (json_object_get_int_member (waiting, "pending"), ==, 1);
  status_text = backend_value ("SELECT status FROM appointments WHERE id = '%s'", id);
  g_assert_cmpstr (status_text, ==, "booked");
  g_assert_cmpint (backend_time ("start_at", id), ==, old_start);

  /* one pass delivers it: the backend moves it to a new row */
  sync_server_start ();
  back = sync_ctl_ok (sync_args);
  g_assert_nonnull (strstr (back, "Sent 1 queued change."));
  g_assert_null (strstr (back, "Refused"));
  g_free (status_text);
  status_text = backend_value ("SELECT status FROM appointments WHERE id = '%s'", id);
  g_assert_cmpstr (status_text, ==, "rescheduled");
  new_id = backend_value ("SELECT rescheduled_to FROM appointments WHERE id = '%s'", id);
  g_assert_cmpstr (new_id, !=, "");
  g_assert_cmpstr (new_id, !=, id);
  rows = backend_value ("SELECT status || ' ' || client_name FROM appointments WHERE id = '%s'", new_id);
  g_assert_cmpstr (rows, ==, "booked Client 0");
  g_assert_cmpint (backend_time ("start_at", new_id), ==, parse_time (new_start));
  g_assert_cmpint (backend_time ("end_at", new_id), ==, parse_time (new_end));
  g_assert_true (offered (slug, old_start));
  g_assert_false (offered (slug, parse_time (new_start)));

  done = sync_local_appointments ();
  g_assert_cmpstr (local_status (done, id), ==, "rescheduled");
  g_assert_false (local_pending (done, id));
  g_assert_cmpstr (local_status (done, new_id), ==, "booked");
  g_assert_false (local_pending (done, new_id));
  o = g_hash_table_lookup (done, new_id);
  g_assert_cmpint (parse_time (json_object_get_string_member (o, "start")), ==, parse_time (new_start));
  g_assert_cmpint (parse_time (json_object_get_string_member (o, "end")), ==, parse_time (new_end));
  settled = sync_status ();
  g_assert_cmpint (json_object_get_int_member (settled, "pending"), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (settled, "refused")), ==, 0);

  again = sync_ctl_ok (sync_args);
  g_assert_null (strstr (again, "Sent"));
  g_assert_null (strstr (again, "Refused"));
}

static void
test_reschedule_refused (void)
{
  g_autofree char *slug = sync_new_expert (NULL);
  g_autofree char *first = sync_ctl_ok (sync_args);
  g_autofree char *mine = sync_book (session, slug, 0, NULL);
  g_autofree char *theirs = sync_book (session, slug, 0, NULL);
  g_autofree char *second = sync_ctl_ok (sync_args);
  g_autofree char *taken = NULL, *third = NULL, *fourth = NULL, *remote = NULL, *moves = NULL;
  g_autoptr(GHashTable) before = sync_local_appointments ();
  g_autoptr(GHashTable) after = NULL;
  g_autoptr(SyncCtl) moved = NULL;
  g_autoptr(JsonObject) status = NULL;
  gint64 my_start = local_start (before, mine);
  gint64 their_start = local_start (before, theirs);
  const char *move[] = { "appointments", "reschedule", mine, "--start", NULL, NULL };
  JsonArray *refused;
  JsonObject *refusal;

  g_assert_cmpint (my_start, !=, their_start);
  taken = bk_time_format_iso8601_utc (their_start);
  move[4] = taken;
  moved = sync_ctl_run (NULL, move);
  g_assert_cmpint (moved->status, ==, 0);

  /* the other client's hour: refused for good, and said so */
  third = sync_ctl_ok (sync_args);
  g_assert_nonnull (strstr (third, "Refused for good"));
  g_assert_null (strstr (third, "Sent"));
  status = sync_status ();
  g_assert_cmpint (json_object_get_int_member (status, "pending"), ==, 0);
  refused = json_object_get_array_member (status, "refused");
  g_assert_cmpuint (json_array_get_length (refused), ==, 1);
  refusal = json_array_get_object_element (refused, 0);
  g_assert_cmpstr (json_object_get_string_member (refusal, "kind"), ==, BK_OUTBOX_RESCHEDULE_APPOINTMENT);
  g_assert_nonnull (strstr (json_object_get_string_member (refusal, "payload"), mine));
  g_assert_nonnull (strstr (json_object_get_string_member (refusal, "message"), "slot_taken"));

  /* it keeps its time, no longer waiting; the backend kept both */
  after = sync_local_appointments ();
  g_assert_cmpstr (local_status (after, mine), ==, "booked");
  g_assert_false (local_pending (after, mine));
  g_assert_cmpint (local_start (after, mine), ==, my_start);
  g_assert_cmpstr (local_status (after, theirs), ==, "booked");
  g_assert_cmpint (local_start (after, theirs), ==, their_start);
  remote = backend_value ("SELECT status FROM appointments WHERE id = '%s'", mine);
  g_assert_cmpstr (remote, ==, "booked");
  g_assert_cmpint (backend_time ("start_at", mine), ==, my_start);
  moves = backend_value ("SELECT count(*) FROM appointments WHERE rescheduled_to IS NOT NULL"
                         " AND id IN ('%s', '%s')", mine, theirs);
  g_assert_cmpstr (moves, ==, "0");

  /* not retried */
  fourth = sync_ctl_ok (sync_args);
  g_assert_null (strstr (fourth, "Refused"));
  g_assert_null (strstr (fourth, "Sent"));
}

/* The engine in-process, as the window uses it: its properties follow the
 * passes, one pass runs at a time, and it never blocks the main loop. */
static void
done_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static BkSyncReport *
engine_pass (BkSyncEngine  *engine,
             GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(GError) busy = NULL;
  guint iterations = 0;

  bk_sync_engine_sync_async (engine, NULL, done_cb, &result);
  g_assert_cmpint (bk_sync_engine_get_state (engine), ==, BK_SYNC_STATE_SYNCING);
  bk_sync_engine_sync_async (engine, NULL, done_cb, &second);
  while (result == NULL || second == NULL)
    {
      g_main_context_iteration (NULL, TRUE);
      iterations++;
    }
  /* the pass ran in the main loop's callbacks, not in one blocking call */
  g_assert_cmpuint (iterations, >, 1);
  g_assert_null (bk_sync_engine_sync_finish (engine, second, &busy));
  g_assert_error (busy, BK_SYNC_ERROR, BK_SYNC_ERROR_BUSY);
  return bk_sync_engine_sync_finish (engine, result, error);
}

static void
test_engine_properties (void)
{
  g_autofree char *password = NULL;
  g_autofree char *slug = sync_new_expert (&password);
  g_autofree char *email = g_strdup_printf ("%s@example.com", slug);
  g_autofree char *token = bk_test_sign_in (session, sync_server_url (), email, password);
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "engine.sqlite", NULL);
  g_autoptr(BkStore) store = bk_store_open (path, NULL);
  g_autoptr(BkHttp) http = bk_http_new ();
  g_autoptr(BkBackendClient) client = bk_backend_client_new (http, sync_server_url ());
  g_autoptr(BkSyncEngine) engine = NULL;
  g_autoptr(BkSyncReport) first = NULL, second = NULL, back = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BkAppointment) appointment = NULL;
  g_autofree char *id = NULL;

  g_assert_nonnull (store);
  bk_backend_client_set_token (client, token);
  engine = bk_sync_engine_new (store, client, NULL);
  g_assert_cmpint (bk_sync_engine_get_last_sync (engine), ==, 0);
  first = engine_pass (engine, &error);
  g_assert_no_error (error);
  g_assert_true (first->published);
  g_assert_cmpint (bk_sync_engine_get_state (engine), ==, BK_SYNC_STATE_IDLE);
  g_assert_cmpint (bk_sync_engine_get_last_sync (engine), >, 0);

  id = sync_book (session, slug, 0, NULL);
  second = engine_pass (engine, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (second->appointments, ==, 1);
  appointment = bk_store_get_appointment (store, id, &error);
  g_assert_no_error (error);
  bk_appointment_set_status (appointment, BK_APPOINTMENT_STATUS_CANCELLED);
  bk_appointment_set_pending (appointment, TRUE);
  {
    g_autofree char *payload = g_strdup_printf ("{\"appointment_id\":\"%s\"}", id);
    g_assert_cmpint (bk_store_queue_appointment_change (store, appointment, BK_OUTBOX_CANCEL_APPOINTMENT,
                                                        payload, "engine-cancel-1", &error), >, 0);
  }
  /* the window binds to "pending": it follows the store at once */
  g_assert_cmpuint (bk_sync_engine_get_pending (engine), ==, 1);

  sync_server_stop (FALSE);
  g_assert_null (engine_pass (engine, &error));
  g_assert_error (error, BK_BACKEND_ERROR, BK_BACKEND_ERROR_OFFLINE);
  g_clear_error (&error);
  g_assert_true (bk_sync_engine_get_offline (engine));
  g_assert_cmpint (bk_sync_engine_get_state (engine), ==, BK_SYNC_STATE_FAILED);
  g_assert_cmpuint (bk_sync_engine_get_pending (engine), ==, 1);
  g_assert_nonnull (bk_sync_engine_get_last_error (engine));

  sync_server_start ();
  back = engine_pass (engine, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->sent, ==, 1);
  g_assert_false (bk_sync_engine_get_offline (engine));
  g_assert_cmpuint (bk_sync_engine_get_pending (engine), ==, 0);
  g_assert_null (bk_sync_engine_get_last_error (engine));
  g_assert_cmpuint (count_cancels (id), ==, 1);
}

static void
test_signin_signout (void)
{
  g_autofree char *slug = sync_new_expert (NULL);
  g_autofree char *email = g_strdup_printf ("%s@example.com", slug);
  const char *signin[] = { "signin", "--server", sync_server_url (), "--email", email, NULL };
  const char *signout[] = { "signout", NULL };
  g_autoptr(SyncCtl) wrong = NULL, out = NULL, after = NULL, again = NULL;
  g_autoptr(JsonObject) status = NULL, signed_out = NULL;
  g_autofree char *synced = sync_ctl_ok (sync_args);

  status = sync_status ();
  g_assert_cmpstr (json_object_get_string_member (status, "account"), ==, email);
  g_assert_true (json_object_get_boolean_member (status, "signed_in"));

  /* a wrong password changes nothing: still signed in as before */
  wrong = sync_ctl_run ("not the password\n", signin);
  g_assert_cmpint (wrong->status, ==, 1);
  if (strstr (wrong->err, "invalid_credentials") == NULL)
    g_error ("signin said: %s", wrong->err);
  again = sync_ctl_run (NULL, sync_args);
  g_assert_cmpint (again->status, ==, 0);

  out = sync_ctl_run (NULL, signout);
  g_assert_cmpint (out->status, ==, 0);
  g_assert_nonnull (strstr (out->out, "Signed out"));
  signed_out = sync_status ();
  g_assert_false (json_object_get_boolean_member (signed_out, "signed_in"));
  g_assert_true (json_object_get_null_member (signed_out, "server"));
  after = sync_ctl_run (NULL, sync_args);
  g_assert_cmpint (after->status, ==, 1);
  g_assert_nonnull (strstr (after->err, "Not signed in"));
  /* the session ended on the server too */
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM sessions s JOIN experts e"
                                            " ON e.id = s.expert_id WHERE e.email = '%s'", email);
    g_autofree char *sessions = bk_test_sql (sql);
    g_assert_cmpstr (sessions, ==, "0");
  }
}

/* An engine for @slug's expert on a store of its own (in this case's dirs). */
static BkSyncEngine *
new_engine (const char  *slug,
            const char  *password,
            BkStore    **out_store,
            BkHttp     **out_http)
{
  g_autofree char *email = g_strdup_printf ("%s@example.com", slug);
  g_autofree char *token = bk_test_sign_in (session, sync_server_url (), email, password);
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "engine.sqlite", NULL);
  g_autoptr(BkStore) store = bk_store_open (path, NULL);
  g_autoptr(BkHttp) http = bk_http_new ();
  g_autoptr(BkBackendClient) client = bk_backend_client_new (http, sync_server_url ());

  g_assert_nonnull (store);
  g_object_set (http, "backoff-scale", 0.001, NULL);
  bk_backend_client_set_token (client, token);
  *out_store = g_object_ref (store);
  *out_http = g_object_ref (http);
  return bk_sync_engine_new (store, client, NULL);
}

static void
requests_changed_cb (GObject    *client,
                     GParamSpec *pspec,
                     gpointer    user_data)
{
  guint *requests = user_data;

  (*requests)++;
}

/* The server dies (SIGKILL) right after the pass sent its first request:
 * the pass fails with a clear state, nothing half-done sticks, and the next
 * pass (server back) delivers everything exactly once. */
static void
test_server_dies_mid_pass (void)
{
  g_autofree char *password = NULL;
  g_autofree char *slug = sync_new_expert (&password);
  g_autoptr(BkStore) store = NULL;
  g_autoptr(BkHttp) http = NULL;
  g_autoptr(BkSyncEngine) engine = new_engine (slug, password, &store, &http);
  g_autoptr(BkSyncReport) first = NULL, second = NULL, back = NULL;
  g_autoptr(BkAppointment) appointment = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BkBackendClient) client = NULL;
  g_autofree char *id = NULL, *later = NULL, *payload = NULL;
  guint requests = 0;

  first = engine_pass (engine, &error);
  g_assert_no_error (error);
  id = sync_book (session, slug, 0, NULL);
  second = engine_pass (engine, &error);
  g_assert_no_error (error);
  appointment = bk_store_get_appointment (store, id, &error);
  g_assert_no_error (error);
  bk_appointment_set_status (appointment, BK_APPOINTMENT_STATUS_CANCELLED);
  bk_appointment_set_pending (appointment, TRUE);
  payload = g_strdup_printf ("{\"appointment_id\":\"%s\"}", id);
  g_assert_cmpint (bk_store_queue_appointment_change (store, appointment, BK_OUTBOX_CANCEL_APPOINTMENT,
                                                      payload, "dies-cancel-1", &error), >, 0);
  later = sync_book (session, slug, 1, NULL);

  client = g_object_ref (bk_sync_engine_get_client (engine));
  g_signal_connect (client, "notify::requests", G_CALLBACK (requests_changed_cb), &requests);
  bk_sync_engine_sync_async (engine, NULL, done_cb, &result);
  while (requests == 0)
    g_main_context_iteration (NULL, TRUE);
  sync_server_stop (TRUE);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (bk_sync_engine_sync_finish (engine, result, &error));
  g_assert_true (g_error_matches (error, BK_BACKEND_ERROR, BK_BACKEND_ERROR_OFFLINE)
                 || g_error_matches (error, BK_BACKEND_ERROR, BK_BACKEND_ERROR_SERVER));
  g_clear_error (&error);
  g_assert_cmpint (bk_sync_engine_get_state (engine), ==, BK_SYNC_STATE_FAILED);
  g_assert_nonnull (bk_sync_engine_get_last_error (engine));

  sync_server_start ();
  back = engine_pass (engine, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (bk_sync_engine_get_pending (engine), ==, 0);
  g_assert_cmpuint (count_cancels (id), ==, 1);
  {
    g_autoptr(BkAppointment) cancelled = bk_store_get_appointment (store, id, NULL);
    g_autoptr(BkAppointment) booked = bk_store_get_appointment (store, later, NULL);

    g_assert_cmpint (bk_appointment_get_status (cancelled), ==, BK_APPOINTMENT_STATUS_CANCELLED);
    g_assert_false (bk_appointment_get_pending (cancelled));
    g_assert_nonnull (booked);
    g_assert_cmpint (bk_appointment_get_status (booked), ==, BK_APPOINTMENT_STATUS_BOOKED);
  }
}

/* A server that stops answering: the pass gives up after the HTTP timeout
 * (2 s here) instead of hanging, and the next pass converges. */
static void
test_server_hangs (void)
{
  g_autofree char *password = NULL;
  g_autofree char *slug = sync_new_expert (&password);
  g_autoptr(BkStore) store = NULL;
  g_autoptr(BkHttp) http = NULL;
  g_autoptr(BkSyncEngine) engine = new_engine (slug, password, &store, &http);
  g_autoptr(BkSyncReport) first = NULL, back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  g_object_set (bk_http_get_session (http), "timeout", 2, NULL);
  first = engine_pass (engine, &error);
  g_assert_no_error (error);
  id = sync_book (session, slug, 0, NULL);

  sync_server_signal (SIGSTOP);
  g_assert_null (engine_pass (engine, &error));
  sync_server_signal (SIGCONT);
  g_assert_error (error, BK_BACKEND_ERROR, BK_BACKEND_ERROR_OFFLINE);
  g_clear_error (&error);
  g_assert_true (bk_sync_engine_get_offline (engine));
  /* nothing came from a server that hung before the pass began */
  g_assert_null (bk_store_get_appointment (store, id, NULL));

  /* the booking arrives with the first pass after the server woke, once */
  back = engine_pass (engine, &error);
  g_assert_no_error (error);
  g_assert_false (bk_sync_engine_get_offline (engine));
  g_assert_cmpuint (back->appointments, ==, 1);
  {
    g_autoptr(BkAppointment) booked = bk_store_get_appointment (store, id, NULL);

    g_assert_nonnull (booked);
    g_assert_cmpint (bk_appointment_get_status (booked), ==, BK_APPOINTMENT_STATUS_BOOKED);
  }
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  bk_test_cluster_url ();
  sync_server_start ();
  session = bk_test_session_new ();

  g_test_add_func ("/sync/publish-book-cancel", test_publish_book_cancel);
  g_test_add_func ("/sync/no-change-pass", test_no_change_pass);
  g_test_add_func ("/sync/signin-signout", test_signin_signout);
  g_test_add_func ("/sync/offline", test_offline);
  g_test_add_func ("/sync/server-failing", test_server_failing);
  g_test_add_func ("/sync/token-revoked", test_token_revoked);
  g_test_add_func ("/sync/refused", test_refused);
  g_test_add_func ("/sync/reschedule-offline", test_reschedule_offline);
  g_test_add_func ("/sync/reschedule-refused", test_reschedule_refused);
  g_test_add_func ("/sync/engine-properties", test_engine_properties);
  g_test_add_func ("/sync/server-dies-mid-pass", test_server_dies_mid_pass);
  g_test_add_func ("/sync/server-hangs", test_server_hangs);

  status = g_test_run ();
  g_object_unref (session);
  sync_server_stop (FALSE);
  bk_test_cluster_stop ();
  return status;
}
