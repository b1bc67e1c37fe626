/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-booking-page"

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>
#include <sodium.h>
#include <string.h>

#include "bk-booking-page.h"
#include "bk-server-api.h"
#include "bk-server-api-private.h"
#include "bk-server-auth.h"
#include "bk-server-validate.h"

/* How far ahead the page lists slots. */
#define HORIZON_DAYS 28

/* Everything one rendering needs; values already validated. */
typedef struct
{
  BkServerRequest *request;
  char            *csrf;       /* the double-submit token: cookie and hidden field */
  gboolean         new_csrf;   /* set the cookie in the answer */
  char            *nonce;      /* for the inline style and script (CSP) */
  GTimeZone       *tz;
  char            *tz_name;
} Page;

static void
page_free (Page *page)
{
  g_free (page->csrf);
  g_free (page->nonce);
  g_clear_pointer (&page->tz, g_time_zone_unref);
  g_free (page->tz_name);
  g_free (page);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Page, page_free)

static const char *
cookie_value (const char *cookies,
              const char *name)
{
  static GPrivate buf = G_PRIVATE_INIT (g_free);
  g_auto(GStrv) parts = cookies ? g_strsplit (cookies, ";", -1) : NULL;

  for (guint i = 0; parts && parts[i]; i++)
    {
      const char *p = g_strstrip (parts[i]);

      if (g_str_has_prefix (p, name) && p[strlen (name)] == '=')
        {
          char *v = g_strdup (p + strlen (name) + 1);
          g_private_replace (&buf, v);
          return v;
        }
    }
  return NULL;
}

static gboolean
valid_token (const char *t)
{
  return bk_server_matches (BK_SERVER_PATTERN_TOKEN, t);
}

static Page *
page_new (BkServerRequest *request,
          const char      *zone,
          const char      *fallback_zone)
{
  Page *page = g_new0 (Page, 1);
  const char *cookie = cookie_value (request->cookie, "bk_csrf");

  page->request = request;
  page->new_csrf = !valid_token (cookie);
  page->csrf = page->new_csrf ? bk_server_auth_new_token () : g_strdup (cookie);
  page->nonce = bk_server_auth_new_token ();
  page->tz_name = g_strdup (bk_server_valid_zone (zone) ? zone
                            : bk_server_valid_zone (fallback_zone) ? fallback_zone : "UTC");
  page->tz = g_time_zone_new_identifier (page->tz_name);
  if (page->tz == NULL)
    page->tz = g_time_zone_new_utc ();
  return page;
}

/* ---- HTML ---------------------------------------------------------- */

static void
append_escaped (GString    *out,
                const char *text)
{
  g_autofree char *e = g_markup_escape_text (text ? text : "", -1);

  g_string_append (out, e);
}

static const char page_css[] =
  "*{box-sizing:border-box}"
  "body{margin:0;font:16px/1.5 system-ui,-apple-system,'Cantarell','Segoe UI',sans-serif;"
  "color:#222;background:#f6f5f4}"
  "main{max-width:42rem;margin:0 auto;padding:1rem}"
  "h1{font-size:1.6rem;margin:.5rem 0}h2{font-size:1.1rem;margin:1.2rem 0 .4rem}"
  ".card{background:#fff;border-radius:12px;padding:1rem;margin:1rem 0;box-shadow:0 1px 3px #0002}"
  ".day{display:flex;flex-wrap:wrap;gap:.5rem;border:0;padding:0;margin:0}"
  ".slot input{position:absolute;opacity:0}"
  ".slot span{display:inline-block;padding:.4rem .8rem;border:1px solid #3584e4;border-radius:8px;"
  "color:#1c71d8;cursor:pointer}"
  ".slot input:checked+span{background:#3584e4;color:#fff}"
  ".slot input:focus-visible+span{outline:2px solid #1a5fb4;outline-offset:2px}"
  "label.field{display:block;margin:.6rem 0}"
  "label.field input,label.field textarea,select{display:block;width:100%;padding:.5rem;"
  "font:inherit;border:1px solid #bbb;border-radius:8px}"
  "button{font:inherit;padding:.6rem 1.2rem;border:0;border-radius:8px;background:#3584e4;"
  "color:#fff;cursor:pointer}button.danger{background:#c01c28}"
  ".error{background:#fbe5e7;color:#a51d2d;padding:.6rem;border-radius:8px}"
  ".muted{color:#666}.link{word-break:break-all}"
  "@media (max-width:30rem){main{padding:.5rem}.card{border-radius:0}}";

