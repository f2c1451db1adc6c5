-- Retention walks the items due in (delete_on, id) order, a batch at a time:
-- an index in that order lets each batch start where the last ended instead
-- of sorting every due item again.
CREATE INDEX exchange_items_delete_on_id ON exchange_items (delete_on, id);
DROP INDEX exchange_items_delete_on;
