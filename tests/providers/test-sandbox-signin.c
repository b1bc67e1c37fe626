/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sign-in end to end against the sandbox Microsoft service (tests/services/)
 * in a real keyring: connect through the loopback listener with the test
 * playing the browser, Graph calls with the stored token, refresh rotation,
 * revocation → reconnect needed, declined consent, and Graph's faults seen
 * through BkHttp. No token may show in a file, a log line, a page or an
 * error message. */
#define G_LOG_DOMAIN "test-sandbox-signin"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-oauth-flow.h"
#include "bk-oauth-token-source.h"
#include "bk-sandbox-microsoft.h"
#include "bk-token-store.h"
#include "test-authority.h"

#define UPN "expert@sandbox.test"

static char *keyring_root;

typedef struct
{
  BkSandboxMicrosoft *sandbox;
  char               *graph;
  BkHttp             *http;
  BkTokenStore       *store;
  BkOAuthProvider    *provider;
  BkOAuthTokenSource *source;
  GPtrArray          *secrets;   /* every token and code seen */
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *user = NULL;

  f->sandbox = bk_sandbox_microsoft_new ();
  g_assert_true (bk_sandbox_microsoft_start (f->sandbox, NULL, 0, &error));
  g_assert_no_error (error);
  user = bk_sandbox_microsoft_add_user (f->sandbox, UPN, "Erika Expert", "Europe/Berlin", &error);
  g_assert_no_error (error);
  f->graph = bk_sandbox_microsoft_dup_graph_url (f->sandbox);

  f->http = bk_http_new ();
  g_object_set (f->http, "backoff-scale", 0.01, NULL);
  f->store = bk_token_store_new ();
  f->provider = bk_oauth_provider_new_microsoft (bk_sandbox_microsoft_get_url (f->sandbox),
                                                 "common", "bookable-sandbox-client");
  f->source = bk_oauth_token_source_new (f->http, f->store, f->provider, UPN);
  f->secrets = g_ptr_array_new_with_free_func (g_free);
  g_string_truncate (test_log_captured (), 0);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->source);
  g_clear_pointer (&f->provider, bk_oauth_provider_unref);
  g_clear_object (&f->store);
  g_clear_object (&f->http);
  g_clear_pointer (&f->graph, g_free);
  bk_sandbox_microsoft_stop (f->sandbox);
  g_clear_object (&f->sandbox);
  g_clear_pointer (&f->secrets, g_ptr_array_unref);
}

static void
remember (Fixture             *f,
          const BkOAuthTokens *tokens)
{
  g_ptr_array_add (f->secrets, g_strdup (tokens->access_token));
  if (tokens->refresh_token != NULL)
    g_ptr_array_add (f->secrets, g_strdup (tokens->refresh_token));
}

static gboolean
leaked_in (Fixture    *f,
           const char *text)
{
  return text != NULL && test_secrets_leaked_in (f->secrets, text, strlen (text));
}

static void
assert_no_leaks (Fixture      *f,
                 const GError *error)
{
  g_assert_cmpuint (f->secrets->len, >, 0);
  g_assert_false (leaked_in (f, test_log_captured ()->str));
  g_assert_false (leaked_in (f, error ? error->message : NULL));
  g_assert_false (test_secrets_leaked_in_tree (f->secrets, keyring_root));
  g_assert_false (test_secrets_leaked_in_tree (f->secrets, g_get_user_data_dir ()));
  g_assert_false (test_secrets_leaked_in_tree (f->secrets, g_get_user_config_dir ()));
  g_assert_false (test_secrets_leaked_in_tree (f->secrets, g_get_user_cache_dir ()));
}

/* ---------------------------------------------------------------------- */

typedef struct
{
  gboolean      done;
  GAsyncResult *result;
} Wait;

static void
got_result_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
  wait->done = TRUE;
}

static GAsyncResult *
wait_result (Wait *wait)
{
  while (!wait->done)
    g_main_context_iteration (NULL, TRUE);
  return wait->result;
}

static BkOAuthTokens *
sign_in (Fixture  *f,
         char    **page,
         GError  **error)
{
  g_autoptr(BkOAuthFlow) flow = bk_oauth_flow_new (f->http, f->provider);
  g_autoptr(GAsyncResult) result = NULL;
  Wait wait = { FALSE, NULL };

  bk_oauth_flow_run_async (flow, NULL, got_result_cb, &wait);
  /* The browser: the sandbox answers 302 to our listener, which answers the page. */
  test_browser_get (bk_oauth_flow_get_authorize_uri (flow), page, NULL);
  result = wait_result (&wait);
  return bk_oauth_flow_run_finish (flow, result, error);
}

