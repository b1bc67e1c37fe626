/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-window"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "gui-test-util.h"
#include "bk-appointment-row.h"
#include "bk-manual-panel.h"
#include "bk-time-range-row.h"
#include "bk-window.h"
#include "bookable-core.h"

/* Real windows on a real (Xvfb) display, over a real SQLite store in the
 * throwaway XDG dirs of G_TEST_OPTION_ISOLATE_DIRS. Widgets are found by the
 * ids their .ui templates give them and driven as a user would. */


/* The times the Schedule shows as free slots, in display order. */
static GPtrArray *
get_slot_texts (GtkWidget *window)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);

  bk_gui_test_collect_by_type (bk_gui_test_get_by_id (window, "slots_box", GTK_TYPE_BOX), GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    if (gtk_widget_has_css_class (g_ptr_array_index (labels, i), "slot-time"))
      g_ptr_array_add (texts, g_strdup (gtk_label_get_label (g_ptr_array_index (labels, i))));
  return texts;
}

static gboolean
texts_within (GPtrArray          *texts,
              const char * const *allowed)
{
  for (guint i = 0; i < texts->len; i++)
    if (!g_strv_contains (allowed, g_ptr_array_index (texts, i)))
      return FALSE;
  return texts->len > 0;
}

static BkStore *
open_store (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = bk_store_get_default_path ();
  BkStore *store = bk_store_open (path, &error);

  g_assert_no_error (error);
  return store;
}

/* UTC, open only on Mondays @start–@end, 30-minute slots, no notice. */
static void
seed_monday_rules (BkStore *store,
                   guint    start,
                   guint    end)
{
  g_autoptr(BkAvailabilityRules) rules = bk_availability_rules_new ();
  g_autoptr(GError) error = NULL;
  BkTimeRange monday = { start, end };

  g_free (rules->time_zone);
  rules->time_zone = g_strdup ("UTC");
  rules->slot_minutes = rules->step_minutes = 30;
  rules->buffer_before_minutes = rules->buffer_after_minutes = 0;
  rules->min_notice_minutes = 0;
  rules->horizon_days = 60;
  rules->daily_limit = 0;
  for (guint day = 0; day < BK_N_WEEKDAYS; day++)
    bk_availability_rules_set_weekly (rules, day, NULL, 0);
  bk_availability_rules_set_weekly (rules, BK_WEEKDAY_MONDAY, &monday, 1);
  bk_store_save_rules (store, rules, &error);
  g_assert_no_error (error);
}

static gboolean
window_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

/* What a click does, without GtkButton's 250 ms "activate" animation;
 * like a pointer, it cannot click an insensitive button (the tests rely on
 * that to show Save does nothing while the input is invalid). */
static void
try_click (GtkWidget *button)
{
  if (gtk_widget_is_sensitive (button))
    g_signal_emit_by_name (button, "clicked");
  bk_gui_test_flush_main_loop ();
}

static GtkWidget *
open_window (BkStore *store)
{
  GtkWidget *window = GTK_WIDGET (bk_window_new (NULL, store));

  gtk_window_present (GTK_WINDOW (window));
  bk_gui_test_wait_until (window_mapped, window, "the window to be mapped");
  return window;
}

static void
close_window (GtkWidget *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  bk_gui_test_flush_main_loop ();
}

/* ------------------------------------------------------------------------ */

static void
test_window_tabs (void)
{
  static const char *names[] = { "schedule", "manual", "google", "office365" };
  static const char *titles[] = { "Schedule", "Manual", "Google Calendar", "Office 365 Calendar" };
  g_autoptr(BkStore) store = open_store ();
  g_autoptr(GtkSelectionModel) pages = NULL;
  GtkWidget *window = open_window (store);
  AdwViewStack *stack = ADW_VIEW_STACK (bk_gui_test_get_by_id (window, "view_stack", ADW_TYPE_VIEW_STACK));

  pages = adw_view_stack_get_pages (stack);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (pages)), ==, G_N_ELEMENTS (names));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(AdwViewStackPage) page = g_list_model_get_item (G_LIST_MODEL (pages), i);

      g_assert_cmpstr (adw_view_stack_page_get_name (page), ==, names[i]);
      g_assert_cmpstr (adw_view_stack_page_get_title (page), ==, titles[i]);
      g_assert_nonnull (adw_view_stack_page_get_icon_name (page));
    }
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (stack), ==, "schedule");

  /* every tab can be shown */
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      gtk_widget_activate_action (window, "win.show-page", "s", names[i]);
      bk_gui_test_flush_main_loop ();
      g_assert_cmpstr (adw_view_stack_get_visible_child_name (stack), ==, names[i]);
    }

  close_window (window);
}

