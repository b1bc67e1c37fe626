/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The HTTP API of a real bookable-server process on a throwaway PostgreSQL
 * cluster, over loopback. */
#define G_LOG_DOMAIN "test-server-api"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "bk-test-server.h"

static BkTestServer *server;
static SoupSession *session;
static char *alice_token, *bob_token;

/* Two experts, alice and bob, each with slots tomorrow 09–12 UTC. */
#define DAY (24 * 3600)

static char *
url (const char *path)
{
  return g_strconcat (server->url, path, NULL);
}

static BkTestResponse *
call (const char *method,
      const char *path,
      const char *token,
      const char *body)
{
  g_autofree char *u = url (path);

  return bk_test_request (session, method, u, token, NULL, body);
}

static void
assert_error (BkTestResponse *r,
              guint           status,
              const char     *code)
{
  if (r->status != status || g_strcmp0 (bk_test_json_string (r, "error/code"), code) != 0)
    g_error ("expected %u %s, got %u %s", status, code, r->status, r->body);
  g_assert_nonnull (bk_test_json_string (r, "error/message"));
}

static char *
window_query (const char *path)
{
  g_autofree char *from = bk_test_time (DAY - 12 * 3600);
  g_autofree char *to = bk_test_time (2 * DAY);

  return g_strdup_printf ("%s?from=%s&to=%s", path, from, to);
}

/* Publishes three 1-hour slots starting 24 h from now for @token. */
static void
publish_slots (const char *token)
{
  g_autofree char *q = window_query ("/api/v1/me/slots");
  g_autofree char *s0 = bk_test_time (DAY), *s1 = bk_test_time (DAY + 3600);
  g_autofree char *s2 = bk_test_time (DAY + 7200), *s3 = bk_test_time (DAY + 10800);
  g_autofree char *body = g_strdup_printf ("[{\"start\":\"%s\",\"end\":\"%s\"},{\"start\":\"%s\",\"end\":\"%s\"},"
                                           "{\"start\":\"%s\",\"end\":\"%s\"}]", s0, s1, s1, s2, s2, s3);
  g_autoptr(BkTestResponse) r = call ("PUT", q, token, body);

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (r->json), "count"), ==, 3);
}

/* Publishes three 1-hour slots from @base in the window [base - 1 h, base + 4 h). */
static char *
publish_at (const char *token,
            gint64      base)
{
  g_autofree char *from = bk_test_time (base - 3600), *to = bk_test_time (base + 4 * 3600);
  g_autofree char *q = g_strdup_printf ("/api/v1/me/slots?from=%s&to=%s", from, to);
  g_autofree char *s0 = bk_test_time (base), *s1 = bk_test_time (base + 3600);
  g_autofree char *s2 = bk_test_time (base + 7200), *s3 = bk_test_time (base + 10800);
  g_autofree char *body = g_strdup_printf ("[{\"start\":\"%s\",\"end\":\"%s\"},{\"start\":\"%s\",\"end\":\"%s\"},"
                                           "{\"start\":\"%s\",\"end\":\"%s\"}]", s0, s1, s1, s2, s2, s3);
  g_autoptr(BkTestResponse) r = call ("PUT", q, token, body);

  g_assert_cmpuint (r->status, ==, 200);
  return g_steal_pointer (&q);
}

static BkTestResponse *
book (const char *slug,
      gint64      offset,
      const char *name,
      const char *email,
      const char *note)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/experts/%s/appointments", slug);
  g_autofree char *s = bk_test_time (offset), *e = bk_test_time (offset + 3600);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *body = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "start");
  json_builder_add_string_value (b, s);
  json_builder_set_member_name (b, "end");
  json_builder_add_string_value (b, e);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, name);
  json_builder_set_member_name (b, "email");
  json_builder_add_string_value (b, email);
  if (note != NULL)
    {
      json_builder_set_member_name (b, "note");
      json_builder_add_string_value (b, note);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  body = json_to_string (root, FALSE);
  return call ("POST", path, NULL, body);
}

static guint
count_free_slots (const char *slug)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/experts/%s/slots", slug);
  g_autofree char *q = window_query (path);
  g_autoptr(BkTestResponse) r = call ("GET", q, NULL, NULL);

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (r->json));
  return json_array_get_length (json_node_get_array (r->json));
}

/* ---------------------------------------------------------------------- */

static void
test_migrate (void)
{
  g_autofree char *made = bk_test_sql ("CREATE DATABASE toonew");
  g_autofree char *db = g_strdup (bk_test_cluster_url ());
  g_autofree char *binary = g_build_filename (g_getenv ("BK_BUILD_ROOT"), "src", "server",
                                              "bookable-server", NULL);
  int status = 0;
  g_autofree char *err = NULL;

  strcpy (strrchr (db, '/') + 1, "toonew");
  for (guint i = 0; i < 2; i++)   /* idempotent: the second run applies nothing */
    {
      const char *argv[] = { binary, "migrate", "--database-url", db, NULL };
      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                    NULL, NULL, &status, NULL);
      g_assert_true (g_spawn_check_wait_status (status, NULL));
    }
  {
    const char *argv[] = { "psql", "-X", "-q", db, "-c",
                           "INSERT INTO schema_version (version) VALUES (999)", NULL };
    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                  NULL, NULL, NULL, NULL, &status, NULL);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
  {
    const char *argv[] = { binary, "migrate", "--database-url", db, NULL };
    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                  NULL, &err, &status, NULL);
    g_assert_false (g_spawn_check_wait_status (status, NULL));
    g_assert_nonnull (strstr (err, "upgrade bookable-server"));
  }
  {
    /* the shared database: every version applied exactly once, in order */
    g_autofree char *n = bk_test_sql ("SELECT count (*) = max (version) AND min (version) = 1"
                                      " FROM schema_version");
    g_assert_cmpstr (n, ==, "t");
  }
}


static int
run_cli (const char * const *args,
         char              **out_err)
{
  g_autofree char *binary = g_build_filename (g_getenv ("BK_BUILD_ROOT"), "src", "server",
                                              "bookable-server", NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  int status = 0;

  g_ptr_array_add (argv, binary);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                NULL, out_err, &status, NULL);
  return g_spawn_check_wait_status (status, NULL) ? 0 : 1;
}

