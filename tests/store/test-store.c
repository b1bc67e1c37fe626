/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-store"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bookable-core.h"

/* 2027-03-01T00:00:00Z, a Monday */
#define T0 G_GINT64_CONSTANT (1803859200)
#define HOUR 3600
#define DAY (24 * HOUR)

static const char *self_exe;

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */

static BkStore *
open_default (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = bk_store_get_default_path ();
  BkStore *store = bk_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

/* Runs @sql on @path with a plain sqlite3 connection, as another program would. */
static void
raw_exec (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static gint64
raw_int (const char *path,
         const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return value;
}

static GBytes *
read_bytes (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize len = 0;

  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (data, len);
}

/* The files next to @path whose names start with "bookable.sqlite.@reason-",
 * leaving out their -wal/-shm companions. */
static GPtrArray *
find_aside (const char *path,
            const char *reason)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *prefix = g_strdup_printf ("bookable.sqlite.%s-", reason);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (name, prefix) &&
        !g_str_has_suffix (name, "-wal") && !g_str_has_suffix (name, "-shm"))
      g_ptr_array_add (found, g_build_filename (dir, name, NULL));

  return found;
}

static void
count_changed_cb (BkStore *store,
                  guint   *count)
{
  (*count)++;
}

static void
set_ranges (BkAvailabilityRules *rules,
            BkWeekday            day,
            guint                n,
            ...)
{
  g_autoptr(GArray) ranges = g_array_new (FALSE, FALSE, sizeof (BkTimeRange));
  va_list args;

  va_start (args, n);
  for (guint i = 0; i < n; i++)
    {
      BkTimeRange range;

      range.start = va_arg (args, guint);
      range.end = va_arg (args, guint);
      g_array_append_val (ranges, range);
    }
  va_end (args);

  bk_availability_rules_set_weekly (rules, day, (BkTimeRange *) (gpointer) ranges->data, n);
}

/* Two rule sets that differ in every table (settings, weekly hours,
 * overrides), so any mix of the two is detectable. */
static BkAvailabilityRules *
make_rules (gboolean variant_b)
{
  BkAvailabilityRules *rules = bk_availability_rules_new ();
  const BkTimeRange morning = { 10 * 60, 14 * 60 };
  const BkTimeRange split[] = { { 8 * 60, 9 * 60 }, { 15 * 60, 24 * 60 } };
  GDate closed, special;

  g_free (rules->time_zone);
  rules->time_zone = g_strdup (variant_b ? "America/New_York" : "Europe/Berlin");
  rules->slot_minutes = variant_b ? 45 : 30;
  rules->step_minutes = variant_b ? 15 : 30;
  rules->buffer_before_minutes = variant_b ? 5 : 0;
  rules->buffer_after_minutes = variant_b ? 0 : 10;
  rules->min_notice_minutes = variant_b ? 60 : 120;
  rules->horizon_days = variant_b ? 30 : 90;
  rules->daily_limit = variant_b ? 4 : 0;

  for (guint day = 0; day < BK_N_WEEKDAYS; day++)
    set_ranges (rules, day, 0);
  if (variant_b)
    {
      set_ranges (rules, BK_WEEKDAY_TUESDAY, 1, 7 * 60, 11 * 60);
      set_ranges (rules, BK_WEEKDAY_SATURDAY, 3, 6 * 60, 7 * 60, 8 * 60, 9 * 60, 22 * 60, 24 * 60);
    }
  else
    {
      set_ranges (rules, BK_WEEKDAY_MONDAY, 2, 9 * 60, 12 * 60, 13 * 60, 17 * 60);
      set_ranges (rules, BK_WEEKDAY_WEDNESDAY, 1, 9 * 60, 17 * 60);
    }

  g_date_clear (&closed, 1);
  g_date_clear (&special, 1);
  g_date_set_dmy (&closed, 29, G_DATE_MARCH, variant_b ? 2028 : 2027);
  g_date_set_dmy (&special, 3, G_DATE_APRIL, 2027);
  bk_availability_rules_set_override (rules, &closed, NULL, 0);
  if (variant_b)
    bk_availability_rules_set_override (rules, &special, split, G_N_ELEMENTS (split));
  else
    bk_availability_rules_set_override (rules, &special, &morning, 1);

  return rules;
}

static BkAppointment *
make_appointment (const char          *id,
                  gint64               start,
                  gint64               end,
                  BkAppointmentStatus  status)
{
  g_autofree char *email = g_strdup_printf ("%s@example.org", id);
  BkAppointment *appointment = bk_appointment_new (id, start, end, "Ada Lovelace", email);

  bk_appointment_set_status (appointment, status);
  return appointment;
}

static void
upsert (BkStore   *store,
        GPtrArray *appointments)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (bk_store_upsert_appointments (store, appointments, &error));
  g_assert_no_error (error);
}

static char *
ids_of (GPtrArray *appointments)
{
  GString *ids = g_string_new (NULL);

  for (guint i = 0; i < appointments->len; i++)
    g_string_append_printf (ids, "%s%s", i ? "," : "",
                            bk_appointment_get_id (g_ptr_array_index (appointments, i)));
  return g_string_free (ids, FALSE);
}

/* ------------------------------------------------------------------------ */
/* Opening                                                                  */

static void
test_open_creates (void)
{
  g_autofree char *path = bk_store_get_default_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(BkStore) store = NULL;
  GStatBuf st;

  g_assert_true (g_str_has_prefix (path, g_get_user_data_dir ()));
  g_assert_true (g_str_has_suffix (path, "/bookable/bookable.sqlite"));
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));

  store = open_default ();
  g_assert_cmpstr (bk_store_get_path (store), ==, path);
  g_assert_null (bk_store_get_recovery_message (store));

  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (raw_int (path, "PRAGMA user_version"), ==, BK_STORE_SCHEMA_VERSION);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'"), ==, 1);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN"
                                  " ('settings', 'weekly_hours', 'date_overrides', 'override_hours',"
                                  " 'blocks', 'calendars', 'busy_intervals', 'slots', 'appointments',"
                                  " 'sync_state', 'outbox')"), ==, 11);
}

static void
test_open_unopenable (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "bookable", NULL);
  g_autofree char *as_dir = g_build_filename (dir, "is-a-directory", NULL);
  g_autofree char *plain = g_build_filename (dir, "plain-file", NULL);
  g_autofree char *under_file = g_build_filename (plain, "bookable.sqlite", NULL);
  g_autoptr(GError) error = NULL;
  BkStore *store;

  g_assert_cmpint (g_mkdir_with_parents (as_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (plain, "x", 1, NULL));

  store = bk_store_open (as_dir, &error);
  g_assert_null (store);
  g_assert_error (error, BK_STORE_ERROR, BK_STORE_ERROR_OPEN);
  g_assert_nonnull (strstr (error->message, as_dir));
  g_clear_error (&error);
  /* a directory is not "corrupt": nothing is moved */
  g_assert_true (g_file_test (as_dir, G_FILE_TEST_IS_DIR));

  store = bk_store_open (under_file, &error);
  g_assert_null (store);
  g_assert_error (error, BK_STORE_ERROR, BK_STORE_ERROR_OPEN);
  g_assert_nonnull (strstr (error->message, under_file));
}

/* ------------------------------------------------------------------------ */
/* Rules                                                                    */

static void
test_rules_defaults (void)
{
  g_autoptr(BkStore) store = open_default ();
  g_autoptr(BkAvailabilityRules) defaults = bk_availability_rules_new ();
  g_autoptr(BkAvailabilityRules) loaded = NULL;
  g_autoptr(GError) error = NULL;

  loaded = bk_store_load_rules (store, &error);
  g_assert_no_error (error);
  g_assert_true (bk_availability_rules_equal (loaded, defaults));
}

