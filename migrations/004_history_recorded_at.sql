-- When each history entry was written (the apply transaction), beside `at` (when the API received it):
-- recorded_at - at is the end-to-end lag of a POS event, which the benchmarks report.
ALTER TABLE history ADD COLUMN IF NOT EXISTS recorded_at timestamptz NOT NULL DEFAULT now();
