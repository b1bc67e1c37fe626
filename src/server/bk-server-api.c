/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-server-api"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "bk-server-api.h"
#include "bk-server-api-private.h"
#include "bk-server-auth.h"
#include "bk-server-db.h"
#include "bk-server-validate.h"

/* Sign-in attempts that fail within 15 minutes before 429, per email / per address. */
#define MAX_FAILURES_PER_EMAIL 10
#define MAX_FAILURES_PER_IP    50
#define SESSION_DAYS           "30"

typedef BkServerResponse *(*ExpertHandler) (PGconn          *conn,
                                            BkServerRequest *request,
                                            const char      *expert_id,
                                            const char      *arg);

static BkServerResponse *
not_found (void)
{
  return bk_server_response_new_error (404, "not_found", _("No such resource"));
}

static BkServerResponse *
expert_json (PGconn     *conn,
             const char *expert_id)
{
  g_autoptr(GError) error = NULL;
  const char *params[] = { expert_id };
  g_autofree char *json = _bk_server_query_text (conn, "SELECT expert_json ($1)::text",
                                                 1, params, &error);

  if (json == NULL)
    return error ? _bk_server_db_failure (error) : not_found ();
  return _bk_server_json_text (200, json);
}

/* ---- sessions ------------------------------------------------------ */

static gboolean
rate_limited (PGconn     *conn,
              const char *email,
              const char *ip)
{
  const char *params[] = { email, ip ? ip : "" };
  g_autofree char *over = _bk_server_query_text (conn,
    "SELECT (SELECT count (*) FROM sign_in_failures WHERE email = lower ($1)"
    "         AND at > now () - interval '15 minutes') >= " G_STRINGIFY (MAX_FAILURES_PER_EMAIL)
    "    OR (SELECT count (*) FROM sign_in_failures WHERE email = 'ip:' || $2"
    "         AND at > now () - interval '15 minutes') >= " G_STRINGIFY (MAX_FAILURES_PER_IP),
    2, params, NULL);

  return over != NULL && strcmp (over, "t") == 0;
}

static BkServerResponse *
sign_in (PGconn          *conn,
         BkServerRequest *request)
{
  static const char * const allowed[] = { "email", "password", NULL };
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(PGresult) res = NULL;
  g_autoptr(GError) error = NULL;
  BkServerResponse *err = NULL;
  const char *email, *password;
  JsonObject *o;

  if ((o = bk_server_parse_object (request, allowed, &root, &err)) == NULL
      || !bk_server_get_string (o, "email", TRUE, 1, 254, FALSE, &email, &err)
      || !bk_server_get_string (o, "password", TRUE, 1, 1024, FALSE, &password, &err))
    return err;
  if (rate_limited (conn, email, request->remote_ip))
    {
      err = bk_server_response_new_error (429, "rate_limited",
                                          _("Too many failed sign-ins; wait 15 minutes"));
      bk_server_response_add_header (err, "Retry-After", "900");
      return err;
    }
  {
    const char *params[] = { email };
    res = bk_server_db_query (conn, "SELECT id, password_hash FROM experts"
                              " WHERE lower (email) = lower ($1)", 1, params, &error);
  }
  if (res == NULL)
    return _bk_server_db_failure (error);
  if (PQntuples (res) == 1
      && bk_server_auth_verify_password (PQgetvalue (res, 0, 1), password))
    {
      g_autofree char *token = bk_server_auth_new_token ();
      g_autofree char *hash = bk_server_auth_token_hash (token);
      const char *params[] = { hash, PQgetvalue (res, 0, 0) };
      g_autofree char *body = NULL;
      g_autofree char *expert = _bk_server_query_text (conn,
        "WITH s AS (INSERT INTO sessions (token_hash, expert_id, expires_at)"
        "           VALUES ($1, $2, now () + interval '" SESSION_DAYS " days'))"
        " SELECT expert_json ($2)::text", 2, params, &error);

      if (expert == NULL)
        return _bk_server_db_failure (error);
      body = g_strdup_printf ("{\"token\":\"%s\",\"expert\":%s}", token, expert);
      return _bk_server_json_text (200, body);
    }
  if (PQntuples (res) == 0)
    bk_server_auth_burn_verify (password);
  {
    const char *params[] = { email, request->remote_ip ? request->remote_ip : "" };
    g_autoptr(PGresult) r = bk_server_db_query (conn,
      "INSERT INTO sign_in_failures (email) VALUES (lower ($1)), ('ip:' || $2)", 2, params, NULL);
  }
  return bk_server_response_new_error (401, "invalid_credentials",
                                       _("Wrong email or password"));
}

