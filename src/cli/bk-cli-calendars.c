/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bk-cli-calendars.c: `bookablectl calendars [--json]`, `calendars select
 * ID… [--destination ID]` and `busy` for the connected calendar account
 * (Office 365 or Google: the active source's, see _bk_cli_get_current_provider).
 * Both read Graph when it answers and fall back to what the store cached,
 * saying so on stderr; stdout stays the data alone. */
#define G_LOG_DOMAIN "bk-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-cli-private.h"
#include "bk-time.h"

/* `busy` without --from/--to: the week ahead. */
#define DEFAULT_BUSY_DAYS 7

/* The connected integration, or NULL with an error saying how to connect. */
static BkIntegration *
get_connected (BkStore  *store,
               GError  **error)
{
  const BkCliProvider *provider = _bk_cli_get_current_provider (store);
  g_autoptr(BkIntegration) integration = bk_store_get_integration (store, provider->provider, error);

  if (integration == NULL)
    return NULL;
  if (integration->account == NULL)
    {
      g_set_error_literal (error, BK_CLI_ERROR, BK_CLI_ERROR_FAILED,
                           _("No calendar is connected. Run “bookablectl connect office365” or "
                             "“bookablectl connect google” first."));
      return NULL;
    }
  return g_steal_pointer (&integration);
}

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_boolean (JsonBuilder *builder,
             const char  *name,
             gboolean     value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}

/* ---------------------------------------------------------------------- */
/* calendars                                                              */

static void
print_calendars_json (GPtrArray *calendars)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; i < calendars->len; i++)
    {
      const BkCalendar *calendar = g_ptr_array_index (calendars, i);

      json_builder_begin_object (builder);
      add_string (builder, "id", calendar->remote_id);
      add_string (builder, "name", calendar->name);
      add_string (builder, "color", calendar->color);
      add_boolean (builder, "can_edit", calendar->can_edit);
      add_boolean (builder, "is_default", calendar->is_default);
      add_boolean (builder, "selected", calendar->selected);
      add_boolean (builder, "destination", calendar->destination);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  _bk_cli_print_json (root);
}

static void
print_calendars_table (const char *account,
                       GPtrArray  *calendars)
{
  g_autoptr(GString) table = g_string_new (NULL);

  if (account == NULL)
    {
      g_print ("%s\n", _("No calendar is connected (bookablectl connect office365 or google)."));
      return;
    }

  g_string_append_printf (table, _("Calendars of %s (x: blocks time, >: appointments go here)\n"), account);
  for (guint i = 0; i < calendars->len; i++)
    {
      const BkCalendar *calendar = g_ptr_array_index (calendars, i);
      g_autoptr(GString) notes = g_string_new (NULL);

      if (calendar->is_default)
        g_string_append (notes, _(" default"));
      if (!calendar->can_edit)
        g_string_append (notes, _(" read-only"));
      g_string_append_printf (table, "  %s %s  %-20s %-12s %s%s\n",
                              calendar->selected ? "x" : " ",
                              calendar->destination ? ">" : " ",
                              calendar->name,
                              calendar->color ? calendar->color : "-",
                              calendar->remote_id, notes->str);
    }
  _bk_cli_print_table (table);
}

/* The calendars read live when connected and Graph answers, else the stored
 * list (with a note on stderr). */
static GPtrArray *
load_calendars (BkStore              *store,
                const BkIntegration  *integration,
                GError              **error)
{
  const BkCliProvider *provider = _bk_cli_get_current_provider (store);
  g_autoptr(GObject) strategy = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) local_error = NULL;
  GPtrArray *calendars;

  if (integration->account == NULL)
    return bk_store_list_calendars (store, provider->provider, error);

  if ((strategy = _bk_cli_new_strategy (store, provider, error)) == NULL)
    return NULL;
  bk_calendar_strategy_refresh_calendars_async (BK_CALENDAR_STRATEGY (strategy), NULL,
                                                _bk_cli_got_result_cb, &result);
  calendars = bk_calendar_strategy_refresh_calendars_finish (BK_CALENDAR_STRATEGY (strategy),
                                                             _bk_cli_wait_result (&result), &local_error);
  if (calendars != NULL)
    return calendars;

  if (g_error_matches (local_error, provider->error_quark (), provider->reconnect_code))
    g_printerr (_("bookablectl: %s Run “bookablectl connect %s”. The calendars as last read:\n"),
                local_error->message, provider->name);
  else
    g_printerr (_("bookablectl: %s The calendars as last read:\n"), local_error->message);
  return bk_store_list_calendars (store, provider->provider, error);
}

