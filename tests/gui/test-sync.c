/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-sync-gui"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>
#include <string.h>

#include "gui-test-util.h"
#include "bk-application.h"
#include "bk-appointment.h"
#include "bk-appointment-row.h"
#include "bk-preferences-dialog.h"
#include "bk-sync-bar.h"
#include "bk-sync-controller.h"
#include "bk-window.h"
#include "bookable-core.h"
#include "sync-fixture.h"

/* Sync in the window, end to end: the real app (BkApplication registered
 * on a private session bus, with a real keyring: tests/run-with-keyring)
 * under Xvfb, a throwaway PostgreSQL and a real bookable-server process
 * (tests/sync's fixture), a client booking over HTTP. Widgets are found by
 * their template ids and driven as a user would. The test owns
 * org.freedesktop.Notifications on its private bus, so the app's
 * GNotifications arrive over D-Bus as they would at a desktop's server. */

static SoupSession *session;

/* --- a notification server on the private bus ----------------------------- */

typedef struct
{
  guint  next_id;
  GPtrArray *summaries;   /* char * */
  GPtrArray *bodies;      /* char * */
  GArray *ids;            /* guint32 */
  GDBusConnection *bus;
  guint  registration;
  guint  owner;
  gboolean owned;
} Notifications;

static Notifications notifications;

static const char notifications_xml[] =
  "<node><interface name='org.freedesktop.Notifications'>"
  "  <method name='Notify'>"
  "    <arg type='s' direction='in'/><arg type='u' direction='in'/>"
  "    <arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "    <arg type='s' direction='in'/><arg type='as' direction='in'/>"
  "    <arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
  "    <arg type='u' direction='out'/>"
  "  </method>"
  "  <method name='CloseNotification'><arg type='u' direction='in'/></method>"
  "  <signal name='ActionInvoked'><arg type='u'/><arg type='s'/></signal>"
  "</interface></node>";

static void
notifications_method_cb (GDBusConnection       *connection,
                         const char            *sender,
                         const char            *path,
                         const char            *interface,
                         const char            *method,
                         GVariant              *parameters,
                         GDBusMethodInvocation *invocation,
                         gpointer               user_data)
{
  const char *summary = NULL;
  const char *body = NULL;
  guint32 id;

  if (g_strcmp0 (method, "Notify") != 0)
    {
      g_dbus_method_invocation_return_value (invocation, NULL);
      return;
    }
  g_variant_get (parameters, "(&su&s&s&s@as@a{sv}i)", NULL, NULL, NULL, &summary, &body, NULL, NULL, NULL);
  id = ++notifications.next_id;
  g_ptr_array_add (notifications.summaries, g_strdup (summary));
  g_ptr_array_add (notifications.bodies, g_strdup (body));
  g_array_append_val (notifications.ids, id);
  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", id));
}

static void
name_acquired_cb (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
  notifications.owned = TRUE;
}

static gboolean
notifications_owned (gpointer data)
{
  return notifications.owned;
}


static gboolean
notification_arrived (gpointer data)
{
  return notifications.summaries->len > 0;
}

static void
notifications_start (void)
{
  static const GDBusInterfaceVTable vtable = { .method_call = notifications_method_cb };
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (notifications_xml, NULL);
  g_autoptr(GError) error = NULL;

  notifications.summaries = g_ptr_array_new_with_free_func (g_free);
  notifications.bodies = g_ptr_array_new_with_free_func (g_free);
  notifications.ids = g_array_new (FALSE, FALSE, sizeof (guint32));
  notifications.bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  notifications.registration =
    g_dbus_connection_register_object (notifications.bus, "/org/freedesktop/Notifications",
                                       info->interfaces[0], &vtable, NULL, NULL, &error);
  g_assert_no_error (error);
  notifications.owner = g_bus_own_name_on_connection (notifications.bus, "org.freedesktop.Notifications",
                                                      G_BUS_NAME_OWNER_FLAGS_NONE,
                                                      name_acquired_cb, NULL, NULL, NULL);
  bk_gui_test_wait_until (notifications_owned, NULL, "the notification server's name");
}

