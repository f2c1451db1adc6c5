-- An addendum (追記) lists the key images its author marked after the report
-- it adds to. Addenda signed before addenda listed them keep rendering as
-- they were signed (their PDF is checked against the SHA-256 kept at
-- signing): only those written with this flag set list key images.
ALTER TABLE exchange_texts ADD COLUMN lists_key_images boolean NOT NULL DEFAULT false;