static void
test_cli (void)
{
  const char *db = bk_test_cluster_url ();
  const char *bad_zone[] = { "expert", "add", "--email", "z@example.com", "--name", "Z", "--slug", "zed",
                             "--time-zone", "Moon/Base", "--database-url", db, NULL };
  const char *bad_slug[] = { "expert", "add", "--email", "z@example.com", "--name", "Z", "--slug", "Zed Z",
                             "--time-zone", "UTC", "--database-url", db, NULL };
  const char *dup_email[] = { "expert", "add", "--email", "ALICE@example.com", "--name", "A2", "--slug", "alice2",
                              "--time-zone", "UTC", "--database-url", db, NULL };
  const char *no_db[] = { "migrate", NULL };
  const char *bad_db[] = { "migrate", "--database-url", "postgresql://nobody@127.0.0.1:1/none", NULL };
  const char *unknown[] = { "frobnicate", NULL };
  g_autofree char *e1 = NULL, *e2 = NULL, *e3 = NULL, *e4 = NULL, *e5 = NULL, *e6 = NULL;
  g_autofree char *hash = NULL;

  g_assert_cmpint (run_cli (bad_zone, &e1), !=, 0);
  g_assert_nonnull (strstr (e1, "--time-zone"));
  g_assert_cmpint (run_cli (bad_slug, &e2), !=, 0);
  g_assert_cmpint (run_cli (dup_email, &e3), !=, 0);   /* emails are unique, ignoring case */
  g_assert_nonnull (strstr (e3, "experts_email_key"));
  g_unsetenv ("BOOKABLE_DATABASE_URL");
  g_assert_cmpint (run_cli (no_db, &e4), !=, 0);
  g_assert_nonnull (strstr (e4, "--database-url"));
  g_assert_cmpint (run_cli (bad_db, &e5), !=, 0);
  g_assert_nonnull (strstr (e5, "Cannot connect"));
  g_assert_cmpint (run_cli (unknown, &e6), !=, 0);
  /* passwords are argon2id hashes, never the password */
  hash = bk_test_sql ("SELECT bool_and (password_hash LIKE '$argon2id$v=19$%') FROM experts");
  g_assert_cmpstr (hash, ==, "t");
}

static void
test_session (void)
{
  g_autoptr(BkTestResponse) bad = call ("POST", "/api/v1/session", NULL,
                                        "{\"email\":\"alice@example.com\",\"password\":\"wrong\"}");
  g_autoptr(BkTestResponse) junk = call ("POST", "/api/v1/session", NULL, "{\"email\":");
  g_autoptr(BkTestResponse) extra = call ("POST", "/api/v1/session", NULL,
                                          "{\"email\":\"a@b.cd\",\"password\":\"x\",\"admin\":true}");
  g_autoptr(BkTestResponse) missing = call ("POST", "/api/v1/session", NULL, "{\"email\":\"a@b.cd\"}");
  g_autoptr(BkTestResponse) anon = call ("GET", "/api/v1/me", NULL, NULL);
  g_autoptr(BkTestResponse) forged = call ("GET", "/api/v1/me", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL);
  g_autofree char *pw = bk_test_expert_add ("carl@example.com", "Carl", "carl", "UTC");
  g_autofree char *token = bk_test_sign_in (session, server->url, "carl@example.com", pw);
  g_autoptr(BkTestResponse) me = call ("GET", "/api/v1/me", token, NULL);
  g_autoptr(BkTestResponse) out = call ("DELETE", "/api/v1/session", token, NULL);
  g_autoptr(BkTestResponse) after = call ("GET", "/api/v1/me", token, NULL);
  g_autofree char *stored = bk_test_sql ("SELECT count (*) FROM sessions WHERE length (token_hash) = 32");

  assert_error (bad, 401, "invalid_credentials");
  assert_error (junk, 400, "invalid_json");
  assert_error (extra, 400, "unknown_field");
  assert_error (missing, 422, "invalid_field");
  assert_error (anon, 401, "unauthorized");
  assert_error (forged, 401, "unauthorized");
  g_assert_cmpuint (me->status, ==, 200);
  g_assert_cmpstr (bk_test_json_string (me, "slug"), ==, "carl");
  g_assert_cmpuint (out->status, ==, 204);
  assert_error (after, 401, "unauthorized");
  /* the database has only hashes, never a token */
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM sessions WHERE"
                                            " encode (token_hash, 'escape') LIKE '%%%s%%'", token);
    g_autofree char *n = bk_test_sql (sql);
    g_assert_cmpstr (n, ==, "0");
  }
  g_assert_cmpint (atoi (stored), >=, 2);
}

static void
test_rate_limit (void)
{
  g_autofree char *pw = bk_test_expert_add ("dora@example.com", "Dora", "dora", "UTC");
  g_autofree char *good = g_strdup_printf ("{\"email\":\"dora@example.com\",\"password\":\"%s\"}", pw);

  for (guint i = 0; i < 10; i++)
    {
      g_autoptr(BkTestResponse) r = call ("POST", "/api/v1/session", NULL,
                                          "{\"email\":\"DORA@example.com\",\"password\":\"guess\"}");
      assert_error (r, 401, "invalid_credentials");
    }
  {
    /* even the right password is refused now: guessing is throttled */
    g_autoptr(BkTestResponse) r = call ("POST", "/api/v1/session", NULL, good);
    assert_error (r, 429, "rate_limited");
    g_assert_cmpstr (r->retry_after, ==, "900");
  }
  g_free (bk_test_sql ("DELETE FROM sign_in_failures"));
  {
    g_autoptr(BkTestResponse) r = call ("POST", "/api/v1/session", NULL, good);
    g_assert_cmpuint (r->status, ==, 200);
  }
}

static void
test_profile (void)
{
  g_autoptr(BkTestResponse) r1 = call ("PATCH", "/api/v1/me", alice_token,
                                       "{\"display_name\":\"Dr. Alice\",\"time_zone\":\"America/New_York\"}");
  g_autoptr(BkTestResponse) zone = call ("PATCH", "/api/v1/me", alice_token, "{\"time_zone\":\"Mars/Olympus\"}");
  g_autoptr(BkTestResponse) offset = call ("PATCH", "/api/v1/me", alice_token, "{\"time_zone\":\"+01:00\"}");
  g_autoptr(BkTestResponse) slug = call ("PATCH", "/api/v1/me", alice_token, "{\"slug\":\"Not A Slug\"}");
  g_autoptr(BkTestResponse) taken = call ("PATCH", "/api/v1/me", alice_token, "{\"slug\":\"bob\"}");
  g_autoptr(BkTestResponse) empty = call ("PATCH", "/api/v1/me", alice_token, "{\"display_name\":\"\"}");
  g_autoptr(BkTestResponse) type = call ("PATCH", "/api/v1/me", alice_token, "{\"display_name\":42}");
  g_autoptr(BkTestResponse) unknown = call ("PATCH", "/api/v1/me", alice_token, "{\"email\":\"x@y.zz\"}");
  g_autoptr(BkTestResponse) ctrl = call ("PATCH", "/api/v1/me", alice_token, "{\"display_name\":\"a\\u0007b\"}");
  g_autoptr(BkTestResponse) me = call ("GET", "/api/v1/me", alice_token, NULL);

  g_assert_cmpuint (r1->status, ==, 200);
  g_assert_cmpstr (bk_test_json_string (r1, "display_name"), ==, "Dr. Alice");
  assert_error (zone, 422, "invalid_field");
  assert_error (offset, 422, "invalid_field");
  assert_error (slug, 422, "invalid_field");
  assert_error (taken, 409, "slug_taken");
  assert_error (empty, 422, "invalid_field");
  assert_error (type, 422, "invalid_field");
  assert_error (unknown, 400, "unknown_field");
  assert_error (ctrl, 422, "invalid_field");
  g_assert_cmpstr (bk_test_json_string (me, "time_zone"), ==, "America/New_York");
  g_assert_cmpstr (bk_test_json_string (me, "slug"), ==, "alice");
  g_assert_cmpstr (bk_test_json_string (me, "integration/type"), ==, "manual");
}

