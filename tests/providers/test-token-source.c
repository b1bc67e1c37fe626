/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tokens in a real keyring (run through tests/run-with-keyring): store,
 * lookup and clear; a valid access token on demand, refreshed once for many
 * callers, rotated refresh tokens kept; a revoked grant becomes "reconnect
 * needed"; and the whole sign-in from the browser to an API call, with no
 * token in any file, log line or error message. */
#define G_LOG_DOMAIN "test-token-source"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "bk-oauth-flow.h"
#include "bk-oauth-token-source.h"
#include "bk-token-store.h"
#include "test-authority.h"

#define PROVIDER "office365"
#define ACCOUNT  "ada@contoso.test"

/* Where the keyring daemon keeps its files (set by run-with-keyring, before
 * g_test_init() gives each test its own XDG directories). */
static char *keyring_root;

typedef struct
{
  TestAuthority      *authority;
  BkHttp             *http;
  BkTokenStore       *store;
  BkOAuthProvider    *provider;
  BkOAuthTokenSource *source;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->authority = test_authority_new ();
  f->http = bk_http_new ();
  f->store = bk_token_store_new ();
  f->provider = test_authority_dup_provider (f->authority);
  f->source = bk_oauth_token_source_new (f->http, f->store, f->provider, ACCOUNT);
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
  g_clear_pointer (&f->authority, test_authority_free);
}

/* ---------------------------------------------------------------------- */
/* Waiting for async results */

typedef struct
{
  guint         pending;
  GAsyncResult *result;
} Wait;

static void
got_result_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
  wait->pending--;
}

static void
collect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_ptr_array_add (user_data, g_object_ref (result));
}

static GAsyncResult *
wait_result (Wait *wait)
{
  while (wait->pending > 0)
    g_main_context_iteration (NULL, TRUE);
  return wait->result;
}

static void
store_tokens (Fixture             *f,
              const char          *account,
              const BkOAuthTokens *tokens)
{
  Wait wait = { 1, NULL };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  bk_token_store_store_async (f->store, PROVIDER, account, tokens, NULL, got_result_cb, &wait);
  result = wait_result (&wait);
  g_assert_true (bk_token_store_store_finish (f->store, result, &error));
  g_assert_no_error (error);
}

static BkOAuthTokens *
lookup_tokens (Fixture     *f,
               const char  *account,
               GError     **error)
{
  Wait wait = { 1, NULL };
  g_autoptr(GAsyncResult) result = NULL;

  bk_token_store_lookup_async (f->store, PROVIDER, account, NULL, got_result_cb, &wait);
  result = wait_result (&wait);
  return bk_token_store_lookup_finish (f->store, result, error);
}

static void
clear_tokens (Fixture    *f,
              const char *account)
{
  Wait wait = { 1, NULL };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  bk_token_store_clear_async (f->store, PROVIDER, account, NULL, got_result_cb, &wait);
  result = wait_result (&wait);
  g_assert_true (bk_token_store_clear_finish (f->store, result, &error));
  g_assert_no_error (error);
}

static char *
access_token (Fixture  *f,
              GError  **error)
{
  Wait wait = { 1, NULL };
  g_autoptr(GAsyncResult) result = NULL;

  bk_oauth_token_source_get_access_token_async (f->source, NULL, got_result_cb, &wait);
  result = wait_result (&wait);
  return bk_oauth_token_source_get_access_token_finish (f->source, result, error);
}

static void
assert_no_leaks (Fixture      *f,
                 const GError *error)
{
  GString *log_text = test_log_captured ();

  g_assert_false (test_authority_leaked_in (f->authority, log_text->str, log_text->len));
  if (error != NULL)
    g_assert_false (test_authority_leaked_in (f->authority, error->message, strlen (error->message)));
  g_assert_false (test_authority_leaked_in_tree (f->authority, keyring_root));
  g_assert_false (test_authority_leaked_in_tree (f->authority, g_get_user_data_dir ()));
  g_assert_false (test_authority_leaked_in_tree (f->authority, g_get_user_config_dir ()));
  g_assert_false (test_authority_leaked_in_tree (f->authority, g_get_user_cache_dir ()));
}

/* ---------------------------------------------------------------------- */
/* The keyring */

