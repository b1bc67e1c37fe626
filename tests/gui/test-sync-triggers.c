/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-sync-triggers"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>
#include <signal.h>

#include "gui-test-util.h"
#include "bk-application.h"
#include "bk-appointment-row.h"
#include "bk-sync-bar.h"
#include "bk-sync-controller.h"
#include "bk-window.h"
#include "bookable-core.h"
#include "sync-fixture.h"

/* What starts a sync pass by itself (issue 5: "on network up, every few
 * minutes while the app runs … one pass at a time"), end to end: a window
 * on a BkSyncController under Xvfb, a throwaway PostgreSQL and a real
 * bookable-server process (tests/sync's fixture), a real keyring
 * (tests/run-with-keyring), a client booking over HTTP. The network is
 * GIO's own GNetworkMonitorBase, taken down and brought up with
 * g_network_monitor_base_set_networks() / _add_network(), which emit
 * "network-changed" as a real monitor does; the period is the real
 * "sync-interval-seconds" setting. Nothing here ever calls
 * bk_sync_controller_sync(): the passes start themselves (or from the Sync
 * button, as a person would press it). */

/* GNetworkMonitorBase is exported ABI (GIO 2.32) but GIO does not install
 * its header; the monitor is passed around as the GNetworkMonitor it is. */
GType g_network_monitor_base_get_type      (void);
void  g_network_monitor_base_add_network   (GNetworkMonitor  *monitor,
                                            GInetAddressMask *network);
void  g_network_monitor_base_remove_network (GNetworkMonitor  *monitor,
                                            GInetAddressMask *network);

#define SHORT_PERIOD 1     /* seconds */
#define LONG_PERIOD 3600   /* no tick within a test */
#define TICKS_WAITED 4     /* periods waited to show that ticks start nothing */

static SoupSession *session;

typedef struct
{
  GSettings        *settings;
  GNetworkMonitor  *monitor;   /* a GNetworkMonitorBase */
  BkStore          *store;
  BkSyncController *sync;
  BkSyncEngine     *engine;    /* whose "state" is watched */
  GtkWidget        *window;
  char             *slug;
  guint             started;   /* passes started: the engine went syncing */
  /* what bk_gui_test_wait_until() waits for */
  gboolean          want_network;
  guint             want_passes;
  guint             want_started;
  const char       *want_id;
} Fixture;

/* --- the network --------------------------------------------------------- */

static gboolean
network_is (gpointer data)
{
  Fixture *f = data;

  return g_network_monitor_get_network_available (f->monitor) == f->want_network;
}

/* The default routes come and go, as when a cable is pulled; the monitor
 * says so from an idle, as real monitors do. (set_networks() with none
 * would clear them without telling: GIO 2.74 emits nothing then.) */
static void
set_network (Fixture  *f,
             gboolean  available)
{
  g_autoptr(GInetAddressMask) any4 = g_inet_address_mask_new_from_string ("0.0.0.0/0", NULL);
  g_autoptr(GInetAddressMask) any6 = g_inet_address_mask_new_from_string ("::/0", NULL);

  if (available)
    g_network_monitor_base_add_network (f->monitor, any4);
  else
    {
      g_network_monitor_base_remove_network (f->monitor, any4);
      g_network_monitor_base_remove_network (f->monitor, any6);
    }
  f->want_network = available;
  bk_gui_test_wait_until (network_is, f, available ? "the network to come up" : "the network to go down");
}

/* --- watching the passes -------------------------------------------------- */

static void
engine_state_changed_cb (BkSyncEngine *engine,
                         GParamSpec   *pspec,
                         Fixture      *f)
{
  if (bk_sync_engine_get_state (engine) == BK_SYNC_STATE_SYNCING)
    f->started++;
}

static void
engine_changed_cb (BkSyncController *sync,
                   GParamSpec       *pspec,
                   Fixture          *f)
{
  if (f->engine != NULL)
    g_signal_handlers_disconnect_by_data (f->engine, f);
  g_set_object (&f->engine, bk_sync_controller_get_engine (sync));
  if (f->engine != NULL)
    g_signal_connect (f->engine, "notify::state", G_CALLBACK (engine_state_changed_cb), f);
}

