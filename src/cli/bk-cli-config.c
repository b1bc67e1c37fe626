/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bk-cli-config.c: `bookablectl config get|set|list` over the provider
 * settings (the GSettings keys of issue 3 and issue 6), so national clouds,
 * the sandbox and a packager's own client ids can be set without dconf.
 * `get` and `list` print effective values (bk-settings: an empty client id
 * is the build's one, URLs without a trailing '/'). */
#define G_LOG_DOMAIN "bk-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-cli-private.h"
#include "bk-settings.h"

typedef enum
{
  KIND_URL,     /* absolute http(s) URL */
  KIND_TENANT,  /* common, organizations, consumers, a domain or a GUID */
  KIND_ID,      /* no spaces; '' means the build's value */
} KeyKind;

static const struct
{
  const char *key;
  KeyKind     kind;
} config_keys[] = {
  { "microsoft-authority-url", KIND_URL },
  { "microsoft-tenant", KIND_TENANT },
  { "microsoft-client-id", KIND_ID },
  { "graph-url", KIND_URL },
  { "google-auth-url", KIND_URL },
  { "google-token-url", KIND_URL },
  { "google-api-url", KIND_URL },
  { "google-client-id", KIND_ID },
  { "google-client-secret", KIND_ID },
};

static char *
dup_key_list (void)
{
  GString *list = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (config_keys); i++)
    g_string_append_printf (list, "%s%s", i > 0 ? ", " : "", config_keys[i].key);
  return g_string_free (list, FALSE);
}

static gboolean
find_key (const char  *key,
          KeyKind     *out_kind,
          GError     **error)
{
  g_autofree char *list = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (config_keys); i++)
    {
      if (g_str_equal (config_keys[i].key, key))
        {
          *out_kind = config_keys[i].kind;
          return TRUE;
        }
    }

  list = dup_key_list ();
  g_set_error (error, BK_CLI_ERROR, BK_CLI_ERROR_FAILED,
               _("Unknown setting “%s”. The settings are: %s"), key, list);
  return FALSE;
}

static gboolean
check_url (const char  *key,
           const char  *value,
           GError     **error)
{
  g_autoptr(GUri) uri = g_uri_parse (value, G_URI_FLAGS_NONE, NULL);
  const char *scheme = uri ? g_uri_get_scheme (uri) : NULL;
  const char *host = uri ? g_uri_get_host (uri) : NULL;

  if (scheme != NULL && host != NULL && *host != '\0' &&
      (g_ascii_strcasecmp (scheme, "https") == 0 || g_ascii_strcasecmp (scheme, "http") == 0) &&
      g_uri_get_query (uri) == NULL && g_uri_get_fragment (uri) == NULL)
    return TRUE;

  g_set_error (error, BK_CLI_ERROR, BK_CLI_ERROR_FAILED,
               _("%s must be an absolute http:// or https:// address without a query, "
                 "e.g. https://graph.microsoft.com/v1.0; “%s” is not one."),
               key, value);
  return FALSE;
}

static gboolean
is_token_char (char        c,
               const char *extra)
{
  return g_ascii_isalnum (c) || strchr (extra, c) != NULL;
}

