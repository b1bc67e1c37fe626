/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-schedule"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>
#include <glib/gstdio.h>

#include "bk-window.h"
#include "bookable-core.h"

/* How long the Schedule takes to show N cached appointments — from creating
 * the window to its list model holding all N — against the baseline of
 * reading the same N from the store with no window at all, in the same run.
 * An empty store's window is timed first (it also warms up GTK's theme and
 * fonts), so "extra" is what N appointments add to opening the window, and
 * the ratio extra / query is the GUI's own cost (formatting, model, the
 * first frame) per unit of query time. It stays small and flat as N grows
 * because the list view builds rows only for what is on screen. */

static const guint sizes[] = { 1000, 10000, 100000 };

static void
seed (BkStore *store,
      guint    n)
{
  g_autoptr(GPtrArray) appointments = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  gint64 first = g_get_real_time () / G_USEC_PER_SEC / 3600 * 3600 + 86400;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("bench-%06u", i);
      gint64 start = first + (gint64) i * 1800;

      g_ptr_array_add (appointments,
                       bk_appointment_new (id, start, start + 1800, "Client", "client@example.org"));
    }
  if (!bk_store_upsert_appointments (store, appointments, &error))
    g_error ("seeding: %s", error->message);
}

static GtkListView *
find_list_view (GtkWidget *root)
{
  if (GTK_IS_LIST_VIEW (root))
    return GTK_LIST_VIEW (root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkListView *found = find_list_view (child);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkStack *
find_appointments_stack (GtkWidget *root)
{
  if (GTK_IS_STACK (root) &&
      g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (root)), "appointments_stack") == 0)
    return GTK_STACK (root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkStack *found = find_appointments_stack (child);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static double
time_window (BkStore *store,
             guint    n)
{
  gint64 begin = g_get_monotonic_time ();
  GtkWidget *window = GTK_WIDGET (bk_window_new (NULL, store));
  GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (find_list_view (window)));
  double seconds;

  gtk_window_present (GTK_WINDOW (window));
  GtkStack *stack = find_appointments_stack (window);

  while (g_list_model_get_n_items (model) < n || !gtk_widget_get_mapped (window) ||
         g_strcmp0 (gtk_stack_get_visible_child_name (stack), "loading") == 0)
    g_main_context_iteration (NULL, TRUE);
  /* and the frame that shows them */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  seconds = (g_get_monotonic_time () - begin) / (double) G_USEC_PER_SEC;

  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  return seconds;
}

static double
time_query (BkStore *store,
            guint    n)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  gint64 begin = g_get_monotonic_time ();

  list = bk_store_list_appointments (store, 0, G_MAXINT64, &error);
  if (list == NULL || list->len != n)
    g_error ("query: %s", error ? error->message : "wrong count");
  return (g_get_monotonic_time () - begin) / (double) G_USEC_PER_SEC;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = g_dir_make_tmp ("bench-schedule-XXXXXX", NULL);
  double empty;

  g_setenv ("XDG_DATA_HOME", dir, TRUE);
  if (!gtk_init_check ())
    g_error ("No display: run this benchmark under xvfb-run (meson does)");
  adw_init ();

  {
    g_autofree char *path = g_strdup_printf ("%s/empty.sqlite", dir);
    g_autoptr(BkStore) store = bk_store_open (path, NULL);

    g_assert_nonnull (store);
    time_window (store, 0);
    empty = time_window (store, 0);
  }

  g_print ("empty window: %.3f s\n", empty);
  g_print ("%-12s %10s %10s %10s %8s\n", "appointments", "window", "extra", "query", "ratio");
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/bench-%u.sqlite", dir, sizes[i]);
      g_autoptr(BkStore) store = bk_store_open (path, NULL);
      double window, query;

      g_assert_nonnull (store);
      seed (store, sizes[i]);
      query = time_query (store, sizes[i]);
      window = time_window (store, sizes[i]);
      g_print ("%-12u %9.3fs %9.3fs %9.3fs %8.2f\n",
               sizes[i], window, window - empty, query, (window - empty) / query);
    }
  return 0;
}