static void
html_begin (GString    *out,
            Page       *page,
            const char *title)
{
  g_string_append (out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                        "<meta name=\"robots\" content=\"noindex\"><title>");
  append_escaped (out, title);
  g_string_append_printf (out, "</title><style nonce=\"%s\">%s</style></head><body><main>",
                          page->nonce, page_css);
}

static BkServerResponse *
html_end (GString  *out,
          Page     *page,
          guint     status)
{
  g_autofree char *csp = NULL;
  BkServerResponse *resp;

  g_string_append (out, "</main></body></html>\n");
  resp = bk_server_response_new_take (status, "text/html; charset=utf-8",
                                      g_string_free (out, FALSE));
  csp = g_strdup_printf ("default-src 'none'; style-src 'nonce-%s'; script-src 'nonce-%s'; "
                         "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
                         page->nonce, page->nonce);
  bk_server_response_add_header (resp, "Content-Security-Policy", csp);
  bk_server_response_add_header (resp, "X-Frame-Options", "DENY");
  /* Our own forms must carry a real Origin (no-referrer would make it
   * "null"); other sites still learn nothing, not even of the cancel link. */
  bk_server_response_add_header (resp, "Referrer-Policy", "same-origin");
  if (page->new_csrf)
    {
      g_autofree char *cookie = g_strdup_printf ("bk_csrf=%s; Path=/book; HttpOnly; SameSite=Strict%s",
                                                 page->csrf,
                                                 g_str_has_prefix (page->request->public_url, "https:")
                                                 ? "; Secure" : "");
      bk_server_response_add_header (resp, "Set-Cookie", cookie);
    }
  return resp;
}

static BkServerResponse *
message_page (Page       *page,
              guint       status,
              const char *title,
              const char *text)
{
  GString *out = g_string_new (NULL);

  html_begin (out, page, title);
  g_string_append (out, "<h1>");
  append_escaped (out, title);
  g_string_append (out, "</h1><div class=\"card\"><p>");
  append_escaped (out, text);
  g_string_append (out, "</p></div>");
  return html_end (out, page, status);
}

static void
append_hidden (GString    *out,
               const char *name,
               const char *value)
{
  g_string_append_printf (out, "<input type=\"hidden\" name=\"%s\" value=\"", name);
  append_escaped (out, value);
  g_string_append (out, "\">");
}

/* ---- zones ---------------------------------------------------------- */

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char **) a, *(const char **) b);
}

/* IANA zones from tzdata's zone1970.tab, sorted; read once. */
static GPtrArray *
known_zones (void)
{
  static GPtrArray *zones;

  if (g_once_init_enter (&zones))
    {
      GPtrArray *z = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *text = NULL;
      g_auto(GStrv) lines = NULL;

      g_ptr_array_add (z, g_strdup ("UTC"));
      if (g_file_get_contents ("/usr/share/zoneinfo/zone1970.tab", &text, NULL, NULL))
        lines = g_strsplit (text, "\n", -1);
      for (guint i = 0; lines && lines[i]; i++)
        {
          g_auto(GStrv) cols = lines[i][0] != '#' ? g_strsplit (lines[i], "\t", 4) : NULL;

          if (cols && g_strv_length (cols) >= 3)
            g_ptr_array_add (z, g_strdup (cols[2]));
        }
      g_ptr_array_sort (z, compare_strings);
      g_once_init_leave (&zones, z);
    }
  return zones;
}

