/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-sync"

#include "config.h"

#include <glib/gi18n.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "sync-fixture.h"

/* Open every day 00:00–23:00 UTC, hour slots, a week ahead: plenty of slots,
 * few enough to publish quickly. */
static const char rules_json[] =
  "{ \"time_zone\": \"UTC\", \"slot_minutes\": 60, \"step_minutes\": 60,"
  "  \"buffer_before_minutes\": 0, \"buffer_after_minutes\": 0, \"min_notice_minutes\": 0,"
  "  \"horizon_days\": 7, \"daily_limit\": 0,"
  "  \"weekly\": { \"mon\": [[\"00:00\",\"23:00\"]], \"tue\": [[\"00:00\",\"23:00\"]],"
  "    \"wed\": [[\"00:00\",\"23:00\"]], \"thu\": [[\"00:00\",\"23:00\"]],"
  "    \"fri\": [[\"00:00\",\"23:00\"]], \"sat\": [[\"00:00\",\"23:00\"]],"
  "    \"sun\": [[\"00:00\",\"23:00\"]] },"
  "  \"overrides\": [] }";

static GSubprocess *server;
static char *server_url;
static char *server_listen;

SoupSession *
sync_test_init (int    *argc,
                char ***argv)
{
  g_test_init (argc, argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  bk_test_cluster_url ();
  sync_server_start ();
  return bk_test_session_new ();
}

int
sync_test_run (SoupSession *session)
{
  int status = g_test_run ();

  g_object_unref (session);
  sync_server_stop (FALSE);
  bk_test_cluster_stop ();
  return status;
}

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

void
sync_server_start (void)
{
  g_autofree char *binary = g_build_filename (g_getenv ("BK_BUILD_ROOT"), "src", "server",
                                              "bookable-server", NULL);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GDataInputStream) in = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  g_assert_null (server);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  server = g_subprocess_launcher_spawn (launcher, &error, binary,
                                        "--database-url", bk_test_cluster_url (),
                                        "--listen", server_listen ? server_listen : "127.0.0.1:0",
                                        "--pool-size", "4", NULL);
  g_assert_no_error (error);
  in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  line = g_data_input_stream_read_line_utf8 (in, NULL, NULL, &error);
  g_assert_no_error (error);
  if (line == NULL || !g_str_has_prefix (line, "listening on "))
    g_error ("bookable-server did not start (printed %s)", line ? line : "nothing");
  g_free (server_url);
  server_url = g_strdup (line + strlen ("listening on "));
  if (server_listen == NULL)
    server_listen = g_strdup (server_url + strlen ("http://"));
}

void
sync_server_stop (gboolean kill)
{
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (server);
  if (kill)
    g_subprocess_force_exit (server);
  else
    g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&server);
}

/* Whether every thread of process @pid is stopped (@stopped), or none is. */
static gboolean
threads_stopped (const char *pid,
                 gboolean    stopped)
{
  g_autofree char *tasks = g_build_filename ("/proc", pid, "task", NULL);
  g_autoptr(GDir) dir = g_dir_open (tasks, 0, NULL);
  const char *tid;

  g_assert_nonnull (dir);
  while ((tid = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (tasks, tid, "stat", NULL);
      g_autofree char *line = NULL;
      const char *end;
      gboolean is_stopped;

      /* a thread that ended meanwhile runs nothing */
      if (!g_file_get_contents (path, &line, NULL, NULL))
        continue;
      /* "tid (comm) STATE …"; comm may hold ") " itself */
      end = strrchr (line, ')');
      g_assert_true (end != NULL && end[1] == ' ');
      /* T: stopped by a signal; Z, X: ending, so not running either */
      is_stopped = end[2] == 'T' || end[2] == 'Z' || end[2] == 'X';
      if (stopped ? !is_stopped : end[2] == 'T')
        return FALSE;
    }
  return TRUE;
}

void
sync_server_signal (int signum)
{
  g_autofree char *pid = NULL;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  g_assert_nonnull (server);
  g_assert_true (signum == SIGSTOP || signum == SIGCONT);
  pid = g_strdup (g_subprocess_get_identifier (server));
  g_assert_nonnull (pid);
  /* GLib only queues the kill() for its worker thread, and a stop takes
   * effect as each server thread next runs: without this wait the server
   * could still answer the next request, and a test meant to meet a hung
   * server would not. */
  g_subprocess_send_signal (server, signum);
  while (!threads_stopped (pid, signum == SIGSTOP))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("bookable-server (pid %s) did not %s within 10 s", pid,
                 signum == SIGSTOP ? "stop" : "continue");
      g_usleep (G_USEC_PER_SEC / 1000);
    }
}

const char *
sync_server_url (void)
{
  return server_url;
}

/* ---------------------------------------------------------------------- */

void
sync_ctl_free (SyncCtl *ctl)
{
  g_free (ctl->out);
  g_free (ctl->err);
  g_free (ctl);
}

GSubprocess *
sync_ctl_spawn (const char         *input,
                const char * const *args)
{
  g_autofree char *ctl = g_build_filename (g_getenv ("BK_BUILD_ROOT"), "src", "bookablectl", NULL);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE
                                        | (input ? G_SUBPROCESS_FLAGS_STDIN_PIPE : 0));
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  /* GLib keeps the isolated dirs in-process only: hand them on */
  g_subprocess_launcher_setenv (launcher, "HOME", g_get_home_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", g_get_user_data_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", g_get_user_config_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", g_get_user_cache_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_STATE_HOME", g_get_user_state_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "BOOKABLE_BACKOFF_SCALE", "0.01", TRUE);
  g_ptr_array_add (argv, ctl);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  return process;
}

