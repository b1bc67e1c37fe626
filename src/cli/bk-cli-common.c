/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdio.h>

#include "bk-cli-private.h"
#include "bk-time.h"

G_DEFINE_QUARK (bk-cli-error-quark, _bk_cli_error)

/* ------------------------------------------------------------------------ */
/* Option parsing                                                            */
/* ------------------------------------------------------------------------ */

GOptionContext *
_bk_cli_context_new (const char         *command,
                     const char         *parameter_string,
                     const char         *summary,
                     const GOptionEntry *entries,
                     gboolean           *out_help)
{
  g_autofree char *prgname = NULL;
  GOptionContext *context;
  const GOptionEntry help_entries[] = {
    { "help", 'h', 0, G_OPTION_ARG_NONE, out_help, N_("Show this help"), NULL },
    G_OPTION_ENTRY_NULL
  };

  g_return_val_if_fail (command != NULL, NULL);
  g_return_val_if_fail (out_help != NULL, NULL);

  /* GOption prints g_get_prgname() in the usage line; naming the command
   * there makes "Usage: bookablectl slots [OPTION…]" come out right. */
  prgname = g_strdup_printf ("bookablectl %s", command);
  g_set_prgname (prgname);

  context = g_option_context_new (parameter_string);
  /* Our own --help flag: the built-in one calls exit() from inside parse. */
  g_option_context_set_help_enabled (context, FALSE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, help_entries, GETTEXT_PACKAGE);
  if (summary != NULL)
    g_option_context_set_summary (context, summary);
  g_option_context_set_description (context,
                                    _("Exit status: 0 on success, 1 when an input is refused "
                                      "or an operation fails, 2 on a command line error."));

  return context;
}

gboolean
_bk_cli_parse (GOptionContext   *context,
               int               argc,
               char            **argv,
               char           ***out_rest,
               GError          **error)
{
  g_auto(GStrv) args = g_new0 (char *, argc + 1);

  g_return_val_if_fail (context != NULL, FALSE);
  g_return_val_if_fail (argc >= 1, FALSE);

  for (int i = 0; i < argc; i++)
    args[i] = g_strdup (argv[i]);

  if (!g_option_context_parse_strv (context, &args, error))
    return FALSE;

  if (out_rest != NULL)
    *out_rest = g_strdupv (args + 1);

  return TRUE;
}

int
_bk_cli_print_help (GOptionContext *context)
{
  g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

  g_print ("%s", help);
  return BK_CLI_EXIT_OK;
}

int
_bk_cli_report (GOptionContext *context,
                const GError   *error)
{
  gboolean usage;

  g_return_val_if_fail (error != NULL, BK_CLI_EXIT_FAILURE);

  usage = error->domain == G_OPTION_ERROR ||
          g_error_matches (error, BK_CLI_ERROR, BK_CLI_ERROR_USAGE);

  if (usage && context != NULL)
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

      g_printerr ("bookablectl: %s\n\n%s", error->message, help);
    }
  else
    {
      g_printerr ("bookablectl: %s\n", error->message);
    }

  return usage ? BK_CLI_EXIT_USAGE : BK_CLI_EXIT_FAILURE;
}

int
_bk_cli_usage_error (GOptionContext *context,
                     const char     *message)
{
  g_autoptr(GError) error = g_error_new_literal (BK_CLI_ERROR, BK_CLI_ERROR_USAGE, message);

  return _bk_cli_report (context, error);
}

/* ------------------------------------------------------------------------ */
/* The profile                                                               */
/* ------------------------------------------------------------------------ */

BkStore *
_bk_cli_open_store (GError **error)
{
  g_autofree char *path = bk_store_get_default_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(BkStore) store = NULL;
  const char *recovery;

  /* A fresh profile has no data directory yet. */
  g_mkdir_with_parents (dir, 0700);

  store = bk_store_open (path, error);
  if (store == NULL)
    return NULL;

  /* The store renamed a corrupt or too-new file aside: say so, then carry on
   * with the fresh one (the next run will not repeat it). */
  recovery = bk_store_get_recovery_message (store);
  if (recovery != NULL)
    g_printerr ("bookablectl: %s\n", recovery);

  return g_steal_pointer (&store);
}

/* ------------------------------------------------------------------------ */
/* Time                                                                      */
/* ------------------------------------------------------------------------ */

gboolean
_bk_cli_parse_instant (const char  *option,
                       const char  *text,
                       gint64      *out_unix,
                       GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (option != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out_unix != NULL, FALSE);

  if (bk_time_parse_iso8601 (text, out_unix, &local_error))
    return TRUE;

  /* A local time without an offset could mean any zone, and guessing would
   * shift every slot: say exactly what is missing. */
  if (g_regex_match_simple ("^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.,][0-9]+)?)?$",
                            text, 0, 0))
    g_set_error (error, BK_CLI_ERROR, BK_CLI_ERROR_USAGE,
                 _("%s: “%s” has no UTC offset; add Z or an offset, e.g. "
                   "2027-03-26T09:00:00Z or 2027-03-26T09:00:00+01:00"),
                 option, text);
  else
    g_set_error (error, BK_CLI_ERROR, BK_CLI_ERROR_USAGE,
                 "%s: %s", option, local_error->message);

  return FALSE;
}

