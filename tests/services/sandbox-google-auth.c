/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-sandbox-google"

#include "config.h"

#include <glib/gi18n.h>

#include "sandbox-google-private.h"

/* Google's OAuth 2.0 for installed apps: the consent page at
 * /o/oauth2/v2/auth (answered at once with a 302 to the loopback
 * redirect), /token (authorization_code with PKCE S256 and the client
 * secret, refresh_token), /revoke, and the Bearer check of the API. */

#define ACCESS_LIFETIME 3599
#define CODE_LIFETIME   600
#define SCOPE_PREFIX    "https://www.googleapis.com/auth/"

typedef struct
{
  char     *client_id;
  char     *redirect_uri;
  char     *challenge;
  char     *scope;
  char     *user;
  gboolean  offline;
  gboolean  prompt_consent;
  gint64    expires;
} SbgCode;

typedef struct
{
  SbgGrant *grant;          /* weak: grants live until reset */
  gint64    expires;
} SbgAccess;

static void
code_free (gpointer data)
{
  SbgCode *code = data;

  g_free (code->client_id);
  g_free (code->redirect_uri);
  g_free (code->challenge);
  g_free (code->scope);
  g_free (code->user);
  g_free (code);
}

static void
grant_free (gpointer data)
{
  SbgGrant *grant = data;

  g_free (grant->user);
  g_free (grant->client_id);
  g_free (grant->scope);
  g_free (grant->refresh_token);
  g_free (grant);
}

void
sbg_auth_init (BkSandboxGoogle *self)
{
  self->grants = g_ptr_array_new_with_free_func (grant_free);
  self->codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, code_free);
  self->access_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/* ------------------------------------------------------------- consent */

static void
reply_page (SbgRequest *req,
            guint       status,
            const char *error,
            const char *detail)
{
  g_autofree char *escaped = g_markup_escape_text (detail, -1);
  g_autofree char *html =
    g_strdup_printf ("<!DOCTYPE html><html><head><title>Error %u (%s)</title></head><body>"
                     "<h1>Access blocked: Authorization Error</h1><p>%s</p>"
                     "<p>Error %u: %s</p></body></html>", status, error, escaped, status, error);

  sbg_reply_text (req, status, "text/html; charset=utf-8", html);
}

static void
redirect (SbgRequest *req,
          const char *redirect_uri,
          const char *first_name,
          const char *first_value,
          const char *state,
          const char *scope)
{
  g_autoptr(GString) location = g_string_new (redirect_uri);

  g_string_append_c (location, strchr (redirect_uri, '?') != NULL ? '&' : '?');
  if (state != NULL)
    {
      g_string_append (location, "state=");
      g_string_append_uri_escaped (location, state, NULL, FALSE);
      g_string_append_c (location, '&');
    }
  g_string_append_printf (location, "%s=", first_name);
  g_string_append_uri_escaped (location, first_value, NULL, FALSE);
  if (scope != NULL)
    {
      g_string_append (location, "&scope=");
      g_string_append_uri_escaped (location, scope, NULL, FALSE);
    }
  sbg_reply_text (req, 302, "text/html; charset=UTF-8", "<HTML><BODY>Moved</BODY></HTML>");
  sbg_set_header (req, "Location", location->str);
}

/* Installed apps redirect to a loopback address on any port. */
static gboolean
loopback_redirect (const char *uri)
{
  g_autoptr(GUri) parsed = uri != NULL ? g_uri_parse (uri, G_URI_FLAGS_NONE, NULL) : NULL;

  return parsed != NULL && g_strcmp0 (g_uri_get_scheme (parsed), "http") == 0
         && (g_strcmp0 (g_uri_get_host (parsed), "127.0.0.1") == 0
             || g_strcmp0 (g_uri_get_host (parsed), "localhost") == 0)
         && g_uri_get_port (parsed) > 0;
}

/* Every scope is recorded, so tests can assert the app asks for no more
 * than it needs; unknown ones are refused like Google's invalid_scope. */
