/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-server"

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>
#include <string.h>

#include "bk-booking-page.h"
#include "bk-server.h"
#include "bk-server-api.h"
#include "bk-server-request.h"

struct _BkServer
{
  GObject      parent_instance;
  BkServerDb  *db;
  SoupServer  *soup;
  GThreadPool *workers;
  char        *public_url;
  char        *url;
};

G_DEFINE_FINAL_TYPE (BkServer, bk_server, G_TYPE_OBJECT)

static void
apply_response (SoupServerMessage *msg,
                BkServerResponse  *resp)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  gsize len = 0;
  const char *data = g_bytes_get_data (resp->body, &len);

  soup_server_message_set_status (msg, resp->status, NULL);
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_message_headers_replace (headers, "Referrer-Policy", "no-referrer");
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  for (guint i = 0; i + 1 < resp->headers->len; i += 2)
    soup_message_headers_replace (headers, resp->headers->pdata[i], resp->headers->pdata[i + 1]);
  if (resp->content_type != NULL && resp->status != 204)
    soup_server_message_set_response (msg, resp->content_type, SOUP_MEMORY_COPY, data, len);
}

static void
work_func (gpointer data,
           gpointer user_data)
{
  g_autoptr(GTask) task = data;
  BkServer *self = user_data;
  BkServerRequest *request = g_task_get_task_data (task);
  PGconn *conn = bk_server_db_acquire (self->db);
  BkServerResponse *resp;

  if (g_str_has_prefix (request->path, "/api/"))
    resp = bk_server_api_handle (conn, request);
  else
    resp = bk_booking_page_handle (conn, request);
  bk_server_db_release (self->db, conn);
  g_task_return_pointer (task, resp, (GDestroyNotify) bk_server_response_free);
}

static void
work_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(SoupServerMessage) msg = user_data;
  g_autoptr(BkServerResponse) resp = g_task_propagate_pointer (G_TASK (result), NULL);

  apply_response (msg, resp);
  soup_server_message_unpause (msg);
}

static char *
header_copy (SoupMessageHeaders *headers,
             const char         *name)
{
  return g_strdup (soup_message_headers_get_one (headers, name));
}

static BkServerRequest *
request_from_message (BkServer          *self,
                      SoupServerMessage *msg,
                      const char        *path,
                      GHashTable        *query)
{
  BkServerRequest *r = g_new0 (BkServerRequest, 1);
  SoupMessageHeaders *h = soup_server_message_get_request_headers (msg);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  const char *ct = soup_message_headers_get_content_type (h, NULL);
  GUri *uri = soup_server_message_get_uri (msg);

  r->method = g_strdup (soup_server_message_get_method (msg));
  r->path = g_strdup (path);
  r->query_string = g_strdup (g_uri_get_query (uri));
  r->query = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (query != NULL)
    {
      GHashTableIter iter;
      gpointer k, v;

      g_hash_table_iter_init (&iter, query);
      while (g_hash_table_iter_next (&iter, &k, &v))
        g_hash_table_insert (r->query, g_strdup (k), g_strdup (v));
    }
  r->body = soup_message_body_flatten (body);
  r->content_type = ct ? g_ascii_strdown (ct, -1) : NULL;
  r->authorization = header_copy (h, "Authorization");
  r->idempotency_key = header_copy (h, "Idempotency-Key");
  r->cookie = header_copy (h, "Cookie");
  r->origin = header_copy (h, "Origin");
  r->host = header_copy (h, "Host");
  r->remote_ip = g_strdup (soup_server_message_get_remote_host (msg));
  r->public_url = g_strdup (self->public_url ? self->public_url : self->url);
  return r;
}

static void
early_cb (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  SoupMessageHeaders *h = soup_server_message_get_request_headers (msg);

  /* Refuse big bodies before reading them. */
  if (soup_message_headers_get_content_length (h) > BK_SERVER_MAX_BODY)
    {
      g_autoptr(BkServerResponse) resp =
        bk_server_response_new_error (413, "payload_too_large", _("The body is larger than 64 KiB"));

      apply_response (msg, resp);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Connection", "close");
    }
}

