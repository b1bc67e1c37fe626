/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-server"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-server-request.h"

void
bk_server_request_free (BkServerRequest *request)
{
  if (request == NULL)
    return;
  g_free (request->method);
  g_free (request->path);
  g_free (request->query_string);
  g_clear_pointer (&request->query, g_hash_table_unref);
  g_clear_pointer (&request->body, g_bytes_unref);
  g_free (request->content_type);
  g_free (request->authorization);
  g_free (request->idempotency_key);
  g_free (request->cookie);
  g_free (request->origin);
  g_free (request->host);
  g_free (request->remote_ip);
  g_free (request->public_url);
  g_free (request);
}

const char *
bk_server_request_query (BkServerRequest *request,
                         const char      *name)
{
  g_return_val_if_fail (request != NULL, NULL);

  return g_hash_table_lookup (request->query, name);
}

BkServerResponse *
bk_server_response_new_take (guint       status,
                             const char *content_type,
                             char       *body)
{
  BkServerResponse *response = g_new0 (BkServerResponse, 1);

  response->status = status;
  response->content_type = g_strdup (content_type);
  response->body = body ? g_bytes_new_take (body, strlen (body)) : g_bytes_new (NULL, 0);
  response->headers = g_ptr_array_new_with_free_func (g_free);
  return response;
}

BkServerResponse *
bk_server_response_new (guint       status,
                        const char *content_type,
                        const char *body)
{
  return bk_server_response_new_take (status, content_type, g_strdup (body));
}

BkServerResponse *
bk_server_response_new_json (guint     status,
                             JsonNode *node)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();

  g_return_val_if_fail (node != NULL, NULL);

  json_generator_set_root (gen, node);
  return bk_server_response_new_take (status, "application/json",
                                      json_generator_to_data (gen, NULL));
}

BkServerResponse *
bk_server_response_new_error (guint       status,
                              const char *code,
                              const char *format,
                              ...)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_string_value (b, code);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  json_builder_end_object (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return bk_server_response_new_json (status, root);
}

void
bk_server_response_add_header (BkServerResponse *response,
                               const char       *name,
                               const char       *value)
{
  g_return_if_fail (response != NULL);

  g_ptr_array_add (response->headers, g_strdup (name));
  g_ptr_array_add (response->headers, g_strdup (value));
}

void
bk_server_response_free (BkServerResponse *response)
{
  if (response == NULL)
    return;
  g_free (response->content_type);
  g_clear_pointer (&response->body, g_bytes_unref);
  g_clear_pointer (&response->headers, g_ptr_array_unref);
  g_free (response);
}
