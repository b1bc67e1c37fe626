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

char *
_bk_server_query_text (PGconn             *conn,
                       const char         *sql,
                       int                 n_params,
                       const char * const *params,
                       GError            **error)
{
  g_autoptr(PGresult) res = bk_server_db_query (conn, sql, n_params, params, error);

  if (res == NULL || PQntuples (res) == 0 || PQgetisnull (res, 0, 0))
    return NULL;
  return g_strdup (PQgetvalue (res, 0, 0));
}

BkServerResponse *
_bk_server_db_failure (const GError *error)
{
  g_assert (error != NULL);

  switch (error->domain == BK_SERVER_DB_ERROR ? error->code : BK_SERVER_DB_ERROR_FAILED)
    {
    case BK_SERVER_DB_ERROR_OVERLAP:
      return bk_server_response_new_error (409, "slot_taken", _("That time is already booked"));
    case BK_SERVER_DB_ERROR_NO_SLOT:
      return bk_server_response_new_error (409, "slot_unavailable",
                                           _("That slot is not (or no longer) offered"));
    case BK_SERVER_DB_ERROR_DUPLICATE:
      return bk_server_response_new_error (409, "duplicate", _("That value is already taken"));
    case BK_SERVER_DB_ERROR_INVALID:
      return bk_server_response_new_error (422, "invalid_value",
                                           _("The database refused a value: %s"), error->message);
    case BK_SERVER_DB_ERROR_NO_EXPERT:
      return bk_server_response_new_error (404, "not_found", _("No such expert"));
    case BK_SERVER_DB_ERROR_NO_APPOINTMENT:
      return bk_server_response_new_error (404, "not_found", _("No such appointment"));
    case BK_SERVER_DB_ERROR_NOT_BOOKED:
      return bk_server_response_new_error (409, "not_booked",
                                           _("The appointment is already cancelled or moved"));
    case BK_SERVER_DB_ERROR_CONNECTION:
      g_warning ("database unavailable: %s", error->message);
      return bk_server_response_new_error (503, "database_unavailable",
                                           _("The database is unavailable; try again shortly"));
    default:
      /* Log the details; never hand SQL internals to a client. */
      g_warning ("database error: %s", error->message);
      return bk_server_response_new_error (500, "internal", _("Something went wrong on our side"));
    }
}

BkServerResponse *
_bk_server_json_text (guint       status,
                      const char *json)
{
  return bk_server_response_new (status, "application/json", json);
}

gboolean
_bk_server_get_window (BkServerRequest    *request,
                       gint64             *from,
                       gint64             *to,
                       BkServerResponse  **error_response)
{
  const char *names[] = { "from", "to" };
  gint64 *outs[] = { from, to };

  for (guint i = 0; i < 2; i++)
    if (!bk_server_parse_time (bk_server_request_query (request, names[i]), outs[i]))
      {
        *error_response = bk_server_response_new_error (422, "invalid_field",
                                                        _("%s: must be an RFC 3339 time with an offset"),
                                                        names[i]);
        return FALSE;
      }
  if (*to <= *from || *to - *from > BK_SERVER_MAX_WINDOW)
    {
      *error_response = bk_server_response_new_error (422, "invalid_field",
                                                      _("to: must be after from, at most 400 days later"));
      return FALSE;
    }
  return TRUE;
}

char *
bk_server_api_public_expert (PGconn            *conn,
                             const char        *slug,
                             BkServerResponse **error_response)
{
  g_autoptr(GError) error = NULL;
  const char *params[] = { slug };
  char *json;

  g_return_val_if_fail (conn != NULL, NULL);

  if (!bk_server_valid_slug (slug))
    {
      *error_response = bk_server_response_new_error (404, "not_found", _("No such expert"));
      return NULL;
    }
  json = _bk_server_query_text (conn,
                                "SELECT jsonb_build_object ('id', id, 'display_name', display_name,"
                                " 'slug', slug, 'time_zone', time_zone)::text"
                                " FROM experts WHERE slug = $1", 1, params, &error);
  if (json == NULL)
    *error_response = error ? _bk_server_db_failure (error)
                            : bk_server_response_new_error (404, "not_found", _("No such expert"));
  return json;
}

