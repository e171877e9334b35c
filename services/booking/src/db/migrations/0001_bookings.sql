-- Up Migration
-- Durable bookings. PostgreSQL is the truth; Redis is a fast filter rebuilt from the active rows here.
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE bookings (
  id uuid PRIMARY KEY,
  user_id text NOT NULL,
  trip_id integer NOT NULL,
  from_code text NOT NULL,
  to_code text NOT NULL,
  from_index smallint NOT NULL,
  to_index smallint NOT NULL,
  status text NOT NULL CHECK (status IN ('HELD', 'PENDING_PAYMENT', 'CONFIRMED', 'EXPIRED', 'CANCELLED')),
  amount integer NOT NULL CHECK (amount >= 0),
  expires_at timestamptz,
  contact_phone text,
  contact_email text,
  contact_name text,
  passengers jsonb NOT NULL DEFAULT '[]'::jsonb,
  otp_hash text,
  otp_attempts smallint NOT NULL DEFAULT 0,
  otp_sends smallint NOT NULL DEFAULT 0,
  payment_id uuid,
  reference text UNIQUE,
  cancel_reason text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (from_index >= 0 AND to_index > from_index)
);
CREATE INDEX bookings_user_idx ON bookings (user_id, created_at DESC, id DESC);
CREATE INDEX bookings_expiry_idx ON bookings (expires_at) WHERE status IN ('HELD', 'PENDING_PAYMENT');
CREATE INDEX bookings_trip_active_idx ON bookings (trip_id) WHERE status IN ('HELD', 'PENDING_PAYMENT', 'CONFIRMED');

-- One row per seat of a booking, covering legs [from_index, to_index). `active` mirrors the booking's
-- status (HELD/PENDING_PAYMENT/CONFIRMED) and is cleared by the trigger below when the booking expires or
-- is cancelled. An expired-but-not-yet-marked hold stays active: the writer of a new hold marks the
-- overlapping expired bookings EXPIRED in its own transaction first, so the constraint never rejects a
-- legitimate hold but always rejects a double-sell, whatever Redis says.
CREATE TABLE booking_seats (
  booking_id uuid NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
  trip_id integer NOT NULL,
  seat_id integer NOT NULL,
  legs int4range NOT NULL CHECK (NOT isempty(legs)),
  -- Printed seat details copied from the trip inventory, so reads never depend on the train service.
  label text NOT NULL,
  coach text NOT NULL,
  class text NOT NULL,
  active boolean NOT NULL DEFAULT true,
  PRIMARY KEY (booking_id, seat_id),
  CONSTRAINT booking_seats_no_double_sell EXCLUDE USING gist (trip_id WITH =, seat_id WITH =, legs WITH &&) WHERE (active)
);
CREATE INDEX booking_seats_trip_idx ON booking_seats (trip_id, seat_id) WHERE active;

CREATE FUNCTION booking_seats_follow_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE booking_seats SET active = (NEW.status IN ('HELD', 'PENDING_PAYMENT', 'CONFIRMED')) WHERE booking_id = NEW.id;
  RETURN NULL;
END;
$$;

CREATE TRIGGER bookings_status_to_seats
  AFTER UPDATE OF status ON bookings
  FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status AND NEW.status IN ('EXPIRED', 'CANCELLED'))
  EXECUTE FUNCTION booking_seats_follow_status();

-- Down Migration
DROP TABLE booking_seats;
DROP TABLE bookings;
DROP FUNCTION booking_seats_follow_status();
