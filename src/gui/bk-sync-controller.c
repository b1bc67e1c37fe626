/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-sync-controller"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-appointment.h"
#include "bk-availability-rules.h"
#include "bk-backend-account.h"
#include "bk-google-calendar-strategy.h"
#include "bk-office365-calendar-strategy.h"
#include "bk-settings.h"
#include "bk-store.h"
#include "bk-sync-controller.h"
#include "bk-token-store.h"

/* More new bookings than this in one pass make one summary notification
 * (the first pass after signing in may bring a whole calendar's worth). */
#define MAX_NOTIFICATIONS_PER_PASS 5
/* Bookings further back than this are history, not news. */
#define NOTIFY_PAST_SECONDS (24 * 3600)

struct _BkSyncController
{
  GObject          parent_instance;

  BkStore         *store;
  GApplication    *application;   /* weak */
  BkHttp          *http;
  BkBackendClient *client;
  BkSyncEngine    *engine;
  BkSource         engine_source;
  char            *account;
  char            *server;
  char            *account_error;  /* why the account could not be opened */
  GCancellable    *cancellable;    /* the running pass or account opening */
  GHashTable      *before;         /* id → BkAppointmentStatus, before the pass */
  GNetworkMonitor *monitor;
  gulong           network_id;
  GSettings       *settings;
  guint            period;         /* seconds, from "sync-interval-seconds" */
  guint            timer_id;
  gboolean         network_available;
  gboolean         started;
  gboolean         opening;
  gboolean         running;
  gboolean         again;
  guint            passes;
  guint            notifications_sent;
};

enum {
  PROP_0,
  PROP_STORE,
  PROP_APPLICATION,
  PROP_NETWORK_MONITOR,
  PROP_ENGINE,
  PROP_ACCOUNT,
  PROP_SERVER,
  PROP_ACCOUNT_ERROR,
  PROP_RUNNING,
  PROP_PASSES,
  PROP_NOTIFICATIONS_SENT,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (BkSyncController, bk_sync_controller, G_TYPE_OBJECT)

static GParamSpec *properties [N_PROPS];

static void run_pass (BkSyncController *self);
static void restart_timer (BkSyncController *self);

static void
set_account_error (BkSyncController *self,
                   const char       *message)
{
  if (g_strcmp0 (message, self->account_error) == 0)
    return;
  g_free (self->account_error);
  self->account_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_ACCOUNT_ERROR]);
}

static BkHttp *
create_http (void)
{
  BkHttp *http = bk_http_new ();
  const char *scale = g_getenv ("BOOKABLE_BACKOFF_SCALE");

  /* a pass gives up on a struggling server within seconds; the next
   * trigger retries, and nothing queued is lost meanwhile */
  g_object_set (http, "max-attempts", 3, "base-delay", 0.5, "max-delay", 5.0, NULL);
  /* tests and the demo make fault storms pass in milliseconds */
  if (scale != NULL)
    g_object_set (http, "backoff-scale", g_ascii_strtod (scale, NULL), NULL);
  return http;
}

static void
load_account (BkSyncController *self)
{
  g_autofree char *account = bk_store_get_sync_state (self->store, BK_SYNC_KEY_EMAIL, NULL);
  g_autofree char *server = bk_store_get_sync_state (self->store, BK_SYNC_KEY_SERVER, NULL);

  if (g_strcmp0 (account, self->account) != 0)
    {
      g_free (self->account);
      self->account = g_steal_pointer (&account);
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_ACCOUNT]);
    }
  if (g_strcmp0 (server, self->server) != 0)
    {
      g_free (self->server);
      self->server = g_steal_pointer (&server);
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_SERVER]);
    }
}

static void
set_engine (BkSyncController *self,
            BkSyncEngine     *engine)
{
  if (g_set_object (&self->engine, engine))
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_ENGINE]);
}

/* The active source's strategy (NULL for manual), as bookablectl sync
 * picks it: publishing manual slots for a calendar source would offer time
 * the calendar has taken. */
