/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-test-flatpak"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

/* flatpak-builder cannot run offline here (no SDK to download), so this test
 * reads flatpak/io.github.bookable.Bookable.json the way it would and checks
 * what would otherwise only fail on a builder or, worse, on a user's machine:
 * the sandbox permissions, the app id and command, and the app's module. */

/* The sandbox holes Bookable needs, and no more: network for the backend and
 * the calendar APIs, a display, GL. The keyring is reached through the Secret
 * portal, so no --talk-name to org.freedesktop.secrets. */
static const char * const allowed_finish_args[] = {
  "--share=network",
  "--share=ipc",
  "--socket=wayland",
  "--socket=fallback-x11",
  "--device=dri",
  NULL
};

static char *
source_path (const char *first, ...)
{
  const char *root = g_getenv ("BK_SOURCE_ROOT");
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  va_list args;

  g_assert_nonnull (root);
  g_ptr_array_add (parts, (gpointer) root);
  va_start (args, first);
  for (const char *p = first; p != NULL; p = va_arg (args, const char *))
    g_ptr_array_add (parts, (gpointer) p);
  va_end (args);
  g_ptr_array_add (parts, NULL);

  return g_build_filenamev ((char **) parts->pdata);
}

static JsonObject *
load_manifest (JsonParser **out_parser)
{
  g_autofree char *path = source_path ("flatpak", APP_ID ".json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  g_assert_nonnull (root);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));

  *out_parser = g_steal_pointer (&parser);
  return json_node_get_object (root);
}

static const char *
get_string (JsonObject *object, const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL)
    g_error ("manifest has no \"%s\"", member);
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    g_error ("manifest \"%s\" is not a string", member);

  return json_node_get_string (node);
}

static JsonArray *
get_array (JsonObject *object, const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    g_error ("manifest \"%s\" is missing or not an array", member);

  return json_node_get_array (node);
}

/* The strings of a JSON array, failing on any non-string element. */
static GStrv
array_strings (JsonArray *array)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      g_assert_true (JSON_NODE_HOLDS_VALUE (node));
      g_assert_true (json_node_get_value_type (node) == G_TYPE_STRING);
      g_strv_builder_add (builder, json_node_get_string (node));
    }

  return g_strv_builder_end (builder);
}

static void
test_manifest_identity (void)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *manifest = load_manifest (&parser);
  const char *id_key;

  /* flatpak-builder takes "app-id" or "id"; both at once is ambiguous. */
  g_assert_false (json_object_has_member (manifest, "app-id") &&
                  json_object_has_member (manifest, "id"));
  id_key = json_object_has_member (manifest, "id") ? "id" : "app-id";

  /* The sandbox id must be the GApplication id, or D-Bus names, the desktop
   * file and GSettings would not match inside the sandbox. */
  g_assert_cmpstr (get_string (manifest, id_key), ==, APP_ID);
}

static void
test_manifest_runtime (void)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *manifest = load_manifest (&parser);
  const char *version;
  guint64 major = 0;
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (get_string (manifest, "runtime"), ==, "org.gnome.Platform");
  g_assert_cmpstr (get_string (manifest, "sdk"), ==, "org.gnome.Sdk");

  /* A GNOME release number; GTK 4.8 and libadwaita 1.2 came with GNOME 43,
   * so anything older lacks API the app uses. */
  version = get_string (manifest, "runtime-version");
  g_ascii_string_to_unsigned (version, 10, 43, 999, &major, &error);
  g_assert_no_error (error);
}

static void
test_manifest_command (void)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *manifest = load_manifest (&parser);
  const char *build_root = g_getenv ("BK_BUILD_ROOT");
  const char *command = get_string (manifest, "command");
  g_autofree char *binary = NULL;

  g_assert_nonnull (build_root);
  g_assert_cmpstr (command, ==, "bookable");

  /* The command must be a program this project really builds. */
  binary = g_build_filename (build_root, "src", command, NULL);
  g_assert_true (g_file_test (binary, G_FILE_TEST_IS_EXECUTABLE));
}

static void
test_manifest_finish_args (void)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *manifest = load_manifest (&parser);
  g_auto(GStrv) args = array_strings (get_array (manifest, "finish-args"));
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; args[i] != NULL; i++)
    {
      if (!g_strv_contains (allowed_finish_args, args[i]))
        g_error ("finish-arg \"%s\" is not allowed: Bookable needs only network, "
                 "IPC, Wayland/X11 and GL (the keyring goes through the Secret portal)",
                 args[i]);
      if (!g_hash_table_add (seen, args[i]))
        g_error ("finish-arg \"%s\" appears twice", args[i]);
    }

  for (guint i = 0; allowed_finish_args[i] != NULL; i++)
    if (!g_hash_table_contains (seen, allowed_finish_args[i]))
      g_error ("finish-arg \"%s\" is missing", allowed_finish_args[i]);
}

static void
test_manifest_cleanup (void)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *manifest = load_manifest (&parser);
  g_auto(GStrv) cleanup = array_strings (get_array (manifest, "cleanup"));

  /* Development files have no use in the installed app. */
  g_assert_true (g_strv_contains ((const char * const *) cleanup, "/include"));
  g_assert_true (g_strv_contains ((const char * const *) cleanup, "/lib/pkgconfig"));
}

