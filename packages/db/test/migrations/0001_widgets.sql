-- Up Migration
CREATE TABLE widgets (id bigserial PRIMARY KEY, name text NOT NULL UNIQUE);

-- Down Migration
DROP TABLE widgets;
