/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-preferences-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-preferences-dialog.h"

struct _BkPreferencesDialog
{
  AdwPreferencesWindow  parent_instance;

  BkSyncController     *controller;
  GCancellable         *cancellable;

  /* template children */
  AdwPreferencesGroup  *account_group;
  AdwActionRow         *account_row;
  AdwEntryRow          *email_row;
  GtkLabel             *error_label;
  AdwPasswordEntryRow  *password_row;
  AdwEntryRow          *server_row;
  AdwPreferencesGroup  *sign_in_actions;
  GtkButton            *sign_in_button;
  AdwPreferencesGroup  *sign_in_group;
  GtkButton            *sign_out_button;
  GtkSpinner           *spinner;
};

G_DEFINE_FINAL_TYPE (BkPreferencesDialog, bk_preferences_dialog, ADW_TYPE_PREFERENCES_WINDOW)

static const char *
get_text (gpointer editable)
{
  return gtk_editable_get_text (GTK_EDITABLE (editable));
}

static gboolean
is_busy (BkPreferencesDialog *self)
{
  return self->cancellable != NULL;
}

static void
update_sign_in_button (BkPreferencesDialog *self)
{
  gboolean complete = *get_text (self->server_row) != '\0' &&
                      *get_text (self->email_row) != '\0' &&
                      *get_text (self->password_row) != '\0';

  gtk_widget_set_sensitive (GTK_WIDGET (self->sign_in_button), complete && !is_busy (self));
}

static void
show_error (BkPreferencesDialog *self,
            const char          *message)
{
  gtk_label_set_label (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
set_busy (BkPreferencesDialog *self,
          GCancellable        *cancellable)
{
  g_set_object (&self->cancellable, cancellable);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), cancellable != NULL);
  gtk_spinner_set_spinning (self->spinner, cancellable != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->sign_in_group), cancellable == NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->sign_out_button), cancellable == NULL);
  update_sign_in_button (self);
}

/* Signed in: who and where, and Sign Out; otherwise the sign-in form. */
static void
update_account (BkPreferencesDialog *self)
{
  const char *account = bk_sync_controller_get_account (self->controller);
  const char *server = bk_sync_controller_get_server (self->controller);
  /* a sign-in the server or keyring lost shows the form again, filled in */
  gboolean signed_in = account != NULL && !bk_sync_controller_get_sign_in_needed (self->controller);

  gtk_widget_set_visible (GTK_WIDGET (self->account_group), signed_in);
  gtk_widget_set_visible (GTK_WIDGET (self->sign_in_group), !signed_in);
  gtk_widget_set_visible (GTK_WIDGET (self->sign_in_actions), !signed_in);
  if (signed_in)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->account_row), account);
      /* Translators: %s is the server's address */
      g_autofree char *subtitle = g_strdup_printf (_("Signed in to %s"), server);
      adw_action_row_set_subtitle (self->account_row, subtitle);
    }
  else
    {
      if (server != NULL && *get_text (self->server_row) == '\0')
        gtk_editable_set_text (GTK_EDITABLE (self->server_row), server);
      if (account != NULL && *get_text (self->email_row) == '\0')
        gtk_editable_set_text (GTK_EDITABLE (self->email_row), account);
    }
}

static void
entry_changed_cb (BkPreferencesDialog *self)
{
  update_sign_in_button (self);
}

static void
signed_in_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(BkPreferencesDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!bk_sync_controller_sign_in_finish (BK_SYNC_CONTROLLER (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      set_busy (self, NULL);
      show_error (self, error->message);
      return;
    }
  set_busy (self, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  update_account (self);
}

static void
sign_in_clicked_cb (BkPreferencesDialog *self)
{
  g_autofree char *server = g_strstrip (g_strdup (get_text (self->server_row)));
  g_autofree char *email = g_strstrip (g_strdup (get_text (self->email_row)));
  g_autoptr(GCancellable) cancellable = NULL;

  if (is_busy (self))
    return;
  if (!g_str_has_prefix (server, "http://") && !g_str_has_prefix (server, "https://"))
    {
      show_error (self, _("The server address starts with https:// (or http:// for a server on this computer)."));
      gtk_widget_grab_focus (GTK_WIDGET (self->server_row));
      return;
    }
  show_error (self, NULL);
  cancellable = g_cancellable_new ();
  set_busy (self, cancellable);
  bk_sync_controller_sign_in_async (self->controller, server, email, get_text (self->password_row),
                                    cancellable, signed_in_cb, g_object_ref (self));
}

static void
entry_activated_cb (BkPreferencesDialog *self)
{
  if (gtk_widget_get_sensitive (GTK_WIDGET (self->sign_in_button)))
    sign_in_clicked_cb (self);
}

static void
signed_out_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(BkPreferencesDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!bk_sync_controller_sign_out_finish (BK_SYNC_CONTROLLER (object), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, NULL);
  update_account (self);
  show_error (self, error ? error->message : NULL);
}

static void
sign_out_clicked_cb (BkPreferencesDialog *self)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  if (is_busy (self))
    return;
  set_busy (self, cancellable);
  bk_sync_controller_sign_out_async (self->controller, cancellable, signed_out_cb,
                                     g_object_ref (self));
}

static void
bk_preferences_dialog_dispose (GObject *object)
{
  BkPreferencesDialog *self = BK_PREFERENCES_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->controller != NULL)
    g_signal_handlers_disconnect_by_data (self->controller, self);
  g_clear_object (&self->controller);
  gtk_widget_dispose_template (GTK_WIDGET (self), BK_TYPE_PREFERENCES_DIALOG);

  G_OBJECT_CLASS (bk_preferences_dialog_parent_class)->dispose (object);
}

static void
bk_preferences_dialog_class_init (BkPreferencesDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bk_preferences_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/bk-preferences-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, BkPreferencesDialog, account_group);
  gtk_widget_class_bind_template_child (widget_class, BkPreferencesDialog, account_row);
  gtk_widget_class_bind_template_child (widget_class, BkPreferencesDialog, email_row);
  gtk_widget_class_bind_template_child (widget_class, BkPreferencesDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, BkPreferencesDialog, password_row);
  gtk_widget_class_bind_template_child (widget_class, BkPreferencesDialog, server_row);
  gtk_widget_class_bind_template_child (widget_class, BkPreferencesDialog, sign_in_actions);
  gtk_widget_class_bind_template_child (widget_class, BkPreferencesDialog, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, BkPreferencesDialog, sign_in_group);
  gtk_widget_class_bind_template_child (widget_class, BkPreferencesDialog, sign_out_button);
  gtk_widget_class_bind_template_child (widget_class, BkPreferencesDialog, spinner);
  gtk_widget_class_bind_template_callback (widget_class, entry_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, sign_in_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, sign_out_clicked_cb);
}

static void
bk_preferences_dialog_init (BkPreferencesDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

BkPreferencesDialog *
bk_preferences_dialog_new (GtkWindow        *parent,
                           BkSyncController *controller)
{
  BkPreferencesDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (BK_IS_SYNC_CONTROLLER (controller), NULL);

  self = g_object_new (BK_TYPE_PREFERENCES_DIALOG,
                       "transient-for", parent,
                       NULL);
  self->controller = g_object_ref (controller);
  /* bookablectl or another window may sign in or out meanwhile */
  g_signal_connect_object (controller, "notify::account",
                           G_CALLBACK (update_account), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (controller, "notify::account-error",
                           G_CALLBACK (update_account), self, G_CONNECT_SWAPPED);
  update_account (self);
  return self;
}