static gboolean
check_scopes (SbgRequest *req,
              const char *scope)
{
  static const char *const known[] = {
    SCOPE_PREFIX "calendar.events", SCOPE_PREFIX "calendar.readonly", SCOPE_PREFIX "calendar.freebusy",
    SCOPE_PREFIX "calendar.events.readonly", SCOPE_PREFIX "calendar", "openid", "email", "profile", NULL
  };
  g_auto(GStrv) scopes = g_strsplit (scope, " ", -1);
  guint n = 0;

  for (guint i = 0; scopes[i] != NULL; i++)
    {
      if (*scopes[i] == '\0')
        continue;
      g_ptr_array_add (req->self->scopes_requested, g_strdup (scopes[i]));
      if (!g_strv_contains (known, scopes[i]))
        return FALSE;
      n++;
    }
  return n > 0;
}

static gboolean
handle_authorize (SbgRequest *req)
{
  const char *client_id = sbg_query (req, "client_id");
  const char *redirect_uri = sbg_query (req, "redirect_uri");
  const char *scope = sbg_query (req, "scope");
  const char *state = sbg_query (req, "state");
  const char *challenge = sbg_query (req, "code_challenge");
  const char *login_hint = sbg_query (req, "login_hint");
  SbgUser *user = login_hint != NULL ? sbg_find_user (req->self, login_hint)
                  : req->self->users->len > 0 ? g_ptr_array_index (req->self->users, 0) : NULL;
  g_autofree char *code_value = NULL;
  SbgCode *code;

  if (g_strcmp0 (client_id, BK_SANDBOX_GOOGLE_CLIENT_ID) != 0)
    return reply_page (req, 401, "invalid_client", "The OAuth client was not found."), TRUE;
  if (!loopback_redirect (redirect_uri))
    return reply_page (req, 400, "redirect_uri_mismatch",
                       "You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy."), TRUE;
  if (scope == NULL || !check_scopes (req, scope))
    return reply_page (req, 400, "invalid_scope", "Some requested scopes were invalid."), TRUE;
  if (g_strcmp0 (sbg_query (req, "response_type"), "code") != 0)
    return redirect (req, redirect_uri, "error", "unsupported_response_type", state, NULL), TRUE;
  /* Google takes "plain" too; the sandbox insists on what the app must send. */
  if (challenge == NULL || g_strcmp0 (sbg_query (req, "code_challenge_method"), "S256") != 0)
    return reply_page (req, 400, "invalid_request", "The sandbox requires PKCE: code_challenge with code_challenge_method=S256."), TRUE;
  if (user == NULL)
    return reply_page (req, 400, "invalid_request", "No sandbox account to sign in with (add a user first)."), TRUE;
  if (req->self->deny_consent)
    return redirect (req, redirect_uri, "error", "access_denied", state, NULL), TRUE;

  code = g_new0 (SbgCode, 1);
  code->client_id = g_strdup (client_id);
  code->redirect_uri = g_strdup (redirect_uri);
  code->challenge = g_strdup (challenge);
  code->scope = g_strdup (scope);
  code->user = g_strdup (user->email);
  code->offline = g_strcmp0 (sbg_query (req, "access_type"), "offline") == 0;
  code->prompt_consent = g_strcmp0 (sbg_query (req, "prompt"), "consent") == 0;
  code->expires = sbg_now (req->self) + CODE_LIFETIME;
  code_value = sbg_random_token ("4/0A", 36);
  g_hash_table_insert (req->self->codes, g_strdup (code_value), code);
  redirect (req, redirect_uri, "code", code_value, state, scope);
  return TRUE;
}

/* --------------------------------------------------------------- token */

static void
reply_oauth_error (SbgRequest *req,
                   guint       status,
                   const char *error,
                   const char *description)
{
  g_autoptr(JsonObject) object = json_object_new ();

  json_object_set_string_member (object, "error", error);
  json_object_set_string_member (object, "error_description", description);
  sbg_reply_object (req, status, object);
}

