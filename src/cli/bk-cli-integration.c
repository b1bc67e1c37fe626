/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bk-cli-integration.c: `bookablectl connect|disconnect office365|google`,
 * the calendar part of `status`, and what `slots`, `calendars` and `busy`
 * share: the table of calendar services, the strategy a command works
 * through, and waiting for its asynchronous calls on the default main
 * context. Nothing below the table knows which service it drives. */
#define G_LOG_DOMAIN "bk-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <stdio.h>

#include "bk-cli-private.h"
#include "bk-google-calendar-strategy.h"
#include "bk-graph-client.h"
#include "bk-office365-calendar-strategy.h"
#include "bk-settings.h"
#include "bk-time.h"
#include "bk-token-store.h"

/* How long `connect` waits for the browser by default: the sign-in page,
 * a password manager and MFA take a while, but not forever. */
#define DEFAULT_CONNECT_TIMEOUT 300

/* ---------------------------------------------------------------------- */
/* Shared helpers                                                         */

void
_bk_cli_got_result_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

GAsyncResult *
_bk_cli_wait_result (GAsyncResult **slot)
{
  g_return_val_if_fail (slot != NULL, NULL);

  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

GSettings *
_bk_cli_open_settings (GError **error)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  /* g_settings_new() aborts on a missing schema; a command says why */
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, BK_SETTINGS_SCHEMA_ID, TRUE);
  if (schema == NULL)
    {
      g_set_error (error, BK_CLI_ERROR, BK_CLI_ERROR_FAILED,
                   _("The settings schema %s is not installed; install Bookable, or point "
                     "GSETTINGS_SCHEMA_DIR at a build's “data” folder."),
                   BK_SETTINGS_SCHEMA_ID);
      return NULL;
    }
  return bk_settings_new ();
}

/* ---------------------------------------------------------------------- */
/* The calendar services                                                  */

static GObject *
new_office365 (BkStore      *store,
               BkHttp       *http,
               BkTokenStore *tokens,
               GSettings    *settings)
{
  return G_OBJECT (bk_office365_calendar_strategy_new (store, http, tokens, settings));
}

static GObject *
new_google (BkStore      *store,
            BkHttp       *http,
            BkTokenStore *tokens,
            GSettings    *settings)
{
  return G_OBJECT (bk_google_calendar_strategy_new (store, http, tokens, settings));
}

static const BkCliProvider providers[] = {
  {
    "office365", BK_PROVIDER_OFFICE365, BK_SOURCE_OFFICE365_CALENDAR,
    N_("Office 365 Calendar"), N_("Office 365"), "Microsoft",
    bk_graph_error_quark, BK_GRAPH_ERROR_RECONNECT_NEEDED, new_office365,
  },
  {
    "google", BK_PROVIDER_GOOGLE, BK_SOURCE_GOOGLE_CALENDAR,
    N_("Google Calendar"), N_("Google Calendar"), "Google",
    bk_google_error_quark, BK_GOOGLE_ERROR_RECONNECT_NEEDED, new_google,
  },
};

const char *
_bk_cli_list_providers (void)
{
  return "office365, google";
}

const BkCliProvider *
_bk_cli_lookup_provider (const char  *name,
                         GError     **error)
{
  if (name == NULL)
    {
      g_set_error (error, BK_CLI_ERROR, BK_CLI_ERROR_USAGE,
                   _("Which calendar service? Bookable can connect: %s"), _bk_cli_list_providers ());
      return NULL;
    }
  for (guint i = 0; i < G_N_ELEMENTS (providers); i++)
    if (g_str_equal (name, providers[i].name))
      return &providers[i];
  g_set_error (error, BK_CLI_ERROR, BK_CLI_ERROR_USAGE,
               _("Unknown calendar service “%s”; Bookable can connect: %s"), name, _bk_cli_list_providers ());
  return NULL;
}

const BkCliProvider *
_bk_cli_get_current_provider (BkStore *store)
{
  BkSource source;

  g_return_val_if_fail (BK_IS_STORE (store), NULL);

  source = bk_store_get_active_source (store, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (providers); i++)
    if (providers[i].source == source)
      return &providers[i];
  /* manual: the service still connected, if any (e.g. reconnect needed) */
  for (guint i = 0; i < G_N_ELEMENTS (providers); i++)
    {
      g_autoptr(BkIntegration) integration = bk_store_get_integration (store, providers[i].provider, NULL);

      if (integration != NULL && integration->account != NULL)
        return &providers[i];
    }
  return &providers[0];
}