static void
test_integration (void)
{
  const char *secrets[] = {
    "{\"type\":\"office365_calendar\",\"details\":{\"account\":\"a@contoso.com\",\"refresh_token\":\"0.AX\"}}",
    "{\"type\":\"office365_calendar\",\"details\":{\"account\":\"a@contoso.com\",\"calendars\":[{\"id\":\"c\",\"Access_Token\":\"x\"}]}}",
    "{\"type\":\"google_calendar\",\"details\":{\"account\":\"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl\"}}",
    "{\"type\":\"google_calendar\",\"details\":{\"account\":\"a@gmail.com\",\"note\":\"ya29.a0AfH6SM\"}}",
    "{\"type\":\"google_calendar\",\"details\":{\"client_secret\":\"GOCSPX\"}}",
  };
  g_autoptr(BkTestResponse) o365 = call ("POST", "/api/v1/me/integration", alice_token,
    "{\"type\":\"office365_calendar\",\"details\":{\"account\":\"alice@contoso.com\",\"tenant\":\"contoso.onmicrosoft.com\","
    "\"calendars\":[\"AAMkAGI2TGuLAAA=\"]}}");
  g_autoptr(BkTestResponse) google = NULL, manual = NULL, bad_type = NULL, no_details = NULL;

  g_assert_cmpuint (o365->status, ==, 200);
  g_assert_cmpstr (bk_test_json_string (o365, "integration/type"), ==, "office365_calendar");
  g_assert_cmpstr (bk_test_json_string (o365, "integration/office365_calendar/tenant"), ==, "contoso.onmicrosoft.com");
  for (gsize i = 0; i < G_N_ELEMENTS (secrets); i++)
    {
      g_autoptr(BkTestResponse) r = call ("POST", "/api/v1/me/integration", alice_token, secrets[i]);
      assert_error (r, 422, "secret_in_details");
    }
  google = call ("POST", "/api/v1/me/integration", alice_token,
                 "{\"type\":\"google_calendar\",\"details\":{\"account\":\"alice@gmail.com\"}}");
  g_assert_cmpstr (bk_test_json_string (google, "integration/type"), ==, "google_calendar");
  manual = call ("POST", "/api/v1/me/integration", alice_token, "{\"type\":\"manual\"}");
  g_assert_cmpstr (bk_test_json_string (manual, "integration/type"), ==, "manual");
  bad_type = call ("POST", "/api/v1/me/integration", alice_token, "{\"type\":\"caldav\",\"details\":{}}");
  assert_error (bad_type, 422, "invalid_field");
  no_details = call ("POST", "/api/v1/me/integration", alice_token, "{\"type\":\"google_calendar\"}");
  assert_error (no_details, 422, "invalid_field");
  /* the SQL functions themselves: disconnect reverts to manual */
  g_free (bk_test_sql ("SELECT connect_office365_calendar (id, '{\"account\":\"x@y.zz\"}') FROM experts WHERE slug = 'alice'"));
  g_free (bk_test_sql ("SELECT disconnect_office365_calendar (id) FROM experts WHERE slug = 'alice'"));
  {
    g_autofree char *t = bk_test_sql ("SELECT integration_type FROM expert_profiles p JOIN experts e"
                                      " ON e.id = p.expert_id WHERE slug = 'alice'");
    g_assert_cmpstr (t, ==, "manual");
  }
}

static void
test_booking (void)
{
  g_autoptr(BkTestResponse) ok = NULL, again = NULL, unpublished = NULL, past = NULL;
  g_autoptr(BkTestResponse) nobody = NULL;
  const char *cancel_url;

  publish_slots (alice_token);
  g_assert_cmpuint (count_free_slots ("alice"), ==, 3);
  ok = book ("alice", DAY, "Zoë Client", "zoe@example.org", "first visit");
  g_assert_cmpuint (ok->status, ==, 201);
  g_assert_cmpstr (bk_test_json_string (ok, "appointment/status"), ==, "booked");
  g_assert_cmpstr (bk_test_json_string (ok, "appointment/name"), ==, "Zoë Client");
  cancel_url = bk_test_json_string (ok, "cancel_url");
  g_assert_true (g_str_has_prefix (cancel_url, server->url));
  g_assert_nonnull (strstr (cancel_url, "/book/cancel?token="));
  g_assert_cmpuint (count_free_slots ("alice"), ==, 2);
  again = book ("alice", DAY, "Mallory", "m@example.org", NULL);
  assert_error (again, 409, "slot_taken");
  unpublished = book ("alice", DAY + 30 * 60, "Mallory", "m@example.org", NULL);
  assert_error (unpublished, 409, "slot_unavailable");
  past = book ("alice", -DAY, "Mallory", "m@example.org", NULL);
  assert_error (past, 409, "slot_unavailable");
  nobody = book ("nobody-here", DAY, "Mallory", "m@example.org", NULL);
  assert_error (nobody, 404, "not_found");
}

