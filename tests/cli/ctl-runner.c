/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-bookablectl"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdarg.h>

#include "ctl-runner.h"

/* Every case runs the real bookablectl in a subprocess. G_TEST_OPTION_ISOLATE_DIRS
 * gives each case fresh XDG_* directories; GLib only caches them in-process
 * (the environment says /dev/null), so ctl_run_argv() hands them on and each
 * case starts from an empty profile. */

const char *const ctl_berlin_rules =
  "{ \"time_zone\": \"Europe/Berlin\", \"slot_minutes\": 60, \"step_minutes\": 60,"
  "  \"buffer_before_minutes\": 0, \"buffer_after_minutes\": 0, \"min_notice_minutes\": 0,"
  "  \"horizon_days\": 365, \"daily_limit\": 0,"
  "  \"weekly\": { \"mon\": [[\"09:00\",\"12:00\"]], \"tue\": [], \"wed\": [], \"thu\": [],"
  "              \"fri\": [], \"sat\": [], \"sun\": [] },"
  "  \"overrides\": [] }";

const char *const ctl_two_weeks[] = {
  "slots", "--from", "2027-03-22T00:00:00Z", "--to", "2027-03-30T00:00:00Z",
  "--now", "2027-03-20T00:00:00Z", "--json", NULL
};

void
ctl_result_free (CtlResult *result)
{
  g_free (result->out);
  g_free (result->err);
  g_free (result);
}

static char *
get_ctl_path (void)
{
  const char *build_root = g_getenv ("BK_BUILD_ROOT");

  g_assert_nonnull (build_root);
  return g_build_filename (build_root, "src", "bookablectl", NULL);
}

static GSubprocessLauncher *
new_launcher (const char       *tz,
              GSubprocessFlags  flags)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);

  g_subprocess_launcher_setenv (launcher, "HOME", g_get_home_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", g_get_user_data_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", g_get_user_config_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", g_get_user_cache_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_STATE_HOME", g_get_user_state_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", g_get_user_runtime_dir (), TRUE);
  if (tz != NULL)
    g_subprocess_launcher_setenv (launcher, "TZ", tz, TRUE);
  return launcher;
}

static GPtrArray *
new_argv (const char * const *args)
{
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (argv, get_ctl_path ());
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  g_ptr_array_add (argv, NULL);
  return argv;
}

CtlResult *
ctl_run_argv (const char         *tz,
              const char         *input,
              const char * const *args)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = new_argv (args);
  g_autoptr(GError) error = NULL;
  CtlResult *result = g_new0 (CtlResult, 1);
  GSubprocessFlags flags = G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE;

  if (input != NULL)
    flags |= G_SUBPROCESS_FLAGS_STDIN_PIPE;
  launcher = new_launcher (tz, flags);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input, NULL, &result->out, &result->err, &error);
  g_assert_no_error (error);

  /* A crash or a sanitizer abort is a failure in itself, whatever was expected. */
  if (!g_subprocess_get_if_exited (process))
    g_error ("bookablectl %s was killed by a signal; stderr:\n%s",
             args[0], result->err);
  result->status = g_subprocess_get_exit_status (process);

  return result;
}

GSubprocess *
ctl_spawn (const char * const *args)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = new_argv (args);
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  launcher = new_launcher (NULL, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  return process;
}

static char *
read_all (GInputStream *stream)
{
  GString *text = g_string_new (NULL);
  char buffer[4096];
  gssize n;

  while ((n = g_input_stream_read (stream, buffer, sizeof buffer, NULL, NULL)) > 0)
    g_string_append_len (text, buffer, n);
  g_assert_cmpint (n, ==, 0);
  return g_string_free (text, FALSE);
}

CtlResult *
ctl_finish (GSubprocess      *process,
            GDataInputStream *out_lines)
{
  CtlResult *result = g_new0 (CtlResult, 1);
  g_autoptr(GError) error = NULL;

  result->out = read_all (G_INPUT_STREAM (out_lines));
  result->err = read_all (g_subprocess_get_stderr_pipe (process));
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_if_exited (process))
    g_error ("bookablectl was killed by a signal; stderr:\n%s", result->err);
  result->status = g_subprocess_get_exit_status (process);
  return result;
}

CtlResult *
ctl_run (const char *first,
         ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  return ctl_run_argv (NULL, NULL, (const char * const *) args->pdata);
}

char *
ctl_ok (const char * const *args)
{
  g_autoptr(CtlResult) result = ctl_run_argv (NULL, NULL, args);

  if (result->status != 0)
    g_error ("bookablectl %s exited %d; stderr:\n%s", args[0], result->status, result->err);
  g_assert_cmpstr (result->err, ==, "");

  return g_steal_pointer (&result->out);
}

char *
ctl_write_temp_file (const char *name,
                     const char *contents)
{
  /* The case's own cache directory: tests run in parallel, /tmp is shared. */
  g_autofree char *path = g_build_filename (g_get_user_cache_dir (), name, NULL);
  g_autoptr(GError) error = NULL;

  g_mkdir_with_parents (g_get_user_cache_dir (), 0700);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&path);
}

void
ctl_import_rules (const char *json)
{
  g_autofree char *path = ctl_write_temp_file ("rules.json", json);
  g_autoptr(CtlResult) result = ctl_run ("rules", "import", path, NULL);

  g_assert_cmpstr (result->err, ==, "");
  g_assert_cmpint (result->status, ==, 0);
}

JsonNode *
ctl_parse_json (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);

  return node;
}

/* "start/end,start/end,…" from a slots --json array, checking each object
 * has exactly the keys start and end. */
char *
ctl_summarize_slots (const char *json)
{
  g_autoptr(JsonNode) root = ctl_parse_json (json);
  g_autoptr(GString) summary = g_string_new (NULL);
  JsonArray *array;

  g_assert_true (JSON_NODE_HOLDS_ARRAY (root));
  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *slot = json_array_get_object_element (array, i);

      g_assert_cmpuint (json_object_get_size (slot), ==, 2);
      if (summary->len > 0)
        g_string_append_c (summary, ',');
      g_string_append_printf (summary, "%s/%s",
                              json_object_get_string_member (slot, "start"),
                              json_object_get_string_member (slot, "end"));
    }

  return g_string_free (g_steal_pointer (&summary), FALSE);
}

char *
ctl_get_slots_summary (void)
{
  g_autofree char *out = ctl_ok (ctl_two_weeks);

  return ctl_summarize_slots (out);
}

char *
ctl_get_sorted_keys (JsonObject *object)
{
  g_autoptr(GList) members = json_object_get_members (object);
  g_autoptr(GString) keys = g_string_new (NULL);

  members = g_list_sort (members, (GCompareFunc) g_strcmp0);
  for (GList *l = members; l != NULL; l = l->next)
    g_string_append_printf (keys, "%s%s", keys->len > 0 ? "," : "", (const char *) l->data);

  return g_string_free (g_steal_pointer (&keys), FALSE);
}

gint64
ctl_add_block (const char *start,
               const char *end,
               const char *title)
{
  const char *args[] = { "blocks", "add", "--start", start, "--end", end,
                         title != NULL ? "--title" : NULL, title, NULL };
  g_autofree char *out = ctl_ok (args);
  g_autoptr(GError) error = NULL;
  gint64 id = 0;

  g_strchomp (out);
  g_ascii_string_to_signed (out, 10, 1, G_MAXINT64, &id, &error);
  g_assert_no_error (error);

  return id;
}