/* The names of the options meson_options.txt declares. */
static GHashTable *
read_meson_options (void)
{
  g_autofree char *path = source_path ("meson_options.txt", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GRegex) regex = NULL;
  g_autoptr(GMatchInfo) match = NULL;
  g_autoptr(GError) error = NULL;
  GHashTable *names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);

  regex = g_regex_new ("^\\s*option\\s*\\(\\s*'([A-Za-z0-9_-]+)'",
                       G_REGEX_MULTILINE, 0, &error);
  g_assert_no_error (error);
  for (g_regex_match (regex, text, 0, &match);
       g_match_info_matches (match);
       g_match_info_next (match, NULL))
    g_hash_table_add (names, g_match_info_fetch (match, 1));

  return names;
}

/* The Meson built-in options a Flatpak module might reasonably set. */
static gboolean
is_builtin_option (const char *name)
{
  static const char * const builtins[] = {
    "buildtype", "optimization", "debug", "prefix", "libdir", "c_args", "c_link_args",
    NULL
  };

  return g_str_has_prefix (name, "b_") || g_strv_contains (builtins, name);
}

/* Every -Dname=value must name a real option, or meson setup fails in the builder. */
static void
check_config_opts (JsonObject *module)
{
  g_auto(GStrv) opts = array_strings (get_array (module, "config-opts"));
  g_autoptr(GHashTable) options = read_meson_options ();

  g_assert_true (g_hash_table_contains (options, "tests"));
  for (guint i = 0; opts[i] != NULL; i++)
    {
      g_autofree char *name = NULL;
      const char *eq = strchr (opts[i], '=');

      g_assert_true (g_str_has_prefix (opts[i], "-D"));
      g_assert_nonnull (eq);
      name = g_strndup (opts[i] + 2, eq - (opts[i] + 2));
      if (!g_hash_table_contains (options, name) && !is_builtin_option (name))
        g_error ("config-opt %s names no option in meson_options.txt", opts[i]);
    }

  /* Tests need Xvfb, a keyring and PostgreSQL; the server needs libpq and
   * libsodium, which the GNOME runtime lacks. */
  g_assert_true (g_strv_contains ((const char * const *) opts, "-Dtests=false"));
  g_assert_true (g_strv_contains ((const char * const *) opts, "-Dserver=false"));
}

/* The module's source is the checkout this manifest lives in. */
static void
check_sources (JsonObject *module)
{
  JsonArray *sources = get_array (module, "sources");
  g_autofree char *flatpak_dir = source_path ("flatpak", NULL);
  const char *root = g_getenv ("BK_SOURCE_ROOT");
  gboolean found = FALSE;

  for (guint i = 0; i < json_array_get_length (sources); i++)
    {
      JsonNode *node = json_array_get_element (sources, i);
      JsonObject *source;
      g_autofree char *dir = NULL;
      g_autofree char *dir_real = NULL;
      g_autofree char *root_real = NULL;

      g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
      source = json_node_get_object (node);
      if (g_strcmp0 (get_string (source, "type"), "dir") != 0)
        continue;

      /* Relative to the manifest, as flatpak-builder resolves it. */
      dir = g_build_filename (flatpak_dir, get_string (source, "path"), NULL);
      dir_real = g_canonicalize_filename (dir, NULL);
      root_real = g_canonicalize_filename (root, NULL);
      g_assert_cmpstr (dir_real, ==, root_real);
      found = TRUE;
    }

  g_assert_true (found);
}

static void
test_manifest_app_module (void)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *manifest = load_manifest (&parser);
  JsonArray *modules = get_array (manifest, "modules");
  guint n = json_array_get_length (modules);
  JsonObject *app = NULL;

  g_assert_cmpuint (n, >, 0);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (modules, i);
      JsonObject *module;

      /* A string element would be a path to a module file; Bookable has none. */
      g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
      module = json_node_get_object (node);
      if (g_strcmp0 (get_string (module, "name"), "bookable") == 0)
        {
          g_assert_null (app);
          app = module;
          /* Everything it depends on must be built before it. */
          g_assert_cmpuint (i, ==, n - 1);
        }
    }

  g_assert_nonnull (app);
  g_assert_cmpstr (get_string (app, "buildsystem"), ==, "meson");
  check_config_opts (app);
  check_sources (app);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  /* tests/data/meson.build runs each path on its own (-p): add new ones there. */

  g_test_add_func ("/flatpak/manifest/identity", test_manifest_identity);
  g_test_add_func ("/flatpak/manifest/runtime", test_manifest_runtime);
  g_test_add_func ("/flatpak/manifest/command", test_manifest_command);
  g_test_add_func ("/flatpak/manifest/finish-args", test_manifest_finish_args);
  g_test_add_func ("/flatpak/manifest/cleanup", test_manifest_cleanup);
  g_test_add_func ("/flatpak/manifest/app-module", test_manifest_app_module);

  return g_test_run ();
}