static void
append_zone_form (GString    *out,
                  Page       *page,
                  const char *slug)
{
  GPtrArray *zones = known_zones ();
  gboolean listed = FALSE;

  g_string_append (out, "<form method=\"get\" action=\"/book/");
  append_escaped (out, slug);
  g_string_append_printf (out, "\" class=\"card\"><label class=\"field\">%s<select name=\"tz\" id=\"tz\">",
                          _("Show times in"));
  for (guint i = 0; i < zones->len; i++)
    listed |= g_strcmp0 (zones->pdata[i], page->tz_name) == 0;
  if (!listed)
    {
      g_string_append (out, "<option selected>");
      append_escaped (out, page->tz_name);
      g_string_append (out, "</option>");
    }
  for (guint i = 0; i < zones->len; i++)
    {
      g_string_append_printf (out, "<option%s>",
                              g_strcmp0 (zones->pdata[i], page->tz_name) == 0 ? " selected" : "");
      append_escaped (out, zones->pdata[i]);
      g_string_append (out, "</option>");
    }
  g_string_append_printf (out, "</select></label><noscript><button type=\"submit\">%s</button></noscript></form>",
                          _("Change time zone"));
}

/* ---- the booking page ---------------------------------------------- */

typedef struct
{
  const char *name;
  const char *email;
  const char *note;
  const char *slot;
  const char *error;
} FormValues;

static char *
format_local (GTimeZone  *tz,
              gint64      t,
              const char *format)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (t);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, tz);

  return g_date_time_format (local, format);
}

/* Radio buttons for the free slots, one fieldset per local day. */
static guint
append_slots (GString    *out,
              Page       *page,
              JsonArray  *slots,
              const char *checked)
{
  g_autofree char *current_day = NULL;
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (slots); i++)
    {
      JsonObject *s = json_array_get_object_element (slots, i);
      const char *start = json_object_get_string_member (s, "start");
      const char *end = json_object_get_string_member (s, "end");
      g_autofree char *value = g_strconcat (start, "/", end, NULL);
      g_autofree char *day = NULL, *from = NULL, *to = NULL;
      gint64 a, b;

      if (!bk_server_parse_time (start, &a) || !bk_server_parse_time (end, &b))
        continue;
      day = format_local (page->tz, a, _("%A, %-d %B %Y"));
      from = format_local (page->tz, a, "%H:%M");
      to = format_local (page->tz, b, "%H:%M");
      if (g_strcmp0 (day, current_day) != 0)
        {
          g_string_append (out, current_day ? "</fieldset>" : "");
          g_string_append (out, "<h2>");
          append_escaped (out, day);
          g_string_append (out, "</h2><fieldset class=\"day\">");
          g_free (current_day);
          current_day = g_strdup (day);
        }
      g_string_append (out, "<label class=\"slot\"><input type=\"radio\" name=\"slot\" required value=\"");
      append_escaped (out, value);
      g_string_append_printf (out, "\"%s><span>", g_strcmp0 (checked, value) == 0 ? " checked" : "");
      g_string_append_printf (out, "%s–%s", from, to);
      g_string_append (out, "</span></label>");
      n++;
    }
  if (current_day != NULL)
    g_string_append (out, "</fieldset>");
  return n;
}

static void
append_field (GString    *out,
              const char *label,
              const char *type,
              const char *name,
              const char *value,
              const char *extra)
{
  g_string_append_printf (out, "<label class=\"field\">%s", label);
  if (strcmp (type, "textarea") == 0)
    {
      g_string_append_printf (out, "<textarea name=\"%s\" rows=\"3\" %s>", name, extra);
      append_escaped (out, value);
      g_string_append (out, "</textarea></label>");
      return;
    }
  g_string_append_printf (out, "<input type=\"%s\" name=\"%s\" %s value=\"", type, name, extra);
  append_escaped (out, value);
  g_string_append (out, "\"></label>");
}

/* Picks the visitor's zone when none was chosen (progressive: the page
 * works without it). */
static void
append_zone_script (GString *out,
                    Page    *page)
{
  gboolean chosen = bk_server_request_query (page->request, "tz") != NULL;

  g_string_append_printf (out,
    "<script nonce=\"%s\">(function(){var s=document.getElementById('tz');if(!s)return;"
    "s.addEventListener('change',function(){s.form.submit();});%s})();</script>",
    page->nonce, chosen ? ""
    : "try{var z=Intl.DateTimeFormat().resolvedOptions().timeZone;"
      "if(z&&s.value!==z){var u=new URL(location.href);"
      "u.searchParams.set('tz',z);location.replace(u.toString());}}catch(e){}");
}

