/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-sandbox-test"

#include "config.h"

#include <glib/gi18n.h>

#include "sandbox-google-test-client.h"

/* The sandbox's OAuth 2.0 for installed apps: what a desktop client with
 * PKCE and its (non-confidential) client secret sees. */

static SgtResponse *
token (SgtFixture *fixture,
       const char *first_name,
       ...)
{
  va_list args;
  g_autofree char *form = NULL;

  va_start (args, first_name);
  form = soup_form_encode_valist (first_name, args);
  va_end (args);
  return sgt_request (fixture, "POST", "/token", "application/x-www-form-urlencoded", form, NULL);
}

static void
assert_oauth_error (SgtResponse *response,
                    guint        status,
                    const char  *error,
                    const char  *description)
{
  g_autoptr(JsonObject) object = sgt_json (response);

  g_assert_cmpuint (response->status, ==, status);
  g_assert_nonnull (object);
  g_assert_cmpstr (json_object_get_string_member (object, "error"), ==, error);
  if (description != NULL)
    g_assert_cmpstr (json_object_get_string_member (object, "error_description"), ==, description);
}

static SgtResponse *
exchange (SgtFixture *fixture,
          const char *code,
          const char *verifier,
          const char *secret,
          const char *redirect)
{
  return token (fixture, "grant_type", "authorization_code", "code", code, "code_verifier", verifier,
                "redirect_uri", redirect, "client_id", BK_SANDBOX_GOOGLE_CLIENT_ID,
                secret != NULL ? "client_secret" : NULL, secret, NULL);
}

static void
add_expert (SgtFixture *fixture)
{
  g_autoptr(JsonObject) user =
    sgt_control (fixture, "POST", "users", "{\"email\":\"expert@sandbox.test\",\"timeZone\":\"Europe/Berlin\"}", 201);
}

static void
test_code_exchange (SgtFixture    *fixture,
                    gconstpointer  data)
{
  g_autofree char *verifier = NULL;
  g_autofree char *challenge = NULL;
  g_autofree char *code = NULL;
  g_autoptr(SgtResponse) response = NULL;
  g_autoptr(JsonObject) tokens = NULL;

  add_expert (fixture);
  sgt_pkce (&verifier, &challenge);
  code = sgt_authorize (fixture, SGT_SCOPES, challenge, "&access_type=offline&prompt=consent");
  g_assert_nonnull (code);

  /* A wrong verifier spends the code: the right one cannot use it after. */
  response = exchange (fixture, code, "not-the-verifier-0123456789-0123456789-0123", BK_SANDBOX_GOOGLE_CLIENT_SECRET, SGT_REDIRECT);
  assert_oauth_error (response, 400, "invalid_grant", "Invalid code verifier.");
  g_clear_pointer (&response, sgt_response_free);
  response = exchange (fixture, code, verifier, BK_SANDBOX_GOOGLE_CLIENT_SECRET, SGT_REDIRECT);
  assert_oauth_error (response, 400, "invalid_grant", NULL);
  g_clear_pointer (&response, sgt_response_free);
  g_clear_pointer (&code, g_free);

  code = sgt_authorize (fixture, SGT_SCOPES, challenge, "&access_type=offline");
  response = exchange (fixture, code, verifier, "wrong-secret", SGT_REDIRECT);
  assert_oauth_error (response, 401, "invalid_client", NULL);
  g_clear_pointer (&response, sgt_response_free);
  g_clear_pointer (&code, g_free);

  code = sgt_authorize (fixture, SGT_SCOPES, challenge, "&access_type=offline");
  response = exchange (fixture, code, verifier, NULL, SGT_REDIRECT);
  assert_oauth_error (response, 400, "invalid_request", NULL);
  g_clear_pointer (&response, sgt_response_free);
  g_clear_pointer (&code, g_free);

  code = sgt_authorize (fixture, SGT_SCOPES, challenge, "&access_type=offline");
  response = exchange (fixture, code, verifier, BK_SANDBOX_GOOGLE_CLIENT_SECRET, "http://127.0.0.1:48124/oauth2callback");
  assert_oauth_error (response, 400, "redirect_uri_mismatch", NULL);
  g_clear_pointer (&response, sgt_response_free);
  g_clear_pointer (&code, g_free);

  code = sgt_authorize (fixture, SGT_SCOPES, challenge, "&access_type=offline");
  response = exchange (fixture, code, verifier, BK_SANDBOX_GOOGLE_CLIENT_SECRET, SGT_REDIRECT);
  g_assert_cmpuint (response->status, ==, 200);
  tokens = sgt_json (response);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (tokens, "access_token"), "ya29."));
  g_assert_true (g_str_has_prefix (json_object_get_string_member (tokens, "refresh_token"), "1//"));
  g_assert_cmpstr (json_object_get_string_member (tokens, "token_type"), ==, "Bearer");
  g_assert_cmpstr (json_object_get_string_member (tokens, "scope"), ==, SGT_SCOPES);
  g_assert_cmpint (json_object_get_int_member (tokens, "expires_in"), >, 3000);
  /* No openid asked for, so no id_token, like Google. */
  g_assert_false (json_object_has_member (tokens, "id_token"));
}

