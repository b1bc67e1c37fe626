/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-appointment-row"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-appointment.h"
#include "bk-appointment-row.h"
#include "bk-interval.h"

struct _BkAppointmentRow
{
  AdwBin         parent_instance;

  BkAppointment *appointment;

  /* template children */
  GtkButton     *cancel_button;
  GtkLabel      *day_label;
  GtkLabel      *email_label;
  GtkLabel      *move_label;
  GtkLabel      *name_label;
  GtkButton     *reschedule_button;
  GtkLabel      *status_label;
  GtkLabel      *sync_label;
  GtkLabel      *time_label;
};

enum {
  PROP_0,
  PROP_APPOINTMENT,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (BkAppointmentRow, bk_appointment_row, ADW_TYPE_BIN)

static GParamSpec *properties [N_PROPS];

static G_DEFINE_QUARK (bk-appointment-row-day-heading, day_heading)
static G_DEFINE_QUARK (bk-appointment-row-times, times)
static G_DEFINE_QUARK (bk-appointment-row-refusal, refusal)
static G_DEFINE_QUARK (bk-appointment-row-moving-to, moving_to)

static const char *
describe_status (BkAppointment *appointment)
{
  if (bk_appointment_get_conflict (appointment))
    return _("Conflict");
  switch (bk_appointment_get_status (appointment))
    {
    case BK_APPOINTMENT_STATUS_CANCELLED:
      return _("Cancelled");
    case BK_APPOINTMENT_STATUS_RESCHEDULED:
      return _("Rescheduled");
    case BK_APPOINTMENT_STATUS_BOOKED:
    default:
      break;
    }
  return NULL;
}

/* Whether the server has this state yet: "Pending" while the change waits
 * in the outbox, "Not sent" (with the server's reason) once refused. */
static void
update_sync_label (BkAppointmentRow *self)
{
  BkAppointment *appt = self->appointment;
  const char *refusal = appt ? g_object_get_qdata (G_OBJECT (appt), refusal_quark ()) : NULL;
  gboolean pending = appt != NULL && bk_appointment_get_pending (appt);

  gtk_widget_remove_css_class (GTK_WIDGET (self->sync_label), "pending");
  gtk_widget_remove_css_class (GTK_WIDGET (self->sync_label), "refused");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->sync_label), NULL);
  if (pending)
    {
      gtk_label_set_label (self->sync_label, _("Pending"));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->sync_label),
                                   _("Waiting to be sent to the server; it goes out on the next sync"));
      gtk_widget_add_css_class (GTK_WIDGET (self->sync_label), "pending");
    }
  else if (refusal != NULL)
    {
      g_autofree char *tooltip = g_strdup_printf (_("The server refused this change: %s"), refusal);

      gtk_label_set_label (self->sync_label, _("Not sent"));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->sync_label), tooltip);
      gtk_widget_add_css_class (GTK_WIDGET (self->sync_label), "refused");
    }
  gtk_widget_set_visible (GTK_WIDGET (self->sync_label), pending || refusal != NULL);
}

static void
cancel_clicked_cb (BkAppointmentRow *self)
{
  if (self->appointment != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.cancel-appointment", "s",
                                bk_appointment_get_id (self->appointment));
}

static void
reschedule_clicked_cb (BkAppointmentRow *self)
{
  if (self->appointment != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.reschedule-appointment", "s",
                                bk_appointment_get_id (self->appointment));
}

/* Where a queued reschedule takes the appointment: the store keeps the old
 * times until the server confirms, so the row says both. */
static void
update_move_label (BkAppointmentRow *self)
{
  BkAppointment *appt = self->appointment;
  const char *moving_to = NULL;

  if (appt != NULL && bk_appointment_get_pending (appt))
    moving_to = g_object_get_qdata (G_OBJECT (appt), moving_to_quark ());
  gtk_label_set_label (self->move_label, moving_to ? moving_to : "");
  gtk_widget_set_visible (GTK_WIDGET (self->move_label), moving_to != NULL);
}

static void
update_labels (BkAppointmentRow *self)
{
  BkAppointment *appt = self->appointment;
  const char *heading = NULL;
  const char *status = NULL;
  gboolean changeable;

  if (appt != NULL)
    {
      heading = g_object_get_qdata (G_OBJECT (appt), day_heading_quark ());
      status = describe_status (appt);
    }

  gtk_label_set_label (self->day_label, heading ? heading : "");
  gtk_widget_set_visible (GTK_WIDGET (self->day_label), heading != NULL);
  gtk_label_set_label (self->time_label,
                       appt ? g_object_get_qdata (G_OBJECT (appt), times_quark ()) : "");
  gtk_label_set_label (self->name_label, appt ? bk_appointment_get_client_name (appt) : "");
  gtk_label_set_label (self->email_label, appt ? bk_appointment_get_client_email (appt) : "");
  gtk_label_set_label (self->status_label, status ? status : "");
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), status != NULL);
  update_sync_label (self);
  update_move_label (self);
  /* one change at a time: the store refuses a second while one waits */
  changeable = appt != NULL && bk_appointment_get_status (appt) == BK_APPOINTMENT_STATUS_BOOKED
               && !bk_appointment_get_pending (appt);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), changeable);
  gtk_widget_set_visible (GTK_WIDGET (self->reschedule_button), changeable);

  if (appt != NULL && bk_appointment_get_status (appt) == BK_APPOINTMENT_STATUS_CANCELLED)
    gtk_widget_add_css_class (GTK_WIDGET (self), "cancelled");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "cancelled");
}

