/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-reschedule"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "gui-test-util.h"
#include "bk-appointment-row.h"
#include "bk-sync-changes.h"
#include "bk-window.h"
#include "bookable-core.h"

/* issue 5: the expert moves a booked appointment from its row on the
 * Schedule, offline: a real window under Xvfb over a real SQLite store in
 * throwaway XDG dirs, no server at all. The expert's zone is Europe/Berlin
 * while the process runs in UTC, so a day and time picked in the dialog
 * must be read in the expert's zone. */

#define APPOINTMENT_ID "appt-move-me"
#define ZONE "Europe/Berlin"
#define LENGTH (45 * 60)

typedef struct
{
  BkStore   *store;
  GtkWidget *window;
  GTimeZone *tz;
  gint64     old_start;
} Fixture;

static void
seed (Fixture *f)
{
  g_autoptr(BkAvailabilityRules) rules = bk_availability_rules_new ();
  g_autoptr(GPtrArray) appointments = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GDateTime) now = g_date_time_new_now (f->tz);
  g_autoptr(GDateTime) tomorrow = g_date_time_add_days (now, 1);
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GError) error = NULL;

  g_free (rules->time_zone);
  rules->time_zone = g_strdup (ZONE);
  bk_store_save_rules (f->store, rules, &error);
  g_assert_no_error (error);

  /* tomorrow 14:00 in Berlin, 45 minutes */
  start = g_date_time_new (f->tz, g_date_time_get_year (tomorrow), g_date_time_get_month (tomorrow),
                           g_date_time_get_day_of_month (tomorrow), 14, 0, 0);
  f->old_start = g_date_time_to_unix (start);
  g_ptr_array_add (appointments, bk_appointment_new (APPOINTMENT_ID, f->old_start, f->old_start + LENGTH,
                                                     "Ada Lovelace", "ada@example.org"));
  bk_store_upsert_appointments (f->store, appointments, &error);
  g_assert_no_error (error);
}

static gboolean
window_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = bk_store_get_default_path ();

  f->store = bk_store_open (path, &error);
  g_assert_no_error (error);
  f->tz = g_time_zone_new_identifier (ZONE);
  g_assert_nonnull (f->tz);
  seed (f);

  f->window = GTK_WIDGET (bk_window_new (NULL, f->store));
  gtk_window_present (GTK_WINDOW (f->window));
  bk_gui_test_wait_until (window_mapped, f->window, "the window to be mapped");
  bk_window_show_appointment (BK_WINDOW (f->window), APPOINTMENT_ID);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  bk_gui_test_flush_main_loop ();
  g_clear_object (&f->store);
  g_clear_pointer (&f->tz, g_time_zone_unref);
}

static BkAppointmentRow *
find_row (Fixture *f)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  bk_gui_test_collect_by_type (f->window, BK_TYPE_APPOINTMENT_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    {
      BkAppointment *appt = bk_appointment_row_get_appointment (g_ptr_array_index (rows, i));

      if (appt != NULL && g_strcmp0 (bk_appointment_get_id (appt), APPOINTMENT_ID) == 0 &&
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

static GtkWidget *
row_child (Fixture    *f,
           const char *id,
           GType       type)
{
  BkAppointmentRow *row = find_row (f);

  g_assert_nonnull (row);
  return bk_gui_test_get_by_id (GTK_WIDGET (row), id, type);
}

/* The text of a row label when it is shown, NULL when hidden. */
static const char *
row_text (Fixture    *f,
          const char *id)
{
  GtkWidget *label = row_child (f, id, GTK_TYPE_LABEL);

  return gtk_widget_get_visible (label) ? gtk_label_get_label (GTK_LABEL (label)) : NULL;
}

static gboolean
row_pending (gpointer data)
{
  return find_row (data) != NULL && g_strcmp0 (row_text (data, "sync_label"), "Pending") == 0;
}

static gboolean
dialog_shown (gpointer data)
{
  return bk_gui_test_find_message_dialog () != NULL;
}

static AdwMessageDialog *
open_dialog (Fixture *f)
{
  bk_gui_test_wait_until (row_shown, f, "the appointment's row");
  bk_gui_test_click (row_child (f, "reschedule_button", GTK_TYPE_BUTTON));
  bk_gui_test_wait_until (dialog_shown, NULL, "the reschedule dialog");
  return bk_gui_test_find_message_dialog ();
}

/* The dialog's button for @label ("_Reschedule"), as a pointer finds it. */
static GtkWidget *
response_button (AdwMessageDialog *dialog,
                 const char       *label)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  bk_gui_test_collect_by_type (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_button_get_label (g_ptr_array_index (buttons, i)), label) == 0)
      return g_ptr_array_index (buttons, i);
  g_error ("No button %s in the dialog", label);
}

/* Picks @day (only its date counts) and @hour:@minute, as a person would. */
static void
choose (AdwMessageDialog *dialog,
        GDateTime        *day,
        int               hour,
        int               minute)
{
  gtk_calendar_select_day (GTK_CALENDAR (bk_gui_test_get_by_id (GTK_WIDGET (dialog), "calendar", GTK_TYPE_CALENDAR)), day);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (bk_gui_test_get_by_id (GTK_WIDGET (dialog), "hour_spin", GTK_TYPE_SPIN_BUTTON)), hour);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (bk_gui_test_get_by_id (GTK_WIDGET (dialog), "minute_spin", GTK_TYPE_SPIN_BUTTON)), minute);
  bk_gui_test_flush_main_loop ();
}

