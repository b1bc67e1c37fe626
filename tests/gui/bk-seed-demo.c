/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-seed-demo"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "bookable-core.h"

/* Fills the profile in $XDG_DATA_HOME with made-up appointments and a day
 * off over the coming two weeks, so build-aux/screenshot shows a lived-in
 * Schedule. Appointments normally arrive through sync; this uses the same
 * store API sync does. Not installed. */

typedef struct
{
  guint       day;       /* working days (Monday to Friday) after today */
  guint       minutes;   /* local wall time */
  const char *name;
  const char *email;
  gboolean    cancelled;
} DemoAppointment;

static const DemoAppointment demo[] = {
  { 1,  9 * 60, "Amira Haddad",     "amira.haddad@example.org",   FALSE },
  { 1, 11 * 60, "Jonas Becker",     "jonas.becker@example.org",   FALSE },
  { 1, 14 * 60, "Li Wei",           "li.wei@example.org",         FALSE },
  { 2, 10 * 60, "Sofia Rossi",      "sofia.rossi@example.org",    TRUE  },
  { 2, 15 * 60, "Mateo García",     "mateo.garcia@example.org",   FALSE },
  { 3,  9 * 60, "Hannah Schmidt",   "hannah.schmidt@example.org", FALSE },
  { 4, 16 * 60, "Olusegun Adeyemi", "olu.adeyemi@example.org",    FALSE },
  { 5, 10 * 60, "Chloé Martin",     "chloe.martin@example.org",   FALSE },
  { 6,  9 * 60, "Priya Natarajan",  "priya.n@example.org",        FALSE },
  { 7, 13 * 60, "Erik Lindqvist",   "erik.lindqvist@example.org", FALSE },
};

static gboolean
seed (BkStore  *store,
      GError  **error)
{
  g_autoptr(BkAvailabilityRules) rules = bk_store_load_rules (store, error);
  g_autoptr(GPtrArray) appointments = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GTimeZone) tz = NULL;
  gint64 duration;
  GDate today;

  if (rules == NULL || (tz = bk_time_zone_new (rules->time_zone, error)) == NULL)
    return FALSE;
  duration = (gint64) rules->slot_minutes * 60;
  bk_time_get_local_date (tz, g_get_real_time () / G_USEC_PER_SEC, &today);

  for (guint i = 0; i < G_N_ELEMENTS (demo); i++)
    {
      g_autofree char *id = g_strdup_printf ("demo-%02u", i);
      BkAppointment *appt;
      GDate date = today;
      gint64 start;

      for (guint n = 0; n < demo[i].day; )
        {
          g_date_add_days (&date, 1);
          if (g_date_get_weekday (&date) <= G_DATE_FRIDAY)
            n++;
        }
      start = bk_time_local_to_unix (tz, &date, demo[i].minutes);
      appt = bk_appointment_new (id, start, start + duration, demo[i].name, demo[i].email);
      if (demo[i].cancelled)
        bk_appointment_set_status (appt, BK_APPOINTMENT_STATUS_CANCELLED);
      g_ptr_array_add (appointments, appt);
    }

  return bk_store_upsert_appointments (store, appointments, error);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(BkStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  setlocale (LC_ALL, "");
  path = bk_store_get_default_path ();
  if ((store = bk_store_open (path, &error)) == NULL || !seed (store, &error))
    {
      g_printerr ("bk-seed-demo: %s\n", error->message);
      return 1;
    }
  return 0;
}
