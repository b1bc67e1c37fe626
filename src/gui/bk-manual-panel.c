/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-manual-panel"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "bk-availability-rules.h"
#include "bk-gui-util.h"
#include "bk-manual-panel.h"
#include "bk-store.h"
#include "bk-time.h"
#include "bk-time-off-group.h"
#include "bk-time-range-row.h"

/* The panel edits a draft: weekly hours and slot settings live in the
 * widgets, date overrides in @edit. Every change re-reads the widgets into a
 * fresh BkAvailabilityRules, validates it, and enables Save only when it is
 * valid and differs from what the store holds. Time off (BkTimeOffGroup) is
 * saved at once instead. */
struct _BkManualPanel
{
  AdwBin               parent_instance;

  BkStore             *store;
  GSignalGroup        *store_signals;
  BkAvailabilityRules *saved;      /* as last loaded from or saved to the store */
  BkAvailabilityRules *edit;       /* holds the edited overrides */
  GPtrArray           *day_ranges[BK_N_WEEKDAYS];   /* BkTimeRangeRow */
  GPtrArray           *override_rows;
  guint                filling : 1;
  guint                dirty : 1;     /* the widgets differ from @saved */

  /* template children */
  GtkWidget           *add_override_button;
  AdwExpanderRow      *add_override_row;
  GtkSpinButton       *buffer_after_spin;
  GtkSpinButton       *buffer_before_spin;
  AdwExpanderRow      *friday_row;
  GtkSpinButton       *horizon_spin;
  GtkSpinButton       *limit_spin;
  AdwExpanderRow      *monday_row;
  GtkSpinButton       *notice_spin;
  AdwEntryRow         *override_date_row;
  AdwEntryRow         *override_hours_row;
  AdwActionRow        *override_message_row;
  AdwPreferencesGroup *overrides_group;
  AdwExpanderRow      *saturday_row;
  GtkSpinButton       *slot_spin;
  GtkLabel            *status_label;
  GtkSpinButton       *step_spin;
  AdwExpanderRow      *sunday_row;
  AdwExpanderRow      *thursday_row;
  BkTimeOffGroup      *time_off_group;
  AdwEntryRow         *time_zone_row;
  AdwExpanderRow      *tuesday_row;
  AdwExpanderRow      *wednesday_row;
};

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (BkManualPanel, bk_manual_panel, ADW_TYPE_BIN)

static GParamSpec *properties [N_PROPS];

static const char *weekday_names[BK_N_WEEKDAYS] = {
  N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"),
  N_("Friday"), N_("Saturday"), N_("Sunday"),
};

static void revalidate (BkManualPanel *self);

static AdwExpanderRow *
get_day_row (BkManualPanel *self,
             BkWeekday      day)
{
  AdwExpanderRow *rows[BK_N_WEEKDAYS] = {
    self->monday_row, self->tuesday_row, self->wednesday_row, self->thursday_row,
    self->friday_row, self->saturday_row, self->sunday_row,
  };

  return rows[day];
}

static char *
format_ranges (const BkTimeRange *ranges,
               guint              n_ranges)
{
  GString *text;

  if (n_ranges == 0)
    return g_strdup (_("Closed"));

  text = g_string_new (NULL);
  for (guint i = 0; i < n_ranges; i++)
    {
      g_autofree char *start = bk_time_format_hhmm (ranges[i].start);
      g_autofree char *end = bk_time_format_hhmm (ranges[i].end);

      if (i > 0)
        g_string_append (text, ", ");
      g_string_append_printf (text, "%s–%s", start, end);
    }

  return g_string_free (text, FALSE);
}

static int
compare_ranges (gconstpointer a,
                gconstpointer b)
{
  const BkTimeRange *ra = a;
  const BkTimeRange *rb = b;

  return (int) ra->start - (int) rb->start;
}

/* --- weekly hours --------------------------------------------------------- */

/* Reads one day's rows into @out (sorted), marking bad entries; returns the
 * first problem as a sentence, or NULL when the day is valid. */