static BkAvailabilityStrategy *
create_strategy (BkSyncController *self,
                 BkSource          source)
{
  g_autoptr(BkTokenStore) tokens = NULL;

  switch (source)
    {
    case BK_SOURCE_OFFICE365_CALENDAR:
      tokens = bk_token_store_new ();
      return BK_AVAILABILITY_STRATEGY (bk_office365_calendar_strategy_new (self->store, self->http, tokens, NULL));
    case BK_SOURCE_GOOGLE_CALENDAR:
      tokens = bk_token_store_new ();
      return BK_AVAILABILITY_STRATEGY (bk_google_calendar_strategy_new (self->store, self->http, tokens, NULL));
    case BK_SOURCE_MANUAL:
    default:
      return NULL;
    }
}

/* A new engine when there is none yet or the source changed since. */
static void
ensure_engine (BkSyncController *self)
{
  BkSource source = bk_store_get_active_source (self->store, NULL);
  g_autoptr(BkAvailabilityStrategy) strategy = NULL;
  g_autoptr(BkSyncEngine) engine = NULL;

  if (self->client == NULL || (self->engine != NULL && source == self->engine_source))
    return;
  strategy = create_strategy (self, source);
  engine = bk_sync_engine_new (self->store, self->client, strategy);
  self->engine_source = source;
  set_engine (self, engine);
}

/* --- notifications ------------------------------------------------------ */

static GTimeZone *
dup_expert_zone (BkSyncController *self)
{
  g_autoptr(BkAvailabilityRules) rules = bk_store_load_rules (self->store, NULL);
  GTimeZone *tz = NULL;

  if (rules != NULL && rules->time_zone != NULL)
    tz = g_time_zone_new_identifier (rules->time_zone);
  return tz != NULL ? tz : g_time_zone_new_local ();
}

static char *
describe_appointment (BkAppointment *appointment,
                      GTimeZone     *tz)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (bk_appointment_get_start (appointment));
  g_autoptr(GDateTime) start = g_date_time_to_timezone (utc, tz);
  /* Translators: when an appointment starts, in a notification; see strftime(3) */
  g_autofree char *when = g_date_time_format (start, _("%A, %-d %B at %H:%M"));

  /* Translators: "Client Name, Monday, 2 December at 14:00" */
  return g_strdup_printf (_("%s, %s"), bk_appointment_get_client_name (appointment), when);
}

static void
send_notification (BkSyncController *self,
                   const char       *id,
                   const char       *title,
                   const char       *body,
                   const char       *appointment_id)
{
  g_autoptr(GNotification) notification = g_notification_new (title);

  if (self->application == NULL || !g_application_get_is_registered (self->application))
    return;
  g_notification_set_body (notification, body);
  if (appointment_id != NULL)
    g_notification_set_default_action_and_target (notification, "app.show-appointment",
                                                  "s", appointment_id);
  else
    g_notification_set_default_action (notification, "app.activate");
  g_application_send_notification (self->application, id, notification);
  self->notifications_sent++;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_NOTIFICATIONS_SENT]);
}

static void
notify_appointment (BkSyncController *self,
                    BkAppointment    *appointment,
                    gboolean          cancelled,
                    GTimeZone        *tz)
{
  g_autofree char *body = describe_appointment (appointment, tz);
  g_autofree char *id = g_strdup_printf ("%s-%s", cancelled ? "cancelled" : "booked",
                                         bk_appointment_get_id (appointment));

  send_notification (self, id, cancelled ? _("Booking Cancelled by the Client") : _("New Booking"),
                     body, bk_appointment_get_id (appointment));
}

/* Compares the appointments after the pass with self->before: new booked
 * ones are bookings; booked ones now cancelled without a local change are
 * client cancellations (the expert's own show as cancelled before). */
