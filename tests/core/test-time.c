/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-time"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "bk-time.h"

/* Reference instants, worked out by hand:
 * 1970-01-01 → 2027-01-01 is 57 years with 14 leap days (1972…2024):
 * 57 × 365 + 14 = 20819 days = 1798761600 s. */
#define UNIX_2027_01_01  G_GINT64_CONSTANT (1798761600)
#define DAY              G_GINT64_CONSTANT (86400)
#define HOUR             G_GINT64_CONSTANT (3600)
#define MINUTE           G_GINT64_CONSTANT (60)

/* days before the 1st of a 2027 month: Jan 0, Feb 31, Mar 59, Apr 90, … */
static gint64
utc_2027 (int month, int day, int hour, int minute)
{
  static const int before[] = { 0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334 };

  return UNIX_2027_01_01 + (before[month] + day - 1) * DAY + hour * HOUR + minute * MINUTE;
}

static void
test_parse_iso8601 (void)
{
  g_autoptr(GError) error = NULL;
  gint64 t = 0;

  g_assert_true (bk_time_parse_iso8601 ("2027-03-26T08:00:00Z", &t, &error));
  g_assert_no_error (error);
  g_assert_cmpint (t, ==, utc_2027 (3, 26, 8, 0));
  g_assert_cmpint (t, ==, G_GINT64_CONSTANT (1806048000));

  /* the same instant written in CET (+01:00) */
  g_assert_true (bk_time_parse_iso8601 ("2027-03-26T09:00:00+01:00", &t, &error));
  g_assert_cmpint (t, ==, utc_2027 (3, 26, 8, 0));

  /* Adelaide's half-hour offset: 09:00+10:30 is 22:30Z the day before */
  g_assert_true (bk_time_parse_iso8601 ("2027-03-26T09:00:00+10:30", &t, &error));
  g_assert_cmpint (t, ==, utc_2027 (3, 25, 22, 30));

  /* fractions of a second are dropped, lower-case z accepted (RFC 3339) */
  g_assert_true (bk_time_parse_iso8601 ("2027-03-26t08:00:00.750z", &t, &error));
  g_assert_cmpint (t, ==, utc_2027 (3, 26, 8, 0));
}

static void
test_parse_iso8601_refuses (void)
{
  const char *bad[] = {
    "2027-03-26T08:00:00",     /* no offset: depends on the reader's zone */
    "2027-03-26",
    "2027-02-30T08:00:00Z",
    "2027-03-26T25:00:00Z",
    "tomorrow",
    "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 t = 42;

      g_assert_false (bk_time_parse_iso8601 (bad[i], &t, &error));
      g_assert_error (error, BK_TIME_ERROR, BK_TIME_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, bad[i]));
      g_assert_cmpint (t, ==, 42);
    }
}

static void
test_format_iso8601 (void)
{
  g_autofree char *a = bk_time_format_iso8601_utc (G_GINT64_CONSTANT (1806048000));
  g_autofree char *b = bk_time_format_iso8601_utc (0);

  g_assert_cmpstr (a, ==, "2027-03-26T08:00:00Z");
  g_assert_cmpstr (b, ==, "1970-01-01T00:00:00Z");
}

static void
test_time_zone (void)
{
  const char *bad[] = { "Mars/Olympus", "+01:00", "CET-1CEST", "../etc/passwd", "", "Europe" };
  g_autoptr(GTimeZone) berlin = NULL;
  g_autoptr(GTimeZone) utc = NULL;
  g_autoptr(GError) error = NULL;

  berlin = bk_time_zone_new ("Europe/Berlin", &error);
  g_assert_no_error (error);
  g_assert_nonnull (berlin);
  g_assert_cmpstr (g_time_zone_get_identifier (berlin), ==, "Europe/Berlin");

  utc = bk_time_zone_new ("UTC", &error);
  g_assert_no_error (error);
  g_assert_nonnull (utc);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(GTimeZone) tz = bk_time_zone_new (bad[i], &local_error);

      g_assert_null (tz);
      g_assert_error (local_error, BK_TIME_ERROR, BK_TIME_ERROR_UNKNOWN_TIME_ZONE);
    }
}

