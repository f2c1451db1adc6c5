-- The clerks' view of their facility's ID usage reads, per ID and month, the
-- exchange actions on the trail (items opened, the last use): an index over
-- the exchange's part of the trail answers it without reading the rest.
CREATE INDEX audit_events_exchange_actor ON audit_events (actor, at) WHERE action LIKE 'exchange.%';
