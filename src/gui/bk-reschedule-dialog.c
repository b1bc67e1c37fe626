/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-reschedule-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-appointment.h"
#include "bk-reschedule-dialog.h"
#include "bk-time.h"

struct _BkRescheduleDialog
{
  AdwMessageDialog  parent_instance;

  GTimeZone        *tz;
  char             *appointment_id;
  gint64            current_start;
  gint64            length;
  /* the validated choice; valid is FALSE while the inputs say nothing
   * the app would send */
  gint64            start;
  gboolean          valid;

  /* template children */
  GtkCalendar      *calendar;
  GtkSpinButton    *hour_spin;
  GtkSpinButton    *minute_spin;
  GtkLabel         *reason_label;
  GtkLabel         *summary_label;
};

G_DEFINE_FINAL_TYPE (BkRescheduleDialog, bk_reschedule_dialog, ADW_TYPE_MESSAGE_DIALOG)

static char *
format_local (GTimeZone  *tz,
              gint64      instant,
              const char *format)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (instant);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, tz);

  return g_date_time_format (local, format);
}

/* The chosen local day, read back from the calendar: only its date
 * counts, whatever zone GtkCalendar keeps it in. */
static void
get_chosen_date (BkRescheduleDialog *self,
                 GDate              *out_date)
{
  g_autoptr(GDateTime) chosen = gtk_calendar_get_date (self->calendar);
  int year, month, day;

  g_date_time_get_ymd (chosen, &year, &month, &day);
  g_date_clear (out_date, 1);
  g_date_set_dmy (out_date, day, month, year);
}

/* Why the choice cannot be sent (NULL: it can). Past times and runs
 * past midnight would be refused by the server or surprise the client. */
static const char *
check_choice (BkRescheduleDialog *self,
              const GDate        *date,
              gint64              start)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (start <= now)
    return _("That time has already passed");
  if (start + self->length > bk_time_local_to_unix (self->tz, date, 24 * 60))
    return _("It would end after midnight; pick an earlier start");
  if (start == self->current_start)
    return _("That is its current time");
  return NULL;
}

static void
input_changed_cb (BkRescheduleDialog *self)
{
  GDate date;
  guint minutes;
  const char *reason;
  g_autofree char *day = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *summary = NULL;

  if (self->tz == NULL)
    return;   /* still being filled in */
  get_chosen_date (self, &date);
  minutes = gtk_spin_button_get_value_as_int (self->hour_spin) * 60 +
            gtk_spin_button_get_value_as_int (self->minute_spin);
  self->start = bk_time_local_to_unix (self->tz, &date, minutes);
  reason = check_choice (self, &date, self->start);
  self->valid = reason == NULL;

  /* Translators: the day in the reschedule dialog, see strftime(3) */
  day = format_local (self->tz, self->start, _("%A, %-d %B"));
  from = format_local (self->tz, self->start, "%H:%M");
  to = format_local (self->tz, self->start + self->length, "%H:%M");
  /* Translators: the new time, e.g. "Tuesday, 3 December, 10:00 – 11:00" */
  summary = g_strdup_printf (_("%s, %s – %s"), day, from, to);
  gtk_label_set_label (self->summary_label, summary);
  gtk_label_set_label (self->reason_label, reason ? reason : "");
  gtk_widget_set_visible (GTK_WIDGET (self->reason_label), reason != NULL);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "reschedule", self->valid);
}

/* Two digits, as a clock shows them: "09:05", not "9:5". */
static gboolean
spin_output_cb (GtkSpinButton *spin)
{
  g_autofree char *text = g_strdup_printf ("%02d", gtk_spin_button_get_value_as_int (spin));

  gtk_editable_set_text (GTK_EDITABLE (spin), text);
  return TRUE;
}

static void
bk_reschedule_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), BK_TYPE_RESCHEDULE_DIALOG);

  G_OBJECT_CLASS (bk_reschedule_dialog_parent_class)->dispose (object);
}

static void
bk_reschedule_dialog_finalize (GObject *object)
{
  BkRescheduleDialog *self = BK_RESCHEDULE_DIALOG (object);

  g_clear_pointer (&self->tz, g_time_zone_unref);
  g_clear_pointer (&self->appointment_id, g_free);

  G_OBJECT_CLASS (bk_reschedule_dialog_parent_class)->finalize (object);
}

static void
bk_reschedule_dialog_class_init (BkRescheduleDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bk_reschedule_dialog_dispose;
  object_class->finalize = bk_reschedule_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/bk-reschedule-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, BkRescheduleDialog, calendar);
  gtk_widget_class_bind_template_child (widget_class, BkRescheduleDialog, hour_spin);
  gtk_widget_class_bind_template_child (widget_class, BkRescheduleDialog, minute_spin);
  gtk_widget_class_bind_template_child (widget_class, BkRescheduleDialog, reason_label);
  gtk_widget_class_bind_template_child (widget_class, BkRescheduleDialog, summary_label);
  gtk_widget_class_bind_template_callback (widget_class, input_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, spin_output_cb);
}

static void
bk_reschedule_dialog_init (BkRescheduleDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* Starts from the appointment's current day and time, which is the one
 * choice that is invalid: the expert changes something. */
static void
prefill (BkRescheduleDialog *self)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (self->current_start);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, self->tz);

  gtk_calendar_select_day (self->calendar, local);
  gtk_spin_button_set_value (self->hour_spin, g_date_time_get_hour (local));
  gtk_spin_button_set_value (self->minute_spin, g_date_time_get_minute (local));
  input_changed_cb (self);
}

BkRescheduleDialog *
bk_reschedule_dialog_new (GtkWindow     *parent,
                          BkAppointment *appointment,
                          GTimeZone     *tz)
{
  BkRescheduleDialog *self;
  gint64 minutes;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (BK_IS_APPOINTMENT (appointment), NULL);
  g_return_val_if_fail (tz != NULL, NULL);

  self = g_object_new (BK_TYPE_RESCHEDULE_DIALOG, "transient-for", parent, NULL);
  self->appointment_id = g_strdup (bk_appointment_get_id (appointment));
  self->current_start = bk_appointment_get_start (appointment);
  self->length = bk_appointment_get_end (appointment) - self->current_start;
  minutes = self->length / 60;
  /* Translators: %s is the client's name, %d minutes, the last %s a time
   * zone such as Europe/Berlin */
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (self),
                                  ngettext ("A new time for %s. It keeps its length of %d minute; times are in %s.",
                                            "A new time for %s. It keeps its length of %d minutes; times are in %s.",
                                            minutes),
                                  bk_appointment_get_client_name (appointment), (int) minutes,
                                  g_time_zone_get_identifier (tz));
  self->tz = g_time_zone_ref (tz);
  prefill (self);
  return self;
}

const char *
bk_reschedule_dialog_get_appointment_id (BkRescheduleDialog *self)
{
  g_return_val_if_fail (BK_IS_RESCHEDULE_DIALOG (self), NULL);

  return self->appointment_id;
}

gboolean
bk_reschedule_dialog_get_times (BkRescheduleDialog *self,
                                gint64             *out_start,
                                gint64             *out_end)
{
  g_return_val_if_fail (BK_IS_RESCHEDULE_DIALOG (self), FALSE);
  g_return_val_if_fail (out_start != NULL && out_end != NULL, FALSE);

  /* re-checked: "now" moves while the dialog is open */
  input_changed_cb (self);
  if (!self->valid)
    return FALSE;
  *out_start = self->start;
  *out_end = self->start + self->length;
  return TRUE;
}
