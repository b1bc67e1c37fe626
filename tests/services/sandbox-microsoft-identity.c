/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-sandbox-microsoft"

#include "config.h"

#include <glib/gi18n.h>

#include "sandbox-microsoft-private.h"

/* The Microsoft identity platform v2.0 endpoints for a public client:
 * /{tenant}/oauth2/v2.0/authorize (auth code + PKCE S256, auto-consent)
 * and /{tenant}/oauth2/v2.0/token (authorization_code and rotating
 * refresh_token grants), with AADSTS errors shaped like Microsoft's. */

#define CODE_LIFETIME 600

typedef struct
{
  char   *client_id;
  char   *redirect_uri;
  char   *challenge;
  char   *scope;
  char   *user_id;
  gint64  expires_at;
  gboolean redeemed;
} SbCode;

typedef struct
{
  char  *user_id;
  char  *client_id;
  char  *scope;
  guint  invalid_aadsts;   /* 0 while the refresh token can be used */
} SbGrant;

typedef struct
{
  char   *user_id;
  gint64  expires_at;
} SbAccess;

static void
sb_code_free (gpointer data)
{
  SbCode *code = data;

  g_free (code->client_id);
  g_free (code->redirect_uri);
  g_free (code->challenge);
  g_free (code->scope);
  g_free (code->user_id);
  g_free (code);
}

static void
sb_grant_free (gpointer data)
{
  SbGrant *grant = data;

  g_free (grant->user_id);
  g_free (grant->client_id);
  g_free (grant->scope);
  g_free (grant);
}

static void
sb_access_free (gpointer data)
{
  SbAccess *access = data;

  g_free (access->user_id);
  g_free (access);
}

void
sb_identity_init (BkSandboxMicrosoft *self)
{
  self->codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, sb_code_free);
  self->refresh_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, sb_grant_free);
  self->access_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, sb_access_free);
}

static const char *
aadsts_message (guint code)
{
  switch (code)
    {
    case 50011: return "The redirect URI specified in the request does not match the redirect URIs configured for the application.";
    case 50034: return "The user account does not exist in the directory. To sign into this application, the account must be added to the directory.";
    case 50148: return "The code_verifier does not match the code_challenge supplied in the authorization request for PKCE.";
    case 50173: return "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.";
    case 54005: return "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.";
    case 65001: return "The user or administrator has not consented to use the application. Send an interactive authorization request for this user and resource.";
    case 65004: return "User declined to consent to access the app.";
    case 70000: return "The request was denied because one or more grants are invalid.";
    case 70008: return "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.";
    case 90094: return "Admin consent is required for the permissions requested by this application.";
    case 500112: return "The reply address does not match the reply address provided when requesting Authorization code.";
    case 700016: return "Application was not found in the directory. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.";
    case 700082: return "The refresh token has expired due to inactivity. The token was issued and was inactive for 90.00:00:00.";
    case 9002313: return "Invalid request. Request is malformed or invalid.";
    default: return "The provided grant is no longer valid.";
    }
}

/* ---------------------------------------------------------------- token */

static void
reply_oauth_error (SbRequest  *req,
                   guint       status,
                   const char *error,
                   guint       aadsts,
                   const char *detail)
{
  g_autoptr(JsonObject) root = json_object_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y-%m-%d %H:%M:%SZ");
  g_autofree char *trace = sb_new_guid ();
  g_autofree char *correlation = sb_new_guid ();
  g_autofree char *description = NULL;
  g_autofree char *uri = g_strdup_printf ("%s/error?code=%u", req->self->http.url, aadsts);
  JsonArray *codes = json_array_new ();

  description = g_strdup_printf ("AADSTS%u: %s\r\nTrace ID: %s\r\nCorrelation ID: %s\r\nTimestamp: %s",
                                 aadsts, detail != NULL ? detail : aadsts_message (aadsts),
                                 trace, correlation, stamp);
  json_array_add_int_element (codes, aadsts);
  json_object_set_string_member (root, "error", error);
  json_object_set_string_member (root, "error_description", description);
  json_object_set_array_member (root, "error_codes", codes);
  json_object_set_string_member (root, "timestamp", stamp);
  json_object_set_string_member (root, "trace_id", trace);
  json_object_set_string_member (root, "correlation_id", correlation);
  json_object_set_string_member (root, "error_uri", uri);
  sb_reply_object (req, status, root);
  g_free (req->content_type);
  req->content_type = g_strdup ("application/json; charset=utf-8");
}

