/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-sandbox"

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <stdio.h>

#include "sandbox-common.h"

static gpointer
serve_thread (gpointer data)
{
  SbcServer *server = data;

  g_main_context_push_thread_default (server->context);
  g_main_loop_run (server->loop);
  g_main_context_pop_thread_default (server->context);
  return NULL;
}

gboolean
sbc_server_start (SbcServer           *server,
                  const char          *server_header,
                  GMainContext        *context,
                  guint                port,
                  SoupServerCallback   callback,
                  gpointer             user_data,
                  GError             **error)
{
  g_autoslist(GUri) uris = NULL;
  gboolean listening;

  g_return_val_if_fail (server != NULL && server->server == NULL, FALSE);
  g_return_val_if_fail (port <= G_MAXUINT16, FALSE);

  server->context = context != NULL ? g_main_context_ref (context) : g_main_context_new ();
  server->server = soup_server_new ("server-header", server_header, NULL);
  soup_server_add_handler (server->server, NULL, callback, user_data, NULL);

  /* The listener's sources attach to the thread-default context. */
  g_main_context_push_thread_default (server->context);
  listening = soup_server_listen_local (server->server, port, SOUP_SERVER_LISTEN_IPV4_ONLY, error);
  g_main_context_pop_thread_default (server->context);
  if (!listening)
    {
      g_clear_object (&server->server);
      g_clear_pointer (&server->context, g_main_context_unref);
      return FALSE;
    }

  uris = soup_server_get_uris (server->server);
  server->url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  if (context == NULL)
    {
      server->loop = g_main_loop_new (server->context, FALSE);
      server->thread = g_thread_new ("sandbox-server", serve_thread, server);
    }
  return TRUE;
}

static gboolean
stop_in_thread_cb (gpointer data)
{
  SbcServer *server = data;

  soup_server_disconnect (server->server);
  g_main_loop_quit (server->loop);
  return G_SOURCE_REMOVE;
}

void
sbc_server_stop (SbcServer *server)
{
  g_return_if_fail (server != NULL);

  if (server->server == NULL)
    return;
  if (server->thread != NULL)
    {
      g_main_context_invoke (server->context, stop_in_thread_cb, server);
      g_thread_join (g_steal_pointer (&server->thread));
      g_clear_pointer (&server->loop, g_main_loop_unref);
    }
  else
    soup_server_disconnect (server->server);
  g_clear_object (&server->server);
  g_clear_pointer (&server->context, g_main_context_unref);
  g_clear_pointer (&server->url, g_free);
}

void
sbc_server_reply (SoupServerMessage *msg,
                  guint              status,
                  const char        *content_type,
                  GString           *body,
                  gboolean           drop)
{
  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));

  if (drop)
    {
      g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);

      g_io_stream_close (stream, NULL, NULL);
      return;
    }
  soup_server_message_set_status (msg, status != 0 ? status : 500, NULL);
  if (body != NULL)
    soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, body->str, body->len);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-cache");
}

GBytes *
sbc_request_body (SoupServerMessage *msg)
{
  g_return_val_if_fail (SOUP_IS_SERVER_MESSAGE (msg), NULL);

  return soup_message_body_flatten (soup_server_message_get_request_body (msg));
}

void
sbc_stats_init (SbcStats *stats)
{
  g_return_if_fail (stats != NULL);

  stats->routes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  stats->requests = 0;
  stats->bytes_sent = 0;
}

void
sbc_stats_clear (SbcStats *stats)
{
  g_return_if_fail (stats != NULL);

  g_clear_pointer (&stats->routes, g_hash_table_unref);
}

void
sbc_stats_reset (SbcStats *stats)
{
  g_return_if_fail (stats != NULL && stats->routes != NULL);

  g_hash_table_remove_all (stats->routes);
  stats->requests = 0;
  stats->bytes_sent = 0;
}

void
sbc_stats_count (SbcStats   *stats,
                 const char *route)
{
  guint64 *count;

  g_return_if_fail (stats != NULL && route != NULL);

  count = g_hash_table_lookup (stats->routes, route);
  if (count == NULL)
    {
      count = g_new0 (guint64, 1);
      g_hash_table_insert (stats->routes, g_strdup (route), count);
    }
  (*count)++;
  stats->requests++;
}

