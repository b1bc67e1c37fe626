/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Crash safety (issue 5): `bookablectl sync` killed with SIGKILL at random
 * moments, over many runs, while clients book and cancel over HTTP and the
 * expert cancels; then one clean sync must reach the state an uninterrupted
 * run reaches — no queued change lost, none delivered twice, every booking
 * once in the store and on the backend, and in the expert's Office 365
 * calendar exactly one event per booked appointment (none for a cancelled
 * one), the one whose id the backend knows.
 *
 * The Office 365 case runs against the sandbox Microsoft service with a
 * random delay on every Graph answer (a write takes effect before its
 * answer arrives, so a kill can land between the two); the manual case,
 * with no calendar, is the cheaper second check.
 *
 *   test-sync-crash [--runs=N]   (default 200; the manual case runs N/10)
 *
 * The kill moments, bookings, cancellations and Graph delays come from the
 * test's random seed: rerun a failure with the "random seed" line it
 * printed (--seed=R02S…); where a kill lands in a pass still depends on the
 * machine's speed, so a rerun repeats the choices, not always the outcome.
 */
#define G_LOG_DOMAIN "test-sync"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "bk-store.h"
#include "sync-office365-fixture.h"

static SoupSession *session;
static guint runs = 200;

static const char *sync_args[] = { "sync", NULL };

/* What the test did, and so what a converged state must show. */
typedef struct
{
  BkSandboxMicrosoft *sandbox;        /* NULL: the manual source */
  char               *calendar;       /* the Work calendar's id */
  char               *slug;
  GRand              *rand;
  GPtrArray          *booked;         /* appointment ids, in booking order */
  GHashTable         *tokens;         /* id → the client's cancel token */
  GHashTable         *cancelled;      /* id → "expert" or "client" */
  guint               killed;
} Crash;

static void
crash_clear (Crash *crash)
{
  if (crash->sandbox != NULL)
    bk_sandbox_microsoft_stop (crash->sandbox);
  g_clear_object (&crash->sandbox);
  g_clear_pointer (&crash->calendar, g_free);
  g_clear_pointer (&crash->slug, g_free);
  g_clear_pointer (&crash->rand, g_rand_free);
  g_clear_pointer (&crash->booked, g_ptr_array_unref);
  g_clear_pointer (&crash->tokens, g_hash_table_unref);
  g_clear_pointer (&crash->cancelled, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Crash, crash_clear)

static void
crash_init (Crash *crash)
{
  /* reproducible with the test's --seed */
  crash->rand = g_rand_new_with_seed (g_test_rand_int ());
  crash->booked = g_ptr_array_new_with_free_func (g_free);
  crash->tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  crash->cancelled = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/* ---------------------------------------------------------------------- */
/* Office 365 through the sandbox                                          */

/* Connects Office 365 in the profile bookablectl uses (its store, the
 * keyring, the keyfile settings): the active source becomes Office 365
 * with the Work calendar selected. Returns the calendar's id. */
static char *
connect_office365 (BkSandboxMicrosoft *sandbox)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *path = bk_store_get_default_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(BkStore) store = NULL;
  g_autoptr(BkHttp) http = bk_http_new ();
  g_autoptr(BkTokenStore) tokens = bk_token_store_new ();
  g_autoptr(BkOffice365CalendarStrategy) strategy = NULL;
  g_autoptr(GPtrArray) calendars = NULL;
  g_autofree char *account = NULL;

  sync_office365_point_settings (settings, sandbox);
  g_settings_sync ();

  store = bk_store_open (path, &error);
  g_assert_no_error (error);
  g_object_set (http, "backoff-scale", 0.001, NULL);
  strategy = bk_office365_calendar_strategy_new (store, http, tokens, settings);
  account = sync_office365_connect (strategy);
  g_assert_cmpstr (account, ==, SYNC_OFFICE365_UPN);
  calendars = bk_store_list_calendars (store, BK_PROVIDER_OFFICE365, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (calendars->len, ==, 1);
  return g_strdup (((BkCalendar *) g_ptr_array_index (calendars, 0))->remote_id);
}

/* The sandbox's Work calendar as appointment id → ids of the events that
 * carry it. Every event there must carry one: the calendar starts empty. */
static GHashTable *
calendar_events (Crash *crash)
{
  g_autoptr(JsonArray) events = sync_office365_sandbox_events (crash->sandbox, crash->calendar);
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) g_ptr_array_unref);

  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonObject *event = json_array_get_object_element (events, i);
      const char *event_id = json_object_get_string_member (event, "id");
      JsonArray *properties;
      GPtrArray *ids;
      const char *appointment;

      if (!json_object_has_member (event, "singleValueExtendedProperties"))
        g_error ("event %s (“%s”) carries no appointment id", event_id,
                 json_object_get_string_member_with_default (event, "subject", ""));
      properties = json_object_get_array_member (event, "singleValueExtendedProperties");
      g_assert_cmpuint (json_array_get_length (properties), ==, 1);
      appointment = json_object_get_string_member (json_array_get_object_element (properties, 0), "value");
      ids = g_hash_table_lookup (table, appointment);
      if (ids == NULL)
        {
          ids = g_ptr_array_new_with_free_func (g_free);
          g_hash_table_insert (table, g_strdup (appointment), ids);
        }
      g_ptr_array_add (ids, g_strdup (event_id));
    }
  return table;
}

