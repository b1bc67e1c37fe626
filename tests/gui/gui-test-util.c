/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "gui-test-util"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "bk-calendar-panel.h"
#include "bk-token-store.h"
#include "bk-window.h"
#include "gui-test-util.h"

/* Full (slow) stack unwinding under ASan, so that leaks in system
 * libraries built without frame pointers match tests/lsan.supp. */
const char *__asan_default_options (void);

const char *
__asan_default_options (void)
{
  return "fast_unwind_on_malloc=0";
}

void
bk_gui_test_init (int    *argc,
                  char ***argv)
{
  g_content_type_set_mime_dirs (NULL);
  g_test_init (argc, argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  if (!gtk_init_check ())
    g_error ("No display: run this test under xvfb-run (meson test does)");
  adw_init ();
}

void
bk_gui_test_wait_until (BkGuiTestCondition  condition,
                        gpointer            data,
                        const char         *what)
{
  gint64 deadline = g_get_monotonic_time () + BK_GUI_TEST_WAIT_SECONDS * G_USEC_PER_SEC;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for %s", what);
      g_main_context_iteration (NULL, FALSE);
      if (!g_main_context_pending (NULL))
        g_usleep (1000);
    }
}

void
bk_gui_test_flush_main_loop (void)
{
  for (guint i = 0; i < 50; i++)
    while (g_main_context_iteration (NULL, FALSE))
      ;
}

static GtkWidget *
find_by_id (GtkWidget  *root,
            const char *id,
            GType       type)
{
  if (g_type_is_a (G_OBJECT_TYPE (root), type) &&
      g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (root)), id) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_by_id (child, id, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

GtkWidget *
bk_gui_test_get_by_id (GtkWidget  *root,
                       const char *id,
                       GType       type)
{
  GtkWidget *widget = find_by_id (root, id, type);

  if (widget == NULL)
    g_error ("No %s with id “%s”", g_type_name (type), id);
  return widget;
}

void
bk_gui_test_collect_by_type (GtkWidget *root,
                             GType      type,
                             GPtrArray *out)
{
  if (g_type_is_a (G_OBJECT_TYPE (root), type))
    g_ptr_array_add (out, root);
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    bk_gui_test_collect_by_type (child, type, out);
}

void
bk_gui_test_click (GtkWidget *button)
{
  g_assert_true (gtk_widget_is_sensitive (button));
  g_assert_true (gtk_widget_is_visible (button));
  g_signal_emit_by_name (button, "clicked");
  bk_gui_test_flush_main_loop ();
}

AdwMessageDialog *
bk_gui_test_find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

AdwActionRow *
bk_gui_test_find_calendar_row (GtkWidget  *panel,
                               const char *name)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  bk_gui_test_collect_by_type (bk_gui_test_get_by_id (panel, "calendars_group", ADW_TYPE_PREFERENCES_GROUP),
                               ADW_TYPE_ACTION_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (adw_preferences_row_get_title (g_ptr_array_index (rows, i)), name) == 0)
      return g_ptr_array_index (rows, i);
  return NULL;
}

GtkCheckButton *
bk_gui_test_get_calendar_check (GtkWidget  *panel,
                                const char *name)
{
  g_autoptr(GPtrArray) checks = g_ptr_array_new ();
  AdwActionRow *row = bk_gui_test_find_calendar_row (panel, name);

  g_assert_nonnull (row);
  bk_gui_test_collect_by_type (GTK_WIDGET (row), GTK_TYPE_CHECK_BUTTON, checks);
  g_assert_cmpuint (checks->len, ==, 1);
  return g_ptr_array_index (checks, 0);
}

static GtkWidget *
find_day_box (GtkWidget  *window,
              const char *heading)
{
  GtkWidget *slots_box = bk_gui_test_get_by_id (window, "slots_box", GTK_TYPE_BOX);

  for (GtkWidget *day = gtk_widget_get_first_child (slots_box);
       day != NULL;
       day = gtk_widget_get_next_sibling (day))
    {
      GtkWidget *first = gtk_widget_get_first_child (day);

      if (GTK_IS_LABEL (first) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (first)), heading) == 0)
        return day;
    }
  return NULL;
}

char *
bk_gui_test_dup_day_slots (GtkWidget  *window,
                           const char *heading)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  g_autoptr(GStrvBuilder) texts = g_strv_builder_new ();
  g_auto(GStrv) strv = NULL;
  GtkWidget *day = find_day_box (window, heading);

  if (day != NULL)
    bk_gui_test_collect_by_type (day, GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    if (gtk_widget_has_css_class (g_ptr_array_index (labels, i), "slot-time"))
      g_strv_builder_add (texts, gtk_label_get_label (g_ptr_array_index (labels, i)));
  strv = g_strv_builder_end (texts);
  return g_strjoinv (" ", strv);
}