static char *
read_day (BkManualPanel *self,
          BkWeekday      day,
          GArray        *out)
{
  g_autofree char *problem = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *rows = self->day_ranges[day];

  for (guint i = 0; i < rows->len; i++)
    {
      BkTimeRangeRow *row = g_ptr_array_index (rows, i);
      BkTimeRange range;
      guint start = 0, end = 0;
      gboolean start_ok = bk_time_parse_hhmm (bk_time_range_row_get_start_text (row), FALSE, &start, NULL);
      gboolean end_ok = bk_time_parse_hhmm (bk_time_range_row_get_end_text (row), TRUE, &end, NULL);
      const char *message = NULL;

      if (!start_ok || !end_ok)
        message = _("Use HH:MM, e.g. 09:00");
      else if (end <= start)
        message = _("Closes before it opens");

      bk_time_range_row_set_error (row, !start_ok, !end_ok || (start_ok && end <= start), message);
      if (message != NULL)
        {
          if (problem == NULL)
            problem = g_strdup (message);
          continue;
        }
      range.start = start;
      range.end = end;
      g_array_append_val (out, range);
    }

  g_array_sort (out, compare_ranges);
  if (problem == NULL && !bk_time_ranges_validate ((const BkTimeRange *) out->data, out->len, &error))
    problem = g_strdup (error->message);

  return g_steal_pointer (&problem);
}

static void
update_day_summary (BkManualPanel *self,
                    BkWeekday      day,
                    GArray        *ranges,
                    const char    *problem)
{
  AdwExpanderRow *row = get_day_row (self, day);
  g_autofree char *summary = NULL;

  summary = problem ? g_strdup (problem) : format_ranges ((const BkTimeRange *) ranges->data, ranges->len);
  /* the bad entries themselves carry the error style; the row only says why */
  adw_expander_row_set_subtitle (row, summary);
}

static void
range_changed_cb (BkManualPanel *self)
{
  revalidate (self);
}

static void
range_remove_cb (BkTimeRangeRow *row,
                 BkManualPanel  *self)
{
  for (guint day = 0; day < BK_N_WEEKDAYS; day++)
    if (g_ptr_array_remove (self->day_ranges[day], row))
      {
        adw_expander_row_remove (get_day_row (self, day), GTK_WIDGET (row));
        break;
      }
  revalidate (self);
}

static BkTimeRangeRow *
add_range_row (BkManualPanel *self,
               BkWeekday      day,
               guint          start,
               guint          end)
{
  g_autofree char *start_text = bk_time_format_hhmm (start);
  g_autofree char *end_text = bk_time_format_hhmm (end);
  GtkWidget *row = bk_time_range_row_new (_(weekday_names[day]), start_text, end_text);

  g_signal_connect_object (row, "changed", G_CALLBACK (range_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (row, "remove", G_CALLBACK (range_remove_cb), self, 0);
  adw_expander_row_add_row (get_day_row (self, day), row);
  g_ptr_array_add (self->day_ranges[day], row);

  return BK_TIME_RANGE_ROW (row);
}

static void
add_range_clicked_cb (GtkButton     *button,
                      BkManualPanel *self)
{
  BkWeekday day = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "bk-weekday"));
  g_autoptr(GArray) ranges = g_array_new (FALSE, FALSE, sizeof (BkTimeRange));
  g_autofree char *problem = read_day (self, day, ranges);
  guint start = 9 * 60, end = 17 * 60;

  /* offer the hour after the day's last range, a sensible guess to edit */
  if (ranges->len > 0)
    {
      start = MIN (g_array_index (ranges, BkTimeRange, ranges->len - 1).end + 60, 23 * 60);
      end = MIN (start + 60, 24 * 60);
    }
  add_range_row (self, day, start, end);
  adw_expander_row_set_expanded (get_day_row (self, day), TRUE);
  revalidate (self);
}

static void
fill_weekly (BkManualPanel             *self,
             const BkAvailabilityRules *rules)
{
  for (guint day = 0; day < BK_N_WEEKDAYS; day++)
    {
      GPtrArray *rows = self->day_ranges[day];
      GArray *ranges = rules->weekly[day];

      while (rows->len > 0)
        {
          adw_expander_row_remove (get_day_row (self, day), g_ptr_array_index (rows, rows->len - 1));
          g_ptr_array_remove_index (rows, rows->len - 1);
        }
      for (guint i = 0; ranges != NULL && i < ranges->len; i++)
        {
          const BkTimeRange *r = &g_array_index (ranges, BkTimeRange, i);
          add_range_row (self, day, r->start, r->end);
        }
    }
}

