/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-rules"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "bk-availability-rules.h"

/* the example of issue 2 */
static const char example_json[] =
  "{ \"time_zone\": \"Europe/Berlin\", \"slot_minutes\": 30, \"step_minutes\": 30,\n"
  "  \"buffer_before_minutes\": 0, \"buffer_after_minutes\": 10, \"min_notice_minutes\": 120,\n"
  "  \"horizon_days\": 60, \"daily_limit\": 0,\n"
  "  \"weekly\": { \"mon\": [[\"09:00\",\"12:00\"],[\"13:00\",\"17:00\"]], \"tue\": [], \"wed\": [[\"09:00\",\"17:00\"]] },\n"
  "  \"overrides\": [ { \"date\": \"2027-03-29\", \"hours\": [] },\n"
  "                 { \"date\": \"2027-04-03\", \"hours\": [[\"10:00\",\"14:00\"]] } ] }\n";

static void
set_date (GDate *date,
          int    year,
          int    month,
          int    day)
{
  g_date_clear (date, 1);
  g_date_set_dmy (date, day, month, year);
}

static void
assert_ranges (GArray      *ranges,
               const guint *minutes,
               guint        n_ranges)
{
  g_assert_nonnull (ranges);
  g_assert_cmpuint (ranges->len, ==, n_ranges);
  for (guint i = 0; i < n_ranges; i++)
    {
      g_assert_cmpuint (g_array_index (ranges, BkTimeRange, i).start, ==, minutes[2 * i]);
      g_assert_cmpuint (g_array_index (ranges, BkTimeRange, i).end, ==, minutes[2 * i + 1]);
    }
}

static void
test_defaults (void)
{
  g_autoptr(BkAvailabilityRules) rules = bk_availability_rules_new ();
  const guint office[] = { 540, 1020 };
  g_autoptr(GError) error = NULL;

  /* the suite runs with TZ=UTC */
  g_assert_cmpstr (rules->time_zone, ==, "UTC");
  g_assert_cmpuint (rules->slot_minutes, ==, 30);
  g_assert_cmpuint (rules->step_minutes, ==, 30);
  g_assert_cmpuint (rules->horizon_days, ==, 60);
  g_assert_cmpuint (rules->daily_limit, ==, 0);
  for (guint d = BK_WEEKDAY_MONDAY; d <= BK_WEEKDAY_FRIDAY; d++)
    assert_ranges (rules->weekly[d], office, 1);
  g_assert_cmpuint (rules->weekly[BK_WEEKDAY_SATURDAY]->len, ==, 0);
  g_assert_cmpuint (rules->weekly[BK_WEEKDAY_SUNDAY]->len, ==, 0);
  g_assert_cmpuint (rules->overrides->len, ==, 0);
  g_assert_true (bk_availability_rules_validate (rules, &error));
  g_assert_no_error (error);
}

static void
test_edit (void)
{
  g_autoptr(BkAvailabilityRules) rules = bk_availability_rules_new ();
  g_autoptr(BkAvailabilityRules) copy = NULL;
  const BkTimeRange unsorted[] = { { 780, 1020 }, { 540, 720 } };
  const guint mon[] = { 540, 720, 780, 1020 };
  const BkTimeRange short_day = { 600, 840 };
  const guint short_minutes[] = { 600, 840 };
  GDate monday, saturday, other;

  set_date (&monday, 2027, 3, 29);
  set_date (&saturday, 2027, 4, 3);
  set_date (&other, 2027, 4, 5);

  bk_availability_rules_set_weekly (rules, BK_WEEKDAY_MONDAY, unsorted, 2);
  assert_ranges (rules->weekly[BK_WEEKDAY_MONDAY], mon, 2);

  copy = bk_availability_rules_copy (rules);
  g_assert_true (bk_availability_rules_equal (rules, copy));

  /* an override wins over the weekday: closed Monday, short Saturday */
  bk_availability_rules_set_override (rules, &saturday, &short_day, 1);
  bk_availability_rules_set_override (rules, &monday, NULL, 0);
  g_assert_false (bk_availability_rules_equal (rules, copy));
  g_assert_cmpuint (rules->overrides->len, ==, 2);
  g_assert_cmpint (g_date_compare (&g_array_index (rules->overrides, BkDateOverride, 0).date, &monday), ==, 0);

  {
    g_autoptr(GArray) r1 = bk_availability_rules_get_ranges (rules, &monday);
    g_autoptr(GArray) r2 = bk_availability_rules_get_ranges (rules, &saturday);
    g_autoptr(GArray) r3 = bk_availability_rules_get_ranges (rules, &other);  /* a plain Monday */
    g_autoptr(GArray) r4 = bk_availability_rules_get_ranges (copy, &saturday);

    assert_ranges (r1, NULL, 0);
    assert_ranges (r2, short_minutes, 1);
    assert_ranges (r3, mon, 2);
    assert_ranges (r4, NULL, 0);
  }

  /* replacing an override keeps one entry per date */
  bk_availability_rules_set_override (rules, &monday, &short_day, 1);
  g_assert_cmpuint (rules->overrides->len, ==, 2);

  g_assert_true (bk_availability_rules_remove_override (rules, &monday));
  g_assert_true (bk_availability_rules_remove_override (rules, &saturday));
  g_assert_false (bk_availability_rules_remove_override (rules, &saturday));
  g_assert_true (bk_availability_rules_equal (rules, copy));
}