static BkServerResponse *
render_booking (PGconn           *conn,
                Page             *page,
                const char       *slug,
                JsonObject       *expert,
                const FormValues *form,
                guint             status)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *slots_json = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  BkServerResponse *err = NULL;
  const char *name = json_object_get_string_member (expert, "display_name");
  g_autofree char *title = g_strdup_printf (_("Book a time with %s"), name);
  GString *out = g_string_new (NULL);

  slots_json = bk_server_api_free_slots (conn, slug, now, now + HORIZON_DAYS * 24 * 3600, &err);
  if (slots_json == NULL || !json_parser_load_from_data (parser, slots_json, -1, NULL))
    {
      g_string_free (out, TRUE);
      return err ? err : bk_server_response_new_error (500, "internal", _("Something went wrong"));
    }
  html_begin (out, page, title);
  g_string_append (out, "<h1>");
  append_escaped (out, title);
  g_string_append (out, "</h1>");
  append_zone_form (out, page, slug);
  if (form->error != NULL)
    {
      g_string_append (out, "<p class=\"error\" role=\"alert\">");
      append_escaped (out, form->error);
      g_string_append (out, "</p>");
    }
  g_string_append (out, "<form method=\"post\" class=\"card\" action=\"/book/");
  append_escaped (out, slug);
  g_string_append (out, "\">");
  append_hidden (out, "csrf", page->csrf);
  append_hidden (out, "tz", page->tz_name);
  if (append_slots (out, page, json_node_get_array (json_parser_get_root (parser)), form->slot) == 0)
    g_string_append_printf (out, "<p class=\"muted\">%s</p>",
                            _("No free times in the next four weeks. Please check again later."));
  append_field (out, _("Your name"), "text", "name", form->name, "required maxlength=\"200\" autocomplete=\"name\"");
  append_field (out, _("Your email"), "email", "email", form->email, "required maxlength=\"254\" autocomplete=\"email\"");
  append_field (out, _("Note (optional)"), "textarea", "note", form->note, "maxlength=\"2000\"");
  g_string_append_printf (out, "<button type=\"submit\">%s</button></form>", _("Book"));
  append_zone_script (out, page);
  return html_end (out, page, status);
}

/* The double-submit check: the form's token equals the cookie's, and a
 * browser-sent Origin is ours. */
static gboolean
csrf_ok (BkServerRequest *request,
         GHashTable      *form)
{
  const char *cookie = cookie_value (request->cookie, "bk_csrf");
  const char *field = g_hash_table_lookup (form, "csrf");

  if (!valid_token (cookie) || !valid_token (field) || sodium_memcmp (cookie, field, 43) != 0)
    return FALSE;
  if (request->origin != NULL && request->host != NULL)
    {
      g_autofree char *http = g_strconcat ("http://", request->host, NULL);
      g_autofree char *https = g_strconcat ("https://", request->host, NULL);

      if (strcmp (request->origin, http) != 0 && strcmp (request->origin, https) != 0
          && strcmp (request->origin, request->public_url) != 0)
        return FALSE;
    }
  return TRUE;
}

static GHashTable *
parse_form (BkServerRequest *request)
{
  g_autofree char *text = g_strndup (g_bytes_get_data (request->body, NULL),
                                     g_bytes_get_size (request->body));

  if (request->content_type == NULL
      || strcmp (request->content_type, "application/x-www-form-urlencoded") != 0
      || text == NULL)
    return g_hash_table_new (g_str_hash, g_str_equal);
  return soup_form_decode (text);
}

/* Why @form cannot be booked, or NULL. */
static const char *
check_booking_form (GHashTable *form,
                    gint64     *start,
                    gint64     *end)
{
  const char *slot = g_hash_table_lookup (form, "slot");
  /* soup_form_decode()'s values are ours to trim in place */
  char *name = g_hash_table_lookup (form, "name");
  char *email = g_hash_table_lookup (form, "email");
  const char *note = g_hash_table_lookup (form, "note");
  g_auto(GStrv) se = slot ? g_strsplit (slot, "/", 2) : NULL;
  g_autoptr(BkServerResponse) err = NULL;

  if (se == NULL || g_strv_length (se) != 2 || !bk_server_parse_time (se[0], start)
      || !bk_server_parse_time (se[1], end) || *end <= *start)
    return _("Please pick a time.");
  if (name == NULL || !bk_server_check_text ("name", g_strstrip (name), 1, 200, FALSE, &err))
    return _("Please enter your name (up to 200 characters).");
  if (email == NULL || !bk_server_valid_email (g_strstrip (email)))
    return _("Please enter a valid email address.");
  if (note != NULL && !bk_server_check_text ("note", note, 0, 2000, TRUE, &err))
    return _("The note can be at most 2000 characters.");
  return NULL;
}

