/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-bookablectl"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdarg.h>
#include <string.h>

#include "bookable-core.h"
#include "ctl-runner.h"

/* ------------------------------------------------------------------------ */
/* Slots                                                                     */
/* ------------------------------------------------------------------------ */

/* Europe/Berlin, Mondays 09:00–12:00, hour-long slots: on Monday 2027-03-22
 * (CET, UTC+1) that is 08:00Z, 09:00Z, 10:00Z; on Monday 2027-03-29 (CEST,
 * UTC+2, the day after the spring-forward) 07:00Z, 08:00Z, 09:00Z. */
static void
test_slots_json (void)
{
  g_autofree char *summary = NULL;
  g_autoptr(CtlResult) later = NULL;
  g_autofree char *later_summary = NULL;

  ctl_import_rules (ctl_berlin_rules);
  summary = ctl_get_slots_summary ();
  g_assert_cmpstr (summary, ==,
                   "2027-03-22T08:00:00Z/2027-03-22T09:00:00Z,"
                   "2027-03-22T09:00:00Z/2027-03-22T10:00:00Z,"
                   "2027-03-22T10:00:00Z/2027-03-22T11:00:00Z,"
                   "2027-03-29T07:00:00Z/2027-03-29T08:00:00Z,"
                   "2027-03-29T08:00:00Z/2027-03-29T09:00:00Z,"
                   "2027-03-29T09:00:00Z/2027-03-29T10:00:00Z");

  /* --now is honoured: half past nine Berlin time leaves only the 10:00 and 11:00 slots that day. */
  later = ctl_run ("slots", "--from", "2027-03-22T00:00:00Z", "--to", "2027-03-23T00:00:00Z",
                   "--now", "2027-03-22T09:30:00+01:00", "--json", NULL);
  g_assert_cmpint (later->status, ==, 0);
  later_summary = ctl_summarize_slots (later->out);
  g_assert_cmpstr (later_summary, ==,
                   "2027-03-22T09:00:00Z/2027-03-22T10:00:00Z,"
                   "2027-03-22T10:00:00Z/2027-03-22T11:00:00Z");
}

static void
test_slots_table (void)
{
  const char *args[] = {
    "slots", "--from", "2027-03-22T00:00:00Z", "--to", "2027-03-23T00:00:00Z",
    "--now", "2027-03-20T00:00:00Z", NULL
  };
  g_autoptr(CtlResult) berlin = NULL;
  g_autoptr(CtlResult) utc = NULL;
  g_autoptr(CtlResult) empty = NULL;

  ctl_import_rules (ctl_berlin_rules);

  /* The table is in the machine's zone, and its header says which. */
  berlin = ctl_run_argv ("Europe/Berlin", NULL, args);
  g_assert_cmpint (berlin->status, ==, 0);
  g_assert_nonnull (strstr (berlin->out, "Europe/Berlin"));
  g_assert_nonnull (strstr (berlin->out, "2027-03-22"));
  g_assert_nonnull (strstr (berlin->out, "09:00–10:00"));
  g_assert_nonnull (strstr (berlin->out, "11:00–12:00"));
  g_assert_null (strstr (berlin->out, "08:00–09:00"));

  utc = ctl_run_argv ("UTC", NULL, args);
  g_assert_cmpint (utc->status, ==, 0);
  g_assert_nonnull (strstr (utc->out, "UTC"));
  g_assert_nonnull (strstr (utc->out, "08:00–09:00"));
  g_assert_null (strstr (utc->out, "11:00–12:00"));

  empty = ctl_run ("slots", "--from", "2027-03-23T00:00:00Z", "--to", "2027-03-24T00:00:00Z",
                   "--now", "2027-03-20T00:00:00Z", NULL);
  g_assert_cmpint (empty->status, ==, 0);
  g_assert_nonnull (strstr (empty->out, "No free slots"));
}

static void
test_slots_range_errors (void)
{
  g_autoptr(CtlResult) backwards = ctl_run ("slots", "--from", "2027-03-30T00:00:00Z",
                                            "--to", "2027-03-22T00:00:00Z", NULL);
  g_autoptr(CtlResult) too_long = ctl_run ("slots", "--from", "2027-01-01T00:00:00Z",
                                           "--to", "2028-06-01T00:00:00Z", NULL);
  g_autoptr(CtlResult) garbage = ctl_run ("slots", "--from", "next tuesday",
                                          "--to", "2028-06-01T00:00:00Z", NULL);

  g_assert_cmpint (backwards->status, ==, 1);
  g_assert_nonnull (strstr (backwards->err, "--to"));
  g_assert_cmpstr (backwards->out, ==, "");
  g_assert_cmpint (too_long->status, ==, 1);
  g_assert_nonnull (strstr (too_long->err, "400"));
  g_assert_cmpint (garbage->status, ==, 2);
  g_assert_nonnull (strstr (garbage->err, "next tuesday"));
}

