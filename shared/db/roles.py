"""The database role every runtime function uses: it logs in and reads and writes the rows of
the product's tables, and nothing more (no DDL, no roles, not the migrations' own table). Only the
deploy's migration step, with the master credentials, creates and grants it."""

from shared.db.base import Database
from shared.errors import InvalidInput

APP_ROLE = "alex_app"
MIGRATIONS_TABLE = "schema_migrations"
# CREATE ROLE takes no bound parameters: the password is written into the statement, so it may
# hold nothing that ends a string literal.
_UNSAFE = ("'", "\\")


def ensure_app_role(db: Database, password: str, role: str = APP_ROLE) -> None:
    """Create the role (or set its password), and grant it the rows of every table of the
    schema, now and to come. Safe to repeat."""
    if len(password) < 16 or any(character in password for character in _UNSAFE):
        raise InvalidInput(
            f"the password of {role} must be at least 16 characters, without quotes or"
            " backslashes (Secrets Manager generates one)",
            field="password",
        )
    with db.transaction() as tx:
        exists = tx.fetch_one(
            "SELECT 1 AS found FROM pg_roles WHERE rolname = :role", {"role": role}
        )
        verb = "ALTER" if exists else "CREATE"
        tx.execute(
            f"{verb} ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT"
            f" PASSWORD '{password}'"
        )
        tx.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
        tx.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}")
        tx.execute(f"REVOKE ALL ON {MIGRATIONS_TABLE} FROM {role}")
        tx.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}")
        # Tables a later migration creates are granted as they come (migrations run as master).
        tx.execute(
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public"
            f" GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}"
        )
