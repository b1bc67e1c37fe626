/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "bk-cli.h"
#include "bk-store.h"

G_BEGIN_DECLS

#define BK_CLI_ERROR (_bk_cli_error_quark ())

typedef enum
{
  BK_CLI_ERROR_USAGE,   /* the command line itself is wrong: exit 2 with usage */
  BK_CLI_ERROR_FAILED,  /* valid command line, refused input or failed work: exit 1 */
} BkCliError;

/* Longest span `slots` and `appointments` accept, so a typo in a year cannot
 * make the engine enumerate centuries. */
#define BK_CLI_MAX_SPAN_DAYS 400

GQuark          _bk_cli_error_quark         (void);

/* Each command gets argv with argv[0] = its own name ("slots", "blocks add"). */
int             _bk_cli_rules_run           (int                 argc,
                                             char              **argv);
int             _bk_cli_blocks_run          (int                 argc,
                                             char              **argv);
int             _bk_cli_slots_run           (int                 argc,
                                             char              **argv);
int             _bk_cli_appointments_run    (int                 argc,
                                             char              **argv);

/* A GOptionContext whose help reads "bookablectl COMMAND [OPTION…] PARAMS"
 * and whose --help is an ordinary flag (so it never calls exit()). */
GOptionContext *_bk_cli_context_new         (const char         *command,
                                             const char         *parameter_string,
                                             const char         *summary,
                                             const GOptionEntry *entries,
                                             gboolean           *out_help);
/* Parses @argv (argc/argv as given to the command); the positional
 * arguments left over, without argv[0], go to @out_rest. */
gboolean        _bk_cli_parse               (GOptionContext     *context,
                                             int                 argc,
                                             char              **argv,
                                             char             ***out_rest,
                                             GError            **error);
int             _bk_cli_print_help          (GOptionContext     *context);
/* Prints "bookablectl: MESSAGE" on stderr (plus the usage for usage errors)
 * and returns the matching exit status. */
int             _bk_cli_report              (GOptionContext     *context,
                                             const GError       *error);
int             _bk_cli_usage_error         (GOptionContext     *context,
                                             const char         *message);

/* Opens the profile's store; prints its recovery message, if any, once. */
BkStore        *_bk_cli_open_store          (GError            **error);

/* An ISO 8601 option value with an offset or Z; @option names it in errors. */
gboolean        _bk_cli_parse_instant       (const char         *option,
                                             const char         *text,
                                             gint64             *out_unix,
                                             GError            **error);
gint64          _bk_cli_now                 (void);
/* Checks from ≤ to and that the span is at most BK_CLI_MAX_SPAN_DAYS. */
gboolean        _bk_cli_check_span          (gint64              from,
                                             gint64              to,
                                             GError            **error);

/* Output */
void            _bk_cli_print_json          (JsonNode           *node);
GDateTime      *_bk_cli_local_date_time     (gint64              unix_seconds);
char           *_bk_cli_local_zone_name     (void);
char           *_bk_cli_format_local        (gint64              unix_seconds,
                                             const char         *format);
/* Appends a blank line and the local day of @unix_seconds when it differs
 * from *@last_day (start with 0), for tables grouped by day. */
void            _bk_cli_append_day_heading  (GString            *table,
                                             gint64              unix_seconds,
                                             gint               *last_day);
/* Prints a table built in a GString (in the locale's charset). */
void            _bk_cli_print_table         (GString            *table);

G_END_DECLS