static char *
base64url (const char *data,
           gsize       length)
{
  char *text = g_base64_encode ((const guchar *)data, length);

  g_strdelimit (text, "+", '-');
  g_strdelimit (text, "/", '_');
  g_strdelimit (text, "=", '\0');
  return text;
}

/* An unsigned JWT with the claims clients read (preferred_username, oid, tid). */
static char *
make_id_token (BkSandboxMicrosoft *self,
               SbUser             *user,
               const char         *client_id)
{
  static const char header[] = "{\"typ\":\"JWT\",\"alg\":\"none\"}";
  g_autoptr(JsonObject) claims = json_object_new ();
  g_autofree char *issuer = g_strdup_printf ("%s/%s/v2.0", self->http.url, self->tenant_id);
  g_autofree char *payload = NULL;
  g_autofree char *head64 = base64url (header, strlen (header));
  g_autofree char *body64 = NULL;
  gint64 now = sb_now (self);

  json_object_set_string_member (claims, "aud", client_id);
  json_object_set_string_member (claims, "iss", issuer);
  json_object_set_int_member (claims, "iat", now);
  json_object_set_int_member (claims, "nbf", now);
  json_object_set_int_member (claims, "exp", now + 3600);
  json_object_set_string_member (claims, "name", user->display_name);
  json_object_set_string_member (claims, "oid", user->id);
  json_object_set_string_member (claims, "preferred_username", user->upn);
  json_object_set_string_member (claims, "sub", user->id);
  json_object_set_string_member (claims, "tid", self->tenant_id);
  json_object_set_string_member (claims, "ver", "2.0");
  payload = sb_object_to_string (claims);
  body64 = base64url (payload, strlen (payload));
  return g_strdup_printf ("%s.%s.", head64, body64);
}

static gboolean
scope_has (const char *scope,
           const char *wanted)
{
  g_auto(GStrv) parts = g_strsplit (scope != NULL ? scope : "", " ", -1);

  return g_strv_contains ((const char *const *)parts, wanted);
}

static void
issue_tokens (SbRequest  *req,
              SbUser     *user,
              const char *client_id,
              const char *scope)
{
  BkSandboxMicrosoft *self = req->self;
  g_autoptr(JsonObject) root = json_object_new ();
  g_autofree char *access = sb_random_token (64);
  g_autofree char *id_token = make_id_token (self, user, client_id);
  SbAccess *record = g_new0 (SbAccess, 1);
  gint64 expires_in = self->access_lifetime > 1 ? self->access_lifetime - 1 : self->access_lifetime;

  record->user_id = g_strdup (user->id);
  record->expires_at = sb_now (self) + self->access_lifetime;
  g_hash_table_insert (self->access_tokens, g_strdup (access), record);

  json_object_set_string_member (root, "token_type", "Bearer");
  json_object_set_string_member (root, "scope", scope);
  json_object_set_int_member (root, "expires_in", expires_in);
  json_object_set_int_member (root, "ext_expires_in", expires_in);
  json_object_set_string_member (root, "access_token", access);
  /* As Microsoft: a refresh token only with offline_access. */
  if (scope_has (scope, "offline_access"))
    {
      g_autofree char *refresh = sb_random_token (96);
      SbGrant *grant = g_new0 (SbGrant, 1);

      grant->user_id = g_strdup (user->id);
      grant->client_id = g_strdup (client_id);
      grant->scope = g_strdup (scope);
      g_hash_table_insert (self->refresh_tokens, g_strdup (refresh), grant);
      json_object_set_string_member (root, "refresh_token", refresh);
    }
  json_object_set_string_member (root, "id_token", id_token);
  sb_reply_object (req, 200, root);
  g_free (req->content_type);
  req->content_type = g_strdup ("application/json; charset=utf-8");
  sb_request_set_header (req, "Pragma", "no-cache");
}

static gboolean
verifier_matches (const char *verifier,
                  const char *challenge)
{
  guint8 digest[32];
  gsize length = sizeof digest;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *encoded = NULL;

  if (verifier == NULL || strlen (verifier) < 43 || strlen (verifier) > 128)
    return FALSE;
  g_checksum_update (checksum, (const guchar *)verifier, -1);
  g_checksum_get_digest (checksum, digest, &length);
  encoded = base64url ((const char *)digest, length);
  return g_strcmp0 (encoded, challenge) == 0;
}

