/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bk-http-request.c: what BkHttp sends and what it hands back.
 *
 * A request is a plain description (method, URI, headers, body) so every retry
 * builds a fresh SoupMessage from it; a response is the status, headers and
 * body of the final attempt. Both turn statuses and bodies into BK_HTTP_ERROR
 * errors with messages a person can read, and never put a token, a code or an
 * Authorization header into them. */

#define G_LOG_DOMAIN "bk-http"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-http-private.h"

struct _BkHttpRequest
{
  gatomicrefcount     ref_count;
  char               *method;
  char               *uri;
  SoupMessageHeaders *headers;
  char               *content_type;
  GBytes             *body;
  char               *key;
  int                 idempotent; /* -1: decided by the method */
  BkHttpRetryFunc     retry_func;
};

struct _BkHttpResponse
{
  gatomicrefcount     ref_count;
  char               *method;
  char               *uri;
  guint               status;
  SoupMessageHeaders *headers;
  GBytes             *body;
  guint               attempts;
};

G_DEFINE_QUARK (bk-http-error-quark, bk_http_error)
G_DEFINE_BOXED_TYPE (BkHttpRequest, bk_http_request, bk_http_request_ref, bk_http_request_unref)
G_DEFINE_BOXED_TYPE (BkHttpResponse, bk_http_response, bk_http_response_ref, bk_http_response_unref)

/* Query parameters whose values are secrets or single-use grants. */
static const char * const secret_params[] = {
  "access_token", "client_secret", "code", "code_verifier", "id_token",
  "password", "refresh_token", "session_state", "state", "token",
};

static gboolean
is_secret_param (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (secret_params); i++)
    if (g_ascii_strcasecmp (name, secret_params[i]) == 0)
      return TRUE;
  return FALSE;
}

static void
append_redacted_params (GString    *out,
                        const char *query)
{
  g_auto(GStrv) pairs = g_strsplit (query, "&", -1);

  for (guint i = 0; pairs[i] != NULL; i++)
    {
      const char *eq = strchr (pairs[i], '=');
      g_autofree char *name = eq ? g_strndup (pairs[i], eq - pairs[i]) : g_strdup (pairs[i]);
      g_autofree char *plain = g_uri_unescape_string (name, NULL);

      if (i > 0)
        g_string_append_c (out, '&');
      if (eq != NULL && is_secret_param (plain ? plain : name))
        g_string_append_printf (out, "%s=REDACTED", name);
      else
        g_string_append (out, pairs[i]);
    }
}

/**
 * bk_http_redact_uri:
 * @uri: a URI, possibly with secrets in its query or fragment
 *
 * Returns: (transfer full): @uri with the values of secret query and fragment
 *   parameters (code, state, tokens…) and any user info replaced, fit for a
 *   message or a log line
 */