static BkOAuthTokens *
connect_and_store (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *page = NULL;
  BkOAuthTokens *tokens;
  Wait wait = { FALSE, NULL };

  tokens = sign_in (f, &page, &error);
  g_assert_no_error (error);
  remember (f, tokens);
  g_assert_nonnull (strstr (page, "Bookable is connected"));
  g_assert_false (leaked_in (f, page));

  bk_token_store_store_async (f->store, "office365", tokens->account, tokens, NULL, got_result_cb, &wait);
  result = wait_result (&wait);
  g_assert_true (bk_token_store_store_finish (f->store, result, &error));
  g_assert_no_error (error);
  return tokens;
}

static BkOAuthTokens *
lookup (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  BkOAuthTokens *tokens;
  Wait wait = { FALSE, NULL };

  bk_token_store_lookup_async (f->store, "office365", UPN, NULL, got_result_cb, &wait);
  result = wait_result (&wait);
  tokens = bk_token_store_lookup_finish (f->store, result, &error);
  g_assert_no_error (error);
  remember (f, tokens);
  return tokens;
}

static void
clear (Fixture *f)
{
  g_autoptr(GAsyncResult) result = NULL;
  Wait wait = { FALSE, NULL };

  bk_token_store_clear_async (f->store, "office365", UPN, NULL, got_result_cb, &wait);
  result = wait_result (&wait);
  g_assert_true (bk_token_store_clear_finish (f->store, result, NULL));
}

static JsonNode *
graph_get (Fixture     *f,
           const char  *path,
           GError     **error)
{
  g_autofree char *uri = g_strconcat (f->graph, path, NULL);
  g_autoptr(BkHttpRequest) request = bk_http_request_new ("GET", uri);
  g_autoptr(GAsyncResult) result = NULL;
  Wait wait = { FALSE, NULL };

  bk_http_request_set_key (request, UPN);
  bk_oauth_token_source_json_async (f->source, request, NULL, got_result_cb, &wait);
  result = wait_result (&wait);
  return bk_oauth_token_source_json_finish (f->source, result, error);
}

/* ---------------------------------------------------------------------- */

static void
test_connect (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(BkOAuthTokens) tokens = connect_and_store (f);
  g_autoptr(BkOAuthTokens) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) me = NULL;

  g_assert_cmpstr (tokens->account, ==, UPN);
  g_assert_cmpstr (tokens->display_name, ==, "Erika Expert");
  g_assert_nonnull (tokens->refresh_token);
  g_assert_cmpuint (bk_sandbox_microsoft_get_request_count (f->sandbox, "POST /{tenant}/oauth2/v2.0/token"), ==, 1);

  stored = lookup (f);
  g_assert_cmpstr (stored->refresh_token, ==, tokens->refresh_token);

  me = graph_get (f, "/me", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (me), "userPrincipalName"), ==, UPN);
  assert_no_leaks (f, NULL);
  clear (f);
}

static void
test_refresh_rotation (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(BkOAuthTokens) first = connect_and_store (f);
  g_autoptr(BkOAuthTokens) second = NULL;
  g_autoptr(BkOAuthTokens) third = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) me = NULL;
  g_autoptr(JsonNode) me2 = NULL;

  /* The sandbox expires every access token early: Graph answers 401, the
   * source refreshes once and the call is repeated. */
  bk_sandbox_microsoft_expire_access_tokens (f->sandbox);
  me = graph_get (f, "/me", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (bk_oauth_token_source_get_refresh_count (f->source), ==, 1);
  g_assert_cmpuint (bk_sandbox_microsoft_get_request_count (f->sandbox, "GET /v1.0/me"), ==, 2);

  second = lookup (f);
  g_assert_cmpstr (second->refresh_token, !=, first->refresh_token);
  g_assert_cmpstr (second->access_token, !=, first->access_token);

  /* Twice: each rotation is stored before its access token is used. */
  bk_sandbox_microsoft_expire_access_tokens (f->sandbox);
  me2 = graph_get (f, "/me", &error);
  g_assert_no_error (error);
  third = lookup (f);
  g_assert_cmpstr (third->refresh_token, !=, second->refresh_token);
  g_assert_cmpuint (bk_sandbox_microsoft_get_request_count (f->sandbox, "POST /{tenant}/oauth2/v2.0/token"), ==, 3);
  assert_no_leaks (f, NULL);
  clear (f);
}

