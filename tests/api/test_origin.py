"""The deployed API answers only requests that came through CloudFront (and its WAF): each
carries the origin secret, read once from Secrets Manager (boto3 against a stand-in)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from functions.api.origin import HEADER, REFUSED
from local.api_server import local_app
from shared.db.psycopg_driver import PsycopgDriver
from tests.api.conftest import api_settings, error_of
from tests.support.aws_standin import AwsStandIn

SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:OriginVerify-abc"
SECRET = "s3cr3tFromSecretsManager"


@pytest.fixture
def guarded(
    aws: AwsStandIn, pg: PsycopgDriver, issuer_dir: Path, migrated_url: str
) -> Iterator[TestClient]:
    aws.answer("secretsmanager", "GetSecretValue", {"ARN": SECRET_ARN, "SecretString": SECRET})
    settings = api_settings(issuer_dir, migrated_url, ORIGIN_VERIFY_SECRET_ARN=SECRET_ARN)
    with TestClient(local_app(settings, db=pg), raise_server_exceptions=False) as client:
        yield client


def test_a_request_without_the_origin_secret_is_refused(guarded: TestClient) -> None:
    for response in (
        guarded.get("/health"),
        guarded.get("/api/user"),
        guarded.get("/health", headers={HEADER: "a guess"}),
        guarded.post("/api/analyze", headers={HEADER: SECRET[:-1]}),
    ):
        assert response.status_code == 403
        assert error_of(response) == {"code": "forbidden", "message": REFUSED, "details": None}


def test_a_request_through_cloudfront_is_served_and_the_secret_read_once(
    guarded: TestClient, aws: AwsStandIn
) -> None:
    for _ in range(3):
        assert guarded.get("/health", headers={HEADER: SECRET}).status_code == 200
    reads = [r for r in aws.requests if r.action == "GetSecretValue"]
    assert [r.body["SecretId"] for r in reads] == [SECRET_ARN]


def test_without_the_setting_nothing_is_required(client: TestClient) -> None:
    assert client.get("/health").status_code == 200