char *
bk_http_redact_uri (const char *uri)
{
  g_autoptr(GUri) parsed = NULL;
  g_autoptr(GString) out = NULL;

  g_return_val_if_fail (uri != NULL, NULL);

  parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED, NULL);
  if (parsed == NULL)
    return g_strdup (_("(an address that could not be read)"));

  out = g_string_new (NULL);
  g_string_append_printf (out, "%s://", g_uri_get_scheme (parsed));
  if (g_uri_get_host (parsed) != NULL)
    g_string_append (out, g_uri_get_host (parsed));
  if (g_uri_get_port (parsed) > 0)
    g_string_append_printf (out, ":%d", g_uri_get_port (parsed));
  g_string_append (out, g_uri_get_path (parsed));
  if (g_uri_get_query (parsed) != NULL)
    {
      g_string_append_c (out, '?');
      append_redacted_params (out, g_uri_get_query (parsed));
    }
  if (g_uri_get_fragment (parsed) != NULL)
    {
      g_string_append_c (out, '#');
      append_redacted_params (out, g_uri_get_fragment (parsed));
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* ---------------------------------------------------------------------- */
/* Requests */

BkHttpRequest *
bk_http_request_new (const char *method,
                     const char *uri)
{
  BkHttpRequest *request;

  g_return_val_if_fail (method != NULL, NULL);
  g_return_val_if_fail (uri != NULL, NULL);

  request = g_new0 (BkHttpRequest, 1);
  g_atomic_ref_count_init (&request->ref_count);
  request->method = g_ascii_strup (method, -1);
  request->uri = g_strdup (uri);
  request->headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  request->idempotent = -1;
  return request;
}

BkHttpRequest *
bk_http_request_new_for_path (const char *method,
                              const char *base_url,
                              const char *path_format,
                              ...)
{
  g_autofree char *path = NULL;
  g_autofree char *uri = NULL;
  va_list args;

  g_return_val_if_fail (method != NULL, NULL);
  g_return_val_if_fail (base_url != NULL, NULL);
  g_return_val_if_fail (path_format != NULL, NULL);

  va_start (args, path_format);
  path = g_strdup_vprintf (path_format, args);
  va_end (args);
  uri = g_strconcat (base_url, path, NULL);
  return bk_http_request_new (method, uri);
}

BkHttpRequest *
bk_http_request_ref (BkHttpRequest *request)
{
  g_return_val_if_fail (request != NULL, NULL);

  g_atomic_ref_count_inc (&request->ref_count);
  return request;
}

void
bk_http_request_unref (BkHttpRequest *request)
{
  g_return_if_fail (request != NULL);

  if (!g_atomic_ref_count_dec (&request->ref_count))
    return;
  g_free (request->method);
  g_free (request->uri);
  soup_message_headers_unref (request->headers);
  g_free (request->content_type);
  g_clear_pointer (&request->body, g_bytes_unref);
  g_free (request->key);
  g_free (request);
}

const char *
bk_http_request_get_method (BkHttpRequest *request)
{
  g_return_val_if_fail (request != NULL, NULL);
  return request->method;
}

const char *
bk_http_request_get_uri (BkHttpRequest *request)
{
  g_return_val_if_fail (request != NULL, NULL);
  return request->uri;
}

void
bk_http_request_set_header (BkHttpRequest *request,
                            const char    *name,
                            const char    *value)
{
  g_return_if_fail (request != NULL);
  g_return_if_fail (name != NULL);

  if (value == NULL)
    soup_message_headers_remove (request->headers, name);
  else
    soup_message_headers_replace (request->headers, name, value);
}

const char *
bk_http_request_get_header (BkHttpRequest *request,
                            const char    *name)
{
  g_return_val_if_fail (request != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  return soup_message_headers_get_one (request->headers, name);
}

void
bk_http_request_set_body (BkHttpRequest *request,
                          const char    *content_type,
                          GBytes        *body)
{
  g_return_if_fail (request != NULL);

  g_free (request->content_type);
  request->content_type = g_strdup (content_type);
  g_clear_pointer (&request->body, g_bytes_unref);
  if (body != NULL)
    request->body = g_bytes_ref (body);
}

/**
 * bk_http_request_set_form:
 * @fields: (element-type utf8 utf8): form fields
 *
 * Sets an application/x-www-form-urlencoded body.
 */
void
bk_http_request_set_form (BkHttpRequest *request,
                          GHashTable    *fields)
{
  char *encoded;
  g_autoptr(GBytes) body = NULL;

  g_return_if_fail (request != NULL);
  g_return_if_fail (fields != NULL);

  encoded = soup_form_encode_hash (fields);
  body = g_bytes_new_take (encoded, strlen (encoded));
  bk_http_request_set_body (request, "application/x-www-form-urlencoded", body);
}

void
bk_http_request_set_json (BkHttpRequest *request,
                          JsonNode      *node)
{
  char *text;
  g_autoptr(GBytes) body = NULL;

  g_return_if_fail (request != NULL);
  g_return_if_fail (node != NULL);

  text = json_to_string (node, FALSE);
  body = g_bytes_new_take (text, strlen (text));
  bk_http_request_set_body (request, "application/json", body);
}

/**
 * bk_http_request_set_key:
 * @key: (nullable): the concurrency key, e.g. the mailbox or account
 *
 * Requests sharing a key share BkHttp:max-in-flight. Without a key the
 * host of the URI is the key.
 */
void
bk_http_request_set_key (BkHttpRequest *request,
                         const char    *key)
{
  g_return_if_fail (request != NULL);

  g_free (request->key);
  request->key = g_strdup (key);
}

const char *
bk_http_request_get_key (BkHttpRequest *request)
{
  g_return_val_if_fail (request != NULL, NULL);
  return request->key;
}

/**
 * bk_http_request_set_idempotent:
 *
 * Marks a request safe to repeat after a 500 or 502 (e.g. a Graph POST
 * carrying a transactionId). GET, HEAD, PUT, DELETE and OPTIONS are
 * idempotent by default.
 */
void
bk_http_request_set_idempotent (BkHttpRequest *request,
                                gboolean       idempotent)
{
  g_return_if_fail (request != NULL);
  request->idempotent = !!idempotent;
}

void
bk_http_request_set_retry_func (BkHttpRequest   *request,
                                BkHttpRetryFunc  func)
{
  g_return_if_fail (request != NULL);
  request->retry_func = func;
}

BkHttpRetryFunc
_bk_http_request_get_retry_func (BkHttpRequest *request)
{
  return request->retry_func;
}

gboolean
_bk_http_request_is_idempotent (BkHttpRequest *request)
{
  static const char * const methods[] = { "GET", "HEAD", "PUT", "DELETE", "OPTIONS" };

  if (request->idempotent >= 0)
    return request->idempotent;
  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    if (g_str_equal (request->method, methods[i]))
      return TRUE;
  return FALSE;
}

char *
_bk_http_request_dup_default_key (BkHttpRequest *request)
{
  g_autoptr(GUri) parsed = NULL;

  if (request->key != NULL)
    return g_strdup (request->key);
  parsed = g_uri_parse (request->uri, G_URI_FLAGS_ENCODED, NULL);
  if (parsed == NULL || g_uri_get_host (parsed) == NULL)
    return g_strdup ("");
  return g_strdup_printf ("%s:%d", g_uri_get_host (parsed), g_uri_get_port (parsed));
}

static void
copy_header_cb (const char *name,
                const char *value,
                gpointer    user_data)
{
  soup_message_headers_append (user_data, name, value);
}

SoupMessage *
_bk_http_request_build_message (BkHttpRequest  *request,
                                GError        **error)
{
  g_autoptr(GUri) parsed = NULL;
  g_autoptr(SoupMessage) message = NULL;

  parsed = g_uri_parse (request->uri, SOUP_HTTP_URI_FLAGS, NULL);
  if (parsed == NULL || g_uri_get_host (parsed) == NULL)
    {
      g_autofree char *shown = bk_http_redact_uri (request->uri);

      g_set_error (error, BK_HTTP_ERROR, BK_HTTP_ERROR_FAILED,
                   _("“%s” is not a web address Bookable can use; check the server settings."),
                   shown);
      return NULL;
    }

  message = soup_message_new_from_uri (request->method, parsed);
  soup_message_headers_foreach (request->headers, copy_header_cb,
                                soup_message_get_request_headers (message));
  if (request->body != NULL)
    soup_message_set_request_body_from_bytes (message, request->content_type, request->body);
  return g_steal_pointer (&message);
}

/* ---------------------------------------------------------------------- */
/* Responses */

BkHttpResponse *
_bk_http_response_new (BkHttpRequest *request,
                       SoupMessage   *message,
                       GBytes        *body,
                       guint          attempts)
{
  BkHttpResponse *response = g_new0 (BkHttpResponse, 1);

  g_atomic_ref_count_init (&response->ref_count);
  response->method = g_strdup (request->method);
  response->uri = g_strdup (request->uri);
  response->status = soup_message_get_status (message);
  response->headers = soup_message_headers_ref (soup_message_get_response_headers (message));
  response->body = body ? g_bytes_ref (body) : g_bytes_new (NULL, 0);
  response->attempts = attempts;
  return response;
}

BkHttpResponse *
bk_http_response_ref (BkHttpResponse *response)
{
  g_return_val_if_fail (response != NULL, NULL);

  g_atomic_ref_count_inc (&response->ref_count);
  return response;
}

void
bk_http_response_unref (BkHttpResponse *response)
{
  g_return_if_fail (response != NULL);

  if (!g_atomic_ref_count_dec (&response->ref_count))
    return;
  g_free (response->method);
  g_free (response->uri);
  soup_message_headers_unref (response->headers);
  g_bytes_unref (response->body);
  g_free (response);
}

guint
bk_http_response_get_status (BkHttpResponse *response)
{
  g_return_val_if_fail (response != NULL, 0);
  return response->status;
}

SoupMessageHeaders *
bk_http_response_get_headers (BkHttpResponse *response)
{
  g_return_val_if_fail (response != NULL, NULL);
  return response->headers;
}

GBytes *
bk_http_response_get_body (BkHttpResponse *response)
{
  g_return_val_if_fail (response != NULL, NULL);
  return response->body;
}

/* How many times the request was sent, retries included. */
guint
bk_http_response_get_attempts (BkHttpResponse *response)
{
  g_return_val_if_fail (response != NULL, 0);
  return response->attempts;
}

/* The server's own explanation, from a Graph-style {"error": {"message"}}
 * or an OAuth-style {"error", "error_description"} body, if there is one. */
static char *
dup_server_detail (BkHttpResponse *response)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize size = 0;
  const char *data = g_bytes_get_data (response->body, &size);
  JsonNode *root;
  JsonObject *object;
  JsonNode *error;

  if (size == 0 || !json_parser_load_from_data (parser, data, size, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  object = json_node_get_object (root);
  error = json_object_get_member (object, "error");
  if (error != NULL && JSON_NODE_HOLDS_OBJECT (error))
    {
      JsonObject *inner = json_node_get_object (error);
      const char *message = json_object_get_string_member_with_default (inner, "message", NULL);

      return message ? g_strdup (message) : NULL;
    }
  if (json_object_has_member (object, "error_description"))
    return g_strdup (json_object_get_string_member_with_default (object, "error_description", ""));
  return NULL;
}

static void
status_error (BkHttpResponse  *response,
              const char      *shown_uri,
              int             *code,
              char           **text)
{
  guint status = response->status;

  switch (status)
    {
    case SOUP_STATUS_UNAUTHORIZED:
      *code = BK_HTTP_ERROR_UNAUTHORIZED;
      *text = g_strdup_printf (_("The server did not accept Bookable’s sign-in for %s %s (HTTP 401)."),
                               response->method, shown_uri);
      break;
    case SOUP_STATUS_FORBIDDEN:
      *code = BK_HTTP_ERROR_FORBIDDEN;
      *text = g_strdup_printf (_("The account is not allowed to do %s %s (HTTP 403); check its permissions."),
                               response->method, shown_uri);
      break;
    case SOUP_STATUS_NOT_FOUND:
      *code = BK_HTTP_ERROR_NOT_FOUND;
      *text = g_strdup_printf (_("%s was not found on the server (HTTP 404)."), shown_uri);
      break;
    case SOUP_STATUS_CONFLICT:
      *code = BK_HTTP_ERROR_CONFLICT;
      *text = g_strdup_printf (_("The server refused %s %s because it conflicts with what it already has (HTTP 409)."),
                               response->method, shown_uri);
      break;
    case SOUP_STATUS_GONE:
      *code = BK_HTTP_ERROR_GONE;
      *text = g_strdup_printf (_("%s is no longer available on the server (HTTP 410)."), shown_uri);
      break;
    default:
      *code = status >= 500 ? BK_HTTP_ERROR_SERVER : BK_HTTP_ERROR_FAILED;
      *text = status >= 500
        ? g_strdup_printf (_("The server had a problem with %s %s (HTTP %u); try again later."),
                           response->method, shown_uri, status)
        : g_strdup_printf (_("The server refused %s %s (HTTP %u)."),
                           response->method, shown_uri, status);
      break;
    }
}

/**
 * bk_http_response_check:
 *
 * Returns: %TRUE for a 2xx status, otherwise %FALSE with a BK_HTTP_ERROR
 *   whose code follows the status and whose message includes the server's
 *   own explanation when it gave one
 */
gboolean
bk_http_response_check (BkHttpResponse  *response,
                        GError         **error)
{
  g_autofree char *shown = NULL;
  g_autofree char *text = NULL;
  g_autofree char *detail = NULL;
  int code = BK_HTTP_ERROR_FAILED;

  g_return_val_if_fail (response != NULL, FALSE);

  if (SOUP_STATUS_IS_SUCCESSFUL (response->status))
    return TRUE;

  shown = bk_http_redact_uri (response->uri);
  status_error (response, shown, &code, &text);
  detail = dup_server_detail (response);
  if (detail != NULL && *detail != '\0')
    g_set_error (error, BK_HTTP_ERROR, code, _("%s The server said: %s"), text, detail);
  else
    g_set_error_literal (error, BK_HTTP_ERROR, code, text);
  return FALSE;
}

/**
 * bk_http_response_parse_json:
 *
 * Returns: (transfer full): the body as JSON (a null node for an empty
 *   body), or %NULL with %BK_HTTP_ERROR_BAD_RESPONSE
 */
JsonNode *
bk_http_response_parse_json (BkHttpResponse  *response,
                             GError         **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize size = 0;
  const char *data;

  g_return_val_if_fail (response != NULL, NULL);

  data = g_bytes_get_data (response->body, &size);
  if (size == 0)
    return json_node_new (JSON_NODE_NULL);

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, size, &local_error))
    {
      g_autofree char *shown = bk_http_redact_uri (response->uri);

      g_set_error (error, BK_HTTP_ERROR, BK_HTTP_ERROR_BAD_RESPONSE,
                   _("The server sent a response that could not be read (%s %s, %zu bytes: %s)."),
                   response->method, shown, size, local_error->message);
      return NULL;
    }
  return json_node_ref (json_parser_get_root (parser));
}
