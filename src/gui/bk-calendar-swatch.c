/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-calendar-swatch"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-calendar-swatch.h"

#define SWATCH_SIZE 14

/* Graph's calendarColor presets, as Outlook paints them. */
static const struct
{
  const char *name;
  const char *hex;
} preset_colors[] = {
  { "lightBlue", "#a4c2f4" },
  { "lightGreen", "#9fd89f" },
  { "lightOrange", "#f7c08a" },
  { "lightGray", "#c8c6c4" },
  { "lightYellow", "#fff100" },
  { "lightTeal", "#8bd7d2" },
  { "lightPink", "#eeacb2" },
  { "lightBrown", "#d1b4a2" },
  { "lightRed", "#f1707b" },
};

gboolean
bk_calendar_color_parse (const char *color,
                         GdkRGBA    *out_rgba)
{
  g_return_val_if_fail (out_rgba != NULL, FALSE);

  gdk_rgba_parse (out_rgba, "#9a9996");
  if (color == NULL || *color == '\0')
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (preset_colors); i++)
    if (g_ascii_strcasecmp (color, preset_colors[i].name) == 0)
      return gdk_rgba_parse (out_rgba, preset_colors[i].hex);
  if (color[0] == '#' && gdk_rgba_parse (out_rgba, color))
    return TRUE;
  gdk_rgba_parse (out_rgba, "#9a9996");
  return FALSE;
}

static void
draw_swatch (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        user_data)
{
  const GdkRGBA *rgba = user_data;
  double radius = MIN (width, height) / 2.0;

  gdk_cairo_set_source_rgba (cr, rgba);
  cairo_arc (cr, width / 2.0, height / 2.0, radius, 0, 2 * G_PI);
  cairo_fill (cr);
}

GtkWidget *
bk_calendar_swatch_new (const char *color)
{
  GtkWidget *area = gtk_drawing_area_new ();
  GdkRGBA *rgba = g_new0 (GdkRGBA, 1);

  bk_calendar_color_parse (color, rgba);
  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (area), SWATCH_SIZE);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (area), SWATCH_SIZE);
  gtk_widget_set_valign (area, GTK_ALIGN_CENTER);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (area), draw_swatch, rgba, g_free);
  /* the colour only repeats what the calendar's name says */
  gtk_accessible_update_state (GTK_ACCESSIBLE (area), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
  return area;
}
