-- A record moved from the identity store's outbox carries its outbox id in its
-- detail: a move that stopped between the two commits is found, not repeated.
CREATE INDEX audit_events_outbox ON audit_events ((detail->>'outbox')) WHERE detail ? 'outbox';