static void
test_import_example (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BkAvailabilityRules) rules = bk_availability_rules_new_from_json (example_json, -1, &error);
  const guint mon[] = { 540, 720, 780, 1020 };
  const guint wed[] = { 540, 1020 };
  const guint sat[] = { 600, 840 };
  GDate date;

  g_assert_no_error (error);
  g_assert_nonnull (rules);
  g_assert_cmpstr (rules->time_zone, ==, "Europe/Berlin");
  g_assert_cmpuint (rules->buffer_after_minutes, ==, 10);
  g_assert_cmpuint (rules->min_notice_minutes, ==, 120);
  assert_ranges (rules->weekly[BK_WEEKDAY_MONDAY], mon, 2);
  assert_ranges (rules->weekly[BK_WEEKDAY_TUESDAY], NULL, 0);
  assert_ranges (rules->weekly[BK_WEEKDAY_WEDNESDAY], wed, 1);
  /* missing weekdays have no hours */
  assert_ranges (rules->weekly[BK_WEEKDAY_THURSDAY], NULL, 0);
  assert_ranges (rules->weekly[BK_WEEKDAY_SUNDAY], NULL, 0);

  g_assert_cmpuint (rules->overrides->len, ==, 2);
  set_date (&date, 2027, 4, 3);
  {
    g_autoptr(GArray) r = bk_availability_rules_get_ranges (rules, &date);
    assert_ranges (r, sat, 1);
  }
}

static void
test_import_minimal (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BkAvailabilityRules) rules =
    bk_availability_rules_new_from_json ("{\"time_zone\": \"America/New_York\", "
                                         "\"weekly\": {\"sat\": [[\"22:00\", \"24:00\"]]}}", -1, &error);
  const guint sat[] = { 1320, 1440 };

  g_assert_no_error (error);
  /* missing numbers take the defaults of a new profile */
  g_assert_cmpuint (rules->slot_minutes, ==, 30);
  g_assert_cmpuint (rules->horizon_days, ==, 60);
  g_assert_cmpuint (rules->weekly[BK_WEEKDAY_MONDAY]->len, ==, 0);
  assert_ranges (rules->weekly[BK_WEEKDAY_SATURDAY], sat, 1);
}