void
_bk_cli_print_table (GString *table)
{
  g_return_if_fail (table != NULL);

  /* One g_print() for the whole table: GLib's print handler flushes on every
   * call, which made a year of slots take a write() per line. */
  g_print ("%s", table->str);
}

gint64
_bk_cli_now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

gboolean
_bk_cli_check_span (gint64   from,
                    gint64   to,
                    GError **error)
{
  if (to < from)
    {
      g_set_error_literal (error, BK_CLI_ERROR, BK_CLI_ERROR_FAILED,
                           _("--to is before --from"));
      return FALSE;
    }

  if (to - from > (gint64) BK_CLI_MAX_SPAN_DAYS * 86400)
    {
      g_set_error (error, BK_CLI_ERROR, BK_CLI_ERROR_FAILED,
                   _("The range from --from to --to spans more than %d days; ask for less"),
                   BK_CLI_MAX_SPAN_DAYS);
      return FALSE;
    }

  return TRUE;
}

gboolean
_bk_cli_parse_range (const char  *from_text,
                     const char  *to_text,
                     guint        default_days,
                     gint64      *out_from,
                     gint64      *out_to,
                     GError     **error)
{
  if (from_text == NULL)
    *out_from = _bk_cli_now ();
  else if (!_bk_cli_parse_instant ("--from", from_text, out_from, error))
    return FALSE;

  if (to_text == NULL)
    *out_to = *out_from + (gint64) default_days * 86400;
  else if (!_bk_cli_parse_instant ("--to", to_text, out_to, error))
    return FALSE;

  return _bk_cli_check_span (*out_from, *out_to, error);
}

/* ------------------------------------------------------------------------ */
/* Output                                                                    */
/* ------------------------------------------------------------------------ */

void
_bk_cli_print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;
  gsize length = 0;

  g_return_if_fail (node != NULL);

  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, &length);

  /* Raw UTF-8: g_print() would convert to the locale's charset and could
   * mangle non-ASCII titles in what must stay valid JSON. */
  fwrite (text, 1, length, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}

GDateTime *
_bk_cli_local_date_time (gint64 unix_seconds)
{
  /* Looked up once per process: g_time_zone_new_local() stats and reads
   * /etc/localtime on every call, a year of slots made 900,000 syscalls. */
  static GTimeZone *local_zone;
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_seconds);

  if (utc == NULL)
    return NULL;
  if (local_zone == NULL)
    local_zone = g_time_zone_new_local ();

  return g_date_time_to_timezone (utc, local_zone);
}

char *
_bk_cli_local_zone_name (void)
{
  return bk_time_get_local_zone_id ();
}

char *
_bk_cli_format_local (gint64      unix_seconds,
                      const char *format)
{
  g_autoptr(GDateTime) dt = _bk_cli_local_date_time (unix_seconds);

  g_return_val_if_fail (format != NULL, NULL);

  if (dt == NULL)
    return g_strdup ("?");

  return g_date_time_format (dt, format);
}

void
_bk_cli_append_day_heading (GString *table,
                            gint64   unix_seconds,
                            gint    *last_day)
{
  g_autoptr(GDateTime) dt = _bk_cli_local_date_time (unix_seconds);
  g_autofree char *heading = NULL;
  gint year, month, day, key;

  g_return_if_fail (table != NULL);
  g_return_if_fail (last_day != NULL);

  if (dt == NULL)
    return;

  g_date_time_get_ymd (dt, &year, &month, &day);
  key = (year * 100 + month) * 100 + day;
  if (key == *last_day)
    return;

  *last_day = key;
  /* Translators: a day heading in bookablectl's tables, in g_date_time_format()
   * syntax. xgettext:no-c-format */
  heading = g_date_time_format (dt, _("%A %Y-%m-%d"));
  g_string_append_printf (table, "\n%s\n", heading);
}

/* One HTTP session for a command. A command line waits seconds, not minutes,
 * for a struggling service; BOOKABLE_BACKOFF_SCALE multiplies every wait
 * (the tests and the demo make throttling storms pass in milliseconds). */
BkHttp *
_bk_cli_new_http (void)
{
  BkHttp *http = bk_http_new ();
  const char *scale = g_getenv ("BOOKABLE_BACKOFF_SCALE");

  g_object_set (http, "max-attempts", 3, "base-delay", 0.5, "max-delay", 5.0, NULL);
  if (scale != NULL)
    g_object_set (http, "backoff-scale", g_ascii_strtod (scale, NULL), NULL);
  return http;
}
