/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-test-data"

#include "config.h"

#include <glib/gi18n.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gio/gio.h>
#include <string.h>

/* What the validators cannot see: that the files in data/ render and agree
 * with each other and with the program (app id, icon name, version). A
 * desktop file that names a missing icon, or metainfo whose release lags the
 * project version, passes desktop-file-validate and appstreamcli alike. */

#define SCALABLE_ICON "icons/hicolor/scalable/apps/" APP_ID ".svg"
#define SYMBOLIC_ICON "icons/hicolor/symbolic/apps/" APP_ID "-symbolic.svg"

static char *
root_path (const char *variable, const char *first, ...)
{
  const char *root = g_getenv (variable);
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  va_list args;

  if (root == NULL)
    g_error ("%s is not set; run this test through meson test", variable);
  g_ptr_array_add (parts, (gpointer) root);
  va_start (args, first);
  for (const char *p = first; p != NULL; p = va_arg (args, const char *))
    g_ptr_array_add (parts, (gpointer) p);
  va_end (args);
  g_ptr_array_add (parts, NULL);

  return g_build_filenamev ((char **) parts->pdata);
}

#define source_path(...) root_path ("BK_SOURCE_ROOT", __VA_ARGS__, NULL)
#define build_path(...) root_path ("BK_BUILD_ROOT", __VA_ARGS__, NULL)

/* ------------------------------------------------------------------------ */
/* Icons                                                                    */
/* ------------------------------------------------------------------------ */

typedef struct
{
  guint visible;      /* alpha > 0 */
  guint opaque;       /* alpha == 255 */
  guint total;
} Coverage;

static Coverage
measure_coverage (GdkPixbuf *pixbuf)
{
  Coverage c = { 0, 0, 0 };
  int width = gdk_pixbuf_get_width (pixbuf);
  int height = gdk_pixbuf_get_height (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  const guint8 *pixels = gdk_pixbuf_read_pixels (pixbuf);

  g_assert_true (gdk_pixbuf_get_has_alpha (pixbuf));
  g_assert_cmpint (gdk_pixbuf_get_n_channels (pixbuf), ==, 4);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint8 alpha = pixels[y * stride + x * 4 + 3];

        c.visible += alpha > 0;
        c.opaque += alpha == 255;
        c.total++;
      }

  return c;
}

static void
size_prepared_cb (GdkPixbufLoader *loader, int width, int height, gpointer user_data)
{
  int *intrinsic = user_data;

  intrinsic[0] = width;
  intrinsic[1] = height;
}

/* Renders SVG @data at @size × @size, storing the size it declares in
 * @intrinsic. The loader is chosen by type, not sniffed: sniffing needs the
 * shared MIME database, which the isolated XDG dirs of a test hide. */
static GdkPixbuf *
render_svg (const char *data, gsize len, int size, int intrinsic[2])
{
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autoptr(GError) error = NULL;

  loader = gdk_pixbuf_loader_new_with_type ("svg", &error);
  g_assert_no_error (error);
  g_signal_connect (loader, "size-prepared", G_CALLBACK (size_prepared_cb), intrinsic);
  gdk_pixbuf_loader_set_size (loader, size, size);
  gdk_pixbuf_loader_write (loader, (const guchar *) data, len, &error);
  g_assert_no_error (error);
  gdk_pixbuf_loader_close (loader, &error);
  g_assert_no_error (error);
  g_assert_nonnull (gdk_pixbuf_loader_get_pixbuf (loader));

  return g_object_ref (gdk_pixbuf_loader_get_pixbuf (loader));
}

/* Loads the icon at @path, checks the size an icon theme reads from it, and
 * renders it at @size. */
static GdkPixbuf *
load_icon (const char *path, int expected_intrinsic, int size)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *svg = NULL;
  GdkPixbuf *pixbuf;
  int intrinsic[2] = { 0, 0 };
  gsize len = 0;

  g_file_get_contents (path, &svg, &len, &error);
  g_assert_no_error (error);
  pixbuf = render_svg (svg, len, size, intrinsic);
  g_assert_cmpint (intrinsic[0], ==, expected_intrinsic);
  g_assert_cmpint (intrinsic[1], ==, expected_intrinsic);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, size);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, size);

  return pixbuf;
}

static void
test_icon_scalable (void)
{
  g_autofree char *path = source_path ("data", SCALABLE_ICON);
  g_autoptr(GdkPixbuf) pixbuf = load_icon (path, 128, 128);
  g_autoptr(GHashTable) colours = g_hash_table_new (NULL, NULL);
  const guint8 *pixels = gdk_pixbuf_read_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  Coverage c = measure_coverage (pixbuf);

  /* A GNOME app icon is a shape on a transparent 128×128 canvas that fills
   * most of it: not a square tile, not a speck. */
  g_assert_cmpuint (c.opaque, >, c.total / 2);
  g_assert_cmpuint (c.visible, <, c.total);

  /* Full colour, not a monochrome glyph: count distinct opaque colours,
   * quantised so antialiasing does not inflate the number. */
  for (int y = 0; y < 128; y++)
    for (int x = 0; x < 128; x++)
      {
        const guint8 *p = pixels + y * stride + x * 4;

        if (p[3] == 255)
          g_hash_table_add (colours, GUINT_TO_POINTER (((p[0] >> 5) << 6) |
                                                      ((p[1] >> 5) << 3) |
                                                      (p[2] >> 5)));
      }
  g_assert_cmpuint (g_hash_table_size (colours), >=, 4);
}