static void
test_rules_round_trip (void)
{
  g_autoptr(BkAvailabilityRules) a = make_rules (FALSE);
  g_autoptr(BkAvailabilityRules) b = make_rules (TRUE);
  g_autoptr(BkAvailabilityRules) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BkStore) store = open_default ();
  guint changed = 0;

  g_signal_connect (store, "changed", G_CALLBACK (count_changed_cb), &changed);
  g_assert_true (bk_store_save_rules (store, a, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 1);
  g_clear_object (&store);

  /* a new connection sees exactly what was saved */
  store = open_default ();
  loaded = bk_store_load_rules (store, &error);
  g_assert_no_error (error);
  g_assert_true (bk_availability_rules_equal (loaded, a));
  g_assert_false (bk_availability_rules_equal (loaded, b));
  g_clear_pointer (&loaded, bk_availability_rules_free);

  /* saving replaces, it does not merge: A's Monday and override go away */
  g_assert_true (bk_store_save_rules (store, b, &error));
  loaded = bk_store_load_rules (store, &error);
  g_assert_no_error (error);
  g_assert_true (bk_availability_rules_equal (loaded, b));
  g_assert_cmpuint (loaded->weekly[BK_WEEKDAY_MONDAY]->len, ==, 0);
  g_assert_cmpuint (loaded->weekly[BK_WEEKDAY_SATURDAY]->len, ==, 3);
  g_assert_cmpuint (loaded->overrides->len, ==, 2);
}