static void
test_window_size_saved (void)
{
  g_autoptr(BkStore) store = open_store ();
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkWidget *window;
  int width, height;

  g_settings_set_int (settings, "window-width", 700);
  g_settings_set_int (settings, "window-height", 500);
  window = open_window (store);
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 700);
  g_assert_cmpint (height, ==, 500);

  gtk_window_set_default_size (GTK_WINDOW (window), 820, 610);
  gtk_window_close (GTK_WINDOW (window));
  bk_gui_test_flush_main_loop ();
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 820);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 610);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));
}

static gboolean
message_dialog_shown (gpointer data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* owned by GTK */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) &&
          gtk_widget_get_mapped (GTK_WIDGET (window)) &&
          g_strcmp0 (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (window)), data) == 0)
        {
          gtk_window_destroy (window);
          return TRUE;
        }
    }
  return FALSE;
}

static void
test_window_recovery_details (void)
{
  static const char *message = "The local data could not be read, so it was set aside.";
  g_autoptr(BkStore) store = open_store ();
  GtkWidget *window = open_window (store);

  bk_window_show_recovery (BK_WINDOW (window), message);
  gtk_widget_activate_action (window, "win.show-recovery-details", NULL);
  bk_gui_test_wait_until (message_dialog_shown, (gpointer) message, "the recovery details dialog");
  close_window (window);
}

static gboolean
schedule_settled (gpointer data)
{
  GtkStack *stack = GTK_STACK (bk_gui_test_get_by_id (data, "appointments_stack", GTK_TYPE_STACK));

  return g_strcmp0 (gtk_stack_get_visible_child_name (stack), "loading") != 0;
}

static void
test_schedule_empty (void)
{
  g_autoptr(BkStore) store = open_store ();
  GtkWidget *window = open_window (store);
  GtkStack *stack = GTK_STACK (bk_gui_test_get_by_id (window, "appointments_stack", GTK_TYPE_STACK));

  bk_gui_test_wait_until (schedule_settled, window, "the appointments to load");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "empty");
  close_window (window);
}

static BkTimeRangeRow *
get_monday_range (GtkWidget *window)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  bk_gui_test_collect_by_type (bk_gui_test_get_by_id (bk_gui_test_get_by_id (window, "manual_panel", BK_TYPE_MANUAL_PANEL), "monday_row", ADW_TYPE_EXPANDER_ROW),
                   BK_TYPE_TIME_RANGE_ROW, rows);
  g_assert_cmpuint (rows->len, ==, 1);
  return g_ptr_array_index (rows, 0);
}

static void
set_monday_range (GtkWidget  *window,
                  const char *start,
                  const char *end)
{
  GtkWidget *row = GTK_WIDGET (get_monday_range (window));

  gtk_editable_set_text (GTK_EDITABLE (bk_gui_test_get_by_id (row, "start_entry", GTK_TYPE_ENTRY)), start);
  gtk_editable_set_text (GTK_EDITABLE (bk_gui_test_get_by_id (row, "end_entry", GTK_TYPE_ENTRY)), end);
  bk_gui_test_flush_main_loop ();
}

static const char *morning[] = { "09:00", "09:30", NULL };
static const char *afternoon[] = { "13:00", "13:30", "14:00", "14:30", NULL };

static gboolean
slots_are_afternoon (gpointer data)
{
  g_autoptr(GPtrArray) texts = get_slot_texts (data);

  return texts_within (texts, afternoon);
}