char *
bk_server_api_free_slots (PGconn            *conn,
                          const char        *slug,
                          gint64             from,
                          gint64             to,
                          BkServerResponse **error_response)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *f = bk_server_format_time (from);
  g_autofree char *t = bk_server_format_time (to);
  const char *params[] = { slug, f, t };
  char *json;

  g_return_val_if_fail (conn != NULL, NULL);

  json = _bk_server_query_text (conn,
                                "SELECT coalesce (jsonb_agg (jsonb_build_object ("
                                "  'start', bk_iso (s.start_at), 'end', bk_iso (s.end_at))"
                                "  ORDER BY s.start_at, s.end_at), '[]')::text"
                                " FROM experts e, free_slots (e.id, $2, $3) s WHERE e.slug = $1",
                                3, params, &error);
  if (error != NULL)
    *error_response = _bk_server_db_failure (error);
  return json;
}

char *
bk_server_api_book (PGconn            *conn,
                    const char        *slug,
                    gint64             start,
                    gint64             end,
                    const char        *name,
                    const char        *email,
                    const char        *note,
                    char             **out_cancel_token,
                    BkServerResponse **error_response)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *token = bk_server_auth_new_token ();
  g_autofree char *hash = bk_server_auth_token_hash (token);
  g_autofree char *s = bk_server_format_time (start);
  g_autofree char *e = bk_server_format_time (end);
  const char *params[] = { slug, s, e, name, email, note ? note : "", hash };
  char *json;

  g_return_val_if_fail (conn != NULL, NULL);

  json = _bk_server_query_text (conn,
                                "SELECT book_appointment ($1, $2, $3, $4, $5, $6, $7)::text",
                                7, params, &error);
  if (json == NULL)
    {
      *error_response = error ? _bk_server_db_failure (error)
                              : bk_server_response_new_error (500, "internal", _("No answer"));
      return NULL;
    }
  *out_cancel_token = g_steal_pointer (&token);
  return json;
}

char *
bk_server_api_cancel_by_token (PGconn            *conn,
                               const char        *token,
                               gboolean           dry_run,
                               BkServerResponse **error_response)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *json = NULL;
  const char *params[1];

  g_return_val_if_fail (conn != NULL, NULL);

  if (!bk_server_matches (BK_SERVER_PATTERN_TOKEN, token))
    {
      *error_response = bk_server_response_new_error (404, "not_found", _("This cancel link is not valid"));
      return NULL;
    }
  hash = bk_server_auth_token_hash (token);
  params[0] = hash;
  if (!dry_run)
    json = _bk_server_query_text (conn,
                                  "UPDATE appointments SET status = 'cancelled',"
                                  " cancel_reason = 'cancelled by the client', updated_at = now ()"
                                  " WHERE cancel_token_hash = $1 AND status = 'booked'"
                                  " RETURNING appointment_json (appointments.*)::text",
                                  1, params, &error);
  if (json == NULL && error == NULL)
    {
      g_autofree char *found = _bk_server_query_text (conn,
                                                      "SELECT appointment_json (a)::text || status::text"
                                                      " FROM appointments a WHERE cancel_token_hash = $1",
                                                      1, params, &error);
      if (found != NULL && dry_run && g_str_has_suffix (found, "}booked"))
        json = g_strndup (found, strlen (found) - strlen ("booked"));
      else if (found != NULL && error == NULL)
        {
          *error_response = bk_server_response_new_error (409, "not_booked",
                                                          _("This appointment is already cancelled"));
          return NULL;
        }
    }
  if (json == NULL)
    *error_response = error ? _bk_server_db_failure (error)
                            : bk_server_response_new_error (404, "not_found",
                                                            _("This cancel link is not valid"));
  return g_steal_pointer (&json);
}

char *
bk_server_api_cancel_url (BkServerRequest *request,
                          const char      *token)
{
  g_return_val_if_fail (request != NULL, NULL);

  return g_strconcat (request->public_url, "/book/cancel?token=", token, NULL);
}

/* ---- the public routes -------------------------------------------- */

