"""Custom resource handler run at deploy: apply the migrations, seed the instruments, and create
the application role the runtime functions use (shared/db/roles.py), with the master secret.

Through the Data API, so a student's first deploy is usable. Safe to repeat: migrations apply
once each, seeding upserts, the role is created or its password set. Deleting the resource leaves
the data alone.
"""

import json
from typing import Any

from runtime.aws import aws_client
from runtime.database import connect
from runtime.handlers import Powertools
from shared.db.migrate import migrate
from shared.db.roles import ensure_app_role
from shared.db.seed import seed_instruments
from shared.errors import InvalidInput
from shared.settings import get_settings

powertools = Powertools("db_migrate")
logger = powertools.logger


@powertools.handler
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    request = event["RequestType"]
    if request in ("Create", "Update"):
        settings = get_settings()
        db = connect(settings)
        applied = migrate(db)
        seeded = seed_instruments(db)
        if settings.db_app_secret_arn is None:
            raise InvalidInput(
                "DB_APP_SECRET_ARN is not set: the application role's secret (AlexDatabase)",
                field="DB_APP_SECRET_ARN",
            )
        secret = aws_client("secretsmanager", settings).get_secret_value(
            SecretId=settings.db_app_secret_arn
        )
        ensure_app_role(db, json.loads(secret["SecretString"])["password"])
        logger.info("database ready", extra={"migrations": len(applied), "instruments": seeded})
    return {"PhysicalResourceId": "alex-database-schema"}