static void
test_store_round_trip (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(BkOAuthTokens) ada = test_authority_issue_tokens (f->authority, 3600);
  g_autoptr(BkOAuthTokens) bob = test_authority_issue_tokens (f->authority, 3600);
  g_autoptr(BkOAuthTokens) found = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *keyrings = g_build_filename (keyring_root, "data", "keyrings", "login.keyring", NULL);

  store_tokens (f, ACCOUNT, ada);
  store_tokens (f, "bob@contoso.test", bob);
  found = lookup_tokens (f, ACCOUNT, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found->access_token, ==, ada->access_token);
  g_assert_cmpstr (found->refresh_token, ==, ada->refresh_token);
  g_assert_cmpint (found->expires_at, ==, ada->expires_at);
  g_assert_cmpstr (found->account, ==, ACCOUNT);

  /* The daemon really wrote its (encrypted) file, and no token shows in it. */
  g_assert_true (g_file_test (keyrings, G_FILE_TEST_IS_REGULAR));
  assert_no_leaks (f, NULL);

  clear_tokens (f, ACCOUNT);
  g_clear_pointer (&found, bk_oauth_tokens_free);
  found = lookup_tokens (f, ACCOUNT, &error);
  g_assert_null (found);
  g_assert_error (error, BK_TOKEN_STORE_ERROR, BK_TOKEN_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Clearing one account leaves the other; clearing twice is fine. */
  found = lookup_tokens (f, "bob@contoso.test", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found->refresh_token, ==, bob->refresh_token);
  clear_tokens (f, ACCOUNT);
  clear_tokens (f, "bob@contoso.test");
}

/* The scanner itself finds a token in plain text (else the checks above
 * could never fail). */
static void
test_leak_scanner (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(BkOAuthTokens) tokens = test_authority_issue_tokens (f->authority, 3600);
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "scan", NULL);
  g_autofree char *path = g_build_filename (dir, "plain.txt", NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_false (test_authority_leaked_in_tree (f->authority, g_get_user_cache_dir ()));
  g_assert_true (g_file_set_contents (path, tokens->refresh_token, -1, NULL));
  g_assert_true (test_authority_leaked_in_tree (f->authority, g_get_user_cache_dir ()));
  g_unlink (path);
}

/* ---------------------------------------------------------------------- */
/* The token source */

static void
test_not_connected (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *token = access_token (f, &error);

  g_assert_null (token);
  g_assert_error (error, BK_TOKEN_STORE_ERROR, BK_TOKEN_STORE_ERROR_NOT_FOUND);
}

static void
test_shared_per_account (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(BkOAuthTokenSource) a = bk_oauth_token_source_get_for_account (f->http, f->store, f->provider, ACCOUNT);
  g_autoptr(BkOAuthTokenSource) b = bk_oauth_token_source_get_for_account (f->http, f->store, f->provider, ACCOUNT);
  g_autoptr(BkOAuthTokenSource) other = bk_oauth_token_source_get_for_account (f->http, f->store, f->provider, "bob@contoso.test");
  g_autoptr(BkOAuthTokens) tokens = test_authority_issue_tokens (f->authority, 240);
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
  BkOAuthTokenSource *weak = NULL;

  g_assert_true (a == b);
  g_assert_true (a != other);
  g_assert_cmpstr (bk_oauth_token_source_get_account (other), ==, "bob@contoso.test");

  /* Two parts of the app asking at once, each through "its" source: one
   * refresh. */
  store_tokens (f, ACCOUNT, tokens);
  f->authority->token_delay_ms = 50;
  bk_oauth_token_source_get_access_token_async (a, NULL, collect_cb, results);
  bk_oauth_token_source_get_access_token_async (b, NULL, collect_cb, results);
  while (results->len < 2)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (f->authority->refresh_grants, ==, 1);
  clear_tokens (f, ACCOUNT);

  /* Once nobody holds it, a new one is made. */
  g_clear_pointer (&results, g_ptr_array_unref);
  g_clear_object (&b);
  weak = a;
  g_object_add_weak_pointer (G_OBJECT (a), (gpointer *) &weak);
  g_clear_object (&a);
  g_assert_null (weak);
  a = bk_oauth_token_source_get_for_account (f->http, f->store, f->provider, ACCOUNT);
  g_assert_nonnull (a);
  g_assert_false (bk_oauth_token_source_get_reconnect_needed (a));
}

static void
test_fresh_token (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(BkOAuthTokens) tokens = test_authority_issue_tokens (f->authority, 3600);
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *again = NULL;

  store_tokens (f, ACCOUNT, tokens);
  token = access_token (f, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, tokens->access_token);
  again = access_token (f, &error);
  g_assert_cmpstr (again, ==, tokens->access_token);
  g_assert_cmpuint (f->authority->refresh_grants, ==, 0);
  clear_tokens (f, ACCOUNT);
}

static void
test_refresh_rotation (Fixture       *f,
                       gconstpointer  data)
{
  /* Four minutes left: inside the five-minute margin. */
  g_autoptr(BkOAuthTokens) old = test_authority_issue_tokens (f->authority, 240);
  g_autoptr(BkOAuthTokens) kept = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
  char *tokens[3] = { NULL, };

  store_tokens (f, ACCOUNT, old);
  f->authority->token_delay_ms = 50;

  /* Three callers at once: one refresh, and all three get its token. */
  for (guint i = 0; i < 3; i++)
    bk_oauth_token_source_get_access_token_async (f->source, NULL, collect_cb, results);
  while (results->len < 3)
    g_main_context_iteration (NULL, TRUE);
  for (guint i = 0; i < 3; i++)
    {
      tokens[i] = bk_oauth_token_source_get_access_token_finish (f->source, results->pdata[i], &error);
      g_assert_no_error (error);
    }

  g_assert_cmpuint (f->authority->refresh_grants, ==, 1);
  g_assert_cmpuint (bk_oauth_token_source_get_refresh_count (f->source), ==, 1);
  g_assert_cmpstr (tokens[0], !=, old->access_token);
  g_assert_true (g_hash_table_contains (f->authority->access_tokens, tokens[0]));
  g_assert_cmpstr (tokens[1], ==, tokens[0]);
  g_assert_cmpstr (tokens[2], ==, tokens[0]);

  /* The rotated refresh token is what the keyring holds now; the old one no
   * longer works at the authority. */
  kept = lookup_tokens (f, ACCOUNT, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kept->refresh_token, !=, old->refresh_token);
  g_assert_cmpstr (kept->refresh_token, ==, f->authority->refresh_token);
  g_assert_cmpstr (kept->access_token, ==, tokens[0]);
  g_assert_cmpstr (kept->account, ==, ACCOUNT);
  assert_no_leaks (f, NULL);
  clear_tokens (f, ACCOUNT);
  for (guint i = 0; i < 3; i++)
    g_free (tokens[i]);
}

static gboolean
quit_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
spin (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, quit_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* The caller gives up while the refresh is on its way: it gets CANCELLED at
 * once, and the rotated refresh token still reaches the keyring (the
 * provider has already retired the old one). */
static void
test_cancel_during_refresh (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(BkOAuthTokens) old = test_authority_issue_tokens (f->authority, 10);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  Wait wait = { 1, NULL };

  store_tokens (f, ACCOUNT, old);
  /* The caller gives up exactly while the provider is answering. */
  f->authority->token_delay_ms = 300;
  f->authority->cancel_on_refresh = cancellable;
  bk_oauth_token_source_get_access_token_async (f->source, cancellable, got_result_cb, &wait);
  result = wait_result (&wait);
  f->authority->cancel_on_refresh = NULL;
  token = bk_oauth_token_source_get_access_token_finish (f->source, result, &error);
  g_assert_null (token);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (f->authority->refresh_grants, ==, 1);

  for (guint i = 0; i < 50; i++)
    {
      g_autoptr(BkOAuthTokens) kept = NULL;

      spin (100);
      kept = lookup_tokens (f, ACCOUNT, NULL);
      if (kept != NULL && f->authority->refresh_grants == 1
          && g_strcmp0 (kept->refresh_token, f->authority->refresh_token) == 0)
        {
          g_assert_cmpstr (kept->refresh_token, !=, old->refresh_token);
          clear_tokens (f, ACCOUNT);
          return;
        }
    }
  g_assert_not_reached ();
}

static void
test_revoked (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(BkOAuthTokens) old = test_authority_issue_tokens (f->authority, 10);
  g_autoptr(BkOAuthTokens) kept = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) error2 = NULL;
  g_autofree char *token = NULL;
  g_autofree char *token2 = NULL;

  store_tokens (f, ACCOUNT, old);
  f->authority->revoked = TRUE;
  token = access_token (f, &error);

  g_assert_null (token);
  g_assert_error (error, BK_OAUTH_ERROR, BK_OAUTH_ERROR_RECONNECT_NEEDED);
  g_assert_nonnull (strstr (error->message, "Reconnect the account"));
  g_assert_true (bk_oauth_token_source_get_reconnect_needed (f->source));
  assert_no_leaks (f, error);

  /* Later calls fail at once, without asking the provider again. */
  token2 = access_token (f, &error2);
  g_assert_error (error2, BK_OAUTH_ERROR, BK_OAUTH_ERROR_RECONNECT_NEEDED);
  g_assert_cmpuint (f->authority->refresh_grants, ==, 1);

  /* The entry is kept (it names the account) until Reconnect or Disconnect. */
  kept = lookup_tokens (f, ACCOUNT, &error);
  g_assert_nonnull (kept);
  g_assert_cmpstr (kept->refresh_token, ==, old->refresh_token);
  clear_tokens (f, ACCOUNT);
}

static JsonNode *
get_me (Fixture  *f,
        GError  **error)
{
  g_autofree char *uri = g_strconcat (f->authority->url, "/v1.0/me", NULL);
  g_autoptr(BkHttpRequest) request = bk_http_request_new ("GET", uri);
  Wait wait = { 1, NULL };
  g_autoptr(GAsyncResult) result = NULL;

  bk_oauth_token_source_json_async (f->source, request, NULL, got_result_cb, &wait);
  result = wait_result (&wait);
  return bk_oauth_token_source_json_finish (f->source, result, error);
}

static void
test_unauthorized_retry (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(BkOAuthTokens) tokens = test_authority_issue_tokens (f->authority, 3600);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) me = NULL;

  store_tokens (f, ACCOUNT, tokens);
  /* The API stopped accepting a token that has not expired yet. */
  g_hash_table_remove (f->authority->access_tokens, tokens->access_token);
  me = get_me (f, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (me), "userPrincipalName"), ==, ACCOUNT);
  g_assert_cmpuint (f->authority->me_requests, ==, 2);
  g_assert_cmpuint (f->authority->me_unauthorized, ==, 1);
  g_assert_cmpuint (f->authority->refresh_grants, ==, 1);
  clear_tokens (f, ACCOUNT);
}