static void
test_local_zone_id (void)
{
  g_autofree char *id = NULL;

  /* tests/meson.build runs us with TZ=UTC */
  id = bk_time_get_local_zone_id ();
  g_assert_cmpstr (id, ==, "UTC");
}

static void
test_hhmm (void)
{
  struct { const char *text; gboolean allow_24; gboolean ok; guint minutes; } cases[] = {
    { "00:00", FALSE, TRUE, 0 },
    { "09:30", FALSE, TRUE, 570 },
    { "23:59", FALSE, TRUE, 1439 },
    { "24:00", TRUE, TRUE, 1440 },
    { "24:00", FALSE, FALSE, 0 },
    { "24:01", TRUE, FALSE, 0 },
    { "9:30", FALSE, FALSE, 0 },
    { "09:60", FALSE, FALSE, 0 },
    { "09:30:00", FALSE, FALSE, 0 },
    { "ab:cd", FALSE, FALSE, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      guint minutes = 9999;
      gboolean ok = bk_time_parse_hhmm (cases[i].text, cases[i].allow_24, &minutes, &error);

      g_assert_cmpint (ok, ==, cases[i].ok);
      if (ok)
        g_assert_cmpuint (minutes, ==, cases[i].minutes);
      else
        g_assert_error (error, BK_TIME_ERROR, BK_TIME_ERROR_INVALID);
    }

  {
    g_autofree char *a = bk_time_format_hhmm (570);
    g_autofree char *b = bk_time_format_hhmm (1440);
    g_autofree char *c = bk_time_format_hhmm (5);

    g_assert_cmpstr (a, ==, "09:30");
    g_assert_cmpstr (b, ==, "24:00");
    g_assert_cmpstr (c, ==, "00:05");
  }
}

static void
test_date (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  GDate date;

  g_date_clear (&date, 1);
  g_assert_true (bk_time_parse_date ("2027-02-28", &date, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_date_get_year (&date), ==, 2027);
  g_assert_cmpint (g_date_get_month (&date), ==, 2);
  g_assert_cmpint (g_date_get_day (&date), ==, 28);
  text = bk_time_format_date (&date);
  g_assert_cmpstr (text, ==, "2027-02-28");

  g_assert_false (bk_time_parse_date ("2027-02-29", &date, &error)); /* 2027 is no leap year */
  g_assert_error (error, BK_TIME_ERROR, BK_TIME_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (bk_time_parse_date ("2028-02-29", &date, NULL));
  g_assert_false (bk_time_parse_date ("2027-3-29", &date, NULL));
  g_assert_false (bk_time_parse_date ("2027-03-29T00:00", &date, NULL));
}

static void
assert_local_date (const char *zone,
                   gint64      t,
                   int         year,
                   int         month,
                   int         day)
{
  g_autoptr(GTimeZone) tz = bk_time_zone_new (zone, NULL);
  GDate date;

  bk_time_get_local_date (tz, t, &date);
  g_assert_cmpint (g_date_get_year (&date), ==, year);
  g_assert_cmpint (g_date_get_month (&date), ==, month);
  g_assert_cmpint (g_date_get_day (&date), ==, day);
}

static void
test_local_date (void)
{
  /* 22:30Z on 29 March: 00:30 CEST on the 30th in Berlin (+2 since the
   * 28th), 18:30 EDT on the 29th in New York (-4), 09:00 ACDT on the 30th in
   * Adelaide (+10:30 until 4 April) */
  assert_local_date ("Europe/Berlin", utc_2027 (3, 29, 22, 30), 2027, 3, 30);
  assert_local_date ("America/New_York", utc_2027 (3, 29, 22, 30), 2027, 3, 29);
  assert_local_date ("Australia/Adelaide", utc_2027 (3, 29, 22, 30), 2027, 3, 30);
  /* 13:29Z is 23:59 ACDT, 13:30Z is 00:00 ACDT the next day */
  assert_local_date ("Australia/Adelaide", utc_2027 (3, 29, 13, 29), 2027, 3, 29);
  assert_local_date ("Australia/Adelaide", utc_2027 (3, 29, 13, 30), 2027, 3, 30);
}

static gint64
local (const char *zone,
       int         year,
       int         month,
       int         day,
       guint       minutes)
{
  g_autoptr(GTimeZone) tz = bk_time_zone_new (zone, NULL);
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, day, month, year);
  return bk_time_local_to_unix (tz, &date, minutes);
}

static void
test_local_to_unix (void)
{
  /* Berlin, 28 March 2027: at 01:00Z clocks go from 02:00 CET to 03:00 CEST */
  g_assert_cmpint (local ("Europe/Berlin", 2027, 3, 28, 60), ==, utc_2027 (3, 28, 0, 0));
  g_assert_cmpint (local ("Europe/Berlin", 2027, 3, 28, 150), ==, utc_2027 (3, 28, 1, 0));  /* 02:30 in the gap → the change */
  g_assert_cmpint (local ("Europe/Berlin", 2027, 3, 28, 180), ==, utc_2027 (3, 28, 1, 0));  /* 03:00 CEST */
  g_assert_cmpint (local ("Europe/Berlin", 2027, 3, 28, 240), ==, utc_2027 (3, 28, 2, 0));
  /* 31 October: at 01:00Z clocks go from 03:00 CEST back to 02:00 CET;
   * 02:30 happens twice (00:30Z and 01:30Z) — the later one counts */
  g_assert_cmpint (local ("Europe/Berlin", 2027, 10, 31, 150), ==, utc_2027 (10, 31, 1, 30));
  g_assert_cmpint (local ("Europe/Berlin", 2027, 10, 31, 60), ==, utc_2027 (10, 30, 23, 0));
  /* 24:00 is the next day's 00:00: 1 April 00:00 CEST = 31 March 22:00Z */
  g_assert_cmpint (local ("Europe/Berlin", 2027, 3, 31, 1440), ==, utc_2027 (3, 31, 22, 0));
  /* New York, 14 March: 02:00 EST → 03:00 EDT at 07:00Z */
  g_assert_cmpint (local ("America/New_York", 2027, 3, 14, 150), ==, utc_2027 (3, 14, 7, 0));
  /* 7 November: 02:00 EDT → 01:00 EST at 06:00Z; 01:30 EST = 06:30Z */
  g_assert_cmpint (local ("America/New_York", 2027, 11, 7, 90), ==, utc_2027 (11, 7, 6, 30));
  /* Adelaide, 3 October: 02:00 ACST (+9:30) → 03:00 ACDT at 16:30Z on the 2nd */
  g_assert_cmpint (local ("Australia/Adelaide", 2027, 10, 3, 150), ==, utc_2027 (10, 2, 16, 30));
  /* 4 April: 03:00 ACDT → 02:00 ACST at 16:30Z on the 3rd; 02:30 ACST = 17:00Z */
  g_assert_cmpint (local ("Australia/Adelaide", 2027, 4, 4, 150), ==, utc_2027 (4, 3, 17, 0));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/time/parse-iso8601", test_parse_iso8601);
  g_test_add_func ("/time/parse-iso8601-refuses", test_parse_iso8601_refuses);
  g_test_add_func ("/time/format-iso8601", test_format_iso8601);
  g_test_add_func ("/time/zone", test_time_zone);
  g_test_add_func ("/time/local-zone-id", test_local_zone_id);
  g_test_add_func ("/time/hhmm", test_hhmm);
  g_test_add_func ("/time/date", test_date);
  g_test_add_func ("/time/local-date", test_local_date);
  g_test_add_func ("/time/local-to-unix", test_local_to_unix);

  return g_test_run ();
}
