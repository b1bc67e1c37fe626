/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-sandbox-microsoft"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-sandbox-microsoft.h"
#include "sandbox-common.h"

/* sandbox-microsoft [--port N] [--page-size N] [--data FILE.json]
 * Prints BOOKABLE_SANDBOX_URL=http://127.0.0.1:PORT as its first line, then
 * serves until SIGTERM or SIGINT. See tests/services/README.md. */

static gpointer
create (guint        page_size,
        const char  *data_file,
        guint        port,
        GError     **error)
{
  g_autoptr(BkSandboxMicrosoft) sandbox = bk_sandbox_microsoft_new ();

  bk_sandbox_microsoft_set_page_size (sandbox, page_size);
  if (data_file != NULL && !bk_sandbox_microsoft_load_data_file (sandbox, data_file, error))
    {
      g_prefix_error (error, "%s: ", data_file);
      return NULL;
    }
  if (!bk_sandbox_microsoft_start (sandbox, g_main_context_default (), port, error))
    return NULL;
  return g_steal_pointer (&sandbox);
}

static const char *
get_url (gpointer sandbox)
{
  return bk_sandbox_microsoft_get_url (sandbox);
}

int
main (int   argc,
      char *argv[])
{
  return sbc_program_main (argc, argv, "sandbox-microsoft",
                           "— a sandbox Microsoft identity platform + Graph on loopback",
                           10, create, get_url);
}
