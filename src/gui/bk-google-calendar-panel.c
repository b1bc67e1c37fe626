/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-google-calendar-panel"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-google-calendar-panel.h"

/* Connecting the calendar needs OAuth and the sync engine, which come in a
 * later version; until then the panel says so rather than offering buttons
 * that do nothing. */
struct _BkGoogleCalendarPanel
{
  AdwBin parent_instance;
};

G_DEFINE_FINAL_TYPE (BkGoogleCalendarPanel, bk_google_calendar_panel, ADW_TYPE_BIN)

static void
bk_google_calendar_panel_class_init (BkGoogleCalendarPanelClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/bk-google-calendar-panel.ui");
}

static void
bk_google_calendar_panel_init (BkGoogleCalendarPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
