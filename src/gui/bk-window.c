/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-window"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-appointment.h"
#include "bk-availability-rules.h"
#include "bk-calendar-panel.h"
#include "bk-google-calendar-strategy.h"
#include "bk-manual-panel.h"
#include "bk-office365-calendar-strategy.h"
#include "bk-reschedule-dialog.h"
#include "bk-schedule-page.h"
#include "bk-store.h"
#include "bk-sync-bar.h"
#include "bk-sync-changes.h"
#include "bk-sync-controller.h"
#include "bk-time.h"
#include "bk-window.h"
#include "bookable-resources.h"

struct _BkWindow
{
  AdwApplicationWindow  parent_instance;

  BkStore              *store;
  GSettings            *settings;
  char                 *recovery_message;
  /* one HTTP session, keyring and strategy per calendar source for its tab
   * and the Schedule, so both see the same account and token refreshes */
  BkHttp               *http;
  BkTokenStore         *token_store;
  BkOffice365CalendarStrategy *office365;
  BkGoogleCalendarStrategy *google;
  BkSyncController     *sync;

  /* template children */
  BkManualPanel        *manual_panel;
  BkCalendarPanel      *office365_panel;
  BkCalendarPanel      *google_panel;
  BkSchedulePage       *schedule_page;
  BkSyncBar            *sync_bar;
  GtkButton            *sync_button;
  GtkSpinner           *sync_spinner;
  GtkStack             *sync_stack;
  AdwViewStack         *view_stack;
  AdwViewSwitcherTitle *switcher_title;
  AdwToastOverlay      *toast_overlay;
};

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (BkWindow, bk_window, ADW_TYPE_APPLICATION_WINDOW)

static GParamSpec *properties [N_PROPS];

static void
restore_window_size (BkWindow *self)
{
  int width = g_settings_get_int (self->settings, "window-width");
  int height = g_settings_get_int (self->settings, "window-height");

  gtk_window_set_default_size (GTK_WINDOW (self), width, height);
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
save_window_size (BkWindow *self)
{
  int width = 0;
  int height = 0;

  /* the default size is the unmaximized size, which is what should come back */
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
}

static gboolean
bk_window_close_request (GtkWindow *window)
{
  save_window_size (BK_WINDOW (window));

  return GTK_WINDOW_CLASS (bk_window_parent_class)->close_request (window);
}

static void
toast_action_cb (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  bk_window_add_toast (BK_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
show_page_action_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  BkWindow *self = BK_WINDOW (widget);
  const char *name = g_variant_get_string (parameter, NULL);

  if (adw_view_stack_get_child_by_name (self->view_stack, name) != NULL)
    adw_view_stack_set_visible_child_name (self->view_stack, name);
}

static void
recovery_details_action_cb (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  BkWindow *self = BK_WINDOW (widget);
  GtkWidget *dialog;

  if (self->recovery_message == NULL)
    return;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Local Data Was Set Aside"),
                                   self->recovery_message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* --- sync ----------------------------------------------------------------- */

static void
sync_action_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  BkWindow *self = BK_WINDOW (widget);

  if (self->sync != NULL)
    bk_sync_controller_sync (self->sync);
}

static void
syncing_changed_cb (BkWindow *self)
{
  gboolean syncing = bk_sync_bar_get_syncing (self->sync_bar);

  gtk_stack_set_visible_child_name (self->sync_stack, syncing ? "syncing" : "idle");
  gtk_spinner_set_spinning (self->sync_spinner, syncing);
}

static void
update_sync_action (BkWindow *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sync",
                                 self->sync != NULL &&
                                 bk_sync_controller_get_account (self->sync) != NULL);
}

static void
cancel_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    BkWindow         *self)
{
  const char *id = g_object_get_data (G_OBJECT (dialog), "appointment-id");
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "cancel-appointment") != 0 || self->store == NULL)
    return;
  /* the store's at once (cancelled, pending) and the outbox's in the same
   * transaction, as `bookablectl appointments cancel` does; a pass sends it
   * now, or when the server can be reached */
  if (!bk_sync_queue_cancel (self->store, id, NULL, &error))
    {
      bk_window_add_toast (self, error->message);
      return;
    }
  bk_window_add_toast (self, _("Appointment cancelled; the client is told on the next sync"));
  if (self->sync != NULL)
    bk_sync_controller_sync (self->sync);
}

/* Asks first: the client is told and the slot reopens, which cannot be
 * undone from here. */
