-- Up Migration
CREATE TABLE gadgets (id serial PRIMARY KEY);

-- Down Migration
DROP TABLE gadgets;
