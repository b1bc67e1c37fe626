/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-authority"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "test-authority.h"

#define CLIENT_ID "test-client"
#define ACCOUNT   "ada@contoso.test"

static char *
random_secret (TestAuthority *self,
               const char    *prefix)
{
  g_autofree char *random = bk_oauth_random_string (24, NULL);
  char *secret = g_strdup_printf ("%s-%s", prefix, random);

  g_ptr_array_add (self->issued, g_strdup (secret));
  return secret;
}

static void
answer_json (SoupServerMessage *msg,
             guint              status,
             const char        *json)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, json, strlen (json));
}

static void
answer_oauth_error (SoupServerMessage *msg,
                    const char        *error,
                    const char        *description)
{
  g_autofree char *json = g_strdup_printf ("{\"error\":\"%s\",\"error_description\":\"%s\"}",
                                           error, description);
  answer_json (msg, SOUP_STATUS_BAD_REQUEST, json);
}

static void
redirect (SoupServerMessage *msg,
          const char        *redirect_uri,
          const char        *query)
{
  g_autofree char *location = g_strdup_printf ("%s?%s", redirect_uri, query);

  soup_server_message_set_redirect (msg, SOUP_STATUS_FOUND, location);
}

static void
handle_authorize (TestAuthority     *self,
                  SoupServerMessage *msg,
                  GHashTable        *query)
{
  const char *redirect_uri = query ? g_hash_table_lookup (query, "redirect_uri") : NULL;
  const char *state = query ? g_hash_table_lookup (query, "state") : NULL;
  const char *challenge = query ? g_hash_table_lookup (query, "code_challenge") : NULL;
  g_autofree char *escaped_state = NULL;
  g_autofree char *code = NULL;
  g_autofree char *q = NULL;

  self->authorize_requests++;
  if (redirect_uri == NULL || state == NULL || challenge == NULL
      || !g_str_has_prefix (redirect_uri, "http://127.0.0.1:")
      || g_strcmp0 (g_hash_table_lookup (query, "client_id"), CLIENT_ID) != 0
      || g_strcmp0 (g_hash_table_lookup (query, "response_type"), "code") != 0
      || g_strcmp0 (g_hash_table_lookup (query, "code_challenge_method"), "S256") != 0
      || strstr (g_hash_table_lookup (query, "scope") ?: "", "offline_access") == NULL)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_BAD_REQUEST, NULL);
      return;
    }

  escaped_state = g_uri_escape_string (state, NULL, FALSE);
  if (self->deny_consent)
    {
      q = g_strdup_printf ("error=access_denied&error_description=%s&state=%s",
                           "AADSTS65004%3A+User+declined+to+consent", escaped_state);
      redirect (msg, redirect_uri, q);
      return;
    }

  code = random_secret (self, "code");
  g_hash_table_insert (self->codes, g_strdup (code), g_strdup_printf ("%s\n%s", challenge, redirect_uri));
  q = g_strdup_printf ("code=%s&state=%s&session_state=abc", code, escaped_state);
  redirect (msg, redirect_uri, q);
}

static char *
make_id_token (void)
{
  const char *claims = "{\"preferred_username\":\"" ACCOUNT "\",\"name\":\"Ada Lovelace\",\"tid\":\"t\"}";
  g_autofree char *payload = bk_oauth_base64url_encode ((const guint8 *) claims, strlen (claims));

  return g_strdup_printf ("eyJhbGciOiJub25lIn0.%s.c2ln", payload);
}

static void
answer_tokens (TestAuthority     *self,
               SoupServerMessage *msg)
{
  g_autofree char *access = random_secret (self, "at");
  g_autofree char *id_token = make_id_token ();
  g_autofree char *json = NULL;

  g_free (self->refresh_token);
  self->refresh_token = random_secret (self, "rt");
  g_hash_table_add (self->access_tokens, g_strdup (access));
  json = g_strdup_printf ("{\"token_type\":\"Bearer\",\"scope\":\"Calendars.ReadWrite User.Read\","
                          "\"expires_in\":%u,\"ext_expires_in\":%u,\"access_token\":\"%s\","
                          "\"refresh_token\":\"%s\",\"id_token\":\"%s\"}",
                          self->expires_in, self->expires_in, access, self->refresh_token, id_token);
  answer_json (msg, SOUP_STATUS_OK, json);
}

