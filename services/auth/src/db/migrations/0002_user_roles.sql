-- Up Migration
-- Roles of an account, carried in its access tokens as `roles` (issue 11: the waiting room's operators are
-- `admin`). Empty for travellers; only known roles may be stored.
ALTER TABLE users ADD COLUMN roles text[] NOT NULL DEFAULT '{}';
ALTER TABLE users ADD CONSTRAINT users_roles_known CHECK (roles <@ ARRAY['admin']::text[]);

-- Down Migration
ALTER TABLE users DROP CONSTRAINT users_roles_known;
ALTER TABLE users DROP COLUMN roles;
