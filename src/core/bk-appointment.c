/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-appointment"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-appointment.h"

struct _BkAppointment
{
  GObject              parent_instance;

  char                *id;
  gint64               start;
  gint64               end;
  char                *client_name;
  char                *client_email;
  char                *note;
  char                *calendar_event_id;
  char                *calendar_event_calendar;
  BkAppointmentStatus  status;
  guint                conflict : 1;
  guint                pending : 1;
};

enum {
  PROP_0,
  PROP_ID,
  PROP_START,
  PROP_END,
  PROP_CLIENT_NAME,
  PROP_CLIENT_EMAIL,
  PROP_NOTE,
  PROP_STATUS,
  PROP_CALENDAR_EVENT_ID,
  PROP_CALENDAR_EVENT_CALENDAR,
  PROP_CONFLICT,
  PROP_PENDING,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (BkAppointment, bk_appointment, G_TYPE_OBJECT)

static GParamSpec *properties [N_PROPS];

static const GEnumValue status_values[] = {
  { BK_APPOINTMENT_STATUS_BOOKED, "BK_APPOINTMENT_STATUS_BOOKED", "booked" },
  { BK_APPOINTMENT_STATUS_CANCELLED, "BK_APPOINTMENT_STATUS_CANCELLED", "cancelled" },
  { BK_APPOINTMENT_STATUS_RESCHEDULED, "BK_APPOINTMENT_STATUS_RESCHEDULED", "rescheduled" },
  { 0, NULL, NULL }
};

GType
bk_appointment_status_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      GType type = g_enum_register_static (g_intern_static_string ("BkAppointmentStatus"),
                                           status_values);
      g_once_init_leave (&type_id, type);
    }

  return type_id;
}