static BkServerResponse *
get_slots (PGconn          *conn,
           BkServerRequest *request,
           const char      *slug)
{
  BkServerResponse *err = NULL;
  g_autofree char *expert = NULL;
  g_autofree char *json = NULL;
  gint64 from, to;

  if (!_bk_server_get_window (request, &from, &to, &err))
    return err;
  if ((expert = bk_server_api_public_expert (conn, slug, &err)) == NULL)
    return err;
  if ((json = bk_server_api_free_slots (conn, slug, from, to, &err)) == NULL)
    return err;
  return _bk_server_json_text (200, json);
}

static BkServerResponse *
post_appointment (PGconn          *conn,
                  BkServerRequest *request,
                  const char      *slug)
{
  static const char * const allowed[] = { "start", "end", "name", "email", "note", NULL };
  g_autoptr(JsonNode) root = NULL;
  BkServerResponse *err = NULL;
  const char *name, *email, *note;
  g_autofree char *token = NULL;
  g_autofree char *json = NULL;
  g_autofree char *url = NULL;
  g_autofree char *body = NULL;
  JsonObject *o;
  gint64 start, end;

  if ((o = bk_server_parse_object (request, allowed, &root, &err)) == NULL
      || !bk_server_get_time (o, "start", &start, &err)
      || !bk_server_get_time (o, "end", &end, &err)
      || !bk_server_check_range (start, end, BK_SERVER_MAX_SLOT, &err)
      || !bk_server_get_string (o, "name", TRUE, 1, 200, FALSE, &name, &err)
      || !bk_server_get_string (o, "email", TRUE, 3, 254, FALSE, &email, &err)
      || !bk_server_get_string (o, "note", FALSE, 0, 2000, TRUE, &note, &err))
    return err;
  if (!bk_server_valid_email (email))
    return bk_server_response_new_error (422, "invalid_field", _("email: is not an email address"));
  json = bk_server_api_book (conn, slug, start, end, name, email, note, &token, &err);
  if (json == NULL)
    return err;
  url = bk_server_api_cancel_url (request, token);
  {
    g_autoptr(JsonNode) u = json_node_init_string (json_node_alloc (), url);
    g_autofree char *quoted = json_to_string (u, FALSE);

    body = g_strdup_printf ("{\"appointment\":%s,\"cancel_url\":%s}", json, quoted);
  }
  return _bk_server_json_text (201, body);
}

static BkServerResponse *
post_cancel (PGconn          *conn,
             BkServerRequest *request)
{
  static const char * const allowed[] = { "token", NULL };
  g_autoptr(JsonNode) root = NULL;
  BkServerResponse *err = NULL;
  g_autofree char *json = NULL;
  g_autofree char *body = NULL;
  const char *token;
  JsonObject *o;

  if ((o = bk_server_parse_object (request, allowed, &root, &err)) == NULL
      || !bk_server_get_string (o, "token", TRUE, 1, 100, FALSE, &token, &err))
    return err;
  if ((json = bk_server_api_cancel_by_token (conn, token, FALSE, &err)) == NULL)
    return err;
  body = g_strdup_printf ("{\"appointment\":%s}", json);
  return _bk_server_json_text (200, body);
}

/* @parts: the path after /api/v1/, split at '/'. NULL when not public. */
BkServerResponse *
_bk_server_public_route (PGconn           *conn,
                         BkServerRequest  *request,
                         char            **parts)
{
  guint n = g_strv_length (parts);
  gboolean get = strcmp (request->method, "GET") == 0;
  gboolean post = strcmp (request->method, "POST") == 0;

  if (n == 3 && strcmp (parts[0], "experts") == 0 && strcmp (parts[2], "slots") == 0)
    return get ? get_slots (conn, request, parts[1])
               : bk_server_response_new_error (405, "method_not_allowed", _("Use GET"));
  if (n == 3 && strcmp (parts[0], "experts") == 0 && strcmp (parts[2], "appointments") == 0)
    return post ? post_appointment (conn, request, parts[1])
                : bk_server_response_new_error (405, "method_not_allowed", _("Use POST"));
  if (n == 2 && strcmp (parts[0], "appointments") == 0 && strcmp (parts[1], "cancel") == 0)
    return post ? post_cancel (conn, request)
                : bk_server_response_new_error (405, "method_not_allowed", _("Use POST"));
  return NULL;
}
