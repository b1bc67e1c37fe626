/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-sandbox-test"

#include "config.h"

#include <glib/gi18n.h>
#include <sys/random.h>

#include "sandbox-common-test.h"

void
sbc_response_free (SbcResponse *response)
{
  g_free (response->body);
  g_clear_pointer (&response->headers, soup_message_headers_unref);
  g_clear_error (&response->error);
  g_free (response);
}

SoupSession *
sbc_session_new (void)
{
  SoupSession *session = soup_session_new ();

  /* Loopback only; GIO's default resolver would want the GNOME proxy schema. */
  soup_session_set_proxy_resolver (session, NULL);
  return session;
}

SbcResponse *
sbc_request (SoupSession       *session,
             const char        *method,
             const char        *url,
             const char        *content_type,
             const char        *body,
             const char *const *headers)
{
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) bytes = NULL;
  SbcResponse *response = g_new0 (SbcResponse, 1);

  g_assert_nonnull (msg);
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  for (guint i = 0; headers != NULL && headers[i] != NULL; i += 2)
    if (headers[i + 1] != NULL)
      soup_message_headers_append (soup_message_get_request_headers (msg), headers[i], headers[i + 1]);
  if (body != NULL)
    {
      g_autoptr(GBytes) request = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, content_type, request);
    }
  bytes = soup_session_send_and_read (session, msg, NULL, &response->error);
  response->status = soup_message_get_status (msg);
  response->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  if (bytes != NULL)
    response->body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  return response;
}

JsonObject *
sbc_json (SbcResponse *response)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (response->body == NULL || !json_parser_load_from_data (parser, response->body, -1, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return json_object_ref (json_node_get_object (root));
}

static char *
base64url (const guchar *data,
           gsize         length)
{
  char *text = g_base64_encode (data, length);

  g_strdelimit (text, "+", '-');
  g_strdelimit (text, "/", '_');
  g_strdelimit (text, "=", '\0');
  return text;
}

void
sbc_pkce (char **out_verifier,
          char **out_challenge)
{
  guchar random[32];
  guint8 digest[32];
  gsize length = sizeof digest;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);

  g_assert_cmpint (getrandom (random, sizeof random, 0), ==, sizeof random);
  *out_verifier = base64url (random, sizeof random);
  g_checksum_update (checksum, (const guchar *)*out_verifier, -1);
  g_checksum_get_digest (checksum, digest, &length);
  *out_challenge = base64url (digest, length);
}

char *
sbc_query_value (const char *url,
                 const char *name)
{
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_ENCODED_QUERY, NULL) : NULL;
  g_autoptr(GHashTable) params = NULL;

  if (uri == NULL || g_uri_get_query (uri) == NULL)
    return NULL;
  params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, NULL);
  return params != NULL ? g_strdup (g_hash_table_lookup (params, name)) : NULL;
}

static GSubprocess *
spawn (const char     *name,
       GSubprocessFlags flags,
       va_list          args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  GSubprocess *process;
  const char *arg;

  g_ptr_array_add (argv, g_build_filename (g_getenv ("BK_BUILD_ROOT"), "tests", "services", name, NULL));
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, g_strdup (arg));
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_newv ((const char *const *) argv->pdata, flags, &error);
  g_assert_no_error (error);
  return process;
}

int
sbc_run_program (const char *name,
                 ...)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  va_list args;

  va_start (args, name);
  process = spawn (name, G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, args);
  va_end (args);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  return g_subprocess_get_exit_status (process);
}

GSubprocess *
sbc_spawn_program (const char  *name,
                   char       **out_url,
                   ...)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  va_list args;

  va_start (args, out_url);
  process = spawn (name, G_SUBPROCESS_FLAGS_STDOUT_PIPE, args);
  va_end (args);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  first = g_data_input_stream_read_line (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (first, "BOOKABLE_SANDBOX_URL=http://127.0.0.1:"));
  *out_url = g_strdup (first + strlen ("BOOKABLE_SANDBOX_URL="));
  return g_steal_pointer (&process);
}

void
sbc_stop_program (GSubprocess *process)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
}