static void
test_rules_invalid (void)
{
  g_autoptr(BkStore) store = open_default ();
  g_autoptr(BkAvailabilityRules) a = make_rules (FALSE);
  g_autoptr(BkAvailabilityRules) bad = make_rules (TRUE);
  g_autoptr(BkAvailabilityRules) loaded = NULL;
  g_autoptr(GError) error = NULL;
  guint changed = 0;

  g_assert_true (bk_store_save_rules (store, a, &error));
  g_signal_connect (store, "changed", G_CALLBACK (count_changed_cb), &changed);

  /* overlapping ranges on one day */
  set_ranges (bad, BK_WEEKDAY_FRIDAY, 2, 9 * 60, 12 * 60, 11 * 60, 13 * 60);
  g_assert_false (bk_store_save_rules (store, bad, &error));
  g_assert_error (error, BK_STORE_ERROR, BK_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpuint (changed, ==, 0);

  loaded = bk_store_load_rules (store, &error);
  g_assert_no_error (error);
  g_assert_true (bk_availability_rules_equal (loaded, a));
}

/* ------------------------------------------------------------------------ */
/* Blocks                                                                   */

static void
test_blocks (void)
{
  g_autoptr(BkStore) store = open_default ();
  g_autoptr(GPtrArray) blocks = NULL;
  g_autoptr(GError) error = NULL;
  gint64 lunch, trip, dentist;
  guint changed = 0;

  g_signal_connect (store, "changed", G_CALLBACK (count_changed_cb), &changed);
  trip = bk_store_add_block (store, T0 + 2 * DAY, T0 + 5 * DAY, "Trip", &error);
  g_assert_no_error (error);
  lunch = bk_store_add_block (store, T0 + 12 * HOUR, T0 + 13 * HOUR, NULL, &error);
  g_assert_no_error (error);
  dentist = bk_store_add_block (store, T0 + 15 * HOUR, T0 + 16 * HOUR, "Dentist", &error);
  g_assert_no_error (error);
  g_assert_cmpint (lunch, >, 0);
  g_assert_cmpint (trip, !=, lunch);
  g_assert_cmpint (dentist, !=, lunch);
  g_assert_cmpuint (changed, ==, 3);

  /* sorted by start; the trip starting before the window still overlaps it */
  blocks = bk_store_list_blocks (store, T0, T0 + 3 * DAY, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (blocks->len, ==, 3);
  g_assert_cmpint (((BkBlock *) blocks->pdata[0])->id, ==, lunch);
  g_assert_null (((BkBlock *) blocks->pdata[0])->title);
  g_assert_cmpint (((BkBlock *) blocks->pdata[1])->start, ==, T0 + 15 * HOUR);
  g_assert_cmpint (((BkBlock *) blocks->pdata[1])->end, ==, T0 + 16 * HOUR);
  g_assert_cmpstr (((BkBlock *) blocks->pdata[1])->title, ==, "Dentist");
  g_assert_cmpint (((BkBlock *) blocks->pdata[2])->id, ==, trip);
  g_clear_pointer (&blocks, g_ptr_array_unref);

  blocks = bk_store_list_blocks (store, T0 + 4 * DAY, T0 + 10 * DAY, &error);
  g_assert_cmpuint (blocks->len, ==, 1);
  g_assert_cmpstr (((BkBlock *) blocks->pdata[0])->title, ==, "Trip");
  g_clear_pointer (&blocks, g_ptr_array_unref);

  /* touching ends do not overlap */
  blocks = bk_store_list_blocks (store, T0 + 13 * HOUR, T0 + 15 * HOUR, &error);
  g_assert_cmpuint (blocks->len, ==, 0);
  g_clear_pointer (&blocks, g_ptr_array_unref);

  g_assert_true (bk_store_remove_block (store, lunch, &error));
  g_assert_no_error (error);
  g_assert_false (bk_store_remove_block (store, lunch, &error));
  g_assert_error (error, BK_STORE_ERROR, BK_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpuint (changed, ==, 4);

  g_assert_cmpint (bk_store_add_block (store, T0 + HOUR, T0, "Backwards", &error), ==, 0);
  g_assert_error (error, BK_STORE_ERROR, BK_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (bk_store_add_block (store, T0, T0, "Empty", &error), ==, 0);
  g_assert_error (error, BK_STORE_ERROR, BK_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpuint (changed, ==, 4);

  blocks = bk_store_list_blocks (store, T0 - 10 * DAY, T0 + 10 * DAY, &error);
  g_assert_cmpuint (blocks->len, ==, 2);
}

/* ------------------------------------------------------------------------ */
/* Appointments                                                             */

static void
test_appointments (void)
{
  g_autoptr(BkStore) store = open_default ();
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ids = NULL;
  BkAppointment *a;
  guint changed = 0;

  g_signal_connect (store, "changed", G_CALLBACK (count_changed_cb), &changed);
  g_ptr_array_add (batch, make_appointment ("c", T0 + 2 * DAY, T0 + 2 * DAY + HOUR, BK_APPOINTMENT_STATUS_BOOKED));
  g_ptr_array_add (batch, make_appointment ("a", T0 + 9 * HOUR, T0 + 10 * HOUR, BK_APPOINTMENT_STATUS_BOOKED));
  g_ptr_array_add (batch, make_appointment ("b", T0 + 10 * HOUR, T0 + 11 * HOUR, BK_APPOINTMENT_STATUS_CANCELLED));
  /* a long one that began 20 days before the window */
  g_ptr_array_add (batch, make_appointment ("long", T0 - 20 * DAY, T0 + HOUR, BK_APPOINTMENT_STATUS_RESCHEDULED));
  bk_appointment_set_note (g_ptr_array_index (batch, 1), "Bring the “draft”");
  bk_appointment_set_calendar_event_id (g_ptr_array_index (batch, 1), "AAMkAG=");
  bk_appointment_set_conflict (g_ptr_array_index (batch, 1), TRUE);
  bk_appointment_set_pending (g_ptr_array_index (batch, 2), TRUE);
  upsert (store, batch);
  g_assert_cmpuint (changed, ==, 1);

  listed = bk_store_list_appointments (store, T0, T0 + DAY, &error);
  g_assert_no_error (error);
  ids = ids_of (listed);
  g_assert_cmpstr (ids, ==, "long,a,b");
  g_clear_pointer (&ids, g_free);

  a = g_ptr_array_index (listed, 1);
  g_assert_cmpint (bk_appointment_get_start (a), ==, T0 + 9 * HOUR);
  g_assert_cmpint (bk_appointment_get_end (a), ==, T0 + 10 * HOUR);
  g_assert_cmpstr (bk_appointment_get_client_name (a), ==, "Ada Lovelace");
  g_assert_cmpstr (bk_appointment_get_client_email (a), ==, "a@example.org");
  g_assert_cmpstr (bk_appointment_get_note (a), ==, "Bring the “draft”");
  g_assert_cmpstr (bk_appointment_get_calendar_event_id (a), ==, "AAMkAG=");
  g_assert_true (bk_appointment_get_conflict (a));
  g_assert_false (bk_appointment_get_pending (a));
  g_assert_cmpint (bk_appointment_get_status (a), ==, BK_APPOINTMENT_STATUS_BOOKED);
  g_assert_cmpint (bk_appointment_get_status (g_ptr_array_index (listed, 2)), ==, BK_APPOINTMENT_STATUS_CANCELLED);
  g_assert_true (bk_appointment_get_pending (g_ptr_array_index (listed, 2)));
  g_assert_null (bk_appointment_get_note (g_ptr_array_index (listed, 2)));
  g_clear_pointer (&listed, g_ptr_array_unref);

  /* an upsert of a known id moves it instead of adding a second row */
  g_ptr_array_set_size (batch, 0);
  g_ptr_array_add (batch, make_appointment ("a", T0 + 3 * DAY, T0 + 3 * DAY + HOUR, BK_APPOINTMENT_STATUS_BOOKED));
  upsert (store, batch);
  listed = bk_store_list_appointments (store, T0 - 30 * DAY, T0 + 30 * DAY, &error);
  ids = ids_of (listed);
  g_assert_cmpstr (ids, ==, "long,b,c,a");
  g_assert_null (bk_appointment_get_note (g_ptr_array_index (listed, 3)));
  g_assert_false (bk_appointment_get_conflict (g_ptr_array_index (listed, 3)));
  g_clear_pointer (&listed, g_ptr_array_unref);

  /* one bad appointment refuses the whole batch */
  g_ptr_array_set_size (batch, 0);
  g_ptr_array_add (batch, make_appointment ("d", T0 + 4 * DAY, T0 + 4 * DAY + HOUR, BK_APPOINTMENT_STATUS_BOOKED));
  g_ptr_array_add (batch, make_appointment ("e", T0 + 5 * DAY, T0 + 5 * DAY, BK_APPOINTMENT_STATUS_BOOKED));
  g_assert_false (bk_store_upsert_appointments (store, batch, &error));
  g_assert_error (error, BK_STORE_ERROR, BK_STORE_ERROR_INVALID);
  g_clear_error (&error);
  listed = bk_store_list_appointments (store, T0 + 4 * DAY, T0 + 6 * DAY, &error);
  g_assert_cmpuint (listed->len, ==, 0);
  g_assert_cmpuint (changed, ==, 2);
}

static void
test_busy_and_booked (void)
{
  g_autoptr(BkStore) store = open_default ();
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) busy = NULL;
  g_autoptr(GArray) booked = NULL;
  g_autoptr(GArray) cached = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;
  BkInterval *iv;

  /* what a calendar sync writes */
  sql = g_strdup_printf ("INSERT INTO calendars (id, provider, remote_id, name) VALUES (1, 'google_calendar', 'primary', 'Work');"
                         "INSERT INTO busy_intervals (calendar_id, start_at, end_at) VALUES"
                         " (1, %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "), (1, %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "),"
                         " (1, %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ")",
                         T0 + 14 * HOUR, T0 + 15 * HOUR,
                         T0 - 2 * DAY, T0 + 8 * HOUR,       /* started before the window */
                         T0 + 2 * DAY, T0 + 2 * DAY + HOUR); /* after it */
  raw_exec (bk_store_get_path (store), sql);
  bk_store_add_block (store, T0 + 11 * HOUR, T0 + 12 * HOUR, "Lunch", &error);
  g_assert_no_error (error);

  g_ptr_array_add (batch, make_appointment ("booked", T0 + 9 * HOUR, T0 + 10 * HOUR, BK_APPOINTMENT_STATUS_BOOKED));
  g_ptr_array_add (batch, make_appointment ("gone", T0 + 10 * HOUR, T0 + 11 * HOUR, BK_APPOINTMENT_STATUS_CANCELLED));
  g_ptr_array_add (batch, make_appointment ("moved", T0 + 16 * HOUR, T0 + 17 * HOUR, BK_APPOINTMENT_STATUS_RESCHEDULED));
  upsert (store, batch);

  cached = bk_store_list_busy (store, T0, T0 + DAY, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cached->len, ==, 2);

  g_assert_true (bk_store_load_busy_and_booked (store, T0, T0 + DAY, &busy, &booked, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (busy->len, ==, 3);
  iv = &g_array_index (busy, BkInterval, 0);
  g_assert_cmpint (iv->start, ==, T0 - 2 * DAY);
  iv = &g_array_index (busy, BkInterval, 1);
  g_assert_cmpint (iv->start, ==, T0 + 11 * HOUR);  /* the block */
  iv = &g_array_index (busy, BkInterval, 2);
  g_assert_cmpint (iv->end, ==, T0 + 15 * HOUR);
  g_assert_cmpuint (booked->len, ==, 1);
  iv = &g_array_index (booked, BkInterval, 0);
  g_assert_cmpint (iv->start, ==, T0 + 9 * HOUR);
  g_assert_cmpint (iv->end, ==, T0 + 10 * HOUR);
}

/* The calendar of appointment @id's event, as the store has it. */
static char *
event_calendar_of (BkStore    *store,
                   const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BkAppointment) appointment = bk_store_get_appointment (store, id, &error);

  g_assert_no_error (error);
  return g_strdup (bk_appointment_get_calendar_event_calendar (appointment));
}

static BkAppointment *
backend_appointment (const char          *id,
                     gint64               start,
                     BkAppointmentStatus  status,
                     const char          *event_id)
{
  BkAppointment *appointment = make_appointment (id, start, start + HOUR, status);

  bk_appointment_set_calendar_event_id (appointment, event_id);
  return appointment;
}

static void
apply_feed (BkStore   *store,
            GPtrArray *page)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (bk_store_apply_feed_page (store, page, "cursor", "1", NULL, &error));
  g_assert_no_error (error);
}

/* An appointment's event remembers the calendar it was written to; the
 * backend knows only event ids, so what it sends keeps the calendar while
 * the event stays the same, and the new appointment of a reschedule (the
 * old one's event handed on) takes the calendar along. */
static void
test_event_calendar (void)
{
  g_autoptr(BkStore) store = open_default ();
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *calendar = NULL;
  BkAppointment *written;

  /* the strategy wrote the event into calendar "team" */
  written = backend_appointment ("a1", T0 + 9 * HOUR, BK_APPOINTMENT_STATUS_BOOKED, "evt-1");
  bk_appointment_set_calendar_event_calendar (written, "team");
  g_ptr_array_add (rows, written);
  g_ptr_array_add (rows, backend_appointment ("x", T0 + 11 * HOUR, BK_APPOINTMENT_STATUS_BOOKED, NULL));
  upsert (store, rows);
  listed = bk_store_list_appointments (store, T0, T0 + DAY, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 2);
  g_assert_cmpstr (bk_appointment_get_calendar_event_calendar (g_ptr_array_index (listed, 0)), ==, "team");
  g_assert_null (bk_appointment_get_calendar_event_calendar (g_ptr_array_index (listed, 1)));

  /* the backend echoes the event id it was told: the calendar stays */
  g_ptr_array_set_size (rows, 0);
  g_ptr_array_add (rows, backend_appointment ("a1", T0 + 9 * HOUR, BK_APPOINTMENT_STATUS_BOOKED, "evt-1"));
  apply_feed (store, rows);
  calendar = event_calendar_of (store, "a1");
  g_assert_cmpstr (calendar, ==, "team");

  /* rescheduled: the new appointment (listed first) holds the old event,
   * so it is in the same calendar; an unknown event's calendar is unknown */
  g_ptr_array_set_size (rows, 0);
  g_ptr_array_add (rows, backend_appointment ("a2", T0 + DAY, BK_APPOINTMENT_STATUS_BOOKED, "evt-1"));
  g_ptr_array_add (rows, backend_appointment ("a1", T0 + 9 * HOUR, BK_APPOINTMENT_STATUS_RESCHEDULED, "evt-1"));
  g_ptr_array_add (rows, backend_appointment ("b", T0 + 2 * DAY, BK_APPOINTMENT_STATUS_BOOKED, "evt-other"));
  apply_feed (store, rows);
  g_free (calendar);
  calendar = event_calendar_of (store, "a2");
  g_assert_cmpstr (calendar, ==, "team");
  g_free (calendar);
  calendar = event_calendar_of (store, "a1");
  g_assert_cmpstr (calendar, ==, "team");
  g_free (calendar);
  calendar = event_calendar_of (store, "b");
  g_assert_null (calendar);

  /* a row whose event changes forgets the old event's calendar */
  g_ptr_array_set_size (rows, 0);
  g_ptr_array_add (rows, backend_appointment ("a2", T0 + DAY, BK_APPOINTMENT_STATUS_BOOKED, "evt-2"));
  apply_feed (store, rows);
  calendar = event_calendar_of (store, "a2");
  g_assert_null (calendar);
}

/* The event id the store knows outlives a backend that has not heard of
 * it yet: a client cancels before the event's report arrives, and the
 * calendar step still has the id to delete the event by (found in the
 * crash test: the event stayed in Outlook). */
static void
test_event_id_kept (void)
{
  g_autoptr(BkStore) store = open_default ();
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(BkAppointment) stored = NULL;
  g_autoptr(GError) error = NULL;
  BkAppointment *written;

  written = backend_appointment ("a1", T0 + 9 * HOUR, BK_APPOINTMENT_STATUS_BOOKED, "evt-1");
  bk_appointment_set_calendar_event_calendar (written, "team");
  g_ptr_array_add (rows, written);
  upsert (store, rows);

  /* the backend's row: cancelled, no event id */
  g_ptr_array_set_size (rows, 0);
  g_ptr_array_add (rows, backend_appointment ("a1", T0 + 9 * HOUR, BK_APPOINTMENT_STATUS_CANCELLED, NULL));
  apply_feed (store, rows);
  stored = bk_store_get_appointment (store, "a1", &error);
  g_assert_no_error (error);
  g_assert_cmpint (bk_appointment_get_status (stored), ==, BK_APPOINTMENT_STATUS_CANCELLED);
  g_assert_cmpstr (bk_appointment_get_calendar_event_id (stored), ==, "evt-1");
  g_assert_cmpstr (bk_appointment_get_calendar_event_calendar (stored), ==, "team");
}

/* Appointment @id of [@start, @start + 1 h) with event @event_id in
 * @calendar (either may be NULL). */
static BkAppointment *
event_in (const char          *id,
          gint64               start,
          BkAppointmentStatus  status,
          const char          *event_id,
          const char          *calendar)
{
  BkAppointment *appointment = backend_appointment (id, start, status, event_id);

  bk_appointment_set_calendar_event_calendar (appointment, calendar);
  return appointment;
}

static char *
joined_event_calendars (BkStore *store,
                        gint64   since)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) calendars = bk_store_list_event_calendars (store, since, &error);

  g_assert_no_error (error);
  g_assert_nonnull (calendars);
  return g_strjoinv (",", calendars);
}

/* The calendars two-way sync reads besides the destination: each one once,
 * only while it holds the event of a booked appointment not yet past. */
static void
test_event_calendars (void)
{
  g_autoptr(BkStore) store = open_default ();
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *none = NULL, *all = NULL, *later = NULL;

  none = joined_event_calendars (store, T0);
  g_assert_cmpstr (none, ==, "");

  g_ptr_array_add (rows, event_in ("team1", T0 + DAY, BK_APPOINTMENT_STATUS_BOOKED, "e1", "team"));
  g_ptr_array_add (rows, event_in ("team2", T0 + 2 * DAY, BK_APPOINTMENT_STATUS_BOOKED, "e2", "team"));
  g_ptr_array_add (rows, event_in ("old", T0 + 3 * HOUR, BK_APPOINTMENT_STATUS_BOOKED, "e3", "primary"));
  g_ptr_array_add (rows, event_in ("gone", T0 + DAY, BK_APPOINTMENT_STATUS_CANCELLED, "e4", "cancelled"));
  g_ptr_array_add (rows, event_in ("moved", T0 + DAY, BK_APPOINTMENT_STATUS_RESCHEDULED, "e5", "moved"));
  g_ptr_array_add (rows, event_in ("unwritten", T0 + DAY, BK_APPOINTMENT_STATUS_BOOKED, NULL, NULL));
  g_ptr_array_add (rows, event_in ("unknown", T0 + DAY, BK_APPOINTMENT_STATUS_BOOKED, "e6", NULL));
  upsert (store, rows);

  all = joined_event_calendars (store, T0);
  g_assert_cmpstr (all, ==, "primary,team");
  /* "old" ends at T0 + 4 h: from then on its calendar is not read */
  later = joined_event_calendars (store, T0 + 4 * HOUR);
  g_assert_cmpstr (later, ==, "team");
  g_free (later);
  later = joined_event_calendars (store, T0 + 4 * HOUR - 1);
  g_assert_cmpstr (later, ==, "primary,team");
}

/* ------------------------------------------------------------------------ */
/* Migration and recovery                                                   */

static void
assert_store_works (BkStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) blocks = NULL;
  g_autoptr(BkAvailabilityRules) rules = make_rules (FALSE);
  g_autoptr(BkAvailabilityRules) loaded = NULL;

  g_assert_cmpint (bk_store_add_block (store, T0, T0 + HOUR, "Probe", &error), >, 0);
  g_assert_no_error (error);
  blocks = bk_store_list_blocks (store, T0, T0 + DAY, &error);
  g_assert_cmpuint (blocks->len, ==, 1);
  g_assert_true (bk_store_save_rules (store, rules, &error));
  loaded = bk_store_load_rules (store, &error);
  g_assert_true (bk_availability_rules_equal (loaded, rules));
  g_assert_cmpint (raw_int (bk_store_get_path (store), "PRAGMA user_version"), ==, BK_STORE_SCHEMA_VERSION);
}