guint64
sbc_stats_get (SbcStats   *stats,
               const char *route)
{
  guint64 *count;

  g_return_val_if_fail (stats != NULL, 0);

  if (route == NULL)
    return stats->requests;
  count = g_hash_table_lookup (stats->routes, route);
  return count != NULL ? *count : 0;
}

void
sbc_stats_to_json (SbcStats   *stats,
                   JsonObject *object)
{
  JsonObject *routes = json_object_new ();
  GHashTableIter iter;
  gpointer route, count;

  g_return_if_fail (stats != NULL && object != NULL);

  g_hash_table_iter_init (&iter, stats->routes);
  while (g_hash_table_iter_next (&iter, &route, &count))
    json_object_set_int_member (routes, route, *(guint64 *) count);
  json_object_set_int_member (object, "requests", stats->requests);
  json_object_set_int_member (object, "bytesSent", stats->bytes_sent);
  json_object_set_object_member (object, "routes", routes);
}

JsonObject *
sbc_load_object_file (const char  *path,
                      GQuark       domain,
                      gint         code,
                      GError     **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;
  return sbc_parse_object (contents, length, domain, code, error);
}

#define MAX_OCCURRENCES 100000

typedef struct
{
  const SbcRule *rule;
  guint          emitted;
  SbcDateVisit   visit;
  gpointer       data;
} Walk;

/* Applies the range; FALSE ends the walk. */
static gboolean
walk_emit (Walk        *walk,
           const GDate *date)
{
  const SbcRule *r = walk->rule;

  if (g_date_compare (date, &r->first) < 0)
    return TRUE;
  if (r->has_last && g_date_compare (date, &r->last) > 0)
    return FALSE;
  if ((r->count > 0 && walk->emitted >= r->count) || walk->emitted >= MAX_OCCURRENCES)
    return FALSE;
  walk->emitted++;
  return walk->visit (date, walk->data);
}

static void
walk_weekly (Walk *walk)
{
  const SbcRule *r = walk->rule;
  GDate week = r->first;

  g_date_subtract_days (&week, (g_date_get_weekday (&week) - r->week_start + 7) % 7);
  for (guint guard = 0; guard < MAX_OCCURRENCES; guard++, g_date_add_days (&week, 7 * r->interval))
    for (guint offset = 0; offset < 7; offset++)
      {
        GDate day = week;

        g_date_add_days (&day, offset);
        if ((r->days_of_week & (1u << (g_date_get_weekday (&day) % 7))) != 0 && !walk_emit (walk, &day))
          return;
      }
}

static void
walk_monthly (Walk *walk)
{
  const SbcRule *r = walk->rule;
  guint month = g_date_get_month (&r->first), year = g_date_get_year (&r->first);
  GDate day;

  g_date_clear (&day, 1);
  for (guint guard = 0; guard < MAX_OCCURRENCES; guard++)
    {
      /* Outlook puts "the 31st" on the last day of shorter months. */
      g_date_set_dmy (&day, MIN (r->day_of_month, g_date_get_days_in_month (month, year)), month, year);
      if (!walk_emit (walk, &day))
        return;
      month += r->interval;
      year += (month - 1) / 12;
      month = (month - 1) % 12 + 1;
    }
}

void
sbc_rule_walk (const SbcRule *rule,
               SbcDateVisit   visit,
               gpointer       data)
{
  Walk walk = { rule, 0, visit, data };
  GDate day;

  g_return_if_fail (rule != NULL && rule->interval >= 1 && visit != NULL);

  day = rule->first;
  if (rule->freq == SBC_FREQ_DAILY)
    {
      while (walk_emit (&walk, &day))
        g_date_add_days (&day, rule->interval);
    }
  else if (rule->freq == SBC_FREQ_WEEKLY)
    walk_weekly (&walk);
  else
    walk_monthly (&walk);
}

