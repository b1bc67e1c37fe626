/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-sandbox-google"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-sandbox-google.h"
#include "sandbox-common.h"

/* sandbox-google [--port N] [--page-size N] [--data FILE.json]
 * Prints BOOKABLE_SANDBOX_URL=http://127.0.0.1:PORT as its first line, then
 * serves until SIGTERM or SIGINT. See tests/services/README.md. */

static gpointer
create (guint        page_size,
        const char  *data_file,
        guint        port,
        GError     **error)
{
  g_autoptr(BkSandboxGoogle) sandbox = bk_sandbox_google_new ();

  bk_sandbox_google_set_page_size (sandbox, page_size);
  if (data_file != NULL && !bk_sandbox_google_load_data_file (sandbox, data_file, error))
    {
      g_prefix_error (error, "%s: ", data_file);
      return NULL;
    }
  if (!bk_sandbox_google_start (sandbox, g_main_context_default (), port, error))
    return NULL;
  return g_steal_pointer (&sandbox);
}

static const char *
get_url (gpointer sandbox)
{
  return bk_sandbox_google_get_url (sandbox);
}

int
main (int   argc,
      char *argv[])
{
  return sbc_program_main (argc, argv, "sandbox-google",
                           "— a sandbox Google OAuth 2.0 + Calendar API v3 on loopback",
                           250, create, get_url);
}