static void
bk_appointment_row_dispose (GObject *object)
{
  BkAppointmentRow *self = BK_APPOINTMENT_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), BK_TYPE_APPOINTMENT_ROW);
  g_clear_object (&self->appointment);

  G_OBJECT_CLASS (bk_appointment_row_parent_class)->dispose (object);
}

static void
bk_appointment_row_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  BkAppointmentRow *self = BK_APPOINTMENT_ROW (object);

  switch (prop_id)
    {
    case PROP_APPOINTMENT:
      g_value_set_object (value, self->appointment);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bk_appointment_row_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  BkAppointmentRow *self = BK_APPOINTMENT_ROW (object);

  switch (prop_id)
    {
    case PROP_APPOINTMENT:
      bk_appointment_row_set_appointment (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bk_appointment_row_class_init (BkAppointmentRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bk_appointment_row_dispose;
  object_class->get_property = bk_appointment_row_get_property;
  object_class->set_property = bk_appointment_row_set_property;

  properties [PROP_APPOINTMENT] =
    g_param_spec_object ("appointment", NULL, NULL,
                         BK_TYPE_APPOINTMENT,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/bk-appointment-row.ui");
  gtk_widget_class_bind_template_child (widget_class, BkAppointmentRow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, BkAppointmentRow, day_label);
  gtk_widget_class_bind_template_child (widget_class, BkAppointmentRow, email_label);
  gtk_widget_class_bind_template_child (widget_class, BkAppointmentRow, move_label);
  gtk_widget_class_bind_template_child (widget_class, BkAppointmentRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, BkAppointmentRow, reschedule_button);
  gtk_widget_class_bind_template_child (widget_class, BkAppointmentRow, status_label);
  gtk_widget_class_bind_template_child (widget_class, BkAppointmentRow, sync_label);
  gtk_widget_class_bind_template_child (widget_class, BkAppointmentRow, time_label);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, reschedule_clicked_cb);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
bk_appointment_row_init (BkAppointmentRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

BkAppointment *
bk_appointment_row_get_appointment (BkAppointmentRow *self)
{
  g_return_val_if_fail (BK_IS_APPOINTMENT_ROW (self), NULL);

  return self->appointment;
}

void
bk_appointment_row_set_appointment (BkAppointmentRow *self,
                                    BkAppointment    *appointment)
{
  g_return_if_fail (BK_IS_APPOINTMENT_ROW (self));
  g_return_if_fail (appointment == NULL || BK_IS_APPOINTMENT (appointment));

  if (!g_set_object (&self->appointment, appointment))
    return;

  update_labels (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_APPOINTMENT]);
}

void
bk_appointment_row_annotate (BkAppointment *appointment,
                             const char    *day_heading,
                             const char    *times)
{
  g_return_if_fail (BK_IS_APPOINTMENT (appointment));

  g_object_set_qdata_full (G_OBJECT (appointment), day_heading_quark (),
                           g_strdup (day_heading), g_free);
  g_object_set_qdata_full (G_OBJECT (appointment), times_quark (),
                           g_strdup (times), g_free);
}

void
bk_appointment_row_annotate_refusal (BkAppointment *appointment,
                                     const char    *refusal)
{
  g_return_if_fail (BK_IS_APPOINTMENT (appointment));

  g_object_set_qdata_full (G_OBJECT (appointment), refusal_quark (),
                           g_strdup (refusal), g_free);
}

void
bk_appointment_row_annotate_pending_move (BkAppointment    *appointment,
                                          const BkInterval *move,
                                          GTimeZone        *tz)
{
  g_autofree char *moving_to = NULL;

  g_return_if_fail (BK_IS_APPOINTMENT (appointment));
  g_return_if_fail (tz != NULL);

  if (move != NULL && bk_appointment_get_pending (appointment))
    {
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (move->start);
      g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, tz);
      /* Translators: the target of a queued reschedule, see strftime(3) */
      g_autofree char *when = g_date_time_format (local, _("%a %-d %b, %H:%M"));

      /* Translators: %s is a day and time such as "Tue 3 Dec, 10:00" */
      moving_to = g_strdup_printf (_("Moving to %s"), when);
    }
  g_object_set_qdata_full (G_OBJECT (appointment), moving_to_quark (),
                           g_steal_pointer (&moving_to), g_free);
}
