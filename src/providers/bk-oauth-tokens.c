/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bk-oauth-tokens.c: an account's tokens, and the token endpoint that gives
 * them (authorization-code and refresh grants share one call), with provider
 * errors turned into BK_OAUTH_ERROR codes and messages that say what to do. */

#define G_LOG_DOMAIN "bk-oauth"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-oauth.h"

G_DEFINE_BOXED_TYPE (BkOAuthTokens, bk_oauth_tokens, bk_oauth_tokens_copy, bk_oauth_tokens_free)

/* ---------------------------------------------------------------------- */
/* Tokens */

BkOAuthTokens *
bk_oauth_tokens_new (void)
{
  return g_new0 (BkOAuthTokens, 1);
}

BkOAuthTokens *
bk_oauth_tokens_copy (const BkOAuthTokens *tokens)
{
  BkOAuthTokens *copy;

  g_return_val_if_fail (tokens != NULL, NULL);

  copy = bk_oauth_tokens_new ();
  copy->access_token = g_strdup (tokens->access_token);
  copy->refresh_token = g_strdup (tokens->refresh_token);
  copy->expires_at = tokens->expires_at;
  copy->scope = g_strdup (tokens->scope);
  copy->account = g_strdup (tokens->account);
  copy->display_name = g_strdup (tokens->display_name);
  return copy;
}

void
bk_oauth_tokens_free (BkOAuthTokens *tokens)
{
  if (tokens == NULL)
    return;
  g_free (tokens->access_token);
  g_free (tokens->refresh_token);
  g_free (tokens->scope);
  g_free (tokens->account);
  g_free (tokens->display_name);
  g_free (tokens);
}