static int
run_select (int    argc,
            char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BkStore) store = NULL;
  g_autoptr(BkIntegration) integration = NULL;
  g_autoptr(GPtrArray) calendars = NULL;
  g_auto(GStrv) rest = NULL;
  g_autofree char *destination = NULL;
  gboolean help = FALSE;
  const GOptionEntry entries[] = {
    { "destination", 0, 0, G_OPTION_ARG_STRING, &destination, N_("Write new appointments to this calendar (it must be writable)"), N_("ID") },
    G_OPTION_ENTRY_NULL
  };

  context = _bk_cli_context_new ("calendars select", _("ID…"),
                                 _("Choose the calendars whose busy times block slots: exactly "
                                   "the IDs given (see “bookablectl calendars”). The others stop "
                                   "blocking time and their cached busy times are dropped."),
                                 entries, &help);
  if (!_bk_cli_parse (context, argc, argv, &rest, &error))
    return _bk_cli_report (context, error);
  if (help)
    return _bk_cli_print_help (context);
  if (rest[0] == NULL)
    return _bk_cli_usage_error (context, _("Which calendars? Give at least one ID"));

  if ((store = _bk_cli_open_store (&error)) == NULL ||
      (integration = get_connected (store, &error)) == NULL ||
      !bk_store_select_calendars (store, integration->provider, (const char * const *) rest, destination, &error) ||
      (calendars = bk_store_list_calendars (store, integration->provider, &error)) == NULL)
    return _bk_cli_report (NULL, error);

  print_calendars_table (integration->account, calendars);
  return BK_CLI_EXIT_OK;
}

int
_bk_cli_calendars_run (int    argc,
                       char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BkStore) store = NULL;
  g_autoptr(BkIntegration) integration = NULL;
  g_autoptr(GPtrArray) calendars = NULL;
  g_auto(GStrv) rest = NULL;
  gboolean help = FALSE;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print JSON: [{\"id\", \"name\", \"color\", \"can_edit\", \"is_default\", \"selected\", \"destination\"}]"), NULL },
    G_OPTION_ENTRY_NULL
  };

  if (argc > 1 && g_str_equal (argv[1], "select"))
    return run_select (argc - 1, argv + 1);

  context = _bk_cli_context_new ("calendars", _("[select ID… [--destination ID]]"),
                                 _("List the calendars of the connected Office 365 or Google "
                                   "account: which block time and which receives appointments. "
                                   "Read live when the service can be reached, else as last read."),
                                 entries, &help);
  if (!_bk_cli_parse (context, argc, argv, &rest, &error))
    return _bk_cli_report (context, error);
  if (help)
    return _bk_cli_print_help (context);
  if (rest[0] != NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Unknown subcommand “%s”"), rest[0]);
      return _bk_cli_usage_error (context, message);
    }

  if ((store = _bk_cli_open_store (&error)) == NULL ||
      (integration = bk_store_get_integration (store, _bk_cli_get_current_provider (store)->provider,
                                               &error)) == NULL ||
      (calendars = load_calendars (store, integration, &error)) == NULL)
    return _bk_cli_report (NULL, error);

  if (json)
    print_calendars_json (calendars);
  else
    print_calendars_table (integration->account, calendars);
  return BK_CLI_EXIT_OK;
}

/* ---------------------------------------------------------------------- */
/* busy                                                                   */

static void
print_busy_json (GPtrArray *busy)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; i < busy->len; i++)
    {
      const BkBusyTime *time = g_ptr_array_index (busy, i);
      g_autofree char *start = bk_time_format_iso8601_utc (time->start);
      g_autofree char *end = bk_time_format_iso8601_utc (time->end);

      json_builder_begin_object (builder);
      add_string (builder, "start", start);
      add_string (builder, "end", end);
      add_string (builder, "calendar_id", time->calendar_id);
      add_string (builder, "show_as", time->show_as);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  _bk_cli_print_json (root);
}

static void
print_busy_table (GPtrArray *busy)
{
  g_autoptr(GString) table = g_string_new (NULL);
  g_autofree char *zone = _bk_cli_local_zone_name ();
  gint last_day = 0;

  if (busy->len == 0)
    {
      g_print ("%s\n", _("No busy times in this range."));
      return;
    }

  g_string_append_printf (table, _("Busy times (times in %s)"), zone);
  g_string_append_c (table, '\n');
  for (guint i = 0; i < busy->len; i++)
    {
      const BkBusyTime *time = g_ptr_array_index (busy, i);
      g_autofree char *start = _bk_cli_format_local (time->start, "%H:%M");
      g_autofree char *end = _bk_cli_format_local (time->end, "%Y-%m-%d %H:%M");

      _bk_cli_append_day_heading (table, time->start, &last_day);
      g_string_append_printf (table, "  %s – %s  %-10s %s\n", start, end, time->show_as,
                              time->calendar_name ? time->calendar_name : time->calendar_id);
    }
  _bk_cli_print_table (table);
}

/* [--from, --to) for `busy`: an empty range is a mistake here. */
static gboolean
parse_window (const char  *from_text,
              const char  *to_text,
              gint64      *out_from,
              gint64      *out_to,
              GError     **error)
{
  if (!_bk_cli_parse_range (from_text, to_text, DEFAULT_BUSY_DAYS, out_from, out_to, error))
    return FALSE;
  if (*out_to == *out_from)
    {
      g_set_error_literal (error, BK_CLI_ERROR, BK_CLI_ERROR_FAILED, _("--from and --to are the same instant"));
      return FALSE;
    }
  return TRUE;
}

