-- Every price has a source and an as-of time, and a user may price a symbol no source prices.
-- `instruments.price_source`: 'seed' (the approximate demonstration prices shipped with Alex)
-- or 'massive' (the market-data provider); a price without both its source and its as-of time
-- cannot be stored. Prices stored before this migration keep their
-- value, recorded as seed prices as of the time the row last changed.

ALTER TABLE instruments ADD COLUMN IF NOT EXISTS price_source text;

ALTER TABLE instruments ADD COLUMN IF NOT EXISTS price_as_of timestamptz;

UPDATE instruments SET price_source = 'seed', price_as_of = updated_at
WHERE current_price IS NOT NULL AND (price_source IS NULL OR price_as_of IS NULL);

ALTER TABLE instruments DROP CONSTRAINT IF EXISTS instruments_price_provenance;

ALTER TABLE instruments ADD CONSTRAINT instruments_price_provenance CHECK (
    (current_price IS NULL) = (price_source IS NULL)
    AND (current_price IS NULL) = (price_as_of IS NULL)
    AND (price_source IS NULL OR price_source IN ('seed', 'massive'))
);

-- A price a user entered for a symbol: it values only that user's positions, and only while no
-- source prices the symbol (the source's price then supersedes it; the row is kept so the user
-- sees what they entered). Prices must be positive and plausible for one share.
CREATE TABLE IF NOT EXISTS user_prices (
    clerk_user_id text NOT NULL REFERENCES users (clerk_user_id) ON DELETE CASCADE,
    symbol        text NOT NULL REFERENCES instruments (symbol) ON UPDATE CASCADE ON DELETE CASCADE,
    price         numeric(18, 6) NOT NULL CHECK (price > 0 AND price <= 10000000),
    as_of_date    date NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (clerk_user_id, symbol)
);

CREATE INDEX IF NOT EXISTS user_prices_symbol_idx ON user_prices (symbol);

DROP TRIGGER IF EXISTS user_prices_updated_at ON user_prices;

CREATE TRIGGER user_prices_updated_at BEFORE UPDATE ON user_prices
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
