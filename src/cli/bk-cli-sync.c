/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bk-cli-sync.c: signin, signout, sync, status, appointments cancel and
 * reschedule — bookablectl's side of the shared backend. The bearer token
 * lives in the keyring (provider "bookable-server", account
 * "EMAIL@SERVER"); the server and email in the store's sync state, so
 * `status` works offline. */

#define G_LOG_DOMAIN "bk-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <termios.h>
#include <unistd.h>

#include "bk-appointment.h"
#include "bk-backend-account.h"
#include "bk-backend-client.h"
#include "bk-cli-private.h"
#include "bk-google-calendar-strategy.h"
#include "bk-office365-calendar-strategy.h"
#include "bk-store.h"
#include "bk-sync-changes.h"
#include "bk-sync-engine.h"
#include "bk-time.h"
#include "bk-token-store.h"

/* ---------------------------------------------------------------------- */
/* Helpers                                                                */

/* The signed-in client (server and token), or NULL with an error saying
 * how to sign in (src/sync/bk-backend-account.c, shared with the window). */
static BkBackendClient *
open_client (BkStore  *store,
             BkHttp   *http,
             GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  bk_backend_account_open_client_async (store, http, NULL, _bk_cli_got_result_cb, &result);
  return bk_backend_account_open_client_finish (_bk_cli_wait_result (&result), error);
}

/* Without echo on a terminal; one line from a pipe. */
static char *
read_password (void)
{
  struct termios old, quiet;
  gboolean tty = isatty (STDIN_FILENO);
  char line[1024];
  char *got;

  if (tty)
    {
      g_printerr ("%s", _("Password: "));
      tcgetattr (STDIN_FILENO, &old);
      quiet = old;
      quiet.c_lflag &= ~ECHO;
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
    }
  got = fgets (line, sizeof line, stdin);
  if (tty)
    {
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &old);
      g_printerr ("\n");
    }
  if (got == NULL)
    return NULL;
  line[strcspn (line, "\r\n")] = '\0';
  return g_strdup (line);
}

/* ---------------------------------------------------------------------- */
/* signin / signout                                                       */

/* Server, keyring and store in the order the window uses too. */
static gboolean
sign_in (const char  *server,
         const char  *email,
         const char  *password,
         GError     **error)
{
  g_autoptr(BkStore) store = NULL;
  g_autoptr(BkHttp) http = _bk_cli_new_http ();
  g_autoptr(BkBackendClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  if ((store = _bk_cli_open_store (error)) == NULL)
    return FALSE;
  bk_backend_account_sign_in_async (store, http, server, email, password, NULL,
                                    _bk_cli_got_result_cb, &result);
  client = bk_backend_account_sign_in_finish (_bk_cli_wait_result (&result), error);
  return client != NULL;
}

int
_bk_cli_signin_run (int    argc,
                    char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) rest = NULL;
  g_autofree char *server = NULL;
  g_autofree char *email = NULL;
  g_autofree char *password = NULL;
  gboolean help = FALSE;
  const GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, &server, N_("The Bookable server (http[s]://host[:port])"), N_("URL") },
    { "email", 0, 0, G_OPTION_ARG_STRING, &email, N_("Your email address on it"), N_("EMAIL") },
    G_OPTION_ENTRY_NULL
  };

  context = _bk_cli_context_new ("signin", NULL,
                                 _("Sign in to a Bookable server. The password is read from "
                                   "the terminal without echo, or from standard input. The "
                                   "sign-in token is kept in the keyring."),
                                 entries, &help);
  if (!_bk_cli_parse (context, argc, argv, &rest, &error))
    return _bk_cli_report (context, error);
  if (help)
    return _bk_cli_print_help (context);
  if (rest[0] != NULL)
    return _bk_cli_usage_error (context, _("Too many arguments"));
  if (server == NULL || email == NULL)
    return _bk_cli_usage_error (context, _("Both --server and --email are needed"));
  if (!g_str_has_prefix (server, "http://") && !g_str_has_prefix (server, "https://"))
    return _bk_cli_usage_error (context, _("--server: an http:// or https:// URL"));

  if ((password = read_password ()) == NULL || *password == '\0')
    return _bk_cli_usage_error (context, _("No password given"));
  if (!sign_in (server, email, password, &error))
    return _bk_cli_report (NULL, error);

  g_print (_("Signed in to %s as %s.\n"), server, email);
  return BK_CLI_EXIT_OK;
}

