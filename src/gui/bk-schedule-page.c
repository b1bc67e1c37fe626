/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-schedule-page"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "bk-appointment.h"
#include "bk-appointment-row.h"
#include "bk-availability-rules.h"
#include "bk-interval.h"
#include "bk-schedule-page.h"
#include "bk-slot-engine.h"
#include "bk-store.h"
#include "bk-time.h"

/* How far ahead "the next free slots" look. */
#define SLOT_DAYS 14
/* A day with more free slots than this shows the first ones and a count, so
 * a 5-minute step never builds thousands of widgets. */
#define MAX_SLOTS_PER_DAY 48
/* Slots pass as time goes by; how often the list catches up with the clock. */
#define REFRESH_SECONDS 60

struct _BkSchedulePage
{
  AdwBin          parent_instance;

  BkStore        *store;
  GSignalGroup   *store_signals;
  GCancellable   *cancellable;
  GListStore     *appointments;
  GTimeZone      *tz;   /* the expert's zone, from the rules */
  GArray         *shown_slots;   /* BkInterval, what the slot list shows */
  char           *shown_zone;
  guint           refresh_source;

  /* template children */
  GtkStack       *appointments_stack;
  GtkListView    *appointments_view;
  AdwStatusPage  *empty_page;
  GtkLabel       *slots_caption;
  GtkBox         *slots_box;
};

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (BkSchedulePage, bk_schedule_page, ADW_TYPE_BIN)

static GParamSpec *properties [N_PROPS];

static char *
format_time (GTimeZone *tz,
             gint64     instant)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (instant);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (dt, tz);

  return g_date_time_format (local, "%H:%M");
}

static char *
format_day (GTimeZone *tz,
            gint64     instant)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (instant);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (dt, tz);

  /* Translators: a day heading on the Schedule, see strftime(3) */
  return g_date_time_format (local, _("%A, %-d %B"));
}

/* --- the next free slots ------------------------------------------------ */

static GtkWidget *
create_day_widget (const char *heading,
                   GtkWidget **out_flow)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *label = gtk_label_new (heading);
  GtkWidget *flow = gtk_flow_box_new ();

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (flow), GTK_SELECTION_NONE);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (flow), TRUE);
  gtk_flow_box_set_min_children_per_line (GTK_FLOW_BOX (flow), 3);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (flow), 6);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (flow), 6);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (flow), 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (flow),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, heading, -1);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (flow),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL, -1);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), flow);
  *out_flow = flow;

  return box;
}

static void
add_slot_label (GtkWidget  *flow,
                const char *text,
                const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (label, css_class);
  gtk_flow_box_append (GTK_FLOW_BOX (flow), label);
}

static void
clear_slots (BkSchedulePage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->slots_box))) != NULL)
    gtk_box_remove (self->slots_box, child);
}

static void
show_slots_message (BkSchedulePage *self,
                    const char     *message)
{
  GtkWidget *label = gtk_label_new (message);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_box_append (self->slots_box, label);
}

/* Lays out @slots (sorted BkInterval) as one block per local day. */
static void
show_slots (BkSchedulePage *self,
            GArray         *slots)
{
  GtkWidget *flow = NULL;
  GDate current;
  guint shown = 0;
  guint hidden = 0;

  g_date_clear (&current, 1);
  for (guint i = 0; i <= slots->len; i++)
    {
      const BkInterval *slot = i < slots->len ? &g_array_index (slots, BkInterval, i) : NULL;
      GDate date;

      if (slot != NULL)
        bk_time_get_local_date (self->tz, slot->start, &date);
      if (slot == NULL || !g_date_valid (&current) || g_date_compare (&date, &current) != 0)
        {
          if (hidden > 0)
            {
              g_autofree char *more = g_strdup_printf (ngettext ("+%u more", "+%u more", hidden), hidden);

              add_slot_label (flow, more, "slot-more");
            }
          if (slot == NULL)
            break;

          g_autofree char *heading = format_day (self->tz, slot->start);
          gtk_box_append (self->slots_box, create_day_widget (heading, &flow));
          current = date;
          shown = hidden = 0;
        }

      if (shown < MAX_SLOTS_PER_DAY)
        {
          g_autofree char *text = format_time (self->tz, slot->start);
          add_slot_label (flow, text, "slot-time");
          shown++;
        }
      else
        hidden++;
    }
}

