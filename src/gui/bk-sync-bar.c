/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-sync-bar"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-sync-bar.h"

struct _BkSyncBar
{
  AdwBin            parent_instance;

  BkSyncController *controller;
  GSignalGroup     *controller_signals;
  GSignalGroup     *engine_signals;
  gboolean          syncing;

  /* template children */
  GtkButton        *action_button;
  GtkLabel         *message_label;
  /* not a bound template child: it is AdwBin's own child, which
   * gtk_widget_dispose_template() would unparent behind AdwBin's back */
  GtkRevealer      *revealer;
};

enum {
  PROP_0,
  PROP_SYNCING,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (BkSyncBar, bk_sync_bar, ADW_TYPE_BIN)

static GParamSpec *properties [N_PROPS];

static char *
format_last_sync (gint64 last_sync)
{
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  if (last_sync == 0)
    return g_strdup (_("Offline — not synced yet"));
  when = g_date_time_new_from_unix_local (last_sync);
  if (g_date_time_get_year (when) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (when) == g_date_time_get_day_of_year (now))
    {
      g_autofree char *time = g_date_time_format (when, "%H:%M");

      /* Translators: %s is a time of day, HH:MM */
      return g_strdup_printf (_("Offline — last synced at %s"), time);
    }
  else
    {
      /* Translators: see strftime(3) */
      g_autofree char *time = g_date_time_format (when, _("%-d %B, %H:%M"));

      /* Translators: %s is a date and time */
      return g_strdup_printf (_("Offline — last synced on %s"), time);
    }
}

static char *
describe_pending (const char *message,
                  guint       pending)
{
  if (pending == 0)
    return g_strdup (message);
  /* Translators: "Offline — last synced at 14:02. 2 changes wait to be sent." */
  return g_strdup_printf (ngettext ("%s. %u change waits to be sent.",
                                    "%s. %u changes wait to be sent.", pending),
                          message, pending);
}

static void
show (BkSyncBar  *self,
      const char *message,
      const char *button_label,
      const char *action)
{
  gtk_label_set_label (self->message_label, message);
  gtk_button_set_label (self->action_button, button_label);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->action_button), action);
  gtk_revealer_set_reveal_child (self->revealer, TRUE);
}

static void
set_syncing (BkSyncBar *self,
             gboolean   syncing)
{
  if (self->syncing == syncing)
    return;
  self->syncing = syncing;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_SYNCING]);
}

static void
update (BkSyncBar *self)
{
  BkSyncEngine *engine = self->controller ? bk_sync_controller_get_engine (self->controller) : NULL;
  g_autofree char *message = NULL;
  g_autofree char *with_pending = NULL;
  const char *error;
  BkSyncState state;

  set_syncing (self, engine != NULL && bk_sync_engine_get_state (engine) == BK_SYNC_STATE_SYNCING);
  if (self->controller == NULL || bk_sync_controller_get_account (self->controller) == NULL)
    {
      if (self->controller != NULL)
        show (self, _("Sign in to publish your slots"), _("_Sign In…"), "app.preferences");
      else
        gtk_revealer_set_reveal_child (self->revealer, FALSE);
      return;
    }
  if (engine == NULL)
    {
      const char *account_error = bk_sync_controller_get_account_error (self->controller);

      if (account_error != NULL)
        show (self, account_error, _("_Sign In…"), "app.preferences");
      return;   /* else still reading the keyring */
    }

  state = bk_sync_engine_get_state (engine);
  error = bk_sync_engine_get_last_error (engine);
  if (state == BK_SYNC_STATE_SYNCING)
    return;   /* what the last pass said stands until this one ends */
  if (state == BK_SYNC_STATE_SIGN_IN_NEEDED)
    {
      message = g_strdup_printf (_("Sign in again to keep syncing: %s"),
                                 error ? error : _("the server no longer accepts this sign-in"));
      show (self, message, _("_Sign In…"), "app.preferences");
    }
  else if (bk_sync_engine_get_offline (engine))
    {
      message = format_last_sync (bk_sync_engine_get_last_sync (engine));
      with_pending = describe_pending (message, bk_sync_engine_get_pending (engine));
      show (self, with_pending, _("_Retry"), "win.sync");
    }
  else if (state == BK_SYNC_STATE_FAILED)
    {
      message = g_strdup_printf (_("Sync failed: %s. Changes are kept and sent on the next try."),
                                 error ? error : _("unknown error"));
      show (self, message, _("_Retry"), "win.sync");
    }
  else
    gtk_revealer_set_reveal_child (self->revealer, FALSE);
}

static void
engine_changed_cb (BkSyncBar *self)
{
  BkSyncEngine *engine = bk_sync_controller_get_engine (self->controller);

  g_signal_group_set_target (self->engine_signals, engine);
  update (self);
}

static void
bk_sync_bar_dispose (GObject *object)
{
  BkSyncBar *self = BK_SYNC_BAR (object);

  if (self->engine_signals != NULL)
    g_signal_group_set_target (self->engine_signals, NULL);
  if (self->controller_signals != NULL)
    g_signal_group_set_target (self->controller_signals, NULL);
  g_clear_object (&self->engine_signals);
  g_clear_object (&self->controller_signals);
  g_clear_object (&self->controller);
  gtk_widget_dispose_template (GTK_WIDGET (self), BK_TYPE_SYNC_BAR);

  G_OBJECT_CLASS (bk_sync_bar_parent_class)->dispose (object);
}

static void
bk_sync_bar_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  BkSyncBar *self = BK_SYNC_BAR (object);

  switch (prop_id)
    {
    case PROP_SYNCING:
      g_value_set_boolean (value, self->syncing);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bk_sync_bar_class_init (BkSyncBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bk_sync_bar_dispose;
  object_class->get_property = bk_sync_bar_get_property;

  properties [PROP_SYNCING] =
    g_param_spec_boolean ("syncing", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/bk-sync-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, BkSyncBar, action_button);
  gtk_widget_class_bind_template_child (widget_class, BkSyncBar, message_label);
}

static void
bk_sync_bar_init (BkSyncBar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->revealer = GTK_REVEALER (adw_bin_get_child (ADW_BIN (self)));

  self->controller_signals = g_signal_group_new (BK_TYPE_SYNC_CONTROLLER);
  g_signal_group_connect_swapped (self->controller_signals, "notify::engine",
                                  G_CALLBACK (engine_changed_cb), self);
  g_signal_group_connect_swapped (self->controller_signals, "notify::account",
                                  G_CALLBACK (update), self);
  g_signal_group_connect_swapped (self->controller_signals, "notify::account-error",
                                  G_CALLBACK (update), self);
  self->engine_signals = g_signal_group_new (BK_TYPE_SYNC_ENGINE);
  g_signal_group_connect_swapped (self->engine_signals, "notify",
                                  G_CALLBACK (update), self);
}

void
bk_sync_bar_set_controller (BkSyncBar        *self,
                            BkSyncController *controller)
{
  g_return_if_fail (BK_IS_SYNC_BAR (self));
  g_return_if_fail (controller == NULL || BK_IS_SYNC_CONTROLLER (controller));

  if (!g_set_object (&self->controller, controller))
    return;
  g_signal_group_set_target (self->controller_signals, controller);
  g_signal_group_set_target (self->engine_signals,
                             controller ? bk_sync_controller_get_engine (controller) : NULL);
  update (self);
}

gboolean
bk_sync_bar_get_syncing (BkSyncBar *self)
{
  g_return_val_if_fail (BK_IS_SYNC_BAR (self), FALSE);

  return self->syncing;
}