/* Replaces *@field with a copy of @value; FALSE when they were equal. */
static gboolean
replace_string (char       **field,
                const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;

  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

static void
bk_appointment_finalize (GObject *object)
{
  BkAppointment *self = (BkAppointment *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->client_name, g_free);
  g_clear_pointer (&self->client_email, g_free);
  g_clear_pointer (&self->note, g_free);
  g_clear_pointer (&self->calendar_event_id, g_free);
  g_clear_pointer (&self->calendar_event_calendar, g_free);

  G_OBJECT_CLASS (bk_appointment_parent_class)->finalize (object);
}

static void
bk_appointment_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  BkAppointment *self = BK_APPOINTMENT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_START:
      g_value_set_int64 (value, self->start);
      break;
    case PROP_END:
      g_value_set_int64 (value, self->end);
      break;
    case PROP_CLIENT_NAME:
      g_value_set_string (value, self->client_name);
      break;
    case PROP_CLIENT_EMAIL:
      g_value_set_string (value, self->client_email);
      break;
    case PROP_NOTE:
      g_value_set_string (value, self->note);
      break;
    case PROP_STATUS:
      g_value_set_enum (value, self->status);
      break;
    case PROP_CALENDAR_EVENT_ID:
      g_value_set_string (value, self->calendar_event_id);
      break;
    case PROP_CALENDAR_EVENT_CALENDAR:
      g_value_set_string (value, self->calendar_event_calendar);
      break;
    case PROP_CONFLICT:
      g_value_set_boolean (value, self->conflict);
      break;
    case PROP_PENDING:
      g_value_set_boolean (value, self->pending);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bk_appointment_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  BkAppointment *self = BK_APPOINTMENT (object);

  switch (prop_id)
    {
    case PROP_ID:
      replace_string (&self->id, g_value_get_string (value));
      break;
    case PROP_START:
      bk_appointment_set_times (self, g_value_get_int64 (value), self->end);
      break;
    case PROP_END:
      bk_appointment_set_times (self, self->start, g_value_get_int64 (value));
      break;
    case PROP_CLIENT_NAME:
      replace_string (&self->client_name, g_value_get_string (value));
      break;
    case PROP_CLIENT_EMAIL:
      replace_string (&self->client_email, g_value_get_string (value));
      break;
    case PROP_NOTE:
      bk_appointment_set_note (self, g_value_get_string (value));
      break;
    case PROP_STATUS:
      bk_appointment_set_status (self, g_value_get_enum (value));
      break;
    case PROP_CALENDAR_EVENT_ID:
      bk_appointment_set_calendar_event_id (self, g_value_get_string (value));
      break;
    case PROP_CALENDAR_EVENT_CALENDAR:
      bk_appointment_set_calendar_event_calendar (self, g_value_get_string (value));
      break;
    case PROP_CONFLICT:
      bk_appointment_set_conflict (self, g_value_get_boolean (value));
      break;
    case PROP_PENDING:
      bk_appointment_set_pending (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bk_appointment_class_init (BkAppointmentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags construct = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = bk_appointment_finalize;
  object_class->get_property = bk_appointment_get_property;
  object_class->set_property = bk_appointment_set_property;

  properties [PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL, construct);
  properties [PROP_START] =
    g_param_spec_int64 ("start", NULL, NULL, G_MININT64, G_MAXINT64, 0, rw);
  properties [PROP_END] =
    g_param_spec_int64 ("end", NULL, NULL, G_MININT64, G_MAXINT64, 0, rw);
  properties [PROP_CLIENT_NAME] =
    g_param_spec_string ("client-name", NULL, NULL, NULL, construct);
  properties [PROP_CLIENT_EMAIL] =
    g_param_spec_string ("client-email", NULL, NULL, NULL, construct);
  properties [PROP_NOTE] =
    g_param_spec_string ("note", NULL, NULL, NULL, rw);
  properties [PROP_STATUS] =
    g_param_spec_enum ("status", NULL, NULL, BK_TYPE_APPOINTMENT_STATUS,
                       BK_APPOINTMENT_STATUS_BOOKED, rw);
  properties [PROP_CALENDAR_EVENT_ID] =
    g_param_spec_string ("calendar-event-id", NULL, NULL, NULL, rw);
  properties [PROP_CALENDAR_EVENT_CALENDAR] =
    g_param_spec_string ("calendar-event-calendar", NULL, NULL, NULL, rw);
  properties [PROP_CONFLICT] =
    g_param_spec_boolean ("conflict", NULL, NULL, FALSE, rw);
  properties [PROP_PENDING] =
    g_param_spec_boolean ("pending", NULL, NULL, FALSE, rw);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bk_appointment_init (BkAppointment *self)
{
  self->status = BK_APPOINTMENT_STATUS_BOOKED;
}

BkAppointment *
bk_appointment_new (const char *id,
                    gint64      start,
                    gint64      end,
                    const char *client_name,
                    const char *client_email)
{
  g_return_val_if_fail (id != NULL, NULL);

  return g_object_new (BK_TYPE_APPOINTMENT,
                       "id", id,
                       "start", start,
                       "end", end,
                       "client-name", client_name,
                       "client-email", client_email,
                       NULL);
}

const char *
bk_appointment_get_id (BkAppointment *self)
{
  g_return_val_if_fail (BK_IS_APPOINTMENT (self), NULL);

  return self->id;
}

gint64
bk_appointment_get_start (BkAppointment *self)
{
  g_return_val_if_fail (BK_IS_APPOINTMENT (self), 0);

  return self->start;
}

gint64
bk_appointment_get_end (BkAppointment *self)
{
  g_return_val_if_fail (BK_IS_APPOINTMENT (self), 0);

  return self->end;
}

void
bk_appointment_set_times (BkAppointment *self,
                          gint64         start,
                          gint64         end)
{
  gboolean start_changed;
  gboolean end_changed;

  g_return_if_fail (BK_IS_APPOINTMENT (self));

  start_changed = self->start != start;
  end_changed = self->end != end;
  self->start = start;
  self->end = end;

  /* both fields are set before either notify, so a handler never sees a
   * half-moved appointment */
  if (start_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_START]);
  if (end_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_END]);
}

const char *
bk_appointment_get_client_name (BkAppointment *self)
{
  g_return_val_if_fail (BK_IS_APPOINTMENT (self), NULL);

  return self->client_name;
}

const char *
bk_appointment_get_client_email (BkAppointment *self)
{
  g_return_val_if_fail (BK_IS_APPOINTMENT (self), NULL);

  return self->client_email;
}

const char *
bk_appointment_get_note (BkAppointment *self)
{
  g_return_val_if_fail (BK_IS_APPOINTMENT (self), NULL);

  return self->note;
}

void
bk_appointment_set_note (BkAppointment *self,
                         const char    *note)
{
  g_return_if_fail (BK_IS_APPOINTMENT (self));

  if (replace_string (&self->note, note))
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_NOTE]);
}

