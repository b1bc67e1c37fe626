/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Many clients at once against real bookable-server processes: the database's
 * exclusion constraint, not luck, decides who gets a slot. */
#define G_LOG_DOMAIN "test-server-concurrency"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "bk-test-server.h"

#define DAY (24 * 3600)
#define CLIENTS 100

static BkTestServer *server_a;
static SoupSession *session;
static char *token;

typedef struct
{
  guint      pending;
  guint      created;
  guint      conflicts;
  guint      others;
  GPtrArray *ids;          /* appointment ids of every 201 seen */
  guint      kill_after;   /* kill server_a after this many answers, 0 = never */
  BkTestServer *victim;
  SoupSession *session;    /* fresh: no idle keep-alive connection a POST could race */
} Burst;

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Burst *burst = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  guint status = bytes ? soup_message_get_status (msg) : 0;

  if (status != 201 && status != 409 && burst->kill_after == 0)
    g_test_message ("unexpected answer %u: %s %.*s", status, error ? error->message : "",
                    bytes ? (int) g_bytes_get_size (bytes) : 0,
                    bytes ? (const char *) g_bytes_get_data (bytes, NULL) : "");

  if (status == 201)
    {
      g_autoptr(JsonParser) p = json_parser_new ();
      JsonObject *o;

      burst->created++;
      g_assert_true (json_parser_load_from_data (p, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL));
      o = json_object_get_object_member (json_node_get_object (json_parser_get_root (p)), "appointment");
      g_ptr_array_add (burst->ids, g_strdup (json_object_get_string_member (o, "id")));
    }
  else if (status == 409)
    burst->conflicts++;
  else
    burst->others++;
  if (burst->kill_after > 0 && burst->created + burst->conflicts == burst->kill_after && burst->victim)
    {
      g_subprocess_force_exit (burst->victim->process);   /* SIGKILL */
      burst->victim = NULL;
    }
  burst->pending--;
  g_object_unref (msg);
}

static void
send_booking (Burst      *burst,
              const char *base,
              gint64      offset)
{
  g_autofree char *u = g_strconcat (base, "/api/v1/experts/conc/appointments", NULL);
  g_autofree char *s = bk_test_time (offset), *e = bk_test_time (offset + 1800);
  g_autofree char *body = g_strdup_printf ("{\"start\":\"%s\",\"end\":\"%s\",\"name\":\"Client\","
                                           "\"email\":\"c@example.org\"}", s, e);
  SoupMessage *msg = soup_message_new ("POST", u);
  g_autoptr(GBytes) b = g_bytes_new (body, strlen (body));

  soup_message_set_request_body_from_bytes (msg, "application/json", b);
  burst->pending++;
  /* sent_cb drops our reference once the answer is in */
  if (burst->session == NULL)
    burst->session = bk_test_session_new ();
  soup_session_send_and_read_async (burst->session, msg, G_PRIORITY_DEFAULT, NULL, sent_cb, burst);
}

static void
wait_for (Burst *burst)
{
  while (burst->pending > 0)
    g_main_context_iteration (NULL, TRUE);
}

/* Publishes @n half-hour slots from @base, back to back. */
static void
publish (gint64 base,
         guint  n)
{
  g_autofree char *from = bk_test_time (base), *to = bk_test_time (base + n * 1800);
  g_autofree char *u = g_strdup_printf ("%s/api/v1/me/slots?from=%s&to=%s", server_a->url, from, to);
  g_autoptr(GString) body = g_string_new ("[");
  g_autoptr(BkTestResponse) r = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *s = bk_test_time (base + i * 1800), *e = bk_test_time (base + (i + 1) * 1800);
      g_string_append_printf (body, "%s{\"start\":\"%s\",\"end\":\"%s\"}", i ? "," : "", s, e);
    }
  g_string_append_c (body, ']');
  r = bk_test_request (session, "PUT", u, token, NULL, body->str);
  g_assert_cmpuint (r->status, ==, 200);
}

static void
burst_clear (Burst *burst)
{
  g_clear_pointer (&burst->ids, g_ptr_array_unref);
  g_clear_object (&burst->session);
}

static void
test_one_slot (void)
{
  Burst burst = { .ids = g_ptr_array_new_with_free_func (g_free) };

  publish (DAY, 1);
  for (guint i = 0; i < CLIENTS; i++)
    send_booking (&burst, server_a->url, DAY);
  wait_for (&burst);
  g_assert_cmpuint (burst.others, ==, 0);
  g_assert_cmpuint (burst.created, ==, 1);
  g_assert_cmpuint (burst.conflicts, ==, CLIENTS - 1);
  burst_clear (&burst);
}

static void
put_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Burst *burst = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, NULL);

  if (bytes != NULL && soup_message_get_status (msg) == 200)
    burst->created++;
  else
    burst->others++;
  burst->pending--;
  g_object_unref (msg);
}

/* Uploads of one expert's window at once (a killed app's request still
 * running beside its retry) must take turns, not fail on each other's rows. */
