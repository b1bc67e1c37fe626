/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PKCE, the authorize URL, token bundles and the provider error messages. */
#define G_LOG_DOMAIN "test-oauth"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-oauth.h"

/* RFC 7636, appendix B. */
static void
test_pkce_rfc7636 (void)
{
  static const guint8 octets[32] = {
    116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186,
    22, 212, 37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
  };
  g_autofree char *verifier = bk_oauth_base64url_encode (octets, sizeof octets);
  g_autofree char *challenge = bk_oauth_pkce_challenge (verifier);

  g_assert_cmpstr (verifier, ==, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
  g_assert_cmpstr (challenge, ==, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

static void
test_random_string (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < 64; i++)
    {
      g_autoptr(GError) error = NULL;
      char *value = bk_oauth_random_string (32, &error);

      g_assert_no_error (error);
      /* RFC 7636 §4.1: 43 characters of [A-Za-z0-9-._~] */
      g_assert_cmpuint (strlen (value), ==, 43);
      for (const char *p = value; *p; p++)
        g_assert_true (g_ascii_isalnum (*p) || *p == '-' || *p == '_');
      g_assert_false (g_hash_table_contains (seen, value));
      g_hash_table_add (seen, value);
    }
}

static void
test_authorize_url (void)
{
  g_autoptr(BkOAuthProvider) ms = bk_oauth_provider_new_microsoft ("https://login.example/", "contoso.test", "cid");
  g_autoptr(BkOAuthProvider) other = bk_oauth_provider_new ("google", "https://accounts.example/auth?hl=en",
                                                            "https://oauth2.example/token", "gid",
                                                            "https://www.googleapis.com/auth/calendar.events");
  g_autofree char *url = NULL;
  g_autofree char *url2 = NULL;
  g_autoptr(GUri) parsed = NULL;
  g_autoptr(GHashTable) params = NULL;

  g_assert_cmpstr (bk_oauth_provider_get_token_url (ms), ==, "https://login.example/contoso.test/oauth2/v2.0/token");
  url = bk_oauth_provider_build_authorize_url (ms, "http://127.0.0.1:5000/", "st&te", "chal");
  g_assert_true (g_str_has_prefix (url, "https://login.example/contoso.test/oauth2/v2.0/authorize?"));
  parsed = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  params = g_uri_parse_params (g_uri_get_query (parsed), -1, "&", G_URI_PARAMS_NONE, NULL);
  g_assert_cmpstr (g_hash_table_lookup (params, "client_id"), ==, "cid");
  g_assert_cmpstr (g_hash_table_lookup (params, "response_type"), ==, "code");
  g_assert_cmpstr (g_hash_table_lookup (params, "redirect_uri"), ==, "http://127.0.0.1:5000/");
  g_assert_cmpstr (g_hash_table_lookup (params, "state"), ==, "st&te");
  g_assert_cmpstr (g_hash_table_lookup (params, "code_challenge"), ==, "chal");
  g_assert_cmpstr (g_hash_table_lookup (params, "code_challenge_method"), ==, "S256");
  g_assert_cmpstr (g_hash_table_lookup (params, "scope"), ==, "offline_access Calendars.ReadWrite User.Read");

  bk_oauth_provider_add_authorize_param (other, "access_type", "offline");
  bk_oauth_provider_add_authorize_param (other, "prompt", "consent");
  url2 = bk_oauth_provider_build_authorize_url (other, "http://127.0.0.1:1/", "s", "c");
  g_assert_true (g_str_has_prefix (url2, "https://accounts.example/auth?hl=en&client_id=gid&"));
  g_assert_true (g_str_has_suffix (url2, "&access_type=offline&prompt=consent"));
}

static void
test_google_provider (void)
{
  g_autoptr(BkOAuthProvider) google = bk_oauth_provider_new_google ("https://accounts.example/o/oauth2/v2/auth",
                                                                    "https://oauth2.example/token",
                                                                    "gid", "gsecret");
  g_autoptr(BkOAuthProvider) no_secret = bk_oauth_provider_new_google ("https://a.example/auth",
                                                                       "https://a.example/token",
                                                                       "gid", "");
  g_autofree char *url = bk_oauth_provider_build_authorize_url (google, "http://127.0.0.1:9/", "s", "c");
  g_autoptr(GUri) parsed = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  g_autoptr(GHashTable) params = g_uri_parse_params (g_uri_get_query (parsed), -1, "&", G_URI_PARAMS_NONE, NULL);

  g_assert_cmpstr (bk_oauth_provider_get_id (google), ==, "google");
  g_assert_cmpstr (bk_oauth_provider_get_client_secret (google), ==, "gsecret");
  g_assert_null (bk_oauth_provider_get_client_secret (no_secret));
  g_assert_cmpstr (g_hash_table_lookup (params, "access_type"), ==, "offline");
  g_assert_cmpstr (g_hash_table_lookup (params, "prompt"), ==, "consent");
  g_assert_cmpstr (g_hash_table_lookup (params, "scope"), ==,
                   "https://www.googleapis.com/auth/calendar.events https://www.googleapis.com/auth/calendar.readonly");
  /* The secret goes to the token endpoint only, never into the browser. */
  g_assert_null (strstr (url, "gsecret"));
}

static void
test_tokens_json (void)
{
  g_autoptr(BkOAuthTokens) tokens = bk_oauth_tokens_new ();
  g_autoptr(BkOAuthTokens) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;

  tokens->access_token = g_strdup ("at-1");
  tokens->refresh_token = g_strdup ("rt-1");
  tokens->expires_at = 1790000000;
  tokens->account = g_strdup ("ada@contoso.test");
  json = bk_oauth_tokens_to_json (tokens);
  back = bk_oauth_tokens_new_from_json (json, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (back->access_token, ==, "at-1");
  g_assert_cmpstr (back->refresh_token, ==, "rt-1");
  g_assert_cmpint (back->expires_at, ==, 1790000000);
  g_assert_cmpstr (back->account, ==, "ada@contoso.test");
  g_assert_null (back->display_name);

  g_clear_pointer (&back, bk_oauth_tokens_free);
  back = bk_oauth_tokens_new_from_json ("{\"access_token\":", &error);
  g_assert_null (back);
  g_assert_error (error, BK_OAUTH_ERROR, BK_OAUTH_ERROR_RECONNECT_NEEDED);
}

static void
test_error_mapping (void)
{
  struct { const char *error; const char *description; gboolean refreshing; int code; const char *says; } cases[] = {
    { "invalid_request", "AADSTS50011: The redirect URI 'x' does not match", FALSE, BK_OAUTH_ERROR_CONFIGURATION, "redirect" },
    { "unauthorized_client", "AADSTS700016: Application with identifier 'x' was not found", FALSE, BK_OAUTH_ERROR_CONFIGURATION, "client id" },
    { "invalid_grant", "AADSTS65001: The user or administrator has not consented", FALSE, BK_OAUTH_ERROR_CONSENT_REQUIRED, "accept the permissions" },
    { "access_denied", "AADSTS90094: The grant requires admin permission.", FALSE, BK_OAUTH_ERROR_CONSENT_REQUIRED, "administrator" },
    { "invalid_grant", "AADSTS54005: OAuth2 Authorization code was already redeemed", FALSE, BK_OAUTH_ERROR_RESTART, "Connect again" },
    { "invalid_grant", "AADSTS70008: The provided authorization code or refresh token has expired", FALSE, BK_OAUTH_ERROR_RESTART, "Connect again" },
    { "invalid_grant", "AADSTS70008: The refresh token has expired", TRUE, BK_OAUTH_ERROR_RECONNECT_NEEDED, "Reconnect" },
    { "invalid_grant", "AADSTS700082: The refresh token has expired due to inactivity.", TRUE, BK_OAUTH_ERROR_RECONNECT_NEEDED, "90 days" },
    { "invalid_grant", "Token has been expired or revoked.", TRUE, BK_OAUTH_ERROR_RECONNECT_NEEDED, "Reconnect" },
    { "access_denied", NULL, FALSE, BK_OAUTH_ERROR_ACCESS_DENIED, "declined" },
    { "temporarily_unavailable", "try later", FALSE, BK_OAUTH_ERROR_FAILED, "try later" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = bk_oauth_error_from_response (cases[i].error, cases[i].description,
                                                              cases[i].refreshing);

      g_assert_error (error, BK_OAUTH_ERROR, cases[i].code);
      if (strstr (error->message, cases[i].says) == NULL)
        g_error ("case %u: “%s” does not say “%s”", i, error->message, cases[i].says);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/oauth/pkce-rfc7636", test_pkce_rfc7636);
  g_test_add_func ("/oauth/random-string", test_random_string);
  g_test_add_func ("/oauth/authorize-url", test_authorize_url);
  g_test_add_func ("/oauth/google-provider", test_google_provider);
  g_test_add_func ("/oauth/tokens-json", test_tokens_json);
  g_test_add_func ("/oauth/error-mapping", test_error_mapping);

  return g_test_run ();
}
