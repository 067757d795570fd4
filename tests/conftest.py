"""Fixtures shared by the suite: a real PostgreSQL, migrated once, emptied after each test.

The server is a throwaway embedded one unless ALEX_TEST_DATABASE_URL names a database the suite
may fill and empty. `db` runs each repository test twice: through psycopg and through the Data
API driver (over a stand-in for AWS's endpoint, backed by the same PostgreSQL).
"""

import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from runtime.data_api import DataApiDriver
from shared.db import Database
from shared.db.migrate import migrate
from shared.db.psycopg_driver import PsycopgDriver
from shared.settings import get_settings
from tests.support.aws_standin import PROFILE_REGION, AwsStandIn
from tests.support.data_api_standin import CLUSTER_ARN, SECRET_ARN, StandInDataApi


def pytest_configure(config: pytest.Config) -> None:
    # Before any test module imports LiteLLM, which otherwise fetches prices from the internet,
    # or the CDK, whose runtime warns at length about Node 20.
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    """Settings are read once per process; a test that changes the environment reads them anew."""
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@contextmanager
def scratch_directory() -> Iterator[Path]:
    """A temporary directory outside pytest's own, which every pytest run makes private again
    (mode 0700): a PostgreSQL running as the `pgserver` user (under root) must keep access."""
    path = Path(tempfile.mkdtemp(prefix="alex-test-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def scratch() -> Iterator[Path]:
    with scratch_directory() as path:
        yield path


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    url = os.environ.get("ALEX_TEST_DATABASE_URL")
    if url:
        yield url
        return
    from local.postgres import start

    with scratch_directory() as directory:
        server, url = start(directory / "postgres", "alex_test")
        yield url
        server.cleanup()


@pytest.fixture(scope="session")
def migrated_url(database_url: str) -> str:
    db = PsycopgDriver(database_url)
    migrate(db)
    db.close()
    return database_url


def _empty(url: str) -> None:
    db = PsycopgDriver(url)
    db.execute("TRUNCATE users, instruments, accounts, positions, jobs CASCADE")
    db.close()


@pytest.fixture(params=["psycopg", "data_api"])
def db(request: pytest.FixtureRequest, migrated_url: str) -> Iterator[Database]:
    """A migrated, empty database, through each driver in turn."""
    if request.param == "psycopg":
        database: Database = PsycopgDriver(migrated_url)
    else:
        database = DataApiDriver(CLUSTER_ARN, SECRET_ARN, "alex", StandInDataApi(migrated_url))
    yield database
    database.close()
    _empty(migrated_url)


@pytest.fixture
def pg(migrated_url: str) -> Iterator[PsycopgDriver]:
    """A migrated, empty database through psycopg only (for what the drivers do not change)."""
    database = PsycopgDriver(migrated_url)
    yield database
    database.close()
    _empty(migrated_url)


@pytest.fixture
def fresh_database_url(database_url: str) -> Iterator[str]:
    """A new, empty database on the test server (for migrations, reset and the CLI)."""
    name = f"alex_fresh_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield make_conninfo(database_url, dbname=name)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


STACK_REGION = "eu-west-1"


@pytest.fixture(scope="session")
def cloud_assembly(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The app synthesized as `cdk synth` would (cdk-nag included), assets left unbundled."""
    import aws_cdk as cdk

    from cdk_app import build_app
    from stacks.config import DeploySettings

    outdir = tmp_path_factory.mktemp("cdk.out")
    app = cdk.App(context={"aws:cdk:bundling-stacks": []}, outdir=str(outdir))
    # The defaults, whatever this checkout's deploy.toml says, in a region other than CloudFront's
    # us-east-1, as for most students.
    build_app(app, DeploySettings(), region=STACK_REGION)
    app.synth()
    return outdir


@pytest.fixture(scope="session")
def templates(cloud_assembly: Path) -> dict[str, dict[str, Any]]:
    return {
        path.name.removesuffix(".template.json"): json.loads(path.read_text())
        for path in cloud_assembly.glob("*.template.json")
    }


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[AwsStandIn]:
    """An AWS account as a stand-in: ALEX_ENV=aws, stand-in keys, a profile whose region is
    PROFILE_REGION, and the endpoints of the services Alex calls at the stand-in; no region in
    the environment."""
    config = tmp_path / "aws-config"
    config.write_text(
        f"[profile alex-test]\nregion = {PROFILE_REGION}\n\n[profile no-region]\noutput = json\n"
    )
    with AwsStandIn() as aws:
        for name in (
            "AWS_REGION",
            "AWS_DEFAULT_REGION",
            "AWS_SESSION_TOKEN",
            "AWS_ENDPOINT_URL",
            "AWS_ENDPOINT_URL_SFN",
            "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
            "DATABASE_URL",
        ):
            monkeypatch.delenv(name, raising=False)
        for name, value in {
            "ALEX_ENV": "aws",
            "AWS_CONFIG_FILE": str(config),
            "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "aws-credentials"),
            "AWS_PROFILE": "alex-test",
            "AWS_ACCESS_KEY_ID": "AKIDSTANDIN",
            "AWS_SECRET_ACCESS_KEY": "stand-in",
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_ENDPOINT_URL_STEPFUNCTIONS": aws.url,  # Alex's setting, passed as endpoint_url
            "AWS_ENDPOINT_URL_RDS_DATA": aws.url,  # botocore's own, by service id
            "AWS_ENDPOINT_URL_SECRETS_MANAGER": aws.url,
            "AWS_ENDPOINT_URL_SSM": aws.url,
            "AWS_ENDPOINT_URL_STS": aws.url,
            "DB_CLUSTER_ARN": CLUSTER_ARN,
            "DB_SECRET_ARN": SECRET_ARN,
        }.items():
            monkeypatch.setenv(name, value)
        # boto3 reads the profile when it makes its default session: make it anew, here.
        monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
        yield aws