char *
bk_gui_test_dup_day_explanations (GtkWidget  *window,
                                  const char *heading,
                                  const char *css_class)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  GString *text = g_string_new (NULL);
  GtkWidget *day = find_day_box (window, heading);

  if (day != NULL)
    {
      g_autoptr(GPtrArray) expanders = g_ptr_array_new ();

      bk_gui_test_collect_by_type (day, GTK_TYPE_EXPANDER, expanders);
      g_assert_cmpuint (expanders->len, ==, 1);
      gtk_expander_set_expanded (g_ptr_array_index (expanders, 0), TRUE);
      bk_gui_test_collect_by_type (day, GTK_TYPE_LABEL, labels);
    }
  for (guint i = 0; i < labels->len; i++)
    if (gtk_widget_has_css_class (g_ptr_array_index (labels, i), css_class))
      g_string_append_printf (text, "%s\n", gtk_label_get_label (g_ptr_array_index (labels, i)));
  return g_string_free (text, FALSE);
}

typedef struct
{
  GtkWidget  *window;
  const char *heading;
  const char *expected;
} DayWait;

static gboolean
day_shows (gpointer data)
{
  DayWait *wait = data;
  g_autofree char *slots = bk_gui_test_dup_day_slots (wait->window, wait->heading);

  return g_strcmp0 (slots, wait->expected) == 0;
}

void
bk_gui_test_wait_for_day (GtkWidget  *window,
                          const char *heading,
                          const char *expected,
                          const char *what)
{
  DayWait wait = { window, heading, expected };
  g_autofree char *message = NULL;

  if (day_shows (&wait))
    return;
  message = g_strdup_printf ("%s (%s should show “%s”)", what, heading, expected);
  bk_gui_test_wait_until (day_shows, &wait, message);
}

GDateTime *
bk_gui_test_get_next_monday (char **out_heading)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) today = g_date_time_new_utc (g_date_time_get_year (now), g_date_time_get_month (now),
                                                    g_date_time_get_day_of_month (now), 0, 0, 0);
  int ahead = 8 - g_date_time_get_day_of_week (today);   /* 1 (Sunday) … 7 (Monday) */
  GDateTime *monday = g_date_time_add_days (today, ahead);

  *out_heading = g_date_time_format (monday, "%A, %-d %B");
  return monday;
}

void
bk_gui_test_seed_monday_rules (BkStore *store)
{
  g_autoptr(BkAvailabilityRules) rules = bk_availability_rules_new ();
  g_autoptr(GError) error = NULL;
  BkTimeRange monday = { 9 * 60, 12 * 60 };

  g_free (rules->time_zone);
  rules->time_zone = g_strdup ("UTC");
  rules->slot_minutes = rules->step_minutes = 30;
  rules->buffer_before_minutes = rules->buffer_after_minutes = 0;
  rules->min_notice_minutes = 0;
  rules->horizon_days = 60;
  rules->daily_limit = 0;
  for (guint day = 0; day < BK_N_WEEKDAYS; day++)
    bk_availability_rules_set_weekly (rules, day, NULL, 0);
  bk_availability_rules_set_weekly (rules, BK_WEEKDAY_MONDAY, &monday, 1);
  g_assert_true (bk_store_save_rules (store, rules, &error));
  g_assert_no_error (error);
}

const char *
bk_gui_test_panel_page (GtkWidget *panel)
{
  return gtk_stack_get_visible_child_name (GTK_STACK (bk_gui_test_get_by_id (panel, "stack", GTK_TYPE_STACK)));
}

void
bk_gui_test_browser_init (BkGuiTestBrowser *browser,
                          GtkWidget        *panel)
{
  memset (browser, 0, sizeof *browser);
  browser->session = soup_session_new ();
  browser->panel = panel;
  browser->follows = TRUE;
}

void
bk_gui_test_browser_clear (BkGuiTestBrowser *browser)
{
  g_clear_object (&browser->session);
  g_clear_pointer (&browser->page_when_opened, g_free);
}

static void
browser_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  BkGuiTestBrowser *browser = user_data;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  g_assert_no_error (error);
  browser->last_status = soup_message_get_status (soup_session_get_async_result_message (SOUP_SESSION (object),
                                                                                          result));
}

void
bk_gui_test_browser_open_uri (const char *uri,
                              gpointer    user_data)
{
  BkGuiTestBrowser *browser = user_data;
  g_autoptr(SoupMessage) msg = NULL;
  GtkWidget *spinner = bk_gui_test_get_by_id (browser->panel, "connect_spinner", GTK_TYPE_SPINNER);

  browser->pages_opened++;
  browser->last_status = 0;
  g_free (browser->page_when_opened);
  browser->page_when_opened = g_strdup (bk_gui_test_panel_page (browser->panel));
  browser->spinning_when_opened = gtk_spinner_get_spinning (GTK_SPINNER (spinner));
  if (!browser->follows)
    return;
  msg = soup_message_new ("GET", uri);
  g_assert_nonnull (msg);
  soup_session_send_and_read_async (browser->session, msg, G_PRIORITY_DEFAULT, NULL,
                                    browser_done_cb, browser);
}