static gboolean
client_authenticated (SbgRequest *req,
                      GHashTable *form)
{
  const char *client_id = g_hash_table_lookup (form, "client_id");
  const char *secret = g_hash_table_lookup (form, "client_secret");

  if (g_strcmp0 (client_id, BK_SANDBOX_GOOGLE_CLIENT_ID) != 0)
    reply_oauth_error (req, 401, "invalid_client", "The OAuth client was not found.");
  else if (secret == NULL)
    reply_oauth_error (req, 400, "invalid_request", "client_secret is missing.");
  else if (!g_str_equal (secret, BK_SANDBOX_GOOGLE_CLIENT_SECRET))
    reply_oauth_error (req, 401, "invalid_client", "Unauthorized");
  else
    return TRUE;
  return FALSE;
}

static char *
s256 (const char *verifier)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize length = sizeof digest;
  char *encoded;

  g_checksum_update (checksum, (const guchar *) verifier, -1);
  g_checksum_get_digest (checksum, digest, &length);
  encoded = g_base64_encode (digest, length);
  g_strdelimit (encoded, "+", '-');
  g_strdelimit (encoded, "/", '_');
  g_strdelimit (encoded, "=", '\0');
  return encoded;
}

static gboolean
has_word (const char *list,
          const char *word)
{
  g_auto(GStrv) words = g_strsplit (list, " ", -1);

  return g_strv_contains ((const char *const *) words, word);
}

/* A fake but well-formed JWT: Google only sends one for "openid". */
static char *
id_token (SbgRequest *req,
          SbgGrant   *grant)
{
  SbgUser *user = sbg_find_user (req->self, grant->user);
  g_autoptr(JsonObject) claims = json_object_new ();
  g_autofree char *payload = NULL;
  g_autofree char *encoded = NULL;
  gint64 now = sbg_now (req->self);

  json_object_set_string_member (claims, "iss", "https://accounts.google.com");
  json_object_set_string_member (claims, "aud", grant->client_id);
  json_object_set_string_member (claims, "azp", grant->client_id);
  json_object_set_string_member (claims, "sub", user != NULL ? user->subject : "0");
  json_object_set_string_member (claims, "email", grant->user);
  json_object_set_boolean_member (claims, "email_verified", TRUE);
  json_object_set_int_member (claims, "iat", now);
  json_object_set_int_member (claims, "exp", now + ACCESS_LIFETIME + 1);
  payload = sbg_object_to_string (claims);
  encoded = g_base64_encode ((const guchar *) payload, strlen (payload));
  g_strdelimit (encoded, "+", '-');
  g_strdelimit (encoded, "/", '_');
  g_strdelimit (encoded, "=", '\0');
  return g_strconcat ("eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.", encoded, ".c2FuZGJveA", NULL);
}

static void
reply_tokens (SbgRequest *req,
              SbgGrant   *grant,
              gboolean    with_refresh)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autofree char *access = sbg_random_token ("ya29.a0", 48);
  SbgAccess *entry = g_new0 (SbgAccess, 1);

  entry->grant = grant;
  entry->expires = sbg_now (req->self) + ACCESS_LIFETIME;
  g_hash_table_insert (req->self->access_tokens, g_strdup (access), entry);
  json_object_set_string_member (object, "access_token", access);
  json_object_set_int_member (object, "expires_in", ACCESS_LIFETIME);
  if (with_refresh && grant->refresh_token != NULL)
    json_object_set_string_member (object, "refresh_token", grant->refresh_token);
  json_object_set_string_member (object, "scope", grant->scope);
  json_object_set_string_member (object, "token_type", "Bearer");
  if (has_word (grant->scope, "openid"))
    {
      g_autofree char *jwt = id_token (req, grant);
      json_object_set_string_member (object, "id_token", jwt);
    }
  sbg_reply_object (req, 200, object);
}

