/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-sandbox-microsoft"

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <stdio.h>

#include "bk-sandbox-microsoft.h"

/* sandbox-microsoft [--port N] [--page-size N] [--data FILE.json]
 * Prints BOOKABLE_SANDBOX_URL=http://127.0.0.1:PORT as its first line, then
 * serves until SIGTERM or SIGINT. See tests/services/README.md. */

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(BkSandboxMicrosoft) sandbox = NULL;
  g_autoptr(GOptionContext) options = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  int port = 0;
  int page_size = 10;
  const GOptionEntry entries[] = {
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "Port on 127.0.0.1 (0 = any free one)", "N" },
    { "page-size", 0, 0, G_OPTION_ARG_INT, &page_size, "Largest page of a Graph list (default 10)", "N" },
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data, "Users, calendars and events to preload", "FILE.json" },
    { NULL }
  };

  options = g_option_context_new ("— a sandbox Microsoft identity platform + Graph on loopback");
  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error)
      || port < 0 || port > G_MAXUINT16 || page_size < 1)
    {
      g_printerr ("sandbox-microsoft: %s\n", error != NULL ? error->message : "invalid --port or --page-size");
      return 2;
    }

  sandbox = bk_sandbox_microsoft_new ();
  bk_sandbox_microsoft_set_page_size (sandbox, page_size);
  if (data != NULL && !bk_sandbox_microsoft_load_data_file (sandbox, data, &error))
    {
      g_printerr ("sandbox-microsoft: %s: %s\n", data, error->message);
      return 1;
    }
  loop = g_main_loop_new (NULL, FALSE);
  if (!bk_sandbox_microsoft_start (sandbox, g_main_context_default (), port, &error))
    {
      g_printerr ("sandbox-microsoft: %s\n", error->message);
      return 1;
    }
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  printf ("BOOKABLE_SANDBOX_URL=%s\n", bk_sandbox_microsoft_get_url (sandbox));
  fflush (stdout);
  g_main_loop_run (loop);
  bk_sandbox_microsoft_stop (sandbox);
  return 0;
}
