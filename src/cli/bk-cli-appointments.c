/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-appointment.h"
#include "bk-cli-private.h"
#include "bk-store.h"
#include "bk-time.h"

#define DEFAULT_SPAN_DAYS 30

static void
add_nullable_string (JsonBuilder *builder,
                     const char  *name,
                     const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/* "conflicts_with": the calendar times a conflicting booking collides
 * with, as the sync pass stored them */
static void
add_conflicts (JsonBuilder   *builder,
               BkStore       *store,
               BkAppointment *appointment)
{
  g_autofree char *text = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  json_builder_set_member_name (builder, "conflicts_with");
  if (bk_appointment_get_conflict (appointment)
      && (text = bk_store_dup_conflicts (store, bk_appointment_get_id (appointment), NULL)) != NULL
      && json_parser_load_from_data (parser, text, -1, NULL)
      && JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
    json_builder_add_value (builder, json_node_copy (json_parser_get_root (parser)));
  else
    {
      json_builder_begin_array (builder);
      json_builder_end_array (builder);
    }
}

static void
add_appointment (JsonBuilder   *builder,
                 BkStore       *store,
                 BkAppointment *appointment)
{
  g_autofree char *start = bk_time_format_iso8601_utc (bk_appointment_get_start (appointment));
  g_autofree char *end = bk_time_format_iso8601_utc (bk_appointment_get_end (appointment));
  BkAppointmentStatus status = bk_appointment_get_status (appointment);

  json_builder_begin_object (builder);
  add_nullable_string (builder, "id", bk_appointment_get_id (appointment));
  add_nullable_string (builder, "start", start);
  add_nullable_string (builder, "end", end);
  add_nullable_string (builder, "client_name", bk_appointment_get_client_name (appointment));
  add_nullable_string (builder, "client_email", bk_appointment_get_client_email (appointment));
  add_nullable_string (builder, "note", bk_appointment_get_note (appointment));
  add_nullable_string (builder, "status", bk_appointment_status_to_string (status));
  add_nullable_string (builder, "calendar_event_id",
                       bk_appointment_get_calendar_event_id (appointment));
  json_builder_set_member_name (builder, "conflict");
  json_builder_add_boolean_value (builder, bk_appointment_get_conflict (appointment));
  add_conflicts (builder, store, appointment);
  json_builder_set_member_name (builder, "pending");
  json_builder_add_boolean_value (builder, bk_appointment_get_pending (appointment));
  json_builder_end_object (builder);
}

static JsonNode *
appointments_to_json (BkStore   *store,
                      GPtrArray *appointments)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  for (guint i = 0; i < appointments->len; i++)
    add_appointment (builder, store, g_ptr_array_index (appointments, i));
  json_builder_end_array (builder);

  return json_builder_get_root (builder);
}

static const char *
get_status_label (BkAppointmentStatus status)
{
  switch (status)
    {
    case BK_APPOINTMENT_STATUS_BOOKED:
      return _("booked");
    case BK_APPOINTMENT_STATUS_CANCELLED:
      return _("cancelled");
    case BK_APPOINTMENT_STATUS_RESCHEDULED:
      return _("rescheduled");
    default:
      return "?";
    }
}

static void
append_appointment_row (GString       *table,
                        BkAppointment *appointment)
{
  g_autofree char *start = _bk_cli_format_local (bk_appointment_get_start (appointment), "%H:%M");
  g_autofree char *end = _bk_cli_format_local (bk_appointment_get_end (appointment), "%H:%M");
  const char *name = bk_appointment_get_client_name (appointment);
  const char *email = bk_appointment_get_client_email (appointment);

  g_string_append_printf (table, "  %s–%s  %-11s  %s", start, end,
                          get_status_label (bk_appointment_get_status (appointment)),
                          name != NULL ? name : "");
  if (email != NULL && *email != '\0')
    g_string_append_printf (table, " <%s>", email);
  if (bk_appointment_get_conflict (appointment))
    g_string_append_printf (table, "  [%s]", _("conflicts with the calendar"));
  if (bk_appointment_get_pending (appointment))
    g_string_append_printf (table, "  [%s]", _("not yet sent"));
  g_string_append_c (table, '\n');
}

static void
print_appointments_table (GPtrArray *appointments)
{
  g_autoptr(GString) table = g_string_new (NULL);
  g_autofree char *zone = _bk_cli_local_zone_name ();
  gint last_day = 0;

  if (appointments->len == 0)
    {
      g_print ("%s\n", _("No appointments in this range."));
      return;
    }

  g_string_append_printf (table, _("Appointments (times in %s)"), zone);
  g_string_append_c (table, '\n');
  for (guint i = 0; i < appointments->len; i++)
    {
      BkAppointment *appointment = g_ptr_array_index (appointments, i);

      _bk_cli_append_day_heading (table, bk_appointment_get_start (appointment), &last_day);
      append_appointment_row (table, appointment);
    }

  _bk_cli_print_table (table);
}

int
_bk_cli_appointments_run (int    argc,
                          char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BkStore) store = NULL;
  g_autoptr(GPtrArray) appointments = NULL;
  g_auto(GStrv) rest = NULL;
  g_autofree char *from_text = NULL;
  g_autofree char *to_text = NULL;
  gboolean help = FALSE;
  gboolean json = FALSE;
  gint64 from = 0, to = 0;
  const GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING, &from_text, N_("Start of the range (ISO 8601 with offset; default: now)"), N_("ISO") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to_text, N_("End of the range (default: 30 days after --from)"), N_("ISO") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON in UTC"), NULL },
    G_OPTION_ENTRY_NULL
  };

  context = _bk_cli_context_new ("appointments", NULL,
                                 _("Print the cached appointments (any status) that overlap "
                                   "[--from, --to), sorted by start. The table uses this "
                                   "machine's time zone. Change one with “appointments cancel "
                                   "ID” or “appointments reschedule ID --start ISO [--end ISO]”."),
                                 entries, &help);
  if (!_bk_cli_parse (context, argc, argv, &rest, &error))
    return _bk_cli_report (context, error);
  if (help)
    return _bk_cli_print_help (context);
  if (rest[0] != NULL)
    return _bk_cli_usage_error (context, _("Too many arguments"));
  if (!_bk_cli_parse_range (from_text, to_text, DEFAULT_SPAN_DAYS, &from, &to, &error))
    return _bk_cli_report (context, error);

  store = _bk_cli_open_store (&error);
  if (store == NULL)
    return _bk_cli_report (NULL, error);

  appointments = bk_store_list_appointments (store, from, to, &error);
  if (appointments == NULL)
    return _bk_cli_report (NULL, error);

  if (json)
    {
      g_autoptr(JsonNode) node = appointments_to_json (store, appointments);
      _bk_cli_print_json (node);
    }
  else
    {
      print_appointments_table (appointments);
    }

  return BK_CLI_EXIT_OK;
}