static void
exchange_code (SbgRequest *req,
               GHashTable *form)
{
  const char *value = g_hash_table_lookup (form, "code");
  const char *verifier = g_hash_table_lookup (form, "code_verifier");
  g_autofree char *key = NULL;
  g_autofree SbgCode *code = NULL;
  g_autofree char *computed = NULL;
  SbgUser *user;
  SbgGrant *grant;
  gboolean issue_refresh;

  if (value == NULL)
    return reply_oauth_error (req, 400, "invalid_request", "Missing required parameter: code");
  /* Codes are single-use: taken out whether or not the rest checks out. */
  if (!g_hash_table_steal_extended (req->self->codes, value, (gpointer *) &key, (gpointer *) &code)
      || code->expires < sbg_now (req->self))
    {
      if (code != NULL)
        code_free (g_steal_pointer (&code));
      return reply_oauth_error (req, 400, "invalid_grant", "Malformed auth code.");
    }
  computed = verifier != NULL ? s256 (verifier) : NULL;
  user = sbg_find_user (req->self, code->user);
  if (verifier == NULL)
    reply_oauth_error (req, 400, "invalid_grant", "Missing code verifier.");
  else if (!g_str_equal (computed, code->challenge))
    reply_oauth_error (req, 400, "invalid_grant", "Invalid code verifier.");
  else if (g_strcmp0 (g_hash_table_lookup (form, "redirect_uri"), code->redirect_uri) != 0)
    reply_oauth_error (req, 400, "redirect_uri_mismatch", "Bad Request");
  else if (user == NULL)
    reply_oauth_error (req, 400, "invalid_grant", "Account has been deleted");
  else
    {
      issue_refresh = code->offline && (!user->consented || code->prompt_consent);
      grant = g_new0 (SbgGrant, 1);
      grant->user = g_strdup (user->email);
      grant->client_id = g_strdup (code->client_id);
      grant->scope = g_strdup (code->scope);
      grant->refresh_token = issue_refresh ? sbg_random_token ("1//0", 48) : NULL;
      g_ptr_array_add (req->self->grants, grant);
      user->consented |= issue_refresh;
      reply_tokens (req, grant, issue_refresh);
    }
  code_free (g_steal_pointer (&code));
}

static SbgGrant *
find_grant_by_refresh (BkSandboxGoogle *self,
                       const char      *token)
{
  for (guint i = 0; token != NULL && i < self->grants->len; i++)
    {
      SbgGrant *grant = g_ptr_array_index (self->grants, i);

      if (g_strcmp0 (grant->refresh_token, token) == 0)
        return grant;
    }
  return NULL;
}

static void
refresh (SbgRequest *req,
         GHashTable *form)
{
  const char *token = g_hash_table_lookup (form, "refresh_token");
  SbgGrant *grant = find_grant_by_refresh (req->self, token);

  if (token == NULL)
    return reply_oauth_error (req, 400, "invalid_request", "Missing required parameter: refresh_token");
  if (grant == NULL || grant->revoked || !g_str_equal (grant->client_id, g_hash_table_lookup (form, "client_id")))
    return reply_oauth_error (req, 400, "invalid_grant", "Token has been expired or revoked.");
  if (req->self->rotate_refresh)
    {
      /* The old token stops working the moment the new one is issued. */
      g_free (grant->refresh_token);
      grant->refresh_token = sbg_random_token ("1//0", 48);
    }
  reply_tokens (req, grant, req->self->rotate_refresh);
}

static void
handle_token (SbgRequest *req)
{
  g_autoptr(GHashTable) form = sbg_request_form (req);
  const char *grant_type = g_hash_table_lookup (form, "grant_type");

  if (!client_authenticated (req, form))
    return;
  if (g_strcmp0 (grant_type, "authorization_code") == 0)
    exchange_code (req, form);
  else if (g_strcmp0 (grant_type, "refresh_token") == 0)
    refresh (req, form);
  else
    {
      g_autofree char *message = g_strdup_printf ("Invalid grant_type: %s", grant_type != NULL ? grant_type : "");
      reply_oauth_error (req, 400, "unsupported_grant_type", message);
    }
}

static void
revoke_grant (BkSandboxGoogle *self,
              SbgGrant        *grant)
{
  GHashTableIter iter;
  SbgAccess *access;

  grant->revoked = TRUE;
  g_hash_table_iter_init (&iter, self->access_tokens);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &access))
    if (access->grant == grant)
      g_hash_table_iter_remove (&iter);
}

