"""The deployed API accepts Clerk tokens for the SPA's CloudFront origin, read from the parameter
the frontend stack writes; without it the API does not start (boto3 against a stand-in SSM)."""

from collections.abc import Iterator

import pytest

from functions.api.app import ConfigurationError, create_app
from shared.db.psycopg_driver import PsycopgDriver
from shared.settings import Settings
from tests.support.aws_standin import AwsError, AwsStandIn

PARAMETER = "/alex/dev/spa-origin"
ORIGIN = "https://d111111abcdef8.cloudfront.net"


@pytest.fixture
def ssm(monkeypatch: pytest.MonkeyPatch) -> Iterator[AwsStandIn]:
    with AwsStandIn() as aws:
        for name, value in {
            "AWS_ENDPOINT_URL_SSM": aws.url,
            "AWS_ACCESS_KEY_ID": "stand-in",
            "AWS_SECRET_ACCESS_KEY": "stand-in",
        }.items():
            monkeypatch.setenv(name, value)
        yield aws


def deployed(**values: str) -> Settings:
    return Settings(
        ALEX_ENV="aws",
        AWS_REGION="eu-west-1",
        CLERK_ISSUER="https://clean-mayfly-62.clerk.accounts.dev",
        SPA_ORIGIN_PARAMETER=PARAMETER,
        **values,
    )


def test_tokens_are_accepted_for_the_origin_the_parameter_holds(
    ssm: AwsStandIn, pg: PsycopgDriver
) -> None:
    ssm.answer("ssm", "GetParameter", {"Parameter": {"Name": PARAMETER, "Value": ORIGIN}})
    app = create_app(deployed(CLERK_AUTHORIZED_PARTIES="https://alex.example.com"), pg)
    assert app.state.verifier.authorized_parties == ("https://alex.example.com", ORIGIN)
    assert [(r.action, r.body["Name"]) for r in ssm.requests] == [("GetParameter", PARAMETER)]


def test_without_the_parameter_the_api_refuses_to_start_rather_than_accept_any_party(
    ssm: AwsStandIn, pg: PsycopgDriver
) -> None:
    def missing(request: object) -> dict[str, str]:
        raise AwsError("ParameterNotFound", "", status=400)

    ssm.answer("ssm", "GetParameter", missing)
    with pytest.raises(ConfigurationError, match=f"parameter {PARAMETER}.*AlexFrontend"):
        create_app(deployed(), pg)
