/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-rules"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "bk-availability-rules-private.h"
#include "bk-time.h"

/* The JSON format of `bookablectl rules import/export` (issue 2). Import
 * reports the first problem in document order, naming its path. */

/* ------------------------------------------------------------------------ */
/* JSON import                                                              */
/* ------------------------------------------------------------------------ */

static const char *
describe_node (JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      return _("an object");
    case JSON_NODE_ARRAY:
      return _("a list");
    case JSON_NODE_NULL:
      return _("null");
    case JSON_NODE_VALUE:
    default:
      break;
    }

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return _("a string");
    case G_TYPE_BOOLEAN:
      return _("true or false");
    case G_TYPE_DOUBLE:
      return _("a fractional number");
    default:
      return _("a number");
    }
}

static gboolean
is_string_node (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

static gboolean
expect_type (JsonNode     *node,
             JsonNodeType  type,
             const char   *path,
             const char   *what,
             GError      **error)
{
  if (JSON_NODE_TYPE (node) == type)
    return TRUE;

  g_set_error (error, BK_RULES_ERROR, BK_RULES_ERROR_INVALID_VALUE,
               _("%s: expected %s, got %s"), path, what, describe_node (node));
  return FALSE;
}

/* Strings of one edit apart are likely typos; offer the right key. */
static gboolean
is_near (const char *a,
         const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  gsize i = 0;

  if (la > lb + 1 || lb > la + 1)
    return FALSE;

  while (i < la && i < lb && a[i] == b[i])
    i++;

  if (la == lb)
    return strcmp (a + i + (i < la), b + i + (i < lb)) == 0;
  return la > lb ? strcmp (a + i + 1, b + i) == 0 : strcmp (a + i, b + i + 1) == 0;
}

static gboolean
report_unknown_key (const char         *path,
                    const char         *key,
                    const char * const *known,
                    GError            **error)
{
  g_autofree char *prefix = path != NULL ? g_strdup_printf ("%s: ", path) : g_strdup ("");
  const char *near = NULL;

  for (guint i = 0; known[i] != NULL && near == NULL; i++)
    if (is_near (key, known[i]))
      near = known[i];

  if (near != NULL)
    g_set_error (error, BK_RULES_ERROR, BK_RULES_ERROR_UNKNOWN_KEY,
                 _("%sunknown key \"%s\" (did you mean \"%s\"?)"), prefix, key, near);
  else
    g_set_error (error, BK_RULES_ERROR, BK_RULES_ERROR_UNKNOWN_KEY,
                 _("%sunknown key \"%s\""), prefix, key);
  return FALSE;
}

static gboolean
read_numeric (BkAvailabilityRules *rules,
              const BkRulesNumericField  *f,
              JsonNode            *node,
              GError             **error)
{
  gint64 value;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      g_set_error (error, BK_RULES_ERROR, BK_RULES_ERROR_INVALID_VALUE,
                   _("%s: expected a whole number, got %s"), f->key, describe_node (node));
      return FALSE;
    }

  value = json_node_get_int (node);
  if (!_bk_rules_validate_numeric (f, value, error))
    return FALSE;

  BK_RULES_FIELD (rules, f) = (guint) value;
  return TRUE;
}

static gboolean
read_wall_time (JsonNode    *node,
                const char  *path,
                gboolean     is_end,
                guint       *out_minutes,
                GError     **error)
{
  const char *text = json_node_get_string (node);

  if (bk_time_parse_hhmm (text, is_end, out_minutes, NULL))
    return TRUE;

  if (is_end)
    g_set_error (error, BK_RULES_ERROR, BK_RULES_ERROR_INVALID_VALUE,
                 _("%s: end \"%s\" is not a time of the form HH:MM (00:00 to 24:00)"), path, text);
  else
    g_set_error (error, BK_RULES_ERROR, BK_RULES_ERROR_INVALID_VALUE,
                 _("%s: start \"%s\" is not a time of the form HH:MM (00:00 to 23:59)"), path, text);
  return FALSE;
}

