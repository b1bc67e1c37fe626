/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Bookings per second through bookable-server over HTTP with N concurrent
 * clients, next to pgbench running the same booking transaction
 * (book_appointment) straight on the same database, and their ratio. The
 * cluster is durable (fsync on): these are honest commits. */
#define G_LOG_DOMAIN "bench-server-bookings"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <unistd.h>
#include <string.h>

#include "bk-test-server.h"

#define EXPERTS   8
#define CLIENTS   16
#define PER_EXPERT 300
#define SLOT      1800
#define DAY       (24 * 3600)

typedef struct
{
  SoupSession *session;
  const char  *base;
  guint        next[EXPERTS];
  guint        sent;
  guint        done;
  guint        created;
  guint        failed;
  GMainLoop   *loop;
} Run;

static void send_one (Run *run);

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Run *run = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, NULL);

  if (bytes != NULL && soup_message_get_status (msg) == 201)
    run->created++;
  else
    run->failed++;
  g_object_unref (msg);
  run->done++;
  if (run->sent < EXPERTS * PER_EXPERT)
    send_one (run);
  else if (run->done == run->sent)
    g_main_loop_quit (run->loop);
}

static void
send_one (Run *run)
{
  guint e = run->sent % EXPERTS;
  guint i = run->next[e]++;
  g_autofree char *u = g_strdup_printf ("%s/api/v1/experts/bench-h-%u/appointments", run->base, e);
  g_autofree char *s = bk_test_time (DAY + i * SLOT), *t = bk_test_time (DAY + (i + 1) * SLOT);
  g_autofree char *body = g_strdup_printf ("{\"start\":\"%s\",\"end\":\"%s\",\"name\":\"Client\","
                                           "\"email\":\"c@example.org\"}", s, t);
  SoupMessage *msg = soup_message_new ("POST", u);
  g_autoptr(GBytes) b = g_bytes_new (body, strlen (body));

  soup_message_set_request_body_from_bytes (msg, "application/json", b);
  run->sent++;
  soup_session_send_and_read_async (run->session, msg, G_PRIORITY_DEFAULT, NULL, sent_cb, run);
}

/* An expert with PER_EXPERT back-to-back half-hour slots from tomorrow. */
static void
make_expert (SoupSession *session,
             const char  *base,
             const char  *slug)
{
  g_autofree char *email = g_strdup_printf ("%s@example.com", slug);
  g_autofree char *pw = bk_test_expert_add (email, slug, slug, "UTC");
  g_autofree char *token = bk_test_sign_in (session, base, email, pw);
  g_autofree char *from = bk_test_time (DAY), *to = bk_test_time (DAY + PER_EXPERT * SLOT);
  g_autofree char *u = g_strdup_printf ("%s/api/v1/me/slots?from=%s&to=%s", base, from, to);
  g_autoptr(GString) body = g_string_new ("[");
  g_autoptr(BkTestResponse) r = NULL;

  for (guint i = 0; i < PER_EXPERT; i++)
    {
      g_autofree char *s = bk_test_time (DAY + i * SLOT), *e = bk_test_time (DAY + (i + 1) * SLOT);
      g_string_append_printf (body, "%s{\"start\":\"%s\",\"end\":\"%s\"}", i ? "," : "", s, e);
    }
  g_string_append_c (body, ']');
  r = bk_test_request (session, "PUT", u, token, NULL, body->str);
  g_assert_cmpuint (r->status, ==, 200);
}

static double
run_http (const char *base)
{
  Run run = { .session = bk_test_session_new (), .base = base, .loop = g_main_loop_new (NULL, FALSE) };
  gint64 t0 = g_get_monotonic_time ();
  double secs;

  for (guint i = 0; i < CLIENTS; i++)
    send_one (&run);
  g_main_loop_run (run.loop);
  secs = (g_get_monotonic_time () - t0) / 1e6;
  g_assert_cmpuint (run.created, ==, EXPERTS * PER_EXPERT);
  g_assert_cmpuint (run.failed, ==, 0);
  g_main_loop_unref (run.loop);
  g_object_unref (run.session);
  return run.created / secs;
}

static double
run_pgbench (void)
{
  g_autofree char *script = NULL;
  g_autofree char *path = NULL;
  g_autofree char *out = NULL, *err = NULL, *t = NULL;
  g_autofree char *per_client = g_strdup_printf ("%d", EXPERTS * PER_EXPERT / CLIENTS);
  g_autofree char *clients = g_strdup_printf ("%d", CLIENTS);
  g_autoptr(GError) error = NULL;
  const char *tps;
  int fd, status = 0;

  /* the same call bookable-server makes for POST …/appointments */
  script = g_strdup_printf (
    "\\set e :client_id %% %d\n"
    "SELECT book_appointment ('bench-p-' || :e, b.t + n * interval '30 minutes',"
    " b.t + (n + 1) * interval '30 minutes', 'Client', 'c@example.org', '',"
    " sha256 (gen_random_uuid ()::text::bytea))"
    " FROM bench_base b, nextval (('bench_seq_' || :e)::regclass) AS n;\n", EXPERTS);
  fd = g_file_open_tmp ("bk-pgbench-XXXXXX.sql", &path, &error);
  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (path, script, -1, &error);
  g_assert_no_error (error);
  {
    const char *argv[] = { "pgbench", "-n", "-c", clients, "-j", "2", "-t", per_client,
                           "-f", path, bk_test_cluster_url (), NULL };
    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error);
  }
  g_assert_no_error (error);
  g_unlink (path);
  if (!g_spawn_check_wait_status (status, NULL) || strstr (out, "number of failed transactions: 0") == NULL)
    g_error ("pgbench failed:\n%s\n%s", out, err);
  tps = strstr (out, "tps = ");
  g_assert_nonnull (tps);
  return g_ascii_strtod (tps + strlen ("tps = "), NULL);
}

int
main (int   argc,
      char *argv[])
{
  BkTestServer *server;
  g_autoptr(SoupSession) session = bk_test_session_new ();
  double http, pg;

  g_setenv ("BK_PG_DURABLE", "1", TRUE);
  server = bk_test_server_start (bk_test_cluster_url ());
  for (guint e = 0; e < EXPERTS; e++)
    {
      g_autofree char *h = g_strdup_printf ("bench-h-%u", e), *p = g_strdup_printf ("bench-p-%u", e);
      g_autofree char *seq = g_strdup_printf ("CREATE SEQUENCE bench_seq_%u MINVALUE 0 START 0", e);

      make_expert (session, server->url, h);
      make_expert (session, server->url, p);
      g_free (bk_test_sql (seq));
    }
  {
    g_autofree char *first = bk_test_time (DAY);
    g_autofree char *sql = g_strdup_printf ("CREATE TABLE bench_base AS SELECT '%s'::timestamptz AS t", first);
    g_free (bk_test_sql (sql));
  }

  http = run_http (server->url);
  pg = run_pgbench ();
  printf ("bookings over HTTP (%d clients, %d experts): %.0f per second\n", CLIENTS, EXPERTS, http);
  printf ("same transaction via pgbench (%d clients):     %.0f per second\n", CLIENTS, pg);
  printf ("ratio HTTP / direct SQL: %.2f\n", http / pg);

  bk_test_server_stop (server, FALSE);
  bk_test_cluster_stop ();
  return 0;
}