/* export → import gives the same rules; the text has every key, in order */
static void
test_round_trip (void)
{
  static const char * const keys[] = {
    "time_zone", "slot_minutes", "step_minutes", "buffer_before_minutes",
    "buffer_after_minutes", "min_notice_minutes", "horizon_days", "daily_limit",
    "weekly", "overrides",
  };
  static const char * const days[] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };
  g_autoptr(BkAvailabilityRules) rules = bk_availability_rules_new_from_json (example_json, -1, NULL);
  g_autoptr(BkAvailabilityRules) again = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = bk_availability_rules_to_json (rules);
  g_autofree char *text_again = NULL;
  JsonObjectIter iter;
  const char *key;
  JsonNode *node;
  JsonObject *weekly;
  guint i = 0;

  again = bk_availability_rules_new_from_json (text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (bk_availability_rules_equal (rules, again));
  text_again = bk_availability_rules_to_json (again);
  g_assert_cmpstr (text, ==, text_again);

  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  json_object_iter_init_ordered (&iter, json_node_get_object (json_parser_get_root (parser)));
  while (json_object_iter_next_ordered (&iter, &key, &node))
    g_assert_cmpstr (key, ==, keys[i++]);
  g_assert_cmpuint (i, ==, G_N_ELEMENTS (keys));

  weekly = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "weekly");
  i = 0;
  json_object_iter_init_ordered (&iter, weekly);
  while (json_object_iter_next_ordered (&iter, &key, &node))
    g_assert_cmpstr (key, ==, days[i++]);
  g_assert_cmpuint (i, ==, 7);

  /* pretty-printed: one key a line, one range a line */
  g_assert_nonnull (strstr (text, "\n  \"slot_minutes\" : 30,\n"));
  g_assert_nonnull (strstr (text, "\n      [\"09:00\", \"12:00\"],\n      [\"13:00\", \"17:00\"]\n"));
}