static gboolean
read_range (JsonNode     *node,
            const char   *path,
            BkTimeRange  *out_range,
            GError      **error)
{
  JsonArray *pair = JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  guint start, end;

  if (pair == NULL || json_array_get_length (pair) != 2 ||
      !is_string_node (json_array_get_element (pair, 0)) ||
      !is_string_node (json_array_get_element (pair, 1)))
    {
      g_set_error (error, BK_RULES_ERROR, BK_RULES_ERROR_INVALID_VALUE,
                   _("%s: expected a range [\"HH:MM\", \"HH:MM\"]"), path);
      return FALSE;
    }

  if (!read_wall_time (json_array_get_element (pair, 0), path, FALSE, &start, error) ||
      !read_wall_time (json_array_get_element (pair, 1), path, TRUE, &end, error))
    return FALSE;

  out_range->start = (guint16) start;
  out_range->end = (guint16) end;
  return TRUE;
}

static GArray *
read_ranges (JsonNode    *node,
             const char  *path,
             GError     **error)
{
  g_autoptr(GArray) ranges = NULL;
  JsonArray *array;

  if (!expect_type (node, JSON_NODE_ARRAY, path, _("a list of [\"HH:MM\", \"HH:MM\"] ranges"), error))
    return NULL;

  array = json_node_get_array (node);
  ranges = g_array_sized_new (FALSE, FALSE, sizeof (BkTimeRange), json_array_get_length (array));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *item_path = g_strdup_printf ("%s[%u]", path, i);
      BkTimeRange r;

      if (!read_range (json_array_get_element (array, i), item_path, &r, error))
        return NULL;
      g_array_append_val (ranges, r);
    }

  if (!_bk_time_ranges_validate_at (path, (const BkTimeRange *) (gconstpointer) ranges->data,
                           ranges->len, error))
    return NULL;

  g_array_sort (ranges, _bk_time_range_compare);
  return g_steal_pointer (&ranges);
}

