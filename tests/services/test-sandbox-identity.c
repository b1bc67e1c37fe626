/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-sandbox-test"

#include "config.h"

#include <glib/gi18n.h>

#include "sandbox-test-client.h"

/* The sandbox's identity platform: what a public client with PKCE sees. */

#define REDIRECT "http://127.0.0.1:48123/callback"

static void
add_expert (SbtFixture *fixture)
{
  g_autoptr(JsonObject) user =
    sbt_control (fixture, "users", "{\"userPrincipalName\":\"expert@sandbox.test\","
                 "\"displayName\":\"Erika Expert\",\"timeZone\":\"Europe/Berlin\"}", 201);
}

static SbtResponse *
authorize (SbtFixture *fixture,
           const char *client_id,
           const char *redirect_uri,
           const char *challenge)
{
  g_autofree char *url =
    g_strdup_printf ("%s/organizations/oauth2/v2.0/authorize?client_id=%s&response_type=code"
                     "&redirect_uri=%s&scope=offline_access%%20User.Read&state=st%%20ate"
                     "%s%s&code_challenge_method=S256",
                     fixture->url, client_id, redirect_uri,
                     challenge != NULL ? "&code_challenge=" : "", challenge != NULL ? challenge : "");

  return sbt_request (fixture, "GET", url, NULL, NULL, NULL);
}

static SbtResponse *
token (SbtFixture *fixture,
       const char *form)
{
  g_autofree char *url = g_strconcat (fixture->url, "/common/oauth2/v2.0/token", NULL);

  return sbt_request (fixture, "POST", url, "application/x-www-form-urlencoded", form, NULL);
}

static void
assert_oauth_error (SbtResponse *response,
                    const char  *error,
                    gint64       aadsts)
{
  g_autoptr(JsonObject) object = sbt_json (response);
  g_autofree char *prefix = g_strdup_printf ("AADSTS%" G_GINT64_FORMAT ": ", aadsts);

  g_assert_cmpuint (response->status, ==, 400);
  g_assert_nonnull (object);
  g_assert_cmpstr (json_object_get_string_member (object, "error"), ==, error);
  g_assert_cmpint (sbt_error_code (object), ==, aadsts);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (object, "error_description"), prefix));
}

static char *
code_form (const char *code,
           const char *redirect_uri,
           const char *verifier)
{
  g_autofree char *escaped = g_uri_escape_string (code, NULL, FALSE);

  return g_strdup_printf ("grant_type=authorization_code&client_id=bookable-sandbox-client&code=%s"
                          "&redirect_uri=%s&code_verifier=%s", escaped, redirect_uri, verifier);
}

static void
test_code_flow (SbtFixture    *fixture,
                gconstpointer  data)
{
  g_autofree char *verifier = NULL, *challenge = NULL, *other = NULL, *other_challenge = NULL;
  g_autofree char *code = NULL, *state = NULL, *form = NULL;
  g_autoptr(SbtResponse) redirect = NULL;
  g_autoptr(SbtResponse) wrong_verifier = NULL, wrong_redirect = NULL, ok = NULL, reused = NULL;
  g_autoptr(SbtResponse) me = NULL;
  g_autoptr(JsonObject) tokens = NULL;
  g_autoptr(JsonObject) me_object = NULL;
  g_auto(GStrv) jwt = NULL;
  g_autofree char *claims_text = NULL;
  g_autoptr(JsonObject) claims = NULL;
  gsize claims_length;
  g_autofree char *padded = NULL;

  add_expert (fixture);
  sbt_pkce (&verifier, &challenge);
  sbt_pkce (&other, &other_challenge);
  redirect = authorize (fixture, "bookable-sandbox-client", REDIRECT, challenge);
  g_assert_cmpuint (redirect->status, ==, 302);
  code = sbt_query_value (soup_message_headers_get_one (redirect->headers, "Location"), "code");
  state = sbt_query_value (soup_message_headers_get_one (redirect->headers, "Location"), "state");
  g_assert_true (g_str_has_prefix (soup_message_headers_get_one (redirect->headers, "Location"), REDIRECT "?"));
  g_assert_nonnull (code);
  g_assert_cmpstr (state, ==, "st ate");

  form = code_form (code, REDIRECT, other);
  wrong_verifier = token (fixture, form);
  assert_oauth_error (wrong_verifier, "invalid_grant", 50148);
  g_free (form);
  form = code_form (code, "http://127.0.0.1:48124/callback", verifier);
  wrong_redirect = token (fixture, form);
  assert_oauth_error (wrong_redirect, "invalid_grant", 500112);

  g_free (form);
  form = code_form (code, REDIRECT, verifier);
  ok = token (fixture, form);
  g_assert_cmpuint (ok->status, ==, 200);
  tokens = sbt_json (ok);
  g_assert_cmpstr (json_object_get_string_member (tokens, "token_type"), ==, "Bearer");
  g_assert_cmpint (json_object_get_int_member (tokens, "expires_in"), ==, 3599);
  g_assert_cmpint (json_object_get_int_member (tokens, "ext_expires_in"), ==, 3599);
  g_assert_nonnull (json_object_get_string_member (tokens, "refresh_token"));
  reused = token (fixture, form);
  assert_oauth_error (reused, "invalid_grant", 54005);

  /* The id_token is a JWT whose claims name the user. */
  jwt = g_strsplit (json_object_get_string_member (tokens, "id_token"), ".", -1);
  g_assert_cmpuint (g_strv_length (jwt), ==, 3);
  padded = g_strdup_printf ("%s%s", jwt[1], (strlen (jwt[1]) % 4) == 2 ? "==" : (strlen (jwt[1]) % 4) == 3 ? "=" : "");
  g_strdelimit (padded, "-", '+');
  g_strdelimit (padded, "_", '/');
  claims_text = (char *)g_base64_decode (padded, &claims_length);
  claims_text = g_realloc (claims_text, claims_length + 1);
  claims_text[claims_length] = '\0';
  {
    SbtResponse fake = { 0, claims_text, NULL, NULL };

    claims = sbt_json (&fake);
  }
  g_assert_nonnull (claims);
  g_assert_cmpstr (json_object_get_string_member (claims, "preferred_username"), ==, "expert@sandbox.test");
  g_assert_nonnull (json_object_get_string_member (claims, "oid"));
  g_assert_nonnull (json_object_get_string_member (claims, "tid"));

  me = sbt_graph (fixture, "GET", "/me", json_object_get_string_member (tokens, "access_token"), NULL, NULL);
  g_assert_cmpuint (me->status, ==, 200);
  me_object = sbt_json (me);
  g_assert_cmpstr (json_object_get_string_member (me_object, "userPrincipalName"), ==, "expert@sandbox.test");
  g_assert_cmpstr (json_object_get_string_member (me_object, "displayName"), ==, "Erika Expert");
  g_assert_cmpstr (json_object_get_string_member (me_object, "id"), ==, json_object_get_string_member (claims, "oid"));
}

