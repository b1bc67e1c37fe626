/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-window"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-google-calendar-panel.h"
#include "bk-manual-panel.h"
#include "bk-office365-calendar-panel.h"
#include "bk-schedule-page.h"
#include "bk-store.h"
#include "bk-window.h"
#include "bookable-resources.h"

struct _BkWindow
{
  AdwApplicationWindow  parent_instance;

  BkStore              *store;
  GSettings            *settings;
  char                 *recovery_message;

  /* template children */
  BkManualPanel        *manual_panel;
  BkSchedulePage       *schedule_page;
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

static void
bk_window_dispose (GObject *object)
{
  BkWindow *self = BK_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), BK_TYPE_WINDOW);
  g_clear_object (&self->store);

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

  g_type_ensure (BK_TYPE_GOOGLE_CALENDAR_PANEL);
  g_type_ensure (BK_TYPE_MANUAL_PANEL);
  g_type_ensure (BK_TYPE_OFFICE365_CALENDAR_PANEL);
  g_type_ensure (BK_TYPE_SCHEDULE_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/bk-window.ui");
  gtk_widget_class_bind_template_child (widget_class, BkWindow, manual_panel);
  gtk_widget_class_bind_template_child (widget_class, BkWindow, schedule_page);
  gtk_widget_class_bind_template_child (widget_class, BkWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, BkWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, BkWindow, view_stack);

  /* Pages report outcomes with "win.toast" instead of holding a pointer to
   * the window. */
  gtk_widget_class_install_action (widget_class, "win.toast", "s", toast_action_cb);
  gtk_widget_class_install_action (widget_class, "win.show-page", "s", show_page_action_cb);
  gtk_widget_class_install_action (widget_class, "win.show-recovery-details", NULL,
                                   recovery_details_action_cb);
}

static void
bk_window_init (BkWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  restore_window_size (self);
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

  bk_schedule_page_set_store (self->schedule_page, store);
  bk_manual_panel_set_store (self->manual_panel, store);

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