static void
test_revoked (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(BkOAuthTokens) tokens = connect_and_store (f);
  g_autoptr(BkOAuthTokens) kept = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) error2 = NULL;
  g_autoptr(JsonNode) me = NULL;
  g_autoptr(JsonNode) me2 = NULL;

  bk_sandbox_microsoft_revoke (f->sandbox, UPN, 700082);
  bk_sandbox_microsoft_expire_access_tokens (f->sandbox);
  me = graph_get (f, "/me", &error);

  g_assert_null (me);
  g_assert_error (error, BK_OAUTH_ERROR, BK_OAUTH_ERROR_RECONNECT_NEEDED);
  g_assert_nonnull (strstr (error->message, "Reconnect the account"));
  g_assert_nonnull (strstr (error->message, "90 days"));
  g_assert_true (bk_oauth_token_source_get_reconnect_needed (f->source));

  /* No more calls to the token endpoint until the user reconnects. */
  me2 = graph_get (f, "/me", &error2);
  g_assert_error (error2, BK_OAUTH_ERROR, BK_OAUTH_ERROR_RECONNECT_NEEDED);
  g_assert_cmpuint (bk_sandbox_microsoft_get_request_count (f->sandbox, "POST /{tenant}/oauth2/v2.0/token"), ==, 2);

  kept = lookup (f);
  g_assert_cmpstr (kept->refresh_token, ==, tokens->refresh_token);
  assert_no_leaks (f, error);
  clear (f);
}

static void
test_consent_denied (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(BkOAuthTokens) tokens = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *page = NULL;

  bk_sandbox_microsoft_set_consent_denied (f->sandbox, TRUE);
  tokens = sign_in (f, &page, &error);

  g_assert_null (tokens);
  g_assert_error (error, BK_OAUTH_ERROR, BK_OAUTH_ERROR_ACCESS_DENIED);
  g_assert_nonnull (strstr (page, "declined"));
  g_assert_cmpuint (bk_sandbox_microsoft_get_request_count (f->sandbox, "POST /{tenant}/oauth2/v2.0/token"), ==, 0);
}

static void
clear_faults (Fixture *f)
{
  g_autofree char *answer = bk_sandbox_microsoft_control (f->sandbox, "DELETE", "/_sandbox/faults", NULL, NULL);
}

static void
test_graph_faults (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(BkOAuthTokens) tokens = connect_and_store (f);
  struct { const char *fault; int code; } cases[] = {
    { "{\"kind\":\"429\",\"count\":2,\"retryAfter\":1,\"path\":\"/v1.0/me\"}", -1 },
    { "{\"kind\":\"503\",\"count\":-1,\"path\":\"/v1.0/me\"}", BK_HTTP_ERROR_THROTTLED },
    { "{\"kind\":\"truncated\",\"path\":\"/v1.0/me\"}", BK_HTTP_ERROR_BAD_RESPONSE },
    { "{\"kind\":\"malformed\",\"path\":\"/v1.0/me\"}", BK_HTTP_ERROR_BAD_RESPONSE },
    { "{\"kind\":\"drop\",\"count\":-1,\"path\":\"/v1.0/me\"}", BK_HTTP_ERROR_NETWORK },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) me = NULL;

      clear_faults (f);
      bk_sandbox_microsoft_reset_stats (f->sandbox);
      g_assert_true (bk_sandbox_microsoft_add_fault (f->sandbox, cases[i].fault, NULL));
      me = graph_get (f, "/me", &error);
      if (cases[i].code < 0)
        {
          g_assert_no_error (error);
          g_assert_cmpuint (bk_sandbox_microsoft_get_request_count (f->sandbox, "GET /v1.0/me"), ==, 3);
        }
      else
        {
          g_assert_null (me);
          g_assert_error (error, BK_HTTP_ERROR, cases[i].code);
        }
      g_assert_false (leaked_in (f, error ? error->message : NULL));
    }
  clear_faults (f);
  clear (f);
}

int
main (int   argc,
      char *argv[])
{
  const char *dir = g_getenv ("BK_KEYRING_DIR");
  int ret;

  /* Never skip: a keyring test that did not run must not look passed. */
  if (dir == NULL || !g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_printerr ("test-sandbox-signin must run under tests/run-with-keyring\n");
      return 1;
    }
  keyring_root = g_strdup (dir);
  test_log_capture_install ();
  /* G_TEST_OPTION_ISOLATE_DIRS hides the system GSettings schemas that GIO's
   * GNOME proxy resolver reads; loopback needs no proxy anyway. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/sandbox-signin/connect", test_connect);
  ADD ("/sandbox-signin/refresh-rotation", test_refresh_rotation);
  ADD ("/sandbox-signin/revoked", test_revoked);
  ADD ("/sandbox-signin/consent-denied", test_consent_denied);
  ADD ("/sandbox-signin/graph-faults", test_graph_faults);
#undef ADD

  ret = g_test_run ();
  g_free (keyring_root);
  return ret;
}