static const char *
bearer_token (BkServerRequest *request)
{
  const char *auth = request->authorization;

  if (auth == NULL || g_ascii_strncasecmp (auth, "Bearer ", 7) != 0)
    return NULL;
  return auth + 7;
}

/* The expert id the bearer token belongs to, or NULL with a 401. */
static char *
authenticate (PGconn            *conn,
              BkServerRequest   *request,
              BkServerResponse **error_response)
{
  const char *token = bearer_token (request);
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;
  const char *params[1];
  char *id;

  if (token == NULL || strlen (token) != 43)
    {
      *error_response = bk_server_response_new_error (401, "unauthorized",
                                                      _("Sign in first (Authorization: Bearer …)"));
      bk_server_response_add_header (*error_response, "WWW-Authenticate", "Bearer");
      return NULL;
    }
  hash = bk_server_auth_token_hash (token);
  params[0] = hash;
  id = _bk_server_query_text (conn, "SELECT expert_id FROM sessions"
                              " WHERE token_hash = $1 AND expires_at > now ()",
                              1, params, &error);
  if (id == NULL)
    {
      *error_response = error ? _bk_server_db_failure (error)
                              : bk_server_response_new_error (401, "unauthorized",
                                                              _("The session is unknown or expired; sign in again"));
      if (error == NULL)
        bk_server_response_add_header (*error_response, "WWW-Authenticate", "Bearer");
    }
  return id;
}

static BkServerResponse *
sign_out (PGconn          *conn,
          BkServerRequest *request,
          const char      *expert_id,
          const char      *arg)
{
  g_autofree char *hash = bk_server_auth_token_hash (bearer_token (request));
  const char *params[] = { hash, expert_id };
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = bk_server_db_query (conn, "DELETE FROM sessions"
                                                " WHERE token_hash = $1 AND expert_id = $2",
                                                2, params, &error);

  return res ? bk_server_response_new (204, NULL, NULL) : _bk_server_db_failure (error);
}

/* ---- profile ------------------------------------------------------- */

static BkServerResponse *
get_me (PGconn          *conn,
        BkServerRequest *request,
        const char      *expert_id,
        const char      *arg)
{
  return expert_json (conn, expert_id);
}

static BkServerResponse *
patch_me (PGconn          *conn,
          BkServerRequest *request,
          const char      *expert_id,
          const char      *arg)
{
  static const char * const allowed[] = { "display_name", "slug", "time_zone", NULL };
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = NULL;
  BkServerResponse *err = NULL;
  const char *name, *slug, *zone;
  JsonObject *o;

  if ((o = bk_server_parse_object (request, allowed, &root, &err)) == NULL
      || !bk_server_get_string (o, "display_name", FALSE, 1, 200, FALSE, &name, &err)
      || !bk_server_get_string (o, "slug", FALSE, 1, 64, FALSE, &slug, &err)
      || !bk_server_get_string (o, "time_zone", FALSE, 1, 64, FALSE, &zone, &err))
    return err;
  if (slug != NULL && !bk_server_valid_slug (slug))
    return bk_server_response_new_error (422, "invalid_field",
                                         _("slug: use lower-case letters, digits and dashes"));
  if (zone != NULL && !bk_server_valid_zone (zone))
    return bk_server_response_new_error (422, "invalid_field",
                                         _("time_zone: not a known IANA time zone"));
  {
    const char *params[] = { expert_id, name, slug, zone };
    res = bk_server_db_query (conn, "UPDATE experts SET display_name = coalesce ($2, display_name),"
                              " slug = coalesce ($3, slug), time_zone = coalesce ($4, time_zone)"
                              " WHERE id = $1", 4, params, &error);
  }
  if (res == NULL && g_error_matches (error, BK_SERVER_DB_ERROR, BK_SERVER_DB_ERROR_DUPLICATE))
    return bk_server_response_new_error (409, "slug_taken", _("slug: another expert uses it"));
  if (res == NULL)
    return _bk_server_db_failure (error);
  return expert_json (conn, expert_id);
}

