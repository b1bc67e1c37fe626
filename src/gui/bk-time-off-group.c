/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-time-off-group"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-block.h"
#include "bk-gui-util.h"
#include "bk-store.h"
#include "bk-time.h"
#include "bk-time-off-group.h"

struct _BkTimeOffGroup
{
  AdwPreferencesGroup  parent_instance;

  BkStore             *store;
  GSignalGroup        *store_signals;
  char                *time_zone;
  GPtrArray           *block_rows;

  /* template children */
  AdwEntryRow         *block_end_row;
  AdwActionRow        *block_message_row;
  AdwEntryRow         *block_start_row;
  AdwEntryRow         *block_title_row;
};

G_DEFINE_FINAL_TYPE (BkTimeOffGroup, bk_time_off_group, ADW_TYPE_PREFERENCES_GROUP)

static GTimeZone *
get_zone (BkTimeOffGroup *self)
{
  GTimeZone *tz = NULL;

  if (self->time_zone != NULL)
    tz = bk_time_zone_new (self->time_zone, NULL);

  return tz != NULL ? tz : g_time_zone_new_local ();
}

/* "YYYY-MM-DD HH:MM" in the expert's zone, or RFC 3339 with an offset. */
static gboolean
parse_local_instant (GTimeZone  *tz,
                     const char *text,
                     gint64     *out_unix)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  g_auto(GStrv) parts = NULL;
  guint minutes;
  GDate date;

  if (bk_time_parse_iso8601 (copy, out_unix, NULL))
    return TRUE;

  g_strdelimit (copy, "T", ' ');
  parts = g_strsplit (copy, " ", 2);
  if (g_strv_length (parts) != 2 ||
      !bk_time_parse_date (parts[0], &date, NULL) ||
      !bk_time_parse_hhmm (g_strstrip (parts[1]), TRUE, &minutes, NULL))
    return FALSE;

  *out_unix = bk_time_local_to_unix (tz, &date, minutes);
  return TRUE;
}

static char *
format_instant (GTimeZone *tz,
                gint64     instant)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (instant);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, tz);

  /* Translators: a date and time, see strftime(3) */
  return g_date_time_format (local, _("%a %-d %b %Y, %H:%M"));
}

static void
toast (BkTimeOffGroup *self,
       const char    *message)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", message);
}

static void
remove_block_clicked_cb (GtkButton     *button,
                         BkTimeOffGroup *self)
{
  gint64 id = *(gint64 *) g_object_get_data (G_OBJECT (button), "bk-block-id");
  g_autoptr(GError) error = NULL;

  if (!bk_store_remove_block (self->store, id, &error))
    toast (self, error->message);
  else
    toast (self, _("Time off removed"));
}

static GtkWidget *
create_block_row (BkTimeOffGroup *self,
                  GTimeZone     *tz,
                  const BkBlock *block)
{
  g_autofree char *start = format_instant (tz, block->start);
  g_autofree char *end = format_instant (tz, block->end);
  g_autofree char *when = g_strdup_printf ("%s – %s", start, end);
  const char *title = block->title && *block->title ? block->title : _("Time off");
  g_autofree char *remove_label = g_strdup_printf (_("Remove time off: %s, %s"), title, when);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = bk_gui_remove_button_new (remove_label);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), when);
  g_object_set_data_full (G_OBJECT (button), "bk-block-id",
                          g_memdup2 (&block->id, sizeof block->id), g_free);
  g_signal_connect_object (button, "clicked", G_CALLBACK (remove_block_clicked_cb), self, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

  return row;
}

static void
rebuild_blocks (BkTimeOffGroup *self)
{
  g_autoptr(GPtrArray) blocks = NULL;
  g_autoptr(GTimeZone) tz = get_zone (self);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < self->block_rows->len; i++)
    adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self), g_ptr_array_index (self->block_rows, i));
  g_ptr_array_set_size (self->block_rows, 0);

  if (self->store == NULL)
    return;

  /* time off that is already over no longer matters to anyone */
  blocks = bk_store_list_blocks (self->store, g_get_real_time () / G_USEC_PER_SEC,
                                 G_MAXINT64, &error);
  if (blocks == NULL)
    {
      g_warning ("Cannot list time off: %s", error->message);
      return;
    }

  for (guint i = 0; i < blocks->len; i++)
    {
      GtkWidget *row = create_block_row (self, tz, g_ptr_array_index (blocks, i));

      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
      g_ptr_array_add (self->block_rows, row);
    }
}

