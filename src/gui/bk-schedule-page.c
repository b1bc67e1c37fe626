/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-schedule-page"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "bk-appointment.h"
#include "bk-appointment-row.h"
#include "bk-availability-rules.h"
#include "bk-availability-strategy.h"
#include "bk-busy-explanation.h"
#include "bk-calendar-cached-slots.h"
#include "bk-interval.h"
#include "bk-schedule-page.h"
#include "bk-store.h"
#include "bk-sync-changes.h"
#include "bk-time.h"

/* How far ahead "the next free slots" look. */
#define SLOT_DAYS 14
/* A day with more free slots than this shows the first ones and a count, so
 * a 5-minute step never builds thousands of widgets. */
#define MAX_SLOTS_PER_DAY 48
/* Slots pass as time goes by; how often the list catches up with the clock. */
#define REFRESH_SECONDS 60
/* How old the last network read of the calendars may get before the next
 * refresh reads them again (Refresh on the tab reads them at once). */
#define LIVE_READ_SECONDS 300

/* The calendar sources the Schedule can read busy times from; manual
 * scheduling has no strategy. */
typedef struct
{
  BkSource    source;
  const char *provider;   /* BK_PROVIDER_* */
  const char *name;       /* the product, not translated */
} CalendarSource;

static const CalendarSource calendar_sources [] = {
  { BK_SOURCE_GOOGLE_CALENDAR,    BK_PROVIDER_GOOGLE,    "Google Calendar" },
  { BK_SOURCE_OFFICE365_CALENDAR, BK_PROVIDER_OFFICE365, "Office 365 Calendar" },
};

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
  BkAvailabilityStrategy *calendar_strategies [G_N_ELEMENTS (calendar_sources)];
  GCancellable   *live_cancellable;   /* the calendars' network read */
  guint           live_source;        /* it is about to start */
  gint64          live_from;
  gint64          live_to;
  char           *live_key;           /* what it read, see dup_live_key() */
  gint64          live_read_at;       /* monotonic; 0 never */
  BkSlotReport   *live_report;        /* what it found */
  BkSlotReport   *shown_report;       /* what the slot list explains */
  char           *shown_report_key;
  char           *show_id;   /* an appointment to scroll to once listed */

  /* template children */
  GtkStack       *appointments_stack;
  GtkListView    *appointments_view;
  AdwStatusPage  *empty_page;
  GtkLabel       *slots_caption;
  GtkLabel       *report_note;
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
                   GtkWidget **out_box)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *label = gtk_label_new (heading);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  gtk_box_append (GTK_BOX (box), label);
  *out_box = box;

  return box;
}

static GtkWidget *
create_flow (GtkWidget  *day_box,
             const char *heading)
{
  GtkWidget *flow = gtk_flow_box_new ();

  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (flow), GTK_SELECTION_NONE);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (flow), TRUE);
  gtk_flow_box_set_min_children_per_line (GTK_FLOW_BOX (flow), 3);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (flow), 6);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (flow), 6);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (flow), 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (flow),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, heading, -1);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (flow),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                  gtk_widget_get_first_child (day_box), NULL, -1);
  gtk_box_append (GTK_BOX (day_box), flow);
  return flow;
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

static gboolean
report_blocks_day (const BkSlotReport *report,
                   gint64              day_start,
                   gint64              day_end)
{
  for (guint i = 0; report != NULL && i < report->blocked->len; i++)
    {
      const BkBusyTime *time = g_ptr_array_index (report->blocked, i);

      if (time->start < day_end && time->end > day_start)
        return TRUE;
    }
  return FALSE;
}

/* One local day: its free slots (the first MAX_SLOTS_PER_DAY and a count)
 * or a line saying there are none, and why other times are not offered.
 * Advances *@index past the slots of @slots it showed. */