/* --- date overrides --------------------------------------------------------- */

static void rebuild_overrides (BkManualPanel *self);

static void
remove_override_clicked_cb (GtkButton     *button,
                            BkManualPanel *self)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_julian (&date, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "bk-julian")));
  bk_availability_rules_remove_override (self->edit, &date);
  rebuild_overrides (self);
  revalidate (self);
}

static void
rebuild_overrides (BkManualPanel *self)
{
  for (guint i = 0; i < self->override_rows->len; i++)
    adw_preferences_group_remove (self->overrides_group, g_ptr_array_index (self->override_rows, i));
  g_ptr_array_set_size (self->override_rows, 0);

  for (guint i = 0; i < self->edit->overrides->len; i++)
    {
      BkDateOverride *o = &g_array_index (self->edit->overrides, BkDateOverride, i);
      g_autofree char *title = NULL;
      g_autofree char *hours = format_ranges ((const BkTimeRange *) o->ranges->data, o->ranges->len);
      g_autofree char *remove_label = NULL;
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button;
      char buf[128];

      /* Translators: an override's date, see strftime(3) */
      g_date_strftime (buf, sizeof buf, _("%A, %-d %B %Y"), &o->date);
      title = g_strdup (buf);
      /* Translators: %s is a date */
      remove_label = g_strdup_printf (_("Remove the override for %s"), title);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), hours);
      button = bk_gui_remove_button_new (remove_label);
      g_object_set_data (G_OBJECT (button), "bk-julian", GUINT_TO_POINTER (g_date_get_julian (&o->date)));
      g_signal_connect_object (button, "clicked", G_CALLBACK (remove_override_clicked_cb), self, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      adw_preferences_group_add (self->overrides_group, row);
      g_ptr_array_add (self->override_rows, row);
    }
}

/* "10:00–14:00, 15:00-17:00" → ranges; "" → none (closed). */
static gboolean
parse_ranges_text (const char  *text,
                   GArray      *out,
                   GError     **error)
{
  g_auto(GStrv) parts = NULL;
  g_autofree char *plain = NULL;
  g_autoptr(GString) s = g_string_new (text);

  g_string_replace (s, "–", "-", 0);
  plain = g_strstrip (g_string_free (g_steal_pointer (&s), FALSE));
  if (*plain == '\0')
    return TRUE;

  parts = g_strsplit (plain, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_auto(GStrv) ends = g_strsplit (parts[i], "-", 2);
      BkTimeRange range;
      guint start, end;

      if (g_strv_length (ends) != 2 ||
          !bk_time_parse_hhmm (g_strstrip (ends[0]), FALSE, &start, error) ||
          !bk_time_parse_hhmm (g_strstrip (ends[1]), TRUE, &end, error))
        {
          g_clear_error (error);
          g_set_error (error, BK_RULES_ERROR, BK_RULES_ERROR_INVALID_VALUE,
                       _("Write hours as HH:MM–HH:MM, separated by commas"));
          return FALSE;
        }
      range.start = start;
      range.end = end;
      g_array_append_val (out, range);
    }
  g_array_sort (out, compare_ranges);

  return bk_time_ranges_validate ((const BkTimeRange *) out->data, out->len, error);
}

static void
add_override_clicked_cb (BkManualPanel *self)
{
  g_autoptr(GArray) ranges = g_array_new (FALSE, FALSE, sizeof (BkTimeRange));
  g_autoptr(GError) error = NULL;
  const char *date_text = gtk_editable_get_text (GTK_EDITABLE (self->override_date_row));
  const char *hours_text = gtk_editable_get_text (GTK_EDITABLE (self->override_hours_row));
  gboolean date_ok;
  gboolean hours_ok;
  GDate date;

  if (self->edit == NULL)   /* no store yet */
    return;

  g_date_clear (&date, 1);
  date_ok = bk_time_parse_date (date_text, &date, &error);
  hours_ok = date_ok && parse_ranges_text (hours_text, ranges, &error);
  bk_gui_set_field_error (GTK_WIDGET (self->override_date_row), !date_ok);
  bk_gui_set_field_error (GTK_WIDGET (self->override_hours_row), date_ok && !hours_ok);
  adw_action_row_set_subtitle (self->override_message_row, error ? error->message : "");
  if (error != NULL)
    return;

  bk_availability_rules_set_override (self->edit, &date, (const BkTimeRange *) ranges->data, ranges->len);
  gtk_editable_set_text (GTK_EDITABLE (self->override_date_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->override_hours_row), "");
  rebuild_overrides (self);
  revalidate (self);
}

