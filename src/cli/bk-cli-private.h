/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "bk-availability-strategy.h"
#include "bk-cli.h"
#include "bk-calendar-strategy.h"
#include "bk-http.h"
#include "bk-token-store.h"
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
/* bk-cli-sync.c (issue 5): the backend */
int             _bk_cli_signin_run          (int                 argc,
                                             char              **argv);
int             _bk_cli_signout_run         (int                 argc,
                                             char              **argv);
int             _bk_cli_sync_run            (int                 argc,
                                             char              **argv);
int             _bk_cli_status_run          (int                 argc,
                                             char              **argv);
int             _bk_cli_appointments_cancel_run (int             argc,
                                             char              **argv);
int             _bk_cli_appointments_reschedule_run (int         argc,
                                             char              **argv);

/* bk-cli-integration.c, bk-cli-calendars.c, bk-cli-config.c (issue 3):
 * calendar sources and the provider settings */
int             _bk_cli_connect_run         (int                 argc,
                                             char              **argv);
int             _bk_cli_disconnect_run      (int                 argc,
                                             char              **argv);
int             _bk_cli_calendars_run       (int                 argc,
                                             char              **argv);
int             _bk_cli_busy_run            (int                 argc,
                                             char              **argv);
int             _bk_cli_config_run          (int                 argc,
                                             char              **argv);
/* The calendar part of `status`: adds "source", "account", "state"
 * (connected | reconnect_needed | disconnected), "last_sync" and
 * "calendars" [{id, name, selected, destination, last_read}] to the object
 * @builder has open; the text form appends lines to @out. */
void            _bk_cli_integration_status_json (BkStore        *store,
                                             JsonBuilder        *builder);
void            _bk_cli_integration_status_text (BkStore        *store,
                                             GString            *out);
/* Slots through the active calendar source's strategy (live busy times,
 * the cache when the service cannot be reached), and its report on stderr
 * for tables. */
GArray         *_bk_cli_calendar_slots      (BkStore            *store,
                                             BkSource            source,
                                             gint64              from,
                                             gint64              to,
                                             gint64              now,
                                             BkSlotReport      **out_report,
                                             GError            **error);
void            _bk_cli_print_slot_report   (BkStore            *store,
                                             const BkSlotReport *report);
/* Waiting for GAsyncResults on the default main context: pass
 * _bk_cli_got_result_cb with &slot (NULL), then _bk_cli_wait_result (&slot). */
void            _bk_cli_got_result_cb       (GObject            *object,
                                             GAsyncResult       *result,
                                             gpointer            user_data);
GAsyncResult   *_bk_cli_wait_result         (GAsyncResult      **slot);
/* The provider settings, or NULL with an error when the schema is missing
 * (g_settings_new() would abort). */
GSettings      *_bk_cli_open_settings       (GError            **error);

/* A calendar service bookablectl connects (issue 6: one table, so connect,
 * disconnect, status, calendars, busy and slots work for either). The
 * strategy is a BkCalendarStrategy: its calls are the same for both. */
typedef struct
{
  const char    *name;        /* on the command line: "office365", "google" */
  const char    *provider;    /* BK_PROVIDER_* */
  BkSource       source;
  const char    *label;       /* "Office 365 Calendar", marked for translation */
  const char    *short_label; /* "Office 365", marked for translation */
  const char    *vendor;      /* "Microsoft", "Google" */
  GQuark       (*error_quark) (void);
  int            reconnect_code;  /* its RECONNECT_NEEDED error code */
  GObject     *(*new_strategy) (BkStore *store, BkHttp *http, BkTokenStore *tokens, GSettings *settings);
} BkCliProvider;

/* The service named @name ("office365", "google"), else a usage error. */
const BkCliProvider *_bk_cli_lookup_provider (const char        *name,
                                             GError            **error);
/* The service of the active source; while manual, the one connected (else
 * Office 365). */
const BkCliProvider *_bk_cli_get_current_provider (BkStore      *store);
/* "office365, google" */
const char     *_bk_cli_list_providers      (void);
/* A new strategy of @provider on @store (its own BkHttp and keyring). */
GObject        *_bk_cli_new_strategy        (BkStore             *store,
                                             const BkCliProvider *provider,
                                             GError             **error);
/* Local "YYYY-MM-DD HH:MM ZONE", or "never" for 0. */
char           *_bk_cli_format_instant      (gint64              unix_seconds);

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
BkHttp         *_bk_cli_new_http            (void);

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
/* --from (default: now) and --to (default: @default_days after --from),
 * checked as _bk_cli_check_span() does. */
gboolean        _bk_cli_parse_range         (const char         *from_text,
                                             const char         *to_text,
                                             guint               default_days,
                                             gint64             *out_from,
                                             gint64             *out_to,
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