static gboolean
check_value (const char  *key,
             KeyKind      kind,
             const char  *value,
             GError     **error)
{
  if (kind == KIND_URL)
    return check_url (key, value, error);

  for (const char *p = value; *p != '\0'; p++)
    {
      /* tenants are names or GUIDs; ids and secrets go into URLs and forms
       * as they are, where a space or control character would break them */
      if (kind == KIND_TENANT && !is_token_char (*p, ".-_"))
        {
          g_set_error (error, BK_CLI_ERROR, BK_CLI_ERROR_FAILED,
                       _("%s must be “common”, “organizations”, “consumers”, a domain or a "
                         "tenant id; “%s” is not one."),
                       key, value);
          return FALSE;
        }
      if (kind == KIND_ID && (g_ascii_isspace (*p) || g_ascii_iscntrl (*p)))
        {
          g_set_error (error, BK_CLI_ERROR, BK_CLI_ERROR_FAILED,
                       _("%s must not contain spaces or control characters."), key);
          return FALSE;
        }
    }
  if (kind == KIND_TENANT && *value == '\0')
    {
      g_set_error (error, BK_CLI_ERROR, BK_CLI_ERROR_FAILED,
                   _("%s must not be empty; “common” lets any account sign in."), key);
      return FALSE;
    }
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* Subcommands                                                            */

static int
run_list (GSettings *settings)
{
  g_autoptr(GString) table = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (config_keys); i++)
    {
      g_autofree char *value = bk_settings_dup_string (settings, config_keys[i].key);

      g_string_append_printf (table, "%-24s %s\n", config_keys[i].key, value);
    }
  _bk_cli_print_table (table);
  return BK_CLI_EXIT_OK;
}

static int
run_get (GSettings  *settings,
         const char *key)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;
  KeyKind kind;

  if (!find_key (key, &kind, &error))
    return _bk_cli_report (NULL, error);

  value = bk_settings_dup_string (settings, key);
  g_print ("%s\n", value);
  return BK_CLI_EXIT_OK;
}

static int
run_set (GSettings  *settings,
         const char *key,
         const char *value)
{
  g_autoptr(GError) error = NULL;
  KeyKind kind;

  if (!find_key (key, &kind, &error) || !check_value (key, kind, value, &error))
    return _bk_cli_report (NULL, error);

  if (!g_settings_set_string (settings, key, value))
    {
      g_printerr (_("bookablectl: %s cannot be changed here (it is locked down).\n"), key);
      return BK_CLI_EXIT_FAILURE;
    }
  g_settings_sync ();

  /* the memory backend (tests) forgets everything at exit: say so rather
   * than let a later command silently use the old value */
  if (g_strcmp0 (g_getenv ("GSETTINGS_BACKEND"), "memory") == 0)
    g_printerr (_("bookablectl: GSETTINGS_BACKEND=memory: this value is forgotten when this command ends.\n"));
  return BK_CLI_EXIT_OK;
}

int
_bk_cli_config_run (int    argc,
                    char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_auto(GStrv) rest = NULL;
  g_autofree char *list = dup_key_list ();
  g_autofree char *summary = NULL;
  gboolean help = FALSE;
  guint n;

  summary = g_strdup_printf (_("Show or change the provider settings (sign-in authorities, API "
                               "addresses, client ids). “get” and “list” print the values in "
                               "effect. URLs must be absolute http(s) addresses.\n\nSettings: %s"),
                             list);
  context = _bk_cli_context_new ("config", _("get KEY | set KEY VALUE | list"), summary, NULL, &help);
  if (!_bk_cli_parse (context, argc, argv, &rest, &error))
    return _bk_cli_report (context, error);
  if (help)
    return _bk_cli_print_help (context);

  n = g_strv_length (rest);
  if ((settings = _bk_cli_open_settings (&error)) == NULL)
    return _bk_cli_report (NULL, error);
  if (n == 1 && g_str_equal (rest[0], "list"))
    return run_list (settings);
  if (n == 2 && g_str_equal (rest[0], "get"))
    return run_get (settings, rest[1]);
  if (n == 3 && g_str_equal (rest[0], "set"))
    return run_set (settings, rest[1], rest[2]);

  if (n == 0)
    return _bk_cli_usage_error (context, _("Missing subcommand: get, set or list"));
  if (!g_str_equal (rest[0], "get") && !g_str_equal (rest[0], "set") && !g_str_equal (rest[0], "list"))
    {
      g_autofree char *message = g_strdup_printf (_("Unknown subcommand “%s”"), rest[0]);
      return _bk_cli_usage_error (context, message);
    }
  return _bk_cli_usage_error (context, _("Wrong number of arguments"));
}
