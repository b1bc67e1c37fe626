/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-calendar-panel"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-availability-rules.h"
#include "bk-calendar-panel.h"
#include "bk-calendar-provider-info.h"
#include "bk-calendar-swatch.h"
#include "bk-store.h"

/* The tab shows the store's state (the integration, its calendars, the
 * rules' buffers) and turns the expert's choices into store writes; the
 * strategy does the network work. Every store change refreshes the tab, so
 * what `bookablectl` changes shows up here as well. */

#define PROVIDER (self->info->provider)

struct _BkCalendarPanel
{
  AdwBin                       parent_instance;

  const BkCalendarProviderInfo *info;   /* names and strategy type */
  BkStore                     *store;
  GSignalGroup                *store_signals;
  BkAvailabilityStrategy      *strategy;
  GCancellable                *cancellable;          /* refresh, disconnect */
  GCancellable                *connect_cancellable;  /* the sign-in */
  BkOpenUriFunc                open_uri_func;
  gpointer                     open_uri_data;
  char                        *authorize_uri;
  char                        *calendars_key;        /* what the rows show */
  char                        *reconnect_default;    /* the bar's text without a reason */
  GPtrArray                   *calendar_rows;        /* AdwActionRow */
  GPtrArray                   *destination_ids;      /* remote ids, combo order */
  guint                        updating;             /* writing widgets from the store */
  guint                        sync_source;          /* a queued sync_from_store() */
  gboolean                     connecting;
  gboolean                     disposed;

  /* template children */
  GtkStack                    *stack;
  AdwStatusPage               *connect_page;
  AdwStatusPage               *connecting_page;
  GtkButton                   *connect_button;
  GtkButton                   *reconnect_button;
  GtkButton                   *disconnect_button;
  GtkSpinner                  *connect_spinner;
  GtkRevealer                 *reconnect_revealer;
  GtkLabel                    *reconnect_label;
  AdwActionRow                *account_row;
  AdwActionRow                *last_sync_row;
  GtkButton                   *refresh_button;
  AdwPreferencesGroup         *calendars_group;
  AdwComboRow                 *destination_row;
  GtkSwitch                   *tentative_switch;
  GtkSwitch                   *oof_switch;
  GtkSpinButton               *buffer_before_spin;
  GtkSpinButton               *buffer_after_spin;
};

enum {
  REFRESHED,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

enum {
  PROP_0,
  PROP_PROVIDER,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

G_DEFINE_FINAL_TYPE (BkCalendarPanel, bk_calendar_panel, ADW_TYPE_BIN)

static void
toast (BkCalendarPanel *self,
       const char      *message)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", message);
}

static GCancellable *
get_cancellable (BkCalendarPanel *self)
{
  if (self->cancellable == NULL || g_cancellable_is_cancelled (self->cancellable))
    {
      g_clear_object (&self->cancellable);
      self->cancellable = g_cancellable_new ();
    }
  return self->cancellable;
}

static gboolean
is_cancelled (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* --- showing the store's state ------------------------------------------ */

static char *
format_instant (gint64 instant)
{
  g_autoptr(GDateTime) local = g_date_time_new_from_unix_local (instant);

  /* Translators: when the calendars were last read, see strftime(3) */
  return g_date_time_format (local, _("%-d %B %Y, %H:%M"));
}

static char *
dup_calendars_key (GPtrArray *calendars)
{
  GString *key = g_string_new (NULL);

  for (guint i = 0; i < calendars->len; i++)
    {
      const BkCalendar *calendar = g_ptr_array_index (calendars, i);

      g_string_append_printf (key, "%s\x1f%s\x1f%s\x1f%d%d%d\x1e", calendar->remote_id,
                              calendar->name, calendar->color ? calendar->color : "",
                              calendar->can_edit, calendar->selected, calendar->destination);
    }
  return g_string_free (key, FALSE);
}

static void calendar_toggled_cb (BkCalendarPanel *self);

static GtkWidget *
create_calendar_row (BkCalendarPanel  *self,
                     const BkCalendar *calendar)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), calendar->name);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (calendar->is_default)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Default calendar"));
  else if (!calendar->can_edit)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Read only"));
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), bk_calendar_swatch_new (calendar->color));

  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), calendar->selected);
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  g_object_set_data_full (G_OBJECT (check), "remote-id", g_strdup (calendar->remote_id), g_free);
  gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  calendar->name, -1);
  g_signal_connect_swapped (check, "toggled", G_CALLBACK (calendar_toggled_cb), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
  g_object_set_data (G_OBJECT (row), "check", check);
  return row;
}