static void
notify_changes (BkSyncController *self,
                GPtrArray        *after)
{
  g_autoptr(GPtrArray) booked = g_ptr_array_new ();
  g_autoptr(GPtrArray) cancelled = g_ptr_array_new ();
  g_autoptr(GTimeZone) tz = dup_expert_zone (self);

  for (guint i = 0; i < after->len; i++)
    {
      BkAppointment *appt = g_ptr_array_index (after, i);
      BkAppointmentStatus status = bk_appointment_get_status (appt);
      gpointer old = NULL;
      gboolean known = g_hash_table_lookup_extended (self->before, bk_appointment_get_id (appt), NULL, &old);

      if (!known && status == BK_APPOINTMENT_STATUS_BOOKED)
        g_ptr_array_add (booked, appt);
      else if (known && GPOINTER_TO_INT (old) == BK_APPOINTMENT_STATUS_BOOKED &&
               status == BK_APPOINTMENT_STATUS_CANCELLED && !bk_appointment_get_pending (appt))
        g_ptr_array_add (cancelled, appt);
    }

  if (booked->len > MAX_NOTIFICATIONS_PER_PASS)
    {
      g_autofree char *title = g_strdup_printf (ngettext ("%u New Booking", "%u New Bookings", booked->len),
                                                booked->len);

      send_notification (self, "new-bookings", title, _("Open Bookable to see your schedule."), NULL);
    }
  else
    for (guint i = 0; i < booked->len; i++)
      notify_appointment (self, g_ptr_array_index (booked, i), FALSE, tz);
  for (guint i = 0; i < cancelled->len && i < MAX_NOTIFICATIONS_PER_PASS; i++)
    notify_appointment (self, g_ptr_array_index (cancelled, i), TRUE, tz);
}

/* --- the pass ------------------------------------------------------------ */

static void
set_running (BkSyncController *self,
             gboolean          running)
{
  if (self->running == running)
    return;
  self->running = running;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_RUNNING]);
}

static void
pass_done (BkSyncController *self)
{
  g_clear_pointer (&self->before, g_hash_table_unref);
  self->passes++;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_PASSES]);
  set_running (self, FALSE);
  if (self->again)
    {
      self->again = FALSE;
      bk_sync_controller_sync (self);
      return;
    }
  /* the period counts from the end of the last pass, whatever started it:
   * a slow server gets its pause, and ticks never pile up behind a pass */
  restart_timer (self);
}

static void
after_listed_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(BkSyncController) self = user_data;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GError) error = NULL;

  after = bk_store_list_appointments_finish (BK_STORE (object), result, &error);
  if (after != NULL && self->before != NULL)
    notify_changes (self, after);
  else if (after == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Cannot list appointments after a sync: %s", error->message);
  pass_done (self);
}

static void
list_around_now (BkSyncController    *self,
                 GAsyncReadyCallback  callback)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  bk_store_list_appointments_async (self->store, now - NOTIFY_PAST_SECONDS, G_MAXINT64,
                                    self->cancellable, callback, g_object_ref (self));
}

static void
synced_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(BkSyncController) self = user_data;
  g_autoptr(BkSyncReport) report = NULL;
  g_autoptr(GError) error = NULL;

  /* the engine's properties say why a pass failed; the bar shows them */
  report = bk_sync_engine_sync_finish (BK_SYNC_ENGINE (object), result, &error);
  if (report == NULL)
    g_debug ("Sync pass failed: %s", error->message);
  /* a failed pass may still have stored part of the feed: compare anyway */
  if (g_cancellable_is_cancelled (self->cancellable))
    {
      pass_done (self);
      return;
    }
  list_around_now (self, after_listed_cb);
}

static void
before_listed_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(BkSyncController) self = user_data;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GError) error = NULL;

  before = bk_store_list_appointments_finish (BK_STORE (object), result, &error);
  if (before == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      pass_done (self);
      return;
    }
  /* without the list before, every appointment would look new: no news */
  if (before != NULL)
    self->before = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  else
    g_warning ("Cannot list appointments before a sync: %s", error->message);
  for (guint i = 0; before != NULL && i < before->len; i++)
    {
      BkAppointment *appt = g_ptr_array_index (before, i);

      g_hash_table_insert (self->before, g_strdup (bk_appointment_get_id (appt)),
                           GINT_TO_POINTER (bk_appointment_get_status (appt)));
    }
  ensure_engine (self);
  if (self->engine == NULL)
    {
      pass_done (self);
      return;
    }
  bk_sync_engine_sync_async (self->engine, self->cancellable, synced_cb, g_object_ref (self));
}