static void
handle_code_grant (TestAuthority     *self,
                   SoupServerMessage *msg,
                   GHashTable        *form)
{
  const char *code = g_hash_table_lookup (form, "code");
  const char *verifier = g_hash_table_lookup (form, "code_verifier");
  g_autofree char *stolen_code = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *challenge = NULL;
  g_auto(GStrv) parts = NULL;

  self->code_grants++;
  /* Codes are single use: steal it whatever happens next. */
  if (self->fail_code_grant
      || code == NULL || !g_hash_table_steal_extended (self->codes, code, (gpointer *) &stolen_code, (gpointer *) &expected))
    {
      answer_oauth_error (msg, "invalid_grant", "AADSTS54005: OAuth2 Authorization code was already redeemed.");
      return;
    }
  parts = g_strsplit (expected, "\n", 2);
  challenge = verifier ? bk_oauth_pkce_challenge (verifier) : NULL;
  if (g_strcmp0 (challenge, parts[0]) != 0)
    answer_oauth_error (msg, "invalid_grant", "AADSTS501481: The Code_Verifier does not match the code_challenge.");
  else if (g_strcmp0 (g_hash_table_lookup (form, "redirect_uri"), parts[1]) != 0)
    answer_oauth_error (msg, "invalid_grant", "AADSTS50011: The redirect URI does not match.");
  else
    answer_tokens (self, msg);
}

static void
handle_refresh_grant (TestAuthority     *self,
                      SoupServerMessage *msg,
                      GHashTable        *form)
{
  self->refresh_grants++;
  if (self->cancel_on_refresh != NULL)
    g_cancellable_cancel (self->cancel_on_refresh);
  if (self->revoked)
    answer_oauth_error (msg, "invalid_grant", "AADSTS50173: The provided grant has expired due to it being revoked.");
  else if (g_strcmp0 (g_hash_table_lookup (form, "refresh_token"), self->refresh_token) != 0)
    answer_oauth_error (msg, "invalid_grant", "AADSTS70000: The refresh token was already used.");
  else
    answer_tokens (self, msg);
}

static gboolean
unpause_cb (gpointer user_data)
{
  soup_server_message_unpause (user_data);
  return G_SOURCE_REMOVE;
}

static void
handle_token (TestAuthority     *self,
              SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_autoptr(GHashTable) form = soup_form_decode (text);
  const char *grant = g_hash_table_lookup (form, "grant_type");

  if (g_strcmp0 (soup_server_message_get_method (msg), "POST") != 0
      || g_strcmp0 (g_hash_table_lookup (form, "client_id"), CLIENT_ID) != 0)
    answer_oauth_error (msg, "invalid_client", "AADSTS700016: Application not found.");
  else if (g_strcmp0 (grant, "authorization_code") == 0)
    handle_code_grant (self, msg, form);
  else if (g_strcmp0 (grant, "refresh_token") == 0)
    handle_refresh_grant (self, msg, form);
  else
    answer_oauth_error (msg, "unsupported_grant_type", "no such grant");

  if (self->token_delay_ms > 0)
    {
      soup_server_message_pause (msg);
      g_timeout_add_full (G_PRIORITY_DEFAULT, self->token_delay_ms, unpause_cb,
                          g_object_ref (msg), g_object_unref);
    }
}

static void
handle_me (TestAuthority     *self,
           SoupServerMessage *msg)
{
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                   "Authorization");

  self->me_requests++;
  if (auth == NULL || !g_str_has_prefix (auth, "Bearer ")
      || !g_hash_table_contains (self->access_tokens, auth + strlen ("Bearer ")))
    {
      self->me_unauthorized++;
      answer_json (msg, SOUP_STATUS_UNAUTHORIZED,
                   "{\"error\":{\"code\":\"InvalidAuthenticationToken\",\"message\":\"Access token has expired or is not yet valid.\"}}");
      return;
    }
  answer_json (msg, SOUP_STATUS_OK, "{\"userPrincipalName\":\"" ACCOUNT "\",\"displayName\":\"Ada Lovelace\"}");
}

static void
request_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  TestAuthority *self = user_data;

  if (g_str_equal (path, "/common/oauth2/v2.0/authorize"))
    handle_authorize (self, msg, query);
  else if (g_str_equal (path, "/common/oauth2/v2.0/token"))
    handle_token (self, msg);
  else if (g_str_equal (path, "/v1.0/me"))
    handle_me (self, msg);
  else
    soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
}

TestAuthority *
test_authority_new (void)
{
  TestAuthority *self = g_new0 (TestAuthority, 1);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  self->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (self->server, NULL, request_cb, self, NULL);
  soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (self->server);
  self->url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  self->codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->access_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->issued = g_ptr_array_new_with_free_func (g_free);
  self->expires_in = 3600;
  return self;
}

