/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-gui-util"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-gui-util.h"

void
bk_gui_set_field_error (GtkWidget *widget,
                        gboolean   bad)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));

  if (bad)
    gtk_widget_add_css_class (widget, "error");
  else
    gtk_widget_remove_css_class (widget, "error");
  gtk_accessible_update_state (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_STATE_INVALID,
                               bad ? GTK_ACCESSIBLE_INVALID_TRUE : GTK_ACCESSIBLE_INVALID_FALSE,
                               -1);
}

GtkWidget *
bk_gui_remove_button_new (const char *accessible_label)
{
  GtkWidget *button;

  g_return_val_if_fail (accessible_label != NULL, NULL);

  button = gtk_button_new_from_icon_name ("user-trash-symbolic");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, accessible_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_label, -1);
  return button;
}