static void
test_migrate_empty_file (void)
{
  g_autofree char *path = bk_store_get_default_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GPtrArray) aside = NULL;
  g_autoptr(BkStore) store = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, "", 0, NULL));

  store = open_default ();
  g_assert_null (bk_store_get_recovery_message (store));
  aside = find_aside (path, "corrupt");
  g_assert_cmpuint (aside->len, ==, 0);
  assert_store_works (store);
}

static void
test_migrate_version_0 (void)
{
  g_autofree char *path = bk_store_get_default_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(BkStore) store = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  raw_exec (path, "CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('keep me');");
  g_assert_cmpint (raw_int (path, "PRAGMA user_version"), ==, 0);

  store = open_default ();
  g_assert_null (bk_store_get_recovery_message (store));
  assert_store_works (store);
  /* forward migration adds, it never wipes what was there */
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM notes WHERE text = 'keep me'"), ==, 1);
}

/* ------------------------------------------------------------------------ */
/* Busy times from delta rounds (schema version 3)                          */

/* A store with an Office 365 account and calendars "work" (the default,
 * writable) and "family", both selected. */
static BkStore *
open_with_calendars (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) listed = g_ptr_array_new_with_free_func ((GDestroyNotify) bk_calendar_free);
  BkStore *store = open_default ();

  g_ptr_array_add (listed, bk_calendar_new (BK_PROVIDER_OFFICE365, "work", "Work", NULL, TRUE, TRUE));
  g_ptr_array_add (listed, bk_calendar_new (BK_PROVIDER_OFFICE365, "family", "Family", NULL, FALSE, FALSE));
  g_assert_true (bk_store_set_integration_account (store, BK_PROVIDER_OFFICE365, "erika@example.com",
                                                   "Erika", &error));
  g_assert_true (bk_store_sync_calendars (store, BK_PROVIDER_OFFICE365, listed, &error));
  g_assert_true (bk_store_select_calendars (store, BK_PROVIDER_OFFICE365,
                                            (const char *[]) { "work", "family", NULL }, "work", &error));
  g_assert_no_error (error);
  return store;
}

static BkBusyTime *
busy_event (const char *event_id,
            gint64      start)
{
  BkBusyTime *time = bk_busy_time_new (start, start + HOUR, "busy");

  time->event_id = g_strdup (event_id);
  return time;
}

