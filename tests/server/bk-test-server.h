/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* A throwaway PostgreSQL cluster (build-aux/pg-throwaway), one per test
 * binary; fails the test (never skips) when it cannot start. */
const char  *bk_test_cluster_url      (void);
void         bk_test_cluster_stop     (void);
/* Runs SQL on the cluster with psql; the first value of the result. */
char        *bk_test_sql              (const char  *sql);

typedef struct
{
  GSubprocess *process;
  char        *url;     /* http://127.0.0.1:PORT */
} BkTestServer;

/* Spawns build/src/server/bookable-server on the cluster, listening on a
 * free loopback port. */
BkTestServer *bk_test_server_start    (const char   *database_url);
/* SIGTERM and wait (or SIGKILL with @kill). */
void          bk_test_server_stop     (BkTestServer *server,
                                       gboolean      kill);

/* `bookable-server expert add`; returns the one-time password. */
char         *bk_test_expert_add      (const char   *email,
                                       const char   *name,
                                       const char   *slug,
                                       const char   *zone);

typedef struct
{
  guint     status;
  char     *body;
  JsonNode *json;    /* NULL when the body is not JSON */
  char     *content_type;
  char     *retry_after;
  char     *replayed;
  char     *set_cookie;
} BkTestResponse;

void            bk_test_response_free (BkTestResponse *response);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BkTestResponse, bk_test_response_free)

/* One blocking HTTP request; @token adds Authorization: Bearer, @key an
 * Idempotency-Key, @body (JSON text) a body. */
BkTestResponse *bk_test_request       (SoupSession  *session,
                                       const char   *method,
                                       const char   *url,
                                       const char   *token,
                                       const char   *key,
                                       const char   *body);
/* The string at a /-separated path ("error/code", "appointment/id"). */
const char     *bk_test_json_string   (BkTestResponse *response,
                                       const char     *path);
SoupSession    *bk_test_session_new   (void);
/* Signs in; returns the bearer token. */
char           *bk_test_sign_in       (SoupSession  *session,
                                       const char   *base,
                                       const char   *email,
                                       const char   *password);
/* "YYYY-MM-DDTHH:MM:SSZ" for the next full hour + @offset seconds. */
char           *bk_test_time          (gint64        offset);

G_END_DECLS