static void
run_pass (BkSyncController *self)
{
  g_assert (!self->running);

  set_running (self, TRUE);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  list_around_now (self, before_listed_cb);
}

/* --- the account --------------------------------------------------------- */

static void
client_opened_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(BkSyncController) self = user_data;
  g_autoptr(BkBackendClient) client = NULL;
  g_autoptr(GError) error = NULL;

  self->opening = FALSE;
  client = bk_backend_account_open_client_finish (result, &error);
  if (client == NULL)
    {
      /* the bar shows it with a Sign In button */
      set_account_error (self, error->message);
      return;
    }
  set_account_error (self, NULL);
  g_set_object (&self->client, client);
  ensure_engine (self);
  bk_sync_controller_sync (self);
}

static void
network_changed_cb (GNetworkMonitor  *monitor,
                    gboolean          available,
                    BkSyncController *self)
{
  gboolean came_back = available && !self->network_available;

  self->network_available = available;
  if (came_back)
    bk_sync_controller_sync (self);
}

/* A tick during a pass adds nothing: that pass is as fresh as the tick
 * would be, and the period restarts when it ends. With the network down
 * there is nothing to reach: the network coming back syncs at once. */
static gboolean
timer_cb (gpointer user_data)
{
  BkSyncController *self = user_data;

  if (!self->running && self->network_available)
    bk_sync_controller_sync (self);
  return G_SOURCE_CONTINUE;
}

static void
restart_timer (BkSyncController *self)
{
  if (!self->started)
    return;
  g_clear_handle_id (&self->timer_id, g_source_remove);
  self->timer_id = g_timeout_add_seconds (self->period, timer_cb, self);
}

static void
period_changed_cb (GSettings        *settings,
                   const char       *key,
                   BkSyncController *self)
{
  guint period = g_settings_get_uint (settings, "sync-interval-seconds");

  if (period == self->period)
    return;
  self->period = period;
  restart_timer (self);
}

/* --- GObject ------------------------------------------------------------- */

static void
bk_sync_controller_dispose (GObject *object)
{
  BkSyncController *self = BK_SYNC_CONTROLLER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_signal_handler (&self->network_id, self->monitor);
  g_clear_handle_id (&self->timer_id, g_source_remove);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);
  g_clear_object (&self->monitor);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->engine);
  g_clear_object (&self->client);
  g_clear_object (&self->http);
  g_clear_object (&self->store);
  g_clear_weak_pointer (&self->application);
  g_clear_pointer (&self->before, g_hash_table_unref);

  G_OBJECT_CLASS (bk_sync_controller_parent_class)->dispose (object);
}

static void
bk_sync_controller_finalize (GObject *object)
{
  BkSyncController *self = BK_SYNC_CONTROLLER (object);

  g_free (self->account);
  g_free (self->server);
  g_free (self->account_error);

  G_OBJECT_CLASS (bk_sync_controller_parent_class)->finalize (object);
}

static void
bk_sync_controller_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  BkSyncController *self = BK_SYNC_CONTROLLER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_APPLICATION:
      g_value_set_object (value, self->application);
      break;
    case PROP_NETWORK_MONITOR:
      g_value_set_object (value, self->monitor);
      break;
    case PROP_ENGINE:
      g_value_set_object (value, self->engine);
      break;
    case PROP_ACCOUNT:
      g_value_set_string (value, self->account);
      break;
    case PROP_SERVER:
      g_value_set_string (value, self->server);
      break;
    case PROP_ACCOUNT_ERROR:
      g_value_set_string (value, self->account_error);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    case PROP_PASSES:
      g_value_set_uint (value, self->passes);
      break;
    case PROP_NOTIFICATIONS_SENT:
      g_value_set_uint (value, self->notifications_sent);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bk_sync_controller_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  BkSyncController *self = BK_SYNC_CONTROLLER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_APPLICATION:
      g_set_weak_pointer (&self->application, g_value_get_object (value));
      break;
    case PROP_NETWORK_MONITOR:
      self->monitor = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bk_sync_controller_constructed (GObject *object)
{
  BkSyncController *self = BK_SYNC_CONTROLLER (object);

  G_OBJECT_CLASS (bk_sync_controller_parent_class)->constructed (object);

  g_assert (BK_IS_STORE (self->store));
  if (self->monitor == NULL)
    self->monitor = g_object_ref (g_network_monitor_get_default ());
  self->settings = bk_settings_new ();
  self->period = g_settings_get_uint (self->settings, "sync-interval-seconds");
  g_signal_connect (self->settings, "changed::sync-interval-seconds",
                    G_CALLBACK (period_changed_cb), self);
  load_account (self);
}

