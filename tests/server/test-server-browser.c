/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core)
 * books and cancels through the booking page of a real server. Fails, never
 * skips, when the browser or its driver cannot run. */
#define G_LOG_DOMAIN "test-server-browser"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "bk-test-server.h"

#define DAY (24 * 3600)

/* node_modules comes from `build-aux/dev browser-deps` (npm ci). */
static void
ensure_driver (const char *dir)
{
  g_autofree char *module = g_build_filename (dir, "node_modules", "playwright-core", NULL);
  g_autofree char *dev = g_build_filename (g_getenv ("BK_SOURCE_ROOT"), "build-aux", "dev", NULL);
  const char *argv[] = { dev, "browser-deps", NULL };
  g_autofree char *err = NULL;
  int status = 0;

  if (g_file_test (module, G_FILE_TEST_IS_DIR))
    return;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                NULL, &err, &status, NULL);
  if (!g_spawn_check_wait_status (status, NULL) || !g_file_test (module, G_FILE_TEST_IS_DIR))
    g_error ("playwright-core is missing and `build-aux/dev browser-deps` failed: %s", err);
}

static void
test_book_and_cancel (void)
{
  g_autofree char *dir = g_build_filename (g_getenv ("BK_SOURCE_ROOT"), "tests", "server", "browser", NULL);
  g_autofree char *script = g_build_filename (dir, "book.mjs", NULL);
  BkTestServer *server = bk_test_server_start (bk_test_cluster_url ());
  g_autoptr(SoupSession) session = bk_test_session_new ();
  g_autofree char *pw = bk_test_expert_add ("web@example.com", "Wendy Web", "wendy", "Europe/Paris");
  g_autofree char *token = bk_test_sign_in (session, server->url, "web@example.com", pw);
  g_autofree char *from = bk_test_time (DAY), *to = bk_test_time (DAY + 3 * 3600);
  g_autofree char *s1 = bk_test_time (DAY + 3600), *s2 = bk_test_time (DAY + 7200);
  g_autofree char *u = g_strdup_printf ("%s/api/v1/me/slots?from=%s&to=%s", server->url, from, to);
  g_autofree char *body = g_strdup_printf ("[{\"start\":\"%s\",\"end\":\"%s\"},{\"start\":\"%s\",\"end\":\"%s\"}]",
                                           from, s1, s1, s2);
  g_autoptr(BkTestResponse) put = bk_test_request (session, "PUT", u, token, NULL, body);
  g_autofree char *out = NULL, *err = NULL, *state = NULL;
  int status = 0;

  g_assert_cmpuint (put->status, ==, 200);
  ensure_driver (dir);
  {
    const char *argv[] = { "node", script, server->url, "wendy", NULL };
    const char *drop[] = { "G_DEBUG", "MALLOC_CHECK_", "MALLOC_PERTURB_", "ASAN_OPTIONS",
                           "UBSAN_OPTIONS", "LSAN_OPTIONS" };
    g_auto(GStrv) env = g_get_environ ();
    g_autoptr(GError) error = NULL;

    /* The browser is not under test: fatal GLib criticals and malloc
     * checking are for our code, and Chromium links GLib too. */
    for (gsize i = 0; i < G_N_ELEMENTS (drop); i++)
      env = g_environ_unsetenv (env, drop[i]);
    g_spawn_sync (dir, (char **) argv, env, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error);
    g_assert_no_error (error);
  }
  g_test_message ("browser: %s%s", out, err);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("the browser run failed:\n%s\n%s", out, err);
  g_assert_nonnull (strstr (out, "cancelled"));
  /* what the browser did is what the database holds */
  state = bk_test_sql ("SELECT string_agg (status || ':' || client_name || ':' || note, ',')"
                       " FROM appointments a JOIN experts e ON e.id = a.expert_id WHERE e.slug = 'wendy'");
  g_assert_cmpstr (state, ==, "cancelled:Browser Visitor:Booked from headless Chromium <b>not bold</b>");
  bk_test_server_stop (server, FALSE);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/server/browser/book-and-cancel", test_book_and_cancel);
  status = g_test_run ();
  bk_test_cluster_stop ();
  return status;
}
