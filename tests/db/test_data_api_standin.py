"""The Data API stand-in answers as AWS does, refusals included, so that a statement the Data API
would refuse fails here first."""

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support.data_api_standin import CLUSTER_ARN, SECRET_ARN, StandInDataApi

TARGET = {"resourceArn": CLUSTER_ARN, "secretArn": SECRET_ARN, "database": "alex"}


@pytest.fixture
def standin(migrated_url: str) -> StandInDataApi:
    return StandInDataApi(migrated_url)


def _select(standin: StandInDataApi, sql: str) -> dict[str, Any]:
    return standin.execute_statement(**TARGET, sql=sql, includeResultMetadata=True)


def test_a_void_result_is_refused_as_unsupported(standin: StandInDataApi) -> None:
    with pytest.raises(ClientError) as refused:
        _select(standin, "SELECT pg_advisory_xact_lock(1)")
    assert refused.value.response["Error"] == {
        "Code": "UnsupportedResultException",
        "Message": "The result contains the unsupported data type void",
    }


def test_a_type_the_data_api_does_not_list_is_refused(standin: StandInDataApi) -> None:
    with pytest.raises(ClientError, match="unsupported data type interval"):
        _select(standin, "SELECT interval '1 day' AS wait")


def test_the_advisory_lock_selected_as_a_number_is_answered(standin: StandInDataApi) -> None:
    answer = _select(standin, "SELECT 1 AS locked FROM pg_advisory_xact_lock(1)")
    assert answer["records"] == [[{"longValue": 1}]]
    assert answer["columnMetadata"][0]["typeName"] == "int4"


def test_arrays_are_answered_one_dimensional_only(standin: StandInDataApi) -> None:
    answer = _select(standin, "SELECT ARRAY['a', 'b'] AS tags, ARRAY[1, 2] AS counts")
    assert answer["records"] == [
        [{"arrayValue": {"stringValues": ["a", "b"]}}, {"arrayValue": {"longValues": [1, 2]}}]
    ]
    assert [c["typeName"] for c in answer["columnMetadata"]] == ["_text", "_int4"]
    with pytest.raises(ClientError, match="multidimensional array"):
        _select(standin, "SELECT ARRAY[ARRAY[1, 2], ARRAY[3, 4]] AS grid")
