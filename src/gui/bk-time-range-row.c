/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-time-range-row"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-time-range-row.h"

struct _BkTimeRangeRow
{
  AdwActionRow  parent_instance;

  /* template children */
  GtkEntry     *end_entry;
  GtkLabel     *message_label;
  GtkButton    *remove_button;
  GtkEntry     *start_entry;
};

enum {
  CHANGED,
  REMOVE,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (BkTimeRangeRow, bk_time_range_row, ADW_TYPE_ACTION_ROW)

static guint signals [N_SIGNALS];

static void
entry_changed_cb (BkTimeRangeRow *self)
{
  g_signal_emit (self, signals [CHANGED], 0);
}

static void
remove_clicked_cb (BkTimeRangeRow *self)
{
  g_signal_emit (self, signals [REMOVE], 0);
}

static void
set_entry_error (GtkEntry *entry,
                 gboolean  bad)
{
  if (bad)
    gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
  gtk_accessible_update_state (GTK_ACCESSIBLE (entry),
                               GTK_ACCESSIBLE_STATE_INVALID,
                               bad ? GTK_ACCESSIBLE_INVALID_TRUE : GTK_ACCESSIBLE_INVALID_FALSE,
                               -1);
}

static void
bk_time_range_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), BK_TYPE_TIME_RANGE_ROW);

  G_OBJECT_CLASS (bk_time_range_row_parent_class)->dispose (object);
}

static void
bk_time_range_row_class_init (BkTimeRangeRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bk_time_range_row_dispose;

  signals [CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals [REMOVE] =
    g_signal_new ("remove", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/bk-time-range-row.ui");
  gtk_widget_class_bind_template_child (widget_class, BkTimeRangeRow, end_entry);
  gtk_widget_class_bind_template_child (widget_class, BkTimeRangeRow, message_label);
  gtk_widget_class_bind_template_child (widget_class, BkTimeRangeRow, remove_button);
  gtk_widget_class_bind_template_child (widget_class, BkTimeRangeRow, start_entry);
  gtk_widget_class_bind_template_callback (widget_class, entry_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, remove_clicked_cb);
}

static void
bk_time_range_row_init (BkTimeRangeRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
bk_time_range_row_new (const char *day_name,
                       const char *start,
                       const char *end)
{
  BkTimeRangeRow *self;
  g_autofree char *start_label = NULL;
  g_autofree char *end_label = NULL;
  g_autofree char *remove_label = NULL;

  g_return_val_if_fail (day_name != NULL, NULL);

  self = g_object_new (BK_TYPE_TIME_RANGE_ROW, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->start_entry), start ? start : "");
  gtk_editable_set_text (GTK_EDITABLE (self->end_entry), end ? end : "");

  /* Translators: accessible labels, %s is a weekday such as Monday */
  start_label = g_strdup_printf (_("%s, opens at (HH:MM)"), day_name);
  end_label = g_strdup_printf (_("%s, closes at (HH:MM)"), day_name);
  remove_label = g_strdup_printf (_("Remove these hours from %s"), day_name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->start_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, start_label, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->end_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, end_label, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->remove_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label, -1);

  return GTK_WIDGET (self);
}

const char *
bk_time_range_row_get_start_text (BkTimeRangeRow *self)
{
  g_return_val_if_fail (BK_IS_TIME_RANGE_ROW (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->start_entry));
}

const char *
bk_time_range_row_get_end_text (BkTimeRangeRow *self)
{
  g_return_val_if_fail (BK_IS_TIME_RANGE_ROW (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->end_entry));
}

void
bk_time_range_row_set_error (BkTimeRangeRow *self,
                             gboolean        start_bad,
                             gboolean        end_bad,
                             const char     *message)
{
  g_return_if_fail (BK_IS_TIME_RANGE_ROW (self));

  set_entry_error (self->start_entry, start_bad);
  set_entry_error (self->end_entry, end_bad);
  gtk_label_set_label (self->message_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
}