static void
test_manual_changes_schedule (void)
{
  g_autoptr(BkStore) store = open_store ();
  g_autoptr(BkAvailabilityRules) saved = NULL;
  g_autoptr(GPtrArray) before = NULL;
  GtkWidget *window;
  GtkWidget *save;
  const BkTimeRange *monday;

  seed_monday_rules (store, 9 * 60, 10 * 60);
  window = open_window (store);

  /* a Monday always falls within the two weeks shown */
  before = get_slot_texts (window);
  g_assert_true (texts_within (before, morning));

  gtk_widget_activate_action (window, "win.show-page", "s", "manual");
  set_monday_range (window, "13:00", "15:00");
  save = bk_gui_test_get_by_id (window, "save_button", GTK_TYPE_BUTTON);
  g_assert_true (gtk_widget_is_sensitive (save));
  try_click (save);

  bk_gui_test_wait_until (slots_are_afternoon, window, "the Schedule to show the new Monday hours");

  saved = bk_store_load_rules (store, NULL);
  g_assert_cmpuint (saved->weekly[BK_WEEKDAY_MONDAY]->len, ==, 1);
  monday = &g_array_index (saved->weekly[BK_WEEKDAY_MONDAY], BkTimeRange, 0);
  g_assert_cmpuint (monday->start, ==, 13 * 60);
  g_assert_cmpuint (monday->end, ==, 15 * 60);
  g_assert_false (gtk_widget_is_sensitive (save));   /* nothing left to save */

  close_window (window);
}

static void
assert_store_unchanged (BkStore                   *store,
                        const BkAvailabilityRules *expected)
{
  g_autoptr(BkAvailabilityRules) now = bk_store_load_rules (store, NULL);

  g_assert_true (bk_availability_rules_equal (now, expected));
}

static void
test_manual_invalid_input (void)
{
  g_autoptr(BkStore) store = open_store ();
  g_autoptr(BkAvailabilityRules) seeded = NULL;
  GtkWidget *window, *panel, *row, *save, *status;

  seed_monday_rules (store, 9 * 60, 10 * 60);
  seeded = bk_store_load_rules (store, NULL);
  window = open_window (store);
  gtk_widget_activate_action (window, "win.show-page", "s", "manual");
  panel = bk_gui_test_get_by_id (window, "manual_panel", BK_TYPE_MANUAL_PANEL);
  save = bk_gui_test_get_by_id (panel, "save_button", GTK_TYPE_BUTTON);
  status = bk_gui_test_get_by_id (panel, "status_label", GTK_TYPE_LABEL);
  row = GTK_WIDGET (get_monday_range (window));

  /* end before start */
  set_monday_range (window, "09:00", "08:00");
  g_assert_true (gtk_widget_has_css_class (bk_gui_test_get_by_id (row, "end_entry", GTK_TYPE_ENTRY), "error"));
  g_assert_false (gtk_widget_has_css_class (bk_gui_test_get_by_id (row, "start_entry", GTK_TYPE_ENTRY), "error"));
  g_assert_false (gtk_widget_is_sensitive (save));
  g_assert_true (gtk_widget_get_visible (bk_gui_test_get_by_id (row, "message_label", GTK_TYPE_LABEL)));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (status)), !=, "");
  g_assert_true (gtk_widget_has_css_class (status, "error"));
  try_click (save);
  gtk_widget_activate_action (panel, "manual.save", NULL);
  bk_gui_test_flush_main_loop ();
  assert_store_unchanged (store, seeded);

  /* not a time at all */
  set_monday_range (window, "9am", "10:00");
  g_assert_true (gtk_widget_has_css_class (bk_gui_test_get_by_id (row, "start_entry", GTK_TYPE_ENTRY), "error"));
  g_assert_false (gtk_widget_is_sensitive (save));
  gtk_widget_activate_action (panel, "manual.save", NULL);
  bk_gui_test_flush_main_loop ();
  assert_store_unchanged (store, seeded);

  /* an unknown time zone */
  set_monday_range (window, "09:00", "11:00");
  gtk_editable_set_text (GTK_EDITABLE (bk_gui_test_get_by_id (panel, "time_zone_row", ADW_TYPE_ENTRY_ROW)), "Mars/Olympus_Mons");
  bk_gui_test_flush_main_loop ();
  g_assert_true (gtk_widget_has_css_class (bk_gui_test_get_by_id (panel, "time_zone_row", ADW_TYPE_ENTRY_ROW), "error"));
  g_assert_false (gtk_widget_is_sensitive (save));

  /* fixing it clears the errors and makes Save possible again */
  gtk_editable_set_text (GTK_EDITABLE (bk_gui_test_get_by_id (panel, "time_zone_row", ADW_TYPE_ENTRY_ROW)), "UTC");
  bk_gui_test_flush_main_loop ();
  g_assert_false (gtk_widget_has_css_class (bk_gui_test_get_by_id (row, "start_entry", GTK_TYPE_ENTRY), "error"));
  g_assert_false (gtk_widget_has_css_class (bk_gui_test_get_by_id (row, "end_entry", GTK_TYPE_ENTRY), "error"));
  g_assert_false (gtk_widget_has_css_class (status, "error"));
  g_assert_true (gtk_widget_is_sensitive (save));
  assert_store_unchanged (store, seeded);

  close_window (window);
}

