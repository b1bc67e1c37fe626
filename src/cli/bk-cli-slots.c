/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-availability-rules.h"
#include "bk-cli-private.h"
#include "bk-interval.h"
#include "bk-slot-engine.h"
#include "bk-store.h"
#include "bk-time.h"

typedef struct
{
  gint64   from;
  gint64   to;
  gint64   now;
  gboolean json;
} SlotsQuery;

/* Busy time just outside [from, to) still matters: buffers reach past a
 * slot's ends, and the daily limit counts bookings over the slot's whole
 * local day, which may begin a day (and a UTC offset) before @from. */
static gint64
get_load_margin (const BkAvailabilityRules *rules)
{
  gint64 reach = (gint64) rules->slot_minutes + rules->buffer_before_minutes +
                 rules->buffer_after_minutes;

  return 2 * 86400 + reach * 60;
}

static GArray *
compute_slots (BkStore           *store,
               const SlotsQuery  *query,
               GError           **error)
{
  g_autoptr(BkAvailabilityRules) rules = NULL;
  g_autoptr(GArray) busy = NULL;
  g_autoptr(GArray) booked = NULL;
  gint64 margin;

  rules = bk_store_load_rules (store, error);
  if (rules == NULL)
    return NULL;

  margin = get_load_margin (rules);
  if (!bk_store_load_busy_and_booked (store, query->from - margin, query->to + margin,
                                      &busy, &booked, error))
    return NULL;

  return bk_slot_engine_compute (rules,
                                 (const BkInterval *) busy->data, busy->len,
                                 (const BkInterval *) booked->data, booked->len,
                                 query->now, query->from, query->to, error);
}

static JsonNode *
slots_to_json (GArray *slots)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  for (guint i = 0; i < slots->len; i++)
    {
      const BkInterval *slot = &g_array_index (slots, BkInterval, i);
      g_autofree char *start = bk_time_format_iso8601_utc (slot->start);
      g_autofree char *end = bk_time_format_iso8601_utc (slot->end);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "start");
      json_builder_add_string_value (builder, start);
      json_builder_set_member_name (builder, "end");
      json_builder_add_string_value (builder, end);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  return json_builder_get_root (builder);
}

static void
print_slots_table (GArray *slots)
{
  g_autoptr(GString) table = g_string_new (NULL);
  g_autofree char *zone = _bk_cli_local_zone_name ();
  gint last_day = 0;

  if (slots->len == 0)
    {
      g_print ("%s\n", _("No free slots in this range."));
      return;
    }

  g_string_append_printf (table, _("Free slots (times in %s)"), zone);
  g_string_append_c (table, '\n');
  for (guint i = 0; i < slots->len; i++)
    {
      const BkInterval *slot = &g_array_index (slots, BkInterval, i);
      g_autofree char *start = _bk_cli_format_local (slot->start, "%H:%M");
      g_autofree char *end = _bk_cli_format_local (slot->end, "%H:%M");

      _bk_cli_append_day_heading (table, slot->start, &last_day);
      g_string_append_printf (table, "  %s–%s\n", start, end);
    }

  _bk_cli_print_table (table);
}

static gboolean
parse_query (const char  *from_text,
             const char  *to_text,
             const char  *now_text,
             SlotsQuery  *query,
             GError     **error)
{
  if (from_text == NULL)
    {
      g_set_error_literal (error, BK_CLI_ERROR, BK_CLI_ERROR_USAGE, _("Missing --from"));
      return FALSE;
    }
  if (to_text == NULL)
    {
      g_set_error_literal (error, BK_CLI_ERROR, BK_CLI_ERROR_USAGE, _("Missing --to"));
      return FALSE;
    }
  if (!_bk_cli_parse_instant ("--from", from_text, &query->from, error) ||
      !_bk_cli_parse_instant ("--to", to_text, &query->to, error))
    return FALSE;

  if (now_text == NULL)
    query->now = _bk_cli_now ();
  else if (!_bk_cli_parse_instant ("--now", now_text, &query->now, error))
    return FALSE;

  return _bk_cli_check_span (query->from, query->to, error);
}

int
_bk_cli_slots_run (int    argc,
                   char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BkStore) store = NULL;
  g_autoptr(GArray) slots = NULL;
  g_autoptr(BkSlotReport) report = NULL;
  g_auto(GStrv) rest = NULL;
  g_autofree char *from_text = NULL;
  g_autofree char *to_text = NULL;
  g_autofree char *now_text = NULL;
  SlotsQuery query = { 0 };
  BkSource source;
  gboolean help = FALSE;
  const GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING, &from_text, N_("First slot start to consider (ISO 8601 with offset)"), N_("ISO") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to_text, N_("Slots must start before this instant"), N_("ISO") },
    { "now", 0, 0, G_OPTION_ARG_STRING, &now_text, N_("Pretend it is this instant (default: the real time)"), N_("ISO") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &query.json, N_("Print JSON: [{\"start\", \"end\"}] in UTC"), NULL },
    G_OPTION_ENTRY_NULL
  };

  context = _bk_cli_context_new ("slots", NULL,
                                 _("Print the free slots a client would be offered whose start "
                                   "lies in [--from, --to): the rules with the manual blocks, "
                                   "calendar busy times and booked appointments taken out. "
                                   "With Office 365 Calendar connected its busy times are read "
                                   "live, or from the cache when Microsoft cannot be reached "
                                   "(the table says so on stderr). "
                                   "The table uses this machine's time zone."),
                                 entries, &help);
  if (!_bk_cli_parse (context, argc, argv, &rest, &error))
    return _bk_cli_report (context, error);
  if (help)
    return _bk_cli_print_help (context);
  if (rest[0] != NULL)
    return _bk_cli_usage_error (context, _("Too many arguments"));
  if (!parse_query (from_text, to_text, now_text, &query, &error))
    return _bk_cli_report (context, error);

  store = _bk_cli_open_store (&error);
  if (store == NULL)
    return _bk_cli_report (NULL, error);

  source = bk_store_get_active_source (store, &error);
  if (error != NULL)
    return _bk_cli_report (NULL, error);
  if (source != BK_SOURCE_MANUAL)
    slots = _bk_cli_calendar_slots (store, source, query.from, query.to, query.now, &report, &error);
  else
    slots = compute_slots (store, &query, &error);
  if (slots == NULL)
    return _bk_cli_report (NULL, error);
  /* why time is missing goes to stderr, so --json stays the bare array */
  if (report != NULL && !query.json)
    _bk_cli_print_slot_report (store, report);

  if (query.json)
    {
      g_autoptr(JsonNode) node = slots_to_json (slots);
      _bk_cli_print_json (node);
    }
  else
    {
      print_slots_table (slots);
    }

  return BK_CLI_EXIT_OK;
}