/* rules built in code, with "24:00" and overrides, survive the trip too */
static void
test_round_trip_edited (void)
{
  g_autoptr(BkAvailabilityRules) rules = bk_availability_rules_new ();
  g_autoptr(BkAvailabilityRules) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  const BkTimeRange late[] = { { 0, 60 }, { 1380, 1440 } };
  GDate date;

  g_free (rules->time_zone);
  rules->time_zone = g_strdup ("Australia/Adelaide");
  rules->daily_limit = 7;
  rules->min_notice_minutes = 525600;
  bk_availability_rules_set_weekly (rules, BK_WEEKDAY_SUNDAY, late, 2);
  set_date (&date, 2027, 10, 3);
  bk_availability_rules_set_override (rules, &date, late, 1);
  set_date (&date, 2027, 4, 4);
  bk_availability_rules_set_override (rules, &date, NULL, 0);

  text = bk_availability_rules_to_json (rules);
  again = bk_availability_rules_new_from_json (text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (bk_availability_rules_equal (rules, again));
  g_assert_nonnull (strstr (text, "[\"23:00\", \"24:00\"]"));
}

typedef struct
{
  const char *json;
  int         code;
  const char *message;
} ErrorCase;

static const ErrorCase error_cases[] = {
  { "{\"time_zone\": \"UTC\", \"weekly\": {\"mon\": [[\"09:00\",\"12:00\"],[\"11:00\",\"13:00\"]]}}",
    BK_RULES_ERROR_OVERLAP, "weekly.mon[1]: ranges 09:00–12:00 and 11:00–13:00 overlap" },
  /* reported at the later one in the file, ranges named in time order */
  { "{\"time_zone\": \"UTC\", \"weekly\": {\"fri\": [[\"13:00\",\"15:00\"],[\"08:00\",\"10:00\"],[\"09:30\",\"10:30\"]]}}",
    BK_RULES_ERROR_OVERLAP, "weekly.fri[2]: ranges 08:00–10:00 and 09:30–10:30 overlap" },
  { "{\"time_zone\": \"Mars/Olympus\"}",
    BK_RULES_ERROR_UNKNOWN_TIME_ZONE,
    "time_zone: unknown time zone \"Mars/Olympus\" (expected an IANA name such as \"Europe/Berlin\")" },
  { "{\"time_zone\": \"UTC\", \"slot_minute\": 30}",
    BK_RULES_ERROR_UNKNOWN_KEY, "unknown key \"slot_minute\" (did you mean \"slot_minutes\"?)" },
  { "{\"time_zone\": \"UTC\", \"colour\": \"red\"}",
    BK_RULES_ERROR_UNKNOWN_KEY, "unknown key \"colour\"" },
  { "{\"time_zone\": \"UTC\", \"weekly\": {\"monday\": []}}",
    BK_RULES_ERROR_UNKNOWN_KEY, "weekly: unknown key \"monday\"" },
  { "{\"time_zone\": \"UTC\", \"overrides\": [{\"date\": \"2027-03-29\", \"hour\": []}]}",
    BK_RULES_ERROR_UNKNOWN_KEY, "overrides[0]: unknown key \"hour\" (did you mean \"hours\"?)" },
  { "{\"time_zone\": \"UTC\", \"weekly\": {\"wed\": [[\"09:00\",\"08:00\"]]}}",
    BK_RULES_ERROR_INVALID_RANGE, "weekly.wed[0]: end 08:00 is before start 09:00" },
  { "{\"time_zone\": \"UTC\", \"weekly\": {\"wed\": [[\"09:00\",\"09:00\"]]}}",
    BK_RULES_ERROR_INVALID_RANGE, "weekly.wed[0]: end 09:00 is the same as start 09:00 (the range is empty)" },
  { "{\"time_zone\": \"UTC\", \"weekly\": {\"tue\": [[\"9:00\",\"12:00\"]]}}",
    BK_RULES_ERROR_INVALID_VALUE, "weekly.tue[0]: start \"9:00\" is not a time of the form HH:MM (00:00 to 23:59)" },
  { "{\"time_zone\": \"UTC\", \"weekly\": {\"tue\": [[\"09:00\",\"24:30\"]]}}",
    BK_RULES_ERROR_INVALID_VALUE, "weekly.tue[0]: end \"24:30\" is not a time of the form HH:MM (00:00 to 24:00)" },
  { "{\"time_zone\": \"UTC\", \"weekly\": {\"tue\": [[\"09:00\"]]}}",
    BK_RULES_ERROR_INVALID_VALUE, "weekly.tue[0]: expected a range [\"HH:MM\", \"HH:MM\"]" },
  { "{\"time_zone\": \"UTC\", \"weekly\": {\"tue\": \"09:00-17:00\"}}",
    BK_RULES_ERROR_INVALID_VALUE, "weekly.tue: expected a list of [\"HH:MM\", \"HH:MM\"] ranges, got a string" },
  { "{\"time_zone\": \"UTC\", \"slot_minutes\": 3}",
    BK_RULES_ERROR_INVALID_VALUE, "slot_minutes: 3 is out of range (5 to 1440)" },
  { "{\"time_zone\": \"UTC\", \"horizon_days\": -1}",
    BK_RULES_ERROR_INVALID_VALUE, "horizon_days: -1 is out of range (1 to 730)" },
  { "{\"time_zone\": \"UTC\", \"daily_limit\": \"2\"}",
    BK_RULES_ERROR_INVALID_VALUE, "daily_limit: expected a whole number, got a string" },
  { "{\"time_zone\": \"UTC\", \"step_minutes\": 7.5}",
    BK_RULES_ERROR_INVALID_VALUE, "step_minutes: expected a whole number, got a fractional number" },
  { "{\"time_zone\": \"UTC\", \"overrides\": [{\"date\": \"2027-02-30\", \"hours\": []}]}",
    BK_RULES_ERROR_INVALID_VALUE, "overrides[0].date: expected a date of the form \"YYYY-MM-DD\"" },
  { "{\"time_zone\": \"UTC\", \"overrides\": [{\"hours\": []}]}",
    BK_RULES_ERROR_INVALID_VALUE, "overrides[0].date: missing (the day this override applies to, \"YYYY-MM-DD\")" },
  { "{\"time_zone\": \"UTC\", \"overrides\": [{\"date\": \"2027-03-29\"}, {\"date\": \"2027-03-29\", \"hours\": []}]}",
    BK_RULES_ERROR_INVALID_VALUE, "overrides[1].date: 2027-03-29 has more than one override" },
  { "{\"time_zone\": \"UTC\", \"overrides\": [{\"date\": \"2027-03-29\", \"hours\": [[\"10:00\",\"12:00\"],[\"11:59\",\"13:00\"]]}]}",
    BK_RULES_ERROR_OVERLAP, "overrides[0].hours[1]: ranges 10:00–12:00 and 11:59–13:00 overlap" },
  { "{\"slot_minutes\": 30}",
    BK_RULES_ERROR_INVALID_VALUE, "time_zone: missing (the expert's IANA time zone, such as \"Europe/Berlin\")" },
  { "{\"time_zone\": 1}",
    BK_RULES_ERROR_INVALID_VALUE, "time_zone: expected an IANA name such as \"Europe/Berlin\", got a number" },
  { "[1, 2]",
    BK_RULES_ERROR_INVALID_JSON, "not valid rules: expected a JSON object { \"time_zone\": …, \"weekly\": … }" },
  { "",
    BK_RULES_ERROR_INVALID_JSON, "not valid rules: expected a JSON object { \"time_zone\": …, \"weekly\": … }" },
};

static void
test_import_errors (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (error_cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(BkAvailabilityRules) rules =
        bk_availability_rules_new_from_json (error_cases[i].json, -1, &error);

      g_test_message ("%s", error_cases[i].json);
      g_assert_null (rules);
      g_assert_error (error, BK_RULES_ERROR, error_cases[i].code);
      g_assert_cmpstr (error->message, ==, error_cases[i].message);
    }
}

/* json-glib's own message, with the line and column of the mistake */
static void
test_import_malformed (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BkAvailabilityRules) rules =
    bk_availability_rules_new_from_json ("{\n  \"time_zone\": \"UTC\",\n  \"weekly\": {\n}}}", -1, &error);

  g_assert_null (rules);
  g_assert_error (error, BK_RULES_ERROR, BK_RULES_ERROR_INVALID_JSON);
  g_assert_true (g_str_has_prefix (error->message, "not valid JSON: line 4, column "));
}

