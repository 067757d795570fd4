"""The SQL text helpers: `:name` parameters for psycopg, and scripts split into statements."""

from shared.db.base import constraint_name, split_statements
from shared.db.psycopg_driver import to_pyformat


def test_named_parameters_become_pyformat_but_casts_and_percent_survive() -> None:
    sql = "SELECT :a::jsonb, '{}'::jsonb, x % 2, :b_2 WHERE y LIKE '50%'"
    assert to_pyformat(sql) == (
        "SELECT %(a)s::jsonb, '{}'::jsonb, x %% 2, %(b_2)s WHERE y LIKE '50%%'"
    )


def test_script_splits_on_semicolons_outside_quotes_bodies_and_comments() -> None:
    script = """
        -- a comment; with a semicolon
        CREATE FUNCTION f() RETURNS trigger AS $$
        BEGIN NEW.x = 'a;b'; RETURN NEW; END;
        $$ LANGUAGE plpgsql;
        INSERT INTO t VALUES ('it''s; fine', $tag$ ; $tag$);
        SELECT 1
    """
    assert list(split_statements(script)) == [
        "CREATE FUNCTION f() RETURNS trigger AS $$\n"
        "        BEGIN NEW.x = 'a;b'; RETURN NEW; END;\n"
        "        $$ LANGUAGE plpgsql",
        "INSERT INTO t VALUES ('it''s; fine', $tag$ ; $tag$)",
        "SELECT 1",
    ]


def test_constraint_name_is_read_from_postgres_messages() -> None:
    message = 'duplicate key value violates unique constraint "positions_account_symbol_key"'
    assert constraint_name(message) == "positions_account_symbol_key"
    assert constraint_name("syntax error at or near") is None