static void
show_calendars (BkCalendarPanel *self,
                GPtrArray       *calendars)
{
  g_autofree char *key = dup_calendars_key (calendars);
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  guint destination = GTK_INVALID_LIST_POSITION;

  /* rebuilding unchanged rows would only lose the keyboard focus */
  if (g_strcmp0 (key, self->calendars_key) == 0)
    return;
  g_free (self->calendars_key);
  self->calendars_key = g_steal_pointer (&key);

  for (guint i = 0; i < self->calendar_rows->len; i++)
    adw_preferences_group_remove (self->calendars_group, g_ptr_array_index (self->calendar_rows, i));
  g_ptr_array_set_size (self->calendar_rows, 0);
  g_ptr_array_set_size (self->destination_ids, 0);

  for (guint i = 0; i < calendars->len; i++)
    {
      const BkCalendar *calendar = g_ptr_array_index (calendars, i);
      GtkWidget *row = create_calendar_row (self, calendar);

      adw_preferences_group_add (self->calendars_group, row);
      g_ptr_array_add (self->calendar_rows, row);
      if (!calendar->can_edit)
        continue;
      if (calendar->destination)
        destination = self->destination_ids->len;
      gtk_string_list_append (names, calendar->name);
      g_ptr_array_add (self->destination_ids, g_strdup (calendar->remote_id));
    }
  adw_combo_row_set_model (self->destination_row, G_LIST_MODEL (names));
  adw_combo_row_set_selected (self->destination_row, destination);
  gtk_widget_set_sensitive (GTK_WIDGET (self->destination_row), self->destination_ids->len > 0);
}

static void
show_integration (BkCalendarPanel     *self,
                  const BkIntegration *integration)
{
  g_autofree char *last_sync = NULL;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->account_row),
                                 integration->display_name ? integration->display_name
                                                           : integration->account);
  adw_action_row_set_subtitle (self->account_row, integration->account);

  last_sync = integration->last_sync_at > 0 ? format_instant (integration->last_sync_at)
                                            : g_strdup (_("Not read yet"));
  adw_action_row_set_subtitle (self->last_sync_row, last_sync);

  gtk_label_set_label (self->reconnect_label,
                       integration->reconnect_message
                       ? integration->reconnect_message
                       : self->reconnect_default);
  gtk_revealer_set_reveal_child (self->reconnect_revealer, integration->reconnect_needed);

  gtk_switch_set_active (self->tentative_switch, integration->block_tentative);
  gtk_switch_set_active (self->oof_switch, integration->block_oof);
}

static void
sync_from_store (BkCalendarPanel *self)
{
  g_autoptr(BkIntegration) integration = NULL;
  g_autoptr(GPtrArray) calendars = NULL;
  g_autoptr(BkAvailabilityRules) rules = NULL;
  g_autoptr(GError) error = NULL;

  if (self->store == NULL)
    return;

  if ((integration = bk_store_get_integration (self->store, PROVIDER, &error)) == NULL ||
      (calendars = bk_store_list_calendars (self->store, PROVIDER, &error)) == NULL ||
      (rules = bk_store_load_rules (self->store, &error)) == NULL)
    {
      g_warning ("Cannot show the %s settings: %s", self->info->name, error->message);
      return;
    }

  self->updating++;
  if (self->connecting)
    gtk_stack_set_visible_child_name (self->stack, "connecting");
  else
    gtk_stack_set_visible_child_name (self->stack,
                                      integration->account != NULL ? "connected" : "disconnected");
  if (integration->account != NULL)
    {
      show_integration (self, integration);
      show_calendars (self, calendars);
    }
  gtk_spin_button_set_value (self->buffer_before_spin, rules->buffer_before_minutes);
  gtk_spin_button_set_value (self->buffer_after_spin, rules->buffer_after_minutes);
  self->updating--;
}

static gboolean
sync_idle_cb (gpointer user_data)
{
  BkCalendarPanel *self = user_data;

  self->sync_source = 0;
  sync_from_store (self);
  return G_SOURCE_REMOVE;
}

/* A choice made in a row writes the store, whose "changed" would rebuild
 * that very row (and the combo row's model) inside its own signal: the
 * rebuild waits until the signal is over. */
static void
queue_sync (BkCalendarPanel *self)
{
  if (self->sync_source == 0)
    self->sync_source = g_idle_add (sync_idle_cb, self);
}

