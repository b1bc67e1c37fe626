/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bk-oauth.c: the provider-neutral parts of OAuth 2.0 for native apps.
 *
 * A provider is endpoints + client id (+ optional secret) + scopes + extra
 * authorize parameters; PKCE (RFC 7636, S256) with values from getrandom(),
 * never a time-seeded PRNG; one token-endpoint call serves both the code
 * exchange and the refresh grant; provider errors (including Microsoft's
 * AADSTS numbers) become BK_OAUTH_ERROR codes with messages that say what to
 * do. No message ever carries a code, verifier or token. */

#define G_LOG_DOMAIN "bk-oauth"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <sys/random.h>

#include "bk-oauth.h"

struct _BkOAuthProvider
{
  gatomicrefcount  ref_count;
  char            *id;
  char            *authorize_url;
  char            *token_url;
  char            *client_id;
  char            *client_secret;
  char            *scopes;
  GPtrArray       *extra_params;  /* name, value, name, value… */
};

G_DEFINE_QUARK (bk-oauth-error-quark, bk_oauth_error)
G_DEFINE_BOXED_TYPE (BkOAuthProvider, bk_oauth_provider, bk_oauth_provider_ref, bk_oauth_provider_unref)

/* ---------------------------------------------------------------------- */
/* Providers */

BkOAuthProvider *
bk_oauth_provider_new (const char *id,
                       const char *authorize_url,
                       const char *token_url,
                       const char *client_id,
                       const char *scopes)
{
  BkOAuthProvider *provider;

  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (authorize_url != NULL, NULL);
  g_return_val_if_fail (token_url != NULL, NULL);
  g_return_val_if_fail (client_id != NULL, NULL);

  provider = g_new0 (BkOAuthProvider, 1);
  g_atomic_ref_count_init (&provider->ref_count);
  provider->id = g_strdup (id);
  provider->authorize_url = g_strdup (authorize_url);
  provider->token_url = g_strdup (token_url);
  provider->client_id = g_strdup (client_id);
  provider->scopes = g_strdup (scopes ? scopes : "");
  provider->extra_params = g_ptr_array_new_with_free_func (g_free);
  return provider;
}

static char *
join_url (const char *base,
          const char *path)
{
  gsize len = strlen (base);

  while (len > 0 && base[len - 1] == '/')
    len--;
  return g_strdup_printf ("%.*s/%s", (int) len, base, path);
}

/**
 * bk_oauth_provider_new_microsoft:
 * @authority_url: e.g. https://login.microsoftonline.com, or a sandbox
 * @tenant: e.g. common
 *
 * The Microsoft identity platform v2.0 as a public client, with the scopes
 * Bookable needs: `offline_access Calendars.ReadWrite User.Read`.
 */
BkOAuthProvider *
bk_oauth_provider_new_microsoft (const char *authority_url,
                                 const char *tenant,
                                 const char *client_id)
{
  g_autofree char *base = NULL;
  g_autofree char *authorize = NULL;
  g_autofree char *token = NULL;

  g_return_val_if_fail (authority_url != NULL, NULL);
  g_return_val_if_fail (tenant != NULL, NULL);
  g_return_val_if_fail (client_id != NULL, NULL);

  base = join_url (authority_url, tenant);
  authorize = join_url (base, "oauth2/v2.0/authorize");
  token = join_url (base, "oauth2/v2.0/token");
  return bk_oauth_provider_new ("office365", authorize, token, client_id,
                                "offline_access Calendars.ReadWrite User.Read");
}

/**
 * bk_oauth_provider_new_google:
 * @authorize_url: e.g. https://accounts.google.com/o/oauth2/v2/auth
 * @token_url: e.g. https://oauth2.googleapis.com/token
 * @client_secret: (nullable): the installed app's secret (Google documents
 *   it as not confidential, and still checks it)
 *
 * Google OAuth 2.0 for installed apps, with the two calendar scopes Bookable
 * needs and access_type=offline + prompt=consent so that a refresh token
 * comes back on every connect.
 */
BkOAuthProvider *
bk_oauth_provider_new_google (const char *authorize_url,
                              const char *token_url,
                              const char *client_id,
                              const char *client_secret)
{
  BkOAuthProvider *provider;

  g_return_val_if_fail (authorize_url != NULL, NULL);
  g_return_val_if_fail (token_url != NULL, NULL);
  g_return_val_if_fail (client_id != NULL, NULL);

  provider = bk_oauth_provider_new ("google", authorize_url, token_url, client_id,
                                    "https://www.googleapis.com/auth/calendar.events "
                                    "https://www.googleapis.com/auth/calendar.readonly");
  bk_oauth_provider_set_client_secret (provider, client_secret);
  bk_oauth_provider_add_authorize_param (provider, "access_type", "offline");
  bk_oauth_provider_add_authorize_param (provider, "prompt", "consent");
  return provider;
}

BkOAuthProvider *
bk_oauth_provider_ref (BkOAuthProvider *provider)
{
  g_return_val_if_fail (provider != NULL, NULL);

  g_atomic_ref_count_inc (&provider->ref_count);
  return provider;
}

void
bk_oauth_provider_unref (BkOAuthProvider *provider)
{
  g_return_if_fail (provider != NULL);

  if (!g_atomic_ref_count_dec (&provider->ref_count))
    return;
  g_free (provider->id);
  g_free (provider->authorize_url);
  g_free (provider->token_url);
  g_free (provider->client_id);
  g_free (provider->client_secret);
  g_free (provider->scopes);
  g_ptr_array_unref (provider->extra_params);
  g_free (provider);
}