static void
start_office365 (Crash *crash)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *fault = NULL;

  crash->sandbox = bk_sandbox_microsoft_new ();
  /* a few pages per read once the calendar fills up, not dozens */
  bk_sandbox_microsoft_set_page_size (crash->sandbox, 25);
  g_assert_true (bk_sandbox_microsoft_start (crash->sandbox, NULL, 0, &error));
  g_assert_true (bk_sandbox_microsoft_load_data (crash->sandbox,
    "{ \"users\": [ { \"userPrincipalName\": \"" SYNC_OFFICE365_UPN "\", \"displayName\": \"Erika Expert\","
    "  \"timeZone\": \"UTC\", \"calendars\": ["
    "  { \"name\": \"Work\", \"isDefault\": true, \"canEdit\": true, \"events\": [] } ] } ] }", &error));
  g_assert_no_error (error);
  crash->calendar = connect_office365 (crash->sandbox);

  /* every Graph answer 0–40 ms late, until the end of the test */
  fault = g_strdup_printf ("{\"kind\":\"delay\",\"minMs\":0,\"maxMs\":40,\"only\":\"graph\",\"seed\":%u}",
                           g_rand_int (crash->rand));
  g_assert_true (bk_sandbox_microsoft_add_fault (crash->sandbox, fault, &error));
  g_assert_no_error (error);
}

/* ---------------------------------------------------------------------- */
/* The runs                                                                */

/* The expert's appointments on the backend: id → "status|calendar_event_id". */
static GHashTable *
backend_appointments (const char *slug)
{
  g_autofree char *sql = g_strdup_printf ("SELECT string_agg (a.id || '=' || a.status || '|'"
                                          "   || coalesce (a.calendar_event_id, ''), ',')"
                                          " FROM appointments a JOIN experts e ON e.id = a.expert_id"
                                          " WHERE e.slug = '%s'", slug);
  g_autofree char *rows = bk_test_sql (sql);
  g_auto(GStrv) pairs = g_strsplit (rows, ",", -1);
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; pairs[i] != NULL && *pairs[i] != '\0'; i++)
    {
      char *eq = strchr (pairs[i], '=');
      char *id;

      g_assert_nonnull (eq);
      id = g_strndup (pairs[i], eq - pairs[i]);
      g_assert_false (g_hash_table_contains (table, id));
      g_hash_table_insert (table, id, g_strdup (eq + 1));
    }
  return table;
}