void
test_authority_free (TestAuthority *self)
{
  soup_server_disconnect (self->server);
  g_object_unref (self->server);
  g_free (self->url);
  g_hash_table_unref (self->codes);
  g_hash_table_unref (self->access_tokens);
  g_ptr_array_unref (self->issued);
  g_free (self->refresh_token);
  g_free (self);
}

BkOAuthProvider *
test_authority_dup_provider (TestAuthority *self)
{
  return bk_oauth_provider_new_microsoft (self->url, "common", CLIENT_ID);
}

/* Tokens as if a sign-in had just happened, expiring in @expires_in. */
BkOAuthTokens *
test_authority_issue_tokens (TestAuthority *self,
                             gint64         expires_in)
{
  BkOAuthTokens *tokens = bk_oauth_tokens_new ();

  tokens->access_token = random_secret (self, "at");
  g_hash_table_add (self->access_tokens, g_strdup (tokens->access_token));
  g_free (self->refresh_token);
  self->refresh_token = random_secret (self, "rt");
  tokens->refresh_token = g_strdup (self->refresh_token);
  tokens->expires_at = g_get_real_time () / G_USEC_PER_SEC + expires_in;
  tokens->account = g_strdup (ACCOUNT);
  return tokens;
}

gboolean
test_secrets_leaked_in (GPtrArray  *secrets,
                        const char *text,
                        gsize       len)
{
  for (guint i = 0; text != NULL && i < secrets->len; i++)
    if (g_strstr_len (text, len, g_ptr_array_index (secrets, i)) != NULL)
      return TRUE;
  return FALSE;
}

/* The keyring's own files are scanned too: they are encrypted, so a token
 * must not show. */
gboolean
test_secrets_leaked_in_tree (GPtrArray  *secrets,
                             const char *directory)
{
  g_autoptr(GDir) dir = g_dir_open (directory, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (directory, name, NULL);
      g_autofree char *contents = NULL;
      gsize len = 0;

      if (g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR)
          ? test_secrets_leaked_in_tree (secrets, path)
          : (g_file_get_contents (path, &contents, &len, NULL)
             && test_secrets_leaked_in (secrets, contents, len)))
        {
          g_test_message ("a token shows in %s", path);
          return TRUE;
        }
    }
  return FALSE;
}

/* Whether any code or token this authority handed out occurs in @text. */
gboolean
test_authority_leaked_in (TestAuthority *self,
                          const char    *text,
                          gsize          len)
{
  return test_secrets_leaked_in (self->issued, text, len);
}

gboolean
test_authority_leaked_in_tree (TestAuthority *self,
                               const char    *directory)
{
  return test_secrets_leaked_in_tree (self->issued, directory);
}

static GString *log_text;

static GLogWriterOutput
record_log (GLogLevelFlags   level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].value != NULL)
      {
        if (fields[i].length < 0)
          g_string_append (log_text, fields[i].value);
        else
          g_string_append_len (log_text, fields[i].value, fields[i].length);
        g_string_append_c (log_text, '\n');
      }
  return g_log_writer_default (level, fields, n_fields, user_data);
}

void
test_log_capture_install (void)
{
  g_assert_null (log_text);
  log_text = g_string_new (NULL);
  g_log_set_writer_func (record_log, NULL, NULL);
}

GString *
test_log_captured (void)
{
  g_assert_nonnull (log_text);
  return log_text;
}

typedef struct
{
  gboolean  done;
  GBytes   *body;
  GError   *error;
} BrowserCall;

static void
browser_sent_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  BrowserCall *call = user_data;

  call->body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &call->error);
  call->done = TRUE;
}

/* Plays the browser: GET @uri following redirects, iterating the main
 * context until the answer is in. Returns the final status (0 on error). */
guint
test_browser_get (const char  *uri,
                  char       **body,
                  GError     **error)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);
  BrowserCall call = { 0 };

  g_assert_nonnull (msg);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, browser_sent_cb, &call);
  while (!call.done)
    g_main_context_iteration (NULL, TRUE);

  if (call.error != NULL)
    {
      g_propagate_error (error, call.error);
      return 0;
    }
  if (body != NULL)
    *body = g_strndup (g_bytes_get_data (call.body, NULL), g_bytes_get_size (call.body));
  g_bytes_unref (call.body);
  return soup_message_get_status (msg);
}