static void
notifications_stop (void)
{
  g_bus_unown_name (notifications.owner);
  g_dbus_connection_unregister_object (notifications.bus, notifications.registration);
  g_clear_object (&notifications.bus);
  g_clear_pointer (&notifications.summaries, g_ptr_array_unref);
  g_clear_pointer (&notifications.bodies, g_ptr_array_unref);
  g_clear_pointer (&notifications.ids, g_array_unref);
}

/* A click on notification @index: what the server says to the app. */
static void
notifications_click (guint index)
{
  g_autoptr(GError) error = NULL;

  g_dbus_connection_emit_signal (notifications.bus, NULL, "/org/freedesktop/Notifications",
                                 "org.freedesktop.Notifications", "ActionInvoked",
                                 g_variant_new ("(us)", g_array_index (notifications.ids, guint32, index),
                                                "default"),
                                 &error);
  g_assert_no_error (error);
}

/* --- helpers ------------------------------------------------------------- */

/* The one visible toplevel of @type (a dialog the app just opened). */
static GtkWidget *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* not ours */
  GtkWidget *found = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (g_type_is_a (G_OBJECT_TYPE (window), type) && gtk_widget_get_visible (window))
        found = window;
    }
  return found;
}

static gboolean
toplevel_shown (gpointer data)
{
  return find_toplevel (GPOINTER_TO_SIZE (data)) != NULL;
}

typedef struct
{
  BkApplication    *app;
  BkSyncController *sync;
  GtkWidget        *window;
  char             *slug;
  char             *password;
  char             *id;            /* the booking */
  guint             passes;        /* what to wait past */
} Fixture;

static gboolean
pass_finished (gpointer data)
{
  Fixture *f = data;

  return bk_sync_controller_get_passes (f->sync) > f->passes;
}

static void
wait_for_pass (Fixture *f)
{
  bk_gui_test_wait_until (pass_finished, f, "a sync pass to finish");
  f->passes = bk_sync_controller_get_passes (f->sync);
}

/* The row of the booking in the Schedule's list, or NULL. */
static BkAppointmentRow *
find_row (Fixture *f)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  bk_gui_test_collect_by_type (f->window, BK_TYPE_APPOINTMENT_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    {
      BkAppointment *appt = bk_appointment_row_get_appointment (g_ptr_array_index (rows, i));

      if (appt != NULL && g_strcmp0 (bk_appointment_get_id (appt), f->id) == 0 &&
          gtk_widget_get_mapped (g_ptr_array_index (rows, i)))
        return g_ptr_array_index (rows, i);
    }
  return NULL;
}

static gboolean
row_shown (gpointer data)
{
  return find_row (data) != NULL;
}

/* The text of the row's sync badge ("Pending", "Not sent"), NULL if none. */
static const char *
row_badge (Fixture *f)
{
  BkAppointmentRow *row = find_row (f);
  GtkWidget *badge;

  g_assert_nonnull (row);
  badge = bk_gui_test_get_by_id (GTK_WIDGET (row), "sync_label", GTK_TYPE_LABEL);
  return gtk_widget_get_visible (badge) ? gtk_label_get_label (GTK_LABEL (badge)) : NULL;
}

static gboolean
row_pending (gpointer data)
{
  return find_row (data) != NULL && g_strcmp0 (row_badge (data), "Pending") == 0;
}

static gboolean
row_confirmed_cancelled (gpointer data)
{
  Fixture *f = data;
  BkAppointmentRow *row = find_row (f);

  return row != NULL && row_badge (f) == NULL &&
         bk_appointment_get_status (bk_appointment_row_get_appointment (row)) == BK_APPOINTMENT_STATUS_CANCELLED;
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

  return message != NULL && g_str_has_prefix (message, "Offline — last synced at ");
}