static BkSlotReport *
read_busy (BkStore  *store,
           gint64    from,
           gint64    to,
           GError  **error)
{
  const BkCliProvider *provider = _bk_cli_get_current_provider (store);
  g_autoptr(GObject) strategy = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(BkSlotReport) report = NULL;
  g_autoptr(BkIntegration) after = NULL;

  if ((strategy = _bk_cli_new_strategy (store, provider, error)) == NULL)
    return NULL;

  bk_calendar_strategy_read_busy_async (BK_CALENDAR_STRATEGY (strategy), from, to, NULL,
                                        _bk_cli_got_result_cb, &result);
  report = bk_calendar_strategy_read_busy_finish (BK_CALENDAR_STRATEGY (strategy),
                                                  _bk_cli_wait_result (&result), error);
  if (report == NULL || (after = bk_store_get_integration (store, provider->provider, error)) == NULL)
    return NULL;

  /* the engine falls back to the cache for a revoked grant as for a lost
   * network; a person asking for busy times must hear it cannot go on */
  if (after->reconnect_needed)
    {
      g_set_error (error, BK_CLI_ERROR, BK_CLI_ERROR_FAILED,
                   _("%s needs reconnecting: %s Run “bookablectl connect %s”."), _(provider->label),
                   after->reconnect_message ? after->reconnect_message : "", provider->name);
      return NULL;
    }
  return g_steal_pointer (&report);
}

/* Splits the report: busy times into @busy, and says on stderr which
 * windows could not be read. Returns how many could not. */
static guint
split_report (const BkSlotReport *report,
              GPtrArray          *busy)
{
  guint unread = 0;

  for (guint i = 0; i < report->blocked->len; i++)
    {
      const BkBusyTime *time = g_ptr_array_index (report->blocked, i);
      g_autofree char *start = NULL;
      g_autofree char *end = NULL;

      if (time->reason == NULL)
        {
          g_ptr_array_add (busy, (gpointer) time);
          continue;
        }
      start = _bk_cli_format_local (time->start, "%Y-%m-%d %H:%M");
      end = _bk_cli_format_local (time->end, "%Y-%m-%d %H:%M");
      g_printerr (_("bookablectl: not read %s – %s: %s\n"), start, end, time->reason);
      unread++;
    }
  return unread;
}

int
_bk_cli_busy_run (int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BkStore) store = NULL;
  g_autoptr(BkIntegration) integration = NULL;
  g_autoptr(BkSlotReport) report = NULL;
  g_autoptr(GPtrArray) busy = g_ptr_array_new ();
  g_auto(GStrv) rest = NULL;
  g_autofree char *from_text = NULL;
  g_autofree char *to_text = NULL;
  gint64 from = 0, to = 0;
  gboolean help = FALSE;
  gboolean json = FALSE;
  guint unread;
  const GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING, &from_text, N_("Start of the range (ISO 8601 with offset; default now)"), N_("ISO") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to_text, N_("End of the range (default a week after --from)"), N_("ISO") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON: [{\"start\", \"end\", \"calendar_id\", \"show_as\"}] in UTC"), NULL },
    G_OPTION_ENTRY_NULL
  };

  context = _bk_cli_context_new ("busy", NULL,
                                 _("Print the busy times of the chosen Office 365 or Google "
                                   "calendars that overlap [--from, --to) and block slots "
                                   "(tentative and out-of-office as the policy says). Read live "
                                   "when the service can be reached, else from the cache. Exit "
                                   "status 1 when part of the range could not be read at all."),
                                 entries, &help);
  if (!_bk_cli_parse (context, argc, argv, &rest, &error))
    return _bk_cli_report (context, error);
  if (help)
    return _bk_cli_print_help (context);
  if (rest[0] != NULL)
    return _bk_cli_usage_error (context, _("Too many arguments"));
  if (!parse_window (from_text, to_text, &from, &to, &error))
    return _bk_cli_report (context, error);

  if ((store = _bk_cli_open_store (&error)) == NULL ||
      (integration = get_connected (store, &error)) == NULL ||
      (report = read_busy (store, from, to, &error)) == NULL)
    return _bk_cli_report (NULL, error);

  unread = split_report (report, busy);
  if (json)
    print_busy_json (busy);
  else
    {
      g_autofree char *read_at = _bk_cli_format_instant (report->read_at);
      const BkCliProvider *provider = _bk_cli_get_current_provider (store);

      if (report->from_cache && report->read_at == 0)
        g_printerr (_("%s could not be read, and nothing is cached for this range.\n"), _(provider->label));
      else if (report->from_cache)
        g_printerr (_("%s could not be read: from the cache, read at %s.\n"), _(provider->label), read_at);
      else
        g_printerr (_("Read live from %s at %s.\n"), _(provider->short_label), read_at);
      print_busy_table (busy);
    }
  return unread > 0 ? BK_CLI_EXIT_FAILURE : BK_CLI_EXIT_OK;
}