static void
set_optional_string (JsonBuilder *builder,
                     const char  *name,
                     const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

/* The keyring secret: the whole bundle, so nothing lives in SQLite. */
char *
bk_oauth_tokens_to_json (const BkOAuthTokens *tokens)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (tokens != NULL, NULL);

  json_builder_begin_object (builder);
  set_optional_string (builder, "access_token", tokens->access_token);
  set_optional_string (builder, "refresh_token", tokens->refresh_token);
  json_builder_set_member_name (builder, "expires_at");
  json_builder_add_int_value (builder, tokens->expires_at);
  set_optional_string (builder, "scope", tokens->scope);
  set_optional_string (builder, "account", tokens->account);
  set_optional_string (builder, "display_name", tokens->display_name);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static char *
dup_member_string (JsonObject *object,
                   const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return g_strdup (json_node_get_string (node));
}

BkOAuthTokens *
bk_oauth_tokens_new_from_json (const char  *json,
                               GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(BkOAuthTokens) tokens = NULL;
  JsonObject *object;

  g_return_val_if_fail (json != NULL, NULL);

  if (!json_parser_load_from_data (parser, json, -1, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error_literal (error, BK_OAUTH_ERROR, BK_OAUTH_ERROR_RECONNECT_NEEDED,
                           _("The sign-in stored in the keyring could not be read. Reconnect the account."));
      return NULL;
    }

  object = json_node_get_object (json_parser_get_root (parser));
  tokens = bk_oauth_tokens_new ();
  tokens->access_token = dup_member_string (object, "access_token");
  tokens->refresh_token = dup_member_string (object, "refresh_token");
  tokens->expires_at = json_object_get_int_member_with_default (object, "expires_at", 0);
  tokens->scope = dup_member_string (object, "scope");
  tokens->account = dup_member_string (object, "account");
  tokens->display_name = dup_member_string (object, "display_name");
  return g_steal_pointer (&tokens);
}

/* ---------------------------------------------------------------------- */
/* Errors */

static guint
find_aadsts (const char *description)
{
  const char *p = description ? strstr (description, "AADSTS") : NULL;

  return p ? (guint) g_ascii_strtoull (p + strlen ("AADSTS"), NULL, 10) : 0;
}

static GError *
aadsts_error (guint    number,
              gboolean refreshing)
{
  switch (number)
    {
    case 50011:
      return g_error_new (BK_OAUTH_ERROR, BK_OAUTH_ERROR_CONFIGURATION,
                          _("Microsoft refused the address Bookable listens on for the sign-in (AADSTS50011). The app registration must list http://127.0.0.1 as a redirect URI for mobile and desktop applications: ask your administrator, or set a client id that has it."));
    case 700016:
      return g_error_new (BK_OAUTH_ERROR, BK_OAUTH_ERROR_CONFIGURATION,
                          _("Microsoft does not know Bookable’s client id in this directory (AADSTS700016). Check the Microsoft client id and tenant in the settings, or ask your administrator to add the app to your organisation."));
    case 65001:
      return g_error_new (BK_OAUTH_ERROR, BK_OAUTH_ERROR_CONSENT_REQUIRED,
                          _("Bookable has not been allowed to use your calendar yet (AADSTS65001). Connect again and accept the permissions, or ask your administrator to grant consent."));
    case 90094:
      return g_error_new (BK_OAUTH_ERROR, BK_OAUTH_ERROR_CONSENT_REQUIRED,
                          _("Your organisation lets only an administrator approve apps such as Bookable (AADSTS90094). Ask your IT administrator to grant admin consent for Bookable, then connect again."));
    case 54005:
      return g_error_new (BK_OAUTH_ERROR, BK_OAUTH_ERROR_RESTART,
                          _("This sign-in was already used (AADSTS54005). Start Connect again."));
    case 70008:
      return refreshing
        ? g_error_new (BK_OAUTH_ERROR, BK_OAUTH_ERROR_RECONNECT_NEEDED,
                       _("The Microsoft sign-in has expired (AADSTS70008). Reconnect the account; nothing waiting to be sent has been lost."))
        : g_error_new (BK_OAUTH_ERROR, BK_OAUTH_ERROR_RESTART,
                       _("The sign-in took too long and expired (AADSTS70008). Start Connect again."));
    case 700082:
      return g_error_new (BK_OAUTH_ERROR, BK_OAUTH_ERROR_RECONNECT_NEEDED,
                          _("Microsoft ended Bookable’s sign-in because it was not used for 90 days (AADSTS700082). Reconnect the account; nothing waiting to be sent has been lost."));
    default:
      return NULL;
    }
}

/**
 * bk_oauth_error_from_response:
 * @error_code: the OAuth `error` value (access_denied, invalid_grant…)
 * @description: (nullable): the provider's `error_description`
 * @refreshing: whether this answered a refresh (then a dead grant means
 *   "reconnect needed" rather than "start again")
 *
 * Returns: (transfer full): a BK_OAUTH_ERROR that says what to do
 */
GError *
bk_oauth_error_from_response (const char *error_code,
                              const char *description,
                              gboolean    refreshing)
{
  GError *error;

  g_return_val_if_fail (error_code != NULL, NULL);

  if ((error = aadsts_error (find_aadsts (description), refreshing)) != NULL)
    return error;

  if (g_str_equal (error_code, "invalid_grant"))
    return refreshing
      ? g_error_new (BK_OAUTH_ERROR, BK_OAUTH_ERROR_RECONNECT_NEEDED,
                     _("The account’s sign-in is no longer valid: it was revoked, expired, or the password changed. Reconnect the account; nothing waiting to be sent has been lost."))
      : g_error_new (BK_OAUTH_ERROR, BK_OAUTH_ERROR_RESTART,
                     _("The provider did not accept this sign-in. Start Connect again."));
  if (g_str_equal (error_code, "access_denied"))
    return g_error_new (BK_OAUTH_ERROR, BK_OAUTH_ERROR_ACCESS_DENIED,
                        _("The sign-in was declined, so nothing was connected. Connect again and accept the permissions to use this calendar."));
  if (g_str_equal (error_code, "consent_required") || g_str_equal (error_code, "interaction_required"))
    return g_error_new (BK_OAUTH_ERROR, BK_OAUTH_ERROR_CONSENT_REQUIRED,
                        _("The provider needs you to approve Bookable again. Connect again and accept the permissions."));
  if (g_str_equal (error_code, "invalid_client") || g_str_equal (error_code, "unauthorized_client")
      || g_str_equal (error_code, "invalid_scope"))
    return g_error_new (BK_OAUTH_ERROR, BK_OAUTH_ERROR_CONFIGURATION,
                        _("The provider does not accept Bookable’s client settings (%s). Check the client id, secret and tenant in the settings."),
                        error_code);

  if (description != NULL && *description != '\0')
    return g_error_new (BK_OAUTH_ERROR, BK_OAUTH_ERROR_FAILED,
                        _("The provider refused the sign-in (%s): %s"), error_code, description);
  return g_error_new (BK_OAUTH_ERROR, BK_OAUTH_ERROR_FAILED,
                      _("The provider refused the sign-in (%s)."), error_code);
}

/* ---------------------------------------------------------------------- */
/* The token endpoint */

typedef struct
{
  gboolean  refreshing;
  char     *old_refresh_token;
} TokenCall;

static void
token_call_free (gpointer data)
{
  TokenCall *call = data;

  g_free (call->old_refresh_token);
  g_free (call);
}

/* The id_token came straight from the token endpoint over TLS, so its claims
 * are read without checking the signature (OpenID Connect Core §3.1.3.7). */
static void
read_id_token_claims (BkOAuthTokens *tokens,
                      const char    *id_token)
{
  g_auto(GStrv) parts = g_strsplit (id_token, ".", 0);
  g_autoptr(GString) b64 = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree guchar *payload = NULL;
  gsize len = 0;
  JsonObject *claims;

  if (g_strv_length (parts) < 2)
    return;
  b64 = g_string_new (parts[1]);
  g_strdelimit (b64->str, "-", '+');
  g_strdelimit (b64->str, "_", '/');
  while (b64->len % 4 != 0)
    g_string_append_c (b64, '=');
  payload = g_base64_decode (b64->str, &len);
  if (!json_parser_load_from_data (parser, (const char *) payload, len, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return;

  claims = json_node_get_object (json_parser_get_root (parser));
  tokens->account = dup_member_string (claims, "preferred_username");
  if (tokens->account == NULL)
    tokens->account = dup_member_string (claims, "upn");
  if (tokens->account == NULL)
    tokens->account = dup_member_string (claims, "email");
  tokens->display_name = dup_member_string (claims, "name");
}

static gint64
read_expires_in (JsonObject *object)
{
  JsonNode *node = json_object_get_member (object, "expires_in");

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return 0;
  /* Some Microsoft endpoints send the number as a string. */
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return g_ascii_strtoll (json_node_get_string (node), NULL, 10);
  return json_node_get_int (node);
}

static BkOAuthTokens *
parse_token_response (JsonNode    *root,
                      TokenCall   *call,
                      GError     **error)
{
  g_autoptr(BkOAuthTokens) tokens = bk_oauth_tokens_new ();
  g_autofree char *id_token = NULL;
  JsonObject *object;
  gint64 expires_in;

  object = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  if (object != NULL)
    tokens->access_token = dup_member_string (object, "access_token");
  if (tokens->access_token == NULL || *tokens->access_token == '\0')
    {
      g_set_error_literal (error, BK_OAUTH_ERROR, BK_OAUTH_ERROR_BAD_RESPONSE,
                           _("The provider’s sign-in answer had no access token. Try again later."));
      return NULL;
    }

  tokens->refresh_token = dup_member_string (object, "refresh_token");
  /* A refresh answer without a new refresh token means "keep the old one". */
  if (tokens->refresh_token == NULL)
    tokens->refresh_token = g_strdup (call->old_refresh_token);
  expires_in = read_expires_in (object);
  tokens->expires_at = expires_in > 0 ? g_get_real_time () / G_USEC_PER_SEC + expires_in : 0;
  tokens->scope = dup_member_string (object, "scope");
  id_token = dup_member_string (object, "id_token");
  if (id_token != NULL)
    read_id_token_claims (tokens, id_token);
  return g_steal_pointer (&tokens);
}

/* An OAuth error body ({"error": "...", "error_description": "..."}) as a
 * BK_OAUTH_ERROR, or NULL when the body is something else. */
static GError *
oauth_error_from_body (BkHttpResponse *response,
                       gboolean        refreshing)
{
  g_autoptr(JsonNode) root = bk_http_response_parse_json (response, NULL);
  JsonObject *object;
  g_autofree char *code = NULL;
  g_autofree char *description = NULL;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  object = json_node_get_object (root);
  code = dup_member_string (object, "error");
  if (code == NULL)
    return NULL;
  description = dup_member_string (object, "error_description");
  return bk_oauth_error_from_response (code, description, refreshing);
}

static void
token_sent_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TokenCall *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(BkHttpResponse) response = NULL;
  g_autoptr(JsonNode) root = NULL;
  BkOAuthTokens *tokens;

  response = bk_http_send_finish (BK_HTTP (object), result, &error);
  if (response == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!SOUP_STATUS_IS_SUCCESSFUL (bk_http_response_get_status (response)))
    {
      GError *oauth_error = oauth_error_from_body (response, call->refreshing);

      if (oauth_error != NULL)
        g_task_return_error (task, oauth_error);
      else if (!bk_http_response_check (response, &error))
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  root = bk_http_response_parse_json (response, &error);
  if (root == NULL || (tokens = parse_token_response (root, call, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, tokens, (GDestroyNotify) bk_oauth_tokens_free);
}

static void
token_request_async (BkHttp              *http,
                     BkOAuthProvider     *provider,
                     GHashTable          *form,
                     TokenCall           *call,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data,
                     gpointer             source_tag)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(BkHttpRequest) request = NULL;

  g_hash_table_insert (form, (char *) "client_id", (char *) bk_oauth_provider_get_client_id (provider));
  if (bk_oauth_provider_get_client_secret (provider) != NULL)
    g_hash_table_insert (form, (char *) "client_secret",
                         (char *) bk_oauth_provider_get_client_secret (provider));

  request = bk_http_request_new ("POST", bk_oauth_provider_get_token_url (provider));
  bk_http_request_set_form (request, form);
  bk_http_request_set_header (request, "Accept", "application/json");

  task = g_task_new (http, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, call, token_call_free);
  bk_http_send_async (http, request, cancellable, token_sent_cb, g_steal_pointer (&task));
}

void
bk_oauth_exchange_code_async (BkHttp              *http,
                              BkOAuthProvider     *provider,
                              const char          *code,
                              const char          *redirect_uri,
                              const char          *code_verifier,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GHashTable) form = g_hash_table_new (g_str_hash, g_str_equal);

  g_return_if_fail (BK_IS_HTTP (http));
  g_return_if_fail (provider != NULL);
  g_return_if_fail (code != NULL);
  g_return_if_fail (redirect_uri != NULL);
  g_return_if_fail (code_verifier != NULL);

  g_hash_table_insert (form, (char *) "grant_type", (char *) "authorization_code");
  g_hash_table_insert (form, (char *) "code", (char *) code);
  g_hash_table_insert (form, (char *) "redirect_uri", (char *) redirect_uri);
  g_hash_table_insert (form, (char *) "code_verifier", (char *) code_verifier);
  token_request_async (http, provider, form, g_new0 (TokenCall, 1), cancellable,
                       callback, user_data, bk_oauth_exchange_code_async);
}

BkOAuthTokens *
bk_oauth_exchange_code_finish (BkHttp        *http,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (BK_IS_HTTP (http), NULL);
  g_return_val_if_fail (g_task_is_valid (result, http), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
bk_oauth_refresh_async (BkHttp              *http,
                        BkOAuthProvider     *provider,
                        const char          *refresh_token,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GHashTable) form = g_hash_table_new (g_str_hash, g_str_equal);
  TokenCall *call;

  g_return_if_fail (BK_IS_HTTP (http));
  g_return_if_fail (provider != NULL);
  g_return_if_fail (refresh_token != NULL);

  call = g_new0 (TokenCall, 1);
  call->refreshing = TRUE;
  call->old_refresh_token = g_strdup (refresh_token);
  g_hash_table_insert (form, (char *) "grant_type", (char *) "refresh_token");
  g_hash_table_insert (form, (char *) "refresh_token", (char *) refresh_token);
  if (*bk_oauth_provider_get_scopes (provider) != '\0')
    g_hash_table_insert (form, (char *) "scope", (char *) bk_oauth_provider_get_scopes (provider));
  token_request_async (http, provider, form, call, cancellable,
                       callback, user_data, bk_oauth_refresh_async);
}

/**
 * bk_oauth_refresh_finish:
 *
 * Returns: (transfer full): the new tokens; refresh_token is the rotated one,
 *   or the old one when the provider did not rotate it
 */
BkOAuthTokens *
bk_oauth_refresh_finish (BkHttp        *http,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (BK_IS_HTTP (http), NULL);
  g_return_val_if_fail (g_task_is_valid (result, http), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