static gboolean
no_slots_shown (gpointer data)
{
  g_autoptr(GPtrArray) texts = get_slot_texts (data);

  return texts->len == 0;
}

static char *
format_utc (gint64 instant)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (instant);

  return g_date_time_format (dt, "%Y-%m-%d %H:%M");
}

static void
test_manual_time_off (void)
{
  g_autoptr(BkStore) store = open_store ();
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) blocks = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *start = format_utc (now - now % 86400);
  g_autofree char *end = format_utc (now - now % 86400 + 15 * 86400);
  GtkWidget *window, *panel, *start_row, *end_row, *add, *message;

  seed_monday_rules (store, 9 * 60, 10 * 60);
  window = open_window (store);
  before = get_slot_texts (window);
  g_assert_cmpuint (before->len, >, 0);

  gtk_widget_activate_action (window, "win.show-page", "s", "manual");
  panel = bk_gui_test_get_by_id (window, "manual_panel", BK_TYPE_MANUAL_PANEL);
  start_row = bk_gui_test_get_by_id (panel, "block_start_row", ADW_TYPE_ENTRY_ROW);
  end_row = bk_gui_test_get_by_id (panel, "block_end_row", ADW_TYPE_ENTRY_ROW);
  add = bk_gui_test_get_by_id (panel, "add_block_button", GTK_TYPE_BUTTON);
  message = bk_gui_test_get_by_id (panel, "block_message_row", ADW_TYPE_ACTION_ROW);

  /* ends before it starts: refused, nothing stored */
  gtk_editable_set_text (GTK_EDITABLE (start_row), end);
  gtk_editable_set_text (GTK_EDITABLE (end_row), start);
  try_click (add);
  g_assert_true (gtk_widget_has_css_class (end_row, "error"));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (message)), !=, "");
  blocks = bk_store_list_blocks (store, 0, G_MAXINT64, NULL);
  g_assert_cmpuint (blocks->len, ==, 0);
  g_clear_pointer (&blocks, g_ptr_array_unref);

  /* two weeks off (the zone is UTC): no slot is left on the Schedule */
  gtk_editable_set_text (GTK_EDITABLE (start_row), start);
  gtk_editable_set_text (GTK_EDITABLE (end_row), end);
  gtk_editable_set_text (GTK_EDITABLE (bk_gui_test_get_by_id (panel, "block_title_row", ADW_TYPE_ENTRY_ROW)), "Holiday");
  try_click (add);
  bk_gui_test_wait_until (no_slots_shown, window, "the time off to empty the Schedule's slots");
  g_assert_false (gtk_widget_has_css_class (end_row, "error"));

  blocks = bk_store_list_blocks (store, 0, G_MAXINT64, NULL);
  g_assert_cmpuint (blocks->len, ==, 1);
  g_assert_cmpstr (((BkBlock *) g_ptr_array_index (blocks, 0))->title, ==, "Holiday");
  g_assert_cmpint (((BkBlock *) g_ptr_array_index (blocks, 0))->start, ==, now - now % 86400);

  close_window (window);
}