static void
show_day (BkSchedulePage            *self,
          const BkAvailabilityRules *rules,
          GArray                    *slots,
          guint                     *index,
          const GDate               *date,
          gint64                     day_start,
          gint64                     day_end,
          gint64                     now)
{
  g_autofree char *heading = format_day (self->tz, day_start);
  GtkWidget *day_box = NULL;
  GtkWidget *flow = NULL;
  guint shown = 0;
  guint hidden = 0;

  gtk_box_append (self->slots_box, create_day_widget (heading, &day_box));
  for (; *index < slots->len && g_array_index (slots, BkInterval, *index).start < day_end; (*index)++)
    {
      g_autofree char *text = NULL;

      if (flow == NULL)
        flow = create_flow (day_box, heading);
      if (shown >= MAX_SLOTS_PER_DAY)
        {
          hidden++;
          continue;
        }
      text = format_time (self->tz, g_array_index (slots, BkInterval, *index).start);
      add_slot_label (flow, text, "slot-time");
      shown++;
    }
  if (hidden > 0)
    {
      g_autofree char *more = g_strdup_printf (ngettext ("+%u more", "+%u more", hidden), hidden);

      add_slot_label (flow, more, "slot-more");
    }
  if (flow == NULL)
    {
      GtkWidget *none = gtk_label_new (_("No free slots on this day"));

      gtk_label_set_xalign (GTK_LABEL (none), 0);
      gtk_widget_add_css_class (none, "dim-label");
      gtk_box_append (GTK_BOX (day_box), none);
    }
  gtk_box_append (GTK_BOX (day_box),
                  bk_busy_explanation_new (rules, self->tz, date, day_start, day_end,
                                           self->shown_report, now));
}

/* Lays out @slots (sorted BkInterval) in [from, to) as one block per local
 * day: the days with slots, and the days a calendar blocks. */
static void
show_slots (BkSchedulePage            *self,
            const BkAvailabilityRules *rules,
            GArray                    *slots,
            gint64                     from,
            gint64                     to,
            gint64                     now)
{
  GDate date;
  guint index = 0;

  bk_time_get_local_date (self->tz, from, &date);
  for (gint64 day_start = from; day_start < to;)
    {
      gint64 day_end;
      gboolean has_slots;

      g_date_add_days (&date, 1);
      day_end = bk_time_local_to_unix (self->tz, &date, 0);
      g_date_subtract_days (&date, 1);
      has_slots = index < slots->len && g_array_index (slots, BkInterval, index).start < day_end;
      if (has_slots || report_blocks_day (self->shown_report, day_start, day_end))
        show_day (self, rules, slots, &index, &date, day_start, day_end, now);
      g_date_add_days (&date, 1);
      day_start = day_end;
    }
}

static void
get_window (BkSchedulePage *self,
            gint64          now,
            gint64         *out_from,
            gint64         *out_to)
{
  GDate today;

  bk_time_get_local_date (self->tz, now, &today);
  *out_from = bk_time_local_to_unix (self->tz, &today, 0);
  g_date_add_days (&today, SLOT_DAYS);
  *out_to = bk_time_local_to_unix (self->tz, &today, 0);
}

/* The calendar source whose busy times the slots honour (its strategy in
 * @out_strategy), or NULL for the manual rules alone: the store's active
 * source, when its strategy is known and an account is connected. */
static const CalendarSource *
get_calendar_source (BkSchedulePage          *self,
                     BkAvailabilityStrategy **out_strategy)
{
  BkSource active = bk_store_get_active_source (self->store, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (calendar_sources); i++)
    {
      g_autoptr(BkIntegration) integration = NULL;

      if (calendar_sources [i].source != active || self->calendar_strategies [i] == NULL)
        continue;
      integration = bk_store_get_integration (self->store, calendar_sources [i].provider, NULL);
      if (integration == NULL || integration->account == NULL)
        return NULL;
      if (out_strategy != NULL)
        *out_strategy = self->calendar_strategies [i];
      return &calendar_sources [i];
    }
  return NULL;
}

/* What a live read depends on: when it changes, the calendars are read
 * again. The strategy's own writes (busy times, last sync) leave it alone,
 * so a read never triggers the next one. */
