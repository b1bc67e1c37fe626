/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-busy-explanation"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-availability-rules.h"
#include "bk-busy-explanation.h"
#include "bk-calendar-swatch.h"
#include "bk-store.h"
#include "bk-time.h"

/* Experts ask why a time they thought free is not offered; the answer is
 * always one of: outside the hours, a busy time (which calendar), a window
 * that could not be read, the buffer, the notice, or the daily limit. */

static char *
format_hm (GTimeZone *tz,
           gint64     instant)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (instant);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (dt, tz);

  return g_date_time_format (local, "%H:%M");
}

static void
add_line (GtkBox     *box,
          GtkWidget  *prefix,
          const char *text,
          const char *css_class)
{
  GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, css_class);
  if (prefix != NULL)
    gtk_box_append (GTK_BOX (line), prefix);
  gtk_box_append (GTK_BOX (line), label);
  gtk_box_append (box, line);
}

static const GArray *
get_day_ranges (const BkAvailabilityRules *rules,
                const GDate               *date)
{
  for (guint i = 0; rules->overrides != NULL && i < rules->overrides->len; i++)
    {
      const BkDateOverride *o = &g_array_index (rules->overrides, BkDateOverride, i);

      if (g_date_compare (&o->date, date) == 0)
        return o->ranges;
    }
  return rules->weekly[g_date_get_weekday (date) - G_DATE_MONDAY];
}

static void
add_hours (GtkBox                    *box,
           const BkAvailabilityRules *rules,
           const GDate               *date)
{
  const GArray *ranges = get_day_ranges (rules, date);
  g_autoptr(GString) hours = g_string_new (NULL);
  g_autofree char *text = NULL;

  for (guint i = 0; ranges != NULL && i < ranges->len; i++)
    {
      const BkTimeRange *range = &g_array_index (ranges, BkTimeRange, i);
      g_autofree char *start = bk_time_format_hhmm (range->start);
      g_autofree char *end = bk_time_format_hhmm (range->end);

      g_string_append_printf (hours, "%s%s–%s", i > 0 ? ", " : "", start, end);
    }
  if (hours->len == 0)
    text = g_strdup (_("No working hours on this day"));
  else
    /* Translators: %s lists time ranges, e.g. "09:00–12:00, 13:00–17:00" */
    text = g_strdup_printf (_("Working hours: %s; other times are not offered"), hours->str);
  add_line (box, NULL, text, "why-hours");
}

static const char *
describe_show_as (const char *show_as)
{
  if (g_strcmp0 (show_as, "oof") == 0)
    return _("out of office");
  if (g_strcmp0 (show_as, "tentative") == 0)
    return _("tentative");
  return _("busy");
}

static void
add_blocked (GtkBox             *box,
             GTimeZone          *tz,
             gint64              day_start,
             gint64              day_end,
             const BkSlotReport *report)
{
  for (guint i = 0; report != NULL && i < report->blocked->len; i++)
    {
      const BkBusyTime *time = g_ptr_array_index (report->blocked, i);
      g_autofree char *start = NULL;
      g_autofree char *end = NULL;
      g_autofree char *text = NULL;

      if (time->end <= day_start || time->start >= day_end)
        continue;
      start = format_hm (tz, MAX (time->start, day_start));
      end = time->end >= day_end ? g_strdup ("24:00") : format_hm (tz, time->end);
      if (time->reason != NULL)
        /* Translators: a time range, then why it could not be read */
        text = g_strdup_printf (_("%s–%s: %s"), start, end, time->reason);
      else
        /* Translators: a time range, "busy"/"tentative"/"out of office", a calendar's name */
        text = g_strdup_printf (_("%s–%s: %s in “%s”"), start, end,
                                describe_show_as (time->show_as),
                                time->calendar_name ? time->calendar_name : _("a calendar"));
      add_line (box, bk_calendar_swatch_new (time->calendar_color), text,
                time->reason != NULL ? "why-unread" : "why-busy");
    }
}

static void
add_rules (GtkBox                    *box,
           const BkAvailabilityRules *rules,
           gint64                     day_start,
           gint64                     day_end,
           gint64                     now)
{
  if (rules->buffer_before_minutes > 0 || rules->buffer_after_minutes > 0)
    {
      g_autofree char *text =
        g_strdup_printf (_("Buffer: a slot needs %u min free before it and %u min after it"),
                         rules->buffer_before_minutes, rules->buffer_after_minutes);
      add_line (box, NULL, text, "why-buffer");
    }
  if (rules->min_notice_minutes > 0 && now + (gint64) rules->min_notice_minutes * 60 > day_start)
    {
      g_autofree char *text =
        g_strdup_printf (ngettext ("Minimum notice: nothing starts sooner than %u minute from now",
                                   "Minimum notice: nothing starts sooner than %u minutes from now",
                                   rules->min_notice_minutes),
                         rules->min_notice_minutes);
      add_line (box, NULL, text, "why-notice");
    }
  if (rules->daily_limit > 0)
    {
      g_autofree char *text =
        g_strdup_printf (ngettext ("Daily limit: at most %u appointment on this day",
                                   "Daily limit: at most %u appointments on this day",
                                   rules->daily_limit),
                         rules->daily_limit);
      add_line (box, NULL, text, "why-limit");
    }
}

GtkWidget *
bk_busy_explanation_new (const BkAvailabilityRules *rules,
                         GTimeZone                 *tz,
                         const GDate               *date,
                         gint64                     day_start,
                         gint64                     day_end,
                         const BkSlotReport        *report,
                         gint64                     now)
{
  GtkWidget *expander;
  GtkWidget *box;

  g_return_val_if_fail (rules != NULL, NULL);
  g_return_val_if_fail (tz != NULL, NULL);
  g_return_val_if_fail (date != NULL && g_date_valid (date), NULL);

  expander = gtk_expander_new_with_mnemonic (_("_Why are other times not offered?"));
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_widget_add_css_class (expander, "why-not-offered");
  gtk_widget_set_margin_top (box, 6);

  add_hours (GTK_BOX (box), rules, date);
  add_blocked (GTK_BOX (box), tz, day_start, day_end, report);
  add_rules (GTK_BOX (box), rules, day_start, day_end, now);
  gtk_expander_set_child (GTK_EXPANDER (expander), box);
  return expander;
}