GObject *
_bk_cli_new_strategy (BkStore              *store,
                      const BkCliProvider  *provider,
                      GError              **error)
{
  g_autoptr(BkHttp) http = NULL;
  g_autoptr(BkTokenStore) token_store = NULL;
  g_autoptr(GSettings) settings = NULL;

  g_return_val_if_fail (BK_IS_STORE (store), NULL);
  g_return_val_if_fail (provider != NULL, NULL);

  if ((settings = _bk_cli_open_settings (error)) == NULL)
    return NULL;
  http = _bk_cli_new_http ();
  token_store = bk_token_store_new ();
  return provider->new_strategy (store, http, token_store, settings);
}

char *
_bk_cli_format_instant (gint64 unix_seconds)
{
  if (unix_seconds == 0)
    return g_strdup (_("never"));
  return _bk_cli_format_local (unix_seconds, "%Y-%m-%d %H:%M %Z");
}

/* ---------------------------------------------------------------------- */
/* connect office365|google                                               */

typedef struct
{
  const BkCliProvider *provider;
  GCancellable *cancellable;
  gboolean      no_browser;
  gboolean      interrupted;
  gboolean      timed_out;
  guint         timeout;
} ConnectRun;

static void
authorize_uri_ready_cb (const char *uri,
                        gpointer    user_data)
{
  ConnectRun *run = user_data;
  g_autoptr(GError) error = NULL;

  /* its own line, flushed at once: scripts and tests read it while the
   * command keeps waiting */
  fprintf (stdout, "%s\n", uri);
  fflush (stdout);

  if (!run->no_browser && !g_app_info_launch_default_for_uri (uri, NULL, &error))
    g_printerr (_("bookablectl: Could not open a browser (%s); open the address above yourself.\n"),
                error->message);
  g_printerr (_("Waiting for the sign-in in the browser (Ctrl-C cancels)…\n"));
}

static gboolean
interrupted_cb (gpointer user_data)
{
  ConnectRun *run = user_data;

  run->interrupted = TRUE;
  g_cancellable_cancel (run->cancellable);
  return G_SOURCE_CONTINUE;
}

static gboolean
connect_timed_out_cb (gpointer user_data)
{
  ConnectRun *run = user_data;

  run->timed_out = TRUE;
  g_cancellable_cancel (run->cancellable);
  return G_SOURCE_REMOVE;
}

/* Runs the sign-in with Ctrl-C and the timeout both cancelling it. */
static char *
run_connect (GObject     *strategy,
             ConnectRun  *run,
             GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) local_error = NULL;
  guint sigint_id, sigterm_id, timeout_id;
  char *account;

  sigint_id = g_unix_signal_add (SIGINT, interrupted_cb, run);
  sigterm_id = g_unix_signal_add (SIGTERM, interrupted_cb, run);
  timeout_id = g_timeout_add_seconds (run->timeout, connect_timed_out_cb, run);

  bk_calendar_strategy_connect_async (BK_CALENDAR_STRATEGY (strategy), authorize_uri_ready_cb, run,
                                      run->cancellable, _bk_cli_got_result_cb, &result);
  account = bk_calendar_strategy_connect_finish (BK_CALENDAR_STRATEGY (strategy),
                                                 _bk_cli_wait_result (&result), &local_error);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  if (!run->timed_out)
    g_source_remove (timeout_id);

  if (account != NULL)
    return account;
  if (run->interrupted)
    g_set_error (error, BK_CLI_ERROR, BK_CLI_ERROR_FAILED,
                 _("Cancelled; %s was not connected."), _(run->provider->label));
  else if (run->timed_out)
    g_set_error (error, BK_CLI_ERROR, BK_CLI_ERROR_FAILED,
                 ngettext ("No sign-in arrived within %u second; %s was not "
                           "connected. Run the command again (--timeout gives more time).",
                           "No sign-in arrived within %u seconds; %s was not "
                           "connected. Run the command again (--timeout gives more time).",
                           run->timeout),
                 run->timeout, _(run->provider->label));
  else
    g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}

