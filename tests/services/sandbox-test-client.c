/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-sandbox-test"

#include "config.h"

#include <glib/gi18n.h>

#include "sandbox-test-client.h"

#define REDIRECT_URI "http://127.0.0.1:48123/callback"

void
sbt_fixture_setup (SbtFixture    *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->sandbox = bk_sandbox_microsoft_new ();
  bk_sandbox_microsoft_set_page_size (fixture->sandbox, GPOINTER_TO_UINT (data) != 0 ? GPOINTER_TO_UINT (data) : 10);
  bk_sandbox_microsoft_start (fixture->sandbox, NULL, 0, &error);
  g_assert_no_error (error);
  fixture->url = bk_sandbox_microsoft_get_url (fixture->sandbox);
  g_assert_true (g_str_has_prefix (fixture->url, "http://127.0.0.1:"));
  fixture->session = sbc_session_new ();
}

void
sbt_fixture_teardown (SbtFixture    *fixture,
                      gconstpointer  data)
{
  g_clear_object (&fixture->session);
  bk_sandbox_microsoft_stop (fixture->sandbox);
  g_clear_object (&fixture->sandbox);
}

SbtResponse *
sbt_request (SbtFixture        *fixture,
             const char        *method,
             const char        *url,
             const char        *content_type,
             const char        *body,
             const char *const *headers)
{
  return sbc_request (fixture->session, method, url, content_type, body, headers);
}

SbtResponse *
sbt_graph (SbtFixture *fixture,
           const char *method,
           const char *path_or_url,
           const char *token,
           const char *prefer,
           const char *json_body)
{
  g_autofree char *url = g_str_has_prefix (path_or_url, "http")
                         ? g_strdup (path_or_url)
                         : g_strconcat (fixture->url, "/v1.0", path_or_url, NULL);
  g_autofree char *authorization = token != NULL ? g_strconcat ("Bearer ", token, NULL) : NULL;
  const char *headers[] = { "Authorization", authorization, "Prefer", prefer, NULL };

  return sbt_request (fixture, method, url, "application/json", json_body, headers);
}

JsonObject *
sbt_control (SbtFixture *fixture,
             const char *route,
             const char *json_body,
             guint       status)
{
  g_autofree char *url = g_strconcat (fixture->url, "/_sandbox/", route, NULL);
  g_autoptr(SbtResponse) response = sbt_request (fixture, "POST", url, "application/json", json_body, NULL);

  g_assert_no_error (response->error);
  if (response->status != status)
    g_error ("POST /_sandbox/%s: %u %s", route, response->status, response->body);
  return sbt_json (response);
}

gint64
sbt_error_code (JsonObject *oauth_error)
{
  JsonArray *codes = json_object_get_array_member (oauth_error, "error_codes");

  g_assert_nonnull (codes);
  g_assert_cmpuint (json_array_get_length (codes), ==, 1);
  return json_array_get_int_element (codes, 0);
}

JsonObject *
sbt_sign_in (SbtFixture *fixture,
             const char *login_hint)
{
  g_autofree char *verifier = NULL;
  g_autofree char *challenge = NULL;
  g_autofree char *url = NULL;
  g_autofree char *code = NULL;
  g_autofree char *escaped_code = NULL;
  g_autofree char *form = NULL;
  g_autofree char *token_url = g_strconcat (fixture->url, "/common/oauth2/v2.0/token", NULL);
  g_autoptr(SbtResponse) authorize = NULL;
  g_autoptr(SbtResponse) token = NULL;

  sbt_pkce (&verifier, &challenge);
  url = g_strdup_printf ("%s/common/oauth2/v2.0/authorize?client_id=bookable-sandbox-client"
                         "&response_type=code&redirect_uri=%s&scope=offline_access%%20Calendars.ReadWrite%%20User.Read"
                         "&state=s1&code_challenge=%s&code_challenge_method=S256&login_hint=%s",
                         fixture->url, REDIRECT_URI, challenge, login_hint);
  authorize = sbt_request (fixture, "GET", url, NULL, NULL, NULL);
  g_assert_cmpuint (authorize->status, ==, 302);
  code = sbt_query_value (soup_message_headers_get_one (authorize->headers, "Location"), "code");
  g_assert_nonnull (code);
  escaped_code = g_uri_escape_string (code, NULL, FALSE);
  form = g_strdup_printf ("grant_type=authorization_code&client_id=bookable-sandbox-client&code=%s"
                          "&redirect_uri=%s&code_verifier=%s", escaped_code, REDIRECT_URI, verifier);
  token = sbt_request (fixture, "POST", token_url, "application/x-www-form-urlencoded", form, NULL);
  g_assert_cmpuint (token->status, ==, 200);
  return sbt_json (token);
}
