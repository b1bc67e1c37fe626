/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Crash safety: `bookablectl sync` killed with SIGKILL at random moments,
 * over many runs, while clients book and the expert cancels; then one clean
 * sync must reach the state an uninterrupted run reaches — no queued change
 * lost, none delivered twice, every booking in the store once.
 *
 *   test-sync-crash [--runs=N]   (default 200) */
#define G_LOG_DOMAIN "test-sync"

#include "config.h"

#include <glib/gi18n.h>
#include <signal.h>
#include <string.h>

#include "sync-fixture.h"

static SoupSession *session;
static guint runs = 200;

static const char *sync_args[] = { "sync", NULL };

/* The expert's appointments on the backend: id → status. */
static GHashTable *
backend_appointments (const char *slug)
{
  g_autofree char *sql = g_strdup_printf ("SELECT string_agg (a.id || '=' || a.status, ',')"
                                          " FROM appointments a JOIN experts e ON e.id = a.expert_id"
                                          " WHERE e.slug = '%s'", slug);
  g_autofree char *rows = bk_test_sql (sql);
  g_auto(GStrv) pairs = g_strsplit (rows, ",", -1);
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; pairs[i] != NULL && *pairs[i] != '\0'; i++)
    {
      char *eq = strchr (pairs[i], '=');

      g_assert_nonnull (eq);
      g_hash_table_insert (table, g_strndup (pairs[i], eq - pairs[i]), g_strdup (eq + 1));
    }
  return table;
}

/* How long an uninterrupted pass takes here (µs); kills land anywhere in it. */
static gint64
time_sync (void)
{
  gint64 start = g_get_monotonic_time ();
  g_autoptr(SyncCtl) ctl = sync_ctl_run (NULL, sync_args);

  g_assert_cmpint (ctl->status, ==, 0);
  return g_get_monotonic_time () - start;
}

/* Kills a sync after a random delay within @span µs (or lets it finish). */
static gboolean
interrupted_sync (GRand  *rand,
                  gint64  span)
{
  g_autoptr(GSubprocess) process = sync_ctl_spawn (NULL, sync_args);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL, *err = NULL;
  gboolean killed;

  g_usleep (g_rand_int_range (rand, 0, (gint32) MIN (span, G_MAXINT32)));
  g_subprocess_force_exit (process);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  killed = g_subprocess_get_if_signaled (process);
  if (!killed && g_subprocess_get_exit_status (process) != 0)
    g_error ("an uninterrupted sync failed: %s%s", out, err);
  return killed;
}

static void
check_converged (const char *slug,
                 GPtrArray  *booked,
                 GHashTable *cancelled_by_expert)
{
  g_autoptr(SyncCtl) clean = sync_ctl_run (NULL, sync_args);
  g_autoptr(SyncCtl) settled = sync_ctl_run (NULL, sync_args);
  g_autoptr(GHashTable) local = sync_local_appointments ();
  g_autoptr(GHashTable) remote = backend_appointments (slug);
  g_autoptr(JsonObject) status = sync_status ();
  GHashTableIter iter;
  gpointer key, value;

  g_assert_cmpint (clean->status, ==, 0);
  /* the store opened normally after every kill: no recovery message */
  g_assert_cmpstr (clean->err, ==, "");
  g_assert_cmpint (settled->status, ==, 0);
  g_assert_nonnull (strstr (settled->out, "Slots unchanged"));
  g_assert_nonnull (strstr (settled->out, "1 request made"));

  /* no queued change lost or refused (a second delivery would be refused) */
  g_assert_cmpint (json_object_get_int_member (status, "pending"), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (status, "refused")), ==, 0);

  /* every booking once, in the same state on both sides */
  g_assert_cmpuint (g_hash_table_size (remote), ==, booked->len);
  g_assert_cmpuint (g_hash_table_size (local), ==, booked->len);
  g_hash_table_iter_init (&iter, remote);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      JsonObject *mine = g_hash_table_lookup (local, key);

      g_assert_nonnull (mine);
      g_assert_cmpstr (json_object_get_string_member (mine, "status"), ==, value);
      g_assert_false (json_object_get_boolean_member (mine, "pending"));
      if (g_hash_table_contains (cancelled_by_expert, key))
        g_assert_cmpstr (value, ==, "cancelled");
      else
        g_assert_cmpstr (value, ==, "booked");
    }
}

static void
test_sigkill (void)
{
  /* reproducible with the test's --seed */
  g_autoptr(GRand) rand = g_rand_new_with_seed (g_test_rand_int ());
  g_autofree char *slug = sync_new_expert (NULL);
  g_autofree char *first = sync_ctl_ok (sync_args);
  g_autoptr(GPtrArray) booked = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) cancelled = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint killed = 0;
  gint64 span;

  /* twice a whole pass, so some runs finish */
  span = time_sync () * 2;
  g_test_message ("an uninterrupted pass takes %.1f ms", span / 2000.0);
  for (guint run = 0; run < runs; run++)
    {
      if (run % 3 == 0)
        {
          g_autoptr(JsonNode) slots = sync_public_slots (session, slug);
          guint free_slots = json_array_get_length (json_node_get_array (slots));
          char *id = free_slots > 0
            ? sync_book (session, slug, g_rand_int_range (rand, 0, MIN (free_slots, 40)), NULL) : NULL;

          if (id != NULL)
            g_ptr_array_add (booked, id);
        }
      if (run % 5 == 4 && booked->len > 0)
        {
          const char *id = g_ptr_array_index (booked, g_rand_int_range (rand, 0, booked->len));
          const char *cancel[] = { "appointments", "cancel", id, NULL };
          g_autoptr(SyncCtl) ctl = NULL;

          /* refused when not pulled yet or already cancelled: then not queued */
          ctl = sync_ctl_run (NULL, cancel);
          if (ctl->status == 0)
            g_hash_table_add (cancelled, g_strdup (id));
        }
      killed += interrupted_sync (rand, span);
    }
  g_test_message ("%u runs, %u killed mid-pass, %u bookings, %u cancelled by the expert",
                  runs, killed, booked->len, g_hash_table_size (cancelled));
  g_assert_cmpuint (killed, >, runs / 4);
  g_assert_cmpuint (g_hash_table_size (cancelled), >, 0);
  check_converged (slug, booked, cancelled);
}

int
main (int    argc,
      char **argv)
{
  int status;

  for (int i = 1; i < argc; i++)
    if (g_str_has_prefix (argv[i], "--runs="))
      {
        runs = (guint) g_ascii_strtoull (argv[i] + strlen ("--runs="), NULL, 10);
        argv[i] = (char *) "";
      }
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  bk_test_cluster_url ();
  sync_server_start ();
  session = bk_test_session_new ();

  g_test_add_func ("/sync/sigkill", test_sigkill);

  status = g_test_run ();
  g_object_unref (session);
  sync_server_stop (FALSE);
  bk_test_cluster_stop ();
  return status;
}
