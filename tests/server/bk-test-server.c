/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-test-server"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>
#include <string.h>
#include <unistd.h>

#include "bk-test-server.h"

static char *cluster_dir;
static char *cluster_url;

static const char *
source_root (void)
{
  const char *root = g_getenv ("BK_SOURCE_ROOT");

  g_assert_nonnull (root);
  return root;
}

static char *
server_binary (void)
{
  const char *root = g_getenv ("BK_BUILD_ROOT");

  g_assert_nonnull (root);
  return g_build_filename (root, "src", "server", "bookable-server", NULL);
}

const char *
bk_test_cluster_url (void)
{
  g_autofree char *script = NULL, *out = NULL, *err = NULL, *watch = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) parts = NULL;
  int status = 0;

  if (cluster_url != NULL)
    return cluster_url;
  script = g_build_filename (source_root (), "build-aux", "pg-throwaway", NULL);
  watch = g_strdup_printf ("%d", (int) getpid ());
  {
    /* benchmarks ask for a durable cluster: fsync on, honest commits */
    gboolean durable = g_getenv ("BK_PG_DURABLE") != NULL;
    const char *argv[] = { script, "start", "--watch", watch, durable ? "--durable" : NULL, NULL };

    if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                       &out, &err, &status, &error))
      g_error ("cannot run %s: %s", script, error->message);
  }
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("PostgreSQL did not start (the server tests need it): %s", err);
  parts = g_strsplit (g_strstrip (out), " ", 2);
  g_assert_cmpuint (g_strv_length (parts), ==, 2);
  cluster_dir = g_strdup (parts[0]);
  cluster_url = g_strdup (parts[1]);
  return cluster_url;
}

void
bk_test_cluster_stop (void)
{
  g_autofree char *script = NULL;

  if (cluster_dir == NULL)
    return;
  script = g_build_filename (source_root (), "build-aux", "pg-throwaway", NULL);
  {
    const char *argv[] = { script, "stop", cluster_dir, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                  NULL, NULL, NULL, NULL);
  }
  g_clear_pointer (&cluster_dir, g_free);
  g_clear_pointer (&cluster_url, g_free);
}

char *
bk_test_sql (const char *sql)
{
  const char *argv[] = { "psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1",
                         bk_test_cluster_url (), "-c", sql, NULL };
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                     &out, &err, &status, &error))
    g_error ("psql: %s", error->message);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("psql failed on %s: %s", sql, err);
  return g_strdup (g_strstrip (out));
}

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

BkTestServer *
bk_test_server_start (const char *database_url)
{
  g_autofree char *binary = server_binary ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  g_autofree char *line = NULL;
  BkTestServer *server = g_new0 (BkTestServer, 1);

  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);

  /* A test that aborts must not leave its server running (and holding the
   * test's stderr, which keeps meson waiting). */
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  server->process = g_subprocess_launcher_spawn (launcher, &error,
                                                 binary, "--database-url", database_url,
                                                 "--listen", "127.0.0.1:0", "--pool-size", "6", NULL);
  g_assert_no_error (error);
  in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  line = g_data_input_stream_read_line_utf8 (in, NULL, NULL, &error);
  g_assert_no_error (error);
  if (line == NULL || !g_str_has_prefix (line, "listening on "))
    g_error ("bookable-server did not start (printed %s)", line ? line : "nothing");
  server->url = g_strdup (line + strlen ("listening on "));
  return server;
}

void
bk_test_server_stop (BkTestServer *server,
                     gboolean      kill)
{
  g_autoptr(GError) error = NULL;

  if (server == NULL)
    return;
  if (kill)
    g_subprocess_force_exit (server->process);
  else
    g_subprocess_send_signal (server->process, SIGTERM);
  g_subprocess_wait (server->process, NULL, &error);
  g_assert_no_error (error);
  if (!kill)
    g_assert_true (g_subprocess_get_if_exited (server->process)
                   && g_subprocess_get_exit_status (server->process) == 0);
  g_object_unref (server->process);
  g_free (server->url);
  g_free (server);
}