int
_bk_cli_connect_run (int    argc,
                     char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BkStore) store = NULL;
  g_autoptr(GObject) strategy = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(BkIntegration) integration = NULL;
  g_auto(GStrv) rest = NULL;
  g_autofree char *account = NULL;
  ConnectRun run = { NULL, cancellable, FALSE, FALSE, FALSE, DEFAULT_CONNECT_TIMEOUT };
  gint timeout = DEFAULT_CONNECT_TIMEOUT;
  gboolean help = FALSE;
  const GOptionEntry entries[] = {
    { "no-browser", 0, 0, G_OPTION_ARG_NONE, &run.no_browser, N_("Only print the sign-in address; open it yourself"), NULL },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout, N_("Give up after this many seconds (default 300)"), N_("SECONDS") },
    G_OPTION_ENTRY_NULL
  };

  context = _bk_cli_context_new ("connect", "office365|google",
                                 _("Sign in to Microsoft (office365) or Google (google) in the "
                                   "browser and make that calendar the source of your free time. "
                                   "The sign-in address is printed on its own line; the browser "
                                   "comes back to this computer (127.0.0.1) when you are done. The "
                                   "tokens go to the system keyring only. Also what reconnecting is."),
                                 entries, &help);
  if (!_bk_cli_parse (context, argc, argv, &rest, &error))
    return _bk_cli_report (context, error);
  if (help)
    return _bk_cli_print_help (context);
  if ((run.provider = _bk_cli_lookup_provider (rest[0], &error)) == NULL)
    return _bk_cli_report (context, error);
  if (rest[1] != NULL)
    return _bk_cli_usage_error (context, _("Too many arguments"));
  if (timeout <= 0)
    return _bk_cli_usage_error (context, _("--timeout must be a positive number of seconds"));
  run.timeout = (guint) timeout;

  if ((store = _bk_cli_open_store (&error)) == NULL ||
      (strategy = _bk_cli_new_strategy (store, run.provider, &error)) == NULL)
    return _bk_cli_report (NULL, error);
  if ((account = run_connect (strategy, &run, &error)) == NULL)
    return _bk_cli_report (NULL, error);

  integration = bk_store_get_integration (store, run.provider->provider, NULL);
  if (integration != NULL && integration->display_name != NULL && *integration->display_name != '\0')
    g_print (_("Connected to %s as %s (%s).\n"), _(run.provider->label), account, integration->display_name);
  else
    g_print (_("Connected to %s as %s.\n"), _(run.provider->label), account);
  g_print ("%s\n", _("Your free time now comes from your rules and the chosen calendars "
                     "(see “bookablectl calendars”)."));
  return BK_CLI_EXIT_OK;
}

/* ---------------------------------------------------------------------- */
/* disconnect office365|google                                            */

int
_bk_cli_disconnect_run (int    argc,
                        char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BkStore) store = NULL;
  g_autoptr(GObject) strategy = NULL;
  g_autoptr(BkIntegration) integration = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_auto(GStrv) rest = NULL;
  const BkCliProvider *provider;
  gboolean help = FALSE;

  context = _bk_cli_context_new ("disconnect", "office365|google",
                                 _("Forget the Office 365 or Google account: its tokens are "
                                   "removed from the keyring, its calendars and cached busy times "
                                   "are forgotten, and your free time comes from your rules and "
                                   "blocks alone again (they are kept)."),
                                 NULL, &help);
  if (!_bk_cli_parse (context, argc, argv, &rest, &error))
    return _bk_cli_report (context, error);
  if (help)
    return _bk_cli_print_help (context);
  if ((provider = _bk_cli_lookup_provider (rest[0], &error)) == NULL)
    return _bk_cli_report (context, error);
  if (rest[1] != NULL)
    return _bk_cli_usage_error (context, _("Too many arguments"));

  if ((store = _bk_cli_open_store (&error)) == NULL ||
      (integration = bk_store_get_integration (store, provider->provider, &error)) == NULL ||
      (strategy = _bk_cli_new_strategy (store, provider, &error)) == NULL)
    return _bk_cli_report (NULL, error);

  bk_calendar_strategy_disconnect_async (BK_CALENDAR_STRATEGY (strategy), NULL, _bk_cli_got_result_cb, &result);
  if (!bk_calendar_strategy_disconnect_finish (BK_CALENDAR_STRATEGY (strategy),
                                               _bk_cli_wait_result (&result), &error))
    return _bk_cli_report (NULL, error);

  if (integration->account == NULL)
    g_print (_("%s was not connected; free time comes from your rules and blocks.\n"), _(provider->label));
  else
    g_print (_("Disconnected %s. Free time comes from your rules and blocks again.\n"),
             integration->account);
  return BK_CLI_EXIT_OK;
}