static gboolean
signed_in (gpointer data)
{
  Fixture *f = data;

  return bk_sync_controller_get_account (f->sync) != NULL;
}

static gboolean
preferences_idle (gpointer data)
{
  return gtk_widget_get_sensitive (bk_gui_test_get_by_id (data, "sign_out_button", GTK_TYPE_BUTTON)) &&
         gtk_widget_get_sensitive (bk_gui_test_get_by_id (data, "sign_in_group", ADW_TYPE_PREFERENCES_GROUP));
}

static gboolean
schedule_visible (gpointer data)
{
  Fixture *f = data;
  GtkWidget *stack = bk_gui_test_get_by_id (f->window, "view_stack", ADW_TYPE_VIEW_STACK);

  return g_strcmp0 (adw_view_stack_get_visible_child_name (ADW_VIEW_STACK (stack)), "schedule") == 0;
}

/* --- the steps --------------------------------------------------------- */

static void
start_app (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  const char *import[] = { "rules", "import", "-", NULL };
  g_autoptr(SyncCtl) imported = NULL;
  g_autofree char *email = NULL;
  /* open every hour of every day, as tests/sync's experts */
  static const char rules[] =
    "{ \"time_zone\": \"UTC\", \"slot_minutes\": 60, \"step_minutes\": 60, \"min_notice_minutes\": 0,"
    "  \"horizon_days\": 7, \"weekly\": { \"mon\": [[\"00:00\",\"23:00\"]], \"tue\": [[\"00:00\",\"23:00\"]],"
    "  \"wed\": [[\"00:00\",\"23:00\"]], \"thu\": [[\"00:00\",\"23:00\"]], \"fri\": [[\"00:00\",\"23:00\"]],"
    "  \"sat\": [[\"00:00\",\"23:00\"]], \"sun\": [[\"00:00\",\"23:00\"]] }, \"overrides\": [] }";

  f->slug = g_strdup_printf ("gui%u", (guint) g_random_int_range (1, 1000000));
  email = g_strdup_printf ("%s@example.com", f->slug);
  f->password = bk_test_expert_add (email, "Ada", f->slug, "UTC");
  imported = sync_ctl_run (rules, import);
  g_assert_cmpint (imported->status, ==, 0);

  f->app = bk_application_new ();
  g_application_register (G_APPLICATION (f->app), NULL, &error);
  g_assert_no_error (error);
  /* Without a window manager on Xvfb, focus moves between the window and
   * its dialogs without focus-out events; a blinking cursor left behind
   * then warns (fatally here) when a slow ASan run lets its timer fire. */
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);
  g_application_activate (G_APPLICATION (f->app));
  f->window = GTK_WIDGET (gtk_application_get_active_window (GTK_APPLICATION (f->app)));
  g_assert_true (BK_IS_WINDOW (f->window));
  f->sync = bk_application_get_sync_controller (f->app);
  bk_gui_test_flush_main_loop ();
}