gboolean
sbc_fault_fire (int        *count,
                guint64    *fired,
                const char *fault_path,
                const char *request_path)
{
  g_return_val_if_fail (count != NULL && fired != NULL && fault_path != NULL, FALSE);

  if (*count == 0 || request_path == NULL || !g_str_has_prefix (request_path, fault_path))
    return FALSE;
  if (*count > 0)
    (*count)--;
  (*fired)++;
  return TRUE;
}

JsonObject *
sbc_fault_describe (const char *kind,
                    int         count,
                    const char *path,
                    guint64     fired)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "kind", kind);
  json_object_set_int_member (object, "count", count);
  json_object_set_string_member (object, "path", path);
  json_object_set_int_member (object, "fired", fired);
  return object;
}

gboolean
sbc_parse_date (const char *text,
                GDate      *out)
{
  int y, m, d, n = 0;

  g_return_val_if_fail (out != NULL, FALSE);

  if (text == NULL || sscanf (text, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || text[n] != '\0'
      || !g_date_valid_dmy (d, m, y))
    return FALSE;
  g_date_clear (out, 1);
  g_date_set_dmy (out, d, m, y);
  return TRUE;
}

gboolean
sbc_overlaps (gint64 start,
              gint64 end,
              gint64 window_start,
              gint64 window_end)
{
  if (start == end)
    return start >= window_start && start < window_end;
  return start < window_end && end > window_start;
}

gboolean
sbc_parse_instant (const char *text,
                   gint64     *out)
{
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *fixed = NULL;
  size_t length;

  g_return_val_if_fail (out != NULL, FALSE);

  if (text == NULL || (length = strlen (text)) < 20)
    return FALSE;
  fixed = g_strdup (text);
  if (fixed[length - 6] == ' ')
    fixed[length - 6] = '+';
  dt = g_date_time_new_from_iso8601 (fixed, NULL);
  if (dt == NULL)
    return FALSE;
  *out = g_date_time_to_unix (dt);
  return TRUE;
}

JsonObject *
sbc_parse_object (const char  *text,
                  gssize       length,
                  GQuark       domain,
                  gint         code,
                  GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (text == NULL || length == 0)
    {
      g_set_error_literal (error, domain, code, "Empty body");
      return NULL;
    }
  if (!json_parser_load_from_data (parser, text, length, error))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, domain, code, "The body is not a JSON object");
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

char *
sbc_split_path (const char  *path,
                GHashTable **out_query)
{
  const char *question;

  g_return_val_if_fail (path != NULL && out_query != NULL, NULL);

  question = strchr (path, '?');
  *out_query = question != NULL ? soup_form_decode (question + 1) : NULL;
  return question != NULL ? g_strndup (path, question - path) : g_strdup (path);
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

int
sbc_program_main (int            argc,
                  char         **argv,
                  const char    *name,
                  const char    *summary,
                  guint          default_page_size,
                  SbcCreateFunc  create,
                  SbcUrlFunc     get_url)
{
  g_autoptr(GOptionContext) options = g_option_context_new (summary);
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) sandbox = NULL;
  g_autofree char *data = NULL;
  int port = 0;
  int page_size = default_page_size;
  const GOptionEntry entries[] = {
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "Port on 127.0.0.1 (0 = any free one)", "N" },
    { "page-size", 0, 0, G_OPTION_ARG_INT, &page_size, "Largest page of a list", "N" },
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data, "Users, calendars and events to preload", "FILE.json" },
    { NULL }
  };

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error)
      || port < 0 || port > G_MAXUINT16 || page_size < 1)
    {
      g_printerr ("%s: %s\n", name, error != NULL ? error->message : "invalid --port or --page-size");
      return 2;
    }
  loop = g_main_loop_new (NULL, FALSE);
  sandbox = create (page_size, data, port, &error);
  if (sandbox == NULL)
    {
      g_printerr ("%s: %s\n", name, error->message);
      return 1;
    }
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  printf ("BOOKABLE_SANDBOX_URL=%s\n", get_url (sandbox));
  fflush (stdout);
  g_main_loop_run (loop);
  return 0;
}