static BkServerResponse *
post_integration (PGconn          *conn,
                  BkServerRequest *request,
                  const char      *expert_id,
                  const char      *arg)
{
  static const char * const allowed[] = { "type", "details", NULL };
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = NULL;
  g_autofree char *details = NULL;
  BkServerResponse *err = NULL;
  const char *type, *sql;
  JsonNode *d;
  JsonObject *o;

  if ((o = bk_server_parse_object (request, allowed, &root, &err)) == NULL
      || !bk_server_get_string (o, "type", TRUE, 1, 40, FALSE, &type, &err))
    return err;
  d = json_object_get_member (o, "details");
  if (strcmp (type, "manual") == 0)
    sql = "SELECT disconnect_office365_calendar ($1), disconnect_google_calendar ($1)";
  else if (strcmp (type, "office365_calendar") == 0)
    sql = "SELECT connect_office365_calendar ($1, $2::jsonb)";
  else if (strcmp (type, "google_calendar") == 0)
    sql = "SELECT connect_google_calendar ($1, $2::jsonb)";
  else
    return bk_server_response_new_error (422, "invalid_field",
                                         _("type: one of manual, google_calendar, office365_calendar"));
  if (strcmp (type, "manual") != 0 && (d == NULL || !JSON_NODE_HOLDS_OBJECT (d)))
    return bk_server_response_new_error (422, "invalid_field",
                                         _("details: an object of non-secret facts (account, tenant, calendars)"));
  if (strcmp (type, "manual") == 0 && d != NULL && !JSON_NODE_HOLDS_NULL (d))
    return bk_server_response_new_error (422, "invalid_field", _("details: not used with manual"));
  details = d ? json_to_string (d, FALSE) : NULL;
  {
    const char *params[] = { expert_id, details };
    res = bk_server_db_query (conn, sql, details ? 2 : 1, params, &error);
  }
  if (res == NULL && g_error_matches (error, BK_SERVER_DB_ERROR, BK_SERVER_DB_ERROR_INVALID))
    return bk_server_response_new_error (422, "secret_in_details",
                                         _("details: must hold no tokens or secrets, only account, "
                                           "tenant and calendar choices"));
  if (res == NULL)
    return _bk_server_db_failure (error);
  return expert_json (conn, expert_id);
}

/* ---- slots and changes --------------------------------------------- */

/* The body as a canonical [{start, end}] JSON text, every slot in the window. */
static char *
parse_slots (BkServerRequest   *request,
             gint64             from,
             gint64             to,
             BkServerResponse **error_response)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GString) out = g_string_new ("[");
  gsize len = 0;
  const char *data = g_bytes_get_data (request->body, &len);
  JsonArray *array;

  if (request->content_type == NULL || strcmp (request->content_type, "application/json") != 0
      || len == 0 || !json_parser_load_from_data (parser, data, len, NULL)
      || !JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
    {
      *error_response = bk_server_response_new_error (400, "invalid_json",
                                                      _("Send a JSON array of {start, end}"));
      return NULL;
    }
  array = json_node_get_array (json_parser_get_root (parser));
  if (json_array_get_length (array) > 10000)
    {
      *error_response = bk_server_response_new_error (422, "invalid_field", _("At most 10000 slots"));
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      static const char * const allowed[] = { "start", "end", NULL };
      JsonNode *node = json_array_get_element (array, i);
      g_autoptr(GList) members = NULL;
      g_autofree char *s = NULL, *e = NULL;
      gint64 start, end;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          *error_response = bk_server_response_new_error (400, "invalid_json",
                                                          _("Slot %u is not an object"), i);
          return NULL;
        }
      members = json_object_get_members (json_node_get_object (node));
      for (GList *l = members; l; l = l->next)
        if (!g_strv_contains (allowed, l->data))
          {
            *error_response = bk_server_response_new_error (400, "unknown_field",
                                                            _("Unknown field “%s”"), (char *) l->data);
            return NULL;
          }
      if (!bk_server_get_time (json_node_get_object (node), "start", &start, error_response)
          || !bk_server_get_time (json_node_get_object (node), "end", &end, error_response)
          || !bk_server_check_range (start, end, BK_SERVER_MAX_SLOT, error_response))
        return NULL;
      if (start < from || end > to)
        {
          *error_response = bk_server_response_new_error (422, "invalid_field",
                                                          _("Slot %u lies outside [from, to)"), i);
          return NULL;
        }
      s = bk_server_format_time (start);
      e = bk_server_format_time (end);
      g_string_append_printf (out, "%s{\"start\":\"%s\",\"end\":\"%s\"}", i ? "," : "", s, e);
    }
  g_string_append_c (out, ']');
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static BkServerResponse *
put_slots (PGconn          *conn,
           BkServerRequest *request,
           const char      *expert_id,
           const char      *arg)
{
  BkServerResponse *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *slots = NULL, *f = NULL, *t = NULL, *n = NULL, *body = NULL;
  gint64 from, to;

  if (!_bk_server_get_window (request, &from, &to, &err))
    return err;
  if ((slots = parse_slots (request, from, to, &err)) == NULL)
    return err;
  f = bk_server_format_time (from);
  t = bk_server_format_time (to);
  {
    const char *params[] = { expert_id, f, t, slots };
    n = _bk_server_query_text (conn, "SELECT replace_slots ($1, $2, $3, $4::jsonb)",
                               4, params, &error);
  }
  if (n == NULL)
    return error ? _bk_server_db_failure (error) : not_found ();
  body = g_strdup_printf ("{\"from\":\"%s\",\"to\":\"%s\",\"count\":%s}", f, t, n);
  return _bk_server_json_text (200, body);
}