SyncCtl *
sync_ctl_run (const char         *input,
              const char * const *args)
{
  g_autoptr(GSubprocess) process = sync_ctl_spawn (input, args);
  g_autoptr(GError) error = NULL;
  SyncCtl *ctl = g_new0 (SyncCtl, 1);

  g_subprocess_communicate_utf8 (process, input, NULL, &ctl->out, &ctl->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  ctl->status = g_subprocess_get_exit_status (process);
  return ctl;
}

char *
sync_ctl_ok (const char * const *args)
{
  g_autoptr(SyncCtl) ctl = sync_ctl_run (NULL, args);

  if (ctl->status != 0)
    g_error ("bookablectl %s exited %d: %s%s", args[0], ctl->status, ctl->out, ctl->err);
  return g_steal_pointer (&ctl->out);
}

void
sync_sign_in (const char *slug,
              const char *password)
{
  g_autofree char *email = g_strdup_printf ("%s@example.com", slug);
  g_autofree char *input = g_strconcat (password, "\n", NULL);
  const char *signin[] = { "signin", "--server", sync_server_url (), "--email", email, NULL };
  g_autoptr(SyncCtl) signed_in = sync_ctl_run (input, signin);

  if (signed_in->status != 0)
    g_error ("signin failed: %s%s", signed_in->out, signed_in->err);
  g_assert_nonnull (strstr (signed_in->out, email));
}

char *
sync_new_expert (char **out_password)
{
  static guint counter;
  g_autofree char *slug = g_strdup_printf ("e%u-%u", (guint) getpid (), ++counter);
  g_autofree char *email = g_strdup_printf ("%s@example.com", slug);
  g_autofree char *password = bk_test_expert_add (email, "Ada", slug, "UTC");
  const char *import[] = { "rules", "import", "-", NULL };
  g_autoptr(SyncCtl) imported = sync_ctl_run (rules_json, import);

  g_assert_cmpint (imported->status, ==, 0);
  sync_sign_in (slug, password);
  if (out_password != NULL)
    *out_password = g_steal_pointer (&password);
  return g_steal_pointer (&slug);
}

JsonNode *
sync_public_slots (SoupSession *session,
                   const char  *slug)
{
  g_autofree char *from = bk_test_time (-3600);
  g_autofree char *to = bk_test_time (10 * 86400);
  g_autofree char *url = g_strdup_printf ("%s/api/v1/experts/%s/slots?from=%s&to=%s",
                                          sync_server_url (), slug, from, to);
  g_autoptr(BkTestResponse) r = bk_test_request (session, "GET", url, NULL, NULL, NULL);

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (r->json));
  return json_node_ref (r->json);
}

char *
sync_book (SoupSession  *session,
           const char   *slug,
           guint         index,
           char        **out_cancel_token)
{
  g_autoptr(JsonNode) slots = sync_public_slots (session, slug);
  JsonArray *array = json_node_get_array (slots);
  g_autofree char *url = g_strdup_printf ("%s/api/v1/experts/%s/appointments", sync_server_url (), slug);
  g_autofree char *body = NULL;
  g_autoptr(BkTestResponse) r = NULL;
  JsonObject *slot;
  const char *link;

  g_assert_cmpuint (json_array_get_length (array), >, index);
  slot = json_array_get_object_element (array, index);
  body = g_strdup_printf ("{\"start\":\"%s\",\"end\":\"%s\",\"name\":\"Client %u\","
                          "\"email\":\"client%u@example.org\"}",
                          json_object_get_string_member (slot, "start"),
                          json_object_get_string_member (slot, "end"), index, index);
  r = bk_test_request (session, "POST", url, NULL, NULL, body);
  if (r->status == 409)
    return NULL;
  g_assert_cmpuint (r->status, ==, 201);
  link = bk_test_json_string (r, "cancel_url");
  g_assert_nonnull (strstr (link, "token="));
  if (out_cancel_token != NULL)
    *out_cancel_token = g_strdup (strstr (link, "token=") + strlen ("token="));
  return g_strdup (bk_test_json_string (r, "appointment/id"));
}

void
sync_client_cancel (SoupSession *session,
                    const char  *cancel_token)
{
  g_autofree char *url = g_strconcat (sync_server_url (), "/api/v1/appointments/cancel", NULL);
  g_autofree char *body = g_strdup_printf ("{\"token\":\"%s\"}", cancel_token);
  g_autoptr(BkTestResponse) r = bk_test_request (session, "POST", url, NULL, NULL, body);

  g_assert_cmpuint (r->status, ==, 200);
}

char *
sync_backend_column (const char *column,
                     const char *id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM appointments WHERE id = '%s'", column, id);

  return bk_test_sql (sql);
}

GHashTable *
sync_local_appointments (void)
{
  const char *args[] = { "appointments", "--json", NULL };
  g_autofree char *out = sync_ctl_ok (args);
  g_autoptr(JsonParser) parser = json_parser_new ();
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) json_object_unref);
  JsonArray *array;

  g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
  array = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);

      g_hash_table_insert (table, g_strdup (json_object_get_string_member (o, "id")),
                           json_object_ref (o));
    }
  return table;
}

JsonObject *
sync_status (void)
{
  const char *args[] = { "status", "--json", NULL };
  g_autofree char *out = sync_ctl_ok (args);
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}