typedef struct
{
  GtkWidget  *panel;
  const char *account;
  const char *calendar;
} ConnectedWait;

static gboolean
tab_connected (gpointer data)
{
  ConnectedWait *wait = data;
  GtkWidget *account = bk_gui_test_get_by_id (wait->panel, "account_row", ADW_TYPE_ACTION_ROW);

  return g_strcmp0 (bk_gui_test_panel_page (wait->panel), "connected") == 0 &&
         g_strcmp0 (adw_action_row_get_subtitle (ADW_ACTION_ROW (account)), wait->account) == 0 &&
         bk_gui_test_find_calendar_row (wait->panel, wait->calendar) != NULL;
}

void
bk_gui_test_connect_from_tab (BkGuiTestBrowser *browser,
                              const char       *button_id,
                              const char       *account,
                              const char       *calendar)
{
  ConnectedWait wait = { browser->panel, account, calendar };

  bk_gui_test_click (bk_gui_test_get_by_id (browser->panel, button_id, GTK_TYPE_BUTTON));
  bk_gui_test_wait_until (tab_connected, &wait, "the tab to show the signed-in account");
  /* while the browser was open, the tab showed progress */
  g_assert_cmpstr (browser->page_when_opened, ==, "connecting");
  g_assert_true (browser->spinning_when_opened);
  g_assert_cmpuint (browser->last_status, ==, 200);   /* "you can close this tab" */
}

gboolean
bk_gui_test_tab_disconnected (gpointer panel)
{
  return g_strcmp0 (bk_gui_test_panel_page (panel), "disconnected") == 0;
}

gboolean
bk_gui_test_reconnect_bar_shown (gpointer panel)
{
  GtkWidget *revealer = bk_gui_test_get_by_id (panel, "reconnect_revealer", GTK_TYPE_REVEALER);

  return gtk_revealer_get_reveal_child (GTK_REVEALER (revealer));
}

gboolean
bk_gui_test_reconnect_bar_hidden (gpointer panel)
{
  return !bk_gui_test_reconnect_bar_shown (panel);
}

gboolean
bk_gui_test_note_says_cache (gpointer window)
{
  GtkWidget *note = bk_gui_test_get_by_id (window, "report_note", GTK_TYPE_LABEL);

  return gtk_widget_get_visible (note) &&
         strstr (gtk_label_get_label (GTK_LABEL (note)), "from the cache") != NULL;
}

gboolean
bk_gui_test_message_dialog_shown (gpointer data)
{
  return bk_gui_test_find_message_dialog () != NULL;
}

static void
got_result_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

void
bk_gui_test_assert_no_tokens (const char *token_provider,
                              const char *account)
{
  g_autoptr(BkTokenStore) tokens = bk_token_store_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  BkOAuthTokens *found;

  bk_token_store_lookup_async (tokens, token_provider, account, NULL, got_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  found = bk_token_store_lookup_finish (tokens, result, &error);
  g_assert_null (found);
  g_assert_error (error, BK_TOKEN_STORE_ERROR, BK_TOKEN_STORE_ERROR_NOT_FOUND);
}

static gboolean
window_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

GtkWidget *
bk_gui_test_open_window_on_tab (const char        *page,
                                const char        *panel_id,
                                BkGuiTestBrowser  *browser,
                                BkStore          **out_store)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = bk_store_get_default_path ();
  GtkWidget *window;
  GtkWidget *panel;
  GtkWidget *stack;

  *out_store = bk_store_open (path, &error);
  g_assert_no_error (error);
  bk_gui_test_seed_monday_rules (*out_store);

  window = GTK_WIDGET (bk_window_new (NULL, *out_store));
  panel = bk_gui_test_get_by_id (window, panel_id, BK_TYPE_CALENDAR_PANEL);
  bk_gui_test_browser_init (browser, panel);
  bk_calendar_panel_set_open_uri_func (BK_CALENDAR_PANEL (panel), bk_gui_test_browser_open_uri, browser);
  gtk_window_present (GTK_WINDOW (window));
  bk_gui_test_wait_until (window_mapped, window, "the window to be mapped");

  stack = bk_gui_test_get_by_id (window, "view_stack", ADW_TYPE_VIEW_STACK);
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (stack), page);
  bk_gui_test_flush_main_loop ();
  return window;
}

void
bk_gui_test_close_window (GtkWidget        *window,
                          BkGuiTestBrowser *browser)
{
  gtk_window_destroy (GTK_WINDOW (window));
  bk_gui_test_flush_main_loop ();
  bk_gui_test_browser_clear (browser);
}
