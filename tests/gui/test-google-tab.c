/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-google-tab"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>
#include <string.h>

#include "bk-calendar-panel.h"
#include "bk-sandbox-google.h"
#include "bk-token-store.h"
#include "bk-window.h"
#include "bookable-core.h"
#include "gui-test-util.h"

/* The Google Calendar tab in a real window on Xvfb, against the sandbox
 * Google service on loopback (in process) and a real keyring
 * (tests/run-with-keyring): connect from the tab (a test "browser" follows
 * the sign-in redirect), see the account and the calendars with their
 * colours, tick the calendar with a busy hour and see the Schedule lose it
 * and say why, disconnect back to the manual hours; a grant revoked at
 * Google shows on Refresh as the reconnect bar; with Google out of reach
 * the Schedule keeps the cached busy times and says so. Widgets are found by their
 * template ids and driven as a user would. */

#define EMAIL  "expert@sandbox.test"
#define FAMILY "family0sandbox@group.calendar.google.com"
#define PRIMARY_COLOR "#9fc6e7"
#define FAMILY_COLOR  "#16a765"

typedef struct
{
  BkSandboxGoogle  *sandbox;
  BkStore          *store;
  GtkWidget        *window;
  GtkWidget        *panel;
  BkGuiTestBrowser  browser;
  char             *monday_heading;   /* the Schedule's heading of that Monday */
} Fixture;

/* --- set-up -------------------------------------------------------------- */

/* The primary calendar (empty) and Family, busy 10:00–11:00 next Monday. */
static void
seed_sandbox (Fixture *f)
{
  g_autoptr(GDateTime) monday = bk_gui_test_get_next_monday (&f->monday_heading);
  g_autoptr(GDateTime) start = g_date_time_add_hours (monday, 10);
  g_autoptr(GDateTime) end = g_date_time_add_hours (monday, 11);
  g_autofree char *start_text = g_date_time_format_iso8601 (start);
  g_autofree char *end_text = g_date_time_format_iso8601 (end);
  g_autofree char *data = NULL;
  g_autoptr(GError) error = NULL;

  data = g_strdup_printf (
    "{ \"users\": [ { \"email\": \"" EMAIL "\", \"name\": \"Erika Expert\", \"timeZone\": \"UTC\","
    "  \"calendars\": ["
    "  { \"primary\": true, \"backgroundColor\": \"" PRIMARY_COLOR "\", \"events\": [] },"
    "  { \"id\": \"" FAMILY "\", \"summary\": \"Family\", \"backgroundColor\": \"" FAMILY_COLOR "\","
    "    \"accessRole\": \"owner\", \"events\": ["
    "    { \"id\": \"event1000f\", \"summary\": \"School play\","
    "      \"start\": { \"dateTime\": \"%s\" }, \"end\": { \"dateTime\": \"%s\" } } ] } ] } ] }",
    start_text, end_text);
  bk_sandbox_google_load_data (f->sandbox, data, &error);
  g_assert_no_error (error);
}

static void
point_settings_at_sandbox (Fixture *f)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *api = bk_sandbox_google_dup_api_url (f->sandbox);
  g_autofree char *auth = g_strconcat (bk_sandbox_google_get_url (f->sandbox), "/o/oauth2/v2/auth", NULL);
  g_autofree char *token = g_strconcat (bk_sandbox_google_get_url (f->sandbox), "/token", NULL);

  g_settings_set_string (settings, "google-auth-url", auth);
  g_settings_set_string (settings, "google-token-url", token);
  g_settings_set_string (settings, "google-api-url", api);
  g_settings_set_string (settings, "google-client-id", BK_SANDBOX_GOOGLE_CLIENT_ID);
  g_settings_set_string (settings, "google-client-secret", BK_SANDBOX_GOOGLE_CLIENT_SECRET);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->sandbox = bk_sandbox_google_new ();
  g_assert_true (bk_sandbox_google_start (f->sandbox, NULL, 0, &error));
  g_assert_no_error (error);
  seed_sandbox (f);
  point_settings_at_sandbox (f);

  f->window = bk_gui_test_open_window_on_tab ("google", "google_panel", &f->browser, &f->store);
  f->panel = f->browser.panel;
  g_assert_cmpstr (bk_calendar_panel_get_provider (BK_CALENDAR_PANEL (f->panel)), ==, BK_PROVIDER_GOOGLE);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  bk_gui_test_close_window (f->window, &f->browser);
  g_clear_object (&f->store);
  bk_sandbox_google_stop (f->sandbox);
  g_clear_object (&f->sandbox);
  g_clear_pointer (&f->monday_heading, g_free);
}

/* --- helpers ------------------------------------------------------------- */

static void
sandbox_control (Fixture    *f,
                 const char *path)
{
  g_autofree char *answer = NULL;
  guint status = 0;

  answer = bk_sandbox_google_control (f->sandbox, "POST", path, "{}", &status);
  g_assert_cmpuint (status / 100, ==, 2);
}

static gboolean
widget_allocated (gpointer data)
{
  return gtk_widget_get_width (data) > 0 && gtk_widget_get_height (data) > 0;
}

