/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-time"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "bk-time.h"

G_DEFINE_QUARK (bk-time-error-quark, bk_time_error)

/* GDateTime covers the years 1..9999; keep a day of margin on both ends so a
 * local date ± 1 day is always representable. */
#define BK_TIME_MIN_UNIX  (G_GINT64_CONSTANT (-62135596800) + 2 * 86400)
#define BK_TIME_MAX_UNIX  (G_GINT64_CONSTANT (253402300799) - 2 * 86400)

/* ------------------------------------------------------------------------ */
/* RFC 3339 instants                                                        */
/* ------------------------------------------------------------------------ */

/* Whether the time part of an ISO 8601 text (after "T") names an offset.
 * A local time without one would silently depend on the reader's zone. */
static gboolean
has_explicit_offset (const char *text)
{
  const char *t = strpbrk (text, "Tt ");

  if (t == NULL)
    return FALSE;

  return strpbrk (t + 1, "Zz+-") != NULL;
}

gboolean
bk_time_parse_iso8601 (const char  *text,
                       gint64      *out_unix,
                       GError     **error)
{
  g_autoptr(GTimeZone) utc = NULL;
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *upper = NULL;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!has_explicit_offset (text))
    {
      g_set_error (error, BK_TIME_ERROR, BK_TIME_ERROR_INVALID,
                   _("\"%s\" is not a date and time with an offset, such as "
                     "2027-03-26T08:00:00Z or 2027-03-26T09:00:00+01:00"),
                   text);
      return FALSE;
    }

  /* RFC 3339 allows "t" and "z"; GLib only takes the capitals */
  upper = g_ascii_strup (text, -1);
  utc = g_time_zone_new_utc ();
  dt = g_date_time_new_from_iso8601 (upper, utc);
  if (dt == NULL)
    {
      g_set_error (error, BK_TIME_ERROR, BK_TIME_ERROR_INVALID,
                   _("\"%s\" is not a valid RFC 3339 date and time, such as "
                     "2027-03-26T08:00:00Z"),
                   text);
      return FALSE;
    }

  if (out_unix != NULL)
    *out_unix = g_date_time_to_unix (dt);

  return TRUE;
}

char *
bk_time_format_iso8601_utc (gint64 unix_seconds)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (unix_seconds);

  g_return_val_if_fail (dt != NULL, NULL);

  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

/* ------------------------------------------------------------------------ */
/* Time zones                                                               */
/* ------------------------------------------------------------------------ */

/* GLib also accepts offsets ("+01:00") and POSIX TZ rules ("ABC5"); Bookable
 * stores IANA names only, so a name must look like one and GLib must know it. */
static gboolean
looks_like_iana_name (const char *identifier)
{
  if (identifier[0] == '\0' || identifier[0] == '/' || identifier[0] == '+' ||
      identifier[0] == '-' || g_ascii_isdigit (identifier[0]))
    return FALSE;

  if (strstr (identifier, "..") != NULL || strstr (identifier, "//") != NULL)
    return FALSE;

  for (const char *p = identifier; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && strchr ("/_+-", *p) == NULL)
        return FALSE;
    }

  return TRUE;
}

/* GLib answers a POSIX rule string ("XYZ3") with a zone too; an IANA name is
 * a file in the zoneinfo database (when there is one to look in). */
