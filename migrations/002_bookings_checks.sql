-- Bookings (RMS fields null while only the POS has mentioned them), POS checks, RMS revisions, history.

CREATE TABLE IF NOT EXISTS bookings (
    venue_id        text NOT NULL REFERENCES venues (venue_id) ON DELETE CASCADE,
    booking_id      text NOT NULL,
    party_size      integer,
    status          text,
    tables          text[],
    date            bigint,
    prepayment      numeric,
    contact         jsonb,
    notes           text,
    rms_checks      text[] NOT NULL DEFAULT '{}',   -- check numbers the RMS linked itself
    rms_revision_id bigint,                          -- the revision these fields come from
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (venue_id, booking_id)
);
CREATE INDEX IF NOT EXISTS bookings_seated ON bookings (venue_id) WHERE status = 'seated';

-- What the RMS sent, kept here (not in Temporal) because it holds guest data.
CREATE TABLE IF NOT EXISTS rms_revisions (
    revision_id  bigserial PRIMARY KEY,
    venue_id     text NOT NULL,
    booking_id   text NOT NULL,
    payload      jsonb NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS checks (
    venue_id         text NOT NULL REFERENCES venues (venue_id) ON DELETE CASCADE,
    check_number     text NOT NULL,
    booking_id       text,
    link_source      text CHECK (link_source IN ('pos', 'table_match', 'manual', 'rms')),
    -- staff unlinked this check by hand: automatic matching leaves it alone
    manual_unlinked  boolean NOT NULL DEFAULT false,
    status           text NOT NULL,
    party_size       integer,
    tables           text[] NOT NULL DEFAULT '{}',
    date             bigint,
    opened_at        bigint,
    updated_at       bigint NOT NULL,
    closed_at        bigint,
    voided_at        bigint,
    total_amount     numeric NOT NULL DEFAULT 0,
    tax              numeric NOT NULL DEFAULT 0,
    tip              numeric NOT NULL DEFAULT 0,
    discount         numeric NOT NULL DEFAULT 0,
    prepayment       numeric NOT NULL DEFAULT 0,
    payment_type     text,
    items            jsonb NOT NULL DEFAULT '[]',
    item_count       integer NOT NULL DEFAULT 0,
    -- the rank of the event this state comes from (see domain/check_rules.py)
    rank_void        boolean NOT NULL DEFAULT false,
    rank_fingerprint text NOT NULL,
    PRIMARY KEY (venue_id, check_number)
);
CREATE INDEX IF NOT EXISTS checks_by_booking ON checks (venue_id, booking_id);
CREATE INDEX IF NOT EXISTS checks_unlinked ON checks (venue_id) WHERE booking_id IS NULL;

-- The story of each booking: POS deliveries (with outcome), RMS changes, links and unlinks.
CREATE TABLE IF NOT EXISTS history (
    id            bigserial PRIMARY KEY,
    venue_id      text NOT NULL,
    booking_id    text,               -- null: a POS event of a check not linked to any booking
    check_number  text,
    kind          text NOT NULL CHECK (kind IN ('pos_event', 'rms_change', 'link', 'unlink')),
    outcome       text NOT NULL,
    summary       text NOT NULL,
    payload       jsonb,
    -- a delivery id (or derived key): an activity retry never writes the same entry twice
    dedup_key     text NOT NULL UNIQUE,
    -- bookings this entry's change touched besides its own (a check moved out), to notify on retry too
    touched       text[] NOT NULL DEFAULT '{}',
    at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS history_by_booking ON history (venue_id, booking_id, id);
CREATE INDEX IF NOT EXISTS history_by_check ON history (venue_id, check_number, id);