static gboolean
parse_count (const char *text,
             gint64      min,
             gint64      max,
             gint64     *out)
{
  guint64 v;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, min, max, &v, NULL))
    return FALSE;
  *out = (gint64) v;
  return TRUE;
}

static BkServerResponse *
get_changes (PGconn          *conn,
             BkServerRequest *request,
             const char      *expert_id,
             const char      *arg)
{
  const char *after_text = bk_server_request_query (request, "after");
  const char *limit_text = bk_server_request_query (request, "limit");
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL, *limit = NULL, *json = NULL;
  gint64 a = 0, l = 100;

  if (after_text != NULL && !parse_count (after_text, 0, G_MAXINT64, &a))
    return bk_server_response_new_error (422, "invalid_field", _("after: a sequence number ≥ 0"));
  if (limit_text != NULL && !parse_count (limit_text, 1, 1000, &l))
    return bk_server_response_new_error (422, "invalid_field", _("limit: 1 to 1000"));
  after = g_strdup_printf ("%" G_GINT64_FORMAT, a);
  limit = g_strdup_printf ("%" G_GINT64_FORMAT, l);
  {
    const char *params[] = { expert_id, after, limit };
    json = _bk_server_query_text (conn,
      "SELECT jsonb_build_object ('changes', coalesce (jsonb_agg (jsonb_build_object ("
      "   'seq', seq, 'kind', kind, kind, payload) ORDER BY seq), '[]'),"
      "  'next', coalesce (max (seq), $2::bigint))::text"
      " FROM (SELECT seq, kind, payload FROM changes WHERE expert_id = $1 AND seq > $2"
      "        ORDER BY seq LIMIT $3) c", 3, params, &error);
  }
  return json ? _bk_server_json_text (200, json) : _bk_server_db_failure (error);
}

/* ---- appointments -------------------------------------------------- */

static BkServerResponse *
patch_appointment (PGconn          *conn,
                   BkServerRequest *request,
                   const char      *expert_id,
                   const char      *id)
{
  static const char * const allowed[] = { "start", "end", "calendar_event_id", NULL };
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  BkServerResponse *err = NULL;
  const char *event_id;
  JsonObject *o;

  if ((o = bk_server_parse_object (request, allowed, &root, &err)) == NULL
      || !bk_server_get_string (o, "calendar_event_id", FALSE, 1, 1024, FALSE, &event_id, &err))
    return err;
  if (event_id != NULL && (json_object_has_member (o, "start") || json_object_has_member (o, "end")))
    return bk_server_response_new_error (422, "invalid_field",
                                         _("Send either {start, end} or {calendar_event_id}"));
  if (event_id != NULL)
    {
      const char *params[] = { expert_id, id, event_id };
      json = _bk_server_query_text (conn,
        "UPDATE appointments SET calendar_event_id = $3, updated_at = now ()"
        " WHERE expert_id = $1 AND id = $2 RETURNING appointment_json (appointments.*)::text",
        3, params, &error);
    }
  else
    {
      g_autofree char *s = NULL, *e = NULL;
      gint64 start, end;

      if (!bk_server_get_time (o, "start", &start, &err) || !bk_server_get_time (o, "end", &end, &err)
          || !bk_server_check_range (start, end, BK_SERVER_MAX_SLOT, &err))
        return err;
      s = bk_server_format_time (start);
      e = bk_server_format_time (end);
      {
        const char *params[] = { expert_id, id, s, e };
        json = _bk_server_query_text (conn, "SELECT reschedule_appointment ($1, $2, $3, $4)::text",
                                      4, params, &error);
      }
    }
  if (json == NULL)
    return error ? _bk_server_db_failure (error) : not_found ();
  return _bk_server_json_text (200, json);
}

