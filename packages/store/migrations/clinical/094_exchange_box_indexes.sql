-- The boxes that had no index of their own read every item of the facility
-- or user and sorted them all (at 100,000 items, half a second a list):
-- the liaison's inbox (items addressed to the facility, a few among many
-- addressed to named users), and the lists of both directions, whose
-- incoming part is ordered by creation like the outgoing part.
CREATE INDEX exchange_items_liaison ON exchange_items (to_facility, sent_at DESC) WHERE to_liaison AND status <> 'draft';
CREATE INDEX exchange_items_to_user_created ON exchange_items (to_user, created_at DESC) WHERE to_user IS NOT NULL AND status <> 'draft';
CREATE INDEX exchange_items_to_facility_created ON exchange_items (to_facility, created_at DESC) WHERE status <> 'draft';