static void
bk_sync_controller_class_init (BkSyncControllerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags construct_flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = bk_sync_controller_dispose;
  object_class->finalize = bk_sync_controller_finalize;
  object_class->get_property = bk_sync_controller_get_property;
  object_class->set_property = bk_sync_controller_set_property;
  object_class->constructed = bk_sync_controller_constructed;

  properties [PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, BK_TYPE_STORE, construct_flags);
  properties [PROP_APPLICATION] =
    g_param_spec_object ("application", NULL, NULL, G_TYPE_APPLICATION, construct_flags);
  properties [PROP_NETWORK_MONITOR] =
    g_param_spec_object ("network-monitor", NULL, NULL, G_TYPE_NETWORK_MONITOR, construct_flags);

  properties [PROP_ENGINE] =
    g_param_spec_object ("engine", NULL, NULL, BK_TYPE_SYNC_ENGINE, flags);
  properties [PROP_ACCOUNT] =
    g_param_spec_string ("account", NULL, NULL, NULL, flags);
  properties [PROP_SERVER] =
    g_param_spec_string ("server", NULL, NULL, NULL, flags);
  properties [PROP_ACCOUNT_ERROR] =
    g_param_spec_string ("account-error", NULL, NULL, NULL, flags);
  properties [PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE, flags);
  properties [PROP_PASSES] =
    g_param_spec_uint ("passes", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties [PROP_NOTIFICATIONS_SENT] =
    g_param_spec_uint ("notifications-sent", NULL, NULL, 0, G_MAXUINT, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bk_sync_controller_init (BkSyncController *self)
{
  self->http = create_http ();
}

/* --- public API ---------------------------------------------------------- */

BkSyncController *
bk_sync_controller_new (BkStore      *store,
                        GApplication *application)
{
  g_return_val_if_fail (BK_IS_STORE (store), NULL);
  g_return_val_if_fail (application == NULL || G_IS_APPLICATION (application), NULL);

  return g_object_new (BK_TYPE_SYNC_CONTROLLER,
                       "store", store,
                       "application", application,
                       NULL);
}

BkStore *
bk_sync_controller_get_store (BkSyncController *self)
{
  g_return_val_if_fail (BK_IS_SYNC_CONTROLLER (self), NULL);
  return self->store;
}

GNetworkMonitor *
bk_sync_controller_get_network_monitor (BkSyncController *self)
{
  g_return_val_if_fail (BK_IS_SYNC_CONTROLLER (self), NULL);
  return self->monitor;
}

guint
bk_sync_controller_get_period (BkSyncController *self)
{
  g_return_val_if_fail (BK_IS_SYNC_CONTROLLER (self), 0);
  return self->period;
}

BkSyncEngine *
bk_sync_controller_get_engine (BkSyncController *self)
{
  g_return_val_if_fail (BK_IS_SYNC_CONTROLLER (self), NULL);
  return self->engine;
}

const char *
bk_sync_controller_get_account (BkSyncController *self)
{
  g_return_val_if_fail (BK_IS_SYNC_CONTROLLER (self), NULL);
  return self->account;
}

const char *
bk_sync_controller_get_server (BkSyncController *self)
{
  g_return_val_if_fail (BK_IS_SYNC_CONTROLLER (self), NULL);
  return self->server;
}

const char *
bk_sync_controller_get_account_error (BkSyncController *self)
{
  g_return_val_if_fail (BK_IS_SYNC_CONTROLLER (self), NULL);
  return self->account_error;
}

gboolean
bk_sync_controller_get_sign_in_needed (BkSyncController *self)
{
  g_return_val_if_fail (BK_IS_SYNC_CONTROLLER (self), FALSE);

  return self->account != NULL &&
         (self->account_error != NULL ||
          (self->engine != NULL && bk_sync_engine_get_state (self->engine) == BK_SYNC_STATE_SIGN_IN_NEEDED));
}

gboolean
bk_sync_controller_get_running (BkSyncController *self)
{
  g_return_val_if_fail (BK_IS_SYNC_CONTROLLER (self), FALSE);
  return self->running;
}

guint
bk_sync_controller_get_passes (BkSyncController *self)
{
  g_return_val_if_fail (BK_IS_SYNC_CONTROLLER (self), 0);
  return self->passes;
}

guint
bk_sync_controller_get_notifications_sent (BkSyncController *self)
{
  g_return_val_if_fail (BK_IS_SYNC_CONTROLLER (self), 0);
  return self->notifications_sent;
}

void
bk_sync_controller_start (BkSyncController *self)
{
  g_return_if_fail (BK_IS_SYNC_CONTROLLER (self));

  if (self->started)
    {
      bk_sync_controller_sync (self);
      return;
    }
  self->started = TRUE;
  self->network_available = g_network_monitor_get_network_available (self->monitor);
  self->network_id = g_signal_connect (self->monitor, "network-changed",
                                       G_CALLBACK (network_changed_cb), self);
  restart_timer (self);
  /* even with the network down: the pass says "offline" in the bar, and a
   * server on the local machine or network may still answer */
  bk_sync_controller_sync (self);
}

void
bk_sync_controller_sync (BkSyncController *self)
{
  g_return_if_fail (BK_IS_SYNC_CONTROLLER (self));

  if (self->running)
    {
      self->again = TRUE;
      return;
    }
  if (self->client != NULL)
    {
      run_pass (self);
      return;
    }
  /* signed in (maybe by bookablectl) but the token not read yet */
  load_account (self);
  if (self->account != NULL && !self->opening)
    {
      self->opening = TRUE;
      bk_backend_account_open_client_async (self->store, self->http, NULL,
                                            client_opened_cb, g_object_ref (self));
    }
}

static void
signed_in_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BkSyncController *self = g_task_get_source_object (task);
  g_autoptr(BkBackendClient) client = NULL;
  g_autoptr(GError) error = NULL;

  client = bk_backend_account_sign_in_finish (result, &error);
  if (client == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* the old account's pass (if any) stops; the new one syncs at once */
  g_cancellable_cancel (self->cancellable);
  g_set_object (&self->client, client);
  set_engine (self, NULL);
  ensure_engine (self);
  load_account (self);
  set_account_error (self, NULL);
  bk_sync_controller_sync (self);
  g_task_return_boolean (task, TRUE);
}

void
bk_sync_controller_sign_in_async (BkSyncController    *self,
                                  const char          *server,
                                  const char          *email,
                                  const char          *password,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (BK_IS_SYNC_CONTROLLER (self));
  g_return_if_fail (server != NULL && email != NULL && password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bk_sync_controller_sign_in_async);
  bk_backend_account_sign_in_async (self->store, self->http, server, email, password,
                                    cancellable, signed_in_cb, g_object_ref (task));
}

gboolean
bk_sync_controller_sign_in_finish (BkSyncController  *self,
                                   GAsyncResult      *result,
                                   GError           **error)
{
  g_return_val_if_fail (BK_IS_SYNC_CONTROLLER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
signed_out_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BkSyncController *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (!bk_backend_account_sign_out_finish (result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->client);
  set_engine (self, NULL);
  load_account (self);
  set_account_error (self, NULL);
  g_task_return_boolean (task, TRUE);
}

void
bk_sync_controller_sign_out_async (BkSyncController    *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (BK_IS_SYNC_CONTROLLER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bk_sync_controller_sign_out_async);
  bk_backend_account_sign_out_async (self->store, self->http, cancellable,
                                     signed_out_cb, g_object_ref (task));
}

gboolean
bk_sync_controller_sign_out_finish (BkSyncController  *self,
                                    GAsyncResult      *result,
                                    GError           **error)
{
  g_return_val_if_fail (BK_IS_SYNC_CONTROLLER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
