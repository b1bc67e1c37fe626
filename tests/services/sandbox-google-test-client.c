/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-sandbox-test"

#include "config.h"

#include <glib/gi18n.h>

#include "sandbox-google-test-client.h"

void
sgt_setup (SgtFixture    *fixture,
           gconstpointer  page_size)
{
  g_autoptr(GError) error = NULL;

  fixture->sandbox = bk_sandbox_google_new ();
  if (GPOINTER_TO_UINT (page_size) != 0)
    bk_sandbox_google_set_page_size (fixture->sandbox, GPOINTER_TO_UINT (page_size));
  bk_sandbox_google_start (fixture->sandbox, NULL, 0, &error);
  g_assert_no_error (error);
  fixture->url = bk_sandbox_google_get_url (fixture->sandbox);
  g_assert_true (g_str_has_prefix (fixture->url, "http://127.0.0.1:"));
  fixture->session = sbc_session_new ();
  fixture->token = NULL;
}

void
sgt_teardown (SgtFixture    *fixture,
              gconstpointer  data)
{
  g_clear_object (&fixture->session);
  bk_sandbox_google_stop (fixture->sandbox);
  g_clear_object (&fixture->sandbox);
  g_clear_pointer (&fixture->token, g_free);
}

SgtResponse *
sgt_request (SgtFixture *fixture,
             const char *method,
             const char *path_or_url,
             const char *content_type,
             const char *body,
             const char *bearer)
{
  g_autofree char *url = g_str_has_prefix (path_or_url, "http")
                         ? g_strdup (path_or_url) : g_strconcat (fixture->url, path_or_url, NULL);
  g_autofree char *authorization = bearer != NULL ? g_strconcat ("Bearer ", bearer, NULL) : NULL;
  const char *headers[] = { "Authorization", authorization, NULL };

  return sbc_request (fixture->session, method, url, content_type, body, headers);
}

SgtResponse *
sgt_api (SgtFixture *fixture,
         const char *method,
         const char *path,
         const char *json_body)
{
  g_autofree char *full = g_strconcat ("/calendar/v3", path, NULL);

  return sgt_request (fixture, method, full, "application/json", json_body, fixture->token);
}

void
sgt_assert_error (SgtResponse *response,
                  guint        status,
                  const char  *reason)
{
  g_autoptr(JsonObject) object = sgt_json (response);
  JsonObject *error;
  JsonObject *first;

  g_assert_cmpuint (response->status, ==, status);
  g_assert_nonnull (object);
  error = json_object_get_object_member (object, "error");
  g_assert_nonnull (error);
  g_assert_cmpint (json_object_get_int_member (error, "code"), ==, status);
  g_assert_nonnull (json_object_get_string_member (error, "message"));
  first = json_array_get_object_element (json_object_get_array_member (error, "errors"), 0);
  g_assert_cmpstr (json_object_get_string_member (first, "reason"), ==, reason);
}

JsonObject *
sgt_control (SgtFixture *fixture,
             const char *method,
             const char *route,
             const char *json_body,
             guint       status)
{
  g_autofree char *path = g_strconcat ("/_sandbox/", route, NULL);
  guint got = 0;
  g_autofree char *answer = bk_sandbox_google_control (fixture->sandbox, method, path, json_body, &got);
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (got != status)
    g_error ("control %s %s: %u, wanted %u: %s", method, route, got, status, answer);
  g_assert_true (json_parser_load_from_data (parser, answer, -1, NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

char *
sgt_authorize (SgtFixture *fixture,
               const char *scope,
               const char *challenge,
               const char *extra_query)
{
  g_autofree char *scope_escaped = g_uri_escape_string (scope, NULL, FALSE);
  g_autofree char *redirect = g_uri_escape_string (SGT_REDIRECT, NULL, FALSE);
  g_autofree char *path =
    g_strdup_printf ("/o/oauth2/v2/auth?client_id=%s&redirect_uri=%s&response_type=code&scope=%s"
                     "&state=st%%20ate&code_challenge=%s&code_challenge_method=S256%s",
                     BK_SANDBOX_GOOGLE_CLIENT_ID, redirect, scope_escaped, challenge,
                     extra_query != NULL ? extra_query : "");
  g_autoptr(SgtResponse) response = sgt_request (fixture, "GET", path, NULL, NULL, NULL);
  const char *location;
  g_autofree char *state = NULL;

  g_assert_cmpuint (response->status, ==, 302);
  location = soup_message_headers_get_one (response->headers, "Location");
  g_assert_true (g_str_has_prefix (location, SGT_REDIRECT "?"));
  state = sgt_query_value (location, "state");
  g_assert_cmpstr (state, ==, "st ate");
  return sgt_query_value (location, "code");
}

JsonObject *
sgt_sign_in (SgtFixture *fixture,
             const char *scope)
{
  g_autofree char *verifier = NULL;
  g_autofree char *challenge = NULL;
  g_autofree char *code = NULL;
  g_autofree char *form = NULL;
  g_autoptr(SgtResponse) response = NULL;

  sgt_pkce (&verifier, &challenge);
  code = sgt_authorize (fixture, scope, challenge, "&access_type=offline&prompt=consent");
  g_assert_nonnull (code);
  form = soup_form_encode ("grant_type", "authorization_code", "code", code, "code_verifier", verifier,
                           "redirect_uri", SGT_REDIRECT, "client_id", BK_SANDBOX_GOOGLE_CLIENT_ID,
                           "client_secret", BK_SANDBOX_GOOGLE_CLIENT_SECRET, NULL);
  response = sgt_request (fixture, "POST", "/token", "application/x-www-form-urlencoded", form, NULL);
  g_assert_cmpuint (response->status, ==, 200);
  return sgt_json (response);
}

void
sgt_sign_in_default (SgtFixture *fixture)
{
  g_autoptr(JsonObject) user =
    sgt_control (fixture, "POST", "users", "{\"email\":\"expert@sandbox.test\",\"timeZone\":\"Europe/Berlin\"}", 201);
  g_autoptr(JsonObject) tokens = sgt_sign_in (fixture, SGT_SCOPES);

  g_free (fixture->token);
  fixture->token = g_strdup (json_object_get_string_member (tokens, "access_token"));
}