/* --- choices ------------------------------------------------------------- */

static const char *
get_destination_id (BkCalendarPanel *self)
{
  guint position = adw_combo_row_get_selected (self->destination_row);

  if (position == GTK_INVALID_LIST_POSITION || position >= self->destination_ids->len)
    return NULL;
  return g_ptr_array_index (self->destination_ids, position);
}

static void
save_selection (BkCalendarPanel *self)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < self->calendar_rows->len; i++)
    {
      GtkCheckButton *check = g_object_get_data (g_ptr_array_index (self->calendar_rows, i), "check");

      if (gtk_check_button_get_active (check))
        g_ptr_array_add (ids, g_object_get_data (G_OBJECT (check), "remote-id"));
    }
  g_ptr_array_add (ids, NULL);

  if (!bk_store_select_calendars (self->store, PROVIDER, (const char * const *) ids->pdata,
                                  get_destination_id (self), &error))
    {
      toast (self, error->message);
      g_clear_pointer (&self->calendars_key, g_free);   /* show the store's choice again */
      queue_sync (self);
    }
}

static void
calendar_toggled_cb (BkCalendarPanel *self)
{
  if (self->updating == 0 && self->store != NULL)
    save_selection (self);
}

static void
destination_changed_cb (BkCalendarPanel *self)
{
  if (self->updating == 0 && self->store != NULL && get_destination_id (self) != NULL)
    save_selection (self);
}

static void
policy_changed_cb (BkCalendarPanel *self)
{
  g_autoptr(GError) error = NULL;

  if (self->updating > 0 || self->store == NULL)
    return;
  if (!bk_store_set_block_policy (self->store, PROVIDER,
                                  gtk_switch_get_active (self->tentative_switch),
                                  gtk_switch_get_active (self->oof_switch), &error))
    {
      toast (self, error->message);
      queue_sync (self);
    }
}

/* The buffers are the rules' own, so the Manual tab shows the same values. */
static void
buffer_changed_cb (BkCalendarPanel *self)
{
  g_autoptr(BkAvailabilityRules) rules = NULL;
  g_autoptr(GError) error = NULL;

  if (self->updating > 0 || self->store == NULL)
    return;
  if ((rules = bk_store_load_rules (self->store, &error)) != NULL)
    {
      rules->buffer_before_minutes = gtk_spin_button_get_value_as_int (self->buffer_before_spin);
      rules->buffer_after_minutes = gtk_spin_button_get_value_as_int (self->buffer_after_spin);
      bk_store_save_rules (self->store, rules, &error);
    }
  if (error != NULL)
    {
      toast (self, error->message);
      queue_sync (self);
    }
}

/* --- connect ------------------------------------------------------------- */

static void
launched_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(BkCalendarPanel) self = user_data;
  g_autoptr(GError) error = NULL;

  if (g_app_info_launch_default_for_uri_finish (result, &error) || self->disposed ||
      is_cancelled (error))
    return;

  {
    g_autofree char *message =
      g_strdup_printf (_("Could not open your browser: %s. Use “Copy Sign-in Link” and open it in a browser yourself."),
                       error->message);
    toast (self, message);
  }
}

static void
open_uri_cb (const char *uri,
             gpointer    user_data)
{
  BkCalendarPanel *self = user_data;
  g_autoptr(GdkAppLaunchContext) context = NULL;

  g_free (self->authorize_uri);
  self->authorize_uri = g_strdup (uri);
  if (self->open_uri_func != NULL)
    {
      self->open_uri_func (uri, self->open_uri_data);
      return;
    }

  context = gdk_display_get_app_launch_context (gtk_widget_get_display (GTK_WIDGET (self)));
  g_app_info_launch_default_for_uri_async (uri, G_APP_LAUNCH_CONTEXT (context),
                                           self->connect_cancellable, launched_cb,
                                           g_object_ref (self));
}

static void
set_connecting (BkCalendarPanel *self,
                gboolean         connecting)
{
  self->connecting = connecting;
  gtk_spinner_set_spinning (self->connect_spinner, connecting);
  if (!connecting)
    {
      g_clear_object (&self->connect_cancellable);
      g_clear_pointer (&self->authorize_uri, g_free);
    }
  sync_from_store (self);
}