static void
cancel_appointment_action_cb (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  BkWindow *self = BK_WINDOW (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  g_autoptr(BkAppointment) appointment = NULL;
  AdwMessageDialog *dialog;

  if (self->store == NULL ||
      (appointment = bk_store_get_appointment (self->store, id, NULL)) == NULL)
    return;
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                       _("Cancel Appointment?"), NULL));
  adw_message_dialog_format_body (dialog,
                                  _("%s will be told that the appointment is cancelled, and the time becomes free again."),
                                  bk_appointment_get_client_name (appointment));
  adw_message_dialog_add_responses (dialog,
                                    "keep", _("_Keep"),
                                    "cancel-appointment", _("_Cancel Appointment"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "cancel-appointment",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "keep");
  adw_message_dialog_set_close_response (dialog, "keep");
  g_object_set_data_full (G_OBJECT (dialog), "appointment-id", g_strdup (id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (cancel_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
reschedule_response_cb (BkRescheduleDialog *dialog,
                        const char         *response,
                        BkWindow           *self)
{
  g_autoptr(GError) error = NULL;
  gint64 start, end;

  if (g_strcmp0 (response, "reschedule") != 0 || self->store == NULL ||
      !bk_reschedule_dialog_get_times (dialog, &start, &end))
    return;
  /* the store keeps the old times (shown as pending, with where it moves)
   * until the server confirms; it may refuse when the time is taken */
  if (!bk_sync_queue_reschedule (self->store, bk_reschedule_dialog_get_appointment_id (dialog),
                                 start, end, &error))
    {
      bk_window_add_toast (self, error->message);
      return;
    }
  bk_window_add_toast (self, _("Appointment moves once the server confirms it"));
  if (self->sync != NULL)
    bk_sync_controller_sync (self->sync);
}

/* The dialog works in the expert's zone, as the Schedule shows times. */
static void
reschedule_appointment_action_cb (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  BkWindow *self = BK_WINDOW (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  g_autoptr(BkAppointment) appointment = NULL;
  g_autoptr(BkAvailabilityRules) rules = NULL;
  g_autoptr(GTimeZone) tz = NULL;
  g_autoptr(GError) error = NULL;
  BkRescheduleDialog *dialog;

  if (self->store == NULL)
    return;
  if ((appointment = bk_store_get_appointment (self->store, id, &error)) == NULL ||
      (rules = bk_store_load_rules (self->store, &error)) == NULL ||
      (tz = bk_time_zone_new (rules->time_zone, &error)) == NULL)
    {
      bk_window_add_toast (self, error->message);
      return;
    }
  dialog = bk_reschedule_dialog_new (GTK_WINDOW (self), appointment, tz);
  g_signal_connect_object (dialog, "response", G_CALLBACK (reschedule_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
bk_window_dispose (GObject *object)
{
  BkWindow *self = BK_WINDOW (object);

  if (self->sync != NULL)
    g_signal_handlers_disconnect_by_data (self->sync, self);
  g_clear_object (&self->sync);
  gtk_widget_dispose_template (GTK_WIDGET (self), BK_TYPE_WINDOW);
  g_clear_object (&self->store);
  g_clear_object (&self->office365);
  g_clear_object (&self->google);
  g_clear_object (&self->token_store);
  g_clear_object (&self->http);

  G_OBJECT_CLASS (bk_window_parent_class)->dispose (object);
}

static void
bk_window_finalize (GObject *object)
{
  BkWindow *self = BK_WINDOW (object);

  g_clear_object (&self->settings);
  g_clear_pointer (&self->recovery_message, g_free);

  G_OBJECT_CLASS (bk_window_parent_class)->finalize (object);
}

static void
bk_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  BkWindow *self = BK_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bk_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  BkWindow *self = BK_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      bk_window_set_store (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bk_window_class_init (BkWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = bk_window_dispose;
  object_class->finalize = bk_window_finalize;
  object_class->get_property = bk_window_get_property;
  object_class->set_property = bk_window_set_property;
  window_class->close_request = bk_window_close_request;

  properties [PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         BK_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Referencing the resource keeps its object file (and so its
   * constructor, which registers it) in every link of the static library. */
  g_assert (bookable_get_resource () != NULL);

  g_type_ensure (BK_TYPE_CALENDAR_PANEL);
  g_type_ensure (BK_TYPE_MANUAL_PANEL);
  g_type_ensure (BK_TYPE_SCHEDULE_PAGE);
  g_type_ensure (BK_TYPE_SYNC_BAR);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/bk-window.ui");
  gtk_widget_class_bind_template_child (widget_class, BkWindow, manual_panel);
  gtk_widget_class_bind_template_child (widget_class, BkWindow, office365_panel);
  gtk_widget_class_bind_template_child (widget_class, BkWindow, google_panel);
  gtk_widget_class_bind_template_child (widget_class, BkWindow, schedule_page);
  gtk_widget_class_bind_template_child (widget_class, BkWindow, sync_bar);
  gtk_widget_class_bind_template_child (widget_class, BkWindow, sync_button);
  gtk_widget_class_bind_template_child (widget_class, BkWindow, sync_spinner);
  gtk_widget_class_bind_template_child (widget_class, BkWindow, sync_stack);
  gtk_widget_class_bind_template_child (widget_class, BkWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, BkWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, BkWindow, view_stack);

  /* Pages report outcomes with "win.toast" instead of holding a pointer to
   * the window. */
  gtk_widget_class_install_action (widget_class, "win.toast", "s", toast_action_cb);
  gtk_widget_class_install_action (widget_class, "win.show-page", "s", show_page_action_cb);
  gtk_widget_class_install_action (widget_class, "win.show-recovery-details", NULL,
                                   recovery_details_action_cb);
  gtk_widget_class_install_action (widget_class, "win.sync", NULL, sync_action_cb);
  gtk_widget_class_install_action (widget_class, "win.cancel-appointment", "s",
                                   cancel_appointment_action_cb);
  gtk_widget_class_install_action (widget_class, "win.reschedule-appointment", "s",
                                   reschedule_appointment_action_cb);
}

static void
bk_window_init (BkWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  restore_window_size (self);

  self->http = bk_http_new ();
  self->token_store = bk_token_store_new ();
  g_signal_connect_object (self->sync_bar, "notify::syncing",
                           G_CALLBACK (syncing_changed_cb), self, G_CONNECT_SWAPPED);
  update_sync_action (self);
  g_signal_connect_object (self->office365_panel, "refreshed",
                           G_CALLBACK (bk_schedule_page_refresh_calendars),
                           self->schedule_page, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->google_panel, "refreshed",
                           G_CALLBACK (bk_schedule_page_refresh_calendars),
                           self->schedule_page, G_CONNECT_SWAPPED);
}

BkWindow *
bk_window_new (GtkApplication *application,
               BkStore        *store)
{
  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (store == NULL || BK_IS_STORE (store), NULL);

  return g_object_new (BK_TYPE_WINDOW,
                       "application", application,
                       "store", store,
                       NULL);
}

BkStore *
bk_window_get_store (BkWindow *self)
{
  g_return_val_if_fail (BK_IS_WINDOW (self), NULL);

  return self->store;
}

void
bk_window_set_store (BkWindow *self,
                     BkStore  *store)
{
  g_return_if_fail (BK_IS_WINDOW (self));
  g_return_if_fail (store == NULL || BK_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;

  g_clear_object (&self->office365);
  g_clear_object (&self->google);
  if (store != NULL)
    {
      self->office365 = bk_office365_calendar_strategy_new (store, self->http, self->token_store, NULL);
      self->google = bk_google_calendar_strategy_new (store, self->http, self->token_store, NULL);
    }
  bk_schedule_page_set_calendar_strategy (self->schedule_page, BK_SOURCE_OFFICE365_CALENDAR,
                                          BK_AVAILABILITY_STRATEGY (self->office365));
  bk_schedule_page_set_calendar_strategy (self->schedule_page, BK_SOURCE_GOOGLE_CALENDAR,
                                          BK_AVAILABILITY_STRATEGY (self->google));
  bk_calendar_panel_set_strategy (self->office365_panel, BK_AVAILABILITY_STRATEGY (self->office365));
  bk_calendar_panel_set_strategy (self->google_panel, BK_AVAILABILITY_STRATEGY (self->google));
  bk_schedule_page_set_store (self->schedule_page, store);
  bk_manual_panel_set_store (self->manual_panel, store);
  bk_calendar_panel_set_store (self->office365_panel, store);
  bk_calendar_panel_set_store (self->google_panel, store);

  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_STORE]);
}

void
bk_window_add_toast (BkWindow   *self,
                     const char *message)
{
  g_return_if_fail (BK_IS_WINDOW (self));
  g_return_if_fail (message != NULL);

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

/* The store's recovery sentence is too long for a toast: the toast says what
 * happened and stays until dismissed; its button shows the whole message. */
void
bk_window_show_recovery (BkWindow   *self,
                         const char *message)
{
  AdwToast *toast;

  g_return_if_fail (BK_IS_WINDOW (self));
  g_return_if_fail (message != NULL);

  g_free (self->recovery_message);
  self->recovery_message = g_strdup (message);

  toast = adw_toast_new (_("Unreadable local data was set aside"));
  adw_toast_set_timeout (toast, 0);
  adw_toast_set_button_label (toast, _("_Details"));
  adw_toast_set_action_name (toast, "win.show-recovery-details");
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* The app's sync: the Sync button, the bar, cancelling and rescheduling
 * from a row. */
void
bk_window_set_sync_controller (BkWindow         *self,
                               BkSyncController *controller)
{
  g_return_if_fail (BK_IS_WINDOW (self));
  g_return_if_fail (controller == NULL || BK_IS_SYNC_CONTROLLER (controller));

  if (self->sync != NULL)
    g_signal_handlers_disconnect_by_data (self->sync, self);
  if (!g_set_object (&self->sync, controller))
    return;
  if (controller != NULL)
    g_signal_connect_object (controller, "notify::account",
                             G_CALLBACK (update_sync_action), self, G_CONNECT_SWAPPED);
  bk_sync_bar_set_controller (self->sync_bar, controller);
  update_sync_action (self);
}

void
bk_window_show_appointment (BkWindow   *self,
                            const char *id)
{
  g_return_if_fail (BK_IS_WINDOW (self));
  g_return_if_fail (id != NULL);

  adw_view_stack_set_visible_child_name (self->view_stack, "schedule");
  bk_schedule_page_show_appointment (self->schedule_page, id);
}