static char *
dup_live_key (BkSchedulePage            *self,
              const CalendarSource      *source,
              const BkAvailabilityRules *rules,
              gint64                     from)
{
  g_autoptr(BkIntegration) integration = bk_store_get_integration (self->store, source->provider, NULL);
  g_autoptr(GPtrArray) calendars = bk_store_list_calendars (self->store, source->provider, NULL);
  GString *key = g_string_new (NULL);

  g_string_append_printf (key, "%s|%s|%d|%s|%" G_GINT64_FORMAT "|%" G_GINT64_FORMAT "|",
                          source->provider, integration ? integration->account : "",
                          integration ? integration->reconnect_needed : 0,
                          rules->time_zone, bk_availability_strategy_get_margin (rules), from);
  for (guint i = 0; calendars != NULL && i < calendars->len; i++)
    {
      const BkCalendar *calendar = g_ptr_array_index (calendars, i);

      if (calendar->selected)
        g_string_append_printf (key, "%s,", calendar->remote_id);
    }
  return g_string_free (key, FALSE);
}

static void reload_slots (BkSchedulePage *self);

static void
live_slots_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(BkSchedulePage) self = user_data;
  g_autoptr(BkSlotReport) report = NULL;
  g_autoptr(GArray) slots = NULL;
  g_autoptr(GError) error = NULL;

  slots = bk_availability_strategy_get_available_slots_finish (BK_AVAILABILITY_STRATEGY (object),
                                                               result, &report, &error);
  if (self->appointments == NULL ||   /* disposed meanwhile */
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->live_cancellable);
  self->live_read_at = g_get_monotonic_time ();
  if (slots == NULL)
    g_warning ("Cannot read the calendars: %s", error->message);
  g_clear_pointer (&self->live_report, bk_slot_report_free);
  self->live_report = g_steal_pointer (&report);
  /* the read wrote the cache; show it with the failures the read found */
  if (self->store != NULL)
    reload_slots (self);
}

static gboolean
start_live_read_cb (gpointer user_data)
{
  BkSchedulePage *self = user_data;
  BkAvailabilityStrategy *strategy = NULL;

  self->live_source = 0;
  /* the source may have changed since the read was queued */
  if (self->store == NULL || get_calendar_source (self, &strategy) == NULL)
    return G_SOURCE_REMOVE;
  self->live_cancellable = g_cancellable_new ();
  bk_availability_strategy_get_available_slots_async (strategy,
                                                      self->live_from, self->live_to,
                                                      self->live_cancellable,
                                                      live_slots_cb, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

/* The read starts from an idle callback: a store change often comes from
 * inside the strategy (connecting writes the account before it switches to
 * the new tokens), and several changes in a row make one read. */
static void
maybe_read_live (BkSchedulePage            *self,
                 const CalendarSource      *source,
                 const BkAvailabilityRules *rules,
                 gint64                     from,
                 gint64                     to)
{
  g_autofree char *key = dup_live_key (self, source, rules, from);
  gboolean stale = self->live_read_at == 0 ||
                   g_get_monotonic_time () - self->live_read_at > LIVE_READ_SECONDS * G_USEC_PER_SEC;

  if (g_strcmp0 (key, self->live_key) == 0 &&
      (self->live_cancellable != NULL || self->live_source != 0 || !stale))
    return;

  g_cancellable_cancel (self->live_cancellable);
  g_clear_object (&self->live_cancellable);
  g_free (self->live_key);
  self->live_key = g_steal_pointer (&key);
  self->live_from = from;
  self->live_to = to;
  if (self->live_source == 0)
    self->live_source = g_idle_add (start_live_read_cb, self);
}

static void
show_report_note (BkSchedulePage       *self,
                  const CalendarSource *source,
                  const BkSlotReport   *report)
{
  g_autofree char *note = NULL;

  if (report == NULL || source == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->report_note), FALSE);
      return;
    }
  if (report->read_at == 0)
    /* Translators: %s is the calendar service, e.g. Google Calendar */
    note = g_strdup_printf (_("%s has not been read yet: times not read yet are not offered."), source->name);
  else
    {
      g_autoptr(GDateTime) local = g_date_time_new_from_unix_local (report->read_at);
      /* Translators: see strftime(3) */
      g_autofree char *when = g_date_time_format (local, _("%-d %B, %H:%M"));

      if (report->from_cache)
        /* Translators: the first %s is the calendar service (Google
         * Calendar), the second a date and time */
        note = g_strdup_printf (_("%s could not be reached: busy times from the cache, read at %s."),
                                source->name, when);
      else
        /* Translators: the first %s is the calendar service (Google
         * Calendar), the second a date and time */
        note = g_strdup_printf (_("Busy times from %s, read at %s."), source->name, when);
    }
  gtk_label_set_label (self->report_note, note);
  gtk_widget_set_visible (GTK_WIDGET (self->report_note), TRUE);
}