static void
test_concurrent_slot_uploads (void)
{
  Burst burst = { .ids = g_ptr_array_new_with_free_func (g_free) };
  gint64 base = 5 * DAY;
  g_autofree char *from = bk_test_time (base), *to = bk_test_time (base + DAY);
  g_autofree char *u = g_strdup_printf ("%s/api/v1/me/slots?from=%s&to=%s", server_a->url, from, to);
  g_autoptr(GString) body = g_string_new ("[");
  g_autofree char *auth = g_strconcat ("Bearer ", token, NULL);
  g_autofree char *count = NULL;
  g_autofree char *sql = NULL;

  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *s = bk_test_time (base + i * 1800), *e = bk_test_time (base + (i + 1) * 1800);
      g_string_append_printf (body, "%s{\"start\":\"%s\",\"end\":\"%s\"}", i ? "," : "", s, e);
    }
  g_string_append_c (body, ']');

  burst.session = bk_test_session_new ();
  for (guint i = 0; i < 20; i++)
    {
      SoupMessage *msg = soup_message_new ("PUT", u);
      g_autoptr(GBytes) b = g_bytes_new (body->str, body->len);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
      soup_message_set_request_body_from_bytes (msg, "application/json", b);
      burst.pending++;
      soup_session_send_and_read_async (burst.session, msg, G_PRIORITY_DEFAULT, NULL, put_done_cb, &burst);
    }
  wait_for (&burst);

  g_assert_cmpuint (burst.others, ==, 0);
  g_assert_cmpuint (burst.created, ==, 20);
  sql = g_strdup_printf ("SELECT count (*) FROM slots s JOIN experts e ON e.id = s.expert_id"
                         " WHERE e.slug = 'conc' AND s.start_at >= '%s' AND s.start_at < '%s'",
                         from, to);
  count = bk_test_sql (sql);
  g_assert_cmpstr (count, ==, "40");
  burst_clear (&burst);
}

static void
test_two_processes (void)
{
  BkTestServer *server_b = bk_test_server_start (bk_test_cluster_url ());
  Burst burst = { .ids = g_ptr_array_new_with_free_func (g_free) };
  g_autofree char *count = NULL;

  publish (2 * DAY, 1);
  for (guint i = 0; i < CLIENTS; i++)
    send_booking (&burst, i % 2 ? server_b->url : server_a->url, 2 * DAY);
  wait_for (&burst);
  g_assert_cmpuint (burst.others, ==, 0);
  g_assert_cmpuint (burst.created, ==, 1);
  g_assert_cmpuint (burst.conflicts, ==, CLIENTS - 1);
  count = bk_test_sql ("SELECT count (*) FROM appointments WHERE status = 'booked'"
                       " AND start_at >= now () + interval '47 hours'"
                       " AND start_at < now () + interval '50 hours'");
  g_assert_cmpstr (count, ==, "1");
  bk_test_server_stop (server_b, FALSE);
  burst_clear (&burst);
}

static void
test_kill_during_burst (void)
{
  const guint n = 300;
  BkTestServer *victim = bk_test_server_start (bk_test_cluster_url ());
  Burst burst = { .ids = g_ptr_array_new_with_free_func (g_free), .kill_after = 20, .victim = victim };
  g_autofree char *orphans = NULL;

  publish (3 * DAY, n);
  for (guint i = 0; i < n; i++)
    send_booking (&burst, victim->url, 3 * DAY + i * 1800);
  wait_for (&burst);
  g_test_message ("%u booked, %u conflicts, %u lost with the server", burst.created, burst.conflicts, burst.others);
  g_assert_cmpuint (burst.created, >=, 20);
  g_assert_cmpuint (burst.conflicts, ==, 0);
  /* every 201 a client saw is in the database, booked */
  for (guint i = 0; i < burst.ids->len; i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT status FROM appointments WHERE id = '%s'",
                                              (char *) burst.ids->pdata[i]);
      g_autofree char *status = bk_test_sql (sql);
      g_assert_cmpstr (status, ==, "booked");
    }
  /* nothing half-written: each appointment has its change-feed row */
  orphans = bk_test_sql ("SELECT count (*) FROM appointments a WHERE NOT EXISTS"
                         " (SELECT 1 FROM changes c WHERE c.kind = 'appointment'"
                         "   AND c.payload ->> 'id' = a.id::text)");
  g_assert_cmpstr (orphans, ==, "0");
  g_subprocess_wait (victim->process, NULL, NULL);
  g_object_unref (victim->process);
  g_free (victim->url);
  g_free (victim);
  burst_clear (&burst);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *pw = NULL;
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  server_a = bk_test_server_start (bk_test_cluster_url ());
  session = bk_test_session_new ();
  pw = bk_test_expert_add ("conc@example.com", "Concurrency", "conc", "UTC");
  token = bk_test_sign_in (session, server_a->url, "conc@example.com", pw);

  g_test_add_func ("/server/concurrency/one-slot", test_one_slot);
  g_test_add_func ("/server/concurrency/two-processes", test_two_processes);
  g_test_add_func ("/server/concurrency/slot-uploads", test_concurrent_slot_uploads);
  g_test_add_func ("/server/concurrency/kill-during-burst", test_kill_during_burst);
  status = g_test_run ();

  bk_test_server_stop (server_a, FALSE);
  g_clear_object (&session);
  g_free (token);
  bk_test_cluster_stop ();
  return status;
}