static guint
passes (Fixture *f)
{
  return bk_sync_controller_get_passes (f->sync);
}

/* HTTP requests the app has made to the backend. */
static guint
requests (Fixture *f)
{
  g_assert_nonnull (f->engine);
  return bk_backend_client_get_requests (bk_sync_engine_get_client (f->engine));
}

static gboolean
passes_reach (gpointer data)
{
  Fixture *f = data;

  return passes (f) >= f->want_passes;
}

static void
wait_for_passes (Fixture *f,
                 guint    n)
{
  f->want_passes = n;
  bk_gui_test_wait_until (passes_reach, f, "sync passes to finish");
}

static gboolean
no_pass_running (gpointer data)
{
  Fixture *f = data;

  return !bk_sync_controller_get_running (f->sync);
}

static gboolean
started_reach (gpointer data)
{
  Fixture *f = data;

  return f->started >= f->want_started;
}

static void
wait_for_started (Fixture *f,
                  guint    n)
{
  f->want_started = n;
  bk_gui_test_wait_until (started_reach, f, "a sync pass to start");
}

/* Runs the main loop for @seconds: time for the timer to tick. */
static void
spin_for (double seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      if (!g_main_context_pending (NULL))
        g_usleep (1000);
    }
}

/* --- what the window shows ------------------------------------------------ */

/* The booking @id's row, shown in the Schedule, or NULL. */
static BkAppointmentRow *
find_row (Fixture    *f,
          const char *id)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  bk_gui_test_collect_by_type (f->window, BK_TYPE_APPOINTMENT_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    {
      BkAppointment *appt = bk_appointment_row_get_appointment (g_ptr_array_index (rows, i));

      if (appt != NULL && g_strcmp0 (bk_appointment_get_id (appt), id) == 0 &&
          gtk_widget_get_mapped (g_ptr_array_index (rows, i)))
        return g_ptr_array_index (rows, i);
    }
  return NULL;
}

static gboolean
row_shown (gpointer data)
{
  Fixture *f = data;

  return find_row (f, f->want_id) != NULL;
}

static void
wait_for_row (Fixture    *f,
              const char *id,
              const char *what)
{
  f->want_id = id;
  bk_gui_test_wait_until (row_shown, f, what);
  f->want_id = NULL;
}

static gboolean
stored (Fixture    *f,
        const char *id)
{
  g_autoptr(BkAppointment) appt = bk_store_get_appointment (f->store, id, NULL);

  return appt != NULL;
}

/* What the bar under the header bar says, NULL when it is hidden. */
static const char *
bar_message (Fixture *f)
{
  GtkWidget *bar = bk_gui_test_get_by_id (f->window, "sync_bar", BK_TYPE_SYNC_BAR);
  GtkRevealer *revealer = GTK_REVEALER (bk_gui_test_get_by_id (bar, "revealer", GTK_TYPE_REVEALER));

  if (!gtk_revealer_get_reveal_child (revealer))
    return NULL;
  return gtk_label_get_label (GTK_LABEL (bk_gui_test_get_by_id (bar, "message_label", GTK_TYPE_LABEL)));
}

static gboolean
bar_says_offline (gpointer data)
{
  const char *message = bar_message (data);

  return message != NULL && g_str_has_prefix (message, "Offline");
}

static gboolean
bar_hidden (gpointer data)
{
  return bar_message (data) == NULL;
}

static gboolean
window_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

/* --- fixture ----------------------------------------------------------- */

static void
set_period (Fixture *f,
            guint    seconds)
{
  g_assert_true (g_settings_set_uint (f->settings, "sync-interval-seconds", seconds));
  bk_gui_test_flush_main_loop ();
  g_assert_cmpuint (bk_sync_controller_get_period (f->sync), ==, seconds);
}

/* A fresh expert signed in and synced with bookablectl (as in an earlier
 * run: the slots are published), the store the app opens, a network monitor that says the
 * network is up, and a window on a controller that is not started yet. */
