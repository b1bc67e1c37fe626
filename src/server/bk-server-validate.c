/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-server"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "bk-server-validate.h"

static BkServerResponse *
invalid (const char *field,
         const char *why)
{
  return bk_server_response_new_error (422, "invalid_field", "%s: %s", field, why);
}

JsonObject *
bk_server_parse_object (BkServerRequest    *request,
                        const char * const *allowed,
                        JsonNode          **out_root,
                        BkServerResponse  **error_response)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  const char *data = g_bytes_get_data (request->body, &len);
  g_autoptr(GList) members = NULL;
  JsonNode *root;

  if (request->content_type == NULL || strcmp (request->content_type, "application/json") != 0)
    {
      *error_response = bk_server_response_new_error (415, "unsupported_media_type",
                                                      _("Send the body as application/json"));
      return NULL;
    }
  if (len == 0 || !g_utf8_validate (data, len, NULL)
      || !json_parser_load_from_data (parser, data, len, &error))
    {
      *error_response = bk_server_response_new_error (400, "invalid_json",
                                                      _("The body is not valid JSON: %s"),
                                                      error ? error->message : _("empty or not UTF-8"));
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      *error_response = bk_server_response_new_error (400, "invalid_json",
                                                      _("The body must be a JSON object"));
      return NULL;
    }
  members = json_object_get_members (json_node_get_object (root));
  for (GList *l = members; l != NULL; l = l->next)
    if (allowed == NULL || !g_strv_contains (allowed, l->data))
      {
        *error_response = bk_server_response_new_error (400, "unknown_field",
                                                        _("Unknown field “%s”"),
                                                        (const char *) l->data);
        return NULL;
      }
  *out_root = json_node_ref (root);
  return json_node_get_object (*out_root);
}

gboolean
bk_server_check_text (const char         *field,
                      const char         *value,
                      guint               min,
                      guint               max,
                      gboolean            multiline,
                      BkServerResponse  **error_response)
{
  glong n;

  if (!g_utf8_validate (value, -1, NULL))
    {
      *error_response = invalid (field, _("not UTF-8"));
      return FALSE;
    }
  n = g_utf8_strlen (value, -1);
  if (n < (glong) min || n > (glong) max)
    {
      g_autofree char *why = g_strdup_printf (_("must be %u to %u characters long"), min, max);
      *error_response = invalid (field, why);
      return FALSE;
    }
  for (const char *p = value; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if ((c < 0x20 && !(multiline && (c == '\n' || c == '\r' || c == '\t'))) || c == 0x7f)
        {
          *error_response = invalid (field, _("contains control characters"));
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
bk_server_get_string (JsonObject         *object,
                      const char         *name,
                      gboolean            required,
                      guint               min,
                      guint               max,
                      gboolean            multiline,
                      const char        **out,
                      BkServerResponse  **error_response)
{
  JsonNode *node = json_object_get_member (object, name);

  *out = NULL;
  if (node == NULL || (!required && JSON_NODE_HOLDS_NULL (node)))
    {
      if (!required)
        return TRUE;
      *error_response = invalid (name, _("is required"));
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      *error_response = invalid (name, _("must be a string"));
      return FALSE;
    }
  *out = json_node_get_string (node);
  return bk_server_check_text (name, *out, min, max, multiline, error_response);
}

gboolean
bk_server_parse_time (const char *text,
                      gint64     *out)
{
  g_autoptr(GDateTime) dt = NULL;

  /* A NULL default zone makes GLib refuse text without an offset. */
  if (text == NULL || strlen (text) < 20 || strlen (text) > 40 || strchr (text, 'T') == NULL)
    return FALSE;
  dt = g_date_time_new_from_iso8601 (text, NULL);
  if (dt == NULL)
    return FALSE;
  *out = g_date_time_to_unix (dt);
  return *out > 0 && *out < G_GINT64_CONSTANT (253402300799); /* year 9999 */
}

char *
bk_server_format_time (gint64 unix_seconds)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (unix_seconds);

  return dt ? g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ") : NULL;
}

gboolean
bk_server_get_time (JsonObject         *object,
                    const char         *name,
                    gint64             *out,
                    BkServerResponse  **error_response)
{
  const char *text = NULL;

  if (!bk_server_get_string (object, name, TRUE, 1, 40, FALSE, &text, error_response))
    return FALSE;
  if (!bk_server_parse_time (text, out))
    {
      *error_response = invalid (name, _("must be an RFC 3339 time with an offset, "
                                         "like 2027-03-26T08:00:00Z"));
      return FALSE;
    }
  return TRUE;
}

gboolean
bk_server_matches (BkServerPattern  pattern,
                   const char      *text)
{
  static const char * const sources[] = {
    [BK_SERVER_PATTERN_EMAIL] = "^[^@\\s\"<>()\\[\\],;:\\\\]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
                                "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$",
    [BK_SERVER_PATTERN_SLUG] = "^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$",
    [BK_SERVER_PATTERN_ZONE] = "^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$",
    [BK_SERVER_PATTERN_UUID] = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
    [BK_SERVER_PATTERN_TOKEN] = "^[A-Za-z0-9_-]{43}$",
  };
  static GRegex **compiled;

  g_return_val_if_fail (pattern < G_N_ELEMENTS (sources), FALSE);

  /* Compiled once per process: per-request compilation showed in profiles. */
  if (g_once_init_enter (&compiled))
    {
      GRegex **c = g_new0 (GRegex *, G_N_ELEMENTS (sources));

      for (gsize i = 0; i < G_N_ELEMENTS (sources); i++)
        c[i] = g_regex_new (sources[i], G_REGEX_OPTIMIZE, 0, NULL);
      g_once_init_leave (&compiled, c);
    }
  return text != NULL && g_regex_match (compiled[pattern], text, 0, NULL);
}

gboolean
bk_server_valid_email (const char *email)
{
  gsize len = email ? strlen (email) : 0;

  return len >= 3 && len <= 254 && bk_server_matches (BK_SERVER_PATTERN_EMAIL, email);
}

gboolean
bk_server_valid_slug (const char *slug)
{
  /* "cancel" would hide /book/cancel */
  return slug != NULL && strcmp (slug, "cancel") != 0
         && bk_server_matches (BK_SERVER_PATTERN_SLUG, slug);
}

gboolean
bk_server_valid_zone (const char *zone)
{
  g_autoptr(GTimeZone) tz = NULL;

  /* IANA names only; GLib would also take "+01:00" offsets. */
  if (zone == NULL || strlen (zone) > 64
      || !bk_server_matches (BK_SERVER_PATTERN_ZONE, zone))
    return FALSE;
  tz = g_time_zone_new_identifier (zone);
  return tz != NULL;
}

gboolean
bk_server_check_range (gint64              start,
                       gint64              end,
                       gint64              max_length,
                       BkServerResponse  **error_response)
{
  if (end <= start)
    {
      *error_response = invalid ("end", _("must be after start"));
      return FALSE;
    }
  if (end - start > max_length)
    {
      *error_response = invalid ("end", _("the range is too long"));
      return FALSE;
    }
  return TRUE;
}