static void
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(BkCalendarPanel) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *account = NULL;

  account = bk_calendar_strategy_connect_finish (BK_CALENDAR_STRATEGY (object), result, &error);
  if (self->disposed)
    return;
  set_connecting (self, FALSE);
  if (account == NULL)
    {
      if (!is_cancelled (error))
        toast (self, error->message);
      return;
    }

  {
    /* Translators: %s is the calendar account, e.g. erika@example.com */
    g_autofree char *message = g_strdup_printf (_("Connected as %s"), account);
    toast (self, message);
  }
  g_signal_emit (self, signals [REFRESHED], 0);
}

static void
connect_clicked_cb (BkCalendarPanel *self)
{
  if (self->strategy == NULL || self->connecting)
    return;

  self->connect_cancellable = g_cancellable_new ();
  set_connecting (self, TRUE);
  bk_calendar_strategy_connect_async (BK_CALENDAR_STRATEGY (self->strategy), open_uri_cb, self,
                                      self->connect_cancellable, connected_cb, g_object_ref (self));
}

static void
cancel_clicked_cb (BkCalendarPanel *self)
{
  g_cancellable_cancel (self->connect_cancellable);
}

static void
copy_link_clicked_cb (BkCalendarPanel *self)
{
  if (self->authorize_uri == NULL)
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), self->authorize_uri);
  toast (self, _("Sign-in link copied"));
}

/* --- refresh and disconnect ---------------------------------------------- */

static gboolean
reconnect_needed (BkCalendarPanel *self)
{
  g_autoptr(BkIntegration) integration = NULL;

  integration = self->store ? bk_store_get_integration (self->store, PROVIDER, NULL) : NULL;
  return integration != NULL && integration->reconnect_needed;
}

static void
refreshed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(BkCalendarPanel) self = user_data;
  g_autoptr(GPtrArray) calendars = NULL;
  g_autoptr(GError) error = NULL;

  calendars = bk_calendar_strategy_refresh_calendars_finish (BK_CALENDAR_STRATEGY (object), result, &error);
  if (self->disposed || is_cancelled (error))
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->refresh_button), TRUE);
  /* a revoked grant is shown by the reconnect bar, which the store change
   * has already revealed; other failures say what happened */
  if (calendars == NULL && !reconnect_needed (self))
    toast (self, error->message);
  sync_from_store (self);
  /* busy times are read again either way: offline, the Schedule then says
   * that it shows the cache, and from when */
  g_signal_emit (self, signals [REFRESHED], 0);
}

static void
refresh_clicked_cb (BkCalendarPanel *self)
{
  if (self->strategy == NULL)
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->refresh_button), FALSE);
  bk_calendar_strategy_refresh_calendars_async (BK_CALENDAR_STRATEGY (self->strategy), get_cancellable (self),
                                                refreshed_cb, g_object_ref (self));
}

static void
disconnected_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(BkCalendarPanel) self = user_data;
  g_autoptr(GError) error = NULL;

  if (bk_calendar_strategy_disconnect_finish (BK_CALENDAR_STRATEGY (object), result, &error))
    {
      if (!self->disposed)
        {
          /* Translators: %s is the calendar service, e.g. Google Calendar */
          g_autofree char *message = g_strdup_printf (_("%s disconnected. Slots now come from your hours on the Manual tab."),
                                                      self->info->name);
          toast (self, message);
        }
    }
  else if (!self->disposed && !is_cancelled (error))
    toast (self, error->message);
  if (!self->disposed)
    {
      g_clear_pointer (&self->calendars_key, g_free);
      sync_from_store (self);
    }
}

static void
disconnect_response_cb (AdwMessageDialog *dialog,
                        const char       *response,
                        BkCalendarPanel  *self)
{
  if (g_strcmp0 (response, "disconnect") != 0 || self->strategy == NULL)
    return;
  bk_calendar_strategy_disconnect_async (BK_CALENDAR_STRATEGY (self->strategy), get_cancellable (self),
                                         disconnected_cb, g_object_ref (self));
}