static GArray *
compute_slots (BkSchedulePage       *self,
               BkAvailabilityRules  *rules,
               GError              **error)
{
  g_autoptr(GArray) busy = NULL;
  g_autoptr(GArray) booked = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  GDate today;
  gint64 from, to;

  bk_time_get_local_date (self->tz, now, &today);
  from = bk_time_local_to_unix (self->tz, &today, 0);
  g_date_add_days (&today, SLOT_DAYS);
  to = bk_time_local_to_unix (self->tz, &today, 0);

  /* a day either side so buffers at the edges see what is next to them */
  if (!bk_store_load_busy_and_booked (self->store, from - 86400, to + 86400,
                                      &busy, &booked, error))
    return NULL;

  return bk_slot_engine_compute (rules,
                                 (const BkInterval *) busy->data, busy->len,
                                 (const BkInterval *) booked->data, booked->len,
                                 now, from, to, error);
}

/* Rules, blocks and the cached busy times are small reads, so the slots are
 * computed right here; only the appointment list (possibly huge) is loaded
 * on a worker thread. */
static gboolean
same_slots (GArray *a,
            GArray *b)
{
  return a != NULL && b != NULL && a->len == b->len &&
         memcmp (a->data, b->data, a->len * sizeof (BkInterval)) == 0;
}

static void
reload_slots (BkSchedulePage *self)
{
  g_autoptr(BkAvailabilityRules) rules = NULL;
  g_autoptr(GTimeZone) tz = NULL;
  g_autoptr(GArray) slots = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *caption = NULL;

  if ((rules = bk_store_load_rules (self->store, &error)) == NULL ||
      (tz = bk_time_zone_new (rules->time_zone, &error)) == NULL)
    {
      clear_slots (self);
      g_clear_pointer (&self->shown_slots, g_array_unref);
      show_slots_message (self, error->message);
      return;
    }
  g_clear_pointer (&self->tz, g_time_zone_unref);
  self->tz = g_steal_pointer (&tz);

  /* Translators: %s is a time zone name such as Europe/Berlin */
  caption = g_strdup_printf (_("The next two weeks, in %s"), rules->time_zone);
  gtk_label_set_label (self->slots_caption, caption);

  slots = compute_slots (self, rules, &error);
  /* rebuilding what is already shown would only lose the scroll position */
  if (same_slots (slots, self->shown_slots) && g_strcmp0 (self->shown_zone, rules->time_zone) == 0)
    return;

  clear_slots (self);
  g_clear_pointer (&self->shown_slots, g_array_unref);
  g_free (self->shown_zone);
  self->shown_zone = g_strdup (rules->time_zone);
  if (slots == NULL)
    show_slots_message (self, error->message);
  else if (slots->len == 0)
    show_slots_message (self, _("No free slots in the next two weeks. Add hours on the Manual tab."));
  else
    show_slots (self, slots);
  self->shown_slots = g_steal_pointer (&slots);
}

static gboolean
refresh_cb (gpointer user_data)
{
  BkSchedulePage *self = user_data;

  if (self->store != NULL)
    reload_slots (self);
  return G_SOURCE_CONTINUE;
}

/* --- the appointments ---------------------------------------------------- */

static void
annotate_appointments (BkSchedulePage *self,
                       GPtrArray      *appointments)
{
  GDate previous;

  g_date_clear (&previous, 1);
  for (guint i = 0; i < appointments->len; i++)
    {
      BkAppointment *appt = g_ptr_array_index (appointments, i);
      gint64 start = bk_appointment_get_start (appt);
      g_autofree char *from = format_time (self->tz, start);
      g_autofree char *to = format_time (self->tz, bk_appointment_get_end (appt));
      g_autofree char *times = g_strdup_printf ("%s – %s", from, to);
      g_autofree char *heading = NULL;
      GDate date;

      bk_time_get_local_date (self->tz, start, &date);
      if (!g_date_valid (&previous) || g_date_compare (&date, &previous) != 0)
        heading = format_day (self->tz, start);
      previous = date;

      bk_appointment_row_annotate (appt, heading, times);
    }
}

static void
list_appointments_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(BkSchedulePage) self = user_data;
  g_autoptr(GPtrArray) appointments = NULL;
  g_autoptr(GError) error = NULL;

  appointments = bk_store_list_appointments_finish (BK_STORE (object), result, &error);
  if (self->appointments == NULL)   /* disposed meanwhile */
    return;
  if (appointments == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_warning ("Cannot list appointments: %s", error->message);
          adw_status_page_set_description (self->empty_page, error->message);
          gtk_stack_set_visible_child_name (self->appointments_stack, "empty");
        }
      return;
    }

  annotate_appointments (self, appointments);
  g_list_store_splice (self->appointments, 0,
                       g_list_model_get_n_items (G_LIST_MODEL (self->appointments)),
                       appointments->pdata, appointments->len);
  gtk_stack_set_visible_child_name (self->appointments_stack,
                                    appointments->len > 0 ? "list" : "empty");
}