static void
test_refresh_token_issuance (SgtFixture    *fixture,
                             gconstpointer  data)
{
  g_autofree char *verifier = NULL;
  g_autofree char *challenge = NULL;
  g_autoptr(JsonObject) first = NULL;
  const char *cases[] = { "", "&access_type=offline", "&access_type=offline&prompt=consent" };
  const gboolean want_refresh[] = { FALSE, FALSE, TRUE };

  add_expert (fixture);
  /* The first offline consent gives a refresh token... */
  first = sgt_sign_in (fixture, SGT_SCOPES " openid");
  g_assert_true (json_object_has_member (first, "refresh_token"));
  g_assert_true (g_str_has_prefix (json_object_get_string_member (first, "id_token"), "eyJ"));
  sgt_pkce (&verifier, &challenge);
  /* ...later ones only with access_type=offline and prompt=consent. */
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *code = sgt_authorize (fixture, SGT_SCOPES, challenge, cases[i]);
      g_autoptr(SgtResponse) response = exchange (fixture, code, verifier, BK_SANDBOX_GOOGLE_CLIENT_SECRET, SGT_REDIRECT);
      g_autoptr(JsonObject) tokens = sgt_json (response);

      g_assert_cmpuint (response->status, ==, 200);
      g_assert_cmpint (json_object_has_member (tokens, "refresh_token"), ==, want_refresh[i]);
    }
}

static SgtResponse *
refresh (SgtFixture *fixture,
         const char *refresh_token)
{
  return token (fixture, "grant_type", "refresh_token", "refresh_token", refresh_token,
                "client_id", BK_SANDBOX_GOOGLE_CLIENT_ID, "client_secret", BK_SANDBOX_GOOGLE_CLIENT_SECRET, NULL);
}

static guint
calendar_list_status (SgtFixture *fixture,
                      const char *access_token)
{
  g_autoptr(SgtResponse) response =
    sgt_request (fixture, "GET", "/calendar/v3/users/me/calendarList", NULL, NULL, access_token);

  return response->status;
}