static gboolean
is_in_zoneinfo (const char *identifier)
{
  const char *tzdir = g_getenv ("TZDIR");
  g_autofree char *path = NULL;

  if (tzdir == NULL)
    tzdir = "/usr/share/zoneinfo";

  if (!g_file_test (tzdir, G_FILE_TEST_IS_DIR))
    return TRUE;

  path = g_build_filename (tzdir, identifier, NULL);
  return g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

GTimeZone *
bk_time_zone_new (const char  *identifier,
                  GError     **error)
{
  GTimeZone *tz = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (identifier != NULL && g_strcmp0 (identifier, "UTC") == 0)
    return g_time_zone_new_utc ();

  if (identifier != NULL && looks_like_iana_name (identifier) && is_in_zoneinfo (identifier))
    tz = g_time_zone_new_identifier (identifier);

  if (tz == NULL)
    g_set_error (error, BK_TIME_ERROR, BK_TIME_ERROR_UNKNOWN_TIME_ZONE,
                 _("unknown time zone \"%s\" (expected an IANA name such as \"Europe/Berlin\")"),
                 identifier != NULL ? identifier : "");

  return tz;
}

char *
bk_time_get_local_zone_id (void)
{
  g_autoptr(GTimeZone) local = g_time_zone_new_local ();
  const char *id = g_time_zone_get_identifier (local);
  g_autoptr(GTimeZone) check = NULL;

  if (id != NULL && id[0] == ':')
    id++;

  if (id != NULL)
    check = bk_time_zone_new (id, NULL);

  return g_strdup (check != NULL ? id : "UTC");
}

/* ------------------------------------------------------------------------ */
/* Wall times and dates                                                     */
/* ------------------------------------------------------------------------ */

static gboolean
parse_fixed_digits (const char *text,
                    guint       n_digits,
                    guint      *out_value)
{
  guint value = 0;

  for (guint i = 0; i < n_digits; i++)
    {
      if (!g_ascii_isdigit (text[i]))
        return FALSE;
      value = value * 10 + (guint) (text[i] - '0');
    }

  *out_value = value;
  return TRUE;
}

gboolean
bk_time_parse_hhmm (const char  *text,
                    gboolean     allow_24,
                    guint       *out_minutes,
                    GError     **error)
{
  guint hours = 0;
  guint minutes = 0;
  gboolean ok;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  ok = strlen (text) == 5 && text[2] == ':' &&
       parse_fixed_digits (text, 2, &hours) &&
       parse_fixed_digits (text + 3, 2, &minutes) &&
       minutes < 60 &&
       (hours < 24 || (allow_24 && hours == 24 && minutes == 0));

  if (!ok)
    {
      if (allow_24)
        g_set_error (error, BK_TIME_ERROR, BK_TIME_ERROR_INVALID,
                     _("\"%s\" is not a time of the form HH:MM (00:00 to 24:00)"), text);
      else
        g_set_error (error, BK_TIME_ERROR, BK_TIME_ERROR_INVALID,
                     _("\"%s\" is not a time of the form HH:MM (00:00 to 23:59)"), text);
      return FALSE;
    }

  if (out_minutes != NULL)
    *out_minutes = hours * 60 + minutes;

  return TRUE;
}

char *
bk_time_format_hhmm (guint minutes)
{
  g_return_val_if_fail (minutes <= 1440, NULL);

  return g_strdup_printf ("%02u:%02u", minutes / 60, minutes % 60);
}

gboolean
bk_time_parse_date (const char  *text,
                    GDate       *out_date,
                    GError     **error)
{
  guint year = 0;
  guint month = 0;
  guint day = 0;
  gboolean ok;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  ok = strlen (text) == 10 && text[4] == '-' && text[7] == '-' &&
       parse_fixed_digits (text, 4, &year) &&
       parse_fixed_digits (text + 5, 2, &month) &&
       parse_fixed_digits (text + 8, 2, &day) &&
       year >= 1 && g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year);

  if (!ok)
    {
      g_set_error (error, BK_TIME_ERROR, BK_TIME_ERROR_INVALID,
                   _("\"%s\" is not a date of the form YYYY-MM-DD"), text);
      return FALSE;
    }

  if (out_date != NULL)
    g_date_set_dmy (out_date, (GDateDay) day, (GDateMonth) month, (GDateYear) year);

  return TRUE;
}

char *
bk_time_format_date (const GDate *date)
{
  g_return_val_if_fail (date != NULL && g_date_valid (date), NULL);

  return g_strdup_printf ("%04u-%02u-%02u",
                          (guint) g_date_get_year (date),
                          (guint) g_date_get_month (date),
                          (guint) g_date_get_day (date));
}

void
bk_time_get_local_date (GTimeZone *tz,
                        gint64     unix_seconds,
                        GDate     *out_date)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;
  int year, month, day;

  g_return_if_fail (tz != NULL);
  g_return_if_fail (out_date != NULL);

  utc = g_date_time_new_from_unix_utc (CLAMP (unix_seconds, BK_TIME_MIN_UNIX, BK_TIME_MAX_UNIX));
  local = g_date_time_to_timezone (utc, tz);
  g_date_time_get_ymd (local, &year, &month, &day);

  g_date_clear (out_date, 1);
  g_date_set_dmy (out_date, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
}

gint64
bk_time_local_to_unix (GTimeZone   *tz,
                       const GDate *date,
                       guint        minutes)
{
  g_autoptr(GDateTime) dt = NULL;
  GDate d;

  g_return_val_if_fail (tz != NULL, 0);
  g_return_val_if_fail (date != NULL && g_date_valid (date), 0);
  g_return_val_if_fail (minutes <= 1440, 0);

  d = *date;

  /* "24:00" is the next day's midnight, which may itself be in a gap */
  if (minutes == 1440)
    {
      g_date_add_days (&d, 1);
      minutes = 0;
    }

  dt = g_date_time_new (tz,
                        g_date_get_year (&d), g_date_get_month (&d), g_date_get_day (&d),
                        (int) (minutes / 60), (int) (minutes % 60), 0);
  g_return_val_if_fail (dt != NULL, 0);

  return g_date_time_to_unix (dt);
}