static void
reload (BkSchedulePage *self)
{
  GDate today;
  gint64 from;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  if (self->store == NULL)
    {
      clear_slots (self);
      g_clear_pointer (&self->shown_slots, g_array_unref);
      g_list_store_remove_all (self->appointments);
      return;
    }

  reload_slots (self);
  if (self->tz == NULL)
    self->tz = g_time_zone_new_utc ();

  if (g_list_model_get_n_items (G_LIST_MODEL (self->appointments)) == 0)
    gtk_stack_set_visible_child_name (self->appointments_stack, "loading");

  /* from the start of today, so this morning's appointments stay visible */
  bk_time_get_local_date (self->tz, g_get_real_time () / G_USEC_PER_SEC, &today);
  from = bk_time_local_to_unix (self->tz, &today, 0);

  self->cancellable = g_cancellable_new ();
  bk_store_list_appointments_async (self->store, from, G_MAXINT64,
                                    self->cancellable, list_appointments_cb,
                                    g_object_ref (self));
}

static void
store_changed_cb (BkSchedulePage *self)
{
  reload (self);
}

static void
bk_schedule_page_dispose (GObject *object)
{
  BkSchedulePage *self = BK_SCHEDULE_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->refresh_source, g_source_remove);
  if (self->store_signals != NULL)
    g_signal_group_set_target (self->store_signals, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), BK_TYPE_SCHEDULE_PAGE);
  g_clear_object (&self->store_signals);
  g_clear_object (&self->store);
  g_clear_object (&self->appointments);
  g_clear_pointer (&self->tz, g_time_zone_unref);
  g_clear_pointer (&self->shown_slots, g_array_unref);
  g_clear_pointer (&self->shown_zone, g_free);

  G_OBJECT_CLASS (bk_schedule_page_parent_class)->dispose (object);
}

static void
bk_schedule_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  BkSchedulePage *self = BK_SCHEDULE_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bk_schedule_page_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  BkSchedulePage *self = BK_SCHEDULE_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      bk_schedule_page_set_store (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bk_schedule_page_class_init (BkSchedulePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bk_schedule_page_dispose;
  object_class->get_property = bk_schedule_page_get_property;
  object_class->set_property = bk_schedule_page_set_property;

  properties [PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         BK_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (BK_TYPE_APPOINTMENT_ROW);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/bk-schedule-page.ui");
  gtk_widget_class_bind_template_child (widget_class, BkSchedulePage, appointments_stack);
  gtk_widget_class_bind_template_child (widget_class, BkSchedulePage, appointments_view);
  gtk_widget_class_bind_template_child (widget_class, BkSchedulePage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, BkSchedulePage, slots_box);
  gtk_widget_class_bind_template_child (widget_class, BkSchedulePage, slots_caption);
}

static void
bk_schedule_page_init (BkSchedulePage *self)
{
  g_autoptr(GtkListItemFactory) factory = NULL;
  g_autoptr(GtkNoSelection) selection = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->appointments = g_list_store_new (BK_TYPE_APPOINTMENT);
  factory = gtk_builder_list_item_factory_new_from_resource (NULL, RESOURCE_PATH "/ui/bk-appointment-item.ui");
  gtk_list_view_set_factory (self->appointments_view, factory);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->appointments)));
  gtk_list_view_set_model (self->appointments_view, GTK_SELECTION_MODEL (selection));

  self->store_signals = g_signal_group_new (BK_TYPE_STORE);
  g_signal_group_connect_swapped (self->store_signals, "changed",
                                  G_CALLBACK (store_changed_cb), self);
  self->refresh_source = g_timeout_add_seconds (REFRESH_SECONDS, refresh_cb, self);
}

BkStore *
bk_schedule_page_get_store (BkSchedulePage *self)
{
  g_return_val_if_fail (BK_IS_SCHEDULE_PAGE (self), NULL);

  return self->store;
}

void
bk_schedule_page_set_store (BkSchedulePage *self,
                            BkStore        *store)
{
  g_return_if_fail (BK_IS_SCHEDULE_PAGE (self));
  g_return_if_fail (store == NULL || BK_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;

  g_signal_group_set_target (self->store_signals, store);
  reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_STORE]);
}