/* How long an uninterrupted pass takes here (µs); kills land anywhere in it. */
static gint64
time_sync (void)
{
  gint64 start = g_get_monotonic_time ();
  g_autoptr(SyncCtl) ctl = sync_ctl_run (NULL, sync_args);

  if (ctl->status != 0)
    g_error ("an uninterrupted sync failed: %s%s", ctl->out, ctl->err);
  return g_get_monotonic_time () - start;
}

/* Kills a sync after a random delay within @span µs (or lets it finish). */
static void
interrupted_sync (Crash  *crash,
                  gint64  span)
{
  g_autoptr(GSubprocess) process = sync_ctl_spawn (NULL, sync_args);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL, *err = NULL;

  g_usleep (g_rand_int_range (crash->rand, 0, (gint32) MIN (span, G_MAXINT32)));
  g_subprocess_force_exit (process);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (g_subprocess_get_if_signaled (process))
    crash->killed++;
  else if (g_subprocess_get_exit_status (process) != 0)
    g_error ("an uninterrupted sync failed: %s%s", out, err);
}

/* A booked appointment nobody has cancelled yet, at random; NULL if none. */
static const char *
pick_active (Crash *crash)
{
  g_autoptr(GPtrArray) active = g_ptr_array_new ();

  for (guint i = 0; i < crash->booked->len; i++)
    if (!g_hash_table_contains (crash->cancelled, g_ptr_array_index (crash->booked, i)))
      g_ptr_array_add (active, g_ptr_array_index (crash->booked, i));
  if (active->len == 0)
    return NULL;
  return g_ptr_array_index (active, g_rand_int_range (crash->rand, 0, active->len));
}

static void
client_books (Crash *crash)
{
  g_autoptr(JsonNode) slots = sync_public_slots (session, crash->slug);
  guint free_slots = json_array_get_length (json_node_get_array (slots));
  char *token = NULL;
  char *id;

  if (free_slots == 0)
    return;
  id = sync_book (session, crash->slug, g_rand_int_range (crash->rand, 0, MIN (free_slots, 40)), &token);
  if (id == NULL)
    return;
  g_ptr_array_add (crash->booked, id);
  g_hash_table_insert (crash->tokens, g_strdup (id), token);
}

/* Only appointments nobody cancelled: cancelling twice from both sides is
 * a refusal by design, not a crash-safety matter. */
static void
expert_cancels (Crash *crash)
{
  const char *id = pick_active (crash);
  const char *cancel[] = { "appointments", "cancel", id, NULL };
  g_autoptr(SyncCtl) ctl = NULL;

  if (id == NULL)
    return;
  /* refused when not pulled yet: then not queued */
  ctl = sync_ctl_run (NULL, cancel);
  if (ctl->status == 0)
    g_hash_table_insert (crash->cancelled, g_strdup (id), (gpointer) "expert");
}

static void
client_cancels (Crash *crash)
{
  const char *id = pick_active (crash);

  if (id == NULL)
    return;
  sync_client_cancel (session, g_hash_table_lookup (crash->tokens, id));
  g_hash_table_insert (crash->cancelled, g_strdup (id), (gpointer) "client");
}

static void
run_all (Crash *crash,
         guint  n_runs)
{
  gint64 span;

  /* half again an idle pass (with bookablectl's start): passes with work
   * to do take longer, and some runs must finish */
  span = time_sync () * 3 / 2;
  g_test_message ("an uninterrupted idle pass takes %.1f ms", span / 1500.0);
  for (guint run = 0; run < n_runs; run++)
    {
      /* passes grow with the calendar: kills must still reach their end */
      if (run > 0 && run % 50 == 0)
        span = time_sync () * 3 / 2;
      if (run % 3 == 0)
        client_books (crash);
      if (run % 10 == 4)
        expert_cancels (crash);
      if (run % 14 == 6)
        client_cancels (crash);
      interrupted_sync (crash, span);
    }
  g_test_message ("%u runs, %u killed mid-pass (kills within %.1f ms), %u bookings, %u cancelled",
                  n_runs, crash->killed, span / 1000.0, crash->booked->len, g_hash_table_size (crash->cancelled));
  g_assert_cmpuint (crash->killed, >, n_runs / 4);
}