static void
grant_authorization_code (SbRequest  *req,
                          GHashTable *form,
                          const char *client_id)
{
  const char *code_text = g_hash_table_lookup (form, "code");
  SbCode *code = code_text != NULL ? g_hash_table_lookup (req->self->codes, code_text) : NULL;
  SbUser *user;

  if (code_text == NULL)
    return reply_oauth_error (req, 400, "invalid_request", 900144,
                              "The request body must contain the following parameter: 'code'.");
  if (code == NULL)
    return reply_oauth_error (req, 400, "invalid_grant", 9002313, NULL);
  if (code->redeemed)
    return reply_oauth_error (req, 400, "invalid_grant", 54005, NULL);
  if (sb_now (req->self) >= code->expires_at)
    return reply_oauth_error (req, 400, "invalid_grant", 70008, NULL);
  if (g_strcmp0 (code->client_id, client_id) != 0)
    return reply_oauth_error (req, 400, "invalid_grant", 70000,
                              "The request was denied because one or more grants are invalid: the code was issued to another client.");
  if (g_strcmp0 (code->redirect_uri, g_hash_table_lookup (form, "redirect_uri")) != 0)
    return reply_oauth_error (req, 400, "invalid_grant", 500112, NULL);
  if (!verifier_matches (g_hash_table_lookup (form, "code_verifier"), code->challenge))
    return reply_oauth_error (req, 400, "invalid_grant", 50148, NULL);
  user = sb_find_user (req->self, code->user_id);
  if (user == NULL)
    return reply_oauth_error (req, 400, "invalid_grant", 50034, NULL);
  code->redeemed = TRUE;
  issue_tokens (req, user, client_id, code->scope);
}

static void
grant_refresh_token (SbRequest  *req,
                     GHashTable *form,
                     const char *client_id)
{
  const char *token = g_hash_table_lookup (form, "refresh_token");
  SbGrant *grant = token != NULL ? g_hash_table_lookup (req->self->refresh_tokens, token) : NULL;
  g_autofree char *scope = NULL;
  SbUser *user;

  if (token == NULL)
    return reply_oauth_error (req, 400, "invalid_request", 900144,
                              "The request body must contain the following parameter: 'refresh_token'.");
  if (grant == NULL)
    return reply_oauth_error (req, 400, "invalid_grant", 9002313, NULL);
  if (grant->invalid_aadsts != 0)
    return reply_oauth_error (req, 400, "invalid_grant", grant->invalid_aadsts, NULL);
  if (g_strcmp0 (grant->client_id, client_id) != 0)
    return reply_oauth_error (req, 400, "invalid_grant", 70000,
                              "The request was denied because one or more grants are invalid: the refresh token was issued to another client.");
  user = sb_find_user (req->self, grant->user_id);
  if (user == NULL)
    return reply_oauth_error (req, 400, "invalid_grant", 50034, NULL);
  /* Rotation: the token just used is dead from now on. */
  grant->invalid_aadsts = 70008;
  scope = g_strdup (grant->scope);
  issue_tokens (req, user, client_id, scope);
}

static void
handle_token (SbRequest *req)
{
  g_autoptr(GHashTable) form = NULL;
  const char *grant_type;
  const char *client_id;

  if (!g_str_equal (req->method, "POST"))
    return reply_oauth_error (req, 400, "invalid_request", 900561,
                              "The endpoint only accepts POST, OPTIONS requests. Received a GET request.");
  form = sb_request_form (req);
  grant_type = g_hash_table_lookup (form, "grant_type");
  client_id = g_hash_table_lookup (form, "client_id");
  if (grant_type == NULL)
    return reply_oauth_error (req, 400, "invalid_request", 900144,
                              "The request body must contain the following parameter: 'grant_type'.");
  if (client_id == NULL)
    return reply_oauth_error (req, 400, "invalid_request", 900144,
                              "The request body must contain the following parameter: 'client_id'.");
  if (!g_hash_table_contains (req->self->clients, client_id))
    return reply_oauth_error (req, 400, "unauthorized_client", 700016, NULL);
  if (g_str_equal (grant_type, "authorization_code"))
    grant_authorization_code (req, form, client_id);
  else if (g_str_equal (grant_type, "refresh_token"))
    grant_refresh_token (req, form, client_id);
  else
    reply_oauth_error (req, 400, "unsupported_grant_type", 70003,
                       "The app requested an unsupported grant type.");
}