static void
add_block_clicked_cb (BkTimeOffGroup *self)
{
  g_autoptr(GTimeZone) tz = get_zone (self);
  g_autoptr(GError) error = NULL;
  gint64 start = 0, end = 0;
  gboolean start_ok, end_ok;
  const char *message = NULL;

  start_ok = parse_local_instant (tz, gtk_editable_get_text (GTK_EDITABLE (self->block_start_row)), &start);
  end_ok = parse_local_instant (tz, gtk_editable_get_text (GTK_EDITABLE (self->block_end_row)), &end);
  if (!start_ok || !end_ok)
    message = _("Write times as YYYY-MM-DD HH:MM, e.g. 2027-03-29 09:00");
  else if (end <= start)
    message = _("The time off ends before it starts");
  bk_gui_set_field_error (GTK_WIDGET (self->block_start_row), !start_ok);
  bk_gui_set_field_error (GTK_WIDGET (self->block_end_row), !end_ok || (start_ok && end <= start));
  adw_action_row_set_subtitle (self->block_message_row, message ? message : "");
  if (message != NULL || self->store == NULL)
    return;

  if (bk_store_add_block (self->store, start, end,
                          gtk_editable_get_text (GTK_EDITABLE (self->block_title_row)),
                          &error) == 0)
    {
      adw_action_row_set_subtitle (self->block_message_row, error->message);
      return;
    }

  gtk_editable_set_text (GTK_EDITABLE (self->block_start_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->block_end_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->block_title_row), "");
  toast (self, _("Time off added"));
}

static void
store_changed_cb (BkTimeOffGroup *self)
{
  rebuild_blocks (self);
}

static void
bk_time_off_group_dispose (GObject *object)
{
  BkTimeOffGroup *self = BK_TIME_OFF_GROUP (object);

  if (self->store_signals != NULL)
    g_signal_group_set_target (self->store_signals, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), BK_TYPE_TIME_OFF_GROUP);
  g_clear_object (&self->store_signals);
  g_clear_object (&self->store);
  g_clear_pointer (&self->block_rows, g_ptr_array_unref);
  g_clear_pointer (&self->time_zone, g_free);

  G_OBJECT_CLASS (bk_time_off_group_parent_class)->dispose (object);
}

static void
bk_time_off_group_class_init (BkTimeOffGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bk_time_off_group_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/bk-time-off-group.ui");
  gtk_widget_class_bind_template_child (widget_class, BkTimeOffGroup, block_end_row);
  gtk_widget_class_bind_template_child (widget_class, BkTimeOffGroup, block_message_row);
  gtk_widget_class_bind_template_child (widget_class, BkTimeOffGroup, block_start_row);
  gtk_widget_class_bind_template_child (widget_class, BkTimeOffGroup, block_title_row);
  gtk_widget_class_bind_template_callback (widget_class, add_block_clicked_cb);
}

static void
bk_time_off_group_init (BkTimeOffGroup *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->block_rows = g_ptr_array_new ();
  self->store_signals = g_signal_group_new (BK_TYPE_STORE);
  g_signal_group_connect_swapped (self->store_signals, "changed",
                                  G_CALLBACK (store_changed_cb), self);
}

void
bk_time_off_group_set_store (BkTimeOffGroup *self,
                             BkStore        *store)
{
  g_return_if_fail (BK_IS_TIME_OFF_GROUP (self));
  g_return_if_fail (store == NULL || BK_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;

  g_signal_group_set_target (self->store_signals, store);
  rebuild_blocks (self);
}

void
bk_time_off_group_set_time_zone (BkTimeOffGroup *self,
                                 const char     *time_zone)
{
  g_return_if_fail (BK_IS_TIME_OFF_GROUP (self));

  if (g_strcmp0 (self->time_zone, time_zone) == 0)
    return;

  g_free (self->time_zone);
  self->time_zone = g_strdup (time_zone);
  rebuild_blocks (self);
}
