/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-store"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "bookable-core.h"
#include "bk-store-private.h"

/* The cache of a busy expert: 100,000 appointments over about three years,
 * then the Schedule's question — the next 30 days — asked through the store
 * and, as the baseline, by the sqlite3 CLI running the very same SELECT on
 * the very same file. */

#define N_APPOINTMENTS 100000
#define N_RUNS 9
#define T0 G_GINT64_CONSTANT (1767225600)  /* 2026-01-01T00:00:00Z */
#define DAY (24 * 3600)
#define SQLITE3_CLI "/usr/bin/sqlite3"

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof (double), compare_doubles);
  return values[n / 2];
}

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

static GPtrArray *
make_appointments (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20260101);
  GPtrArray *appointments = g_ptr_array_new_full (N_APPOINTMENTS, g_object_unref);

  for (guint i = 0; i < N_APPOINTMENTS; i++)
    {
      g_autofree char *id = g_strdup_printf ("appt-%06u", i);
      g_autofree char *email = g_strdup_printf ("client%u@example.org", i % 5000);
      gint64 start = T0 + (gint64) g_rand_int_range (rand, 0, 3 * 365 * 48) * 1800;
      gint64 length = 1800 * g_rand_int_range (rand, 1, 4);
      BkAppointment *appointment = bk_appointment_new (id, start, start + length,
                                                       "Client Name", email);

      if (g_rand_int_range (rand, 0, 10) == 0)
        bk_appointment_set_status (appointment, BK_APPOINTMENT_STATUS_CANCELLED);
      if (i % 7 == 0)
        bk_appointment_set_note (appointment, "Please bring last year's figures.");
      g_ptr_array_add (appointments, appointment);
    }

  return appointments;
}

/* The store's SELECT with its two parameters written in, for the CLI. */
static char *
cli_sql (gint64 from,
         gint64 to)
{
  g_autofree char *from_text = g_strdup_printf ("%" G_GINT64_FORMAT, from);
  g_autofree char *to_text = g_strdup_printf ("%" G_GINT64_FORMAT, to);
  g_auto(GStrv) by_from = g_strsplit (_BK_STORE_LIST_APPOINTMENTS_SQL, "?1", -1);
  g_autofree char *with_from = g_strjoinv (from_text, by_from);
  g_auto(GStrv) by_to = g_strsplit (with_from, "?2", -1);

  return g_strjoinv (to_text, by_to);
}

static guint
count_lines (const char *text)
{
  guint n = 0;

  for (const char *p = text; *p; p++)
    n += *p == '\n';
  return n;
}

static double
time_store_list (BkStore *store,
                 gint64   from,
                 gint64   to,
                 guint   *out_rows)
{
  double runs[N_RUNS];

  for (guint r = 0; r < N_RUNS; r++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) listed = NULL;
      double t = now_ms ();

      listed = bk_store_list_appointments (store, from, to, &error);
      runs[r] = now_ms () - t;
      g_assert_no_error (error);
      *out_rows = listed->len;
    }

  return median (runs, N_RUNS);
}

/* The floor: the same statement stepped with the bare C API, no objects. */
static double
time_raw (const char *path,
          gint64      from,
          gint64      to)
{
  g_autoptr(sqlite3) db = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  double runs[N_RUNS];

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, _BK_STORE_LIST_APPOINTMENTS_SQL, -1, &stmt, NULL), ==, SQLITE_OK);
  for (guint r = 0; r < N_RUNS; r++)
    {
      double t = now_ms ();

      sqlite3_bind_int64 (stmt, 1, from);
      sqlite3_bind_int64 (stmt, 2, to);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        ;
      sqlite3_reset (stmt);
      runs[r] = now_ms () - t;
    }

  return median (runs, N_RUNS);
}

static double
time_cli (const char *path,
          const char *sql,
          guint      *out_rows)
{
  const char *argv[] = { SQLITE3_CLI, "-readonly", path, sql, NULL };
  double runs[N_RUNS];

  for (guint r = 0; r < N_RUNS; r++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *out = NULL;
      int status = 0;
      double t = now_ms ();

      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL,
                    NULL, NULL, &out, NULL, &status, &error);
      runs[r] = now_ms () - t;
      g_assert_no_error (error);
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      *out_rows = count_lines (out);
    }

  return median (runs, N_RUNS);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bk-bench-store-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *sql = NULL;
  g_autoptr(BkStore) store = NULL;
  g_autoptr(GPtrArray) appointments = NULL;
  double opens[N_RUNS];
  double t, insert_ms, store_ms, cli_ms, raw_ms;
  gint64 from = T0 + 500 * DAY;
  gint64 to = from + 30 * DAY;
  guint store_rows = 0, cli_rows = 0;
  GStatBuf st;

  g_assert_no_error (error);
  if (!g_file_test (SQLITE3_CLI, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_print ("store: %s is missing, skipped\n", SQLITE3_CLI);
      return 77;
    }

  path = g_build_filename (dir, "bookable.sqlite", NULL);
  store = bk_store_open (path, &error);
  g_assert_no_error (error);

  appointments = make_appointments ();
  t = now_ms ();
  bk_store_upsert_appointments (store, appointments, &error);
  insert_ms = now_ms () - t;
  g_assert_no_error (error);
  g_clear_object (&store);

  for (guint r = 0; r < N_RUNS; r++)
    {
      t = now_ms ();
      store = bk_store_open (path, &error);
      opens[r] = now_ms () - t;
      g_assert_no_error (error);
      if (r + 1 < N_RUNS)
        g_clear_object (&store);
    }
  g_assert_cmpint (g_stat (path, &st), ==, 0);

  store_ms = time_store_list (store, from, to, &store_rows);
  raw_ms = time_raw (path, from, to);
  sql = cli_sql (from, to);
  cli_ms = time_cli (path, sql, &cli_rows);
  g_assert_cmpuint (store_rows, ==, cli_rows);

  g_print ("store: bulk insert of %u appointments (one transaction): %.1f ms (%.0f rows/s)\n",
           N_APPOINTMENTS, insert_ms, N_APPOINTMENTS / (insert_ms / 1000.0));
  g_print ("store: open of the %.1f MiB file (checks, quick_check, WAL): median %.2f ms over %u runs\n",
           st.st_size / (1024.0 * 1024.0), median (opens, N_RUNS), N_RUNS);
  g_print ("store: 30 days (%u appointments) via bk_store_list_appointments: median %.3f ms over %u runs\n",
           store_rows, store_ms, N_RUNS);
  g_print ("store: the same SELECT via %s (process spawn included): median %.3f ms over %u runs\n",
           SQLITE3_CLI, cli_ms, N_RUNS);
  g_print ("store: the same statement stepped in-process with the bare C API (floor): median %.3f ms\n",
           raw_ms);
  g_print ("store: ratio bk_store / sqlite3 CLI: %.3f; bk_store / bare C API: %.1f\n",
           store_ms / cli_ms, store_ms / raw_ms);

  g_clear_object (&store);
  for (guint i = 0; i < 3; i++)
    {
      static const char * const suffixes[] = { "", "-wal", "-shm" };
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      g_unlink (file);
    }
  g_rmdir (dir);

  return 0;
}
