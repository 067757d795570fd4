"""The deploy-time custom resource: migrate, seed and create the application role on create and
update, never drop on delete (its secret read from a Secrets Manager stand-in)."""

import json
from collections.abc import Iterator

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from functions.db_migrate.handler import handler
from shared.db import Instruments
from shared.db.psycopg_driver import PsycopgDriver
from shared.db.roles import APP_ROLE
from shared.db.seed import SEED_INSTRUMENTS
from shared.errors import InvalidInput
from tests.support.aws_standin import AwsStandIn
from tests.support.lambda_context import lambda_context

APP_SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:AppSecret-abc"
PASSWORD = "kQ9wE3rT7yU1iO5pA8sD2fG6"


@pytest.fixture
def deploying(fresh_database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with AwsStandIn() as aws:
        aws.answer(
            "secretsmanager",
            "GetSecretValue",
            {
                "ARN": APP_SECRET_ARN,
                "SecretString": json.dumps({"username": APP_ROLE, "password": PASSWORD}),
            },
        )
        for name, value in {
            "DATABASE_URL": fresh_database_url,
            "DB_APP_SECRET_ARN": APP_SECRET_ARN,
            "AWS_ENDPOINT_URL_SECRETS_MANAGER": aws.url,
            "AWS_REGION": "eu-west-1",
            "AWS_ACCESS_KEY_ID": "stand-in",
            "AWS_SECRET_ACCESS_KEY": "stand-in",
        }.items():
            monkeypatch.setenv(name, value)
        yield fresh_database_url


@pytest.mark.parametrize("request_type", ["Create", "Update"])
def test_create_and_update_leave_a_migrated_seeded_database_and_its_app_role(
    deploying: str, request_type: str
) -> None:
    for _ in range(2):
        result = handler({"RequestType": request_type}, lambda_context())
    assert result == {"PhysicalResourceId": "alex-database-schema"}
    db = PsycopgDriver(deploying)
    assert len(Instruments(db).all()) == len(SEED_INSTRUMENTS)
    db.close()
    app = make_conninfo(deploying, user=APP_ROLE, password=PASSWORD)
    with psycopg.connect(app) as connection:
        assert connection.execute("SELECT count(*) FROM instruments").fetchone() == (
            len(SEED_INSTRUMENTS),
        )


def test_delete_leaves_the_data_alone(deploying: str) -> None:
    handler({"RequestType": "Create"}, lambda_context())
    assert handler({"RequestType": "Delete"}, lambda_context())["PhysicalResourceId"]
    db = PsycopgDriver(deploying)
    assert len(Instruments(db).all()) == len(SEED_INSTRUMENTS)
    db.close()


def test_without_the_app_roles_secret_the_deploy_step_fails_saying_so(
    deploying: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DB_APP_SECRET_ARN")
    with pytest.raises(InvalidInput, match="DB_APP_SECRET_ARN is not set"):
        handler({"RequestType": "Create"}, lambda_context())