static void
test_booking_validation (void)
{
  g_autofree char *s = bk_test_time (DAY + 3600), *e = bk_test_time (DAY + 7200);
  g_autofree char *long_name = g_strnfill (201, 'n');
  g_autofree char *long_note = g_strnfill (2001, 'n');
  struct { const char *body; guint status; const char *code; } cases[] = {
    { "{\"start\":\"%s\",\"end\":\"%s\",\"name\":\"N\",\"email\":\"not-an-email\"}", 422, "invalid_field" },
    { "{\"start\":\"%s\",\"end\":\"%s\",\"name\":\"\",\"email\":\"n@example.org\"}", 422, "invalid_field" },
    { "{\"start\":\"%s\",\"end\":\"%s\",\"email\":\"n@example.org\"}", 422, "invalid_field" },
    { "{\"start\":\"%s\",\"end\":\"%s\",\"name\":\"N\",\"email\":\"n@example.org\",\"paid\":true}", 400, "unknown_field" },
    { "{\"start\":\"%s\",\"end\":\"%s\",\"name\":[\"N\"],\"email\":\"n@example.org\"}", 422, "invalid_field" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) tpl = g_string_new (cases[i].body);
      g_autofree char *body = NULL;

      g_string_replace (tpl, "\"%s\",\"end\":\"%s\"", "\"START\",\"end\":\"END\"", 1);
      g_string_replace (tpl, "START", s, 1);
      g_string_replace (tpl, "END", e, 1);
      body = g_string_free (g_steal_pointer (&tpl), FALSE);
      g_autoptr(BkTestResponse) r = call ("POST", "/api/v1/experts/alice/appointments", NULL, body);
      assert_error (r, cases[i].status, cases[i].code);
    }
  {
    g_autoptr(BkTestResponse) r1 = book ("alice", DAY + 3600, long_name, "n@example.org", NULL);
    g_autoptr(BkTestResponse) r2 = book ("alice", DAY + 3600, "N", "n@example.org", long_note);
    g_autofree char *body = g_strdup_printf ("{\"start\":\"%s\",\"end\":\"%s\",\"name\":\"N\",\"email\":\"n@example.org\"}", e, s);
    g_autoptr(BkTestResponse) r3 = call ("POST", "/api/v1/experts/alice/appointments", NULL, body);
    g_autoptr(BkTestResponse) r4 = call ("POST", "/api/v1/experts/alice/appointments", NULL,
      "{\"start\":\"2030-01-01T09:00:00\",\"end\":\"2030-01-01T10:00:00\",\"name\":\"N\",\"email\":\"n@example.org\"}");
    g_autoptr(BkTestResponse) r5 = call ("POST", "/api/v1/experts/alice/appointments", NULL, "[1,2]");
    g_autoptr(BkTestResponse) r6 = call ("GET", "/api/v1/experts/alice/slots?from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z", NULL, NULL);
    g_autoptr(BkTestResponse) r7 = call ("GET", "/api/v1/experts/alice/slots?from=yesterday&to=2030-01-01T00:00:00Z", NULL, NULL);
    g_autoptr(BkTestResponse) r8 = call ("GET", "/api/v1/experts/alice/slots?from=2020-01-01T00:00:00Z&to=2030-01-01T00:00:00Z", NULL, NULL);

    assert_error (r1, 422, "invalid_field");
    assert_error (r2, 422, "invalid_field");
    assert_error (r3, 422, "invalid_field");   /* end before start */
    assert_error (r4, 422, "invalid_field");   /* no offset */
    assert_error (r5, 400, "invalid_json");
    assert_error (r6, 422, "invalid_field");
    assert_error (r7, 422, "invalid_field");
    assert_error (r8, 422, "invalid_field");   /* window too wide */
  }
  g_assert_cmpuint (count_free_slots ("alice"), ==, 2);   /* nothing above booked */
}

static void
test_slots_validation (void)
{
  g_autofree char *q = window_query ("/api/v1/me/slots");
  g_autofree char *in = bk_test_time (DAY + 3600), *in2 = bk_test_time (DAY + 7200);
  g_autofree char *out = bk_test_time (5 * DAY), *out2 = bk_test_time (5 * DAY + 3600);
  g_autofree char *outside = g_strdup_printf ("[{\"start\":\"%s\",\"end\":\"%s\"}]", out, out2);
  g_autofree char *extra = g_strdup_printf ("[{\"start\":\"%s\",\"end\":\"%s\",\"x\":1}]", in, in2);
  g_autofree char *inverted = g_strdup_printf ("[{\"start\":\"%s\",\"end\":\"%s\"}]", in2, in);
  g_autoptr(BkTestResponse) r1 = call ("PUT", q, alice_token, outside);
  g_autoptr(BkTestResponse) r2 = call ("PUT", q, alice_token, extra);
  g_autoptr(BkTestResponse) r3 = call ("PUT", q, alice_token, inverted);
  g_autoptr(BkTestResponse) r4 = call ("PUT", q, alice_token, "{\"start\":1}");
  g_autoptr(BkTestResponse) r5 = call ("PUT", "/api/v1/me/slots", alice_token, "[]");

  assert_error (r1, 422, "invalid_field");
  assert_error (r2, 400, "unknown_field");
  assert_error (r3, 422, "invalid_field");
  assert_error (r4, 400, "invalid_json");
  assert_error (r5, 422, "invalid_field");
  g_assert_cmpuint (count_free_slots ("alice"), ==, 2);   /* failed PUTs changed nothing */
}

static JsonArray *
changes_of (BkTestResponse *r)
{
  g_assert_cmpuint (r->status, ==, 200);
  return json_object_get_array_member (json_node_get_object (r->json), "changes");
}

static void
test_changes (void)
{
  g_autoptr(BkTestResponse) all = call ("GET", "/api/v1/me/changes?after=0&limit=1000", alice_token, NULL);
  JsonArray *a = changes_of (all);
  gint64 last = 0, next;
  guint n = json_array_get_length (a), seen = 0, appointments = 0;
  g_autoptr(BkTestResponse) bad1 = call ("GET", "/api/v1/me/changes?after=-1", alice_token, NULL);
  g_autoptr(BkTestResponse) bad2 = call ("GET", "/api/v1/me/changes?limit=0", alice_token, NULL);
  g_autoptr(BkTestResponse) bad3 = call ("GET", "/api/v1/me/changes?limit=abc", alice_token, NULL);

  g_assert_cmpuint (n, >=, 3);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *c = json_array_get_object_element (a, i);
      gint64 seq = json_object_get_int_member (c, "seq");

      g_assert_cmpint (seq, >, last);
      last = seq;
      if (g_strcmp0 (json_object_get_string_member (c, "kind"), "appointment") == 0)
        appointments++;
    }
  g_assert_cmpuint (appointments, >=, 1);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (all->json), "next"), ==, last);
  /* paging with limit=2 walks the same feed */
  next = 0;
  while (TRUE)
    {
      g_autofree char *p = g_strdup_printf ("/api/v1/me/changes?after=%" G_GINT64_FORMAT "&limit=2", next);
      g_autoptr(BkTestResponse) page = call ("GET", p, alice_token, NULL);
      guint len = json_array_get_length (changes_of (page));

      if (len == 0)
        {
          g_assert_cmpint (json_object_get_int_member (json_node_get_object (page->json), "next"), ==, next);
          break;
        }
      g_assert_cmpuint (len, <=, 2);
      seen += len;
      next = json_object_get_int_member (json_node_get_object (page->json), "next");
    }
  g_assert_cmpuint (seen, ==, n);
  assert_error (bad1, 422, "invalid_field");
  assert_error (bad2, 422, "invalid_field");
  assert_error (bad3, 422, "invalid_field");
}

static char *
booked_id (gint64 offset)
{
  g_autoptr(BkTestResponse) r = book ("alice", offset, "Yann", "yann@example.org", NULL);

  g_assert_cmpuint (r->status, ==, 201);
  return g_strdup (bk_test_json_string (r, "appointment/id"));
}