/* The cached busy times of @provider over the first week as "id@hour,…". */
static char *
busy_summary (BkStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) busy = bk_store_list_calendar_busy (store, BK_PROVIDER_OFFICE365, T0, T0 + 7 * DAY, &error);
  GString *text = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < busy->len; i++)
    {
      const BkBusyTime *time = g_ptr_array_index (busy, i);

      g_string_append_printf (text, "%s%s@%" G_GINT64_FORMAT, i > 0 ? "," : "",
                              time->event_id ? time->event_id : "-", (time->start - T0) / HOUR);
    }
  return g_string_free (text, FALSE);
}

static void
apply_round (BkStore            *store,
             const char         *calendar,
             gboolean            full_round,
             const char * const *changed,
             GPtrArray          *busy,
             GPtrArray          *entries,
             const char         *link)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (bk_store_apply_busy_round (store, BK_PROVIDER_OFFICE365, calendar, full_round,
                                            T0, T0 + 7 * DAY, changed, busy, entries, link, T0, &error));
  g_assert_no_error (error);
}

static void
test_busy_round (void)
{
  g_autoptr(BkStore) store = open_with_calendars ();
  g_autoptr(GPtrArray) full = g_ptr_array_new_with_free_func ((GDestroyNotify) bk_busy_time_free);
  g_autoptr(GPtrArray) later = g_ptr_array_new_with_free_func ((GDestroyNotify) bk_busy_time_free);
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) bk_outbox_entry_free);
  g_autoptr(BkCalendarDelta) delta = NULL;
  g_autoptr(GArray) gaps = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  BkOutboxEntry *entry = g_new0 (BkOutboxEntry, 1);

  /* a full round replaces what an older read left in the window */
  g_ptr_array_add (full, busy_event ("old", T0 + 8 * HOUR));
  apply_round (store, "family", TRUE, NULL, full, NULL, "link-0");
  g_ptr_array_set_size (full, 0);
  g_ptr_array_add (full, busy_event ("e1", T0 + 10 * HOUR));
  g_ptr_array_add (full, busy_event ("e2", T0 + 12 * HOUR));
  apply_round (store, "family", TRUE, NULL, full, NULL, "link-1");
  summary = busy_summary (store);
  g_assert_cmpstr (summary, ==, "e1@10,e2@12");
  gaps = bk_store_list_uncovered (store, BK_PROVIDER_OFFICE365, T0, T0 + 7 * DAY, NULL, &error);
  g_assert_no_error (error);
  /* "work" was never read: only its window is open */
  g_assert_cmpuint (gaps->len, ==, 1);

  /* a later round: e1 removed, e2 moved, e3 new, e4 free (not busy); twice,
   * as after a pass cut before its link was stored */
  g_ptr_array_add (later, busy_event ("e2", T0 + 13 * HOUR));
  g_ptr_array_add (later, busy_event ("e3", T0 + 14 * HOUR));
  entry->kind = g_strdup ("cancel-appointment");
  entry->payload = g_strdup ("{\"appointment_id\":\"a1\"}");
  entry->idempotency_key = g_strdup ("calendar-cancel-a1");
  g_ptr_array_add (entries, entry);
  for (guint i = 0; i < 2; i++)
    {
      apply_round (store, "family", FALSE, (const char *[]) { "e1", "e2", "e3", "e4", NULL },
                   later, entries, "link-2");
      g_free (summary);
      summary = busy_summary (store);
      g_assert_cmpstr (summary, ==, "e2@13,e3@14");
      g_assert_cmpuint (bk_store_outbox_count (store, NULL), ==, 1);
    }
  delta = bk_store_get_calendar_delta (store, BK_PROVIDER_OFFICE365, "family", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (delta->link, ==, "link-2");
  g_assert_cmpint (delta->from, ==, T0);
  g_assert_cmpint (delta->to, ==, T0 + 7 * DAY);

  /* deselected: its times and link are forgotten; selected again it
   * starts from nothing (a full round) */
  g_assert_true (bk_store_set_calendar_delta (store, BK_PROVIDER_OFFICE365, "work", "work-link",
                                              T0, T0 + DAY, &error));
  g_assert_true (bk_store_select_calendars (store, BK_PROVIDER_OFFICE365,
                                            (const char *[]) { "work", NULL }, NULL, &error));
  g_clear_pointer (&delta, bk_calendar_delta_free);
  delta = bk_store_get_calendar_delta (store, BK_PROVIDER_OFFICE365, "family", &error);
  g_assert_null (delta->link);
  g_free (summary);
  summary = busy_summary (store);
  g_assert_cmpstr (summary, ==, "");
  /* a calendar whose selection did not change keeps its link */
  g_clear_pointer (&delta, bk_calendar_delta_free);
  delta = bk_store_get_calendar_delta (store, BK_PROVIDER_OFFICE365, "work", &error);
  g_assert_cmpstr (delta->link, ==, "work-link");

  /* an unselected calendar's round keeps the link, never busy times */
  apply_round (store, "family", TRUE, NULL, full, NULL, "link-3");
  g_free (summary);
  summary = busy_summary (store);
  g_assert_cmpstr (summary, ==, "");
  g_clear_pointer (&delta, bk_calendar_delta_free);
  delta = bk_store_get_calendar_delta (store, BK_PROVIDER_OFFICE365, "family", &error);
  g_assert_cmpstr (delta->link, ==, "link-3");
  g_assert_no_error (error);
}

/* A version 2 file (busy times without event ids, the delta link in the
 * sync state) opens as version 3 with its data kept; the Office 365 link
 * moves to its calendar without a window (a full round follows its next
 * use), Google's sync token stays where it was. */
