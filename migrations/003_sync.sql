-- Outbound sync to Mozrest: the payload's version, its sync state, and every attempt.

ALTER TABLE bookings ADD COLUMN IF NOT EXISTS sync_required boolean NOT NULL DEFAULT false;
ALTER TABLE bookings ADD COLUMN IF NOT EXISTS payload_hash text;          -- of the payload we would send now
ALTER TABLE bookings ADD COLUMN IF NOT EXISTS sync_version integer NOT NULL DEFAULT 0;  -- bumped on each change

CREATE TABLE IF NOT EXISTS booking_sync (
    venue_id          text NOT NULL,
    booking_id        text NOT NULL,
    accepted_hash     text,            -- the payload Mozrest last accepted
    accepted_version  integer,
    failed_hash       text,            -- the payload Mozrest refused (or we gave up on); a newer one is pending
    last_attempt_at   timestamptz,
    last_success_at   timestamptz,
    last_status_code  integer,
    last_error        text,
    attempts          integer NOT NULL DEFAULT 0,
    PRIMARY KEY (venue_id, booking_id)
);

CREATE TABLE IF NOT EXISTS sync_attempts (
    id                bigserial PRIMARY KEY,
    venue_id          text NOT NULL,
    booking_id        text NOT NULL,
    at                timestamptz NOT NULL DEFAULT now(),
    version           integer NOT NULL,
    attempt           integer NOT NULL,      -- the Temporal activity attempt
    request_body      text NOT NULL,         -- exactly the bytes sent
    status_code       integer,               -- null: no HTTP answer (connection error, timeout)
    duration_ms       integer NOT NULL,
    response_excerpt  text,
    outcome           text NOT NULL CHECK (outcome IN ('accepted', 'retrying', 'rejected'))
);
CREATE INDEX IF NOT EXISTS sync_attempts_by_booking ON sync_attempts (venue_id, booking_id, id);