static void
test_refresh_and_rotation (SgtFixture    *fixture,
                           gconstpointer  data)
{
  g_autoptr(JsonObject) tokens = NULL;
  g_autofree char *refresh_token = NULL;
  g_autoptr(SgtResponse) response = NULL;
  g_autoptr(JsonObject) refreshed = NULL;
  g_autoptr(JsonObject) rotated = NULL;

  add_expert (fixture);
  tokens = sgt_sign_in (fixture, SGT_SCOPES);
  refresh_token = g_strdup (json_object_get_string_member (tokens, "refresh_token"));

  /* Google does not rotate by default: the same refresh token keeps working. */
  for (guint i = 0; i < 2; i++)
    {
      g_clear_pointer (&response, sgt_response_free);
      g_clear_pointer (&refreshed, json_object_unref);
      response = refresh (fixture, refresh_token);
      g_assert_cmpuint (response->status, ==, 200);
      refreshed = sgt_json (response);
      g_assert_false (json_object_has_member (refreshed, "refresh_token"));
      g_assert_cmpstr (json_object_get_string_member (refreshed, "access_token"), !=,
                       json_object_get_string_member (tokens, "access_token"));
      g_assert_cmpuint (calendar_list_status (fixture, json_object_get_string_member (refreshed, "access_token")), ==, 200);
    }

  g_clear_pointer (&tokens, json_object_unref);
  tokens = sgt_control (fixture, "POST", "refresh-rotation", "{\"rotate\":true}", 200);
  g_clear_pointer (&response, sgt_response_free);
  response = refresh (fixture, refresh_token);
  rotated = sgt_json (response);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (rotated, "refresh_token"), !=, refresh_token);
  g_clear_pointer (&response, sgt_response_free);
  response = refresh (fixture, refresh_token);
  assert_oauth_error (response, 400, "invalid_grant", "Token has been expired or revoked.");
  g_clear_pointer (&response, sgt_response_free);
  response = refresh (fixture, json_object_get_string_member (rotated, "refresh_token"));
  g_assert_cmpuint (response->status, ==, 200);
}

static void
test_revoke (SgtFixture    *fixture,
             gconstpointer  data)
{
  g_autoptr(JsonObject) tokens = NULL;
  g_autoptr(JsonObject) second = NULL;
  g_autoptr(JsonObject) ok = NULL;
  g_autofree char *path = NULL;
  g_autoptr(SgtResponse) response = NULL;

  add_expert (fixture);
  tokens = sgt_sign_in (fixture, SGT_SCOPES);
  path = g_strdup_printf ("/revoke?token=%s", json_object_get_string_member (tokens, "refresh_token"));
  response = sgt_request (fixture, "POST", path, "application/x-www-form-urlencoded", "", NULL);
  g_assert_cmpuint (response->status, ==, 200);
  g_clear_pointer (&response, sgt_response_free);

  /* The grant is gone: refresh fails, its access token is refused. */
  response = refresh (fixture, json_object_get_string_member (tokens, "refresh_token"));
  assert_oauth_error (response, 400, "invalid_grant", "Token has been expired or revoked.");
  g_assert_cmpuint (calendar_list_status (fixture, json_object_get_string_member (tokens, "access_token")), ==, 401);

  /* The control switch does the same as the user removing access. */
  second = sgt_sign_in (fixture, SGT_SCOPES);
  ok = sgt_control (fixture, "POST", "revoke", "{\"user\":\"expert@sandbox.test\"}", 200);
  g_clear_pointer (&response, sgt_response_free);
  response = refresh (fixture, json_object_get_string_member (second, "refresh_token"));
  assert_oauth_error (response, 400, "invalid_grant", "Token has been expired or revoked.");
}

static void
test_denied_and_refused (SgtFixture    *fixture,
                         gconstpointer  data)
{
  g_autofree char *verifier = NULL;
  g_autofree char *challenge = NULL;
  g_autofree char *redirect = g_uri_escape_string (SGT_REDIRECT, NULL, FALSE);
  g_autoptr(JsonObject) ok = NULL;
  g_autofree char *code = NULL;
  /* No PKCE, an unknown client, a scope that is not the calendar's. */
  const char *bad[][3] = {
    { BK_SANDBOX_GOOGLE_CLIENT_ID, "openid", "" },
    { "other.apps.googleusercontent.com", "openid", "&code_challenge=x&code_challenge_method=S256" },
    { BK_SANDBOX_GOOGLE_CLIENT_ID, "https://mail.google.com/", "&code_challenge=x&code_challenge_method=S256" },
  };

  add_expert (fixture);
  sgt_pkce (&verifier, &challenge);
  ok = sgt_control (fixture, "POST", "consent", "{\"deny\":true}", 200);
  code = sgt_authorize (fixture, SGT_SCOPES, challenge, NULL);
  g_assert_null (code);
  {
    g_autofree char *path = g_strdup_printf ("/o/oauth2/v2/auth?client_id=%s&redirect_uri=%s&response_type=code"
                                             "&scope=openid&state=s&code_challenge=%s&code_challenge_method=S256",
                                             BK_SANDBOX_GOOGLE_CLIENT_ID, redirect, challenge);
    g_autoptr(SgtResponse) response = sgt_request (fixture, "GET", path, NULL, NULL, NULL);
    g_autofree char *error = sgt_query_value (soup_message_headers_get_one (response->headers, "Location"), "error");

    g_assert_cmpstr (error, ==, "access_denied");
  }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *path = g_strdup_printf ("/o/oauth2/v2/auth?client_id=%s&redirect_uri=%s"
                                               "&response_type=code&scope=%s%s",
                                               bad[i][0], redirect, bad[i][1], bad[i][2]);
      g_autoptr(SgtResponse) response = sgt_request (fixture, "GET", path, NULL, NULL, NULL);

      g_assert_cmpuint (response->status, >=, 400);
      g_assert_null (soup_message_headers_get_one (response->headers, "Location"));
    }
}

