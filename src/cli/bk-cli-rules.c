/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <stdio.h>

#include "bk-availability-rules.h"
#include "bk-cli-private.h"
#include "bk-store.h"

/* Far more than any real rules file; stops `rules import /dev/zero`. */
#define MAX_RULES_BYTES (16 * 1024 * 1024)

static gboolean
read_stream (FILE     *stream,
             GString  *contents,
             GError  **error)
{
  char buffer[8192];
  size_t n;

  while ((n = fread (buffer, 1, sizeof buffer, stream)) > 0)
    {
      g_string_append_len (contents, buffer, n);
      if (contents->len > MAX_RULES_BYTES)
        {
          g_set_error (error, BK_CLI_ERROR, BK_CLI_ERROR_FAILED,
                       _("larger than %d MiB; this is not a rules file"),
                       MAX_RULES_BYTES / (1024 * 1024));
          return FALSE;
        }
    }

  if (ferror (stream))
    {
      int saved_errno = errno;

      g_set_error_literal (error, BK_CLI_ERROR, BK_CLI_ERROR_FAILED, g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}

/* Reads @path, or standard input for "-"; errors name no file (the caller
 * prefixes it). */
static char *
read_source (const char  *path,
             gsize       *out_length,
             GError     **error)
{
  g_autoptr(GString) contents = g_string_new (NULL);
  FILE *stream;
  gboolean ok;

  if (g_str_equal (path, "-"))
    {
      if (!read_stream (stdin, contents, error))
        return NULL;
    }
  else
    {
      stream = fopen (path, "rb");
      if (stream == NULL)
        {
          int saved_errno = errno;

          g_set_error_literal (error, BK_CLI_ERROR, BK_CLI_ERROR_FAILED, g_strerror (saved_errno));
          return NULL;
        }
      ok = read_stream (stream, contents, error);
      fclose (stream);
      if (!ok)
        return NULL;
    }

  *out_length = contents->len;
  return g_string_free (g_steal_pointer (&contents), FALSE);
}

static int
fail_with_source (const char   *path,
                  const GError *error)
{
  const char *name = g_str_equal (path, "-") ? _("standard input") : path;

  g_printerr ("bookablectl: %s: %s\n", name, error->message);
  return BK_CLI_EXIT_FAILURE;
}

static int
rules_import (int    argc,
              char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BkAvailabilityRules) rules = NULL;
  g_autoptr(BkStore) store = NULL;
  g_auto(GStrv) rest = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  gboolean help = FALSE;

  context = _bk_cli_context_new ("rules import", _("FILE.json"),
                                 _("Replace the availability rules with those in FILE.json "
                                   "(“-” reads standard input). Nothing is saved unless the "
                                   "whole file is valid."),
                                 NULL, &help);
  if (!_bk_cli_parse (context, argc, argv, &rest, &error))
    return _bk_cli_report (context, error);
  if (help)
    return _bk_cli_print_help (context);
  if (g_strv_length (rest) != 1)
    return _bk_cli_usage_error (context, rest[0] == NULL ? _("Missing FILE.json")
                                                         : _("Too many arguments"));

  contents = read_source (rest[0], &length, &error);
  if (contents == NULL)
    return fail_with_source (rest[0], error);

  rules = bk_availability_rules_new_from_json (contents, length, &error);
  if (rules == NULL)
    return fail_with_source (rest[0], error);

  store = _bk_cli_open_store (&error);
  if (store == NULL || !bk_store_save_rules (store, rules, &error))
    return _bk_cli_report (NULL, error);

  return BK_CLI_EXIT_OK;
}

static int
rules_export (int    argc,
              char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BkAvailabilityRules) rules = NULL;
  g_autoptr(BkStore) store = NULL;
  g_auto(GStrv) rest = NULL;
  g_autofree char *json = NULL;
  gboolean help = FALSE;

  context = _bk_cli_context_new ("rules export", NULL,
                                 _("Print the availability rules as JSON, in the format "
                                   "“rules import” reads (the defaults when none were saved)."),
                                 NULL, &help);
  if (!_bk_cli_parse (context, argc, argv, &rest, &error))
    return _bk_cli_report (context, error);
  if (help)
    return _bk_cli_print_help (context);
  if (rest[0] != NULL)
    return _bk_cli_usage_error (context, _("Too many arguments"));

  store = _bk_cli_open_store (&error);
  if (store == NULL)
    return _bk_cli_report (NULL, error);

  rules = bk_store_load_rules (store, &error);
  if (rules == NULL)
    return _bk_cli_report (NULL, error);

  json = bk_availability_rules_to_json (rules);
  fputs (json, stdout);
  if (!g_str_has_suffix (json, "\n"))
    fputc ('\n', stdout);

  return BK_CLI_EXIT_OK;
}

int
_bk_cli_rules_run (int    argc,
                   char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) rest = NULL;
  g_autofree char *message = NULL;
  gboolean help = FALSE;

  if (argc >= 2 && g_str_equal (argv[1], "import"))
    return rules_import (argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "export"))
    return rules_export (argc - 1, argv + 1);

  context = _bk_cli_context_new ("rules", _("import FILE.json | export"),
                                 _("Import or export the availability rules: time zone, "
                                   "weekly hours, date overrides and slot settings."),
                                 NULL, &help);
  if (!_bk_cli_parse (context, argc, argv, &rest, &error))
    return _bk_cli_report (context, error);
  if (help)
    return _bk_cli_print_help (context);
  if (rest[0] == NULL)
    return _bk_cli_usage_error (context, _("Missing rules command (import or export)"));

  message = g_strdup_printf (_("Unknown rules command “%s”"), rest[0]);
  return _bk_cli_usage_error (context, message);
}