static gboolean
same_slots (GArray *a,
            GArray *b)
{
  return a != NULL && b != NULL && a->len == b->len &&
         (a->len == 0 || memcmp (a->data, b->data, a->len * sizeof (BkInterval)) == 0);
}

static char *
dup_report_key (const BkSlotReport *report)
{
  GString *key = g_string_new (NULL);

  for (guint i = 0; report != NULL && i < report->blocked->len; i++)
    {
      const BkBusyTime *time = g_ptr_array_index (report->blocked, i);

      g_string_append_printf (key, "%" G_GINT64_FORMAT "-%" G_GINT64_FORMAT " %s %s %s %s\n",
                              time->start, time->end, time->show_as, time->calendar_id,
                              time->calendar_name, time->reason);
    }
  if (report != NULL)
    g_string_append_printf (key, "%d %" G_GINT64_FORMAT, report->from_cache, report->read_at);
  return g_string_free (key, FALSE);
}

/* Rules, blocks and the cached busy times are small reads, so the slots are
 * computed right here from the store; the calendars are read over the
 * network in the background (maybe_read_live), which updates the cache and
 * so, through "changed", this list. Only the appointment list (possibly
 * huge) is loaded on a worker thread. */
static void
reload_slots (BkSchedulePage *self)
{
  g_autoptr(BkAvailabilityRules) rules = NULL;
  g_autoptr(GTimeZone) tz = NULL;
  g_autoptr(GArray) slots = NULL;
  g_autoptr(BkSlotReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *caption = NULL;
  g_autofree char *report_key = NULL;
  const CalendarSource *source;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 from, to;

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

  get_window (self, now, &from, &to);
  if ((source = get_calendar_source (self, NULL)) != NULL)
    {
      /* Translators: %s is the calendar service, e.g. Google Calendar */
      g_autofree char *unread = g_strdup_printf (_("Not read from %s yet, so not offered"), source->name);

      maybe_read_live (self, source, rules, from, to);
      slots = bk_calendar_cached_slots (self->store, source->provider, unread, rules, self->live_report,
                                         now, from, to, &report, &error);
    }
  else
    {
      g_cancellable_cancel (self->live_cancellable);
      g_clear_object (&self->live_cancellable);
      g_clear_handle_id (&self->live_source, g_source_remove);
      g_clear_pointer (&self->live_key, g_free);
      g_clear_pointer (&self->live_report, bk_slot_report_free);
      self->live_read_at = 0;
      slots = bk_availability_strategy_compute_slots (self->store, NULL, now, from, to, &error);
    }
  show_report_note (self, source, report);

  /* rebuilding what is already shown would only lose the scroll position */
  report_key = dup_report_key (report);
  if (same_slots (slots, self->shown_slots) && g_strcmp0 (self->shown_zone, rules->time_zone) == 0 &&
      g_strcmp0 (report_key, self->shown_report_key) == 0)
    return;

  clear_slots (self);
  g_clear_pointer (&self->shown_slots, g_array_unref);
  g_clear_pointer (&self->shown_report, bk_slot_report_free);
  g_free (self->shown_zone);
  self->shown_zone = g_strdup (rules->time_zone);
  g_free (self->shown_report_key);
  self->shown_report_key = g_steal_pointer (&report_key);
  self->shown_report = g_steal_pointer (&report);
  if (slots == NULL)
    show_slots_message (self, error->message);
  else if (slots->len == 0 && self->shown_report == NULL)
    show_slots_message (self, _("No free slots in the next two weeks. Add hours on the Manual tab."));
  else
    show_slots (self, rules, slots, from, to, now);
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

/* appointment id → why the server refused its latest change (the list of
 * refusals is short: it only grows when the server says no for good) */
static GHashTable *
load_refusals (BkSchedulePage *self)
{
  GHashTable *refusals = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) entries = bk_store_list_refusals (self->store, NULL);

  for (guint i = 0; entries != NULL && i < entries->len; i++)
    {
      BkOutboxEntry *entry = g_ptr_array_index (entries, i);
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonNode *root;
      const char *id;

      if (!json_parser_load_from_data (parser, entry->payload, -1, NULL) ||
          (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
          (id = json_object_get_string_member_with_default (json_node_get_object (root),
                                                            "appointment_id", NULL)) == NULL)
        continue;
      /* oldest first: the latest refusal wins */
      g_hash_table_insert (refusals, g_strdup (id), g_strdup (entry->last_error));
    }
  return refusals;
}

static void
annotate_appointments (BkSchedulePage *self,
                       GPtrArray      *appointments)
{
  g_autoptr(GHashTable) refusals = load_refusals (self);
  /* read once: looking up each pending row in the outbox would cost
   * pending × queued on every store change */
  g_autoptr(GHashTable) moves = bk_sync_list_pending_moves (self->store);
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
      /* a change queued since is what counts now */
      bk_appointment_row_annotate_refusal (appt, bk_appointment_get_pending (appt) ? NULL :
                                           g_hash_table_lookup (refusals, bk_appointment_get_id (appt)));
      bk_appointment_row_annotate_pending_move (appt, g_hash_table_lookup (moves, bk_appointment_get_id (appt)),
                                                self->tz);
    }
}

static void
scroll_to_show_id (BkSchedulePage *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->appointments));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BkAppointment) appt = g_list_model_get_item (G_LIST_MODEL (self->appointments), i);

      if (g_strcmp0 (bk_appointment_get_id (appt), self->show_id) == 0)
        {
          gtk_widget_activate_action (GTK_WIDGET (self->appointments_view),
                                      "list.scroll-to-item", "u", i);
          g_clear_pointer (&self->show_id, g_free);
          return;
        }
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
  if (self->show_id != NULL)
    scroll_to_show_id (self);
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
  g_cancellable_cancel (self->live_cancellable);
  g_clear_object (&self->live_cancellable);
  g_clear_handle_id (&self->live_source, g_source_remove);
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
  for (guint i = 0; i < G_N_ELEMENTS (self->calendar_strategies); i++)
    g_clear_object (&self->calendar_strategies [i]);
  g_clear_pointer (&self->live_key, g_free);
  g_clear_pointer (&self->live_report, bk_slot_report_free);
  g_clear_pointer (&self->shown_report, bk_slot_report_free);
  g_clear_pointer (&self->shown_report_key, g_free);
  g_clear_pointer (&self->show_id, g_free);

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
  gtk_widget_class_bind_template_child (widget_class, BkSchedulePage, report_note);
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

