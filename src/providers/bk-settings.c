/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-settings"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-settings.h"

/* Keys whose empty value stands for the build's default. */
static const struct
{
  const char *key;
  const char *build_default;
} build_defaults[] = {
  { "microsoft-client-id", BK_MICROSOFT_CLIENT_ID },
  { "google-client-id", BK_GOOGLE_CLIENT_ID },
  { "google-client-secret", BK_GOOGLE_CLIENT_SECRET },
};

GSettings *
bk_settings_new (void)
{
  return g_settings_new (BK_SETTINGS_SCHEMA_ID);
}

char *
bk_settings_dup_string (GSettings  *settings,
                        const char *key)
{
  g_autofree char *value = NULL;
  gsize len;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  value = g_strstrip (g_settings_get_string (settings, key));
  if (*value == '\0')
    {
      for (guint i = 0; i < G_N_ELEMENTS (build_defaults); i++)
        if (g_str_equal (key, build_defaults[i].key))
          return g_strdup (build_defaults[i].build_default);
      return g_steal_pointer (&value);
    }

  /* "https://graph.microsoft.com/v1.0/" + "/me" must not become "//me" */
  len = strlen (value);
  if (g_str_has_suffix (key, "-url"))
    while (len > 1 && value[len - 1] == '/')
      value[--len] = '\0';

  return g_steal_pointer (&value);
}

char *
bk_settings_dup_microsoft_client_id (GSettings *settings)
{
  return bk_settings_dup_string (settings, "microsoft-client-id");
}

char *
bk_settings_dup_graph_url (GSettings *settings)
{
  return bk_settings_dup_string (settings, "graph-url");
}

BkOAuthProvider *
bk_settings_new_microsoft_provider (GSettings *settings)
{
  g_autofree char *authority = NULL;
  g_autofree char *tenant = NULL;
  g_autofree char *client_id = NULL;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  authority = bk_settings_dup_string (settings, "microsoft-authority-url");
  tenant = bk_settings_dup_string (settings, "microsoft-tenant");
  client_id = bk_settings_dup_microsoft_client_id (settings);
  if (*tenant == '\0')
    {
      g_free (tenant);
      tenant = g_strdup ("common");
    }

  return bk_oauth_provider_new_microsoft (authority, tenant, client_id);
}

char *
bk_settings_dup_google_client_id (GSettings *settings)
{
  return bk_settings_dup_string (settings, "google-client-id");
}

char *
bk_settings_dup_google_client_secret (GSettings *settings)
{
  return bk_settings_dup_string (settings, "google-client-secret");
}

/* The Google endpoints and desktop client (id and, for an installed app
 * not confidential but still sent, its secret) from the settings. */
BkOAuthProvider *
bk_settings_new_google_provider (GSettings *settings)
{
  g_autofree char *auth_url = NULL;
  g_autofree char *token_url = NULL;
  g_autofree char *client_id = NULL;
  g_autofree char *client_secret = NULL;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  auth_url = bk_settings_dup_string (settings, "google-auth-url");
  token_url = bk_settings_dup_string (settings, "google-token-url");
  client_id = bk_settings_dup_google_client_id (settings);
  client_secret = bk_settings_dup_google_client_secret (settings);
  return bk_oauth_provider_new_google (auth_url, token_url, client_id, client_secret);
}

char *
bk_settings_dup_google_api_url (GSettings *settings)
{
  return bk_settings_dup_string (settings, "google-api-url");
}
