/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Small helpers the Manual tab's editors share. */

/* Marks @widget as holding a bad value (the "error" style class, and the
 * invalid state for screen readers), or clears that. */
void       bk_gui_set_field_error   (GtkWidget  *widget,
                                     gboolean    bad);
/* A flat trash button for a list row; @accessible_label says what it removes. */
GtkWidget *bk_gui_remove_button_new (const char *accessible_label);

G_END_DECLS