/* Reschedule cannot be pressed, and the dialog says why. */
static void
assert_refused (AdwMessageDialog *dialog,
                const char       *what)
{
  GtkWidget *reason = bk_gui_test_get_by_id (GTK_WIDGET (dialog), "reason_label", GTK_TYPE_LABEL);

  if (gtk_widget_is_sensitive (response_button (dialog, "_Reschedule")))
    g_error ("Reschedule is enabled for %s", what);
  g_assert_true (gtk_widget_get_visible (reason));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (reason)), !=, "");
}

static GDateTime *
berlin_day (Fixture *f,
            int      days_from_now)
{
  g_autoptr(GDateTime) now = g_date_time_new_now (f->tz);

  return g_date_time_add_days (now, days_from_now);
}

/* The row's button opens the dialog on the current time (which cannot be
 * sent as is); past times and a run past midnight keep Reschedule
 * disabled; a time a week ahead at 10:00 Berlin time is queued with the
 * same length, the store keeps the old times, and the row shows Pending
 * with where it moves, without its reschedule button. */
static void
test_reschedule_from_row (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GDateTime) yesterday = berlin_day (f, -1);
  g_autoptr(GDateTime) week = berlin_day (f, 7);
  g_autoptr(GDateTime) target = NULL;
  g_autoptr(BkAppointment) stored = NULL;
  g_autofree char *moving_to = NULL;
  AdwMessageDialog *dialog;
  gint64 start = 0, end = 0;

  g_assert_false (bk_sync_get_pending_move (f->store, APPOINTMENT_ID, &start, &end));
  dialog = open_dialog (f);
  assert_refused (dialog, "the current time");

  choose (dialog, yesterday, 10, 0);
  assert_refused (dialog, "yesterday");
  choose (dialog, week, 23, 30);     /* 45 minutes: past midnight */
  assert_refused (dialog, "a run past midnight");
  choose (dialog, week, 23, 15);     /* ends exactly at midnight: fine */
  g_assert_true (gtk_widget_is_sensitive (response_button (dialog, "_Reschedule")));
  g_assert_false (gtk_widget_get_visible (bk_gui_test_get_by_id (GTK_WIDGET (dialog), "reason_label", GTK_TYPE_LABEL)));

  choose (dialog, week, 10, 0);
  bk_gui_test_click (response_button (dialog, "_Reschedule"));
  g_assert_null (bk_gui_test_find_message_dialog ());   /* closed */

  target = g_date_time_new (f->tz, g_date_time_get_year (week), g_date_time_get_month (week),
                            g_date_time_get_day_of_month (week), 10, 0, 0);
  g_assert_true (bk_sync_get_pending_move (f->store, APPOINTMENT_ID, &start, &end));
  g_assert_cmpint (start, ==, g_date_time_to_unix (target));
  g_assert_cmpint (end, ==, g_date_time_to_unix (target) + LENGTH);
  stored = bk_store_get_appointment (f->store, APPOINTMENT_ID, NULL);
  g_assert_cmpint (bk_appointment_get_start (stored), ==, f->old_start);   /* until the server says so */

  bk_gui_test_wait_until (row_pending, f, "the row to show Pending");
  moving_to = g_date_time_format (target, "Moving to %a %-d %b, 10:00");
  g_assert_cmpstr (row_text (f, "move_label"), ==, moving_to);
  g_assert_false (gtk_widget_get_visible (row_child (f, "reschedule_button", GTK_TYPE_BUTTON)));
}

static gboolean
toast_says (gpointer data)
{
  Fixture *f = ((gpointer *) data)[0];
  const char *message = ((gpointer *) data)[1];
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  bk_gui_test_collect_by_type (f->window, GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    if (g_strcmp0 (gtk_label_get_label (g_ptr_array_index (labels, i)), message) == 0 &&
        gtk_widget_get_mapped (g_ptr_array_index (labels, i)))
      return TRUE;
  return FALSE;
}

/* While the dialog is open, bookablectl (here: the same call on the same
 * store file) moves the appointment first: the dialog's Reschedule then
 * fails with the store's reason as a toast, and the first move stands. */
static void
test_reschedule_refused (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GDateTime) week = berlin_day (f, 7);
  g_autoptr(GError) error = NULL;
  gint64 other = f->old_start + 2 * 86400;
  gint64 start = 0, end = 0;
  AdwMessageDialog *dialog;
  gpointer args[2];

  dialog = open_dialog (f);
  choose (dialog, week, 11, 0);
  bk_sync_queue_reschedule (f->store, APPOINTMENT_ID, other, other + LENGTH, &error);
  g_assert_no_error (error);
  bk_gui_test_click (response_button (dialog, "_Reschedule"));

  /* the message a second move gets is what the toast must say */
  g_assert_false (bk_sync_queue_reschedule (f->store, APPOINTMENT_ID, other + 3600, other + 3600 + LENGTH, &error));
  g_assert_nonnull (error);
  args[0] = f;
  args[1] = error->message;
  bk_gui_test_wait_until (toast_says, args, "the toast with the store's reason");
  g_assert_true (bk_sync_get_pending_move (f->store, APPOINTMENT_ID, &start, &end));
  g_assert_cmpint (start, ==, other);
  g_assert_cmpint (end, ==, other + LENGTH);
}

int
main (int   argc,
      char *argv[])
{
  bk_gui_test_init (&argc, &argv);

  g_test_add ("/gui/reschedule/from-row", Fixture, NULL,
              fixture_set_up, test_reschedule_from_row, fixture_tear_down);
  g_test_add ("/gui/reschedule/refused", Fixture, NULL,
              fixture_set_up, test_reschedule_refused, fixture_tear_down);
  return g_test_run ();
}