static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  const char *sync[] = { "sync", NULL };
  g_autofree char *path = NULL;
  g_autofree char *synced = NULL;
  g_autoptr(GError) error = NULL;

  f->settings = g_settings_new (APP_ID);
  g_settings_reset (f->settings, "sync-interval-seconds");
  f->slug = sync_new_expert (NULL);
  synced = sync_ctl_ok (sync);
  path = bk_store_get_default_path ();
  f->store = bk_store_open (path, &error);
  g_assert_no_error (error);

  f->monitor = g_initable_new (g_network_monitor_base_get_type (), NULL, &error, NULL);
  g_assert_no_error (error);
  g_assert_true (g_network_monitor_get_network_available (f->monitor));

  f->sync = g_object_new (BK_TYPE_SYNC_CONTROLLER,
                          "store", f->store,
                          "network-monitor", f->monitor,
                          NULL);
  g_assert_true (bk_sync_controller_get_network_monitor (f->sync) == f->monitor);
  g_signal_connect (f->sync, "notify::engine", G_CALLBACK (engine_changed_cb), f);

  f->window = GTK_WIDGET (bk_window_new (NULL, f->store));
  bk_window_set_sync_controller (BK_WINDOW (f->window), f->sync);
  gtk_window_present (GTK_WINDOW (f->window));
  bk_gui_test_wait_until (window_mapped, f->window, "the window to be mapped");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  bk_gui_test_flush_main_loop ();
  g_signal_handlers_disconnect_by_data (f->sync, f);
  if (f->engine != NULL)
    g_signal_handlers_disconnect_by_data (f->engine, f);
  g_clear_object (&f->engine);
  g_clear_object (&f->sync);
  bk_gui_test_flush_main_loop ();
  g_clear_object (&f->monitor);
  g_clear_object (&f->store);
  g_settings_reset (f->settings, "sync-interval-seconds");
  g_clear_object (&f->settings);
  g_free (f->slug);
}

/* --- the tests --------------------------------------------------------- */

/* The app starts with the network down and the server out of reach: one
 * pass says "offline"; then, with the server back and a client's booking
 * waiting, timer ticks start nothing and send nothing while the monitor
 * says the network is down. The network comes up: a pass runs at once (the
 * period is an hour by then, so it is not the timer's) and the booking
 * shows in the Schedule. */
static void
test_network_up (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *id = NULL;
  guint started, finished, sent;

  set_period (f, SHORT_PERIOD);
  set_network (f, FALSE);
  sync_server_stop (FALSE);
  bk_sync_controller_start (f->sync);
  wait_for_passes (f, 1);
  bk_gui_test_wait_until (bar_says_offline, f, "the bar to say offline");

  sync_server_start ();
  id = sync_book (session, f->slug, 0, NULL);
  g_assert_nonnull (id);
  started = f->started;
  finished = passes (f);
  sent = requests (f);
  spin_for (TICKS_WAITED * SHORT_PERIOD + 0.5);
  g_assert_cmpuint (f->started, ==, started);
  g_assert_cmpuint (passes (f), ==, finished);
  g_assert_cmpuint (requests (f), ==, sent);
  g_assert_false (stored (f, id));
  g_assert_null (find_row (f, id));
  g_assert_true (bar_says_offline (f));

  set_period (f, LONG_PERIOD);
  set_network (f, TRUE);
  wait_for_row (f, id, "the booking in the Schedule after the network came up");
  wait_for_passes (f, finished + 1);
  g_assert_cmpuint (f->started, ==, started + 1);
  g_assert_cmpuint (requests (f), >, sent);
  bk_gui_test_wait_until (bar_hidden, f, "the offline bar to go");
}

/* With a short period a booking arrives with no other trigger; then the
 * server hangs (SIGSTOP) under a pass while the timer keeps ticking and the
 * expert presses Sync twice: one pass stays in flight, none is doubled,
 * and when the server wakes the two presses make exactly one more pass. */
