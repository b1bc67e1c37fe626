/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-bookablectl"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "bookable-core.h"
#include "ctl-runner.h"

/* ------------------------------------------------------------------------ */
/* Usage                                                                     */
/* ------------------------------------------------------------------------ */

static void
assert_usage_error (CtlResult  *result,
                    const char *mentions)
{
  g_assert_cmpint (result->status, ==, 2);
  g_assert_cmpstr (result->out, ==, "");
  g_assert_true (g_str_has_prefix (result->err, "bookablectl: "));
  g_assert_nonnull (strstr (result->err, "Usage:"));
  if (mentions != NULL)
    g_assert_nonnull (strstr (result->err, mentions));
}

static void
test_usage_errors (void)
{
  g_autoptr(CtlResult) none = ctl_run (NULL, NULL);
  g_autoptr(CtlResult) unknown = ctl_run ("frobnicate", NULL);
  g_autoptr(CtlResult) no_from = ctl_run ("slots", "--to", "2027-03-30T00:00:00Z", NULL);
  g_autoptr(CtlResult) no_value = ctl_run ("slots", "--from", NULL);
  g_autoptr(CtlResult) bad_option = ctl_run ("slots", "--from", "2027-03-22T00:00:00Z",
                                             "--to", "2027-03-30T00:00:00Z", "--colour", NULL);
  g_autoptr(CtlResult) no_offset = ctl_run ("slots", "--from", "2027-03-22T09:00:00",
                                            "--to", "2027-03-30T00:00:00Z", NULL);
  g_autoptr(CtlResult) no_file = ctl_run ("rules", "import", NULL);
  g_autoptr(CtlResult) bad_id = ctl_run ("blocks", "remove", "seven", NULL);
  g_autoptr(CtlResult) no_sub = ctl_run ("blocks", NULL);

  assert_usage_error (none, NULL);
  assert_usage_error (unknown, "frobnicate");
  assert_usage_error (no_from, "--from");
  assert_usage_error (no_value, "--from");
  assert_usage_error (bad_option, "--colour");
  assert_usage_error (no_offset, "offset");
  assert_usage_error (no_file, "FILE.json");
  assert_usage_error (bad_id, "seven");
  assert_usage_error (no_sub, NULL);
}