static gboolean
read_weekly (BkAvailabilityRules *rules,
             JsonNode            *node,
             GError             **error)
{
  static const char * const known[] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun", NULL };
  JsonObjectIter iter;
  const char *key;
  JsonNode *value;

  if (!expect_type (node, JSON_NODE_OBJECT, "weekly", _("an object with the keys mon to sun"), error))
    return FALSE;

  json_object_iter_init_ordered (&iter, json_node_get_object (node));
  while (json_object_iter_next_ordered (&iter, &key, &value))
    {
      g_autofree char *path = g_strdup_printf ("weekly.%s", key);
      guint d = 0;

      while (d < BK_N_WEEKDAYS && strcmp (_bk_rules_weekday_keys[d], key) != 0)
        d++;
      if (d == BK_N_WEEKDAYS)
        return report_unknown_key ("weekly", key, known, error);

      g_clear_pointer (&rules->weekly[d], g_array_unref);
      rules->weekly[d] = read_ranges (value, path, error);
      if (rules->weekly[d] == NULL)
        {
          rules->weekly[d] = _bk_time_ranges_new (NULL, 0);
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
read_override_date (JsonNode    *node,
                    const char  *path,
                    GDate       *out_date,
                    GError     **error)
{
  if (!is_string_node (node) ||
      !bk_time_parse_date (json_node_get_string (node), out_date, NULL))
    {
      g_set_error (error, BK_RULES_ERROR, BK_RULES_ERROR_INVALID_VALUE,
                   _("%s.date: expected a date of the form \"YYYY-MM-DD\""), path);
      return FALSE;
    }

  return TRUE;
}

/* One { "date": …, "hours": … } entry; a missing "hours" closes the day, as
 * a missing weekday does. */
static gboolean
read_override (JsonNode        *node,
               const char      *path,
               BkDateOverride  *out,
               GError         **error)
{
  static const char * const known[] = { "date", "hours", NULL };
  gboolean has_date = FALSE;
  JsonObjectIter iter;
  const char *key;
  JsonNode *value;

  if (!expect_type (node, JSON_NODE_OBJECT, path, _("an object with \"date\" and \"hours\""), error))
    return FALSE;

  json_object_iter_init_ordered (&iter, json_node_get_object (node));
  while (json_object_iter_next_ordered (&iter, &key, &value))
    {
      g_autofree char *hours_path = g_strdup_printf ("%s.hours", path);

      if (strcmp (key, "date") == 0)
        {
          if (!read_override_date (value, path, &out->date, error))
            return FALSE;
          has_date = TRUE;
        }
      else if (strcmp (key, "hours") == 0)
        {
          g_clear_pointer (&out->ranges, g_array_unref);
          if ((out->ranges = read_ranges (value, hours_path, error)) == NULL)
            return FALSE;
        }
      else
        return report_unknown_key (path, key, known, error);
    }

  if (!has_date)
    {
      g_set_error (error, BK_RULES_ERROR, BK_RULES_ERROR_INVALID_VALUE,
                   _("%s.date: missing (the day this override applies to, \"YYYY-MM-DD\")"), path);
      return FALSE;
    }

  if (out->ranges == NULL)
    out->ranges = _bk_time_ranges_new (NULL, 0);
  return TRUE;
}

static gboolean
add_override (BkAvailabilityRules  *rules,
              BkDateOverride       *o,
              const char           *path,
              GError              **error)
{
  guint index;

  if (_bk_rules_find_override (rules->overrides, &o->date, &index))
    {
      g_autofree char *date = bk_time_format_date (&o->date);

      g_set_error (error, BK_RULES_ERROR, BK_RULES_ERROR_INVALID_VALUE,
                   _("%s.date: %s has more than one override"), path, date);
      return FALSE;
    }

  g_array_insert_val (rules->overrides, index, *o);
  o->ranges = NULL;
  return TRUE;
}

static gboolean
read_overrides (BkAvailabilityRules *rules,
                JsonNode            *node,
                GError             **error)
{
  JsonArray *array;

  if (!expect_type (node, JSON_NODE_ARRAY, "overrides",
                    _("a list of {\"date\": …, \"hours\": …} objects"), error))
    return FALSE;

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *path = g_strdup_printf ("overrides[%u]", i);
      BkDateOverride o = { { 0 }, NULL };
      gboolean ok;

      g_date_clear (&o.date, 1);
      ok = read_override (json_array_get_element (array, i), path, &o, error) &&
           add_override (rules, &o, path, error);
      _bk_date_override_clear (&o);
      if (!ok)
        return FALSE;
    }

  return TRUE;
}

static gboolean
read_time_zone (BkAvailabilityRules *rules,
                JsonNode            *node,
                GError             **error)
{
  if (!is_string_node (node))
    {
      g_set_error (error, BK_RULES_ERROR, BK_RULES_ERROR_INVALID_VALUE,
                   _("time_zone: expected an IANA name such as \"Europe/Berlin\", got %s"),
                   describe_node (node));
      return FALSE;
    }

  g_free (rules->time_zone);
  rules->time_zone = g_strdup (json_node_get_string (node));
  return _bk_rules_validate_time_zone (rules->time_zone, error);
}

static gboolean
read_member (BkAvailabilityRules *rules,
             const char          *key,
             JsonNode            *value,
             GError             **error)
{
  static const char * const known[] = {
    "time_zone", "slot_minutes", "step_minutes", "buffer_before_minutes",
    "buffer_after_minutes", "min_notice_minutes", "horizon_days", "daily_limit",
    "weekly", "overrides", NULL
  };

  if (strcmp (key, "time_zone") == 0)
    return read_time_zone (rules, value, error);
  if (strcmp (key, "weekly") == 0)
    return read_weekly (rules, value, error);
  if (strcmp (key, "overrides") == 0)
    return read_overrides (rules, value, error);

  for (guint i = 0; i < _BK_RULES_N_NUMERIC_FIELDS; i++)
    if (strcmp (key, _bk_rules_numeric_fields[i].key) == 0)
      return read_numeric (rules, &_bk_rules_numeric_fields[i], value, error);

  return report_unknown_key (NULL, key, known, error);
}

/* json-glib says "<data>:3:7: Parse error: …"; a person wants the line. */
static void
report_parse_error (const GError  *parse_error,
                    GError       **error)
{
  unsigned int line = 0, column = 0;
  int consumed = 0;

  if (sscanf (parse_error->message, "<data>:%u:%u: %n", &line, &column, &consumed) == 2 &&
      consumed > 0)
    g_set_error (error, BK_RULES_ERROR, BK_RULES_ERROR_INVALID_JSON,
                 _("not valid JSON: line %u, column %u: %s"),
                 line, column, parse_error->message + consumed);
  else
    g_set_error (error, BK_RULES_ERROR, BK_RULES_ERROR_INVALID_JSON,
                 _("not valid JSON: %s"), parse_error->message);
}

BkAvailabilityRules *
bk_availability_rules_new_from_json (const char  *data,
                                     gssize       length,
                                     GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(BkAvailabilityRules) rules = NULL;
  g_autoptr(GError) parse_error = NULL;
  JsonNode *root;
  JsonObjectIter iter;
  const char *key;
  JsonNode *value;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!json_parser_load_from_data (parser, data, length, &parse_error))
    {
      report_parse_error (parse_error, error);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, BK_RULES_ERROR, BK_RULES_ERROR_INVALID_JSON,
                   _("not valid rules: expected a JSON object { \"time_zone\": …, \"weekly\": … }"));
      return NULL;
    }

  rules = _bk_availability_rules_new_empty ();
  json_object_iter_init_ordered (&iter, json_node_get_object (root));
  while (json_object_iter_next_ordered (&iter, &key, &value))
    if (!read_member (rules, key, value, error))
      return NULL;

  if (rules->time_zone == NULL)
    {
      g_set_error (error, BK_RULES_ERROR, BK_RULES_ERROR_INVALID_VALUE,
                   _("time_zone: missing (the expert's IANA time zone, such as \"Europe/Berlin\")"));
      return NULL;
    }

  /* everything was checked on the way in; this guards the two from drifting */
  if (!bk_availability_rules_validate (rules, error))
    return NULL;

  return g_steal_pointer (&rules);
}