/* The colour at the middle of the swatch of calendar row @name, as drawn. */
static void
get_swatch_color (Fixture    *f,
                  const char *name,
                  GdkRGBA    *out_rgba)
{
  g_autoptr(GPtrArray) swatches = g_ptr_array_new ();
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GtkWidget *swatch;
  cairo_surface_t *surface;
  cairo_t *cr;
  const guint8 *pixel;
  int width, height;

  bk_gui_test_collect_by_type (GTK_WIDGET (bk_gui_test_find_calendar_row (f->panel, name)),
                               GTK_TYPE_DRAWING_AREA, swatches);
  g_assert_cmpuint (swatches->len, ==, 1);
  swatch = g_ptr_array_index (swatches, 0);
  /* new rows get their size on the next frame */
  bk_gui_test_wait_until (widget_allocated, swatch, "the swatch to be laid out");
  width = gtk_widget_get_width (swatch);
  height = gtk_widget_get_height (swatch);

  paintable = gtk_widget_paintable_new (swatch);
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);
  gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  pixel = cairo_image_surface_get_data (surface) + (height / 2) * cairo_image_surface_get_stride (surface) +
          (width / 2) * 4;
  /* ARGB32 in native (little-endian) order: B, G, R, A; opaque here */
  g_assert_cmpuint (pixel [3], ==, 255);
  *out_rgba = (GdkRGBA) { pixel [2] / 255.f, pixel [1] / 255.f, pixel [0] / 255.f, 1.f };
  cairo_surface_destroy (surface);
}

static void
assert_swatch_color (Fixture    *f,
                     const char *name,
                     const char *expected)
{
  GdkRGBA drawn, wanted;

  g_assert_true (gdk_rgba_parse (&wanted, expected));
  get_swatch_color (f, name, &drawn);
  g_assert_cmpfloat_with_epsilon (drawn.red, wanted.red, 0.02);
  g_assert_cmpfloat_with_epsilon (drawn.green, wanted.green, 0.02);
  g_assert_cmpfloat_with_epsilon (drawn.blue, wanted.blue, 0.02);
}

/* --- tests --------------------------------------------------------------- */

/* Connect, see both calendars in their Google colours, tick Family and the
 * Schedule loses exactly its busy hour, explained by the calendar's name;
 * disconnect brings the manual hours back and removes the keyring entry. */
static void
test_tab_connect_select_disconnect (Fixture       *f,
                                    gconstpointer  data)
{
  GtkWidget *office365_panel = bk_gui_test_get_by_id (f->window, "office365_panel", BK_TYPE_CALENDAR_PANEL);
  GtkWidget *note = bk_gui_test_get_by_id (f->window, "report_note", GTK_TYPE_LABEL);
  AdwStatusPage *connect_page;
  g_autofree char *busy = NULL;

  /* the tab is Google's, not Office 365's */
  connect_page = ADW_STATUS_PAGE (bk_gui_test_get_by_id (f->panel, "connect_page", ADW_TYPE_STATUS_PAGE));
  g_assert_cmpstr (adw_status_page_get_title (connect_page), ==, "Connect Google Calendar");
  g_assert_nonnull (strstr (adw_status_page_get_description (connect_page), "Google"));
  g_assert_null (strstr (adw_status_page_get_description (connect_page), "Microsoft"));

  /* manual hours first: the whole Monday morning */
  bk_gui_test_wait_for_day (f->window, f->monday_heading, "09:00 09:30 10:00 10:30 11:00 11:30",
                            "the manual slots");

  bk_gui_test_connect_from_tab (&f->browser, "connect_button", EMAIL, "Family");
  g_assert_cmpuint (f->browser.pages_opened, ==, 1);
  g_assert_cmpint (bk_store_get_active_source (f->store, NULL), ==, BK_SOURCE_GOOGLE_CALENDAR);
  /* Office 365 stays as it was */
  g_assert_cmpstr (bk_gui_test_panel_page (office365_panel), ==, "disconnected");

  /* both calendars, drawn in the colours Google gave them */
  g_assert_nonnull (bk_gui_test_find_calendar_row (f->panel, EMAIL));
  assert_swatch_color (f, EMAIL, PRIMARY_COLOR);
  assert_swatch_color (f, "Family", FAMILY_COLOR);
  g_assert_false (gtk_check_button_get_active (bk_gui_test_get_calendar_check (f->panel, "Family")));

  /* the primary calendar is empty: the Monday is still whole, read from Google */
  bk_gui_test_wait_for_day (f->window, f->monday_heading, "09:00 09:30 10:00 10:30 11:00 11:30",
                            "the slots after connecting");

  gtk_check_button_set_active (bk_gui_test_get_calendar_check (f->panel, "Family"), TRUE);
  bk_gui_test_flush_main_loop ();
  bk_gui_test_wait_for_day (f->window, f->monday_heading, "09:00 09:30 11:00 11:30",
                            "the Family busy hour to leave the Schedule");

  busy = bk_gui_test_dup_day_explanations (f->window, f->monday_heading, "why-busy");
  g_assert_nonnull (strstr (busy, "10:00–11:00"));
  g_assert_nonnull (strstr (busy, "“Family”"));
  g_assert_true (gtk_widget_get_visible (note));
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (note)), "Busy times from Google Calendar, read at"));

  /* disconnect, confirmed: back to the manual hours */
  bk_gui_test_click (bk_gui_test_get_by_id (f->panel, "disconnect_button", GTK_TYPE_BUTTON));
  bk_gui_test_wait_until (bk_gui_test_message_dialog_shown, NULL, "the disconnect confirmation");
  g_assert_cmpstr (adw_message_dialog_get_heading (bk_gui_test_find_message_dialog ()), ==,
                   "Disconnect Google Calendar?");
  adw_message_dialog_response (bk_gui_test_find_message_dialog (), "disconnect");
  bk_gui_test_wait_until (bk_gui_test_tab_disconnected, f->panel, "the tab to show Connect again");
  bk_gui_test_wait_for_day (f->window, f->monday_heading, "09:00 09:30 10:00 10:30 11:00 11:30",
                            "the manual slots to return");
  g_assert_cmpint (bk_store_get_active_source (f->store, NULL), ==, BK_SOURCE_MANUAL);
  g_assert_false (gtk_widget_get_visible (note));
  bk_gui_test_assert_no_tokens ("google", EMAIL);
}