static void
test_migrate_version_2 (void)
{
  g_autofree char *path = bk_store_get_default_path ();
  g_autoptr(BkStore) store = open_with_calendars ();
  g_autoptr(GPtrArray) busy = g_ptr_array_new_with_free_func ((GDestroyNotify) bk_busy_time_free);
  g_autoptr(BkCalendarDelta) delta = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL, *google = NULL, *o365 = NULL;

  g_ptr_array_add (busy, bk_busy_time_new (T0 + 9 * HOUR, T0 + 10 * HOUR, "busy"));
  g_assert_true (bk_store_replace_busy (store, BK_PROVIDER_OFFICE365, "work", T0, T0 + 7 * DAY, busy, T0, &error));
  g_assert_true (bk_store_set_sync_state (store, "calendar-link/office365_calendar/work", "https://graph/delta?t=1", &error));
  g_assert_true (bk_store_set_sync_state (store, "calendar-link/google_calendar/primary", "token-1", &error));
  g_assert_no_error (error);
  g_clear_object (&store);
  /* what version 2 looked like: the same tables without v3's and v4's
   * columns */
  raw_exec (path,
            "DROP INDEX appointments_event;"
            "ALTER TABLE appointments DROP COLUMN calendar_event_calendar;"
            "DROP INDEX busy_intervals_event;"
            "ALTER TABLE busy_intervals DROP COLUMN event_id;"
            "ALTER TABLE calendars DROP COLUMN delta_link;"
            "ALTER TABLE calendars DROP COLUMN delta_from;"
            "ALTER TABLE calendars DROP COLUMN delta_to;"
            "PRAGMA user_version = 2;");

  store = open_default ();
  g_assert_null (bk_store_get_recovery_message (store));
  g_assert_cmpint (raw_int (path, "PRAGMA user_version"), ==, BK_STORE_SCHEMA_VERSION);
  summary = busy_summary (store);
  g_assert_cmpstr (summary, ==, "-@9");
  delta = bk_store_get_calendar_delta (store, BK_PROVIDER_OFFICE365, "work", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (delta->link, ==, "https://graph/delta?t=1");
  g_assert_cmpint (delta->to, ==, 0);
  o365 = bk_store_get_sync_state (store, "calendar-link/office365_calendar/work", NULL);
  g_assert_null (o365);
  google = bk_store_get_sync_state (store, "calendar-link/google_calendar/primary", NULL);
  g_assert_cmpstr (google, ==, "token-1");
  assert_store_works (store);
}

/* Writes a version 3 file (appointments without the calendar of their
 * event) with calendar source @source active, and opens it. */
static BkStore *
open_version_3 (BkSource source)
{
  g_autofree char *path = bk_store_get_default_path ();
  g_autoptr(BkStore) store = open_with_calendars ();
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  BkAppointment *written;

  g_assert_true (bk_store_set_active_source (store, source, &error));
  g_assert_no_error (error);
  written = make_appointment ("written", T0 + 9 * HOUR, T0 + 10 * HOUR, BK_APPOINTMENT_STATUS_BOOKED);
  bk_appointment_set_calendar_event_id (written, "AAMkAG-written=");
  bk_appointment_set_note (written, "Kept");
  g_ptr_array_add (rows, written);
  g_ptr_array_add (rows, make_appointment ("unwritten", T0 + DAY, T0 + DAY + HOUR, BK_APPOINTMENT_STATUS_BOOKED));
  upsert (store, rows);
  g_clear_object (&store);
  raw_exec (path,
            "DROP INDEX appointments_event;"
            "ALTER TABLE appointments DROP COLUMN calendar_event_calendar;"
            "PRAGMA user_version = 3;");
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM appointments"), ==, 2);

  store = open_default ();
  g_assert_null (bk_store_get_recovery_message (store));
  g_assert_cmpint (raw_int (path, "PRAGMA user_version"), ==, BK_STORE_SCHEMA_VERSION);
  return g_steal_pointer (&store);
}

static void
remove_store_files (void)
{
  g_autofree char *path = bk_store_get_default_path ();
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
}

/* A version 3 file opens as version 4 with its appointments kept; an
 * event written before version 4 is taken to be in the destination of the
 * active source at the upgrade, or in none known (manual source: the
 * current destination is used when it is moved or removed). */
static void
test_migrate_version_3 (void)
{
  g_autoptr(BkStore) store = open_version_3 (BK_SOURCE_OFFICE365_CALENDAR);
  g_autoptr(BkAppointment) written = NULL;
  g_autoptr(BkAppointment) unwritten = NULL;
  g_autoptr(GError) error = NULL;

  written = bk_store_get_appointment (store, "written", &error);
  g_assert_no_error (error);
  g_assert_cmpint (bk_appointment_get_start (written), ==, T0 + 9 * HOUR);
  g_assert_cmpstr (bk_appointment_get_note (written), ==, "Kept");
  g_assert_cmpstr (bk_appointment_get_calendar_event_id (written), ==, "AAMkAG-written=");
  g_assert_cmpstr (bk_appointment_get_calendar_event_calendar (written), ==, "work");
  unwritten = bk_store_get_appointment (store, "unwritten", &error);
  g_assert_no_error (error);
  g_assert_null (bk_appointment_get_calendar_event_id (unwritten));
  g_assert_null (bk_appointment_get_calendar_event_calendar (unwritten));
  assert_store_works (store);
  g_clear_object (&written);
  g_clear_object (&store);

  remove_store_files ();
  store = open_version_3 (BK_SOURCE_MANUAL);
  written = bk_store_get_appointment (store, "written", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bk_appointment_get_calendar_event_id (written), ==, "AAMkAG-written=");
  g_assert_null (bk_appointment_get_calendar_event_calendar (written));
}

/* Opens a store over the file at the default path and checks that it was
 * moved aside byte for byte, with the message naming where. */
static void
assert_moved_aside (const char *reason,
                    GBytes     *original)
{
  g_autofree char *path = bk_store_get_default_path ();
  g_autoptr(BkStore) store = open_default ();
  g_autoptr(GPtrArray) aside = find_aside (path, reason);
  g_autoptr(GBytes) kept = NULL;
  const char *message = bk_store_get_recovery_message (store);

  g_assert_cmpuint (aside->len, ==, 1);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, g_ptr_array_index (aside, 0)));
  kept = read_bytes (g_ptr_array_index (aside, 0));
  g_assert_true (g_bytes_equal (kept, original));

  assert_store_works (store);
  g_clear_object (&store);

  /* the fresh store opens cleanly the next time */
  store = open_default ();
  g_assert_null (bk_store_get_recovery_message (store));
}

static void
test_recover_garbage (void)
{
  g_autofree char *path = bk_store_get_default_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *aside_wal = NULL;
  g_autoptr(GPtrArray) aside = NULL;
  g_autoptr(GBytes) original = NULL;
  g_autoptr(GBytes) original_wal = NULL;
  g_autoptr(GBytes) kept_wal = NULL;
  guint8 garbage[8192];

  for (guint i = 0; i < sizeof garbage; i++)
    garbage[i] = g_test_rand_int_range (0, 256);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, (const char *) garbage, sizeof garbage, NULL));
  g_assert_true (g_file_set_contents (wal, (const char *) garbage, 1000, NULL));
  original = read_bytes (path);
  original_wal = read_bytes (wal);

  assert_moved_aside ("corrupt", original);

  /* its WAL went with it: replayed into the fresh file it would do harm */
  aside = find_aside (path, "corrupt");
  aside_wal = g_strconcat (g_ptr_array_index (aside, 0), "-wal", NULL);
  kept_wal = read_bytes (aside_wal);
  g_assert_true (g_bytes_equal (kept_wal, original_wal));
}

static void
test_recover_damaged_pages (void)
{
  g_autofree char *path = bk_store_get_default_path ();
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(BkStore) store = open_default ();
  g_autoptr(GBytes) original = NULL;
  g_autofree char *wal = NULL;
  gint64 page_size, page_count;
  FILE *file;

  for (guint i = 0; i < 2000; i++)
    {
      g_autofree char *id = g_strdup_printf ("appt-%04u", i);

      g_ptr_array_add (batch, make_appointment (id, T0 + i * HOUR, T0 + i * HOUR + 1800,
                                                BK_APPOINTMENT_STATUS_BOOKED));
    }
  upsert (store, batch);
  g_clear_object (&store);  /* the last connection checkpoints the WAL into the file */

  wal = g_strconcat (path, "-wal", NULL);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  page_size = raw_int (path, "PRAGMA page_size");
  page_count = raw_int (path, "PRAGMA page_count");
  g_assert_cmpint (page_count, >, 20);

  /* a valid header, but pages in the middle overwritten, as a bad disk would */
  file = fopen (path, "r+b");
  g_assert_nonnull (file);
  g_assert_cmpint (fseek (file, page_size * (page_count / 2), SEEK_SET), ==, 0);
  for (gint64 i = 0; i < page_size * 4; i++)
    fputc ((i * 7919) & 0xff, file);
  fclose (file);
  original = read_bytes (path);

  assert_moved_aside ("corrupt", original);
}

static void
test_recover_newer (void)
{
  g_autofree char *path = bk_store_get_default_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GBytes) original = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  raw_exec (path, "CREATE TABLE future (x); INSERT INTO future VALUES (42); PRAGMA user_version = 99;");
  original = read_bytes (path);

  assert_moved_aside ("newer", original);
}

/* ------------------------------------------------------------------------ */
/* Crash safety: real child processes that die mid-write                    */

static GPid
spawn_child (const char *mode,
             int        *out_stdout)
{
  g_autofree char *path = bk_store_get_default_path ();
  const char *argv[] = { self_exe, "--child", mode, path, NULL };
  g_autoptr(GError) error = NULL;
  GPid pid = 0;

  g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                            NULL, NULL, &pid, NULL, out_stdout, NULL, &error);
  g_assert_no_error (error);
  return pid;
}

static int
wait_child (GPid pid)
{
  int status = 0;

  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);
  return status;
}

static void
assert_rules_are (const BkAvailabilityRules *expected)
{
  g_autoptr(BkStore) store = open_default ();
  g_autoptr(GError) error = NULL;
  g_autoptr(BkAvailabilityRules) loaded = bk_store_load_rules (store, &error);

  g_assert_no_error (error);
  g_assert_null (bk_store_get_recovery_message (store));
  g_assert_true (bk_availability_rules_equal (loaded, expected));
}

