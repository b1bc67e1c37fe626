/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* What one run of bookablectl did. */
typedef struct
{
  int   status;  /* exit status; a run killed by a signal fails the test */
  char *out;
  char *err;
} CtlResult;

/* Europe/Berlin, Mondays 09:00–12:00, hour-long slots, no buffers, no notice. */
extern const char *const ctl_berlin_rules;
/* `slots --json` over Mon 2027-03-22 … Mon 2027-03-29, now = 2027-03-20. */
extern const char *const ctl_two_weeks[];

void       ctl_result_free         (CtlResult          *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CtlResult, ctl_result_free)

/* Runs bookablectl with @args in this test case's profile, with TZ=@tz when
 * not NULL and @input on stdin when not NULL. */
CtlResult *ctl_run_argv            (const char         *tz,
                                    const char         *input,
                                    const char * const *args);
CtlResult *ctl_run                 (const char         *first,
                                    ...) G_GNUC_NULL_TERMINATED;
/* Starts bookablectl with @args in this case's profile, stdout and stderr
 * piped (for commands that print and then wait, like `connect`). */
GSubprocess *ctl_spawn             (const char * const *args);
/* Waits for @process; its stdout still unread in @out_lines and its stderr
 * go to the result. */
CtlResult *ctl_finish              (GSubprocess        *process,
                                    GDataInputStream   *out_lines);
/* Runs and insists on exit 0 with nothing on stderr; returns stdout. */
char      *ctl_ok                  (const char * const *args);

char      *ctl_write_temp_file     (const char         *name,
                                    const char         *contents);
void       ctl_import_rules        (const char         *json);
gint64     ctl_add_block           (const char         *start,
                                    const char         *end,
                                    const char         *title);
JsonNode  *ctl_parse_json          (const char         *text);
/* "start/end,start/end,…" of a `slots --json` array, checking each object
 * has exactly the keys start and end. */
char      *ctl_summarize_slots     (const char         *json);
char      *ctl_get_slots_summary   (void);
char      *ctl_get_sorted_keys     (JsonObject         *object);

G_END_DECLS
