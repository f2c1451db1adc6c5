-- The network's secretariat has terminals of its own: a terminal of no
-- facility. Operators log in there and nowhere else; everyone else only on a
-- terminal of their own facility.
ALTER TABLE terminals ALTER COLUMN facility_code DROP NOT NULL;