static void
test_periodic (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  GtkWidget *sync_button;
  guint started, finished;

  set_period (f, SHORT_PERIOD);
  bk_sync_controller_start (f->sync);
  wait_for_passes (f, 1);

  /* the timer alone brings a booking */
  first = sync_book (session, f->slug, 0, NULL);
  g_assert_nonnull (first);
  wait_for_row (f, first, "the booking in the Schedule, brought by the timer");

  /* quiet, a second booking waits at the server, and the server hangs */
  set_period (f, LONG_PERIOD);
  bk_gui_test_wait_until (no_pass_running, f, "the running pass to end");
  g_assert_cmpuint (f->started, ==, passes (f));
  second = sync_book (session, f->slug, 1, NULL);
  g_assert_nonnull (second);
  sync_server_signal (SIGSTOP);
  started = f->started;
  finished = passes (f);
  set_period (f, SHORT_PERIOD);
  wait_for_started (f, started + 1);

  spin_for (TICKS_WAITED * SHORT_PERIOD + 0.5);
  g_assert_cmpuint (f->started, ==, started + 1);
  g_assert_cmpuint (passes (f), ==, finished);
  g_assert_false (stored (f, second));

  sync_button = bk_gui_test_get_by_id (f->window, "sync_button", GTK_TYPE_BUTTON);
  bk_gui_test_click (sync_button);
  bk_gui_test_click (sync_button);
  bk_gui_test_flush_main_loop ();
  g_assert_cmpuint (f->started, ==, started + 1);
  g_assert_cmpuint (passes (f), ==, finished);

  /* no more ticks from here, so every pass below is the hung one or the
   * presses' */
  set_period (f, LONG_PERIOD);
  sync_server_signal (SIGCONT);
  wait_for_row (f, second, "the second booking after the server woke");
  wait_for_passes (f, finished + 2);
  spin_for (2 * SHORT_PERIOD);
  g_assert_cmpuint (passes (f), ==, finished + 2);
  g_assert_cmpuint (f->started, ==, started + 2);
}

static gboolean
app_passed (gpointer data)
{
  return bk_sync_controller_get_passes (data) >= 1;
}

/* The app's own start path: the controller it makes follows the system's
 * network monitor and the setting, and the start-up pass runs with it. */
static void
test_app_default_monitor (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GError) error = NULL;
  g_autofree char *slug = sync_new_expert (NULL);
  BkApplication *app;
  BkSyncController *sync;
  GtkWindow *window;

  g_assert_true (g_settings_set_uint (settings, "sync-interval-seconds", 120));
  app = bk_application_new ();
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  /* no window manager on Xvfb: a blinking cursor would warn (see test-sync.c) */
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);
  sync = bk_application_get_sync_controller (app);
  g_assert_nonnull (sync);
  g_assert_true (bk_sync_controller_get_network_monitor (sync) == g_network_monitor_get_default ());
  g_assert_cmpuint (bk_sync_controller_get_period (sync), ==, 120);

  g_application_activate (G_APPLICATION (app));
  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_assert_true (BK_IS_WINDOW (window));
  bk_gui_test_wait_until (app_passed, sync, "the start-up pass");
  g_assert_nonnull (bk_sync_controller_get_engine (sync));
  g_assert_cmpint (bk_sync_engine_get_state (bk_sync_controller_get_engine (sync)), ==, BK_SYNC_STATE_IDLE);

  /* an admin's change reaches the running app */
  g_assert_true (g_settings_set_uint (settings, "sync-interval-seconds", 90));
  bk_gui_test_flush_main_loop ();
  g_assert_cmpuint (bk_sync_controller_get_period (sync), ==, 90);
  g_settings_reset (settings, "sync-interval-seconds");

  gtk_window_destroy (window);
  bk_gui_test_flush_main_loop ();
  g_object_unref (app);
}

int
main (int    argc,
      char **argv)
{
  int status;

  bk_gui_test_init (&argc, &argv);
  /* failed passes retry in milliseconds, not seconds */
  g_setenv ("BOOKABLE_BACKOFF_SCALE", "0.01", TRUE);
  bk_test_cluster_url ();
  sync_server_start ();
  session = bk_test_session_new ();

  g_test_add ("/gui/sync-triggers/network-up", Fixture, NULL,
              fixture_setup, test_network_up, fixture_teardown);
  g_test_add ("/gui/sync-triggers/periodic", Fixture, NULL,
              fixture_setup, test_periodic, fixture_teardown);
  g_test_add_func ("/gui/sync-triggers/app-default-monitor", test_app_default_monitor);

  status = g_test_run ();
  g_object_unref (session);
  sync_server_stop (FALSE);
  bk_test_cluster_stop ();
  return status;
}