/* ------------------------------------------------------------- authorize */

static void
reply_error_page (SbRequest  *req,
                  guint       aadsts,
                  const char *detail)
{
  g_autofree char *escaped = g_markup_escape_text (detail != NULL ? detail : aadsts_message (aadsts), -1);
  g_autofree char *page =
    g_strdup_printf ("<!DOCTYPE html><html><head><title>Sign in to your account</title></head>"
                     "<body><h1>Sorry, but we’re having trouble signing you in.</h1>"
                     "<p id=\"error\">AADSTS%u: %s</p></body></html>", aadsts, escaped);

  sb_reply_text (req, 400, "text/html; charset=utf-8", page);
}

static gboolean
redirect_uri_allowed (const char *text)
{
  g_autoptr(GUri) uri = text != NULL ? g_uri_parse (text, G_URI_FLAGS_NONE, NULL) : NULL;

  /* Loopback redirects of a native app: any port, as Microsoft allows. */
  return uri != NULL && g_strcmp0 (g_uri_get_scheme (uri), "http") == 0
         && (g_strcmp0 (g_uri_get_host (uri), "127.0.0.1") == 0
             || g_strcmp0 (g_uri_get_host (uri), "localhost") == 0);
}

static void
reply_redirect (SbRequest  *req,
                const char *redirect_uri,
                ...) G_GNUC_NULL_TERMINATED;

/* redirect_uri?name=value&… with the values escaped; NULL values skipped. */
static void
reply_redirect (SbRequest  *req,
                const char *redirect_uri,
                ...)
{
  g_autoptr(GString) location = g_string_new (redirect_uri);
  char separator = strchr (redirect_uri, '?') != NULL ? '&' : '?';
  const char *name;
  va_list args;

  va_start (args, redirect_uri);
  while ((name = va_arg (args, const char *)) != NULL)
    {
      const char *value = va_arg (args, const char *);
      g_autofree char *escaped = NULL;

      if (value == NULL)
        continue;
      escaped = g_uri_escape_string (value, NULL, FALSE);
      g_string_append_printf (location, "%c%s=%s", separator, name, escaped);
      separator = '&';
    }
  va_end (args);
  sb_reply_text (req, 302, "text/html; charset=utf-8", NULL);
  sb_request_set_header (req, "Location", location->str);
}

static void
redirect_error (SbRequest  *req,
                const char *redirect_uri,
                const char *error,
                guint       aadsts,
                const char *detail,
                const char *subcode)
{
  g_autofree char *description =
    g_strdup_printf ("AADSTS%u: %s", aadsts, detail != NULL ? detail : aadsts_message (aadsts));

  reply_redirect (req, redirect_uri, "error", error, "error_description", description,
                  "error_subcode", subcode, "state", sb_query (req, "state"), NULL);
}

static SbUser *
choose_user (BkSandboxMicrosoft *self,
             const char         *login_hint)
{
  SbUser *user = NULL;

  if (login_hint != NULL)
    user = sb_find_user (self, login_hint);
  if (user == NULL && self->consent_user != NULL)
    user = sb_find_user (self, self->consent_user);
  if (user == NULL && self->users->len > 0)
    user = g_ptr_array_index (self->users, 0);
  return user;
}