/* ------------------------------------------------------------------------ */
/* Blocks                                                                    */
/* ------------------------------------------------------------------------ */

static void
test_blocks (void)
{
  const char *list_args[] = { "blocks", "list", "--json", NULL };
  g_autofree char *before = NULL;
  g_autofree char *blocked = NULL;
  g_autofree char *listed = NULL;
  g_autofree char *after_remove = NULL;
  g_autofree char *list_text = NULL;
  g_autofree char *untitled_text = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *missing_message = NULL;
  g_autoptr(CtlResult) table = NULL;
  g_autoptr(CtlResult) again = NULL;
  g_autoptr(CtlResult) inverted = NULL;
  gint64 dentist, untitled;

  ctl_import_rules (ctl_berlin_rules);
  before = ctl_get_slots_summary ();

  /* 09:30–10:00 Berlin = 08:30–09:00Z: takes the 08:00Z slot; the 09:00Z slot
   * only touches it and stays. */
  dentist = ctl_add_block ("2027-03-22T09:30:00+01:00", "2027-03-22T10:00:00+01:00", "Dentist");
  untitled = ctl_add_block ("2027-03-29T09:00:00Z", "2027-03-29T09:15:00Z", NULL);
  g_assert_cmpint (untitled, !=, dentist);

  blocked = ctl_get_slots_summary ();
  g_assert_cmpstr (blocked, ==,
                   "2027-03-22T09:00:00Z/2027-03-22T10:00:00Z,"
                   "2027-03-22T10:00:00Z/2027-03-22T11:00:00Z,"
                   "2027-03-29T07:00:00Z/2027-03-29T08:00:00Z,"
                   "2027-03-29T08:00:00Z/2027-03-29T09:00:00Z");

  listed = ctl_ok (list_args);
  g_strchomp (listed);
  expected = g_strdup_printf ("[{\"id\":%" G_GINT64_FORMAT ",\"start\":\"2027-03-22T08:30:00Z\","
                              "\"end\":\"2027-03-22T09:00:00Z\",\"title\":\"Dentist\"},"
                              "{\"id\":%" G_GINT64_FORMAT ",\"start\":\"2027-03-29T09:00:00Z\","
                              "\"end\":\"2027-03-29T09:15:00Z\",\"title\":null}]",
                              dentist, untitled);
  g_assert_cmpstr (listed, ==, expected);

  table = ctl_run ("blocks", "list", NULL);
  g_assert_cmpint (table->status, ==, 0);
  g_assert_nonnull (strstr (table->out, "Dentist"));
  g_assert_nonnull (strstr (table->out, "2027-03-22 08:30"));

  list_text = g_strdup_printf ("%" G_GINT64_FORMAT, dentist);
  untitled_text = g_strdup_printf ("%" G_GINT64_FORMAT, untitled);
  g_free (ctl_ok ((const char *[]) { "blocks", "remove", list_text, NULL }));
  g_free (ctl_ok ((const char *[]) { "blocks", "remove", untitled_text, NULL }));
  after_remove = ctl_get_slots_summary ();
  g_assert_cmpstr (after_remove, ==, before);

  again = ctl_run ("blocks", "remove", list_text, NULL);
  missing_message = g_strdup_printf ("bookablectl: no block with id %s\n", list_text);
  g_assert_cmpint (again->status, ==, 1);
  g_assert_cmpstr (again->err, ==, missing_message);

  inverted = ctl_run ("blocks", "add", "--start", "2027-03-22T10:00:00Z",
                      "--end", "2027-03-22T09:00:00Z", NULL);
  g_assert_cmpint (inverted->status, ==, 1);
  g_free (listed);
  listed = ctl_ok (list_args);
  g_assert_cmpstr (listed, ==, "[]\n");
}

/* ------------------------------------------------------------------------ */
/* Appointments                                                              */
/* ------------------------------------------------------------------------ */