static void
test_manual_overrides (void)
{
  g_autoptr(BkStore) store = open_store ();
  g_autoptr(BkAvailabilityRules) saved = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  GtkWidget *window, *panel, *date_row, *hours_row, *add, *save;
  guint n_mondays = 0;

  seed_monday_rules (store, 9 * 60, 10 * 60);
  window = open_window (store);
  gtk_widget_activate_action (window, "win.show-page", "s", "manual");
  panel = bk_gui_test_get_by_id (window, "manual_panel", BK_TYPE_MANUAL_PANEL);
  date_row = bk_gui_test_get_by_id (panel, "override_date_row", ADW_TYPE_ENTRY_ROW);
  hours_row = bk_gui_test_get_by_id (panel, "override_hours_row", ADW_TYPE_ENTRY_ROW);
  add = bk_gui_test_get_by_id (panel, "add_override_button", GTK_TYPE_BUTTON);
  save = bk_gui_test_get_by_id (panel, "save_button", GTK_TYPE_BUTTON);

  /* hours that are not hours are refused */
  gtk_editable_set_text (GTK_EDITABLE (date_row), "2030-01-07");
  gtk_editable_set_text (GTK_EDITABLE (hours_row), "14:00-12:00");
  try_click (add);
  g_assert_true (gtk_widget_has_css_class (hours_row, "error"));
  g_assert_false (gtk_widget_is_sensitive (save));

  /* close every Monday of the two weeks shown: no slot is left */
  for (guint day = 0; day <= 14; day++)
    {
      g_autoptr(GDateTime) date = g_date_time_add_days (now, day);
      g_autofree char *text = g_date_time_format (date, "%Y-%m-%d");

      if (g_date_time_get_day_of_week (date) != 1)
        continue;
      gtk_editable_set_text (GTK_EDITABLE (date_row), text);
      gtk_editable_set_text (GTK_EDITABLE (hours_row), "");
      try_click (add);
      g_assert_false (gtk_widget_has_css_class (date_row, "error"));
      g_assert_false (gtk_widget_has_css_class (hours_row, "error"));
      n_mondays++;
    }
  g_assert_cmpuint (n_mondays, >=, 2);
  try_click (save);
  bk_gui_test_wait_until (no_slots_shown, window, "the closed Mondays to empty the Schedule's slots");

  saved = bk_store_load_rules (store, NULL);
  g_assert_cmpuint (saved->overrides->len, ==, n_mondays);
  g_assert_cmpuint (g_array_index (saved->overrides, BkDateOverride, 0).ranges->len, ==, 0);

  close_window (window);
}

/* --- the real `bookable` program ------------------------------------------ */

/* The system's data dirs, saved before test isolation replaced them: the
 * real program needs the icon theme and shared-mime-info. */
static char *system_data_dirs;

typedef struct
{
  GSubprocess *process;
  gboolean     exited;
} App;

static void
app_exited_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  App *app = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  app->exited = TRUE;
}

static gboolean
app_on_bus (gpointer data)
{
  App *app = data;
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  gboolean has_owner = FALSE;

  if (app->exited)
    g_error ("bookable exited before it claimed its bus name");
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", APP_ID), G_VARIANT_TYPE ("(b)"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &has_owner);
  if (!has_owner)
    g_usleep (20000);
  return has_owner;
}

static gboolean
app_exited (gpointer data)
{
  return ((App *) data)->exited;
}

/* Starts `bookable` on the profile in @data_home, waits until it runs, asks
 * it to quit over D-Bus as the shell would (app.quit), and checks that it
 * exits cleanly. */