static void
disconnect_clicked_cb (BkCalendarPanel *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  /* Translators: %s is the calendar service, e.g. Google Calendar */
  g_autofree char *heading = g_strdup_printf (_("Disconnect %s?"), self->info->name);
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       heading,
                                                       _("Bookable forgets your calendar choices and removes its sign-in from your keyring. Free slots then come from your hours on the Manual tab only; appointments already booked stay.")));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "disconnect", _("_Disconnect"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "disconnect", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (disconnect_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* --- GObject ------------------------------------------------------------- */

static void
cancel_all (BkCalendarPanel *self)
{
  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->connect_cancellable);
}

/* Closing the window ends a sign-in that is still waiting for the browser. */
static void
bk_calendar_panel_unroot (GtkWidget *widget)
{
  cancel_all (BK_CALENDAR_PANEL (widget));

  GTK_WIDGET_CLASS (bk_calendar_panel_parent_class)->unroot (widget);
}

static void
set_accessible_label (GtkButton  *button,
                      const char *label)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

/* The template is the same for every provider; its names are filled in
 * here, once the provider is known. */
static void
show_provider (BkCalendarPanel *self)
{
  g_autofree char *title = NULL;
  g_autofree char *description = NULL;
  g_autofree char *signing_in = NULL;
  g_autofree char *reconnect = NULL;
  g_autofree char *disconnect = NULL;

  /* Translators: %s is the calendar service, e.g. Google Calendar */
  title = g_strdup_printf (_("Connect %s"), self->info->name);
  /* Translators: the first %s is the calendar service (Google Calendar),
   * the second the company whose sign-in page opens (Google) */
  description = g_strdup_printf (_("Clients are then offered only times your %s shows as free, and booked appointments go into your calendar. You sign in with %s in your browser; Bookable never sees your password."),
                                 self->info->name, self->info->company);
  /* Translators: %s is the company whose sign-in page opens, e.g. Google */
  signing_in = g_strdup_printf (_("Sign in with %s and allow Bookable to use your calendars, then come back here."),
                                self->info->company);
  /* Translators: %s is the company whose sign-in page opens, e.g. Google */
  self->reconnect_default = g_strdup_printf (_("%s no longer accepts Bookable’s sign-in. Reconnect to read your calendars again; until then slots come from the last reading."),
                                             self->info->company);

  adw_status_page_set_title (self->connect_page, title);
  adw_status_page_set_description (self->connect_page, description);
  adw_status_page_set_description (self->connecting_page, signing_in);
  /* Translators: %s is the calendar service, e.g. Google Calendar */
  reconnect = g_strdup_printf (_("Reconnect %s"), self->info->name);
  /* Translators: %s is the calendar service, e.g. Google Calendar */
  disconnect = g_strdup_printf (_("Disconnect %s"), self->info->name);
  set_accessible_label (self->connect_button, title);
  set_accessible_label (self->reconnect_button, reconnect);
  set_accessible_label (self->disconnect_button, disconnect);
}

static void
bk_calendar_panel_constructed (GObject *object)
{
  BkCalendarPanel *self = BK_CALENDAR_PANEL (object);

  G_OBJECT_CLASS (bk_calendar_panel_parent_class)->constructed (object);

  if (self->info == NULL)
    {
      g_critical ("BkCalendarPanel needs its “provider”; showing Office 365 Calendar");
      self->info = bk_calendar_provider_info_lookup (BK_PROVIDER_OFFICE365);
    }
  show_provider (self);
}

static void
bk_calendar_panel_dispose (GObject *object)
{
  BkCalendarPanel *self = BK_CALENDAR_PANEL (object);

  self->disposed = TRUE;
  cancel_all (self);
  g_clear_handle_id (&self->sync_source, g_source_remove);
  if (self->store_signals != NULL)
    g_signal_group_set_target (self->store_signals, NULL);
  /* the bin's child is a template child: it must go before the template
   * forgets it, or AdwBin would unparent it a second time */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), BK_TYPE_CALENDAR_PANEL);
  g_clear_object (&self->store_signals);
  g_clear_object (&self->store);
  g_clear_object (&self->strategy);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->connect_cancellable);
  g_clear_pointer (&self->calendar_rows, g_ptr_array_unref);
  g_clear_pointer (&self->destination_ids, g_ptr_array_unref);
  g_clear_pointer (&self->authorize_uri, g_free);
  g_clear_pointer (&self->calendars_key, g_free);
  g_clear_pointer (&self->reconnect_default, g_free);

  G_OBJECT_CLASS (bk_calendar_panel_parent_class)->dispose (object);
}