/* Revoking either token of a grant revokes the grant, as Google does. */
static void
handle_revoke (SbgRequest *req)
{
  g_autoptr(GHashTable) form = sbg_request_form (req);
  const char *token = sbg_query (req, "token");
  SbgGrant *grant;
  SbgAccess *access;

  if (token == NULL)
    token = g_hash_table_lookup (form, "token");
  grant = find_grant_by_refresh (req->self, token);
  if (grant == NULL && token != NULL && (access = g_hash_table_lookup (req->self->access_tokens, token)) != NULL)
    grant = access->grant;
  if (grant == NULL || grant->revoked)
    return reply_oauth_error (req, 400, "invalid_token", "Token expired or revoked");
  revoke_grant (req->self, grant);
  sbg_reply_text (req, 200, "application/json; charset=utf-8", "{}");
}

gboolean
sbg_auth_dispatch (SbgRequest *req)
{
  gboolean get = g_str_equal (req->method, "GET");
  gboolean post = g_str_equal (req->method, "POST");

  if (g_str_equal (req->path, "/o/oauth2/v2/auth") && get)
    return handle_authorize (req);
  if (g_str_equal (req->path, "/token") && post)
    handle_token (req);
  else if (g_str_equal (req->path, "/revoke") && (post || get))
    handle_revoke (req);
  else
    return FALSE;
  return TRUE;
}

/* -------------------------------------------------------------- bearer */

gboolean
sbg_auth_check_bearer (SbgRequest *req)
{
  const char *header = sbg_request_header (req, "Authorization");
  SbgAccess *access = NULL;

  if (header != NULL && g_ascii_strncasecmp (header, "Bearer ", 7) == 0)
    access = g_hash_table_lookup (req->self->access_tokens, header + 7);
  if (access == NULL || access->grant->revoked || access->expires <= sbg_now (req->self))
    {
      sbg_reply_error (req, 401, "global", header == NULL ? "required" : "authError",
                       "Request had invalid authentication credentials. Expected OAuth 2 access token, "
                       "login cookie or other valid authentication credential. "
                       "See https://developers.google.com/identity/sign-in/web/devconsole-project.");
      return FALSE;
    }
  req->grant = access->grant;
  return TRUE;
}

gboolean
sbg_auth_allows (SbgRequest *req,
                 SbgNeed     need)
{
  static const char *const needs[][4] = {
    [SBG_NEED_CALENDAR_LIST] = { "calendar.readonly", "calendar", NULL },
    [SBG_NEED_READ_EVENTS] = { "calendar.events", "calendar.events.readonly", "calendar.readonly", "calendar" },
    [SBG_NEED_WRITE_EVENTS] = { "calendar.events", "calendar", NULL },
    [SBG_NEED_FREEBUSY] = { "calendar.freebusy", "calendar.readonly", "calendar", NULL },
  };

  for (guint i = 0; i < 4 && needs[need][i] != NULL; i++)
    {
      g_autofree char *scope = g_strconcat (SCOPE_PREFIX, needs[need][i], NULL);

      if (has_word (req->grant->scope, scope))
        return TRUE;
    }
  sbg_reply_error (req, 403, "global", "insufficientPermissions",
                   "Request had insufficient authentication scopes.");
  return FALSE;
}

void
sbg_auth_revoke_user (BkSandboxGoogle *self,
                      const char      *email)
{
  for (guint i = 0; i < self->grants->len; i++)
    {
      SbgGrant *grant = g_ptr_array_index (self->grants, i);

      if (email == NULL || g_ascii_strcasecmp (grant->user, email) == 0)
        revoke_grant (self, grant);
    }
}

void
sbg_auth_expire_access (BkSandboxGoogle *self)
{
  GHashTableIter iter;
  SbgAccess *access;

  g_hash_table_iter_init (&iter, self->access_tokens);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &access))
    access->expires = 0;
}