int
_bk_cli_signout_run (int    argc,
                     char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BkStore) store = NULL;
  g_autoptr(BkHttp) http = NULL;
  g_autoptr(GAsyncResult) signed_out = NULL;
  g_auto(GStrv) rest = NULL;
  g_autofree char *server = NULL;
  g_autofree char *email = NULL;
  gboolean help = FALSE;
  const GOptionEntry entries[] = { G_OPTION_ENTRY_NULL };

  context = _bk_cli_context_new ("signout", NULL,
                                 _("Sign out of the Bookable server and forget the token. "
                                   "Queued changes stay queued for the next sign-in."),
                                 entries, &help);
  if (!_bk_cli_parse (context, argc, argv, &rest, &error))
    return _bk_cli_report (context, error);
  if (help)
    return _bk_cli_print_help (context);
  if (rest[0] != NULL)
    return _bk_cli_usage_error (context, _("Too many arguments"));
  if ((store = _bk_cli_open_store (&error)) == NULL)
    return _bk_cli_report (NULL, error);

  server = bk_store_get_sync_state (store, BK_SYNC_KEY_SERVER, NULL);
  email = bk_store_get_sync_state (store, BK_SYNC_KEY_EMAIL, NULL);
  if (server == NULL || email == NULL)
    {
      g_print ("%s\n", _("Not signed in."));
      return BK_CLI_EXIT_OK;
    }

  /* ending the session on the server is a courtesy: offline, the local
   * sign-out still happens */
  http = _bk_cli_new_http ();
  bk_backend_account_sign_out_async (store, http, NULL, _bk_cli_got_result_cb, &signed_out);
  if (!bk_backend_account_sign_out_finish (_bk_cli_wait_result (&signed_out), &error))
    return _bk_cli_report (NULL, error);

  g_print (_("Signed out of %s.\n"), server);
  return BK_CLI_EXIT_OK;
}

/* ---------------------------------------------------------------------- */
/* sync                                                                   */

/* The active source's strategy (NULL for manual): publishing manual slots
 * for a calendar source would offer time the calendar has taken. */
static gboolean
open_strategy (BkStore                 *store,
               BkHttp                  *http,
               BkAvailabilityStrategy **out_strategy,
               GError                 **error)
{
  g_autoptr(GError) local_error = NULL;
  BkSource source = bk_store_get_active_source (store, &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  switch (source)
    {
    case BK_SOURCE_MANUAL:
      *out_strategy = NULL;
      return TRUE;
    case BK_SOURCE_OFFICE365_CALENDAR:
      {
        g_autoptr(BkTokenStore) tokens = bk_token_store_new ();

        *out_strategy = BK_AVAILABILITY_STRATEGY (bk_office365_calendar_strategy_new (store, http, tokens, NULL));
        return TRUE;
      }
    case BK_SOURCE_GOOGLE_CALENDAR:
      {
        g_autoptr(BkTokenStore) tokens = bk_token_store_new ();

        *out_strategy = BK_AVAILABILITY_STRATEGY (bk_google_calendar_strategy_new (store, http, tokens, NULL));
        return TRUE;
      }
    default:
      g_assert_not_reached ();
      return FALSE;
    }
}

static void
print_report (const BkSyncReport *report)
{
  if (report->sent > 0)
    g_print (ngettext ("Sent %u queued change.\n", "Sent %u queued changes.\n", report->sent),
             report->sent);
  for (guint i = 0; i < report->messages->len; i++)
    g_print (_("Refused for good: %s\n"), (const char *) g_ptr_array_index (report->messages, i));
  g_print (ngettext ("Read %u change from the server", "Read %u changes from the server",
                     report->changes), report->changes);
  g_print (ngettext (" (%u appointment updated).\n", " (%u appointments updated).\n",
                     report->appointments), report->appointments);
  if (report->published)
    g_print (ngettext ("Published %u slot.\n", "Published %u slots.\n", report->slots), report->slots);
  else
    g_print ("%s\n", _("Slots unchanged; nothing published."));
  g_print (ngettext ("%u request made.\n", "%u requests made.\n", report->requests), report->requests);
  /* only a calendar source has a calendar service to ask */
  if (report->calendar_requests > 0)
    g_print (ngettext ("%u calendar request made.\n", "%u calendar requests made.\n",
                       report->calendar_requests), report->calendar_requests);
}

int
_bk_cli_sync_run (int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BkStore) store = NULL;
  g_autoptr(BkBackendClient) client = NULL;
  g_autoptr(BkHttp) http = _bk_cli_new_http ();
  g_autoptr(BkAvailabilityStrategy) strategy = NULL;
  g_autoptr(BkSyncEngine) engine = NULL;
  g_autoptr(BkSyncReport) report = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_auto(GStrv) rest = NULL;
  gboolean help = FALSE;
  const GOptionEntry entries[] = { G_OPTION_ENTRY_NULL };

  context = _bk_cli_context_new ("sync", NULL,
                                 _("Run one sync pass with the server: send queued changes, "
                                   "read new bookings and cancellations, publish the free "
                                   "slots if they changed. Exit status 1 says why a pass failed; "
                                   "the next one resumes where it stopped."),
                                 entries, &help);
  if (!_bk_cli_parse (context, argc, argv, &rest, &error))
    return _bk_cli_report (context, error);
  if (help)
    return _bk_cli_print_help (context);
  if (rest[0] != NULL)
    return _bk_cli_usage_error (context, _("Too many arguments"));
  if ((store = _bk_cli_open_store (&error)) == NULL)
    return _bk_cli_report (NULL, error);
  if ((client = open_client (store, http, &error)) == NULL
      || !open_strategy (store, http, &strategy, &error))
    return _bk_cli_report (NULL, error);

  engine = bk_sync_engine_new (store, client, strategy);
  bk_sync_engine_sync_async (engine, NULL, _bk_cli_got_result_cb, &result);
  if ((report = bk_sync_engine_sync_finish (engine, _bk_cli_wait_result (&result), &error)) == NULL)
    return _bk_cli_report (NULL, error);
  print_report (report);
  return BK_CLI_EXIT_OK;
}