/* ---------------------------------------------------------------------- */
/* Connect, end to end */

static void
test_connect_end_to_end (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(BkOAuthFlow) flow = bk_oauth_flow_new (f->http, f->provider);
  g_autoptr(BkOAuthTokens) tokens = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) me = NULL;
  g_autofree char *page = NULL;
  Wait wait = { 1, NULL };

  bk_oauth_flow_run_async (flow, NULL, got_result_cb, &wait);
  g_assert_cmpuint (test_browser_get (bk_oauth_flow_get_authorize_uri (flow), &page, NULL), ==, SOUP_STATUS_OK);
  result = wait_result (&wait);
  tokens = bk_oauth_flow_run_finish (flow, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tokens->account, ==, ACCOUNT);

  store_tokens (f, tokens->account, tokens);
  me = get_me (f, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (f->authority->me_unauthorized, ==, 0);
  g_assert_cmpuint (f->authority->refresh_grants, ==, 0);

  assert_no_leaks (f, NULL);
  g_assert_false (test_authority_leaked_in (f->authority, page, strlen (page)));
  clear_tokens (f, ACCOUNT);
}

/* ---------------------------------------------------------------------- */

int
main (int   argc,
      char *argv[])
{
  const char *dir = g_getenv ("BK_KEYRING_DIR");
  int ret;

  /* Never skip: a keyring test that did not run must not look passed. */
  if (dir == NULL || !g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_printerr ("test-token-source must run under tests/run-with-keyring\n");
      return 1;
    }
  keyring_root = g_strdup (dir);
  /* G_TEST_OPTION_ISOLATE_DIRS hides the system GSettings schemas that GIO's
   * GNOME proxy resolver reads; loopback needs no proxy anyway. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  test_log_capture_install ();

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/token-store/round-trip", test_store_round_trip);
  ADD ("/token-store/leak-scanner", test_leak_scanner);
  ADD ("/token-source/not-connected", test_not_connected);
  ADD ("/token-source/shared-per-account", test_shared_per_account);
  ADD ("/token-source/fresh-token", test_fresh_token);
  ADD ("/token-source/refresh-rotation", test_refresh_rotation);
  ADD ("/token-source/cancel-during-refresh", test_cancel_during_refresh);
  ADD ("/token-source/revoked", test_revoked);
  ADD ("/token-source/unauthorized-retry", test_unauthorized_retry);
  ADD ("/token-source/connect-end-to-end", test_connect_end_to_end);
#undef ADD

  ret = g_test_run ();
  g_free (keyring_root);
  return ret;
}
