/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-office365-tab"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>
#include <string.h>

#include "bk-calendar-panel.h"
#include "bk-sandbox-microsoft.h"
#include "bk-token-store.h"
#include "bk-window.h"
#include "bookable-core.h"
#include "gui-test-util.h"

/* The Office 365 Calendar tab in a real window on Xvfb, against the sandbox
 * Microsoft service on loopback and a real keyring (tests/run-with-keyring):
 * connect from the tab (a test "browser" follows the sign-in redirect),
 * choose calendars and see the Schedule change, explain a busy time,
 * reconnect after a revoked grant, disconnect back to manual hours. Widgets
 * are found by their template ids and driven as a user would. */

#define UPN "expert@sandbox.test"

typedef struct
{
  BkSandboxMicrosoft *sandbox;
  BkStore            *store;
  GtkWidget          *window;
  GtkWidget          *panel;
  BkGuiTestBrowser    browser;
  char               *monday_heading;    /* the Schedule's heading of that Monday */
} Fixture;

/* --- set-up -------------------------------------------------------------- */

/* The next Monday's 10:00–11:00, as Graph writes local times. */
static void
get_next_monday (Fixture  *f,
                 char    **out_start,
                 char    **out_end)
{
  g_autoptr(GDateTime) monday = bk_gui_test_get_next_monday (&f->monday_heading);
  g_autoptr(GDateTime) start = g_date_time_add_hours (monday, 10);

  *out_start = g_date_time_format (start, "%Y-%m-%dT%H:%M:%S");
  *out_end = g_date_time_format (start, "%Y-%m-%dT11:%M:%S");
}