static void
test_appointments (void)
{
  g_autofree char *id = booked_id (DAY + 3600);
  g_autofree char *path = g_strdup_printf ("/api/v1/me/appointments/%s", id);
  g_autofree char *cancel = g_strdup_printf ("/api/v1/me/appointments/%s/cancel", id);
  g_autofree char *s = bk_test_time (3 * DAY), *e = bk_test_time (3 * DAY + 1800);
  g_autofree char *move = g_strdup_printf ("{\"start\":\"%s\",\"end\":\"%s\"}", s, e);
  g_autoptr(BkTestResponse) ev = call ("PATCH", path, alice_token, "{\"calendar_event_id\":\"AAMkEvent1\"}");
  g_autoptr(BkTestResponse) both = NULL, moved = NULL, old_cancel = NULL, c1 = NULL, c2 = NULL;
  g_autoptr(BkTestResponse) missing = NULL, malformed = NULL;
  g_autofree char *new_path = NULL, *new_cancel = NULL, *old_status = NULL;

  g_assert_cmpuint (ev->status, ==, 200);
  g_assert_cmpstr (bk_test_json_string (ev, "calendar_event_id"), ==, "AAMkEvent1");
  both = call ("PATCH", path, alice_token, "{\"calendar_event_id\":\"x\",\"start\":\"2030-01-01T00:00:00Z\"}");
  assert_error (both, 422, "invalid_field");
  moved = call ("PATCH", path, alice_token, move);
  g_assert_cmpuint (moved->status, ==, 200);
  g_assert_cmpstr (bk_test_json_string (moved, "start"), ==, s);
  g_assert_cmpstr (bk_test_json_string (moved, "calendar_event_id"), ==, "AAMkEvent1");
  g_assert_cmpstr (bk_test_json_string (moved, "status"), ==, "booked");
  {
    g_autofree char *sql = g_strdup_printf ("SELECT status || ' ' || (rescheduled_to IS NOT NULL)"
                                            " FROM appointments WHERE id = '%s'", id);
    old_status = bk_test_sql (sql);
  }
  g_assert_cmpstr (old_status, ==, "rescheduled true");
  old_cancel = call ("POST", cancel, alice_token, NULL);
  assert_error (old_cancel, 409, "not_booked");
  new_cancel = g_strdup_printf ("/api/v1/me/appointments/%s/cancel", bk_test_json_string (moved, "id"));
  c1 = call ("POST", new_cancel, alice_token, "{\"reason\":\"ill\"}");
  g_assert_cmpuint (c1->status, ==, 200);
  g_assert_cmpstr (bk_test_json_string (c1, "status"), ==, "cancelled");
  g_assert_cmpstr (bk_test_json_string (c1, "cancel_reason"), ==, "ill");
  c2 = call ("POST", new_cancel, alice_token, NULL);
  assert_error (c2, 409, "not_booked");
  missing = call ("PATCH", "/api/v1/me/appointments/00000000-0000-0000-0000-000000000000",
                  alice_token, "{\"calendar_event_id\":\"x\"}");
  assert_error (missing, 404, "not_found");
  malformed = call ("PATCH", "/api/v1/me/appointments/1%20OR%201=1", alice_token, "{\"calendar_event_id\":\"x\"}");
  assert_error (malformed, 404, "not_found");
  (void) new_path;
}

static void
test_public_cancel (void)
{
  g_autoptr(BkTestResponse) b = book ("alice", DAY + 7200, "Xavier", "x@example.org", NULL);
  const char *cancel_url = bk_test_json_string (b, "cancel_url");
  g_autofree char *token = g_strdup (strstr (cancel_url, "token=") + 6);
  g_autofree char *body = g_strdup_printf ("{\"token\":\"%s\"}", token);
  g_autoptr(BkTestResponse) c1 = call ("POST", "/api/v1/appointments/cancel", NULL, body);
  g_autoptr(BkTestResponse) c2 = call ("POST", "/api/v1/appointments/cancel", NULL, body);
  g_autoptr(BkTestResponse) c3 = call ("POST", "/api/v1/appointments/cancel", NULL,
                                       "{\"token\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}");
  g_autoptr(BkTestResponse) c4 = call ("POST", "/api/v1/appointments/cancel", NULL, "{\"token\":\"' OR 1=1 --\"}");

  g_assert_cmpuint (b->status, ==, 201);
  g_assert_cmpuint (c1->status, ==, 200);
  g_assert_cmpstr (bk_test_json_string (c1, "appointment/status"), ==, "cancelled");
  assert_error (c2, 409, "not_booked");
  assert_error (c3, 404, "not_found");
  assert_error (c4, 404, "not_found");
  /* the slot is free again */
  {
    g_autoptr(BkTestResponse) again = book ("alice", DAY + 7200, "Walter", "w@example.org", NULL);
    g_assert_cmpuint (again->status, ==, 201);
  }
}

/* Every expert route, with bob's token, on alice's data. */
static void
test_isolation (void)
{
  g_autofree char *id = NULL, *slots = NULL;
  g_autofree char *path = NULL, *cancel = NULL, *sql = NULL, *count = NULL;
  g_autoptr(BkTestResponse) p = NULL, c = NULL, me = NULL, ch = NULL;
  g_autoptr(BkTestResponse) alice_again = NULL, b = NULL;
  g_autofree char *s = bk_test_time (4 * DAY + 3600), *e = bk_test_time (4 * DAY + 7200);
  g_autofree char *move = g_strdup_printf ("{\"start\":\"%s\",\"end\":\"%s\"}", s, e);

  slots = publish_at (alice_token, 4 * DAY);
  b = book ("alice", 4 * DAY, "Yves", "yves@example.org", NULL);
  g_assert_cmpuint (b->status, ==, 201);
  id = g_strdup (bk_test_json_string (b, "appointment/id"));
  path = g_strdup_printf ("/api/v1/me/appointments/%s", id);
  cancel = g_strdup_printf ("%s/cancel", path);
  p = call ("PATCH", path, bob_token, "{\"calendar_event_id\":\"stolen\"}");
  assert_error (p, 404, "not_found");
  {
    g_autoptr(BkTestResponse) m = call ("PATCH", path, bob_token, move);
    assert_error (m, 404, "not_found");
  }
  c = call ("POST", cancel, bob_token, NULL);
  assert_error (c, 404, "not_found");
  me = call ("GET", "/api/v1/me", bob_token, NULL);
  g_assert_cmpstr (bk_test_json_string (me, "slug"), ==, "bob");
  ch = call ("GET", "/api/v1/me/changes?after=0&limit=1000", bob_token, NULL);
  g_assert_cmpuint (ch->status, ==, 200);
  g_assert_null (strstr (ch->body, id));
  g_assert_null (strstr (ch->body, "alice"));
  {
    /* bob's PUT of the same window leaves alice's slots alone */
    g_autoptr(BkTestResponse) r = call ("PUT", slots, bob_token, "[]");
    g_autofree char *q = g_strdup_printf ("/api/v1/experts/alice/slots%s", strchr (slots, '?'));
    g_autoptr(BkTestResponse) free_slots = NULL;

    g_assert_cmpuint (r->status, ==, 200);
    free_slots = call ("GET", q, NULL, NULL);
    g_assert_cmpuint (json_array_get_length (json_node_get_array (free_slots->json)), ==, 2);
  }
  {
    g_autoptr(BkTestResponse) r = call ("PATCH", "/api/v1/me", bob_token, "{\"display_name\":\"Bobby\"}");
    g_autoptr(BkTestResponse) i = call ("POST", "/api/v1/me/integration", bob_token, "{\"type\":\"manual\"}");
    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpuint (i->status, ==, 200);
  }
  alice_again = call ("GET", "/api/v1/me", alice_token, NULL);
  g_assert_cmpstr (bk_test_json_string (alice_again, "display_name"), ==, "Dr. Alice");
  sql = g_strdup_printf ("SELECT status || coalesce (calendar_event_id, '-') FROM appointments WHERE id = '%s'", id);
  count = bk_test_sql (sql);
  g_assert_cmpstr (count, ==, "booked-");
}

