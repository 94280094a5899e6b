-- Venues and their tables, as the RMS declares them (Mozrest reads them to match POS tables).
CREATE TABLE IF NOT EXISTS venues (
    venue_id    text PRIMARY KEY,
    name        text NOT NULL,
    timezone    text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS venue_tables (
    venue_id  text NOT NULL REFERENCES venues (venue_id) ON DELETE CASCADE,
    table_id  text NOT NULL,
    name      text NOT NULL,
    -- the order the RMS gave; Mozrest gets the list back in that order
    position  integer NOT NULL,
    PRIMARY KEY (venue_id, table_id)
);

CREATE INDEX IF NOT EXISTS venue_tables_by_position ON venue_tables (venue_id, position);