/* Wraps @svg the way GTK 4 recolours a symbolic icon: a style sheet forcing
 * the fill of rect, circle and path, over the icon pulled in by XInclude. */
static char *
wrap_like_gtk_symbolic (const char *svg, gsize len, const char *fg)
{
  g_autofree char *base64 = g_base64_encode ((const guchar *) svg, len);

  return g_strconcat ("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
                      "<svg version=\"1.1\" xmlns=\"http://www.w3.org/2000/svg\"\n"
                      "     xmlns:xi=\"http://www.w3.org/2001/XInclude\"\n"
                      "     width=\"16\" height=\"16\">\n"
                      "  <style type=\"text/css\">\n"
                      "    rect,circle,path { fill: ", fg, " !important; }\n"
                      "    .warning { fill: #00ff00 !important; }\n"
                      "    .error { fill: #00ff00 !important; }\n"
                      "    .success { fill: #00ff00 !important; }\n"
                      "  </style>\n"
                      "  <xi:include href=\"data:text/xml;base64,", base64, "\"/>\n"
                      "</svg>", NULL);
}

static void
assert_all_red (GdkPixbuf *pixbuf)
{
  const guint8 *pixels = gdk_pixbuf_read_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);

  for (int y = 0; y < gdk_pixbuf_get_height (pixbuf); y++)
    for (int x = 0; x < gdk_pixbuf_get_width (pixbuf); x++)
      {
        const guint8 *p = pixels + y * stride + x * 4;

        /* Faint edge pixels lose precision when unpremultiplied. */
        if (p[3] < 32)
          continue;
        if (p[0] < 240 || p[1] > 16 || p[2] > 16)
          g_error ("symbolic icon pixel (%d, %d) is #%02x%02x%02x, not the theme "
                   "colour: draw it with plain filled paths", x, y, p[0], p[1], p[2]);
      }
}

static void
test_icon_symbolic (void)
{
  g_autofree char *path = source_path ("data", SYMBOLIC_ICON);
  g_autoptr(GdkPixbuf) plain = load_icon (path, 16, 64);
  g_autoptr(GdkPixbuf) recoloured = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *svg = NULL;
  g_autofree char *wrapped = NULL;
  gsize len = 0;
  int intrinsic[2] = { 0, 0 };
  Coverage c = measure_coverage (plain);

  /* Some ink, but not a filled square. */
  g_assert_cmpuint (c.opaque, >, c.total / 5);
  g_assert_cmpuint (c.visible, <, c.total * 9 / 10);

  /* Recoloured as GTK does for the theme's foreground, every visible pixel
   * must take that colour: a stroke, a <polygon> or a hard-coded colour on
   * an element GTK does not restyle would keep its own and look wrong on a
   * dark theme. */
  g_file_get_contents (path, &svg, &len, &error);
  g_assert_no_error (error);
  wrapped = wrap_like_gtk_symbolic (svg, len, "#ff0000");
  recoloured = render_svg (wrapped, strlen (wrapped), 64, intrinsic);

  /* The recoloured icon covers the same area as the plain one (give or take
   * antialiasing), so no part vanished either. */
  g_assert_cmpint (ABS ((int) measure_coverage (recoloured).opaque - (int) c.opaque),
                   <=, (int) c.total / 100);
  assert_all_red (recoloured);
}

/* ------------------------------------------------------------------------ */
/* Desktop file                                                             */
/* ------------------------------------------------------------------------ */