/* Preferences: a wrong password says so inline; the right one signs in. */
static void
sign_in_from_preferences (Fixture *f)
{
  g_autofree char *email = g_strdup_printf ("%s@example.com", f->slug);
  GtkWidget *dialog;
  GtkWidget *error_label;

  g_action_group_activate_action (G_ACTION_GROUP (f->app), "preferences", NULL);
  bk_gui_test_wait_until (toplevel_shown, GSIZE_TO_POINTER (BK_TYPE_PREFERENCES_DIALOG), "the Preferences");
  dialog = find_toplevel (BK_TYPE_PREFERENCES_DIALOG);
  gtk_editable_set_text (GTK_EDITABLE (bk_gui_test_get_by_id (dialog, "server_row", ADW_TYPE_ENTRY_ROW)), sync_server_url ());
  gtk_editable_set_text (GTK_EDITABLE (bk_gui_test_get_by_id (dialog, "email_row", ADW_TYPE_ENTRY_ROW)), email);
  gtk_editable_set_text (GTK_EDITABLE (bk_gui_test_get_by_id (dialog, "password_row", ADW_TYPE_PASSWORD_ENTRY_ROW)), "not-it");
  error_label = bk_gui_test_get_by_id (dialog, "error_label", GTK_TYPE_LABEL);
  bk_gui_test_click (bk_gui_test_get_by_id (dialog, "sign_in_button", GTK_TYPE_BUTTON));
  bk_gui_test_wait_until (preferences_idle, dialog, "the refused sign-in");
  g_assert_true (gtk_widget_get_visible (error_label));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (error_label)), !=, "");
  g_assert_null (bk_sync_controller_get_account (f->sync));

  gtk_editable_set_text (GTK_EDITABLE (bk_gui_test_get_by_id (dialog, "password_row", ADW_TYPE_PASSWORD_ENTRY_ROW)), f->password);
  bk_gui_test_click (bk_gui_test_get_by_id (dialog, "sign_in_button", GTK_TYPE_BUTTON));
  bk_gui_test_wait_until (signed_in, f, "the sign-in");
  bk_gui_test_wait_until (preferences_idle, dialog, "the Preferences to settle");
  g_assert_false (gtk_widget_get_visible (error_label));
  g_assert_true (gtk_widget_get_visible (bk_gui_test_get_by_id (dialog, "account_group", ADW_TYPE_PREFERENCES_GROUP)));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (bk_gui_test_get_by_id (dialog, "account_row", ADW_TYPE_ACTION_ROW))),
                   ==, email);
  gtk_window_close (GTK_WINDOW (dialog));
  bk_gui_test_flush_main_loop ();
}

static void
cancel_from_row (Fixture *f)
{
  BkAppointmentRow *row = find_row (f);
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  GtkWidget *confirm = NULL;
  GtkWidget *dialog;

  bk_gui_test_click (bk_gui_test_get_by_id (GTK_WIDGET (row), "cancel_button", GTK_TYPE_BUTTON));
  bk_gui_test_wait_until (toplevel_shown, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG), "the cancel confirmation");
  dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  bk_gui_test_collect_by_type (dialog, GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_button_get_label (g_ptr_array_index (buttons, i)), "_Cancel Appointment") == 0)
      confirm = g_ptr_array_index (buttons, i);
  g_assert_nonnull (confirm);
  bk_gui_test_click (confirm);
  g_assert_null (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));   /* closed */
}

static guint
count_backend_cancels (const char *id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM changes WHERE kind = 'appointment'"
                                          " AND payload->>'id' = '%s'"
                                          " AND payload->>'status' = 'cancelled'", id);
  g_autofree char *n = bk_test_sql (sql);

  return (guint) g_ascii_strtoull (n, NULL, 10);
}

static gboolean
notifications_arrived (gpointer data)
{
  return notifications.summaries->len >= GPOINTER_TO_UINT (data);
}

static gboolean
row_refused (gpointer data)
{
  return find_row (data) != NULL && g_strcmp0 (row_badge (data), "Not sent") == 0;
}

/* Two more bookings. The client cancels both on the server; the expert,
 * not knowing, cancels the first from its row: the server refuses that for
 * good ("Not sent", with its reason), and the second comes as a client
 * cancellation, with its notification. */