/* ---------------------------------------------------------------------- */
/* Convergence                                                             */

/* For a failure's message: the calendar's events that start at @start
 * (UTC, "…Z"), with what the test knows of the appointment each carries. */
static void
describe_events_at (Crash      *crash,
                    const char *start)
{
  g_autofree char *prefix = g_strndup (start, strlen ("2026-01-01T00:00"));
  g_autoptr(JsonArray) events = sync_office365_sandbox_events (crash->sandbox, crash->calendar);

  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonObject *event = json_array_get_object_element (events, i);
      JsonObject *event_start = json_object_get_object_member (event, "start");
      JsonArray *properties = json_object_get_array_member (event, "singleValueExtendedProperties");
      const char *appointment = json_object_get_string_member (json_array_get_object_element (properties, 0), "value");

      if (g_str_has_prefix (json_object_get_string_member (event_start, "dateTime"), prefix))
        g_test_message ("event %s at %s carries appointment %s (%s)",
                        json_object_get_string_member (event, "id"),
                        json_object_get_string_member (event_start, "dateTime"), appointment,
                        g_hash_table_contains (crash->cancelled, appointment)
                        ? (char *) g_hash_table_lookup (crash->cancelled, appointment) : "not cancelled");
    }
}

/* The calendar's state: one event per booked appointment, none for a
 * cancelled one, none for anything else; the backend and the store know
 * that event's id. */
static void
check_calendar (Crash      *crash,
                GHashTable *remote,
                GHashTable *local)
{
  g_autoptr(GHashTable) events = calendar_events (crash);
  guint active = 0;

  for (guint i = 0; i < crash->booked->len; i++)
    {
      const char *id = g_ptr_array_index (crash->booked, i);
      GPtrArray *ids = g_hash_table_lookup (events, id);
      const char *row = g_hash_table_lookup (remote, id);
      JsonObject *mine = g_hash_table_lookup (local, id);

      if (g_hash_table_contains (crash->cancelled, id))
        {
          if (ids == NULL)
            continue;
          describe_events_at (crash, json_object_get_string_member (mine, "start"));
          g_error ("appointment %s, cancelled by the %s, still has %u event(s), the first %s",
                   id, (char *) g_hash_table_lookup (crash->cancelled, id), ids->len,
                   (char *) g_ptr_array_index (ids, 0));
        }
      active++;
      if (ids == NULL || ids->len != 1)
        {
          g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), mine);
          g_autofree char *text = json_to_string (node, FALSE);

          g_error ("appointment %s has %u events in the calendar, not 1; backend: %s; store: %s",
                   id, ids ? ids->len : 0, row, text);
        }
      /* "booked|<event id>" */
      g_assert_cmpstr (strchr (row, '|') + 1, ==, g_ptr_array_index (ids, 0));
      g_assert_cmpstr (json_object_get_string_member (mine, "calendar_event_id"), ==, g_ptr_array_index (ids, 0));
    }
  /* nothing for appointments the test never made */
  g_assert_cmpuint (g_hash_table_size (events), ==, active);
}

