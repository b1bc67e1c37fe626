/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bk-token-store.c: an account's OAuth tokens in the system keyring.
 *
 * One item per (provider, account) under the SecretSchema
 * io.github.bookable.Token in the default collection; the secret is the
 * whole BkOAuthTokens bundle as JSON (refresh token, access token, expiry),
 * so no token ever reaches SQLite or a settings file. Inside Flatpak
 * libsecret goes through the Secret portal by itself. */

#define G_LOG_DOMAIN "bk-token-store"

#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "bk-token-store.h"

struct _BkTokenStore
{
  GObject parent_instance;
};

G_DEFINE_QUARK (bk-token-store-error-quark, bk_token_store_error)
G_DEFINE_FINAL_TYPE (BkTokenStore, bk_token_store, G_TYPE_OBJECT)

static const SecretSchema token_schema = {
  .name = "io.github.bookable.Token",
  .flags = SECRET_SCHEMA_NONE,
  .attributes = {
    { .name = "provider", .type = SECRET_SCHEMA_ATTRIBUTE_STRING },
    { .name = "account", .type = SECRET_SCHEMA_ATTRIBUTE_STRING },
    { .name = NULL, .type = 0 },
  },
};

static GHashTable *
new_attributes (const char *provider,
                const char *account)
{
  /* copies: libsecret keeps a reference to the table until the D-Bus
   * search runs, after callers may have freed their strings (disconnect
   * searched for account "" when it did not copy) */
  GHashTable *attributes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  g_hash_table_insert (attributes, (char *) "provider", g_strdup (provider));
  g_hash_table_insert (attributes, (char *) "account", g_strdup (account));
  return attributes;
}

/* libsecret's own errors mention D-Bus names, not what to do: say it. */
static GError *
keyring_error (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);
  return g_error_new (BK_TOKEN_STORE_ERROR, BK_TOKEN_STORE_ERROR_UNAVAILABLE,
                      _("The system keyring could not be used (%s). Bookable keeps sign-ins only in the keyring: make sure it is running and unlocked, then try again."),
                      error->message);
}

static void
bk_token_store_class_init (BkTokenStoreClass *klass)
{
}

static void
bk_token_store_init (BkTokenStore *self)
{
}

BkTokenStore *
bk_token_store_new (void)
{
  return g_object_new (BK_TYPE_TOKEN_STORE, NULL);
}

/* ---------------------------------------------------------------------- */
/* Store */

static void
stored_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!secret_password_store_finish (result, &error))
    g_task_return_error (task, keyring_error (error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * bk_token_store_store_async:
 * @provider: a provider id, e.g. "office365"
 * @account: the account, e.g. "ada@contoso.com"
 *
 * Stores @tokens, replacing what was stored for the same account.
 */
void
bk_token_store_store_async (BkTokenStore        *self,
                            const char          *provider,
                            const char          *account,
                            const BkOAuthTokens *tokens,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autofree char *label = NULL;
  char *secret;

  g_return_if_fail (BK_IS_TOKEN_STORE (self));
  g_return_if_fail (provider != NULL);
  g_return_if_fail (account != NULL);
  g_return_if_fail (tokens != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bk_token_store_store_async);

  attributes = new_attributes (provider, account);
  /* Translators: the keyring item's name, e.g. "Bookable: office365 (ada@contoso.com)" */
  label = g_strdup_printf (_("Bookable: %s (%s)"), provider, account);
  secret = bk_oauth_tokens_to_json (tokens);
  secret_password_storev (&token_schema, attributes, SECRET_COLLECTION_DEFAULT, label, secret,
                          cancellable, stored_cb, g_steal_pointer (&task));
  secret_password_free (secret);
}

gboolean
bk_token_store_store_finish (BkTokenStore  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (BK_IS_TOKEN_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---------------------------------------------------------------------- */
/* Lookup */

static void
looked_up_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  char *secret;
  BkOAuthTokens *tokens;

  secret = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, keyring_error (error));
      return;
    }
  if (secret == NULL)
    {
      g_task_return_new_error (task, BK_TOKEN_STORE_ERROR, BK_TOKEN_STORE_ERROR_NOT_FOUND,
                               _("No sign-in is stored for this account. Connect it again."));
      return;
    }

  tokens = bk_oauth_tokens_new_from_json (secret, &error);
  secret_password_free (secret);
  if (tokens == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, tokens, (GDestroyNotify) bk_oauth_tokens_free);
}

void
bk_token_store_lookup_async (BkTokenStore        *self,
                             const char          *provider,
                             const char          *account,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) attributes = NULL;

  g_return_if_fail (BK_IS_TOKEN_STORE (self));
  g_return_if_fail (provider != NULL);
  g_return_if_fail (account != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bk_token_store_lookup_async);
  attributes = new_attributes (provider, account);
  secret_password_lookupv (&token_schema, attributes, cancellable, looked_up_cb, g_steal_pointer (&task));
}

/**
 * bk_token_store_lookup_finish:
 *
 * Returns: (transfer full): the stored tokens, or %NULL with
 *   %BK_TOKEN_STORE_ERROR_NOT_FOUND when none are stored
 */
BkOAuthTokens *
bk_token_store_lookup_finish (BkTokenStore  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (BK_IS_TOKEN_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---------------------------------------------------------------------- */
/* Clear */

static void
cleared_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* FALSE without an error only means there was nothing to remove. */
  if (!secret_password_clear_finish (result, &error) && error != NULL)
    g_task_return_error (task, keyring_error (error));
  else
    g_task_return_boolean (task, TRUE);
}

void
bk_token_store_clear_async (BkTokenStore        *self,
                            const char          *provider,
                            const char          *account,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) attributes = NULL;

  g_return_if_fail (BK_IS_TOKEN_STORE (self));
  g_return_if_fail (provider != NULL);
  g_return_if_fail (account != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bk_token_store_clear_async);
  attributes = new_attributes (provider, account);
  secret_password_clearv (&token_schema, attributes, cancellable, cleared_cb, g_steal_pointer (&task));
}

/* Succeeds also when nothing was stored: afterwards nothing is. */
gboolean
bk_token_store_clear_finish (BkTokenStore  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (BK_IS_TOKEN_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