static void
bk_calendar_panel_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  BkCalendarPanel *self = BK_CALENDAR_PANEL (object);

  switch (prop_id)
    {
    case PROP_PROVIDER:
      g_value_set_string (value, self->info ? self->info->provider : NULL);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bk_calendar_panel_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  BkCalendarPanel *self = BK_CALENDAR_PANEL (object);
  const char *provider;

  switch (prop_id)
    {
    case PROP_PROVIDER:
      provider = g_value_get_string (value);
      if (provider != NULL && (self->info = bk_calendar_provider_info_lookup (provider)) == NULL)
        g_critical ("No calendar provider “%s”", provider);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bk_calendar_panel_class_init (BkCalendarPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = bk_calendar_panel_constructed;
  object_class->dispose = bk_calendar_panel_dispose;
  object_class->get_property = bk_calendar_panel_get_property;
  object_class->set_property = bk_calendar_panel_set_property;
  widget_class->unroot = bk_calendar_panel_unroot;

  properties [PROP_PROVIDER] =
    g_param_spec_string ("provider", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals [REFRESHED] =
    g_signal_new ("refreshed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/bk-calendar-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, BkCalendarPanel, stack);
  gtk_widget_class_bind_template_child (widget_class, BkCalendarPanel, connect_page);
  gtk_widget_class_bind_template_child (widget_class, BkCalendarPanel, connecting_page);
  gtk_widget_class_bind_template_child (widget_class, BkCalendarPanel, connect_button);
  gtk_widget_class_bind_template_child (widget_class, BkCalendarPanel, reconnect_button);
  gtk_widget_class_bind_template_child (widget_class, BkCalendarPanel, disconnect_button);
  gtk_widget_class_bind_template_child (widget_class, BkCalendarPanel, connect_spinner);
  gtk_widget_class_bind_template_child (widget_class, BkCalendarPanel, reconnect_revealer);
  gtk_widget_class_bind_template_child (widget_class, BkCalendarPanel, reconnect_label);
  gtk_widget_class_bind_template_child (widget_class, BkCalendarPanel, account_row);
  gtk_widget_class_bind_template_child (widget_class, BkCalendarPanel, last_sync_row);
  gtk_widget_class_bind_template_child (widget_class, BkCalendarPanel, refresh_button);
  gtk_widget_class_bind_template_child (widget_class, BkCalendarPanel, calendars_group);
  gtk_widget_class_bind_template_child (widget_class, BkCalendarPanel, destination_row);
  gtk_widget_class_bind_template_child (widget_class, BkCalendarPanel, tentative_switch);
  gtk_widget_class_bind_template_child (widget_class, BkCalendarPanel, oof_switch);
  gtk_widget_class_bind_template_child (widget_class, BkCalendarPanel, buffer_before_spin);
  gtk_widget_class_bind_template_child (widget_class, BkCalendarPanel, buffer_after_spin);
  gtk_widget_class_bind_template_callback (widget_class, connect_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, copy_link_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, refresh_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, disconnect_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, policy_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, buffer_changed_cb);
}

static void
bk_calendar_panel_init (BkCalendarPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->calendar_rows = g_ptr_array_new ();
  self->destination_ids = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect_swapped (self->destination_row, "notify::selected",
                            G_CALLBACK (destination_changed_cb), self);

  self->store_signals = g_signal_group_new (BK_TYPE_STORE);
  g_signal_group_connect_swapped (self->store_signals, "changed",
                                  G_CALLBACK (queue_sync), self);
}

GtkWidget *
bk_calendar_panel_new (const char *provider)
{
  g_return_val_if_fail (provider != NULL, NULL);

  return g_object_new (BK_TYPE_CALENDAR_PANEL, "provider", provider, NULL);
}

const char *
bk_calendar_panel_get_provider (BkCalendarPanel *self)
{
  g_return_val_if_fail (BK_IS_CALENDAR_PANEL (self), NULL);

  return self->info->provider;
}

void
bk_calendar_panel_set_store (BkCalendarPanel *self,
                             BkStore         *store)
{
  g_return_if_fail (BK_IS_CALENDAR_PANEL (self));
  g_return_if_fail (store == NULL || BK_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;
  g_signal_group_set_target (self->store_signals, store);
  g_clear_pointer (&self->calendars_key, g_free);
  sync_from_store (self);
}

void
bk_calendar_panel_set_strategy (BkCalendarPanel        *self,
                                BkAvailabilityStrategy *strategy)
{
  g_return_if_fail (BK_IS_CALENDAR_PANEL (self));
  g_return_if_fail (strategy == NULL || G_TYPE_CHECK_INSTANCE_TYPE (strategy, self->info->get_type ()));

  g_set_object (&self->strategy, strategy);
}

void
bk_calendar_panel_set_open_uri_func (BkCalendarPanel *self,
                                     BkOpenUriFunc    func,
                                     gpointer         user_data)
{
  g_return_if_fail (BK_IS_CALENDAR_PANEL (self));

  self->open_uri_func = func;
  self->open_uri_data = user_data;
}