static void
test_authorize_errors (SbtFixture    *fixture,
                       gconstpointer  data)
{
  g_autofree char *verifier = NULL, *challenge = NULL;
  g_autoptr(SbtResponse) unknown_client = NULL, foreign_redirect = NULL, no_pkce = NULL, denied = NULL;
  g_autofree char *error = NULL, *state = NULL, *description = NULL;
  const char *location;

  add_expert (fixture);
  sbt_pkce (&verifier, &challenge);

  /* No redirect to an untrusted place: an error page instead. */
  unknown_client = authorize (fixture, "someone-else", REDIRECT, challenge);
  g_assert_cmpuint (unknown_client->status, ==, 400);
  g_assert_null (soup_message_headers_get_one (unknown_client->headers, "Location"));
  g_assert_nonnull (strstr (unknown_client->body, "AADSTS700016"));
  foreign_redirect = authorize (fixture, "bookable-sandbox-client", "https://evil.example/cb", challenge);
  g_assert_cmpuint (foreign_redirect->status, ==, 400);
  g_assert_nonnull (strstr (foreign_redirect->body, "AADSTS50011"));

  no_pkce = authorize (fixture, "bookable-sandbox-client", REDIRECT, NULL);
  g_assert_cmpuint (no_pkce->status, ==, 302);
  location = soup_message_headers_get_one (no_pkce->headers, "Location");
  error = sbt_query_value (location, "error");
  state = sbt_query_value (location, "state");
  g_assert_cmpstr (error, ==, "invalid_request");
  g_assert_cmpstr (state, ==, "st ate");
  g_assert_null (sbt_query_value (location, "code"));

  bk_sandbox_microsoft_set_consent_denied (fixture->sandbox, TRUE);
  denied = authorize (fixture, "bookable-sandbox-client", REDIRECT, challenge);
  g_assert_cmpuint (denied->status, ==, 302);
  location = soup_message_headers_get_one (denied->headers, "Location");
  g_free (error);
  error = sbt_query_value (location, "error");
  description = sbt_query_value (location, "error_description");
  g_assert_cmpstr (error, ==, "access_denied");
  g_assert_true (g_str_has_prefix (description, "AADSTS65004:"));
  g_assert_null (sbt_query_value (location, "code"));
}

static char *
refresh_form (const char *refresh_token)
{
  g_autofree char *escaped = g_uri_escape_string (refresh_token, NULL, FALSE);

  return g_strdup_printf ("grant_type=refresh_token&client_id=bookable-sandbox-client&refresh_token=%s", escaped);
}