static BkServerResponse *
render_confirmation (Page       *page,
                     JsonObject *expert,
                     JsonObject *appointment,
                     const char *cancel_url)
{
  GString *out = g_string_new (NULL);
  gint64 s = 0, e = 0;
  g_autofree char *when = NULL, *to = NULL;

  bk_server_parse_time (json_object_get_string_member (appointment, "start"), &s);
  bk_server_parse_time (json_object_get_string_member (appointment, "end"), &e);
  when = format_local (page->tz, s, _("%A, %-d %B %Y, %H:%M"));
  to = format_local (page->tz, e, "%H:%M");
  html_begin (out, page, _("You are booked"));
  g_string_append_printf (out, "<h1>%s</h1><div class=\"card\" id=\"confirmation\"><p>", _("You are booked"));
  append_escaped (out, json_object_get_string_member (expert, "display_name"));
  g_string_append (out, "</p><p><strong>");
  append_escaped (out, when);
  g_string_append (out, "–");
  append_escaped (out, to);
  g_string_append (out, "</strong> <span class=\"muted\">(");
  append_escaped (out, page->tz_name);
  g_string_append_printf (out, ")</span></p><p>%s</p><p class=\"link\"><a id=\"cancel-link\" href=\"",
                          _("Keep this private link to cancel if your plans change:"));
  append_escaped (out, cancel_url);
  g_string_append (out, "\">");
  append_escaped (out, cancel_url);
  g_string_append (out, "</a></p></div>");
  return html_end (out, page, 201);
}