/* ---------------------------------------------------------------------- */
/* status                                                                 */

typedef struct
{
  char      *server;
  char      *email;
  gint64     last_sync;
  gboolean   offline;
  gboolean   sign_in_needed;
  char      *last_error;
  guint      pending;
  GPtrArray *refusals;
} Status;

static void
status_clear (Status *status)
{
  g_free (status->server);
  g_free (status->email);
  g_free (status->last_error);
  g_clear_pointer (&status->refusals, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Status, status_clear)

static gboolean
load_status (BkStore  *store,
             Status   *status,
             GError  **error)
{
  g_autofree char *last_sync = NULL;
  g_autofree char *offline = NULL;
  g_autofree char *sign_in = NULL;
  g_autoptr(GError) local_error = NULL;

  status->server = bk_store_get_sync_state (store, BK_SYNC_KEY_SERVER, NULL);
  status->email = bk_store_get_sync_state (store, BK_SYNC_KEY_EMAIL, NULL);
  status->last_error = bk_store_get_sync_state (store, BK_SYNC_KEY_LAST_ERROR, NULL);
  last_sync = bk_store_get_sync_state (store, BK_SYNC_KEY_LAST_SYNC, NULL);
  offline = bk_store_get_sync_state (store, BK_SYNC_KEY_OFFLINE, NULL);
  sign_in = bk_store_get_sync_state (store, BK_SYNC_KEY_SIGN_IN, NULL);
  status->last_sync = last_sync ? g_ascii_strtoll (last_sync, NULL, 10) : 0;
  status->offline = offline != NULL;
  status->sign_in_needed = sign_in != NULL;
  status->pending = bk_store_outbox_count (store, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  status->refusals = bk_store_list_refusals (store, error);
  return status->refusals != NULL;
}

static void
add_string_member (JsonBuilder *builder,
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
print_status_json (BkStore      *store,
                   const Status *status)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *last_sync = status->last_sync ? bk_time_format_iso8601_utc (status->last_sync) : NULL;

  json_builder_begin_object (builder);
  add_string_member (builder, "server", status->server);
  add_string_member (builder, "account", status->email);
  json_builder_set_member_name (builder, "signed_in");
  json_builder_add_boolean_value (builder, status->server != NULL && !status->sign_in_needed);
  json_builder_set_member_name (builder, "sign_in_needed");
  json_builder_add_boolean_value (builder, status->sign_in_needed);
  add_string_member (builder, "last_sync", last_sync);
  json_builder_set_member_name (builder, "offline");
  json_builder_add_boolean_value (builder, status->offline);
  add_string_member (builder, "last_error", status->last_error);
  json_builder_set_member_name (builder, "pending");
  json_builder_add_int_value (builder, status->pending);
  json_builder_set_member_name (builder, "refused");
  json_builder_begin_array (builder);
  for (guint i = 0; i < status->refusals->len; i++)
    {
      BkOutboxEntry *entry = g_ptr_array_index (status->refusals, i);

      json_builder_begin_object (builder);
      add_string_member (builder, "kind", entry->kind);
      add_string_member (builder, "payload", entry->payload);
      add_string_member (builder, "message", entry->last_error);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  /* issue 3: the calendar source, nested so its "account" and "last_sync"
   * do not clash with the server's */
  json_builder_set_member_name (builder, "calendar");
  json_builder_begin_object (builder);
  _bk_cli_integration_status_json (store, builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  _bk_cli_print_json (root);
}

static void
print_status_text (const Status *status)
{
  g_autofree char *last_sync = NULL;

  if (status->server == NULL)
    {
      g_print ("%s\n", _("Server: not signed in (bookablectl signin --server URL --email EMAIL)"));
      return;
    }
  last_sync = status->last_sync ? _bk_cli_format_local (status->last_sync, "%Y-%m-%d %H:%M:%S %Z")
                                : g_strdup (_("never"));
  g_print (_("Server: %s\n"), status->server);
  g_print (_("Account: %s\n"), status->email);
  g_print (_("Last sync: %s\n"), last_sync);
  if (status->sign_in_needed)
    g_print (_("Sign in again: %s\n"), status->last_error ? status->last_error : "");
  else if (status->offline)
    g_print ("%s\n", _("Offline: the last sync could not reach the server."));
  else if (status->last_error != NULL)
    g_print (_("Last sync failed: %s\n"), status->last_error);
  else
    g_print ("%s\n", _("Online."));
  g_print (ngettext ("%u change waiting to be sent.\n", "%u changes waiting to be sent.\n",
                     status->pending), status->pending);
  for (guint i = 0; i < status->refusals->len; i++)
    {
      BkOutboxEntry *entry = g_ptr_array_index (status->refusals, i);

      g_print (_("Refused by the server: %s %s: %s\n"), entry->kind, entry->payload, entry->last_error);
    }
}

int
_bk_cli_status_run (int    argc,
                    char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BkStore) store = NULL;
  g_auto(GStrv) rest = NULL;
  g_auto(Status) status = { 0, };
  gboolean help = FALSE;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    G_OPTION_ENTRY_NULL
  };

  context = _bk_cli_context_new ("status", NULL,
                                 _("Show the server this profile syncs with, when it last "
                                   "synced, whether it is offline or must sign in again, and "
                                   "the changes waiting to be sent. Needs no network."),
                                 entries, &help);
  if (!_bk_cli_parse (context, argc, argv, &rest, &error))
    return _bk_cli_report (context, error);
  if (help)
    return _bk_cli_print_help (context);
  if (rest[0] != NULL)
    return _bk_cli_usage_error (context, _("Too many arguments"));
  if ((store = _bk_cli_open_store (&error)) == NULL || !load_status (store, &status, &error))
    return _bk_cli_report (NULL, error);

  if (json)
    print_status_json (store, &status);
  else
    {
      g_autoptr(GString) calendar = g_string_new (NULL);

      print_status_text (&status);
      _bk_cli_integration_status_text (store, calendar);
      g_print ("%s", calendar->str);
    }
  return BK_CLI_EXIT_OK;
}

/* ---------------------------------------------------------------------- */
/* appointments cancel                                                    */

/* The options and the one appointment ID of `appointments cancel|
 * reschedule` into @out_rest: -1, or the exit status to return now
 * (--help, a usage mistake). */
static int
parse_appointment_args (GOptionContext   *context,
                        int               argc,
                        char            **argv,
                        const gboolean   *help,
                        GStrv            *out_rest)
{
  g_autoptr(GError) error = NULL;

  if (!_bk_cli_parse (context, argc, argv, out_rest, &error))
    return _bk_cli_report (context, error);
  if (*help)
    return _bk_cli_print_help (context);
  if ((*out_rest)[0] == NULL)
    return _bk_cli_usage_error (context, _("Which appointment? Give its ID"));
  if ((*out_rest)[1] != NULL)
    return _bk_cli_usage_error (context, _("Too many arguments"));
  return -1;
}

int
_bk_cli_appointments_cancel_run (int    argc,
                                 char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BkStore) store = NULL;
  g_auto(GStrv) rest = NULL;
  g_autofree char *reason = NULL;
  gboolean help = FALSE;
  int status;
  const GOptionEntry entries[] = {
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("Why (the client sees it)"), N_("TEXT") },
    G_OPTION_ENTRY_NULL
  };

  context = _bk_cli_context_new ("appointments cancel", N_("ID"),
                                 _("Cancel an appointment. It is cancelled here at once and "
                                   "shown as pending until a sync delivers it to the server."),
                                 entries, &help);
  if ((status = parse_appointment_args (context, argc, argv, &help, &rest)) >= 0)
    return status;
  if ((store = _bk_cli_open_store (&error)) == NULL ||
      !bk_sync_queue_cancel (store, rest[0], reason, &error))
    return _bk_cli_report (NULL, error);

  g_print (_("Cancelled appointment %s; it is pending until the next sync.\n"), rest[0]);
  return BK_CLI_EXIT_OK;
}