static void
test_help (void)
{
  const char *commands[][3] = {
    { "slots", "--help", NULL },
    { "appointments", "--help", NULL },
    { "rules", "--help", NULL },
    { "blocks", "--help", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autoptr(CtlResult) result = ctl_run_argv (NULL, NULL, commands[i]);
      g_autofree char *usage = g_strdup_printf ("bookablectl %s", commands[i][0]);

      g_assert_cmpint (result->status, ==, 0);
      g_assert_cmpstr (result->err, ==, "");
      g_assert_nonnull (strstr (result->out, usage));
    }

  {
    g_autoptr(CtlResult) slots = ctl_run ("slots", "--help", NULL);
    g_autoptr(CtlResult) add = ctl_run ("blocks", "add", "--help", NULL);

    g_assert_nonnull (strstr (slots->out, "--now"));
    g_assert_nonnull (strstr (add->out, "--title"));
  }
}

/* ------------------------------------------------------------------------ */
/* Rules                                                                     */
/* ------------------------------------------------------------------------ */

static void
test_rules_round_trip (void)
{
  const char *export_args[] = { "rules", "export", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(BkAvailabilityRules) original = NULL;
  g_autoptr(BkAvailabilityRules) exported = NULL;
  g_autoptr(CtlResult) reimport = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *mon = NULL;
  JsonObject *object;

  ctl_import_rules (ctl_berlin_rules);
  first = ctl_ok (export_args);

  original = bk_availability_rules_new_from_json (ctl_berlin_rules, -1, &error);
  g_assert_no_error (error);
  exported = bk_availability_rules_new_from_json (first, -1, &error);
  g_assert_no_error (error);
  g_assert_true (bk_availability_rules_equal (original, exported));

  root = ctl_parse_json (first);
  object = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (object, "time_zone"), ==, "Europe/Berlin");
  g_assert_cmpint (json_object_get_int_member (object, "slot_minutes"), ==, 60);
  mon = json_to_string (json_object_get_member (json_object_get_object_member (object, "weekly"), "mon"), FALSE);
  g_assert_cmpstr (mon, ==, "[[\"09:00\",\"12:00\"]]");

  /* What export prints, import takes back ("-" is standard input) unchanged. */
  reimport = ctl_run_argv (NULL, first, (const char *[]) { "rules", "import", "-", NULL });
  g_assert_cmpint (reimport->status, ==, 0);
  second = ctl_ok (export_args);
  g_assert_cmpstr (first, ==, second);
}

static void
test_rules_export_defaults (void)
{
  const char *export_args[] = { "rules", "export", NULL };
  g_autofree char *out = ctl_ok (export_args);
  g_autoptr(GError) error = NULL;
  g_autoptr(BkAvailabilityRules) exported = bk_availability_rules_new_from_json (out, -1, &error);
  g_autoptr(BkAvailabilityRules) defaults = bk_availability_rules_new ();

  g_assert_no_error (error);
  g_assert_true (bk_availability_rules_equal (exported, defaults));
}

static void
assert_import_refused (const char *json,
                       const char *mentions,
                       const char *unchanged)
{
  const char *export_args[] = { "rules", "export", NULL };
  g_autofree char *path = ctl_write_temp_file ("bad.json", json);
  g_autofree char *prefix = g_strdup_printf ("bookablectl: %s: ", path);
  g_autoptr(CtlResult) result = ctl_run ("rules", "import", path, NULL);
  g_autofree char *after = NULL;

  if (g_test_verbose ())
    g_printerr ("%s", result->err);

  g_assert_cmpint (result->status, ==, 1);
  g_assert_cmpstr (result->out, ==, "");
  g_assert_true (g_str_has_prefix (result->err, prefix));
  g_assert_cmpuint (strlen (result->err), >, strlen (prefix) + 2);
  g_assert_null (strstr (result->err, "Usage:"));
  if (mentions != NULL && strstr (result->err, mentions) == NULL)
    g_error ("the error does not mention “%s”: %s", mentions, result->err);

  after = ctl_ok (export_args);
  g_assert_cmpstr (after, ==, unchanged);
}

static void
test_rules_bad_input (void)
{
  const char *export_args[] = { "rules", "export", NULL };
  g_autofree char *before = NULL;
  g_autoptr(CtlResult) missing = NULL;

  ctl_import_rules (ctl_berlin_rules);
  before = ctl_ok (export_args);

  assert_import_refused ("{ \"time_zone\": \"Europe/Berlin\", ", NULL, before);
  assert_import_refused ("[1, 2, 3]", NULL, before);
  assert_import_refused ("{ \"time_zone\": \"UTC\", \"colour\": \"blue\" }", "colour", before);
  assert_import_refused ("{ \"time_zone\": \"UTC\", \"weekly\": { \"mon\": [[\"12:00\",\"09:00\"]] } }",
                         "mon", before);
  assert_import_refused ("{ \"time_zone\": \"UTC\", \"weekly\": { \"tue\": "
                         "[[\"09:00\",\"12:00\"],[\"11:00\",\"13:00\"]] } }",
                         "tue", before);
  assert_import_refused ("{ \"time_zone\": \"Mars/Olympus_Mons\" }", "Mars/Olympus_Mons", before);
  assert_import_refused ("{ \"time_zone\": \"UTC\", \"weekly\": { \"mon\": [[\"9 o'clock\",\"12:00\"]] } }",
                         NULL, before);

  missing = ctl_run ("rules", "import", "/nonexistent/rules.json", NULL);
  g_assert_cmpint (missing->status, ==, 1);
  g_assert_true (g_str_has_prefix (missing->err, "bookablectl: /nonexistent/rules.json: "));
}

/* ------------------------------------------------------------------------ */
/* The profile                                                               */
/* ------------------------------------------------------------------------ */

static gboolean
directory_holds_contents (const char *dir,
                          const char *contents)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (handle);
  while ((name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *data = NULL;

      if (g_file_get_contents (path, &data, NULL, NULL) && g_strcmp0 (data, contents) == 0)
        return TRUE;
    }

  return FALSE;
}

static void
test_corrupt_store (void)
{
  g_autofree char *path = bk_store_get_default_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GString) garbage = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CtlResult) first = NULL;
  g_autoptr(CtlResult) second = NULL;
  g_autofree char *after_block = NULL;

  for (guint i = 0; i < 200; i++)
    g_string_append (garbage, "This is no SQLite database, just some text. ");
  g_mkdir_with_parents (dir, 0700);
  g_file_set_contents (path, garbage->str, -1, &error);
  g_assert_no_error (error);

  first = ctl_run ("rules", "export", NULL);
  g_assert_cmpint (first->status, ==, 0);
  g_assert_true (g_str_has_prefix (first->err, "bookablectl: "));
  g_assert_cmpuint (strlen (first->err), >, 20);
  /* One line, said once. */
  g_assert_cmpstr (strchr (first->err, '\n'), ==, "\n");
  {
    g_autoptr(BkAvailabilityRules) exported = bk_availability_rules_new_from_json (first->out, -1, &error);
    g_assert_no_error (error);
  }

  /* Moved aside, not wiped. */
  g_assert_true (directory_holds_contents (dir, garbage->str));

  /* Said once: the fresh store opens quietly and works. */
  second = ctl_run ("rules", "export", NULL);
  g_assert_cmpint (second->status, ==, 0);
  g_assert_cmpstr (second->err, ==, "");
  ctl_add_block ("2027-03-22T08:00:00Z", "2027-03-22T09:00:00Z", "After recovery");
  after_block = ctl_ok ((const char *[]) { "blocks", "list", "--json", NULL });
  g_assert_nonnull (strstr (after_block, "After recovery"));
}


int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/cli/usage-errors", test_usage_errors);
  g_test_add_func ("/cli/help", test_help);
  g_test_add_func ("/cli/rules/round-trip", test_rules_round_trip);
  g_test_add_func ("/cli/rules/export-defaults", test_rules_export_defaults);
  g_test_add_func ("/cli/rules/bad-input", test_rules_bad_input);
  g_test_add_func ("/cli/corrupt-store", test_corrupt_store);

  return g_test_run ();
}
