-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Writes that decide about one expert's time take turns on the expert's row.
--
-- replace_slots deletes a window and inserts the new slots: two uploads at
-- once (a killed app's request still running beside its retry) both deleted
-- the old rows and then collided on the unique key with each other's inserts.
--
-- book_appointment relied on the exclusion constraint alone: with many
-- clients racing for one slot, two inserters could each wait for the other's
-- uncommitted row, and PostgreSQL broke the tie with a deadlock error (a 500)
-- instead of the 409 the loser should see. Taking the row lock first makes
-- the constraint see committed rows only. It also keeps a booking from
-- slipping between the delete and insert of a slot upload.
CREATE OR REPLACE FUNCTION replace_slots (p_expert_id bigint, p_from timestamptz, p_to timestamptz,
                                          p_slots jsonb) RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
  n integer;
BEGIN
  PERFORM 1 FROM experts WHERE id = p_expert_id FOR NO KEY UPDATE;
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

CREATE OR REPLACE FUNCTION book_appointment (p_slug text, p_start timestamptz, p_end timestamptz,
                                             p_name text, p_email text, p_note text,
                                             p_cancel_token_hash bytea) RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
  ex_id bigint;
  a appointments;
BEGIN
  SELECT id INTO ex_id FROM experts WHERE slug = p_slug FOR NO KEY UPDATE;
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