/* ---------------------------------------------------------------------- */
/* appointments reschedule                                                */

/* "2027-03-26 10:00–11:00 CET", both ends in full when the move spans
 * local midnight. */
static char *
format_move (gint64 start,
             gint64 end)
{
  g_autoptr(GDateTime) from = _bk_cli_local_date_time (start);
  g_autoptr(GDateTime) to = _bk_cli_local_date_time (end);
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;

  if (from != NULL && to != NULL
      && g_date_time_get_year (from) == g_date_time_get_year (to)
      && g_date_time_get_day_of_year (from) == g_date_time_get_day_of_year (to))
    {
      first = _bk_cli_format_local (start, "%Y-%m-%d %H:%M");
      last = _bk_cli_format_local (end, "%H:%M %Z");
      return g_strdup_printf ("%s–%s", first, last);
    }
  first = _bk_cli_format_instant (start);
  last = _bk_cli_format_instant (end);
  return g_strdup_printf ("%s – %s", first, last);
}

/* @start plus the appointment's current length: without --end it keeps
 * its length. */
static gboolean
get_default_end (BkStore     *store,
                 const char  *id,
                 gint64       start,
                 gint64      *out_end,
                 GError     **error)
{
  g_autoptr(BkAppointment) appointment = bk_store_get_appointment (store, id, error);

  if (appointment == NULL)
    return FALSE;
  *out_end = start + (bk_appointment_get_end (appointment) - bk_appointment_get_start (appointment));
  return TRUE;
}

