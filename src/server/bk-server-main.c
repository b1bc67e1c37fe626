/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-server"

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "bk-server.h"
#include "bk-server-auth.h"
#include "bk-server-db.h"
#include "bk-server-validate.h"

static char *database_url;
static char *listen_address;
static char *public_url;
static int pool_size = 8;
static char *opt_email, *opt_name, *opt_slug, *opt_zone;

static const GOptionEntry common_entries[] = {
  { "database-url", 'd', 0, G_OPTION_ARG_STRING, &database_url,
    N_("PostgreSQL connection URI (default: $BOOKABLE_DATABASE_URL)"), "URL" },
  { NULL }
};

static const GOptionEntry serve_entries[] = {
  { "listen", 'l', 0, G_OPTION_ARG_STRING, &listen_address,
    N_("Address to listen on (default 127.0.0.1:8080; port 0 picks one)"), "HOST:PORT" },
  { "public-url", 0, 0, G_OPTION_ARG_STRING, &public_url,
    N_("Base URL clients reach this server at, for cancel links"), "URL" },
  { "pool-size", 0, 0, G_OPTION_ARG_INT, &pool_size,
    N_("Database connections and worker threads (default 8)"), "N" },
  { NULL }
};

static const GOptionEntry expert_entries[] = {
  { "email", 0, 0, G_OPTION_ARG_STRING, &opt_email, N_("The expert's email (sign-in name)"), "EMAIL" },
  { "name", 0, 0, G_OPTION_ARG_STRING, &opt_name, N_("Display name"), "NAME" },
  { "slug", 0, 0, G_OPTION_ARG_STRING, &opt_slug, N_("Booking page name: /book/SLUG"), "SLUG" },
  { "time-zone", 0, 0, G_OPTION_ARG_STRING, &opt_zone, N_("IANA time zone"), "ZONE" },
  { NULL }
};

static BkServerDb *
open_database (guint    size,
               GError **error)
{
  g_autoptr(BkServerDb) db = NULL;
  const char *url = database_url ? database_url : g_getenv ("BOOKABLE_DATABASE_URL");

  if (url == NULL)
    {
      g_set_error (error, BK_SERVER_DB_ERROR, BK_SERVER_DB_ERROR_CONNECTION,
                   _("No database: pass --database-url postgresql://…"));
      return NULL;
    }
  db = bk_server_db_new (url, size, error);
  if (db == NULL || !bk_server_db_migrate (db, error))
    return NULL;
  return g_steal_pointer (&db);
}

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

static int
serve (GError **error)
{
  g_autoptr(BkServerDb) db = NULL;
  g_autoptr(BkServer) server = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  if (pool_size < 1 || pool_size > 100)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, _("--pool-size: 1 to 100"));
      return 1;
    }
  if ((db = open_database (pool_size, error)) == NULL)
    return 1;
  server = bk_server_new (db, pool_size, public_url);
  if (!bk_server_listen (server, listen_address ? listen_address : "127.0.0.1:8080", error))
    return 1;
  /* Tests and scripts read this line for the port. */
  g_print ("listening on %s\n", bk_server_get_url (server));
  fflush (stdout);
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_main_loop_run (loop);
  bk_server_shutdown (server);
  return 0;
}

static int
expert_add (GError **error)
{
  g_autoptr(BkServerDb) db = NULL;
  g_autofree char *password = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *id = NULL;
  g_autoptr(PGresult) res = NULL;
  PGconn *conn;

  if (opt_email == NULL || !bk_server_valid_email (opt_email)
      || opt_name == NULL || g_utf8_strlen (opt_name, -1) < 1 || g_utf8_strlen (opt_name, -1) > 200
      || !bk_server_valid_slug (opt_slug) || !bk_server_valid_zone (opt_zone))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("Give a valid --email, --name (1–200 characters), --slug (a-z, 0-9, -) "
                     "and --time-zone (IANA, like Europe/Berlin)"));
      return 2;
    }
  if ((db = open_database (1, error)) == NULL)
    return 1;
  password = bk_server_auth_new_password ();
  if ((hash = bk_server_auth_hash_password (password, error)) == NULL)
    return 1;
  conn = bk_server_db_acquire (db);
  {
    const char *params[] = { opt_email, opt_name, opt_slug, opt_zone, hash };
    res = bk_server_db_query (conn, "SELECT create_expert ($1, $2, $3, $4, $5)", 5, params, error);
  }
  bk_server_db_release (db, conn);
  if (res == NULL)
    return 1;
  g_print (_("Expert %s added (id %s). One-time password: %s\n"),
           opt_email, PQgetvalue (res, 0, 0), password);
  return 0;
}

static int
usage (GOptionContext *context)
{
  g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

  g_printerr ("%s", help);
  return 2;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("[migrate | expert add] — the Bookable backend"));
  g_autoptr(GOptionGroup) serve_group = g_option_group_new ("serve", _("Serving:"), _("Show serving options"), NULL, NULL);
  g_autoptr(GOptionGroup) expert_group = g_option_group_new ("expert", _("expert add:"), _("Show expert add options"), NULL, NULL);
  g_autoptr(GError) error = NULL;
  int status;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_option_context_add_main_entries (context, common_entries, GETTEXT_PACKAGE);
  g_option_group_add_entries (serve_group, serve_entries);
  g_option_group_add_entries (expert_group, expert_entries);
  g_option_context_add_group (context, g_steal_pointer (&serve_group));
  g_option_context_add_group (context, g_steal_pointer (&expert_group));
  if (!g_option_context_parse (context, &argc, &argv, &error) || !bk_server_auth_init (&error))
    {
      g_printerr ("bookable-server: %s\n", error->message);
      return 2;
    }

  if (argc == 1)
    status = serve (&error);
  else if (argc == 2 && strcmp (argv[1], "migrate") == 0)
    {
      g_autoptr(BkServerDb) db = open_database (1, &error);

      status = db ? 0 : 1;
      if (db != NULL)
        g_print (_("Database schema is at version %d\n"), bk_server_db_latest_version ());
    }
  else if (argc == 3 && strcmp (argv[1], "expert") == 0 && strcmp (argv[2], "add") == 0)
    status = expert_add (&error);
  else
    return usage (context);

  if (error != NULL)
    g_printerr ("bookable-server: %s\n", error->message);
  g_clear_pointer (&database_url, g_free);
  g_clear_pointer (&listen_address, g_free);
  g_clear_pointer (&public_url, g_free);
  g_clear_pointer (&opt_email, g_free);
  g_clear_pointer (&opt_name, g_free);
  g_clear_pointer (&opt_slug, g_free);
  g_clear_pointer (&opt_zone, g_free);
  return status;
}
