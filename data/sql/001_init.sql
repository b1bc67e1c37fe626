-- SPDX-License-Identifier: GPL-3.0-or-later
-- bookable-server schema, version 1. Applied by `bookable-server migrate` (and
-- on start) inside one transaction; never edit an applied migration, add 002_….

CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TYPE integration_type AS ENUM ('manual', 'google_calendar', 'office365_calendar');
CREATE TYPE appointment_status AS ENUM ('booked', 'cancelled', 'rescheduled');

-- RFC 3339 in UTC, the only form the API speaks.
CREATE FUNCTION bk_iso (t timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT to_char (t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') $$;

CREATE TABLE experts (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email         text NOT NULL CHECK (length (email) BETWEEN 3 AND 254 AND email LIKE '%_@_%'),
  display_name  text NOT NULL CHECK (length (display_name) BETWEEN 1 AND 200),
  slug          text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$'),
  time_zone     text NOT NULL CHECK (length (time_zone) BETWEEN 1 AND 64),
  -- libsodium crypto_pwhash_str (argon2id); never a plain or home-made hash.
  password_hash text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
  created_at    timestamptz NOT NULL DEFAULT now ()
);
CREATE UNIQUE INDEX experts_email_key ON experts (lower (email));

-- Bearer tokens are 32 random bytes; only their SHA-256 is stored.
CREATE TABLE sessions (
  token_hash  bytea PRIMARY KEY CHECK (length (token_hash) = 32),
  expert_id   bigint NOT NULL REFERENCES experts ON DELETE CASCADE,
  created_at  timestamptz NOT NULL DEFAULT now (),
  expires_at  timestamptz NOT NULL
);
CREATE INDEX sessions_expert_idx ON sessions (expert_id);

CREATE TABLE sign_in_failures (
  email  text NOT NULL,
  at     timestamptz NOT NULL DEFAULT now ()
);
CREATE INDEX sign_in_failures_idx ON sign_in_failures (email, at);

-- Whether non-secret connection facts contain anything that looks like a
-- credential: a token/secret/password key anywhere, a JWT-shaped or
-- provider-token-shaped string, or an implausibly long value.
CREATE FUNCTION credentials_look_secret (facts jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
  SELECT length (facts::text) > 8192 OR EXISTS (
    SELECT 1
      FROM jsonb_path_query (facts, 'strict $.**') AS item (v)
     WHERE (jsonb_typeof (v) = 'object'
            AND EXISTS (SELECT 1 FROM jsonb_object_keys (v) AS k (name)
                         WHERE name ~* '(token|secret|password|passwd|bearer|authorization|api_?key|assertion|cookie|code_verifier)'))
        OR (jsonb_typeof (v) = 'string'
            AND ((v #>> '{}') ~ '^[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*$'
                 OR (v #>> '{}') ~* '^(bearer\s|ya29\.|1//|eyJ|EwA|EwB|M\.R3_|gho_|ghp_)'
                 OR length (v #>> '{}') > 512))
  )
$$;

CREATE TABLE expert_profiles (
  expert_id                      bigint PRIMARY KEY REFERENCES experts ON DELETE CASCADE,
  integration_type               integration_type NOT NULL DEFAULT 'manual',
  office365_calendar_credentials jsonb,
  google_calendar_credentials    jsonb,
  updated_at                     timestamptz NOT NULL DEFAULT now (),
  CONSTRAINT office365_calendar_credentials_not_secret CHECK (
    office365_calendar_credentials IS NULL
    OR (jsonb_typeof (office365_calendar_credentials) = 'object'
        AND NOT credentials_look_secret (office365_calendar_credentials))),
  CONSTRAINT google_calendar_credentials_not_secret CHECK (
    google_calendar_credentials IS NULL
    OR (jsonb_typeof (google_calendar_credentials) = 'object'
        AND NOT credentials_look_secret (google_calendar_credentials))),
  CONSTRAINT integration_has_facts CHECK (
    (integration_type <> 'office365_calendar' OR office365_calendar_credentials IS NOT NULL)
    AND (integration_type <> 'google_calendar' OR google_calendar_credentials IS NOT NULL))
);

-- Published free slots; they may overlap (slot length > step), appointments may not.
CREATE TABLE slots (
  expert_id  bigint NOT NULL REFERENCES experts ON DELETE CASCADE,
  start_at   timestamptz NOT NULL,
  end_at     timestamptz NOT NULL,
  PRIMARY KEY (expert_id, start_at, end_at),
  CHECK (end_at > start_at AND end_at - start_at <= interval '24 hours')
);

CREATE TABLE appointments (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid (),
  expert_id          bigint NOT NULL REFERENCES experts ON DELETE CASCADE,
  start_at           timestamptz NOT NULL,
  end_at             timestamptz NOT NULL,
  client_name        text NOT NULL CHECK (length (client_name) BETWEEN 1 AND 200),
  client_email       text NOT NULL CHECK (length (client_email) BETWEEN 3 AND 254),
  note               text NOT NULL DEFAULT '' CHECK (length (note) <= 2000),
  status             appointment_status NOT NULL DEFAULT 'booked',
  cancel_reason      text CHECK (length (cancel_reason) <= 500),
  calendar_event_id  text CHECK (length (calendar_event_id) BETWEEN 1 AND 1024),
  -- SHA-256 of the private cancel token; moves to the new row on reschedule.
  cancel_token_hash  bytea UNIQUE CHECK (length (cancel_token_hash) = 32),
  rescheduled_to     uuid REFERENCES appointments,
  created_at         timestamptz NOT NULL DEFAULT now (),
  updated_at         timestamptz NOT NULL DEFAULT now (),
  CHECK (end_at > start_at),
  CONSTRAINT appointments_no_overlap
    EXCLUDE USING gist (expert_id WITH =, tstzrange (start_at, end_at) WITH &&)
    WHERE (status = 'booked')
);
CREATE INDEX appointments_expert_idx ON appointments (expert_id, start_at);

-- The change feed. A per-expert advisory lock taken before nextval() and
-- held to commit makes each expert's seqs commit in order, so "after N" never
-- skips a row that commits late.
CREATE TABLE changes (
  seq        bigserial PRIMARY KEY,
  expert_id  bigint NOT NULL REFERENCES experts ON DELETE CASCADE,
  kind       text NOT NULL CHECK (kind IN ('appointment', 'profile')),
  payload    jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now ()
);
CREATE INDEX changes_expert_idx ON changes (expert_id, seq);

CREATE TABLE idempotency_keys (
  expert_id     bigint NOT NULL REFERENCES experts ON DELETE CASCADE,
  key           text NOT NULL CHECK (length (key) BETWEEN 1 AND 200),
  request_hash  bytea NOT NULL,
  status        integer NOT NULL,
  response      text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now (),
  PRIMARY KEY (expert_id, key)
);

CREATE FUNCTION appointment_json (a appointments) RETURNS jsonb
LANGUAGE sql STABLE
AS $$
  SELECT jsonb_build_object (
    'id', a.id, 'start', bk_iso (a.start_at), 'end', bk_iso (a.end_at),
    'name', a.client_name, 'email', a.client_email, 'note', a.note,
    'status', a.status, 'cancel_reason', a.cancel_reason,
    'calendar_event_id', a.calendar_event_id, 'rescheduled_to', a.rescheduled_to,
    'created_at', bk_iso (a.created_at), 'updated_at', bk_iso (a.updated_at))
$$;

CREATE FUNCTION expert_json (p_expert_id bigint) RETURNS jsonb
LANGUAGE sql STABLE
AS $$
  SELECT jsonb_build_object (
    'id', e.id, 'email', e.email, 'display_name', e.display_name, 'slug', e.slug,
    'time_zone', e.time_zone, 'integration', jsonb_build_object (
      'type', p.integration_type,
      'office365_calendar', p.office365_calendar_credentials,
      'google_calendar', p.google_calendar_credentials))
    FROM experts e JOIN expert_profiles p ON p.expert_id = e.id
   WHERE e.id = p_expert_id
$$;

CREATE FUNCTION record_change (p_expert_id bigint, p_kind text, p_payload jsonb) RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
  PERFORM pg_advisory_xact_lock (1, p_expert_id::integer);
  INSERT INTO changes (expert_id, kind, payload) VALUES (p_expert_id, p_kind, p_payload);
END
$$;

CREATE FUNCTION appointments_changed () RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  PERFORM record_change (NEW.expert_id, 'appointment', appointment_json (NEW));
  RETURN NULL;
END
$$;
CREATE TRIGGER appointments_change_feed AFTER INSERT OR UPDATE ON appointments
  FOR EACH ROW EXECUTE FUNCTION appointments_changed ();

CREATE FUNCTION profile_changed () RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  PERFORM record_change (NEW.expert_id, 'profile', expert_json (NEW.expert_id));
  RETURN NULL;
END
$$;
CREATE TRIGGER expert_profiles_change_feed AFTER INSERT OR UPDATE ON expert_profiles
  FOR EACH ROW EXECUTE FUNCTION profile_changed ();

CREATE FUNCTION experts_changed () RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  IF (NEW.display_name, NEW.slug, NEW.time_zone, NEW.email)
     IS DISTINCT FROM (OLD.display_name, OLD.slug, OLD.time_zone, OLD.email) THEN
    PERFORM record_change (NEW.id, 'profile', expert_json (NEW.id));
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER experts_change_feed AFTER UPDATE ON experts
  FOR EACH ROW EXECUTE FUNCTION experts_changed ();

CREATE FUNCTION create_expert (p_email text, p_name text, p_slug text, p_time_zone text,
                               p_password_hash text) RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
  new_id bigint;
BEGIN
  INSERT INTO experts (email, display_name, slug, time_zone, password_hash)
       VALUES (p_email, p_name, p_slug, p_time_zone, p_password_hash)
    RETURNING id INTO new_id;
  INSERT INTO expert_profiles (expert_id) VALUES (new_id);
  RETURN new_id;
END
$$;

-- Integrations: only non-secret facts (account, tenant, selected calendars).
CREATE FUNCTION connect_office365_calendar (p_expert_id bigint, p_details jsonb) RETURNS void
LANGUAGE sql
AS $$
  UPDATE expert_profiles
     SET integration_type = 'office365_calendar', office365_calendar_credentials = p_details,
         updated_at = now ()
   WHERE expert_id = p_expert_id
$$;

CREATE FUNCTION disconnect_office365_calendar (p_expert_id bigint) RETURNS void
LANGUAGE sql
AS $$
  UPDATE expert_profiles
     SET integration_type = CASE WHEN integration_type = 'office365_calendar'
                                 THEN 'manual' ELSE integration_type END,
         office365_calendar_credentials = NULL, updated_at = now ()
   WHERE expert_id = p_expert_id
$$;

CREATE FUNCTION connect_google_calendar (p_expert_id bigint, p_details jsonb) RETURNS void
LANGUAGE sql
AS $$
  UPDATE expert_profiles
     SET integration_type = 'google_calendar', google_calendar_credentials = p_details,
         updated_at = now ()
   WHERE expert_id = p_expert_id
$$;

CREATE FUNCTION disconnect_google_calendar (p_expert_id bigint) RETURNS void
LANGUAGE sql
AS $$
  UPDATE expert_profiles
     SET integration_type = CASE WHEN integration_type = 'google_calendar'
                                 THEN 'manual' ELSE integration_type END,
         google_calendar_credentials = NULL, updated_at = now ()
   WHERE expert_id = p_expert_id
$$;

-- Replaces the expert's published slots that start in [p_from, p_to) with
-- p_slots ([{start, end}], each inside the window), in one statement pair.
CREATE FUNCTION replace_slots (p_expert_id bigint, p_from timestamptz, p_to timestamptz,
                               p_slots jsonb) RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
  n integer;
BEGIN
  DELETE FROM slots WHERE expert_id = p_expert_id AND start_at >= p_from AND start_at < p_to;
  INSERT INTO slots (expert_id, start_at, end_at)
  SELECT DISTINCT p_expert_id, (s ->> 'start')::timestamptz, (s ->> 'end')::timestamptz
    FROM jsonb_array_elements (p_slots) AS s;
  GET DIAGNOSTICS n = ROW_COUNT;
  IF EXISTS (SELECT 1 FROM jsonb_array_elements (p_slots) AS s
              WHERE (s ->> 'start')::timestamptz < p_from OR (s ->> 'start')::timestamptz >= p_to
                 OR (s ->> 'end')::timestamptz > p_to) THEN
    RAISE EXCEPTION 'a slot lies outside the window' USING ERRCODE = '22023';
  END IF;
  RETURN n;
END
$$;

-- Free slots: published, in the future, not overlapping a live booking.
CREATE FUNCTION free_slots (p_expert_id bigint, p_from timestamptz, p_to timestamptz)
RETURNS TABLE (start_at timestamptz, end_at timestamptz)
LANGUAGE sql STABLE
AS $$
  SELECT s.start_at, s.end_at
    FROM slots s
   WHERE s.expert_id = p_expert_id AND s.start_at >= p_from AND s.start_at < p_to
     AND s.start_at > now ()
     AND NOT EXISTS (SELECT 1 FROM appointments a
                      WHERE a.expert_id = s.expert_id AND a.status = 'booked'
                        AND tstzrange (a.start_at, a.end_at) && tstzrange (s.start_at, s.end_at))
   ORDER BY s.start_at, s.end_at
$$;

-- Books a published slot. SQLSTATE P0002 when the slot is not published (or
-- past); 23P01 (exclusion_violation) when someone else got it first.
CREATE FUNCTION book_appointment (p_slug text, p_start timestamptz, p_end timestamptz,
                                  p_name text, p_email text, p_note text,
                                  p_cancel_token_hash bytea) RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
  ex_id bigint;
  a appointments;
BEGIN
  SELECT id INTO ex_id FROM experts WHERE slug = p_slug;
  IF ex_id IS NULL THEN
    RAISE EXCEPTION 'no such expert' USING ERRCODE = 'P0003';
  END IF;
  IF p_start <= now () OR NOT EXISTS (SELECT 1 FROM slots WHERE expert_id = ex_id
                                         AND start_at = p_start AND end_at = p_end) THEN
    RAISE EXCEPTION 'no such slot' USING ERRCODE = 'P0002';
  END IF;
  INSERT INTO appointments (expert_id, start_at, end_at, client_name, client_email, note,
                            cancel_token_hash)
       VALUES (ex_id, p_start, p_end, p_name, p_email, coalesce (p_note, ''), p_cancel_token_hash)
    RETURNING * INTO a;
  RETURN appointment_json (a);
END
$$;

-- The expert moves an appointment: the old row becomes 'rescheduled' and
-- points at a new booked row that keeps the client's data and cancel link.
CREATE FUNCTION reschedule_appointment (p_expert_id bigint, p_id uuid, p_start timestamptz,
                                        p_end timestamptz) RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
  old appointments;
  a appointments;
BEGIN
  SELECT * INTO old FROM appointments WHERE id = p_id AND expert_id = p_expert_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no such appointment' USING ERRCODE = 'P0004';
  END IF;
  IF old.status <> 'booked' THEN
    RAISE EXCEPTION 'appointment is not booked' USING ERRCODE = 'P0005';
  END IF;
  UPDATE appointments SET status = 'rescheduled', cancel_token_hash = NULL, updated_at = now ()
   WHERE id = p_id;
  INSERT INTO appointments (expert_id, start_at, end_at, client_name, client_email, note,
                            calendar_event_id, cancel_token_hash)
       VALUES (p_expert_id, p_start, p_end, old.client_name, old.client_email, old.note,
               old.calendar_event_id, old.cancel_token_hash)
    RETURNING * INTO a;
  UPDATE appointments SET rescheduled_to = a.id WHERE id = p_id;
  RETURN appointment_json (a);
END
$$;