static void
refused_and_client_cancelled (Fixture *f)
{
  g_autofree char *token1 = NULL, *token2 = NULL;
  g_autofree char *first = sync_book (session, f->slug, 1, &token1);
  g_autofree char *second = sync_book (session, f->slug, 2, &token2);
  const char *tooltip;

  g_assert_nonnull (first);
  g_assert_nonnull (second);
  bk_gui_test_click (bk_gui_test_get_by_id (f->window, "sync_button", GTK_TYPE_BUTTON));
  wait_for_pass (f);
  bk_gui_test_wait_until (notifications_arrived, GUINT_TO_POINTER (3), "two more booking notifications");
  g_free (f->id);
  f->id = g_strdup (first);
  bk_gui_test_wait_until (row_shown, f, "the second booking in the Schedule");

  sync_client_cancel (session, token1);
  sync_client_cancel (session, token2);
  cancel_from_row (f);
  bk_gui_test_wait_until (row_refused, f, "the Not sent badge");
  tooltip = gtk_widget_get_tooltip_text (bk_gui_test_get_by_id (GTK_WIDGET (find_row (f)), "sync_label", GTK_TYPE_LABEL));
  g_assert_nonnull (tooltip);
  g_assert_nonnull (strstr (tooltip, "not_booked"));

  bk_gui_test_wait_until (notifications_arrived, GUINT_TO_POINTER (4), "the client cancellation's notification");
  g_assert_cmpuint (notifications.summaries->len, ==, 4);
  g_assert_cmpstr (g_ptr_array_index (notifications.summaries, 3), ==, "Booking Cancelled by the Client");
  g_assert_true (g_str_has_prefix (g_ptr_array_index (notifications.bodies, 3), "Client 2, "));
}

static gboolean
bar_says_sign_in_again (gpointer data)
{
  const char *message = bar_message (data);

  return message != NULL && g_str_has_prefix (message, "Sign in again");
}

static gboolean
bar_hidden (gpointer data)
{
  return bar_message (data) == NULL;
}

/* The server forgets the session: the bar says to sign in again, and
 * Preferences shows the form again, the account filled in. */
static void
sign_in_again (Fixture *f)
{
  g_autofree char *email = g_strdup_printf ("%s@example.com", f->slug);
  g_autofree char *sql = g_strdup_printf ("WITH d AS (DELETE FROM sessions WHERE expert_id ="
                                          " (SELECT id FROM experts WHERE email = '%s') RETURNING 1)"
                                          " SELECT count(*) FROM d", email);
  g_autofree char *revoked = bk_test_sql (sql);
  GtkWidget *dialog;

  g_assert_cmpstr (revoked, !=, "0");
  bk_gui_test_click (bk_gui_test_get_by_id (f->window, "sync_button", GTK_TYPE_BUTTON));
  wait_for_pass (f);
  bk_gui_test_wait_until (bar_says_sign_in_again, f, "the bar to ask for a new sign-in");

  g_action_group_activate_action (G_ACTION_GROUP (f->app), "preferences", NULL);
  bk_gui_test_wait_until (toplevel_shown, GSIZE_TO_POINTER (BK_TYPE_PREFERENCES_DIALOG), "the Preferences");
  dialog = find_toplevel (BK_TYPE_PREFERENCES_DIALOG);
  g_assert_true (gtk_widget_get_visible (bk_gui_test_get_by_id (dialog, "sign_in_group", ADW_TYPE_PREFERENCES_GROUP)));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (bk_gui_test_get_by_id (dialog, "email_row", ADW_TYPE_ENTRY_ROW))),
                   ==, email);
  gtk_editable_set_text (GTK_EDITABLE (bk_gui_test_get_by_id (dialog, "password_row", ADW_TYPE_PASSWORD_ENTRY_ROW)), f->password);
  bk_gui_test_click (bk_gui_test_get_by_id (dialog, "sign_in_button", GTK_TYPE_BUTTON));
  bk_gui_test_wait_until (preferences_idle, dialog, "the new sign-in");
  g_assert_true (gtk_widget_get_visible (bk_gui_test_get_by_id (dialog, "account_group", ADW_TYPE_PREFERENCES_GROUP)));
  gtk_window_close (GTK_WINDOW (dialog));
  wait_for_pass (f);
  bk_gui_test_wait_until (bar_hidden, f, "the bar to go");
}

/* --- the test ------------------------------------------------------------ */