static void
handle_authorize (SbRequest *req)
{
  BkSandboxMicrosoft *self = req->self;
  const char *client_id = sb_query (req, "client_id");
  const char *redirect_uri = sb_query (req, "redirect_uri");
  const char *challenge = sb_query (req, "code_challenge");
  g_autofree char *code_text = NULL;
  g_autofree char *session = NULL;
  SbCode *code;
  SbUser *user;

  if (client_id == NULL)
    return reply_error_page (req, 900144, "The request body must contain the following parameter: 'client_id'.");
  if (!g_hash_table_contains (self->clients, client_id))
    return reply_error_page (req, 700016, NULL);
  if (!redirect_uri_allowed (redirect_uri))
    return reply_error_page (req, 50011, NULL);
  /* From here on Microsoft reports errors to the redirect URI. */
  if (g_strcmp0 (sb_query (req, "response_type"), "code") != 0)
    return redirect_error (req, redirect_uri, "unsupported_response_type", 700054,
                           "response_type must be 'code' for this application.", NULL);
  if (sb_query (req, "scope") == NULL)
    return redirect_error (req, redirect_uri, "invalid_request", 900144,
                           "The request body must contain the following parameter: 'scope'.", NULL);
  if (challenge == NULL || g_strcmp0 (sb_query (req, "code_challenge_method"), "S256") != 0
      || strlen (challenge) != 43)
    return redirect_error (req, redirect_uri, "invalid_request", 9002325,
                           "Proof Key for Code Exchange is required: send code_challenge (43 characters) with code_challenge_method=S256.",
                           NULL);
  if (self->deny_consent)
    return redirect_error (req, redirect_uri, "access_denied", 65004, NULL, "cancel");
  user = choose_user (self, sb_query (req, "login_hint"));
  if (user == NULL)
    return redirect_error (req, redirect_uri, "access_denied", 50034, NULL, NULL);

  code = g_new0 (SbCode, 1);
  code->client_id = g_strdup (client_id);
  code->redirect_uri = g_strdup (redirect_uri);
  code->challenge = g_strdup (challenge);
  code->scope = g_strdup (sb_query (req, "scope"));
  code->user_id = g_strdup (user->id);
  code->expires_at = sb_now (self) + CODE_LIFETIME;
  code_text = sb_random_token (48);
  g_hash_table_insert (self->codes, g_strdup (code_text), code);
  session = sb_new_guid ();
  reply_redirect (req, redirect_uri, "code", code_text, "state", sb_query (req, "state"),
                  "session_state", session, NULL);
}

/* ------------------------------------------------------------ dispatch */

gboolean
sb_identity_dispatch (SbRequest *req)
{
  g_auto(GStrv) parts = g_strsplit (req->path, "/", -1);

  /* "", tenant, "oauth2", "v2.0", endpoint */
  if (g_strv_length (parts) != 5 || *parts[1] == '\0'
      || !g_str_equal (parts[2], "oauth2") || !g_str_equal (parts[3], "v2.0"))
    return FALSE;
  if (g_str_equal (parts[4], "authorize"))
    handle_authorize (req);
  else if (g_str_equal (parts[4], "token"))
    handle_token (req);
  else
    return FALSE;
  return TRUE;
}

SbUser *
sb_identity_authenticate (SbRequest *req)
{
  const char *header = sb_request_header (req, "Authorization");
  const char *message = "Access token is empty.";
  SbAccess *access = NULL;

  if (header != NULL && g_ascii_strncasecmp (header, "Bearer ", 7) == 0 && header[7] != '\0')
    {
      access = g_hash_table_lookup (req->self->access_tokens, header + 7);
      message = "IDX14100: JWT is not well formed, there are no dots (.).";
    }
  if (access != NULL && sb_now (req->self) >= access->expires_at)
    message = "Lifetime validation failed, the token is expired.";
  else if (access != NULL)
    {
      SbUser *user = sb_find_user (req->self, access->user_id);

      if (user != NULL)
        return user;
    }
  sb_reply_graph_error (req, 401, "InvalidAuthenticationToken", message);
  sb_request_set_header (req, "WWW-Authenticate",
                         "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", "
                         "client_id=\"00000003-0000-0000-c000-000000000000\"");
  return NULL;
}

void
sb_identity_revoke (BkSandboxMicrosoft *self,
                    SbUser             *user,
                    guint               aadsts)
{
  GHashTableIter iter;
  SbGrant *grant;

  g_hash_table_iter_init (&iter, self->refresh_tokens);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&grant))
    if (user == NULL || g_str_equal (grant->user_id, user->id))
      if (grant->invalid_aadsts == 0)
        grant->invalid_aadsts = aadsts != 0 ? aadsts : 70008;
}

void
sb_identity_expire_access (BkSandboxMicrosoft *self)
{
  GHashTableIter iter;
  SbAccess *access;
  gint64 now = sb_now (self);

  g_hash_table_iter_init (&iter, self->access_tokens);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&access))
    access->expires_at = MIN (access->expires_at, now);
}