static void
test_idempotency (void)
{
  g_autofree char *u = url ("/api/v1/me");
  g_autoptr(BkTestResponse) r1 = bk_test_request (session, "PATCH", u, alice_token, "key-1", "{\"display_name\":\"Alice One\"}");
  g_autoptr(BkTestResponse) mid = bk_test_request (session, "PATCH", u, alice_token, NULL, "{\"display_name\":\"Alice Two\"}");
  g_autoptr(BkTestResponse) r2 = bk_test_request (session, "PATCH", u, alice_token, "key-1", "{\"display_name\":\"Alice One\"}");
  g_autoptr(BkTestResponse) r3 = bk_test_request (session, "PATCH", u, alice_token, "key-1", "{\"display_name\":\"Alice Three\"}");
  g_autoptr(BkTestResponse) bob = bk_test_request (session, "PATCH", u, bob_token, "key-1", "{\"display_name\":\"Bob One\"}");
  g_autoptr(BkTestResponse) err1 = bk_test_request (session, "PATCH", u, alice_token, "key-2", "{\"time_zone\":\"Nowhere/Land\"}");
  g_autoptr(BkTestResponse) err2 = bk_test_request (session, "PATCH", u, alice_token, "key-2", "{\"time_zone\":\"Nowhere/Land\"}");
  g_autoptr(BkTestResponse) me = call ("GET", "/api/v1/me", alice_token, NULL);

  g_assert_cmpuint (r1->status, ==, 200);
  g_assert_cmpuint (r2->status, ==, 200);
  g_assert_cmpstr (r2->body, ==, r1->body);   /* the stored answer, not a fresh one */
  g_assert_cmpstr (r2->replayed, ==, "true");
  g_assert_null (r1->replayed);
  assert_error (r3, 409, "idempotency_key_reused");
  g_assert_cmpuint (bob->status, ==, 200);    /* keys are per expert */
  g_assert_cmpstr (bk_test_json_string (bob, "display_name"), ==, "Bob One");
  assert_error (err1, 422, "invalid_field");
  assert_error (err2, 422, "invalid_field");
  g_assert_cmpuint (mid->status, ==, 200);
  /* the replay did not write "Alice One" over "Alice Two" */
  g_assert_cmpstr (bk_test_json_string (me, "display_name"), ==, "Alice Two");
  {
    g_autoptr(BkTestResponse) r = call ("PATCH", "/api/v1/me", alice_token, "{\"display_name\":\"Dr. Alice\"}");
    g_assert_cmpuint (r->status, ==, 200);
  }
}

/* Strings that break naive SQL or HTML go in and come out verbatim. */
static void
test_hostile_strings (void)
{
  const char *evil_name = "Robert'); DROP TABLE appointments;-- <script>alert(1)</script>";
  const char *evil_note = "\" onmouseover=\"alert(2)\" '; SELECT pg_sleep(5); -- & <img src=x onerror=alert(3)>";
  g_autofree char *slots = publish_at (alice_token, 5 * DAY);
  g_autoptr(BkTestResponse) b = book ("alice", 5 * DAY, evil_name, "evil@example.org", evil_note);
  g_autoptr(BkTestResponse) name = call ("PATCH", "/api/v1/me", bob_token,
                                         "{\"display_name\":\"Bob <script>alert('x')</script> & 'co'\"}");
  g_autoptr(BkTestResponse) ch = call ("GET", "/api/v1/me/changes?after=0&limit=1000", alice_token, NULL);
  g_autofree char *tables = bk_test_sql ("SELECT count (*) FROM appointments");
  g_autofree char *stored = bk_test_sql ("SELECT note FROM appointments WHERE client_email = 'evil@example.org'");
  JsonArray *a = json_object_get_array_member (json_node_get_object (ch->json), "changes");
  gboolean seen = FALSE;

  g_assert_cmpuint (b->status, ==, 201);
  g_assert_cmpstr (bk_test_json_string (b, "appointment/name"), ==, evil_name);
  g_assert_cmpstr (bk_test_json_string (b, "appointment/note"), ==, evil_note);
  g_assert_cmpstr (stored, ==, evil_note);
  g_assert_cmpint (atoi (tables), >, 0);
  g_assert_cmpuint (name->status, ==, 200);
  g_assert_cmpstr (bk_test_json_string (name, "display_name"), ==, "Bob <script>alert('x')</script> & 'co'");
  /* the app reads the text exactly as typed */
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonObject *c = json_array_get_object_element (a, i);
      JsonObject *ap = json_object_has_member (c, "appointment")
                       ? json_object_get_object_member (c, "appointment") : NULL;

      if (ap != NULL && g_strcmp0 (json_object_get_string_member (ap, "name"), evil_name) == 0)
        seen = TRUE;
    }
  g_assert_true (seen);

  /* the expert's own text fields and a quote in an email address, too */
  {
    const char *evil_event = "'; DROP TABLE slots; -- <script>alert(4)</script>";
    const char *evil_reason = "\\'); DELETE FROM experts; -- </textarea>";
    g_autofree char *path = g_strdup_printf ("/api/v1/me/appointments/%s", bk_test_json_string (b, "appointment/id"));
    g_autofree char *cancel = g_strconcat (path, "/cancel", NULL);
    g_autoptr(JsonBuilder) jb = json_builder_new ();
    g_autoptr(JsonNode) jr = NULL;
    g_autofree char *ev_body = NULL, *reason_body = NULL, *experts = NULL;
    g_autoptr(BkTestResponse) ev = NULL, c = NULL, quote = NULL;

    json_builder_begin_object (jb);
    json_builder_set_member_name (jb, "calendar_event_id");
    json_builder_add_string_value (jb, evil_event);
    json_builder_end_object (jb);
    jr = json_builder_get_root (jb);
    ev_body = json_to_string (jr, FALSE);
    ev = call ("PATCH", path, alice_token, ev_body);
    g_assert_cmpuint (ev->status, ==, 200);
    g_assert_cmpstr (bk_test_json_string (ev, "calendar_event_id"), ==, evil_event);
    reason_body = g_strdup_printf ("{\"reason\":\"%s\"}", "\\\\'); DELETE FROM experts; -- </textarea>");
    c = call ("POST", cancel, alice_token, reason_body);
    g_assert_cmpuint (c->status, ==, 200);
    g_assert_cmpstr (bk_test_json_string (c, "cancel_reason"), ==, evil_reason);
    quote = book ("alice", 5 * DAY + 3600, "O'Hara", "o'hara@example.org", NULL);
    g_assert_cmpuint (quote->status, ==, 201);
    g_assert_cmpstr (bk_test_json_string (quote, "appointment/email"), ==, "o'hara@example.org");
    experts = bk_test_sql ("SELECT count (*) > 0 FROM experts");
    g_assert_cmpstr (experts, ==, "t");
  }
}