void
bk_schedule_page_set_calendar_strategy (BkSchedulePage         *self,
                                        BkSource                source,
                                        BkAvailabilityStrategy *strategy)
{
  guint i = 0;

  g_return_if_fail (BK_IS_SCHEDULE_PAGE (self));
  g_return_if_fail (source != BK_SOURCE_MANUAL);
  g_return_if_fail (strategy == NULL || BK_IS_AVAILABILITY_STRATEGY (strategy));

  while (calendar_sources [i].source != source)
    if (++i == G_N_ELEMENTS (calendar_sources))
      g_return_if_reached ();
  if (!g_set_object (&self->calendar_strategies [i], strategy))
    return;
  g_clear_pointer (&self->live_key, g_free);
  if (self->store != NULL)
    reload_slots (self);
}

void
bk_schedule_page_refresh_calendars (BkSchedulePage *self)
{
  g_return_if_fail (BK_IS_SCHEDULE_PAGE (self));

  /* a new key makes the next reload read the calendars again */
  g_clear_pointer (&self->live_key, g_free);
  if (self->store != NULL)
    reload_slots (self);
}

void
bk_schedule_page_show_appointment (BkSchedulePage *self,
                                   const char     *id)
{
  g_return_if_fail (BK_IS_SCHEDULE_PAGE (self));
  g_return_if_fail (id != NULL);

  /* the list may still be loading (the app was just started by the click):
   * then it scrolls once the list is there */
  g_free (self->show_id);
  self->show_id = g_strdup (id);
  scroll_to_show_id (self);
}