static void
test_sync_in_window (void)
{
  Fixture fixture = { 0, }, *f = &fixture;
  guint sent_before;

  notifications_start ();
  start_app (f);
  /* signed out, the bar says what to do; the schedule is there regardless */
  g_assert_cmpstr (bar_message (f), ==, "Sign in to publish your slots");
  g_assert_false (gtk_widget_is_sensitive (bk_gui_test_get_by_id (f->window, "sync_button", GTK_TYPE_BUTTON)));

  sign_in_from_preferences (f);
  wait_for_pass (f);   /* the sign-in's own pass publishes the slots */
  g_assert_null (bar_message (f));

  /* a client books over HTTP; Sync brings it, with a notification */
  f->id = sync_book (session, f->slug, 0, NULL);
  g_assert_nonnull (f->id);
  sent_before = bk_sync_controller_get_notifications_sent (f->sync);
  bk_gui_test_click (bk_gui_test_get_by_id (f->window, "sync_button", GTK_TYPE_BUTTON));
  wait_for_pass (f);
  bk_gui_test_wait_until (row_shown, f, "the booking in the Schedule");
  g_assert_null (row_badge (f));
  g_assert_cmpuint (bk_sync_controller_get_notifications_sent (f->sync), ==, sent_before + 1);
  bk_gui_test_wait_until (notification_arrived, NULL, "the notification at the server");
  g_assert_cmpuint (notifications.summaries->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (notifications.summaries, 0), ==, "New Booking");
  g_assert_true (g_str_has_prefix (g_ptr_array_index (notifications.bodies, 0), "Client 0, "));

  /* clicking the notification opens the Schedule on it */
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (bk_gui_test_get_by_id (f->window, "view_stack", ADW_TYPE_VIEW_STACK)),
                                         "manual");
  notifications_click (0);
  bk_gui_test_wait_until (schedule_visible, f, "the notification's click to show the Schedule");

  /* offline: the cancellation is local at once, pending, and the bar says so */
  sync_server_stop (FALSE);
  cancel_from_row (f);
  bk_gui_test_wait_until (row_pending, f, "the Pending badge");
  wait_for_pass (f);
  bk_gui_test_wait_until (bar_says_offline, f, "the offline bar");
  g_assert_true (row_pending (f));
  g_assert_cmpuint (count_backend_cancels (f->id), ==, 0);

  /* back online: Sync delivers it once, and the badge goes */
  sync_server_start ();
  bk_gui_test_click (bk_gui_test_get_by_id (f->window, "sync_button", GTK_TYPE_BUTTON));
  wait_for_pass (f);
  bk_gui_test_wait_until (row_confirmed_cancelled, f, "the confirmed cancellation");
  g_assert_null (bar_message (f));
  g_assert_cmpuint (count_backend_cancels (f->id), ==, 1);
  /* the expert's own cancellation is no news to them */
  g_assert_cmpuint (notifications.summaries->len, ==, 1);

  refused_and_client_cancelled (f);
  sign_in_again (f);

  gtk_window_destroy (GTK_WINDOW (f->window));
  bk_gui_test_flush_main_loop ();
  g_object_unref (f->app);
  notifications_stop ();
  g_free (f->slug);
  g_free (f->password);
  g_free (f->id);
}

int
main (int    argc,
      char **argv)
{
  int status;

  /* Isolated dirs would hide shared-mime-info, and without it GdkPixbuf
   * cannot tell that libadwaita's SVG icons are SVG (see test-window.c). */
  g_content_type_set_mime_dirs (NULL);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  /* failed passes retry in milliseconds, not seconds */
  g_setenv ("BOOKABLE_BACKOFF_SCALE", "0.01", TRUE);
  bk_test_cluster_url ();
  sync_server_start ();
  session = bk_test_session_new ();

  g_test_add_func ("/gui/sync/sign-in-book-offline-cancel", test_sync_in_window);

  status = g_test_run ();
  g_object_unref (session);
  sync_server_stop (FALSE);
  bk_test_cluster_stop ();
  return status;
}