static void
run_app_and_quit (const char *data_home)
{
  g_autofree char *program = g_build_filename (g_getenv ("BK_BUILD_ROOT"), "src", "bookable", NULL);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GError) error = NULL;
  const char *asan = g_getenv ("ASAN_OPTIONS");
  App app = { NULL, FALSE };

  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_DIRS", system_data_dirs, TRUE);
  if (asan != NULL)   /* see __asan_default_options in gui-test-util.c */
    {
      g_autofree char *options = g_strconcat (asan, ":fast_unwind_on_malloc=0", NULL);
      g_subprocess_launcher_setenv (launcher, "ASAN_OPTIONS", options, TRUE);
    }
  app.process = g_subprocess_launcher_spawn (launcher, &error, program, NULL);
  g_assert_no_error (error);
  g_subprocess_wait_async (app.process, NULL, app_exited_cb, &app);

  bk_gui_test_wait_until (app_on_bus, &app, "bookable to claim " APP_ID);
  /* Fire and forget, as the shell does: a quitting app may be gone before
   * its reply is sent, and a missing reply ("NoReply") is not a failure —
   * only the exit status below is. */
  g_dbus_connection_call (bus, APP_ID, "/io/github/bookable/Bookable",
                          "org.gtk.Actions", "Activate",
                          g_variant_new ("(sava{sv})", "quit", NULL, NULL),
                          NULL, G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, NULL, NULL, NULL);
  g_dbus_connection_flush_sync (bus, NULL, &error);
  g_assert_no_error (error);
  bk_gui_test_wait_until (app_exited, &app, "bookable to quit");

  g_assert_true (g_subprocess_get_if_exited (app.process));
  g_assert_cmpint (g_subprocess_get_exit_status (app.process), ==, 0);
  g_clear_object (&app.process);
}

static void
test_app_starts_and_quits (void)
{
  g_autofree char *data_home = g_build_filename (g_get_user_data_dir (), "app", NULL);

  run_app_and_quit (data_home);
  g_assert_true (g_file_test (data_home, G_FILE_TEST_IS_DIR));   /* it made its store */
}

static void
test_app_survives_corrupt_store (void)
{
  g_autofree char *data_home = g_build_filename (g_get_user_data_dir (), "corrupt", NULL);
  g_autofree char *dir = g_build_filename (data_home, "bookable", NULL);
  g_autofree char *path = g_build_filename (dir, "bookable.sqlite", NULL);
  g_autoptr(GDir) listing = NULL;
  g_autoptr(GError) error = NULL;
  gboolean set_aside = FALSE;
  const char *name;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (path, "this is not an SQLite database, not even close", -1, &error);
  g_assert_no_error (error);

  run_app_and_quit (data_home);

  /* the old file is kept next to the new one, never silently wiped */
  listing = g_dir_open (dir, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (listing)) != NULL)
    set_aside |= g_str_has_prefix (name, "bookable.sqlite.") && strstr (name, "corrupt") != NULL;
  g_assert_true (set_aside);
}

static void
test_app_survives_unopenable_store (void)
{
  g_autofree char *data_home = g_build_filename (g_get_user_data_dir (), "a-file", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  /* the data "directory" is a file: the store cannot be created; the app
   * says so in a dialog and still quits cleanly */
  g_file_set_contents (data_home, "", -1, &error);
  g_assert_no_error (error);
  run_app_and_quit (data_home);
}

#define N_APPOINTMENTS 10000

static void
seed_appointments (BkStore *store)
{
  g_autoptr(GPtrArray) appointments = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  gint64 first = g_get_real_time () / G_USEC_PER_SEC / 3600 * 3600 + 86400;

  for (guint i = 0; i < N_APPOINTMENTS; i++)
    {
      g_autofree char *id = g_strdup_printf ("appt-%05u", i);
      g_autofree char *name = g_strdup_printf ("Client %u", i);
      g_autofree char *email = g_strdup_printf ("client%u@example.org", i);
      gint64 start = first + (gint64) i * 3600;

      g_ptr_array_add (appointments, bk_appointment_new (id, start, start + 1800, name, email));
    }
  bk_store_upsert_appointments (store, appointments, &error);
  g_assert_no_error (error);
}

static GListModel *
get_appointments_model (GtkWidget *window)
{
  return G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (bk_gui_test_get_by_id (window, "appointments_view", GTK_TYPE_LIST_VIEW))));
}

