/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit statuses of bookablectl: scripts tell a mistyped command line (2)
 * from a refused input or a failed operation (1). */
typedef enum
{
  BK_CLI_EXIT_OK      = 0,
  BK_CLI_EXIT_FAILURE = 1,
  BK_CLI_EXIT_USAGE   = 2,
} BkCliExit;

/* Runs one bookablectl command line (@argv[0] is the program name) against
 * the profile's store, printing to stdout/stderr. Returns the exit status. */
int bk_cli_run (int    argc,
                char **argv);

G_END_DECLS
