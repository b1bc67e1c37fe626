/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-application"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-application.h"
#include "bk-preferences-dialog.h"
#include "bk-store.h"
#include "bk-sync-controller.h"
#include "bk-window.h"

struct _BkApplication
{
  AdwApplication  parent_instance;

  BkStore        *store;
  GError         *open_error;   /* why the store could not be opened */
  /* the one sync engine and what triggers it (start, network, timer) */
  BkSyncController *sync;
};

G_DEFINE_FINAL_TYPE (BkApplication, bk_application, ADW_TYPE_APPLICATION)

static void
open_store (BkApplication *self)
{
  g_autofree char *path = bk_store_get_default_path ();

  g_clear_error (&self->open_error);
  self->store = bk_store_open (path, &self->open_error);
  if (self->store == NULL)
    g_warning ("Cannot open %s: %s", path, self->open_error->message);
}

static void
error_dialog_response_cb (AdwMessageDialog *dialog,
                          const char       *response,
                          BkApplication    *self)
{
  g_application_quit (G_APPLICATION (self));
}

/* Without a store there is nothing to show; say why instead of crashing. */
static void
show_open_error (BkApplication *self)
{
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (NULL, _("Cannot Open Your Data"), NULL));
  adw_message_dialog_format_body (dialog,
                                  _("Bookable could not open its local data file: %s"),
                                  self->open_error->message);
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_set_application (GTK_WINDOW (dialog), GTK_APPLICATION (self));
  g_signal_connect_object (dialog, "response",
                           G_CALLBACK (error_dialog_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
bk_application_activate (GApplication *app)
{
  BkApplication *self = BK_APPLICATION (app);
  GtkWindow *window;
  const char *recovery;

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window != NULL)
    {
      gtk_window_present (window);
      return;
    }

  if (self->store == NULL)
    {
      show_open_error (self);
      return;
    }

  window = GTK_WINDOW (bk_window_new (GTK_APPLICATION (self), self->store));
  bk_window_set_sync_controller (BK_WINDOW (window), self->sync);
  recovery = bk_store_get_recovery_message (self->store);
  if (recovery != NULL)
    bk_window_show_recovery (BK_WINDOW (window), recovery);
  gtk_window_present (window);
  /* the schedule shows from the store first; the network comes after */
  bk_sync_controller_start (self->sync);
}

static void
quit_activated_cb (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  BkApplication *self = user_data;
  /* a copy with references: closing a window removes (and frees) its node
   * from the application's own list while we walk it */
  g_autolist(GtkWindow) windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));

  for (GList *l = windows; l != NULL; l = l->next)
    g_object_ref (l->data);
  /* closing (rather than quitting outright) lets the window save its size */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
  g_application_quit (G_APPLICATION (self));
}

static void
about_activated_cb (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  BkApplication *self = user_data;
  static const char *developers[] = { "The Bookable contributors", NULL };

  adw_show_about_window (gtk_application_get_active_window (GTK_APPLICATION (self)),
                         "application-name", _("Bookable"),
                         "application-icon", APP_ID,
                         "developer-name", _("The Bookable contributors"),
                         "version", PACKAGE_VERSION,
                         "comments", _("Let clients book your free time, from hours you set by hand or from your calendar."),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "developers", developers,
                         /* Translators: put your names here, one per line */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
preferences_activated_cb (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  BkApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  BkPreferencesDialog *dialog;

  if (self->sync == NULL)
    return;
  dialog = bk_preferences_dialog_new (parent, self->sync);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* A notification's click: the window, on that appointment. */
static void
show_appointment_activated_cb (GSimpleAction *action,
                               GVariant      *parameter,
                               gpointer       user_data)
{
  BkApplication *self = user_data;
  GtkWindow *window;

  g_application_activate (G_APPLICATION (self));
  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (BK_IS_WINDOW (window))
    bk_window_show_appointment (BK_WINDOW (window), g_variant_get_string (parameter, NULL));
}

static const GActionEntry app_actions[] = {
  { .name = "quit", .activate = quit_activated_cb },
  { .name = "about", .activate = about_activated_cb },
  { .name = "preferences", .activate = preferences_activated_cb },
  { .name = "show-appointment", .activate = show_appointment_activated_cb, .parameter_type = "s" },
};

static void
bk_application_startup (GApplication *app)
{
  BkApplication *self = BK_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  static const char *sync_accels[] = { "<Control>r", "F5", NULL };

  G_APPLICATION_CLASS (bk_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", preferences_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.sync", sync_accels);

  open_store (self);
  if (self->store != NULL)
    self->sync = bk_sync_controller_new (self->store, app);
}

static void
bk_application_dispose (GObject *object)
{
  BkApplication *self = BK_APPLICATION (object);

  g_clear_object (&self->sync);
  g_clear_object (&self->store);
  g_clear_error (&self->open_error);

  G_OBJECT_CLASS (bk_application_parent_class)->dispose (object);
}

static void
bk_application_class_init (BkApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = bk_application_dispose;
  app_class->startup = bk_application_startup;
  app_class->activate = bk_application_activate;
}

static void
bk_application_init (BkApplication *self)
{
}

BkApplication *
bk_application_new (void)
{
  return g_object_new (BK_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", RESOURCE_PATH,
                       NULL);
}

BkStore *
bk_application_get_store (BkApplication *self)
{
  g_return_val_if_fail (BK_IS_APPLICATION (self), NULL);

  return self->store;
}

BkSyncController *
bk_application_get_sync_controller (BkApplication *self)
{
  g_return_val_if_fail (BK_IS_APPLICATION (self), NULL);

  return self->sync;
}