static void
check_converged (Crash *crash)
{
  g_autoptr(SyncCtl) clean = sync_ctl_run (NULL, sync_args);
  g_autoptr(SyncCtl) settled = sync_ctl_run (NULL, sync_args);
  g_autoptr(GHashTable) local = sync_local_appointments ();
  g_autoptr(GHashTable) remote = backend_appointments (crash->slug);
  g_autoptr(JsonObject) status = sync_status ();

  if (clean->status != 0)
    g_error ("the clean sync failed: %s%s", clean->out, clean->err);
  /* the store opened normally after every kill: no recovery message */
  g_assert_cmpstr (clean->err, ==, "");
  g_test_message ("the clean sync: %s", clean->out);
  g_assert_cmpint (settled->status, ==, 0);
  /* a second pass finds nothing to do */
  if (strstr (settled->out, "Slots unchanged") == NULL || strstr (settled->out, "1 request made") == NULL)
    g_error ("the pass after the clean sync was not idle: %s", settled->out);

  /* no queued change lost or refused (a second delivery would be refused) */
  g_assert_cmpint (json_object_get_int_member (status, "pending"), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (status, "refused")), ==, 0);

  /* every booking once, in the same state on both sides */
  g_assert_cmpuint (g_hash_table_size (remote), ==, crash->booked->len);
  g_assert_cmpuint (g_hash_table_size (local), ==, crash->booked->len);
  for (guint i = 0; i < crash->booked->len; i++)
    {
      const char *id = g_ptr_array_index (crash->booked, i);
      const char *row = g_hash_table_lookup (remote, id);
      JsonObject *mine = g_hash_table_lookup (local, id);
      const char *expected = g_hash_table_contains (crash->cancelled, id) ? "cancelled" : "booked";

      g_assert_nonnull (row);
      g_assert_nonnull (mine);
      if (!g_str_has_prefix (row, expected) || row[strlen (expected)] != '|')
        g_error ("appointment %s is “%s” on the backend, not %s (%s)", id, row, expected,
                 (char *) g_hash_table_lookup (crash->cancelled, id));
      g_assert_cmpstr (json_object_get_string_member (mine, "status"), ==, expected);
      g_assert_false (json_object_get_boolean_member (mine, "pending"));
      if (json_object_get_boolean_member (mine, "conflict"))
        {
          g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), mine);
          g_autofree char *text = json_to_string (node, TRUE);

          if (crash->sandbox != NULL)
            describe_events_at (crash, json_object_get_string_member (mine, "start"));
          g_error ("appointment %s is marked a conflict: %s", id, text);
        }
    }
  if (crash->sandbox != NULL)
    check_calendar (crash, remote, local);
}

/* ---------------------------------------------------------------------- */

static void
test_sigkill_office365 (void)
{
  g_auto(Crash) crash = { 0 };
  g_autofree char *first = NULL;

  crash_init (&crash);
  crash.slug = sync_new_expert (NULL);
  start_office365 (&crash);
  first = sync_ctl_ok (sync_args);
  run_all (&crash, runs);
  g_assert_cmpuint (g_hash_table_size (crash.cancelled), >, 0);
  check_converged (&crash);
}

static void
test_sigkill_manual (void)
{
  g_auto(Crash) crash = { 0 };
  g_autofree char *first = NULL;

  crash_init (&crash);
  crash.slug = sync_new_expert (NULL);
  first = sync_ctl_ok (sync_args);
  run_all (&crash, MAX (runs / 10, 1));
  check_converged (&crash);
}

int
main (int    argc,
      char **argv)
{
  for (int i = 1; i < argc; i++)
    if (g_str_has_prefix (argv[i], "--runs="))
      {
        runs = (guint) g_ascii_strtoull (argv[i] + strlen ("--runs="), NULL, 10);
        argv[i] = (char *) "";
      }
  /* bookablectl reads the settings this test writes (the sandbox's
   * addresses) from the case's own XDG_CONFIG_HOME: memory settings would
   * stay in this process */
  g_setenv ("GSETTINGS_BACKEND", "keyfile", TRUE);
  session = sync_test_init (&argc, &argv);

  g_test_add_func ("/sync/sigkill/office365", test_sigkill_office365);
  g_test_add_func ("/sync/sigkill/manual", test_sigkill_manual);

  return sync_test_run (session);
}
