/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-sandbox-test"

#include "config.h"

#include <glib/gi18n.h>

#include "sandbox-google-test-client.h"

/* The `sandbox-google` program as build-aux/dev demo runs it: its first
 * line, the sample data file, a clean exit on SIGTERM. */

static void
test_program (void)
{
  g_autofree char *data = g_build_filename (g_getenv ("BK_SOURCE_ROOT"), "tests", "services", "sample-google.json", NULL);
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *url = NULL;
  g_autoptr(SgtResponse) events = NULL;
  g_autoptr(SgtResponse) unauthorized = NULL;
  g_autoptr(JsonObject) root = NULL;
  SgtFixture client = { 0 };

  process = sbc_spawn_program ("sandbox-google", &url, "--port", "0", "--page-size", "5", "--data", data, NULL);
  client.url = url;
  client.session = sbc_session_new ();
  events = sgt_request (&client, "GET", "/_sandbox/events?calendar=team0sandbox%40group.calendar.google.com",
                        NULL, NULL, NULL);
  g_assert_cmpuint (events->status, ==, 200);
  root = sgt_json (events);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "items")), ==, 1);
  unauthorized = sgt_request (&client, "GET", "/calendar/v3/users/me/calendarList", NULL, NULL, NULL);
  g_assert_cmpuint (unauthorized->status, ==, 401);
  g_clear_object (&client.session);
  sbc_stop_program (process);
}

/* The sample data, signed in: the demo's calendars as the app lists them. */
static void
test_sample_data (SgtFixture    *fixture,
                  gconstpointer  data)
{
  g_autofree char *path = g_build_filename (g_getenv ("BK_SOURCE_ROOT"), "tests", "services", "sample-google.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) tokens = NULL;
  g_autoptr(SgtResponse) list = NULL;
  g_autoptr(JsonObject) root = NULL;

  bk_sandbox_google_load_data_file (fixture->sandbox, path, &error);
  g_assert_no_error (error);
  tokens = sgt_sign_in (fixture, SGT_SCOPES);
  fixture->token = g_strdup (json_object_get_string_member (tokens, "access_token"));
  list = sgt_api (fixture, "GET", "/users/me/calendarList", NULL);
  root = sgt_json (list);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "items")), ==, 3);
}

static void
test_bad_options (void)
{
  g_autofree char *broken = g_build_filename (g_get_tmp_dir (), "broken-google.json", NULL);

  g_assert_true (g_file_set_contents (broken, "{\"users\":[{\"email\":\"a@b.test\",\"calendars\":"
                                              "[{\"primary\":true,\"events\":[{\"id\":\"UPPER\"}]}]}]}", -1, NULL));
  g_assert_cmpint (sbc_run_program ("sandbox-google", "--data", "/nonexistent/data.json", NULL), ==, 1);
  g_assert_cmpint (sbc_run_program ("sandbox-google", "--data", broken, NULL), ==, 1);
  g_assert_cmpint (sbc_run_program ("sandbox-google", "--port", "70000", NULL), ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sandbox-google/program/serve-and-terminate", test_program);
  g_test_add ("/sandbox-google/program/sample-data", SgtFixture, NULL, sgt_setup, test_sample_data, sgt_teardown);
  g_test_add_func ("/sandbox-google/program/bad-options", test_bad_options);
  return g_test_run ();
}