static void
toast (BkManualPanel *self,
       const char    *message)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", message);
}

/* --- slot settings, validation, saving -------------------------------------- */

static void
read_settings (BkManualPanel       *self,
               BkAvailabilityRules *rules)
{
  rules->slot_minutes = gtk_spin_button_get_value_as_int (self->slot_spin);
  rules->step_minutes = gtk_spin_button_get_value_as_int (self->step_spin);
  rules->buffer_before_minutes = gtk_spin_button_get_value_as_int (self->buffer_before_spin);
  rules->buffer_after_minutes = gtk_spin_button_get_value_as_int (self->buffer_after_spin);
  rules->min_notice_minutes = gtk_spin_button_get_value_as_int (self->notice_spin);
  rules->horizon_days = gtk_spin_button_get_value_as_int (self->horizon_spin);
  rules->daily_limit = gtk_spin_button_get_value_as_int (self->limit_spin);
  g_free (rules->time_zone);
  rules->time_zone = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->time_zone_row))));
}

static void
fill_settings (BkManualPanel             *self,
               const BkAvailabilityRules *rules)
{
  gtk_spin_button_set_value (self->slot_spin, rules->slot_minutes);
  gtk_spin_button_set_value (self->step_spin, rules->step_minutes);
  gtk_spin_button_set_value (self->buffer_before_spin, rules->buffer_before_minutes);
  gtk_spin_button_set_value (self->buffer_after_spin, rules->buffer_after_minutes);
  gtk_spin_button_set_value (self->notice_spin, rules->min_notice_minutes);
  gtk_spin_button_set_value (self->horizon_spin, rules->horizon_days);
  gtk_spin_button_set_value (self->limit_spin, rules->daily_limit);
  gtk_editable_set_text (GTK_EDITABLE (self->time_zone_row), rules->time_zone);
}

/* The rules the widgets describe, or NULL with the first problem in
 * @out_problem (every bad field is marked on the way). */
static BkAvailabilityRules *
read_rules (BkManualPanel  *self,
            char          **out_problem)
{
  g_autoptr(BkAvailabilityRules) rules = bk_availability_rules_copy (self->edit);
  g_autoptr(GTimeZone) tz = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *problem = NULL;

  for (guint day = 0; day < BK_N_WEEKDAYS; day++)
    {
      g_autoptr(GArray) ranges = g_array_new (FALSE, FALSE, sizeof (BkTimeRange));
      g_autofree char *day_problem = read_day (self, day, ranges);

      update_day_summary (self, day, ranges, day_problem);
      if (day_problem != NULL && problem == NULL)
        /* Translators: "Monday: Closes before it opens" */
        problem = g_strdup_printf (_("%s: %s"), _(weekday_names[day]), day_problem);
      bk_availability_rules_set_weekly (rules, day, (const BkTimeRange *) ranges->data, ranges->len);
    }

  read_settings (self, rules);
  tz = bk_time_zone_new (rules->time_zone, &error);
  bk_gui_set_field_error (GTK_WIDGET (self->time_zone_row), tz == NULL);
  if (tz == NULL && problem == NULL)
    problem = g_strdup (error->message);
  g_clear_error (&error);

  if (problem == NULL && !bk_availability_rules_validate (rules, &error))
    problem = g_strdup (error->message);

  if (problem != NULL)
    {
      *out_problem = g_steal_pointer (&problem);
      return NULL;
    }
  return g_steal_pointer (&rules);
}

static void
revalidate (BkManualPanel *self)
{
  g_autoptr(BkAvailabilityRules) rules = NULL;
  g_autofree char *problem = NULL;
  gboolean dirty;

  if (self->filling || self->edit == NULL)
    return;

  rules = read_rules (self, &problem);
  dirty = rules == NULL || !bk_availability_rules_equal (rules, self->saved);
  self->dirty = dirty;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "manual.save", rules != NULL && dirty);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "manual.revert", dirty);

  if (problem != NULL)
    {
      gtk_label_set_label (self->status_label, problem);
      gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
    }
  else
    {
      gtk_label_set_label (self->status_label, dirty ? _("Unsaved changes") : "");
      gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
    }
}