static JsonObject *
parse_json_object (const char  *text,
                   JsonNode   **out_root)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (text == NULL || !json_parser_load_from_data (parser, text, -1, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;
  *out_root = json_node_ref (json_parser_get_root (parser));
  return json_node_get_object (*out_root);
}

static BkServerResponse *
booking_route (PGconn          *conn,
               BkServerRequest *request,
               const char      *slug)
{
  g_autoptr(GHashTable) form = strcmp (request->method, "POST") == 0 ? parse_form (request) : NULL;
  const char *zone = form ? g_hash_table_lookup (form, "tz") : bk_server_request_query (request, "tz");
  BkServerResponse *err = NULL;
  g_autofree char *expert_json = bk_server_api_public_expert (conn, slug, &err);
  g_autoptr(JsonNode) expert_root = NULL;
  g_autoptr(Page) page = NULL;
  JsonObject *expert;
  FormValues values = { 0 };
  gint64 start, end;

  if (expert_json == NULL || (expert = parse_json_object (expert_json, &expert_root)) == NULL)
    {
      g_autoptr(Page) p = page_new (request, NULL, NULL);
      g_clear_pointer (&err, bk_server_response_free);
      return message_page (p, 404, _("Page not found"), _("There is no booking page at this address."));
    }
  g_clear_pointer (&err, bk_server_response_free);
  page = page_new (request, zone, json_object_get_string_member (expert, "time_zone"));
  if (form == NULL)
    return render_booking (conn, page, slug, expert, &values, 200);

  values.slot = g_hash_table_lookup (form, "slot");
  values.name = g_hash_table_lookup (form, "name");
  values.email = g_hash_table_lookup (form, "email");
  values.note = g_hash_table_lookup (form, "note");
  if (!csrf_ok (request, form))
    {
      values.error = _("Your session expired. Please try again.");
      return render_booking (conn, page, slug, expert, &values, 403);
    }
  if ((values.error = check_booking_form (form, &start, &end)) != NULL)
    return render_booking (conn, page, slug, expert, &values, 422);
  {
    g_autofree char *token = NULL, *url = NULL;
    g_autofree char *json = bk_server_api_book (conn, slug, start, end, values.name, values.email,
                                                values.note, &token, &err);
    g_autoptr(JsonNode) root = NULL;
    JsonObject *appointment;

    if (json == NULL || (appointment = parse_json_object (json, &root)) == NULL)
      {
        guint status = err ? err->status : 500;

        g_clear_pointer (&err, bk_server_response_free);
        values.slot = NULL;
        values.error = status == 409 ? _("Sorry, that time was just taken. Please pick another.")
                                     : _("Booking failed. Please try again.");
        return render_booking (conn, page, slug, expert, &values, status);
      }
    url = bk_server_api_cancel_url (request, token);
    return render_confirmation (page, expert, appointment, url);
  }
}

static BkServerResponse *
cancel_route (PGconn          *conn,
              BkServerRequest *request)
{
  gboolean post = strcmp (request->method, "POST") == 0;
  g_autoptr(GHashTable) form = post ? parse_form (request) : NULL;
  const char *token = form ? g_hash_table_lookup (form, "token") : bk_server_request_query (request, "token");
  g_autoptr(Page) page = page_new (request, form ? g_hash_table_lookup (form, "tz") : bk_server_request_query (request, "tz"), NULL);
  BkServerResponse *err = NULL;
  g_autofree char *json = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *appointment;
  GString *out;

  if (post && !csrf_ok (request, form))
    return message_page (page, 403, _("Please try again"),
                         _("Your session expired. Open the cancel link again."));
  json = bk_server_api_cancel_by_token (conn, token, !post, &err);
  if (json == NULL || (appointment = parse_json_object (json, &root)) == NULL)
    {
      guint status = err ? err->status : 500;

      g_clear_pointer (&err, bk_server_response_free);
      if (status == 409)
        return message_page (page, 409, _("Already cancelled"), _("This appointment is already cancelled."));
      return message_page (page, 404, _("Link not valid"), _("This cancel link is not valid."));
    }
  if (post)
    return message_page (page, 200, _("Appointment cancelled"),
                         _("Your appointment is cancelled. You can close this page."));

  out = g_string_new (NULL);
  html_begin (out, page, _("Cancel your appointment"));
  g_string_append_printf (out, "<h1>%s</h1><form method=\"post\" action=\"/book/cancel\" class=\"card\"><p><strong>",
                          _("Cancel your appointment"));
  {
    gint64 s = 0;
    g_autofree char *when = NULL;

    bk_server_parse_time (json_object_get_string_member (appointment, "start"), &s);
    when = format_local (page->tz, s, _("%A, %-d %B %Y, %H:%M"));
    append_escaped (out, when);
  }
  g_string_append (out, "</strong> <span class=\"muted\">(");
  append_escaped (out, page->tz_name);
  g_string_append (out, ")</span></p>");
  append_hidden (out, "csrf", page->csrf);
  append_hidden (out, "token", token);
  append_hidden (out, "tz", page->tz_name);
  g_string_append_printf (out, "<button type=\"submit\" class=\"danger\">%s</button></form>",
                          _("Cancel appointment"));
  return html_end (out, page, 200);
}

BkServerResponse *
bk_booking_page_handle (PGconn          *conn,
                        BkServerRequest *request)
{
  g_auto(GStrv) parts = NULL;
  gboolean get, post;

  g_return_val_if_fail (conn != NULL, NULL);
  g_return_val_if_fail (request != NULL, NULL);

  get = strcmp (request->method, "GET") == 0 || strcmp (request->method, "HEAD") == 0;
  post = strcmp (request->method, "POST") == 0;
  parts = g_strsplit (request->path + strlen ("/book/"), "/", -1);
  if (g_strv_length (parts) == 1 && (get || post))
    {
      if (strcmp (parts[0], "cancel") == 0)
        return cancel_route (conn, request);
      return booking_route (conn, request, parts[0]);
    }
  {
    g_autoptr(Page) page = page_new (request, NULL, NULL);
    return message_page (page, get || post ? 404 : 405, _("Page not found"),
                         _("There is no booking page at this address."));
  }
}
