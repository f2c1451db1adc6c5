-- DICOMweb asks, on every call about a study shared through the exchange,
-- which items carry it; releasing a study asks whether any other item still
-- does. A GIN index over the items' StudyInstanceUIDs answers both
-- (`studies @> ARRAY[uid]`) without reading every item.
CREATE INDEX exchange_items_studies ON exchange_items USING gin (studies);