static gint64
parse_instant (const char *text)
{
  g_autoptr(GError) error = NULL;
  gint64 value = 0;

  bk_time_parse_iso8601 (text, &value, &error);
  g_assert_no_error (error);

  return value;
}

/* Writes through the store itself, as sync will: the CLI only reads them. */
static void
seed_appointments (GPtrArray *appointments)
{
  g_autofree char *path = bk_store_get_default_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(BkStore) store = NULL;

  g_mkdir_with_parents (dir, 0700);
  store = bk_store_open (path, &error);
  g_assert_no_error (error);
  bk_store_upsert_appointments (store, appointments, &error);
  g_assert_no_error (error);
}

static GPtrArray *
make_march_appointments (void)
{
  GPtrArray *list = g_ptr_array_new_with_free_func (g_object_unref);
  BkAppointment *ada, *grace, *later;

  ada = bk_appointment_new ("a-1", parse_instant ("2027-03-22T08:00:00Z"),
                            parse_instant ("2027-03-22T09:00:00Z"), "Ada Lovelace", "ada@example.org");
  bk_appointment_set_note (ada, "First session");
  bk_appointment_set_calendar_event_id (ada, "evt-1");
  bk_appointment_set_conflict (ada, TRUE);

  grace = bk_appointment_new ("a-2", parse_instant ("2027-03-22T09:00:00Z"),
                              parse_instant ("2027-03-22T10:00:00Z"), "Grace Hopper", "grace@example.org");
  bk_appointment_set_status (grace, BK_APPOINTMENT_STATUS_CANCELLED);
  bk_appointment_set_pending (grace, TRUE);

  later = bk_appointment_new ("a-3", parse_instant ("2027-05-03T08:00:00Z"),
                              parse_instant ("2027-05-03T09:00:00Z"), "Alan Turing", "alan@example.org");

  g_ptr_array_add (list, ada);
  g_ptr_array_add (list, grace);
  g_ptr_array_add (list, later);

  return list;
}

static void
test_appointments_empty (void)
{
  const char *json_args[] = { "appointments", "--json", NULL };
  const char *table_args[] = { "appointments", NULL };
  g_autofree char *json = ctl_ok (json_args);
  g_autofree char *table = ctl_ok (table_args);

  g_assert_cmpstr (json, ==, "[]\n");
  g_assert_nonnull (strstr (table, "No appointments"));
}

static void
test_appointments_listed (void)
{
  const char *json_args[] = { "appointments", "--from", "2027-03-22T00:00:00Z",
                              "--to", "2027-03-23T00:00:00Z", "--json", NULL };
  const char *table_args[] = { "appointments", "--from", "2027-03-22T00:00:00Z",
                               "--to", "2027-03-23T00:00:00Z", NULL };
  g_autoptr(GPtrArray) seeded = make_march_appointments ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(CtlResult) table = NULL;
  g_autofree char *out = NULL;
  g_autofree char *keys = NULL;
  g_autofree char *slots = NULL;
  JsonArray *array;
  JsonObject *ada, *grace;

  ctl_import_rules (ctl_berlin_rules);
  seed_appointments (seeded);

  out = ctl_ok (json_args);
  root = ctl_parse_json (out);
  array = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  ada = json_array_get_object_element (array, 0);
  grace = json_array_get_object_element (array, 1);

  keys = ctl_get_sorted_keys (ada);
  g_assert_cmpstr (keys, ==, "calendar_event_id,client_email,client_name,conflict,conflicts_with,"
                             "end,id,note,pending,start,status");
  g_assert_cmpstr (json_object_get_string_member (ada, "id"), ==, "a-1");
  g_assert_cmpstr (json_object_get_string_member (ada, "start"), ==, "2027-03-22T08:00:00Z");
  g_assert_cmpstr (json_object_get_string_member (ada, "end"), ==, "2027-03-22T09:00:00Z");
  g_assert_cmpstr (json_object_get_string_member (ada, "client_name"), ==, "Ada Lovelace");
  g_assert_cmpstr (json_object_get_string_member (ada, "client_email"), ==, "ada@example.org");
  g_assert_cmpstr (json_object_get_string_member (ada, "note"), ==, "First session");
  g_assert_cmpstr (json_object_get_string_member (ada, "status"), ==, "booked");
  g_assert_cmpstr (json_object_get_string_member (ada, "calendar_event_id"), ==, "evt-1");
  g_assert_true (json_object_get_boolean_member (ada, "conflict"));
  g_assert_false (json_object_get_boolean_member (ada, "pending"));

  g_assert_cmpstr (json_object_get_string_member (grace, "id"), ==, "a-2");
  g_assert_cmpstr (json_object_get_string_member (grace, "status"), ==, "cancelled");
  g_assert_true (json_object_get_null_member (grace, "note"));
  g_assert_true (json_object_get_null_member (grace, "calendar_event_id"));
  g_assert_false (json_object_get_boolean_member (grace, "conflict"));
  g_assert_true (json_object_get_boolean_member (grace, "pending"));

  table = ctl_run_argv ("Europe/Berlin", NULL, table_args);
  g_assert_cmpint (table->status, ==, 0);
  g_assert_nonnull (strstr (table->out, "Europe/Berlin"));
  g_assert_nonnull (strstr (table->out, "09:00–10:00"));
  g_assert_nonnull (strstr (table->out, "Ada Lovelace <ada@example.org>"));
  g_assert_nonnull (strstr (table->out, "Grace Hopper"));
  g_assert_null (strstr (table->out, "Alan Turing"));

  /* The booked appointment takes its slot; the cancelled one frees its own. */
  slots = ctl_get_slots_summary ();
  g_assert_cmpstr (slots, ==,
                   "2027-03-22T09:00:00Z/2027-03-22T10:00:00Z,"
                   "2027-03-22T10:00:00Z/2027-03-22T11:00:00Z,"
                   "2027-03-29T07:00:00Z/2027-03-29T08:00:00Z,"
                   "2027-03-29T08:00:00Z/2027-03-29T09:00:00Z,"
                   "2027-03-29T09:00:00Z/2027-03-29T10:00:00Z");
}