/* A raw form POST (or GET when @form is NULL) with an optional Cookie. */
static BkTestResponse *
page_request (const char *path,
              const char *cookie,
              const char *form,
              const char *origin)
{
  g_autofree char *u = url (path);
  g_autoptr(SoupMessage) msg = soup_message_new (form ? "POST" : "GET", u);
  g_autoptr(GBytes) bytes = NULL;
  BkTestResponse *r = g_new0 (BkTestResponse, 1);
  SoupMessageHeaders *rh;

  if (cookie != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Cookie", cookie);
  if (origin != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Origin", origin);
  if (form != NULL)
    {
      g_autoptr(GBytes) b = g_bytes_new (form, strlen (form));
      soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", b);
    }
  bytes = soup_session_send_and_read (session, msg, NULL, NULL);
  r->status = soup_message_get_status (msg);
  r->body = g_strndup (bytes ? g_bytes_get_data (bytes, NULL) : "", bytes ? g_bytes_get_size (bytes) : 0);
  if (r->body == NULL)
    r->body = g_strdup ("");
  rh = soup_message_get_response_headers (msg);
  r->content_type = g_strdup (soup_message_headers_get_content_type (rh, NULL));
  r->set_cookie = g_strdup (soup_message_headers_get_one (rh, "Set-Cookie"));
  return r;
}

/* "bk_csrf=…" from the page's Set-Cookie, and the same token for the form. */
static char *
csrf_cookie (BkTestResponse *page,
             char          **token)
{
  const char *c = page->set_cookie;

  g_assert_nonnull (c);
  g_assert_true (g_str_has_prefix (c, "bk_csrf="));
  g_assert_nonnull (strstr (c, "HttpOnly"));
  g_assert_nonnull (strstr (c, "SameSite=Strict"));
  *token = g_strndup (c + 8, 43);
  g_assert_nonnull (strstr (page->body, *token));   /* the hidden field carries it */
  return g_strndup (c, 8 + 43);
}

static char *
form_encode (const char *first, ...)
{
  g_autoptr(GString) out = g_string_new (NULL);
  va_list args;

  va_start (args, first);
  for (const char *k = first; k != NULL; k = va_arg (args, const char *))
    {
      const char *v = va_arg (args, const char *);
      g_autofree char *e = g_uri_escape_string (v, NULL, FALSE);

      g_string_append_printf (out, "%s%s=%s", out->len ? "&" : "", k, e);
    }
  va_end (args);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
test_page_escaping (void)
{
  /* bob's display name is "Bob <script>alert('x')</script> & 'co'" (test_hostile_strings) */
  g_autoptr(BkTestResponse) page = page_request ("/book/bob", NULL, NULL, NULL);
  g_autoptr(BkTestResponse) none = page_request ("/book/no-such-expert", NULL, NULL, NULL);
  g_autoptr(BkTestResponse) alice = page_request ("/book/alice?tz=UTC", NULL, NULL, NULL);
  g_autofree char *token = NULL, *cookie = csrf_cookie (alice, &token);
  g_autofree char *slot = NULL, *form = NULL;
  g_autoptr(BkTestResponse) bad = NULL;
  g_autofree char *s = bk_test_time (5 * DAY + 3600), *e = bk_test_time (5 * DAY + 7200);

  g_assert_cmpuint (page->status, ==, 200);
  g_assert_cmpstr (page->content_type, ==, "text/html");
  g_assert_nonnull (strstr (page->body, "Bob &lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt; &amp; &apos;co&apos;"));
  g_assert_null (strstr (page->body, "<script>alert"));
  g_assert_cmpuint (none->status, ==, 404);
  /* what a visitor typed comes back escaped when the form is refused */
  slot = g_strconcat (s, "/", e, NULL);
  form = form_encode ("csrf", token, "tz", "UTC", "slot", slot,
                      "name", "<script>alert(1)</script>", "email", "\"><img src=x onerror=alert(2)>",
                      "note", "</textarea><script>alert(3)</script>", NULL);
  bad = page_request ("/book/alice", cookie, form, NULL);
  g_assert_cmpuint (bad->status, ==, 422);
  g_assert_null (strstr (bad->body, "<script>alert"));
  g_assert_null (strstr (bad->body, "<img"));
  g_assert_nonnull (strstr (bad->body, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  g_assert_nonnull (strstr (bad->body, "&lt;/textarea&gt;&lt;script&gt;alert(3)"));
}

static void
test_page_booking (void)
{
  g_autofree char *slots = publish_at (alice_token, 6 * DAY);
  g_autofree char *s = bk_test_time (6 * DAY), *e = bk_test_time (6 * DAY + 3600);
  g_autofree char *slot = g_strconcat (s, "/", e, NULL);
  g_autoptr(BkTestResponse) page = page_request ("/book/alice?tz=UTC", NULL, NULL, NULL);
  g_autofree char *token = NULL, *cookie = csrf_cookie (page, &token);
  g_autofree char *form = form_encode ("csrf", token, "tz", "UTC", "slot", slot, "name", "Paula",
                                       "email", "paula@example.org", "note", "", NULL);
  g_autofree char *forged = form_encode ("csrf", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "tz", "UTC",
                                         "slot", slot, "name", "Eve", "email", "eve@example.org", NULL);
  g_autoptr(BkTestResponse) no_cookie = page_request ("/book/alice", NULL, form, NULL);
  g_autoptr(BkTestResponse) wrong_token = page_request ("/book/alice", cookie, forged, NULL);
  g_autoptr(BkTestResponse) cross_site = page_request ("/book/alice", cookie, form, "https://evil.example");
  g_autoptr(BkTestResponse) ok = NULL, taken = NULL, cancel_page = NULL, cancelled = NULL, again = NULL;
  g_autofree char *cancel_path = NULL, *cancel_token = NULL, *cancel_form = NULL;
  const char *link;

  /* CSRF: the cookie must be present, match the form, and the origin be ours */
  g_assert_cmpuint (no_cookie->status, ==, 403);
  g_assert_cmpuint (wrong_token->status, ==, 403);
  g_assert_cmpuint (cross_site->status, ==, 403);
  ok = page_request ("/book/alice", cookie, form, server->url);
  g_assert_cmpuint (ok->status, ==, 201);
  g_assert_nonnull (strstr (ok->body, "id=\"confirmation\""));
  link = strstr (ok->body, "/book/cancel?token=");
  g_assert_nonnull (link);
  cancel_token = g_strndup (link + strlen ("/book/cancel?token="), 43);
  taken = page_request ("/book/alice", cookie, form, NULL);
  g_assert_cmpuint (taken->status, ==, 409);
  cancel_path = g_strconcat ("/book/cancel?token=", cancel_token, NULL);
  cancel_page = page_request (cancel_path, cookie, NULL, NULL);
  g_assert_cmpuint (cancel_page->status, ==, 200);
  g_assert_nonnull (strstr (cancel_page->body, "name=\"token\""));
  cancel_form = form_encode ("csrf", token, "token", cancel_token, NULL);
  cancelled = page_request ("/book/cancel", cookie, cancel_form, NULL);
  g_assert_cmpuint (cancelled->status, ==, 200);
  again = page_request ("/book/cancel", cookie, cancel_form, NULL);
  g_assert_cmpuint (again->status, ==, 409);
  {
    g_autoptr(BkTestResponse) bad = page_request ("/book/cancel?token=nope", NULL, NULL, NULL);
    g_assert_cmpuint (bad->status, ==, 404);
  }
}

static void
test_page_time_zones (void)
{
  g_autofree char *slots = publish_at (alice_token, 7 * DAY);
  g_autofree char *start = bk_test_time (7 * DAY);
  g_autoptr(GDateTime) utc = g_date_time_new_from_iso8601 (start, NULL);
  g_autoptr(GTimeZone) kiri = g_time_zone_new_identifier ("Pacific/Kiritimati");
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, kiri);
  g_autofree char *utc_label = g_date_time_format (utc, "%H:%M–");
  g_autofree char *kiri_label = g_date_time_format (local, "%H:%M–");
  g_autofree char *kiri_day = g_date_time_format (local, "%A, %-d %B %Y");
  g_autoptr(BkTestResponse) a = page_request ("/book/alice?tz=UTC", NULL, NULL, NULL);
  g_autoptr(BkTestResponse) b = page_request ("/book/alice?tz=Pacific/Kiritimati", NULL, NULL, NULL);
  g_autoptr(BkTestResponse) c = page_request ("/book/alice?tz=Not/AZone", NULL, NULL, NULL);

  /* +14:00 moves the slot's label by 14 hours (and usually to the next day) */
  g_assert_nonnull (strstr (a->body, utc_label));
  g_assert_nonnull (strstr (b->body, kiri_label));
  g_assert_nonnull (strstr (b->body, kiri_day));
  g_assert_cmpuint (c->status, ==, 200);   /* an unknown zone falls back to the expert's */
  g_assert_nonnull (strstr (c->body, "<option selected>America/New_York</option>"));
}

static void
test_routes (void)
{
  g_autoptr(BkTestResponse) nf = call ("GET", "/api/v1/nothing", NULL, NULL);
  g_autoptr(BkTestResponse) root = call ("GET", "/", NULL, NULL);
  g_autoptr(BkTestResponse) m1 = call ("DELETE", "/api/v1/me", alice_token, NULL);
  g_autoptr(BkTestResponse) m2 = call ("GET", "/api/v1/experts/alice/appointments", NULL, NULL);
  g_autoptr(BkTestResponse) m3 = call ("GET", "/api/v1/appointments/cancel", NULL, NULL);
  g_autoptr(BkTestResponse) ct = NULL;
  g_autofree char *big = g_strnfill (100 * 1024, 'a');
  g_autoptr(BkTestResponse) huge = call ("POST", "/api/v1/session", NULL, big);

  assert_error (nf, 404, "not_found");
  assert_error (root, 404, "not_found");
  assert_error (m1, 405, "method_not_allowed");
  assert_error (m2, 405, "method_not_allowed");
  assert_error (m3, 405, "method_not_allowed");
  assert_error (huge, 413, "payload_too_large");
  {
    g_autofree char *u = url ("/api/v1/session");
    g_autoptr(SoupMessage) msg = soup_message_new ("POST", u);
    g_autoptr(GBytes) body = g_bytes_new_static ("email=a&password=b", 18);
    g_autoptr(GBytes) out = NULL;

    soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", body);
    out = soup_session_send_and_read (session, msg, NULL, NULL);
    g_assert_cmpuint (soup_message_get_status (msg), ==, 415);
  }
  (void) ct;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *alice_pw = NULL, *bob_pw = NULL;
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  server = bk_test_server_start (bk_test_cluster_url ());
  session = bk_test_session_new ();
  alice_pw = bk_test_expert_add ("alice@example.com", "Alice", "alice", "Europe/Berlin");
  bob_pw = bk_test_expert_add ("bob@example.com", "Bob", "bob", "Europe/London");
  alice_token = bk_test_sign_in (session, server->url, "alice@example.com", alice_pw);
  bob_token = bk_test_sign_in (session, server->url, "bob@example.com", bob_pw);

  g_test_add_func ("/server/migrate", test_migrate);
  g_test_add_func ("/server/cli", test_cli);
  g_test_add_func ("/server/session", test_session);
  g_test_add_func ("/server/rate-limit", test_rate_limit);
  g_test_add_func ("/server/profile", test_profile);
  g_test_add_func ("/server/integration", test_integration);
  g_test_add_func ("/server/booking", test_booking);
  g_test_add_func ("/server/booking-validation", test_booking_validation);
  g_test_add_func ("/server/slots-validation", test_slots_validation);
  g_test_add_func ("/server/changes", test_changes);
  g_test_add_func ("/server/appointments", test_appointments);
  g_test_add_func ("/server/public-cancel", test_public_cancel);
  g_test_add_func ("/server/isolation", test_isolation);
  g_test_add_func ("/server/idempotency", test_idempotency);
  g_test_add_func ("/server/hostile-strings", test_hostile_strings);
  g_test_add_func ("/server/routes", test_routes);
  g_test_add_func ("/server/page/escaping", test_page_escaping);
  g_test_add_func ("/server/page/booking", test_page_booking);
  g_test_add_func ("/server/page/time-zones", test_page_time_zones);

  status = g_test_run ();

  bk_test_server_stop (server, FALSE);
  g_clear_object (&session);
  g_free (alice_token);
  g_free (bob_token);
  bk_test_cluster_stop ();
  return status;
}