const char *
bk_oauth_provider_get_id (BkOAuthProvider *provider)
{
  g_return_val_if_fail (provider != NULL, NULL);
  return provider->id;
}

const char *
bk_oauth_provider_get_authorize_url (BkOAuthProvider *provider)
{
  g_return_val_if_fail (provider != NULL, NULL);
  return provider->authorize_url;
}

const char *
bk_oauth_provider_get_token_url (BkOAuthProvider *provider)
{
  g_return_val_if_fail (provider != NULL, NULL);
  return provider->token_url;
}

const char *
bk_oauth_provider_get_client_id (BkOAuthProvider *provider)
{
  g_return_val_if_fail (provider != NULL, NULL);
  return provider->client_id;
}

const char *
bk_oauth_provider_get_scopes (BkOAuthProvider *provider)
{
  g_return_val_if_fail (provider != NULL, NULL);
  return provider->scopes;
}

/* Installed apps may have a secret (Google documents it as not confidential
 * but still checks it); a NULL or empty one is not sent. */
void
bk_oauth_provider_set_client_secret (BkOAuthProvider *provider,
                                     const char      *client_secret)
{
  g_return_if_fail (provider != NULL);

  g_free (provider->client_secret);
  provider->client_secret = (client_secret && *client_secret) ? g_strdup (client_secret) : NULL;
}

const char *
bk_oauth_provider_get_client_secret (BkOAuthProvider *provider)
{
  g_return_val_if_fail (provider != NULL, NULL);
  return provider->client_secret;
}

/* E.g. Google's access_type=offline and prompt=consent. */
void
bk_oauth_provider_add_authorize_param (BkOAuthProvider *provider,
                                       const char      *name,
                                       const char      *value)
{
  g_return_if_fail (provider != NULL);
  g_return_if_fail (name != NULL);
  g_return_if_fail (value != NULL);

  g_ptr_array_add (provider->extra_params, g_strdup (name));
  g_ptr_array_add (provider->extra_params, g_strdup (value));
}

static void
append_param (GString    *out,
              const char *name,
              const char *value)
{
  g_autofree char *escaped = g_uri_escape_string (value, NULL, FALSE);

  g_string_append_c (out, out->len > 0 ? '&' : '?');
  g_string_append_printf (out, "%s=%s", name, escaped);
}

/**
 * bk_oauth_provider_build_authorize_url:
 *
 * Returns: (transfer full): the URL to open in the browser
 */
char *
bk_oauth_provider_build_authorize_url (BkOAuthProvider *provider,
                                       const char      *redirect_uri,
                                       const char      *state,
                                       const char      *code_challenge)
{
  g_autoptr(GString) query = g_string_new (NULL);

  g_return_val_if_fail (provider != NULL, NULL);
  g_return_val_if_fail (redirect_uri != NULL, NULL);
  g_return_val_if_fail (state != NULL, NULL);
  g_return_val_if_fail (code_challenge != NULL, NULL);

  append_param (query, "client_id", provider->client_id);
  append_param (query, "response_type", "code");
  append_param (query, "redirect_uri", redirect_uri);
  append_param (query, "scope", provider->scopes);
  append_param (query, "state", state);
  append_param (query, "code_challenge", code_challenge);
  append_param (query, "code_challenge_method", "S256");
  for (guint i = 0; i + 1 < provider->extra_params->len; i += 2)
    append_param (query, provider->extra_params->pdata[i], provider->extra_params->pdata[i + 1]);

  if (strchr (provider->authorize_url, '?') != NULL)
    query->str[0] = '&';
  return g_strconcat (provider->authorize_url, query->str, NULL);
}

/* ---------------------------------------------------------------------- */
/* PKCE */

char *
bk_oauth_base64url_encode (const guint8 *data,
                           gsize         len)
{
  char *out;
  gsize n;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  out = g_base64_encode (data, len);
  n = strlen (out);
  while (n > 0 && out[n - 1] == '=')
    out[--n] = '\0';
  for (char *p = out; *p; p++)
    {
      if (*p == '+')
        *p = '-';
      else if (*p == '/')
        *p = '_';
    }
  return out;
}

/**
 * bk_oauth_random_string:
 * @n_bytes: how many random bytes (32 for a PKCE verifier or a state)
 *
 * Returns: (transfer full): @n_bytes from the kernel CSPRNG, base64url
 *   encoded (43 characters for 32 bytes), or %NULL with an error
 */
char *
bk_oauth_random_string (gsize    n_bytes,
                        GError **error)
{
  g_autofree guint8 *buf = NULL;
  gsize filled = 0;

  g_return_val_if_fail (n_bytes > 0 && n_bytes <= 256, NULL);

  buf = g_malloc (n_bytes);
  while (filled < n_bytes)
    {
      ssize_t r = getrandom (buf + filled, n_bytes - filled, 0);

      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        {
          int saved = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Could not get random numbers from the system: %s"), g_strerror (saved));
          return NULL;
        }
      filled += (gsize) r;
    }
  return bk_oauth_base64url_encode (buf, n_bytes);
}

/* code_challenge = BASE64URL(SHA256(ASCII(code_verifier))), RFC 7636 §4.2 */
char *
bk_oauth_pkce_challenge (const char *verifier)
{
  g_autoptr(GChecksum) checksum = NULL;
  guint8 digest[32];
  gsize len = sizeof digest;

  g_return_val_if_fail (verifier != NULL, NULL);

  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (checksum, (const guchar *) verifier, strlen (verifier));
  g_checksum_get_digest (checksum, digest, &len);
  return bk_oauth_base64url_encode (digest, len);
}