static void
field_changed_cb (BkManualPanel *self)
{
  revalidate (self);
}

static void
fill_from_rules (BkManualPanel             *self,
                 const BkAvailabilityRules *rules)
{
  g_clear_pointer (&self->saved, bk_availability_rules_free);
  g_clear_pointer (&self->edit, bk_availability_rules_free);
  self->saved = bk_availability_rules_copy (rules);
  self->edit = bk_availability_rules_copy (rules);
  bk_time_off_group_set_time_zone (self->time_off_group, rules->time_zone);

  self->filling = TRUE;
  fill_weekly (self, rules);
  fill_settings (self, rules);
  rebuild_overrides (self);
  self->filling = FALSE;

  revalidate (self);
}

static void
load_rules (BkManualPanel *self)
{
  g_autoptr(BkAvailabilityRules) rules = NULL;
  g_autoptr(GError) error = NULL;

  if (self->store == NULL)
    return;

  if ((rules = bk_store_load_rules (self->store, &error)) == NULL)
    {
      g_warning ("Cannot load the rules: %s", error->message);
      rules = bk_availability_rules_new ();
    }
  fill_from_rules (self, rules);
}

static void
save_action_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  BkManualPanel *self = BK_MANUAL_PANEL (widget);
  g_autoptr(BkAvailabilityRules) rules = NULL;
  g_autofree char *problem = NULL;
  g_autoptr(GError) error = NULL;

  /* the action is disabled while invalid; this guards direct activation */
  if (self->store == NULL || (rules = read_rules (self, &problem)) == NULL)
    return;

  if (!bk_store_save_rules (self->store, rules, &error))
    {
      gtk_label_set_label (self->status_label, error->message);
      gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
      return;
    }

  g_clear_pointer (&self->saved, bk_availability_rules_free);
  self->saved = bk_availability_rules_copy (rules);
  bk_time_off_group_set_time_zone (self->time_off_group, rules->time_zone);
  revalidate (self);
  toast (self, _("Availability saved"));
}

static void
revert_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  BkManualPanel *self = BK_MANUAL_PANEL (widget);
  g_autoptr(BkAvailabilityRules) saved = NULL;

  if (self->saved == NULL)
    return;
  saved = bk_availability_rules_copy (self->saved);
  fill_from_rules (self, saved);
}

static void
store_changed_cb (BkManualPanel *self)
{
  g_autoptr(BkAvailabilityRules) rules = NULL;

  /* Someone else (bookablectl, sync) changed the rules: follow them, unless
   * that would throw away edits the user has not saved yet. */
  rules = bk_store_load_rules (self->store, NULL);
  if (rules != NULL && !self->dirty &&
      (self->saved == NULL || !bk_availability_rules_equal (rules, self->saved)))
    fill_from_rules (self, rules);
}

static void
bk_manual_panel_dispose (GObject *object)
{
  BkManualPanel *self = BK_MANUAL_PANEL (object);

  if (self->store_signals != NULL)
    g_signal_group_set_target (self->store_signals, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), BK_TYPE_MANUAL_PANEL);
  g_clear_object (&self->store_signals);
  g_clear_object (&self->store);
  for (guint day = 0; day < BK_N_WEEKDAYS; day++)
    g_clear_pointer (&self->day_ranges[day], g_ptr_array_unref);
  g_clear_pointer (&self->override_rows, g_ptr_array_unref);
  g_clear_pointer (&self->saved, bk_availability_rules_free);
  g_clear_pointer (&self->edit, bk_availability_rules_free);

  G_OBJECT_CLASS (bk_manual_panel_parent_class)->dispose (object);
}