static gboolean
all_appointments_listed (gpointer data)
{
  return g_list_model_get_n_items (get_appointments_model (data)) == N_APPOINTMENTS;
}

static gboolean
last_row_shown (gpointer data)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  bk_gui_test_collect_by_type (data, BK_TYPE_APPOINTMENT_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    {
      BkAppointment *appt = bk_appointment_row_get_appointment (g_ptr_array_index (rows, i));

      if (appt != NULL && g_strcmp0 (bk_appointment_get_id (appt), "appt-09999") == 0 &&
          gtk_widget_get_mapped (g_ptr_array_index (rows, i)))
        return TRUE;
    }
  return FALSE;
}

static void
test_schedule_many_appointments (void)
{
  g_autoptr(BkStore) store = open_store ();
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  g_autoptr(BkAppointment) first = NULL;
  GtkWidget *window;
  GtkWidget *view;

  seed_appointments (store);
  window = open_window (store);
  bk_gui_test_wait_until (all_appointments_listed, window, "10,000 appointments in the list model");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (bk_gui_test_get_by_id (window, "appointments_stack", GTK_TYPE_STACK))), ==, "list");

  first = g_list_model_get_item (get_appointments_model (window), 0);
  g_assert_cmpstr (bk_appointment_get_id (first), ==, "appt-00000");

  /* a list view builds rows for what is on screen, not for every item */
  bk_gui_test_flush_main_loop ();
  bk_gui_test_collect_by_type (window, BK_TYPE_APPOINTMENT_ROW, rows);
  g_assert_cmpuint (rows->len, >, 0);
  g_assert_cmpuint (rows->len, <, 500);

  /* and it still answers: jump to the very end and see the last row */
  view = bk_gui_test_get_by_id (window, "appointments_view", GTK_TYPE_LIST_VIEW);
  gtk_widget_activate_action (view, "list.scroll-to-item", "u", N_APPOINTMENTS - 1);
  bk_gui_test_wait_until (last_row_shown, window, "the last appointment to be shown");

  close_window (window);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  /* Isolated dirs would hide shared-mime-info, and without it GdkPixbuf
   * cannot tell that libadwaita's SVG icons are SVG: load it from the system
   * first, as GLib's documentation suggests. */
  g_content_type_set_mime_dirs (NULL);
  system_data_dirs = g_strjoinv (":", (char **) g_get_system_data_dirs ());
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  /* Never skip: a GUI test without a display is a failure to set it up. */
  if (!gtk_init_check ())
    g_error ("No display: run this test under xvfb-run (meson test does)");
  adw_init ();

  g_test_add_func ("/gui/window/tabs", test_window_tabs);
  g_test_add_func ("/gui/window/size-saved", test_window_size_saved);
  g_test_add_func ("/gui/window/recovery-details", test_window_recovery_details);
  g_test_add_func ("/gui/schedule/empty", test_schedule_empty);
  g_test_add_func ("/gui/manual/monday-changes-schedule", test_manual_changes_schedule);
  g_test_add_func ("/gui/manual/invalid-input", test_manual_invalid_input);
  g_test_add_func ("/gui/manual/time-off", test_manual_time_off);
  g_test_add_func ("/gui/manual/overrides", test_manual_overrides);
  g_test_add_func ("/gui/app/starts-and-quits", test_app_starts_and_quits);
  g_test_add_func ("/gui/app/corrupt-store", test_app_survives_corrupt_store);
  g_test_add_func ("/gui/app/unopenable-store", test_app_survives_unopenable_store);
  g_test_add_func ("/gui/schedule/many-appointments", test_schedule_many_appointments);

  status = g_test_run ();
  g_free (system_data_dirs);
  return status;
}