int
_bk_cli_appointments_reschedule_run (int    argc,
                                     char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BkStore) store = NULL;
  g_auto(GStrv) rest = NULL;
  g_autofree char *start_text = NULL;
  g_autofree char *end_text = NULL;
  g_autofree char *when = NULL;
  gboolean help = FALSE;
  gint64 start = 0, end = 0;
  int status;
  const GOptionEntry entries[] = {
    { "start", 0, 0, G_OPTION_ARG_STRING, &start_text, N_("The new start (ISO 8601 with offset)"), N_("ISO") },
    { "end", 0, 0, G_OPTION_ARG_STRING, &end_text, N_("The new end (default: as long as it is now)"), N_("ISO") },
    G_OPTION_ENTRY_NULL
  };

  context = _bk_cli_context_new ("appointments reschedule", N_("ID"),
                                 _("Move a booked appointment to another time. It keeps its "
                                   "time here, shown as pending, until a sync delivers the move "
                                   "and the server confirms it; the server refuses a time that "
                                   "is taken."),
                                 entries, &help);
  if ((status = parse_appointment_args (context, argc, argv, &help, &rest)) >= 0)
    return status;
  if (start_text == NULL)
    return _bk_cli_usage_error (context, _("When to? Give --start"));
  /* a bad time is a usage error even before the profile is opened */
  if (!_bk_cli_parse_instant ("--start", start_text, &start, &error)
      || (end_text != NULL && !_bk_cli_parse_instant ("--end", end_text, &end, &error)))
    return _bk_cli_report (context, error);
  if ((store = _bk_cli_open_store (&error)) == NULL
      || (end_text == NULL && !get_default_end (store, rest[0], start, &end, &error))
      || !bk_sync_queue_reschedule (store, rest[0], start, end, &error))
    return _bk_cli_report (NULL, error);

  when = format_move (start, end);
  g_print (_("Appointment %s moves to %s once the server confirms it (next sync).\n"), rest[0], when);
  return BK_CLI_EXIT_OK;
}