static void
request_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  BkServer *self = user_data;
  g_autoptr(GTask) task = NULL;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  if (soup_server_message_get_status (msg) != 0 && soup_server_message_get_status (msg) != 200)
    return;  /* already answered by early_cb */
  if (body->length > BK_SERVER_MAX_BODY)
    {
      g_autoptr(BkServerResponse) resp =
        bk_server_response_new_error (413, "payload_too_large", _("The body is larger than 64 KiB"));

      apply_response (msg, resp);
      return;
    }
  if (!g_str_has_prefix (path, "/api/") && !g_str_has_prefix (path, "/book/"))
    {
      g_autoptr(BkServerResponse) resp =
        bk_server_response_new_error (404, "not_found", _("No such resource"));

      apply_response (msg, resp);
      return;
    }
  task = g_task_new (self, NULL, work_done_cb, g_object_ref (msg));
  g_task_set_source_tag (task, request_cb);
  g_task_set_task_data (task, request_from_message (self, msg, path, query),
                        (GDestroyNotify) bk_server_request_free);
  soup_server_message_pause (msg);
  g_thread_pool_push (self->workers, g_steal_pointer (&task), NULL);
}

static void
bk_server_finalize (GObject *object)
{
  BkServer *self = (BkServer *)object;

  bk_server_shutdown (self);
  g_clear_object (&self->soup);
  g_clear_object (&self->db);
  g_clear_pointer (&self->public_url, g_free);
  g_clear_pointer (&self->url, g_free);

  G_OBJECT_CLASS (bk_server_parent_class)->finalize (object);
}

static void
bk_server_class_init (BkServerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bk_server_finalize;
}

static void
bk_server_init (BkServer *self)
{
}

BkServer *
bk_server_new (BkServerDb *db,
               guint       n_workers,
               const char *public_url)
{
  BkServer *self;

  g_return_val_if_fail (BK_IS_SERVER_DB (db), NULL);
  g_return_val_if_fail (n_workers > 0, NULL);

  self = g_object_new (BK_TYPE_SERVER, NULL);
  self->db = g_object_ref (db);
  self->public_url = g_strdup (public_url);
  self->workers = g_thread_pool_new (work_func, self, n_workers, FALSE, NULL);
  self->soup = soup_server_new ("server-header", "bookable-server", NULL);
  soup_server_add_early_handler (self->soup, NULL, early_cb, self, NULL);
  soup_server_add_handler (self->soup, NULL, request_cb, self, NULL);
  return self;
}

gboolean
bk_server_listen (BkServer    *self,
                  const char  *address,
                  GError     **error)
{
  g_autoptr(GSocketAddress) addr = NULL;
  g_autoptr(GSocketConnectable) conn = NULL;
  g_autoptr(GSocketAddressEnumerator) e = NULL;
  g_autoptr(GSocket) sock = NULL;
  GSList *uris;

  g_return_val_if_fail (BK_IS_SERVER (self), FALSE);
  g_return_val_if_fail (address != NULL, FALSE);

  conn = g_network_address_parse (address, 8080, error);
  if (conn == NULL)
    return FALSE;
  e = g_socket_connectable_enumerate (conn);
  addr = g_socket_address_enumerator_next (e, NULL, error);
  if (addr == NULL)
    return FALSE;
  sock = g_socket_new (g_socket_address_get_family (addr), G_SOCKET_TYPE_STREAM,
                       G_SOCKET_PROTOCOL_TCP, error);
  if (sock == NULL || !g_socket_bind (sock, addr, TRUE, error))
    return FALSE;
  /* GLib's default backlog of 10 resets connections in a burst of clients
   * (100 people opening the page the minute it is shared). */
  g_socket_set_listen_backlog (sock, 1024);
  if (!g_socket_listen (sock, error) || !soup_server_listen_socket (self->soup, sock, 0, error))
    return FALSE;
  uris = soup_server_get_uris (self->soup);
  if (uris != NULL)
    {
      g_autofree char *s = g_uri_to_string (uris->data);

      /* "http://127.0.0.1:8080/" → without the slash, ready for paths */
      if (g_str_has_suffix (s, "/"))
        s[strlen (s) - 1] = '\0';
      g_free (self->url);
      self->url = g_steal_pointer (&s);
    }
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return TRUE;
}

const char *
bk_server_get_url (BkServer *self)
{
  g_return_val_if_fail (BK_IS_SERVER (self), NULL);

  return self->url;
}

void
bk_server_shutdown (BkServer *self)
{
  g_return_if_fail (BK_IS_SERVER (self));

  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  if (self->workers != NULL)
    g_thread_pool_free (g_steal_pointer (&self->workers), FALSE, TRUE);
}