static void
test_appointments_default_range (void)
{
  const char *args[] = { "appointments", "--json", NULL };
  g_autoptr(GPtrArray) seeded = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *out = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  JsonArray *array;

  /* Yesterday's is over, next week's is in, two months out is beyond the 30 days. */
  g_ptr_array_add (seeded, bk_appointment_new ("past", now - 86400, now - 86400 + 3600, "P", "p@example.org"));
  g_ptr_array_add (seeded, bk_appointment_new ("soon", now + 7 * 86400, now + 7 * 86400 + 3600, "S", "s@example.org"));
  g_ptr_array_add (seeded, bk_appointment_new ("far", now + 60 * 86400, now + 60 * 86400 + 3600, "F", "f@example.org"));
  seed_appointments (seeded);

  out = ctl_ok (args);
  root = ctl_parse_json (out);
  array = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 0), "id"), ==, "soon");
}

/* ------------------------------------------------------------------------ */
/* appointments reschedule (issue 5): no server here, so only what the      */
/* expert sees before the next sync                                         */
/* ------------------------------------------------------------------------ */

static const char *march_args[] = { "appointments", "--from", "2027-03-22T00:00:00Z",
                                    "--to", "2027-06-01T00:00:00Z", "--json", NULL };

/* @id's object in `appointments --json` over March–May 2027. */
static JsonObject *
get_listed (JsonNode   *root,
            const char *id)
{
  JsonArray *array = json_node_get_array (root);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member (object, "id"), id) == 0)
        return object;
    }
  g_error ("appointment %s is not listed", id);
  return NULL;
}

static gint64
get_pending_count (void)
{
  const char *args[] = { "status", "--json", NULL };
  g_autofree char *out = ctl_ok (args);
  g_autoptr(JsonNode) root = ctl_parse_json (out);

  return json_object_get_int_member (json_node_get_object (root), "pending");
}

/* The "start/end" the outbox would send for @id ("" when nothing queued),
 * read from the store the way the sync pass reads it. */