/* Work (default, empty) and Family (busy 10:00–11:00 next Monday). */
static void
seed_sandbox (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *start = NULL;
  g_autofree char *end = NULL;
  g_autofree char *data = NULL;

  get_next_monday (f, &start, &end);
  data = g_strdup_printf (
    "{ \"users\": [ { \"userPrincipalName\": \"" UPN "\", \"displayName\": \"Erika Expert\","
    "  \"timeZone\": \"UTC\", \"calendars\": ["
    "  { \"name\": \"Work\", \"isDefault\": true, \"hexColor\": \"#3a87ad\", \"events\": [] },"
    "  { \"name\": \"Family\", \"color\": \"lightGreen\", \"canEdit\": true, \"events\": ["
    "    { \"subject\": \"School play\", \"showAs\": \"busy\","
    "      \"start\": { \"dateTime\": \"%s\", \"timeZone\": \"UTC\" },"
    "      \"end\": { \"dateTime\": \"%s\", \"timeZone\": \"UTC\" } } ] } ] } ] }",
    start, end);
  g_assert_true (bk_sandbox_microsoft_load_data (f->sandbox, data, &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *graph = NULL;

  f->sandbox = bk_sandbox_microsoft_new ();
  g_assert_true (bk_sandbox_microsoft_start (f->sandbox, NULL, 0, &error));
  g_assert_no_error (error);
  seed_sandbox (f);
  graph = bk_sandbox_microsoft_dup_graph_url (f->sandbox);
  g_settings_set_string (settings, "microsoft-authority-url", bk_sandbox_microsoft_get_url (f->sandbox));
  g_settings_set_string (settings, "microsoft-tenant", "common");
  g_settings_set_string (settings, "graph-url", graph);
  g_settings_set_string (settings, "microsoft-client-id", BK_SANDBOX_MICROSOFT_DEFAULT_CLIENT_ID);

  f->window = bk_gui_test_open_window_on_tab ("office365", "office365_panel", &f->browser, &f->store);
  f->panel = f->browser.panel;
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  bk_gui_test_close_window (f->window, &f->browser);
  g_clear_object (&f->store);
  bk_sandbox_microsoft_stop (f->sandbox);
  g_clear_object (&f->sandbox);
  g_clear_pointer (&f->monday_heading, g_free);
}

/* --- helpers ------------------------------------------------------------- */

static void
wait_for_monday (Fixture    *f,
                 const char *expected,
                 const char *what)
{
  bk_gui_test_wait_for_day (f->window, f->monday_heading, expected, what);
}

/* --- tests --------------------------------------------------------------- */

/* Connect, tick the calendar with the busy time, and the Schedule loses
 * exactly that hour; the day explains it by calendar; disconnect brings the
 * manual hours back and removes the keyring entry. */
static void
test_tab_connect_select_disconnect (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) calendars = NULL;
  g_autofree char *busy = NULL;
  g_autofree char *note = NULL;
  AdwComboRow *destination;
  GListModel *names;
  guint family = GTK_INVALID_LIST_POSITION;
  g_autoptr(GPtrArray) swatches = g_ptr_array_new ();

  /* manual hours first: the whole Monday morning */
  wait_for_monday (f, "09:00 09:30 10:00 10:30 11:00 11:30", "the manual slots");

  bk_gui_test_connect_from_tab (&f->browser, "connect_button", UPN, "Family");
  g_assert_cmpuint (f->browser.pages_opened, ==, 1);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (bk_gui_test_get_by_id (f->panel, "account_row",
                                                                                  ADW_TYPE_ACTION_ROW))),
                   ==, "Erika Expert");
  g_assert_cmpint (bk_store_get_active_source (f->store, NULL), ==, BK_SOURCE_OFFICE365_CALENDAR);

  /* both calendars, each with its colour; the default one ticked */
  g_assert_nonnull (bk_gui_test_find_calendar_row (f->panel, "Work"));
  bk_gui_test_collect_by_type (GTK_WIDGET (bk_gui_test_find_calendar_row (f->panel, "Family")), GTK_TYPE_DRAWING_AREA, swatches);
  g_assert_cmpuint (swatches->len, ==, 1);
  g_assert_true (gtk_check_button_get_active (bk_gui_test_get_calendar_check (f->panel, "Work")));
  g_assert_false (gtk_check_button_get_active (bk_gui_test_get_calendar_check (f->panel, "Family")));

  /* Work is empty: the Monday is still whole, now read from Office 365 */
  wait_for_monday (f, "09:00 09:30 10:00 10:30 11:00 11:30", "the slots after connecting");

  gtk_check_button_set_active (bk_gui_test_get_calendar_check (f->panel, "Family"), TRUE);
  bk_gui_test_flush_main_loop ();
  wait_for_monday (f, "09:00 09:30 11:00 11:30", "the Family busy hour to leave the Schedule");

  busy = bk_gui_test_dup_day_explanations (f->window, f->monday_heading, "why-busy");
  g_assert_nonnull (strstr (busy, "10:00–11:00"));
  g_assert_nonnull (strstr (busy, "“Family”"));
  note = g_strdup (gtk_label_get_label (GTK_LABEL (bk_gui_test_get_by_id (f->window, "report_note", GTK_TYPE_LABEL))));
  g_assert_nonnull (strstr (note, "read at"));

  /* the destination: only writable calendars, saved in the store */
  destination = ADW_COMBO_ROW (bk_gui_test_get_by_id (f->panel, "destination_row", ADW_TYPE_COMBO_ROW));
  names = adw_combo_row_get_model (destination);
  for (guint i = 0; i < g_list_model_get_n_items (names); i++)
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (names), i), "Family") == 0)
      family = i;
  g_assert_cmpuint (family, !=, GTK_INVALID_LIST_POSITION);
  adw_combo_row_set_selected (destination, family);
  bk_gui_test_flush_main_loop ();
  calendars = bk_store_list_calendars (f->store, BK_PROVIDER_OFFICE365, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < calendars->len; i++)
    {
      const BkCalendar *calendar = g_ptr_array_index (calendars, i);

      g_assert_cmpint (calendar->destination, ==, g_strcmp0 (calendar->name, "Family") == 0);
      g_assert_true (calendar->selected);
    }

  /* the policy and the buffer are the store's */
  gtk_switch_set_active (GTK_SWITCH (bk_gui_test_get_by_id (f->panel, "tentative_switch", GTK_TYPE_SWITCH)), FALSE);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (bk_gui_test_get_by_id (f->panel, "buffer_before_spin",
                                                         GTK_TYPE_SPIN_BUTTON)), 15);
  bk_gui_test_flush_main_loop ();
  {
    g_autoptr(BkIntegration) integration = bk_store_get_integration (f->store, BK_PROVIDER_OFFICE365, &error);
    g_autoptr(BkAvailabilityRules) rules = bk_store_load_rules (f->store, &error);

    g_assert_no_error (error);
    g_assert_false (integration->block_tentative);
    g_assert_true (integration->block_oof);
    g_assert_cmpuint (rules->buffer_before_minutes, ==, 15);
  }
  /* a slot now needs 15 free minutes before it: 11:00 follows the busy
   * hour directly, 11:30 does not */
  wait_for_monday (f, "09:00 09:30 11:30", "the buffer to take 11:00");
  g_free (busy);
  busy = bk_gui_test_dup_day_explanations (f->window, f->monday_heading, "why-buffer");
  g_assert_nonnull (strstr (busy, "15 min"));

  /* disconnect, confirmed: back to the manual hours */
  bk_gui_test_click (bk_gui_test_get_by_id (f->panel, "disconnect_button", GTK_TYPE_BUTTON));
  bk_gui_test_wait_until (bk_gui_test_message_dialog_shown, NULL, "the disconnect confirmation");
  adw_message_dialog_response (bk_gui_test_find_message_dialog (), "disconnect");
  bk_gui_test_wait_until (bk_gui_test_tab_disconnected, f->panel, "the tab to show Connect again");
  wait_for_monday (f, "09:00 09:30 10:00 10:30 11:00 11:30", "the manual slots to return");
  g_assert_cmpint (bk_store_get_active_source (f->store, NULL), ==, BK_SOURCE_MANUAL);
  g_assert_false (gtk_widget_get_visible (bk_gui_test_get_by_id (f->window, "report_note", GTK_TYPE_LABEL)));

  /* the keyring entry is gone */
  bk_gui_test_assert_no_tokens ("office365", UPN);

}

