-- Users, instruments, accounts, positions and analysis jobs (SPEC.md section 1).

CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger AS $$
BEGIN
    NEW.updated_at = now();
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TABLE users (
    clerk_user_id            text PRIMARY KEY CHECK (length(clerk_user_id) BETWEEN 1 AND 128),
    display_name             text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    years_until_retirement   integer NOT NULL DEFAULT 20 CHECK (years_until_retirement BETWEEN 0 AND 80),
    target_retirement_income numeric(16, 2) NOT NULL DEFAULT 60000 CHECK (target_retirement_income >= 0),
    current_age              integer CHECK (current_age BETWEEN 16 AND 110),
    annual_contribution      numeric(16, 2) NOT NULL DEFAULT 0 CHECK (annual_contribution >= 0),
    asset_class_targets      jsonb NOT NULL CHECK (jsonb_typeof(asset_class_targets) = 'object'),
    region_targets           jsonb NOT NULL CHECK (jsonb_typeof(region_targets) = 'object'),
    created_at               timestamptz NOT NULL DEFAULT now(),
    updated_at               timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE instruments (
    symbol                 text PRIMARY KEY CHECK (symbol ~ '^[A-Z0-9][A-Z0-9.\-]{0,11}$'),
    name                   text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    instrument_type        text,
    current_price          numeric(18, 6) CHECK (current_price >= 0),
    allocation_asset_class jsonb CHECK (jsonb_typeof(allocation_asset_class) = 'object'),
    allocation_regions     jsonb CHECK (jsonb_typeof(allocation_regions) = 'object'),
    allocation_sectors     jsonb CHECK (jsonb_typeof(allocation_sectors) = 'object'),
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    -- An instrument is either fully tagged or waiting for the tagger, never half tagged.
    CONSTRAINT instruments_allocations_complete CHECK (
        (allocation_asset_class IS NULL) = (allocation_regions IS NULL)
        AND (allocation_regions IS NULL) = (allocation_sectors IS NULL)
    )
);
CREATE INDEX instruments_untagged_idx ON instruments (symbol) WHERE allocation_asset_class IS NULL;
CREATE INDEX instruments_name_idx ON instruments (lower(name) text_pattern_ops);

CREATE TABLE accounts (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    clerk_user_id   text NOT NULL REFERENCES users (clerk_user_id) ON DELETE CASCADE,
    account_name    text NOT NULL CHECK (length(account_name) BETWEEN 1 AND 200),
    account_type    text NOT NULL,
    account_purpose text NOT NULL DEFAULT '' CHECK (length(account_purpose) <= 500),
    cash_balance    numeric(16, 2) NOT NULL DEFAULT 0 CHECK (cash_balance >= 0),
    cash_interest   numeric(7, 6) NOT NULL DEFAULT 0 CHECK (cash_interest BETWEEN 0 AND 1),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX accounts_user_idx ON accounts (clerk_user_id, created_at);

CREATE TABLE positions (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    symbol     text NOT NULL REFERENCES instruments (symbol) ON UPDATE CASCADE,
    quantity   numeric(20, 8) NOT NULL CHECK (quantity > 0),
    as_of_date date NOT NULL DEFAULT current_date,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT positions_account_symbol_key UNIQUE (account_id, symbol)
);
CREATE INDEX positions_symbol_idx ON positions (symbol);

CREATE TABLE jobs (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    clerk_user_id      text NOT NULL REFERENCES users (clerk_user_id) ON DELETE CASCADE,
    job_type           text NOT NULL DEFAULT 'portfolio_analysis',
    status             text NOT NULL DEFAULT 'pending'
                       CHECK (status IN ('pending', 'running', 'completed', 'failed')),
    execution_arn      text,
    request_payload    jsonb NOT NULL DEFAULT '{}'::jsonb,
    steps              jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(steps) = 'object'),
    report_payload     jsonb,
    charts_payload     jsonb,
    retirement_payload jsonb,
    summary_payload    jsonb,
    failed_step        text,
    error_message      text,
    error_cause        text,
    usage              jsonb NOT NULL DEFAULT '{}'::jsonb,
    input_tokens       bigint NOT NULL DEFAULT 0 CHECK (input_tokens >= 0),
    output_tokens      bigint NOT NULL DEFAULT 0 CHECK (output_tokens >= 0),
    cost_usd           numeric(12, 6) NOT NULL DEFAULT 0 CHECK (cost_usd >= 0),
    redrive_count      integer NOT NULL DEFAULT 0 CHECK (redrive_count >= 0),
    created_at         timestamptz NOT NULL DEFAULT now(),
    started_at         timestamptz,
    completed_at       timestamptz,
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_user_recent_idx ON jobs (clerk_user_id, created_at DESC);
-- At most one analysis pending or running per user: a second click finds the first.
CREATE UNIQUE INDEX jobs_one_active_per_user ON jobs (clerk_user_id, job_type)
    WHERE status IN ('pending', 'running');

CREATE TRIGGER users_updated_at BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER instruments_updated_at BEFORE UPDATE ON instruments
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER accounts_updated_at BEFORE UPDATE ON accounts
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER positions_updated_at BEFORE UPDATE ON positions
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER jobs_updated_at BEFORE UPDATE ON jobs
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