static char *
get_queued_move (const char *id)
{
  g_autofree char *path = bk_store_get_default_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(BkStore) store = bk_store_open (path, &error);
  g_autoptr(GPtrArray) entries = NULL;
  GString *moves = g_string_new (NULL);

  g_assert_no_error (error);
  entries = bk_store_outbox_list (store, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    {
      BkOutboxEntry *entry = g_ptr_array_index (entries, i);
      g_autoptr(JsonNode) payload = ctl_parse_json (entry->payload);
      JsonObject *object = json_node_get_object (payload);

      /* BK_OUTBOX_RESCHEDULE_APPOINTMENT (src/sync, beyond this test's reach) */
      if (g_str_equal (entry->kind, "reschedule-appointment")
          && g_strcmp0 (json_object_get_string_member (object, "appointment_id"), id) == 0)
        g_string_append_printf (moves, "%s%s/%s", moves->len > 0 ? "," : "",
                                json_object_get_string_member (object, "start"),
                                json_object_get_string_member (object, "end"));
    }
  return g_string_free (moves, FALSE);
}

/* Runs `appointments reschedule @first…` and insists on @status and
 * exactly @err on stderr, nothing on stdout. */
static void
assert_reschedule_fails (int         status,
                         const char *err,
                         const char *first,
                         ...) G_GNUC_NULL_TERMINATED;

static void
assert_reschedule_fails (int         status,
                         const char *err,
                         const char *first,
                         ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(CtlResult) result = NULL;
  va_list ap;

  g_ptr_array_add (args, (gpointer) "appointments");
  g_ptr_array_add (args, (gpointer) "reschedule");
  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  result = ctl_run_argv (NULL, NULL, (const char * const *) args->pdata);
  g_assert_cmpint (result->status, ==, status);
  g_assert_cmpstr (result->out, ==, "");
  /* usage errors print the command's help after the message */
  if (status == 2)
    g_assert_true (g_str_has_prefix (result->err, err));
  else
    g_assert_cmpstr (result->err, ==, err);
}

static void
test_reschedule_refused (void)
{
  g_autoptr(GPtrArray) seeded = make_march_appointments ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *out = NULL, *queued = NULL;
  JsonObject *ada;

  seed_appointments (seeded);

  assert_reschedule_fails (1, "bookablectl: There is no appointment “nope” in this profile.\n",
                           "nope", "--start", "2027-03-22T10:00:00Z", NULL);
  assert_reschedule_fails (2, "bookablectl: --start: “2027-03-22T10:00:00” has no UTC offset",
                           "a-1", "--start", "2027-03-22T10:00:00", NULL);
  assert_reschedule_fails (2, "bookablectl: --start: ", "a-1", "--start", "next tuesday", NULL);
  assert_reschedule_fails (2, "bookablectl: --end: ", "a-1", "--start", "2027-03-22T10:00:00Z",
                           "--end", "eleven", NULL);
  assert_reschedule_fails (2, "bookablectl: When to? Give --start\n", "a-1", NULL);
  assert_reschedule_fails (2, "bookablectl: Which appointment? Give its ID\n",
                           "--start", "2027-03-22T10:00:00Z", NULL);
  assert_reschedule_fails (1, "bookablectl: An appointment must end after it starts.\n",
                           "a-1", "--start", "2027-03-22T10:00:00Z", "--end", "2027-03-22T09:30:00Z", NULL);
  assert_reschedule_fails (1, "bookablectl: An appointment must end after it starts.\n",
                           "a-1", "--start", "2027-03-22T10:00:00Z", "--end", "2027-03-22T11:00:00+01:00", NULL);
  assert_reschedule_fails (1, "bookablectl: Appointment “a-2” is not booked (it is cancelled); "
                              "nothing to reschedule.\n",
                           "a-2", "--start", "2027-03-22T10:00:00Z", NULL);

  /* none of them queued anything or touched the appointment */
  g_assert_cmpint (get_pending_count (), ==, 0);
  out = ctl_ok (march_args);
  root = ctl_parse_json (out);
  ada = get_listed (root, "a-1");
  g_assert_cmpstr (json_object_get_string_member (ada, "start"), ==, "2027-03-22T08:00:00Z");
  g_assert_false (json_object_get_boolean_member (ada, "pending"));
  queued = get_queued_move ("a-1");
  g_assert_cmpstr (queued, ==, "");
}

static void
test_reschedule_queued (void)
{
  const char *move_ada[] = { "appointments", "reschedule", "a-1", "--start", "2027-03-22T10:00:00Z", NULL };
  const char *move_alan[] = { "appointments", "reschedule", "a-3",
                              "--start", "2027-05-04T14:30:00+02:00", NULL };
  const char *stretch_alan[] = { "appointments", "reschedule", "a-3", "--start", "2027-05-04T12:30:00Z",
                                 "--end", "2027-05-04T14:00:00Z", NULL };
  g_autoptr(GPtrArray) seeded = make_march_appointments ();
  const char *cancel_alan[] = { "appointments", "cancel", "a-3", NULL };
  g_autoptr(CtlResult) moved = NULL, berlin = NULL, again = NULL, cancelled = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *out = NULL, *ada_move = NULL, *alan_move = NULL, *slots = NULL;
  JsonObject *ada, *alan;

  ctl_import_rules (ctl_berlin_rules);
  seed_appointments (seeded);

  moved = ctl_run_argv (NULL, NULL, move_ada);
  g_assert_cmpint (moved->status, ==, 0);
  g_assert_cmpstr (moved->err, ==, "");
  g_assert_cmpstr (moved->out, ==, "Appointment a-1 moves to 2027-03-22 10:00–11:00 UTC once the "
                                   "server confirms it (next sync).\n");
  /* without --end it keeps its hour; the message speaks the local zone */
  berlin = ctl_run_argv ("Europe/Berlin", NULL, move_alan);
  g_assert_cmpint (berlin->status, ==, 0);
  g_assert_cmpstr (berlin->out, ==, "Appointment a-3 moves to 2027-05-04 14:30–15:30 CEST once the "
                                    "server confirms it (next sync).\n");
  g_assert_cmpint (get_pending_count (), ==, 2);

  /* the store keeps the old times until the server confirms: pending */
  out = ctl_ok (march_args);
  root = ctl_parse_json (out);
  ada = get_listed (root, "a-1");
  alan = get_listed (root, "a-3");
  g_assert_cmpstr (json_object_get_string_member (ada, "start"), ==, "2027-03-22T08:00:00Z");
  g_assert_cmpstr (json_object_get_string_member (ada, "end"), ==, "2027-03-22T09:00:00Z");
  g_assert_cmpstr (json_object_get_string_member (ada, "status"), ==, "booked");
  g_assert_true (json_object_get_boolean_member (ada, "pending"));
  g_assert_cmpstr (json_object_get_string_member (alan, "start"), ==, "2027-05-03T08:00:00Z");
  g_assert_true (json_object_get_boolean_member (alan, "pending"));
  ada_move = get_queued_move ("a-1");
  alan_move = get_queued_move ("a-3");
  g_assert_cmpstr (ada_move, ==, "2027-03-22T10:00:00Z/2027-03-22T11:00:00Z");
  g_assert_cmpstr (alan_move, ==, "2027-05-04T12:30:00Z/2027-05-04T13:30:00Z");
  /* its old hour stays taken until then, the new one stays offered */
  slots = ctl_get_slots_summary ();
  g_assert_null (strstr (slots, "2027-03-22T08:00:00Z/"));
  g_assert_nonnull (strstr (slots, "2027-03-22T10:00:00Z/2027-03-22T11:00:00Z"));

  /* one change at a time */
  again = ctl_run_argv (NULL, NULL, stretch_alan);
  g_assert_cmpint (again->status, ==, 1);
  g_assert_cmpstr (again->out, ==, "");
  g_assert_cmpstr (again->err, ==, "bookablectl: Appointment “a-3” already has a change waiting for "
                                   "the server; sync first.\n");
  g_assert_cmpint (get_pending_count (), ==, 2);
  /* nor a cancellation behind a move: it would reach the old appointment
   * after the server replaced it */
  cancelled = ctl_run_argv (NULL, NULL, cancel_alan);
  g_assert_cmpint (cancelled->status, ==, 1);
  g_assert_cmpstr (cancelled->err, ==, again->err);
  g_assert_cmpint (get_pending_count (), ==, 2);
  g_free (alan_move);
  alan_move = get_queued_move ("a-3");
  g_assert_cmpstr (alan_move, ==, "2027-05-04T12:30:00Z/2027-05-04T13:30:00Z");
}


int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/cli/slots/json", test_slots_json);
  g_test_add_func ("/cli/slots/table", test_slots_table);
  g_test_add_func ("/cli/slots/range-errors", test_slots_range_errors);
  g_test_add_func ("/cli/blocks", test_blocks);
  g_test_add_func ("/cli/appointments/empty", test_appointments_empty);
  g_test_add_func ("/cli/appointments/listed", test_appointments_listed);
  g_test_add_func ("/cli/appointments/default-range", test_appointments_default_range);
  g_test_add_func ("/cli/appointments/reschedule-refused", test_reschedule_refused);
  g_test_add_func ("/cli/appointments/reschedule-queued", test_reschedule_queued);

  return g_test_run ();
}
