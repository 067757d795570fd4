"""Custom resource handler run at deploy: apply the migrations and seed the instruments.

Through the Data API, so a student's first deploy is usable. Safe to repeat: migrations apply
once each and seeding upserts. Deleting the resource leaves the data alone.
"""

from typing import Any

from aws_lambda_powertools import Logger

from runtime.database import connect
from shared.db.migrate import migrate
from shared.db.seed import seed_instruments

logger = Logger(service="db_migrate")


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    request = event["RequestType"]
    if request in ("Create", "Update"):
        db = connect()
        applied = migrate(db)
        seeded = seed_instruments(db)
        logger.info("database ready", extra={"migrations": len(applied), "instruments": seeded})
    return {"PhysicalResourceId": "alex-database-schema"}