/* A revoked grant shows on Refresh as the reconnect bar; Reconnect signs in
 * again and the bar goes. */
static void
test_tab_reconnect (Fixture       *f,
                    gconstpointer  data)
{
  bk_gui_test_connect_from_tab (&f->browser, "connect_button", UPN, "Family");
  g_assert_false (bk_gui_test_reconnect_bar_shown (f->panel));

  bk_sandbox_microsoft_revoke (f->sandbox, NULL, 0);
  bk_sandbox_microsoft_expire_access_tokens (f->sandbox);
  bk_gui_test_click (bk_gui_test_get_by_id (f->panel, "refresh_button", GTK_TYPE_BUTTON));
  bk_gui_test_wait_until (bk_gui_test_reconnect_bar_shown, f->panel, "the reconnect bar");
  g_assert_true (gtk_widget_is_visible (bk_gui_test_get_by_id (f->panel, "reconnect_button", GTK_TYPE_BUTTON)));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (bk_gui_test_get_by_id (f->panel, "reconnect_label", GTK_TYPE_LABEL))),
                   !=, "");

  bk_gui_test_connect_from_tab (&f->browser, "reconnect_button", UPN, "Family");
  g_assert_cmpuint (f->browser.pages_opened, ==, 2);
  bk_gui_test_wait_until (bk_gui_test_reconnect_bar_hidden, f->panel, "the reconnect bar to go");
}

/* With Office 365 out of reach, Refresh keeps the slots the cache allows
 * and the Schedule says they come from the cache. */
static void
test_tab_offline (Fixture       *f,
                  gconstpointer  data)
{
  bk_gui_test_connect_from_tab (&f->browser, "connect_button", UPN, "Family");
  gtk_check_button_set_active (bk_gui_test_get_calendar_check (f->panel, "Family"), TRUE);
  bk_gui_test_flush_main_loop ();
  wait_for_monday (f, "09:00 09:30 11:00 11:30", "the Family busy hour to leave the Schedule");
  g_assert_false (bk_gui_test_note_says_cache (f->window));

  bk_sandbox_microsoft_stop (f->sandbox);
  bk_gui_test_click (bk_gui_test_get_by_id (f->panel, "refresh_button", GTK_TYPE_BUTTON));
  bk_gui_test_wait_until (bk_gui_test_note_says_cache, f->window, "the Schedule to say it shows the cache");
  wait_for_monday (f, "09:00 09:30 11:00 11:30", "the cached slots");
  g_assert_false (bk_gui_test_reconnect_bar_shown (f->panel));
}

/* Cancel while the browser is open ends the sign-in and keeps the expert on
 * manual scheduling. */
static void
test_tab_cancel (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(BkIntegration) integration = NULL;

  f->browser.follows = FALSE;
  bk_gui_test_click (bk_gui_test_get_by_id (f->panel, "connect_button", GTK_TYPE_BUTTON));
  g_assert_cmpstr (bk_gui_test_panel_page (f->panel), ==, "connecting");
  g_assert_cmpuint (f->browser.pages_opened, ==, 1);
  g_assert_true (gtk_spinner_get_spinning (GTK_SPINNER (bk_gui_test_get_by_id (f->panel, "connect_spinner",
                                                                   GTK_TYPE_SPINNER))));
  bk_gui_test_click (bk_gui_test_get_by_id (f->panel, "cancel_button", GTK_TYPE_BUTTON));
  bk_gui_test_wait_until (bk_gui_test_tab_disconnected, f->panel, "the tab to offer Connect again");

  integration = bk_store_get_integration (f->store, BK_PROVIDER_OFFICE365, NULL);
  g_assert_null (integration->account);
  g_assert_cmpint (bk_store_get_active_source (f->store, NULL), ==, BK_SOURCE_MANUAL);
}

int
main (int   argc,
      char *argv[])
{
  bk_gui_test_init (&argc, &argv);

  g_test_add ("/gui/office365/connect-select-disconnect", Fixture, NULL,
              fixture_set_up, test_tab_connect_select_disconnect, fixture_tear_down);
  g_test_add ("/gui/office365/reconnect", Fixture, NULL,
              fixture_set_up, test_tab_reconnect, fixture_tear_down);
  g_test_add ("/gui/office365/offline", Fixture, NULL,
              fixture_set_up, test_tab_offline, fixture_tear_down);
  g_test_add ("/gui/office365/cancel", Fixture, NULL,
              fixture_set_up, test_tab_cancel, fixture_tear_down);

  return g_test_run ();
}