/* ---------------------------------------------------------------------- */
/* status: the calendar source                                            */

static const char *
get_state (const BkIntegration *integration)
{
  if (integration == NULL || integration->account == NULL)
    return "disconnected";
  return integration->reconnect_needed ? "reconnect_needed" : "connected";
}

static void
add_nullable_string (JsonBuilder *builder,
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
add_instant (JsonBuilder *builder,
             const char  *name,
             gint64       unix_seconds)
{
  g_autofree char *text = unix_seconds != 0 ? bk_time_format_iso8601_utc (unix_seconds) : NULL;

  add_nullable_string (builder, name, text);
}

void
_bk_cli_integration_status_json (BkStore     *store,
                                 JsonBuilder *builder)
{
  g_autoptr(BkIntegration) integration = NULL;
  g_autoptr(GPtrArray) calendars = NULL;
  const BkCliProvider *provider;
  BkSource source;

  g_return_if_fail (BK_IS_STORE (store));
  g_return_if_fail (JSON_IS_BUILDER (builder));

  source = bk_store_get_active_source (store, NULL);
  provider = _bk_cli_get_current_provider (store);
  integration = bk_store_get_integration (store, provider->provider, NULL);
  calendars = bk_store_list_calendars (store, provider->provider, NULL);

  add_nullable_string (builder, "source", bk_source_to_string (source));
  add_nullable_string (builder, "account", integration ? integration->account : NULL);
  add_nullable_string (builder, "state", get_state (integration));
  add_instant (builder, "last_sync", integration ? integration->last_sync_at : 0);
  json_builder_set_member_name (builder, "calendars");
  json_builder_begin_array (builder);
  for (guint i = 0; calendars != NULL && i < calendars->len; i++)
    {
      const BkCalendar *calendar = g_ptr_array_index (calendars, i);

      json_builder_begin_object (builder);
      add_nullable_string (builder, "id", calendar->remote_id);
      add_nullable_string (builder, "name", calendar->name);
      json_builder_set_member_name (builder, "selected");
      json_builder_add_boolean_value (builder, calendar->selected);
      json_builder_set_member_name (builder, "destination");
      json_builder_add_boolean_value (builder, calendar->destination);
      add_instant (builder, "last_read", calendar->last_read_at);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static const char *
get_source_label (BkSource source)
{
  switch (source)
    {
    case BK_SOURCE_OFFICE365_CALENDAR:
      return _("Office 365 Calendar");
    case BK_SOURCE_GOOGLE_CALENDAR:
      return _("Google Calendar");
    case BK_SOURCE_MANUAL:
    default:
      return _("manual (rules and blocks)");
    }
}

static void
append_calendar_lines (GString   *out,
                       GPtrArray *calendars)
{
  for (guint i = 0; calendars != NULL && i < calendars->len; i++)
    {
      const BkCalendar *calendar = g_ptr_array_index (calendars, i);
      g_autofree char *read = _bk_cli_format_instant (calendar->last_read_at);
      const char *role;

      if (calendar->selected && calendar->destination)
        role = _("blocks time, appointments go here");
      else if (calendar->selected)
        role = _("blocks time");
      else if (calendar->destination)
        role = _("appointments go here");
      else
        role = _("not used");
      g_string_append_printf (out, _("  %s: %s; last read %s\n"), calendar->name, role, read);
    }
}

void
_bk_cli_integration_status_text (BkStore *store,
                                 GString *out)
{
  g_autoptr(BkIntegration) integration = NULL;
  g_autoptr(GPtrArray) calendars = NULL;
  g_autofree char *last_sync = NULL;
  const BkCliProvider *provider;
  BkSource source;

  g_return_if_fail (BK_IS_STORE (store));
  g_return_if_fail (out != NULL);

  source = bk_store_get_active_source (store, NULL);
  provider = _bk_cli_get_current_provider (store);
  integration = bk_store_get_integration (store, provider->provider, NULL);
  calendars = bk_store_list_calendars (store, provider->provider, NULL);

  g_string_append_printf (out, _("Calendar source: %s\n"), get_source_label (source));
  if (integration == NULL || integration->account == NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (providers); i++)
        g_string_append_printf (out, _("%s: not connected (bookablectl connect %s)\n"),
                                _(providers[i].label), providers[i].name);
      return;
    }

  g_string_append_printf (out, _("Calendar account: %s\n"), integration->account);
  if (integration->reconnect_needed)
    g_string_append_printf (out, _("Reconnect needed: %s Run “bookablectl connect %s”.\n"),
                            integration->reconnect_message ? integration->reconnect_message : "",
                            provider->name);
  else
    g_string_append_printf (out, "%s\n", _("Calendar state: connected"));
  last_sync = _bk_cli_format_instant (integration->last_sync_at);
  g_string_append_printf (out, _("Last calendar read: %s\n"), last_sync);
  append_calendar_lines (out, calendars);
}

/* ---------------------------------------------------------------------- */
/* slots through the active calendar source's strategy                    */

GArray *
_bk_cli_calendar_slots (BkStore       *store,
                        BkSource       source,
                        gint64         from,
                        gint64         to,
                        gint64         now,
                        BkSlotReport **out_report,
                        GError       **error)
{
  g_autoptr(GObject) strategy = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  const BkCliProvider *provider = NULL;
  BkAvailabilityStrategy *availability;

  g_return_val_if_fail (BK_IS_STORE (store), NULL);

  for (guint i = 0; i < G_N_ELEMENTS (providers); i++)
    if (providers[i].source == source)
      provider = &providers[i];
  g_return_val_if_fail (provider != NULL, NULL);

  if ((strategy = _bk_cli_new_strategy (store, provider, error)) == NULL)
    return NULL;
  bk_calendar_strategy_set_now (BK_CALENDAR_STRATEGY (strategy), now);
  availability = BK_AVAILABILITY_STRATEGY (strategy);
  bk_availability_strategy_get_available_slots_async (availability, from, to, NULL,
                                                      _bk_cli_got_result_cb, &result);
  return bk_availability_strategy_get_available_slots_finish (availability, _bk_cli_wait_result (&result),
                                                              out_report, error);
}

void
_bk_cli_print_slot_report (BkStore            *store,
                           const BkSlotReport *report)
{
  g_autoptr(BkIntegration) integration = NULL;
  const BkCliProvider *provider;
  const char *label;

  g_return_if_fail (BK_IS_STORE (store));
  g_return_if_fail (report != NULL);

  provider = _bk_cli_get_current_provider (store);
  label = _(provider->label);
  integration = bk_store_get_integration (store, provider->provider, NULL);
  if (integration != NULL && integration->reconnect_needed)
    g_printerr (_("bookablectl: %s needs reconnecting: %s Run “bookablectl connect %s”.\n"),
                label, integration->reconnect_message ? integration->reconnect_message : "",
                provider->name);
  if (report->from_cache && report->read_at == 0)
    g_printerr (_("bookablectl: %s could not be read, and nothing is cached for this range.\n"), label);
  else if (report->from_cache)
    {
      g_autofree char *read_at = _bk_cli_format_instant (report->read_at);

      g_printerr (_("bookablectl: %s could not be read: busy times from the cache, read at %s.\n"),
                  label, read_at);
    }
  for (guint i = 0; i < report->blocked->len; i++)
    {
      const BkBusyTime *time = g_ptr_array_index (report->blocked, i);
      g_autofree char *start = NULL;
      g_autofree char *end = NULL;

      if (time->reason == NULL)
        continue;
      start = _bk_cli_format_local (time->start, "%Y-%m-%d %H:%M");
      end = _bk_cli_format_local (time->end, "%Y-%m-%d %H:%M");
      g_printerr (_("bookablectl: no slots %s – %s: %s\n"), start, end, time->reason);
    }
}