static BkServerResponse *
cancel_appointment (PGconn          *conn,
                    BkServerRequest *request,
                    const char      *expert_id,
                    const char      *id)
{
  static const char * const allowed[] = { "reason", NULL };
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  BkServerResponse *err = NULL;
  const char *reason = NULL;

  if (g_bytes_get_size (request->body) > 0)
    {
      JsonObject *o = bk_server_parse_object (request, allowed, &root, &err);

      if (o == NULL || !bk_server_get_string (o, "reason", FALSE, 0, 500, TRUE, &reason, &err))
        return err;
    }
  {
    const char *params[] = { expert_id, id, reason };
    json = _bk_server_query_text (conn,
      "UPDATE appointments SET status = 'cancelled', cancel_reason = $3, updated_at = now ()"
      " WHERE expert_id = $1 AND id = $2 AND status = 'booked'"
      " RETURNING appointment_json (appointments.*)::text", 3, params, &error);
    if (json == NULL && error == NULL)
      {
        g_autofree char *exists = _bk_server_query_text (conn,
          "SELECT 1 FROM appointments WHERE expert_id = $1 AND id = $2", 2, params, &error);
        if (exists != NULL)
          return bk_server_response_new_error (409, "not_booked",
                                               _("The appointment is already cancelled or moved"));
      }
  }
  if (json == NULL)
    return error ? _bk_server_db_failure (error) : not_found ();
  return _bk_server_json_text (200, json);
}

/* ---- idempotency and dispatch -------------------------------------- */

static char *
request_hash (BkServerRequest *request)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (request->body, &len);

  g_checksum_update (sum, (const guint8 *) request->method, -1);
  g_checksum_update (sum, (const guint8 *) "\n", 1);
  g_checksum_update (sum, (const guint8 *) request->path, -1);
  g_checksum_update (sum, (const guint8 *) "?", 1);
  if (request->query_string)
    g_checksum_update (sum, (const guint8 *) request->query_string, -1);
  g_checksum_update (sum, (const guint8 *) "\n", 1);
  if (len > 0)
    g_checksum_update (sum, data, len);
  return g_strconcat ("\\x", g_checksum_get_string (sum), NULL);
}

/* Runs @handler in a transaction; with an Idempotency-Key, a repeat of the
 * same request gets the stored answer and another request under the same
 * key a 409. The per-key advisory lock makes concurrent repeats wait. */
static BkServerResponse *
run_write (PGconn          *conn,
           BkServerRequest *request,
           const char      *expert_id,
           const char      *arg,
           ExpertHandler    handler)
{
  const char *key = request->idempotency_key;
  g_autofree char *hash = request_hash (request);
  const char *params[] = { expert_id, key, hash, NULL, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) found = NULL;
  g_autoptr(BkServerResponse) resp = NULL;

  if (key != NULL && !bk_server_check_text ("Idempotency-Key", key, 1, 200, FALSE, &resp))
    return g_steal_pointer (&resp);
  if (!bk_server_db_exec (conn, "BEGIN", &error))
    return _bk_server_db_failure (error);
  if (key != NULL)
    {
      found = bk_server_db_query (conn,
        "SELECT pg_advisory_xact_lock (2, hashtext ($1::bigint || ':' || $2::text)),"
        " (SELECT request_hash = $3::bytea FROM idempotency_keys WHERE expert_id = $1::bigint AND key = $2::text),"
        " (SELECT status FROM idempotency_keys WHERE expert_id = $1::bigint AND key = $2::text),"
        " (SELECT response FROM idempotency_keys WHERE expert_id = $1::bigint AND key = $2::text)",
        3, params, &error);
      if (found == NULL)
        return _bk_server_db_failure (error);
      if (!PQgetisnull (found, 0, 1))
        {
          PQclear (PQexec (conn, "ROLLBACK"));
          if (strcmp (PQgetvalue (found, 0, 1), "t") != 0)
            return bk_server_response_new_error (409, "idempotency_key_reused",
                                                 _("This Idempotency-Key was used for another request"));
          resp = bk_server_response_new (atoi (PQgetvalue (found, 0, 2)), "application/json",
                                         PQgetvalue (found, 0, 3));
          bk_server_response_add_header (resp, "Idempotent-Replayed", "true");
          return g_steal_pointer (&resp);
        }
    }
  if (!bk_server_db_exec (conn, "SAVEPOINT handler", &error))
    return _bk_server_db_failure (error);
  resp = handler (conn, request, expert_id, arg);
  if (resp->status >= 500)
    return g_steal_pointer (&resp);  /* released connections roll back */
  if (resp->status >= 400 && !bk_server_db_exec (conn, "ROLLBACK TO SAVEPOINT handler", &error))
    return _bk_server_db_failure (error);
  if (key != NULL)
    {
      g_autofree char *status = g_strdup_printf ("%u", resp->status);
      g_autofree char *body = g_strndup (g_bytes_get_data (resp->body, NULL),
                                         g_bytes_get_size (resp->body));
      g_autoptr(PGresult) stored = NULL;

      params[3] = status;
      params[4] = body;
      stored = bk_server_db_query (conn, "INSERT INTO idempotency_keys"
                                   " (expert_id, key, request_hash, status, response)"
                                   " VALUES ($1, $2, $3, $4, $5)", 5, params, &error);
      if (stored == NULL)
        return _bk_server_db_failure (error);
    }
  if (!bk_server_db_exec (conn, "COMMIT", &error))
    return _bk_server_db_failure (error);
  return g_steal_pointer (&resp);
}