static void
test_desktop_file (void)
{
  g_autofree char *path = build_path ("data", APP_ID ".desktop");
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *icon = NULL;
  g_autofree char *exec = NULL;
  g_autofree char *binary = NULL;
  g_autofree char *scalable = source_path ("data", SCALABLE_ICON);
  g_autofree char *symbolic = source_path ("data", SYMBOLIC_ICON);
  g_auto(GStrv) argv = NULL;

  g_key_file_load_from_file (keyfile, path, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);

  /* The icon it names is the one data/ installs, in both styles. */
  icon = g_key_file_get_string (keyfile, "Desktop Entry", "Icon", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (icon, ==, APP_ID);
  g_assert_true (g_file_test (scalable, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (symbolic, G_FILE_TEST_IS_REGULAR));

  /* It starts a program this project builds. */
  exec = g_key_file_get_string (keyfile, "Desktop Entry", "Exec", &error);
  g_assert_no_error (error);
  g_shell_parse_argv (exec, NULL, &argv, &error);
  g_assert_no_error (error);
  binary = build_path ("src", argv[0]);
  g_assert_true (g_file_test (binary, G_FILE_TEST_IS_EXECUTABLE));

  /* D-Bus activation would need a service file, which Bookable does not ship. */
  if (g_key_file_get_boolean (keyfile, "Desktop Entry", "DBusActivatable", NULL))
    {
      g_autofree char *service = source_path ("data", APP_ID ".service.in");

      g_assert_true (g_file_test (service, G_FILE_TEST_IS_REGULAR));
    }
}

/* ------------------------------------------------------------------------ */
/* AppStream metainfo                                                       */
/* ------------------------------------------------------------------------ */

typedef struct
{
  GString *text;
  char *id;
  char *launchable;
  char *first_release;
  char *translation;
  guint depth;
} Metainfo;

static void
metainfo_start (GMarkupParseContext *context, const char *element,
                const char **names, const char **values, gpointer user_data,
                GError **error)
{
  Metainfo *m = user_data;

  m->depth++;
  g_string_truncate (m->text, 0);
  if (g_str_equal (element, "release") && m->first_release == NULL)
    for (guint i = 0; names[i] != NULL; i++)
      if (g_str_equal (names[i], "version"))
        m->first_release = g_strdup (values[i]);
}

static void
metainfo_end (GMarkupParseContext *context, const char *element,
              gpointer user_data, GError **error)
{
  Metainfo *m = user_data;
  char **slot = NULL;

  /* Only the component's own <id>, not an id nested in e.g. <provides>. */
  if (g_str_equal (element, "id") && m->depth == 2)
    slot = &m->id;
  else if (g_str_equal (element, "launchable"))
    slot = &m->launchable;
  else if (g_str_equal (element, "translation"))
    slot = &m->translation;

  if (slot != NULL && *slot == NULL)
    *slot = g_strstrip (g_strdup (m->text->str));
  m->depth--;
}

static void
metainfo_text (GMarkupParseContext *context, const char *text, gsize len,
               gpointer user_data, GError **error)
{
  Metainfo *m = user_data;

  g_string_append_len (m->text, text, len);
}

static void
test_metainfo (void)
{
  static const GMarkupParser parser = { metainfo_start, metainfo_end, metainfo_text, NULL, NULL };
  g_autofree char *path = build_path ("data", APP_ID ".metainfo.xml");
  g_autofree char *xml = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMarkupParseContext) context = NULL;
  Metainfo m = { g_string_new (NULL), NULL, NULL, NULL, NULL, 0 };
  gsize len = 0;

  g_file_get_contents (path, &xml, &len, &error);
  g_assert_no_error (error);
  context = g_markup_parse_context_new (&parser, 0, &m, NULL);
  if (g_markup_parse_context_parse (context, xml, len, &error))
    g_markup_parse_context_end_parse (context, &error);
  g_assert_no_error (error);

  /* Software centres match these against the app, the installed desktop
   * file and the message catalogue; the newest release is this version. */
  g_assert_cmpstr (m.id, ==, APP_ID);
  g_assert_cmpstr (m.launchable, ==, APP_ID ".desktop");
  g_assert_cmpstr (m.translation, ==, GETTEXT_PACKAGE);
  g_assert_cmpstr (m.first_release, ==, PACKAGE_VERSION);

  g_string_free (m.text, TRUE);
  g_free (m.id);
  g_free (m.launchable);
  g_free (m.first_release);
  g_free (m.translation);
}

/* ------------------------------------------------------------------------ */
/* GSettings schema                                                         */
/* ------------------------------------------------------------------------ */

static void
test_schema (void)
{
  static const struct { const char *name; const char *type; } keys[] = {
    { "window-width", "i" },
    { "window-height", "i" },
    { "window-maximized", "b" },
    { "sync-interval-seconds", "u" },
  };
  g_autofree char *dir = build_path ("data");
  g_autoptr(GSettingsSchemaSource) source = NULL;
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected_path = NULL;

  /* The compiled schema in the build tree, which the app and tests load. */
  source = g_settings_schema_source_new_from_directory (dir, NULL, FALSE, &error);
  g_assert_no_error (error);
  schema = g_settings_schema_source_lookup (source, APP_ID, FALSE);
  g_assert_nonnull (schema);

  /* dconf path derived from the app id, as GNOME apps do. */
  expected_path = g_strdup_printf ("/%s/", APP_ID);
  g_strdelimit (expected_path, ".", '/');
  g_assert_cmpstr (g_settings_schema_get_path (schema), ==, expected_path);

  /* The window remembers its size, the sync controller reads its period:
   * the code reads these keys. */
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autoptr(GSettingsSchemaKey) key = NULL;

      g_assert_true (g_settings_schema_has_key (schema, keys[i].name));
      key = g_settings_schema_get_key (schema, keys[i].name);
      g_assert_true (g_variant_type_equal (g_settings_schema_key_get_value_type (key),
                                           G_VARIANT_TYPE (keys[i].type)));
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  /* tests/data/meson.build runs each path on its own (-p): add new ones there. */

  g_test_add_func ("/data/icon/scalable", test_icon_scalable);
  g_test_add_func ("/data/icon/symbolic", test_icon_symbolic);
  g_test_add_func ("/data/desktop-file", test_desktop_file);
  g_test_add_func ("/data/metainfo", test_metainfo);
  g_test_add_func ("/data/schema", test_schema);

  return g_test_run ();
}