/* ------------------------------------------------------------------------ */
/* JSON export                                                              */
/* ------------------------------------------------------------------------ */

static void
add_ranges (JsonBuilder  *builder,
            const GArray *ranges)
{
  json_builder_begin_array (builder);
  for (guint i = 0; ranges != NULL && i < ranges->len; i++)
    {
      const BkTimeRange *r = &g_array_index (ranges, BkTimeRange, i);
      g_autofree char *start = bk_time_format_hhmm (MIN (r->start, 1440));
      g_autofree char *end = bk_time_format_hhmm (MIN (r->end, 1440));

      json_builder_begin_array (builder);
      json_builder_add_string_value (builder, start);
      json_builder_add_string_value (builder, end);
      json_builder_end_array (builder);
    }
  json_builder_end_array (builder);
}

static void
add_overrides (JsonBuilder  *builder,
               const GArray *overrides)
{
  json_builder_begin_array (builder);
  for (guint i = 0; overrides != NULL && i < overrides->len; i++)
    {
      const BkDateOverride *o = &g_array_index (overrides, BkDateOverride, i);
      g_autofree char *date = bk_time_format_date (&o->date);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "date");
      json_builder_add_string_value (builder, date);
      json_builder_set_member_name (builder, "hours");
      add_ranges (builder, o->ranges);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

/* The generator puts every string of a range on its own line; a person
 * editing the file reads ["09:00", "12:00"] more easily. Only our own
 * HH:MM pairs match: a quote inside a JSON string is always escaped. */
static char *
compact_ranges (const char *text)
{
  g_autoptr(GRegex) pair = g_regex_new ("\\[\\s*(\"\\d\\d:\\d\\d\"),\\s*(\"\\d\\d:\\d\\d\")\\s*\\]",
                                        G_REGEX_OPTIMIZE, 0, NULL);

  g_assert (pair != NULL);
  return g_regex_replace (pair, text, -1, 0, "[\\1, \\2]", 0, NULL);
}

char *
bk_availability_rules_to_json (const BkAvailabilityRules *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "time_zone");
  json_builder_add_string_value (builder, self->time_zone != NULL ? self->time_zone : "UTC");

  for (guint i = 0; i < _BK_RULES_N_NUMERIC_FIELDS; i++)
    {
      json_builder_set_member_name (builder, _bk_rules_numeric_fields[i].key);
      json_builder_add_int_value (builder, BK_RULES_FIELD (self, &_bk_rules_numeric_fields[i]));
    }

  /* all seven days, so an exported file shows which days are closed */
  json_builder_set_member_name (builder, "weekly");
  json_builder_begin_object (builder);
  for (guint d = 0; d < BK_N_WEEKDAYS; d++)
    {
      json_builder_set_member_name (builder, _bk_rules_weekday_keys[d]);
      add_ranges (builder, self->weekly[d]);
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "overrides");
  add_overrides (builder, self->overrides);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  text = json_generator_to_data (generator, NULL);

  return compact_ranges (text);
}