/* A grant revoked at Google shows on Refresh as the reconnect bar, with
 * Reconnect; Reconnect signs in again and the bar goes. */
static void
test_tab_reconnect (Fixture       *f,
                    gconstpointer  data)
{
  GtkLabel *label = GTK_LABEL (bk_gui_test_get_by_id (f->panel, "reconnect_label", GTK_TYPE_LABEL));

  bk_gui_test_connect_from_tab (&f->browser, "connect_button", EMAIL, "Family");
  g_assert_false (bk_gui_test_reconnect_bar_shown (f->panel));

  sandbox_control (f, "/_sandbox/revoke");
  sandbox_control (f, "/_sandbox/expire-access-tokens");
  bk_gui_test_click (bk_gui_test_get_by_id (f->panel, "refresh_button", GTK_TYPE_BUTTON));
  bk_gui_test_wait_until (bk_gui_test_reconnect_bar_shown, f->panel, "the reconnect bar");
  g_assert_true (gtk_widget_is_visible (bk_gui_test_get_by_id (f->panel, "reconnect_button", GTK_TYPE_BUTTON)));
  g_assert_cmpstr (gtk_label_get_label (label), !=, "");
  g_assert_null (strstr (gtk_label_get_label (label), "Microsoft"));

  bk_gui_test_connect_from_tab (&f->browser, "reconnect_button", EMAIL, "Family");
  g_assert_cmpuint (f->browser.pages_opened, ==, 2);
  bk_gui_test_wait_until (bk_gui_test_reconnect_bar_hidden, f->panel, "the reconnect bar to go");
}

/* With Google out of reach, Refresh keeps the Family hour blocked from the
 * cache, and the Schedule says so, naming Google Calendar; no reconnect bar,
 * as nothing was revoked. */
static void
test_tab_offline (Fixture       *f,
                  gconstpointer  data)
{
  GtkLabel *note = GTK_LABEL (bk_gui_test_get_by_id (f->window, "report_note", GTK_TYPE_LABEL));
  g_autofree char *cached = NULL;

  bk_gui_test_connect_from_tab (&f->browser, "connect_button", EMAIL, "Family");
  gtk_check_button_set_active (bk_gui_test_get_calendar_check (f->panel, "Family"), TRUE);
  bk_gui_test_wait_for_day (f->window, f->monday_heading, "09:00 09:30 11:00 11:30",
                            "the Family busy hour to leave the Schedule");
  g_assert_false (bk_gui_test_note_says_cache (f->window));

  bk_sandbox_google_stop (f->sandbox);
  bk_gui_test_click (bk_gui_test_get_by_id (f->panel, "refresh_button", GTK_TYPE_BUTTON));
  bk_gui_test_wait_until (bk_gui_test_note_says_cache, f->window, "the Schedule to say it shows the cache");
  g_assert_true (g_str_has_prefix (gtk_label_get_label (note), "Google Calendar could not be reached"));
  cached = bk_gui_test_dup_day_slots (f->window, f->monday_heading);
  g_assert_cmpstr (cached, ==, "09:00 09:30 11:00 11:30");
  g_assert_false (bk_gui_test_reconnect_bar_shown (f->panel));
}

int
main (int   argc,
      char *argv[])
{
  bk_gui_test_init (&argc, &argv);

  g_test_add ("/gui/google/connect-select-disconnect", Fixture, NULL,
              fixture_set_up, test_tab_connect_select_disconnect, fixture_tear_down);
  g_test_add ("/gui/google/reconnect", Fixture, NULL,
              fixture_set_up, test_tab_reconnect, fixture_tear_down);
  g_test_add ("/gui/google/offline", Fixture, NULL,
              fixture_set_up, test_tab_offline, fixture_tear_down);

  return g_test_run ();
}