static void
bk_manual_panel_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  BkManualPanel *self = BK_MANUAL_PANEL (object);

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
bk_manual_panel_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  BkManualPanel *self = BK_MANUAL_PANEL (object);

  switch (prop_id)
    {
    case PROP_STORE:
      bk_manual_panel_set_store (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bk_manual_panel_class_init (BkManualPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bk_manual_panel_dispose;
  object_class->get_property = bk_manual_panel_get_property;
  object_class->set_property = bk_manual_panel_set_property;

  properties [PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         BK_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (BK_TYPE_TIME_OFF_GROUP);
  g_type_ensure (BK_TYPE_TIME_RANGE_ROW);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/bk-manual-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, BkManualPanel, add_override_button);
  gtk_widget_class_bind_template_child (widget_class, BkManualPanel, add_override_row);
  gtk_widget_class_bind_template_child (widget_class, BkManualPanel, buffer_after_spin);
  gtk_widget_class_bind_template_child (widget_class, BkManualPanel, buffer_before_spin);
  gtk_widget_class_bind_template_child (widget_class, BkManualPanel, friday_row);
  gtk_widget_class_bind_template_child (widget_class, BkManualPanel, horizon_spin);
  gtk_widget_class_bind_template_child (widget_class, BkManualPanel, limit_spin);
  gtk_widget_class_bind_template_child (widget_class, BkManualPanel, monday_row);
  gtk_widget_class_bind_template_child (widget_class, BkManualPanel, notice_spin);
  gtk_widget_class_bind_template_child (widget_class, BkManualPanel, override_date_row);
  gtk_widget_class_bind_template_child (widget_class, BkManualPanel, override_hours_row);
  gtk_widget_class_bind_template_child (widget_class, BkManualPanel, override_message_row);
  gtk_widget_class_bind_template_child (widget_class, BkManualPanel, overrides_group);
  gtk_widget_class_bind_template_child (widget_class, BkManualPanel, saturday_row);
  gtk_widget_class_bind_template_child (widget_class, BkManualPanel, slot_spin);
  gtk_widget_class_bind_template_child (widget_class, BkManualPanel, status_label);
  gtk_widget_class_bind_template_child (widget_class, BkManualPanel, step_spin);
  gtk_widget_class_bind_template_child (widget_class, BkManualPanel, sunday_row);
  gtk_widget_class_bind_template_child (widget_class, BkManualPanel, thursday_row);
  gtk_widget_class_bind_template_child (widget_class, BkManualPanel, time_off_group);
  gtk_widget_class_bind_template_child (widget_class, BkManualPanel, time_zone_row);
  gtk_widget_class_bind_template_child (widget_class, BkManualPanel, tuesday_row);
  gtk_widget_class_bind_template_child (widget_class, BkManualPanel, wednesday_row);
  gtk_widget_class_bind_template_callback (widget_class, add_override_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, field_changed_cb);

  gtk_widget_class_install_action (widget_class, "manual.save", NULL, save_action_cb);
  gtk_widget_class_install_action (widget_class, "manual.revert", NULL, revert_action_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "manual.save", NULL);
}

static void
add_day_buttons (BkManualPanel *self)
{
  for (guint day = 0; day < BK_N_WEEKDAYS; day++)
    {
      GtkWidget *button = gtk_button_new_from_icon_name ("list-add-symbolic");
      /* Translators: %s is a weekday such as Monday */
      g_autofree char *label = g_strdup_printf (_("Add hours on %s"), _(weekday_names[day]));

      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_tooltip_text (button, label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      g_object_set_data (G_OBJECT (button), "bk-weekday", GUINT_TO_POINTER (day));
      g_signal_connect_object (button, "clicked", G_CALLBACK (add_range_clicked_cb), self, 0);
      adw_expander_row_add_action (get_day_row (self, day), button);
      self->day_ranges[day] = g_ptr_array_new ();
    }
}

static void
bk_manual_panel_init (BkManualPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  add_day_buttons (self);
  self->override_rows = g_ptr_array_new ();

  self->store_signals = g_signal_group_new (BK_TYPE_STORE);
  g_signal_group_connect_swapped (self->store_signals, "changed",
                                  G_CALLBACK (store_changed_cb), self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "manual.save", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "manual.revert", FALSE);
}

BkStore *
bk_manual_panel_get_store (BkManualPanel *self)
{
  g_return_val_if_fail (BK_IS_MANUAL_PANEL (self), NULL);

  return self->store;
}

void
bk_manual_panel_set_store (BkManualPanel *self,
                           BkStore       *store)
{
  g_return_if_fail (BK_IS_MANUAL_PANEL (self));
  g_return_if_fail (store == NULL || BK_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;

  g_signal_group_set_target (self->store_signals, store);
  bk_time_off_group_set_store (self->time_off_group, store);
  load_rules (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_STORE]);
}