static void
test_scopes_and_expiry (SgtFixture    *fixture,
                        gconstpointer  data)
{
  g_autoptr(JsonObject) narrow = NULL;
  g_autoptr(JsonObject) broad = NULL;
  g_autoptr(JsonObject) stats = NULL;
  g_autoptr(JsonObject) ok = NULL;
  g_autoptr(SgtResponse) response = NULL;
  JsonArray *scopes;
  gboolean saw_broad = FALSE;

  add_expert (fixture);
  /* calendar.events alone does not reach calendarList. */
  narrow = sgt_sign_in (fixture, "https://www.googleapis.com/auth/calendar.events");
  response = sgt_request (fixture, "GET", "/calendar/v3/users/me/calendarList", NULL, NULL,
                          json_object_get_string_member (narrow, "access_token"));
  sgt_assert_error (response, 403, "insufficientPermissions");

  /* A broader scope works but is recorded for tests to refuse. */
  broad = sgt_sign_in (fixture, "https://www.googleapis.com/auth/calendar");
  g_assert_cmpuint (calendar_list_status (fixture, json_object_get_string_member (broad, "access_token")), ==, 200);
  stats = sgt_control (fixture, "GET", "stats", NULL, 200);
  scopes = json_object_get_array_member (stats, "scopesRequested");
  for (guint i = 0; i < json_array_get_length (scopes); i++)
    saw_broad |= g_str_equal (json_array_get_string_element (scopes, i), "https://www.googleapis.com/auth/calendar");
  g_assert_true (saw_broad);

  ok = sgt_control (fixture, "POST", "expire-access-tokens", NULL, 200);
  g_clear_pointer (&response, sgt_response_free);
  response = sgt_request (fixture, "GET", "/calendar/v3/users/me/calendarList", NULL, NULL,
                          json_object_get_string_member (broad, "access_token"));
  sgt_assert_error (response, 401, "authError");
  g_assert_nonnull (soup_message_headers_get_one (response->headers, "WWW-Authenticate"));
  g_clear_pointer (&response, sgt_response_free);
  response = sgt_request (fixture, "GET", "/calendar/v3/users/me/calendarList", NULL, NULL, NULL);
  sgt_assert_error (response, 401, "required");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) g_test_add (path, SgtFixture, NULL, sgt_setup, func, sgt_teardown)
  ADD ("/sandbox-google/auth/code-exchange", test_code_exchange);
  ADD ("/sandbox-google/auth/refresh-token-issuance", test_refresh_token_issuance);
  ADD ("/sandbox-google/auth/refresh-and-rotation", test_refresh_and_rotation);
  ADD ("/sandbox-google/auth/revoke", test_revoke);
  ADD ("/sandbox-google/auth/denied-and-refused", test_denied_and_refused);
  ADD ("/sandbox-google/auth/scopes-and-expiry", test_scopes_and_expiry);
#undef ADD
  return g_test_run ();
}