static void
test_crash_uncommitted (void)
{
  g_autoptr(BkAvailabilityRules) a = make_rules (FALSE);
  g_autoptr(BkAvailabilityRules) b = make_rules (TRUE);
  g_autoptr(BkStore) store = open_default ();
  g_autoptr(GError) error = NULL;
  int status;

  g_assert_true (bk_store_save_rules (store, a, &error));
  g_clear_object (&store);

  /* dies after writing half the tables, before COMMIT */
  status = wait_child (spawn_child ("uncommitted", NULL));
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  assert_rules_are (a);

  /* the same work, committed, then dies without closing anything */
  status = wait_child (spawn_child ("save-b", NULL));
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  assert_rules_are (b);
}

static void
test_crash_killed (void)
{
  g_autoptr(BkAvailabilityRules) a = make_rules (FALSE);
  g_autoptr(BkAvailabilityRules) b = make_rules (TRUE);
  g_autoptr(BkStore) store = open_default ();
  g_autoptr(GError) error = NULL;

  g_assert_true (bk_store_save_rules (store, a, &error));
  g_clear_object (&store);

  /* a child saving A and B in turn, killed at a different moment each time */
  for (guint round = 0; round < 6; round++)
    {
      g_autoptr(BkAvailabilityRules) loaded = NULL;
      int out = -1;
      char ready;
      GPid pid = spawn_child ("save-loop", &out);
      int status;

      g_assert_cmpint (read (out, &ready, 1), ==, 1);
      g_usleep (g_test_rand_int_range (0, 30000));
      g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
      status = wait_child (pid);
      close (out);
      g_assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);

      store = open_default ();
      g_assert_null (bk_store_get_recovery_message (store));
      loaded = bk_store_load_rules (store, &error);
      g_assert_no_error (error);
      g_assert_true (bk_availability_rules_equal (loaded, a) ||
                     bk_availability_rules_equal (loaded, b));
      g_clear_object (&store);
    }
}

/* What the spawned children do; they never return. */
static void
run_child (const char *mode,
           const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BkAvailabilityRules) a = make_rules (FALSE);
  g_autoptr(BkAvailabilityRules) b = make_rules (TRUE);
  BkStore *store;

  if (g_str_equal (mode, "uncommitted"))
    {
      sqlite3 *db = NULL;

      /* a tiny cache forces the half-written pages out into the WAL */
      if (sqlite3_open (path, &db) != SQLITE_OK ||
          sqlite3_exec (db,
                        "PRAGMA cache_size = 1; BEGIN IMMEDIATE;"
                        "UPDATE settings SET time_zone = 'Asia/Tokyo', slot_minutes = 90;"
                        "DELETE FROM weekly_hours;"
                        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)"
                        " INSERT INTO blocks (start_at, end_at, title) SELECT i, i + 1, printf('%0200d', i) FROM n;"
                        "DELETE FROM date_overrides;",
                        NULL, NULL, NULL) != SQLITE_OK)
        _exit (3);
      _exit (0);
    }

  store = bk_store_open (path, &error);
  if (store == NULL)
    _exit (2);

  if (g_str_equal (mode, "save-b"))
    _exit (bk_store_save_rules (store, b, &error) ? 0 : 4);

  /* bounded, so a parent that failed before killing us leaves no orphan */
  for (gint64 start = g_get_monotonic_time (), i = 0;
       g_get_monotonic_time () - start < 30 * G_USEC_PER_SEC;
       i++)
    {
      if (!bk_store_save_rules (store, (i % 2) ? b : a, &error))
        _exit (5);
      if (i == 0 && write (STDOUT_FILENO, "r", 1) != 1)
        _exit (6);
    }
  _exit (7);
}

/* ------------------------------------------------------------------------ */
/* Sync state and outbox                                                    */

static void
test_sync_state (void)
{
  g_autoptr(BkStore) store = open_default ();
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;

  value = bk_store_get_sync_state (store, "graph.delta.AAMk", &error);
  g_assert_no_error (error);
  g_assert_null (value);

  g_assert_true (bk_store_set_sync_state (store, "graph.delta.AAMk", "https://graph/delta?token=1", &error));
  g_assert_true (bk_store_set_sync_state (store, "backend.cursor", "41", &error));
  g_assert_true (bk_store_set_sync_state (store, "backend.cursor", "42", &error));
  g_assert_no_error (error);
  g_clear_object (&store);

  store = open_default ();
  value = bk_store_get_sync_state (store, "backend.cursor", &error);
  g_assert_cmpstr (value, ==, "42");
  g_clear_pointer (&value, g_free);
  value = bk_store_get_sync_state (store, "graph.delta.AAMk", &error);
  g_assert_cmpstr (value, ==, "https://graph/delta?token=1");
  g_clear_pointer (&value, g_free);

  g_assert_true (bk_store_set_sync_state (store, "graph.delta.AAMk", NULL, &error));
  value = bk_store_get_sync_state (store, "graph.delta.AAMk", &error);
  g_assert_no_error (error);
  g_assert_null (value);
}