char *
bk_test_expert_add (const char *email,
                    const char *name,
                    const char *slug,
                    const char *zone)
{
  g_autofree char *binary = server_binary ();
  const char *argv[] = { binary, "expert", "add", "--email", email, "--name", name,
                         "--slug", slug, "--time-zone", zone,
                         "--database-url", bk_test_cluster_url (), NULL };
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GError) error = NULL;
  const char *pw;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("expert add failed: %s", err);
  pw = strstr (out, "password: ");
  g_assert_nonnull (pw);
  return g_strndup (pw + strlen ("password: "), 20);
}

void
bk_test_response_free (BkTestResponse *response)
{
  if (response == NULL)
    return;
  g_free (response->body);
  g_clear_pointer (&response->json, json_node_unref);
  g_free (response->content_type);
  g_free (response->retry_after);
  g_free (response->replayed);
  g_free (response->set_cookie);
  g_free (response);
}

SoupSession *
bk_test_session_new (void)
{
  /* No proxy: loopback only, and the default resolver would read GSettings. */
  return soup_session_new_with_options ("max-conns", 400, "max-conns-per-host", 400,
                                        "timeout", 60, "proxy-resolver", NULL, NULL);
}

BkTestResponse *
bk_test_request (SoupSession *session,
                 const char  *method,
                 const char  *url,
                 const char  *token,
                 const char  *key,
                 const char  *body)
{
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  BkTestResponse *r = g_new0 (BkTestResponse, 1);
  SoupMessageHeaders *rh;
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_nonnull (msg);
  if (token != NULL)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", token, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  if (key != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Idempotency-Key", key);
  if (body != NULL)
    {
      g_autoptr(GBytes) b = g_bytes_new (body, strlen (body));
      soup_message_set_request_body_from_bytes (msg, "application/json", b);
    }
  bytes = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  r->status = soup_message_get_status (msg);
  r->body = g_strndup (bytes ? g_bytes_get_data (bytes, NULL) : NULL, bytes ? g_bytes_get_size (bytes) : 0);
  if (r->body == NULL)
    r->body = g_strdup ("");
  rh = soup_message_get_response_headers (msg);
  r->content_type = g_strdup (soup_message_headers_get_content_type (rh, NULL));
  r->retry_after = g_strdup (soup_message_headers_get_one (rh, "Retry-After"));
  r->replayed = g_strdup (soup_message_headers_get_one (rh, "Idempotent-Replayed"));
  r->set_cookie = g_strdup (soup_message_headers_get_one (rh, "Set-Cookie"));
  if (r->body[0] != '\0' && json_parser_load_from_data (parser, r->body, -1, NULL))
    r->json = json_node_ref (json_parser_get_root (parser));
  return r;
}

const char *
bk_test_json_string (BkTestResponse *response,
                     const char     *path)
{
  g_auto(GStrv) parts = g_strsplit (path, "/", -1);
  JsonNode *node = response->json;

  for (guint i = 0; node != NULL && parts[i] != NULL; i++)
    {
      if (!JSON_NODE_HOLDS_OBJECT (node))
        return NULL;
      node = json_object_get_member (json_node_get_object (node), parts[i]);
    }
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

char *
bk_test_sign_in (SoupSession *session,
                 const char  *base,
                 const char  *email,
                 const char  *password)
{
  g_autofree char *url = g_strconcat (base, "/api/v1/session", NULL);
  g_autofree char *body = g_strdup_printf ("{\"email\":\"%s\",\"password\":\"%s\"}", email, password);
  g_autoptr(BkTestResponse) r = bk_test_request (session, "POST", url, NULL, NULL, body);

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_nonnull (bk_test_json_string (r, "token"));
  return g_strdup (bk_test_json_string (r, "token"));
}

char *
bk_test_time (gint64 offset)
{
  /* the next full hour, so @offset keeps its minutes */
  gint64 t = (g_get_real_time () / G_USEC_PER_SEC) / 3600 * 3600 + 3600 + offset;
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t);

  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}