static void
test_refresh_rotation (SbtFixture    *fixture,
                       gconstpointer  data)
{
  g_autoptr(JsonObject) first = NULL, second = NULL;
  g_autoptr(SbtResponse) rotated = NULL, reused = NULL, revoked = NULL, still = NULL, expired = NULL, none = NULL;
  g_autofree char *form = NULL, *second_form = NULL;
  g_autoptr(JsonObject) expired_error = NULL;
  const char *access;

  add_expert (fixture);
  first = sbt_sign_in (fixture, "expert@sandbox.test");
  form = refresh_form (json_object_get_string_member (first, "refresh_token"));
  rotated = token (fixture, form);
  g_assert_cmpuint (rotated->status, ==, 200);
  second = sbt_json (rotated);
  g_assert_cmpstr (json_object_get_string_member (second, "refresh_token"), !=,
                   json_object_get_string_member (first, "refresh_token"));
  g_assert_cmpstr (json_object_get_string_member (second, "access_token"), !=,
                   json_object_get_string_member (first, "access_token"));

  /* Rotation: the used refresh token is dead. */
  reused = token (fixture, form);
  assert_oauth_error (reused, "invalid_grant", 70008);

  bk_sandbox_microsoft_revoke (fixture->sandbox, "expert@sandbox.test", 50173);
  second_form = refresh_form (json_object_get_string_member (second, "refresh_token"));
  revoked = token (fixture, second_form);
  assert_oauth_error (revoked, "invalid_grant", 50173);

  /* Access tokens live on until they expire. */
  access = json_object_get_string_member (second, "access_token");
  still = sbt_graph (fixture, "GET", "/me", access, NULL, NULL);
  g_assert_cmpuint (still->status, ==, 200);
  bk_sandbox_microsoft_expire_access_tokens (fixture->sandbox);
  expired = sbt_graph (fixture, "GET", "/me", access, NULL, NULL);
  g_assert_cmpuint (expired->status, ==, 401);
  expired_error = json_object_ref (json_object_get_object_member (sbt_json (expired), "error"));
  g_assert_cmpstr (json_object_get_string_member (expired_error, "code"), ==, "InvalidAuthenticationToken");
  g_assert_nonnull (soup_message_headers_get_one (expired->headers, "WWW-Authenticate"));
  none = sbt_graph (fixture, "GET", "/me", NULL, NULL, NULL);
  g_assert_cmpuint (none->status, ==, 401);
}

static void
test_code_expiry (SbtFixture    *fixture,
                  gconstpointer  data)
{
  g_autofree char *verifier = NULL, *challenge = NULL, *code = NULL, *form = NULL;
  g_autoptr(SbtResponse) redirect = NULL, late = NULL;
  g_autoptr(JsonObject) config = NULL;

  add_expert (fixture);
  sbt_pkce (&verifier, &challenge);
  redirect = authorize (fixture, "bookable-sandbox-client", REDIRECT, challenge);
  code = sbt_query_value (soup_message_headers_get_one (redirect->headers, "Location"), "code");
  config = sbt_control (fixture, "config", "{\"advanceClock\":601}", 200);
  form = code_form (code, REDIRECT, verifier);
  late = token (fixture, form);
  assert_oauth_error (late, "invalid_grant", 70008);
}

static void
test_token_lifetime (SbtFixture    *fixture,
                     gconstpointer  data)
{
  g_autoptr(JsonObject) config = NULL, tokens = NULL;
  g_autoptr(SbtResponse) fresh = NULL, stale = NULL;

  add_expert (fixture);
  config = sbt_control (fixture, "config", "{\"accessTokenLifetime\":120}", 200);
  tokens = sbt_sign_in (fixture, "expert@sandbox.test");
  g_assert_cmpint (json_object_get_int_member (tokens, "expires_in"), ==, 119);
  fresh = sbt_graph (fixture, "GET", "/me", json_object_get_string_member (tokens, "access_token"), NULL, NULL);
  g_assert_cmpuint (fresh->status, ==, 200);
  g_clear_pointer (&config, json_object_unref);
  config = sbt_control (fixture, "config", "{\"advanceClock\":121}", 200);
  stale = sbt_graph (fixture, "GET", "/me", json_object_get_string_member (tokens, "access_token"), NULL, NULL);
  g_assert_cmpuint (stale->status, ==, 401);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/sandbox-microsoft/identity/code-flow", SbtFixture, NULL,
              sbt_fixture_setup, test_code_flow, sbt_fixture_teardown);
  g_test_add ("/sandbox-microsoft/identity/authorize-errors", SbtFixture, NULL,
              sbt_fixture_setup, test_authorize_errors, sbt_fixture_teardown);
  g_test_add ("/sandbox-microsoft/identity/refresh-rotation", SbtFixture, NULL,
              sbt_fixture_setup, test_refresh_rotation, sbt_fixture_teardown);
  g_test_add ("/sandbox-microsoft/identity/code-expiry", SbtFixture, NULL,
              sbt_fixture_setup, test_code_expiry, sbt_fixture_teardown);
  g_test_add ("/sandbox-microsoft/identity/token-lifetime", SbtFixture, NULL,
              sbt_fixture_setup, test_token_lifetime, sbt_fixture_teardown);
  return g_test_run ();
}
