/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <libsoup/soup.h>

#include "bookable-core.h"

G_BEGIN_DECLS

/* What the calendar tab tests (Google, Office 365) share: waiting on the
 * main loop, finding widgets by template id as a person finds them on
 * screen, and reading the Schedule's slots and explanations back from the
 * real widgets. */

#define BK_GUI_TEST_WAIT_SECONDS 60   /* generous: ASan and a busy 2-core machine */

typedef gboolean (*BkGuiTestCondition) (gpointer data);

/* g_test_init() with throwaway XDG dirs, then GTK and libadwaita on the
 * display Xvfb gives (no display fails the test: it never skips). */
void              bk_gui_test_init                  (int                *argc,
                                                     char             ***argv);
void              bk_gui_test_wait_until            (BkGuiTestCondition  condition,
                                                     gpointer            data,
                                                     const char         *what);
void              bk_gui_test_flush_main_loop       (void);
/* The widget of @type with template id @id below @root; aborts the test
 * when there is none. */
GtkWidget        *bk_gui_test_get_by_id             (GtkWidget          *root,
                                                     const char         *id,
                                                     GType               type);
void              bk_gui_test_collect_by_type       (GtkWidget          *root,
                                                     GType               type,
                                                     GPtrArray          *out);
/* Clicks @button, which must be visible and sensitive. */
void              bk_gui_test_click                 (GtkWidget          *button);
/* The shown AdwMessageDialog, or NULL. */
AdwMessageDialog *bk_gui_test_find_message_dialog   (void);
/* A calendar tab's row titled @name (NULL if none), and its check box. */
AdwActionRow     *bk_gui_test_find_calendar_row     (GtkWidget          *panel,
                                                     const char         *name);
GtkCheckButton   *bk_gui_test_get_calendar_check    (GtkWidget          *panel,
                                                     const char         *name);
/* The free slot times the Schedule of @window shows for the local day
 * titled @heading, joined by spaces. */
char             *bk_gui_test_dup_day_slots         (GtkWidget          *window,
                                                     const char         *heading);
/* That day's "why are other times not offered" lines with @css_class (the
 * explanation is opened, as a person would, to read it). */
char             *bk_gui_test_dup_day_explanations  (GtkWidget          *window,
                                                     const char         *heading,
                                                     const char         *css_class);
/* Waits until that day shows exactly @expected. */
void              bk_gui_test_wait_for_day          (GtkWidget          *window,
                                                     const char         *heading,
                                                     const char         *expected,
                                                     const char         *what);
/* The next Monday after today (UTC) as the Schedule titles it, and that
 * Monday at 00:00 UTC. */
GDateTime        *bk_gui_test_get_next_monday       (char              **out_heading);
/* Rules in UTC, open only on Mondays 09:00–12:00, 30-minute slots, no
 * buffer, no notice. */
void              bk_gui_test_seed_monday_rules     (BkStore            *store);

/* The test's browser for a calendar tab's sign-in (the tab's open-URI
 * seam): GETs the authorize URL and follows the sandbox's redirect to the
 * app's loopback listener, like a person who signs in and consents;
 * asynchronous, as a real browser is to the app. Notes what the tab showed
 * when it opened. */
typedef struct
{
  SoupSession *session;
  GtkWidget   *panel;
  gboolean     follows;              /* FALSE: the person never signs in */
  guint        pages_opened;
  guint        last_status;          /* of the redirect to the app */
  char        *page_when_opened;     /* the tab's stack page then */
  gboolean     spinning_when_opened;
} BkGuiTestBrowser;

void              bk_gui_test_browser_init          (BkGuiTestBrowser   *browser,
                                                     GtkWidget          *panel);
void              bk_gui_test_browser_clear         (BkGuiTestBrowser   *browser);
/* A BkOpenUriFunc; @user_data is the BkGuiTestBrowser. */
void              bk_gui_test_browser_open_uri      (const char         *uri,
                                                     gpointer            user_data);
/* Opens the default store with bk_gui_test_seed_monday_rules(), and a
 * window on it, mapped, showing its view stack page @page, whose calendar
 * tab @panel_id gets @browser (set up here) as its browser. The store goes
 * to @out_store; close with bk_gui_test_close_window(). */
GtkWidget        *bk_gui_test_open_window_on_tab    (const char         *page,
                                                     const char         *panel_id,
                                                     BkGuiTestBrowser   *browser,
                                                     BkStore           **out_store);
void              bk_gui_test_close_window          (GtkWidget          *window,
                                                     BkGuiTestBrowser   *browser);
/* Clicks @button_id (Connect or Reconnect) on the tab @browser plays the
 * browser for, waits until the tab shows @account signed in with a
 * calendar row titled @calendar, and checks that the tab showed progress
 * while the browser was open and that the browser got the "you can close
 * this tab" page. */
void              bk_gui_test_connect_from_tab      (BkGuiTestBrowser   *browser,
                                                     const char         *button_id,
                                                     const char         *account,
                                                     const char         *calendar);
/* Conditions for bk_gui_test_wait_until(): @panel is a calendar tab. */
gboolean          bk_gui_test_tab_disconnected      (gpointer            panel);
gboolean          bk_gui_test_reconnect_bar_shown   (gpointer            panel);
gboolean          bk_gui_test_reconnect_bar_hidden  (gpointer            panel);
/* A condition: the Schedule of @window says its busy times come from the
 * cache (the calendars could not be read). */
gboolean          bk_gui_test_note_says_cache       (gpointer            window);
/* A condition: a message dialog is shown (@data unused). */
gboolean          bk_gui_test_message_dialog_shown  (gpointer            data);
/* Asserts that the keyring holds no tokens of @token_provider's @account. */
void              bk_gui_test_assert_no_tokens      (const char         *token_provider,
                                                     const char         *account);
/* A calendar tab's visible stack page: "disconnected", "connecting",
 * "connected". */
const char       *bk_gui_test_panel_page            (GtkWidget          *panel);

G_END_DECLS