static void
test_outbox (void)
{
  g_autoptr(BkStore) store = open_default ();
  g_autoptr(BkAppointment) moved = make_appointment ("m", T0 + DAY, T0 + DAY + HOUR, BK_APPOINTMENT_STATUS_BOOKED);
  g_autoptr(BkAppointment) broken = make_appointment ("x", T0 + DAY, T0 + DAY, BK_APPOINTMENT_STATUS_BOOKED);
  g_autoptr(BkAppointment) other = make_appointment ("o", T0 + 2 * DAY, T0 + 2 * DAY + HOUR, BK_APPOINTMENT_STATUS_CANCELLED);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GError) error = NULL;
  BkOutboxEntry *entry;
  gint64 first, second, again, third;
  guint changed = 0;

  g_signal_connect (store, "changed", G_CALLBACK (count_changed_cb), &changed);
  bk_appointment_set_pending (moved, TRUE);
  first = bk_store_queue_appointment_change (store, moved, "reschedule",
                                             "{\"start\": \"2027-03-02T00:00:00Z\"}", "key-1", &error);
  g_assert_no_error (error);
  second = bk_store_outbox_push (store, "publish-slots", "[]", "key-2", &error);
  g_assert_no_error (error);
  g_assert_cmpint (first, >, 0);
  g_assert_cmpint (second, >, first);

  /* a retry with the same key does not queue the change twice */
  again = bk_store_outbox_push (store, "publish-slots", "[]", "key-2", &error);
  g_assert_cmpint (again, ==, second);

  /* refused input stores neither the appointment nor the entry */
  g_assert_cmpint (bk_store_queue_appointment_change (store, broken, "reschedule", "{}", "key-3", &error), ==, 0);
  g_assert_error (error, BK_STORE_ERROR, BK_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (bk_store_queue_appointment_change (store, other, "cancel", "{not json", "key-4", &error), ==, 0);
  g_assert_error (error, BK_STORE_ERROR, BK_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (bk_store_outbox_push (store, "cancel", "", "key-5", &error), ==, 0);
  g_assert_error (error, BK_STORE_ERROR, BK_STORE_ERROR_INVALID);
  g_clear_error (&error);
  /* a failure after the appointment row was written (a trigger refusing
   * the entry, as a full disk would) takes that row back too */
  raw_exec (bk_store_get_path (store), "CREATE TRIGGER refuse BEFORE INSERT ON outbox"
                                       " WHEN NEW.kind = 'doomed' BEGIN SELECT RAISE (ABORT, 'refused'); END;");
  g_assert_cmpint (bk_store_queue_appointment_change (store, other, "doomed", "{}", "key-6", &error), ==, 0);
  g_assert_error (error, BK_STORE_ERROR, BK_STORE_ERROR_SQL);
  g_clear_error (&error);

  listed = bk_store_list_appointments (store, T0, T0 + 10 * DAY, &error);
  g_assert_cmpuint (listed->len, ==, 1);
  g_assert_cmpstr (bk_appointment_get_id (g_ptr_array_index (listed, 0)), ==, "m");
  g_assert_true (bk_appointment_get_pending (g_ptr_array_index (listed, 0)));

  third = bk_store_outbox_push (store, "cancel", "{\"id\": \"o\"}", "key-7", &error);
  g_assert_true (bk_store_outbox_record_failure (store, first, "503 Service Unavailable", &error));
  g_assert_true (bk_store_outbox_record_failure (store, first, "timed out", &error));
  g_assert_no_error (error);

  entries = bk_store_outbox_list (store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 3);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpint (entry->seq, ==, first);
  g_assert_cmpstr (entry->kind, ==, "reschedule");
  g_assert_cmpstr (entry->idempotency_key, ==, "key-1");
  g_assert_cmpstr (entry->payload, ==, "{\"start\": \"2027-03-02T00:00:00Z\"}");
  g_assert_cmpuint (entry->attempts, ==, 2);
  g_assert_cmpstr (entry->last_error, ==, "timed out");
  g_assert_cmpint (ABS (entry->created_at - g_get_real_time () / G_USEC_PER_SEC), <, 60);
  entry = g_ptr_array_index (entries, 2);
  g_assert_cmpint (entry->seq, ==, third);
  g_assert_null (entry->last_error);
  g_clear_pointer (&entries, g_ptr_array_unref);

  entries = bk_store_outbox_list (store, 1, &error);
  g_assert_cmpuint (entries->len, ==, 1);
  g_clear_pointer (&entries, g_ptr_array_unref);

  g_assert_true (bk_store_outbox_remove (store, first, &error));
  g_assert_false (bk_store_outbox_remove (store, first, &error));
  g_assert_error (error, BK_STORE_ERROR, BK_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (bk_store_outbox_record_failure (store, first, "late", &error));
  g_assert_error (error, BK_STORE_ERROR, BK_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  entries = bk_store_outbox_list (store, 0, &error);
  g_assert_cmpuint (entries->len, ==, 2);
  g_assert_cmpint (((BkOutboxEntry *) entries->pdata[0])->seq, ==, second);
  /* queue, push, retry, push, 2 failures, remove: each a write */
  g_assert_cmpuint (changed, ==, 7);
}

/* ------------------------------------------------------------------------ */
/* Async                                                                    */

static void
list_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GPtrArray *
list_async_wait (BkStore       *store,
                 gint64         from,
                 gint64         to,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  bk_store_list_appointments_async (store, from, to, cancellable, list_done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return bk_store_list_appointments_finish (store, result, error);
}

static void
test_async_list (void)
{
  g_autoptr(BkStore) store = open_default ();
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) sync_list = NULL;
  g_autoptr(GPtrArray) async_list = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *sync_ids = NULL;
  g_autofree char *async_ids = NULL;

  for (guint i = 0; i < 500; i++)
    {
      g_autofree char *id = g_strdup_printf ("appt-%03u", i);

      g_ptr_array_add (batch, make_appointment (id, T0 + i * 5 * HOUR, T0 + i * 5 * HOUR + HOUR,
                                                i % 3 ? BK_APPOINTMENT_STATUS_BOOKED
                                                      : BK_APPOINTMENT_STATUS_CANCELLED));
    }
  upsert (store, batch);

  sync_list = bk_store_list_appointments (store, T0 + 10 * DAY, T0 + 40 * DAY, &error);
  g_assert_no_error (error);
  async_list = list_async_wait (store, T0 + 10 * DAY, T0 + 40 * DAY, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sync_list->len, >, 100);
  sync_ids = ids_of (sync_list);
  async_ids = ids_of (async_list);
  g_assert_cmpstr (async_ids, ==, sync_ids);
  for (guint i = 0; i < sync_list->len; i++)
    {
      BkAppointment *s = g_ptr_array_index (sync_list, i);
      BkAppointment *a = g_ptr_array_index (async_list, i);

      g_assert_cmpint (bk_appointment_get_start (a), ==, bk_appointment_get_start (s));
      g_assert_cmpint (bk_appointment_get_end (a), ==, bk_appointment_get_end (s));
      g_assert_cmpint (bk_appointment_get_status (a), ==, bk_appointment_get_status (s));
      g_assert_cmpstr (bk_appointment_get_client_email (a), ==, bk_appointment_get_client_email (s));
    }
  g_clear_pointer (&async_list, g_ptr_array_unref);

  g_cancellable_cancel (cancellable);
  async_list = list_async_wait (store, T0, T0 + 400 * DAY, cancellable, &error);
  g_assert_null (async_list);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* ------------------------------------------------------------------------ */
/* The appointment object                                                   */

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

static void
test_appointment_notify (void)
{
  g_autoptr(BkAppointment) a = bk_appointment_new ("x", T0, T0 + HOUR, "Grace", "grace@example.org");
  BkAppointmentStatus status;
  guint notes = 0, starts = 0, statuses = 0;

  g_signal_connect (a, "notify::note", G_CALLBACK (count_notify_cb), &notes);
  g_signal_connect (a, "notify::start", G_CALLBACK (count_notify_cb), &starts);
  g_signal_connect (a, "notify::status", G_CALLBACK (count_notify_cb), &statuses);

  bk_appointment_set_note (a, "hi");
  bk_appointment_set_note (a, "hi");
  bk_appointment_set_times (a, T0, T0 + 2 * HOUR);
  bk_appointment_set_times (a, T0 + HOUR, T0 + 2 * HOUR);
  bk_appointment_set_status (a, BK_APPOINTMENT_STATUS_BOOKED);
  g_object_set (a, "status", BK_APPOINTMENT_STATUS_CANCELLED, NULL);
  g_assert_cmpuint (notes, ==, 1);
  g_assert_cmpuint (starts, ==, 1);
  g_assert_cmpuint (statuses, ==, 1);

  g_assert_cmpstr (bk_appointment_status_to_string (BK_APPOINTMENT_STATUS_RESCHEDULED), ==, "rescheduled");
  g_assert_true (bk_appointment_status_from_string ("cancelled", &status));
  g_assert_cmpint (status, ==, BK_APPOINTMENT_STATUS_CANCELLED);
  g_assert_false (bk_appointment_status_from_string ("maybe", &status));
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 4 && g_str_equal (argv[1], "--child"))
    run_child (argv[2], argv[3]);

  self_exe = argv[0];
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/store/open/creates", test_open_creates);
  g_test_add_func ("/store/open/unopenable", test_open_unopenable);
  g_test_add_func ("/store/rules/defaults", test_rules_defaults);
  g_test_add_func ("/store/rules/round-trip", test_rules_round_trip);
  g_test_add_func ("/store/rules/invalid", test_rules_invalid);
  g_test_add_func ("/store/blocks", test_blocks);
  g_test_add_func ("/store/appointments/upsert-list", test_appointments);
  g_test_add_func ("/store/appointments/busy-and-booked", test_busy_and_booked);
  g_test_add_func ("/store/appointments/async", test_async_list);
  g_test_add_func ("/store/appointments/notify", test_appointment_notify);
  g_test_add_func ("/store/appointments/event-calendar", test_event_calendar);
  g_test_add_func ("/store/appointments/event-id-kept", test_event_id_kept);
  g_test_add_func ("/store/appointments/event-calendars", test_event_calendars);
  g_test_add_func ("/store/sync-state", test_sync_state);
  g_test_add_func ("/store/outbox", test_outbox);
  g_test_add_func ("/store/migration/empty-file", test_migrate_empty_file);
  g_test_add_func ("/store/migration/version-0", test_migrate_version_0);
  g_test_add_func ("/store/migration/version-2", test_migrate_version_2);
  g_test_add_func ("/store/migration/version-3", test_migrate_version_3);
  g_test_add_func ("/store/busy/delta-round", test_busy_round);
  g_test_add_func ("/store/recovery/garbage", test_recover_garbage);
  g_test_add_func ("/store/recovery/damaged-pages", test_recover_damaged_pages);
  g_test_add_func ("/store/recovery/newer", test_recover_newer);
  g_test_add_func ("/store/crash/uncommitted", test_crash_uncommitted);
  g_test_add_func ("/store/crash/killed", test_crash_killed);

  return g_test_run ();
}