BkAppointmentStatus
bk_appointment_get_status (BkAppointment *self)
{
  g_return_val_if_fail (BK_IS_APPOINTMENT (self), BK_APPOINTMENT_STATUS_BOOKED);

  return self->status;
}

void
bk_appointment_set_status (BkAppointment       *self,
                           BkAppointmentStatus  status)
{
  g_return_if_fail (BK_IS_APPOINTMENT (self));
  g_return_if_fail (status <= BK_APPOINTMENT_STATUS_RESCHEDULED);

  if (self->status == status)
    return;

  self->status = status;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_STATUS]);
}

const char *
bk_appointment_get_calendar_event_id (BkAppointment *self)
{
  g_return_val_if_fail (BK_IS_APPOINTMENT (self), NULL);

  return self->calendar_event_id;
}

void
bk_appointment_set_calendar_event_id (BkAppointment *self,
                                      const char    *event_id)
{
  g_return_if_fail (BK_IS_APPOINTMENT (self));

  if (replace_string (&self->calendar_event_id, event_id))
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_CALENDAR_EVENT_ID]);
}

const char *
bk_appointment_get_calendar_event_calendar (BkAppointment *self)
{
  g_return_val_if_fail (BK_IS_APPOINTMENT (self), NULL);

  return self->calendar_event_calendar;
}

void
bk_appointment_set_calendar_event_calendar (BkAppointment *self,
                                            const char    *calendar_id)
{
  g_return_if_fail (BK_IS_APPOINTMENT (self));

  if (replace_string (&self->calendar_event_calendar, calendar_id))
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_CALENDAR_EVENT_CALENDAR]);
}

gboolean
bk_appointment_get_conflict (BkAppointment *self)
{
  g_return_val_if_fail (BK_IS_APPOINTMENT (self), FALSE);

  return self->conflict;
}

void
bk_appointment_set_conflict (BkAppointment *self,
                             gboolean       conflict)
{
  g_return_if_fail (BK_IS_APPOINTMENT (self));

  conflict = !!conflict;
  if (self->conflict == (guint)conflict)
    return;

  self->conflict = conflict;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_CONFLICT]);
}

gboolean
bk_appointment_get_pending (BkAppointment *self)
{
  g_return_val_if_fail (BK_IS_APPOINTMENT (self), FALSE);

  return self->pending;
}

void
bk_appointment_set_pending (BkAppointment *self,
                            gboolean       pending)
{
  g_return_if_fail (BK_IS_APPOINTMENT (self));

  pending = !!pending;
  if (self->pending == (guint)pending)
    return;

  self->pending = pending;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_PENDING]);
}

const char *
bk_appointment_status_to_string (BkAppointmentStatus status)
{
  g_return_val_if_fail (status <= BK_APPOINTMENT_STATUS_RESCHEDULED, NULL);

  return status_values[status].value_nick;
}

gboolean
bk_appointment_status_from_string (const char          *text,
                                   BkAppointmentStatus *out_status)
{
  g_return_val_if_fail (out_status != NULL, FALSE);

  for (guint i = 0; text != NULL && status_values[i].value_nick != NULL; i++)
    {
      if (g_str_equal (text, status_values[i].value_nick))
        {
          *out_status = status_values[i].value;
          return TRUE;
        }
    }

  return FALSE;
}
