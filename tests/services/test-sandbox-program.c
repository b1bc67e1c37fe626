/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-sandbox-test"

#include "config.h"

#include <glib/gi18n.h>
#include <signal.h>

#include "sandbox-test-client.h"

/* The `sandbox-microsoft` program as build-aux/dev demo runs it: first line,
 * the sample data file, a clean exit on SIGTERM. */

static void
test_program (void)
{
  g_autofree char *data = g_build_filename (g_getenv ("BK_SOURCE_ROOT"), "tests", "services", "sample-microsoft.json", NULL);
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *url = NULL;
  g_autofree char *users_url = NULL;
  g_autoptr(SbtResponse) users = NULL, me = NULL;
  g_autoptr(JsonObject) root = NULL;
  SbtFixture client = { 0 };
  JsonObject *expert;

  process = sbc_spawn_program ("sandbox-microsoft", &url, "--port", "0", "--page-size", "5", "--data", data, NULL);
  client.url = url;
  client.session = sbc_session_new ();
  users_url = g_strconcat (client.url, "/_sandbox/users", NULL);
  users = sbt_request (&client, "GET", users_url, NULL, NULL, NULL);
  g_assert_cmpuint (users->status, ==, 200);
  root = sbt_json (users);
  expert = json_array_get_object_element (json_object_get_array_member (root, "value"), 0);
  g_assert_cmpstr (json_object_get_string_member (expert, "userPrincipalName"), ==, "expert@sandbox.test");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (expert, "calendars")), ==, 2);
  me = sbt_graph (&client, "GET", "/me", NULL, NULL, NULL);
  g_assert_cmpuint (me->status, ==, 401);
  g_clear_object (&client.session);
  sbc_stop_program (process);
}

static void
test_bad_data (void)
{
  g_assert_cmpint (sbc_run_program ("sandbox-microsoft", "--data", "/nonexistent/data.json", NULL), ==, 1);
  g_assert_cmpint (sbc_run_program ("sandbox-microsoft", "--page-size", "0", NULL), ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sandbox-microsoft/program/serve-and-terminate", test_program);
  g_test_add_func ("/sandbox-microsoft/program/bad-data", test_bad_data);
  return g_test_run ();
}
