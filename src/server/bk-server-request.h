/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Largest request body accepted, anywhere. */
#define BK_SERVER_MAX_BODY (64 * 1024)

/* What a worker thread needs of one HTTP request: copied out of the
 * SoupServerMessage on the main loop, so the worker never touches libsoup. */
typedef struct
{
  char        *method;
  char        *path;
  char        *query_string;     /* raw, may be NULL */
  GHashTable  *query;            /* char* → char*, never NULL */
  GBytes      *body;             /* never NULL */
  char        *content_type;     /* without parameters, lower case; may be NULL */
  char        *authorization;
  char        *idempotency_key;
  char        *cookie;
  char        *origin;
  char        *host;
  char        *remote_ip;
  char        *public_url;       /* base for links we hand out, no trailing / */
} BkServerRequest;

/* The answer a worker thread produces. */
typedef struct
{
  guint        status;
  char        *content_type;
  GBytes      *body;
  GPtrArray   *headers;          /* name, value, name, value … */
} BkServerResponse;

void              bk_server_request_free         (BkServerRequest  *request);
const char       *bk_server_request_query        (BkServerRequest  *request,
                                                  const char       *name);

BkServerResponse *bk_server_response_new         (guint             status,
                                                  const char       *content_type,
                                                  const char       *body);
BkServerResponse *bk_server_response_new_take    (guint             status,
                                                  const char       *content_type,
                                                  char             *body);
/* {"error": {"code": @code, "message": …}} */
BkServerResponse *bk_server_response_new_error   (guint             status,
                                                  const char       *code,
                                                  const char       *format,
                                                  ...) G_GNUC_PRINTF (3, 4);
BkServerResponse *bk_server_response_new_json    (guint             status,
                                                  JsonNode         *node);
void              bk_server_response_add_header  (BkServerResponse *response,
                                                  const char       *name,
                                                  const char       *value);
void              bk_server_response_free        (BkServerResponse *response);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BkServerRequest, bk_server_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BkServerResponse, bk_server_response_free)

G_END_DECLS