static gboolean
valid_uuid (const char *id)
{
  return bk_server_matches (BK_SERVER_PATTERN_UUID, id);
}

/* Picks the expert route for @parts; NULL when none matches. */
static ExpertHandler
expert_route (BkServerRequest  *request,
              char            **parts,
              const char      **arg,
              gboolean         *is_write,
              gboolean         *wrong_method)
{
  static const struct { const char *method; const char *pattern; ExpertHandler handler; } routes[] = {
    { "DELETE", "session",                  sign_out },
    { "GET",    "me",                       get_me },
    { "PATCH",  "me",                       patch_me },
    { "POST",   "me/integration",           post_integration },
    { "PUT",    "me/slots",                 put_slots },
    { "GET",    "me/changes",               get_changes },
    { "PATCH",  "me/appointments/*",        patch_appointment },
    { "POST",   "me/appointments/*/cancel", cancel_appointment },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      g_auto(GStrv) pat = g_strsplit (routes[i].pattern, "/", -1);
      gboolean match = g_strv_length (pat) == g_strv_length (parts);

      for (guint j = 0; match && pat[j]; j++)
        if (strcmp (pat[j], "*") == 0)
          *arg = parts[j];
        else if (strcmp (pat[j], parts[j]) != 0)
          match = FALSE;
      if (!match)
        continue;
      *wrong_method = TRUE;
      if (strcmp (routes[i].method, request->method) != 0)
        continue;
      *is_write = strcmp (request->method, "GET") != 0;
      *wrong_method = FALSE;
      return routes[i].handler;
    }
  return NULL;
}

BkServerResponse *
bk_server_api_handle (PGconn          *conn,
                      BkServerRequest *request)
{
  g_auto(GStrv) parts = NULL;
  BkServerResponse *resp;
  BkServerResponse *err = NULL;
  g_autofree char *expert_id = NULL;
  const char *arg = NULL;
  gboolean is_write = FALSE, wrong_method = FALSE;
  ExpertHandler handler;

  g_return_val_if_fail (conn != NULL, NULL);
  g_return_val_if_fail (request != NULL, NULL);

  if (!g_str_has_prefix (request->path, "/api/v1/"))
    return not_found ();
  parts = g_strsplit (request->path + strlen ("/api/v1/"), "/", -1);
  if ((resp = _bk_server_public_route (conn, request, parts)) != NULL)
    return resp;
  if (g_strv_length (parts) == 1 && strcmp (parts[0], "session") == 0
      && strcmp (request->method, "POST") == 0)
    return sign_in (conn, request);

  handler = expert_route (request, parts, &arg, &is_write, &wrong_method);
  if (handler == NULL)
    return wrong_method ? bk_server_response_new_error (405, "method_not_allowed",
                                                        _("This route does not take %s"),
                                                        request->method)
                        : not_found ();
  if ((expert_id = authenticate (conn, request, &err)) == NULL)
    return err;
  /* Another expert's appointment and a malformed id look the same: 404. */
  if (arg != NULL && !valid_uuid (arg))
    return not_found ();
  if (is_write)
    return run_write (conn, request, expert_id, arg, handler);
  return handler (conn, request, expert_id, arg);
}