static void
test_validate (void)
{
  g_autoptr(BkAvailabilityRules) rules = bk_availability_rules_new ();
  const BkTimeRange overlapping[] = { { 540, 720 }, { 700, 800 } };
  const BkTimeRange touching[] = { { 540, 720 }, { 720, 800 } };
  const BkTimeRange whole_day[] = { { 0, 1440 } };
  g_autoptr(GError) error = NULL;

  g_assert_true (bk_time_ranges_validate (touching, 2, &error));
  g_assert_true (bk_time_ranges_validate (whole_day, 1, &error));
  g_assert_no_error (error);
  g_assert_false (bk_time_ranges_validate (overlapping, 2, &error));
  g_assert_error (error, BK_RULES_ERROR, BK_RULES_ERROR_OVERLAP);
  g_assert_cmpstr (error->message, ==, "ranges 09:00–12:00 and 11:40–13:20 overlap");
  g_clear_error (&error);

  bk_availability_rules_set_weekly (rules, BK_WEEKDAY_THURSDAY, overlapping, 2);
  g_assert_false (bk_availability_rules_validate (rules, &error));
  g_assert_error (error, BK_RULES_ERROR, BK_RULES_ERROR_OVERLAP);
  g_assert_cmpstr (error->message, ==, "weekly.thu[1]: ranges 09:00–12:00 and 11:40–13:20 overlap");
  g_clear_error (&error);

  bk_availability_rules_set_weekly (rules, BK_WEEKDAY_THURSDAY, touching, 2);
  rules->step_minutes = 0;
  g_assert_false (bk_availability_rules_validate (rules, &error));
  g_assert_cmpstr (error->message, ==, "step_minutes: 0 is out of range (5 to 1440)");
  g_clear_error (&error);

  rules->step_minutes = 15;
  g_free (rules->time_zone);
  rules->time_zone = g_strdup ("Europe/Atlantis");
  g_assert_false (bk_availability_rules_validate (rules, &error));
  g_assert_error (error, BK_RULES_ERROR, BK_RULES_ERROR_UNKNOWN_TIME_ZONE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/rules/defaults", test_defaults);
  g_test_add_func ("/rules/edit", test_edit);
  g_test_add_func ("/rules/import-example", test_import_example);
  g_test_add_func ("/rules/import-minimal", test_import_minimal);
  g_test_add_func ("/rules/round-trip", test_round_trip);
  g_test_add_func ("/rules/round-trip-edited", test_round_trip_edited);
  g_test_add_func ("/rules/import-errors", test_import_errors);
  g_test_add_func ("/rules/import-malformed", test_import_malformed);
  g_test_add_func ("/rules/validate", test_validate);

  return g_test_run ();
}
