-- Up Migration
-- The waitlist of sold-out classes: PostgreSQL has the truth (entries and their states), Redis the order
-- (`v2:waitlist`, scored by seq) and the offers it makes. See docs/waitlist.md.
CREATE TABLE waitlist_entries (
  id uuid PRIMARY KEY,
  -- Join order: Redis scores the line by it, and a rebuild restores the same order.
  seq bigserial NOT NULL UNIQUE,
  user_id text NOT NULL,
  trip_id integer NOT NULL,
  from_code text NOT NULL,
  to_code text NOT NULL,
  from_index smallint NOT NULL,
  to_index smallint NOT NULL,
  class text NOT NULL,
  seat_count smallint NOT NULL CHECK (seat_count BETWEEN 1 AND 4),
  status text NOT NULL CHECK (status IN ('WAITING', 'OFFERED', 'BOOKED', 'EXPIRED', 'LEFT', 'CLOSED')),
  -- The booking id an offer gets, chosen at join: an entry is offered at most once, idempotently.
  offer_booking_id uuid NOT NULL UNIQUE,
  offer_expires_at timestamptz,
  contact_phone text,
  contact_email text,
  contact_name text,
  -- Trip details for the notices (the inventory is immutable per trip).
  train_name text NOT NULL,
  train_number text NOT NULL,
  trip_date date NOT NULL,
  departs_at timestamptz,
  close_reason text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (from_index >= 0 AND to_index > from_index)
);
-- One live entry per user per trip.
CREATE UNIQUE INDEX waitlist_one_per_user_trip ON waitlist_entries (trip_id, user_id) WHERE status IN ('WAITING', 'OFFERED');
CREATE INDEX waitlist_user_idx ON waitlist_entries (user_id, created_at DESC);
CREATE INDEX waitlist_trip_waiting_idx ON waitlist_entries (trip_id, seq) WHERE status = 'WAITING';
CREATE INDEX waitlist_cutoff_idx ON waitlist_entries (departs_at) WHERE status = 'WAITING';

-- A booking that is a waitlist offer names its entry.
ALTER TABLE bookings ADD COLUMN waitlist_id uuid REFERENCES waitlist_entries (id);

-- Down Migration
ALTER TABLE bookings DROP COLUMN waitlist_id;
DROP TABLE waitlist_entries;
