"""The schemas refuse bad input with a message naming what is wrong."""

from datetime import UTC, datetime
from decimal import Decimal
from uuid import uuid4

import pytest
from pydantic import ValidationError

from shared.schemas import (
    STEP_NAMES,
    AccountCreate,
    InstrumentClassification,
    InstrumentCreate,
    Job,
    PositionCreate,
    StepState,
    UserUpdate,
)

TAGGED = {
    "allocation_asset_class": {"equity": 100},
    "allocation_regions": {"north_america": 100},
    "allocation_sectors": {"technology": 100},
}


def _error(excinfo: pytest.ExceptionInfo[ValidationError]) -> tuple[str, str]:
    (error,) = excinfo.value.errors()
    return ".".join(str(part) for part in error["loc"]), error["msg"]


def test_allocation_summing_to_90_is_refused_with_its_sum() -> None:
    with pytest.raises(ValidationError) as excinfo:
        InstrumentCreate(
            symbol="ABC", name="A", **{**TAGGED, "allocation_asset_class": {"equity": 90}}
        )
    field, message = _error(excinfo)
    assert field == "allocation_asset_class"
    assert "sum to 100 (these sum to 90)" in message


def test_allocation_within_tolerance_is_accepted() -> None:
    maps = {**TAGGED, "allocation_asset_class": {"equity": 60.005, "fixed_income": 40}}
    assert InstrumentCreate(symbol="ABC", name="A", **maps).is_classified


def test_unknown_region_is_refused() -> None:
    with pytest.raises(ValidationError) as excinfo:
        InstrumentCreate(symbol="ABC", name="A", **{**TAGGED, "allocation_regions": {"mars": 100}})
    assert _error(excinfo)[0].startswith("allocation_regions")


def test_negative_share_is_refused() -> None:
    with pytest.raises(ValidationError, match="between 0 and 100"):
        InstrumentClassification(
            instrument_type="etf",
            allocation_asset_class={"equity": 110, "cash": -10},
            allocation_regions={"europe": 100},
            allocation_sectors={"other": 100},
        )


def test_half_tagged_instrument_is_refused() -> None:
    with pytest.raises(ValidationError, match="all three allocation maps, or none"):
        InstrumentCreate(symbol="ABC", name="A", allocation_asset_class={"equity": 100})


def test_symbol_is_normalised_and_junk_refused() -> None:
    position = PositionCreate(account_id=uuid4(), symbol=" brk.b ", quantity=Decimal("1.5"))
    assert position.symbol == "BRK.B"
    with pytest.raises(ValidationError) as excinfo:
        PositionCreate(account_id=uuid4(), symbol="DROP TABLE", quantity=Decimal(1))
    assert _error(excinfo)[0] == "symbol"


@pytest.mark.parametrize("quantity", ["0", "-3"])
def test_quantity_must_be_positive(quantity: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        PositionCreate(account_id=uuid4(), symbol="VTI", quantity=Decimal(quantity))
    assert _error(excinfo) == ("quantity", "Input should be greater than 0")


def test_negative_cash_and_rates_above_100_percent_are_refused() -> None:
    with pytest.raises(ValidationError) as excinfo:
        AccountCreate(account_name="x", account_type="taxable", cash_balance=Decimal("-1"))
    assert _error(excinfo)[0] == "cash_balance"
    with pytest.raises(ValidationError) as excinfo:
        AccountCreate(account_name="x", account_type="taxable", cash_interest=Decimal("4.5"))
    assert _error(excinfo)[0] == "cash_interest"


def test_unknown_account_type_and_extra_fields_are_refused() -> None:
    with pytest.raises(ValidationError, match="account_type"):
        AccountCreate.model_validate({"account_name": "x", "account_type": "piggy_bank"})
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        AccountCreate.model_validate(
            {"account_name": "x", "account_type": "taxable", "clerk_user_id": "someone_else"}
        )


def test_international_region_target_cannot_overlap_other_regions() -> None:
    assert UserUpdate(region_targets={"north_america": 60, "international": 40})
    with pytest.raises(ValidationError, match="'international' already covers"):
        UserUpdate(region_targets={"europe": 60, "international": 40})


def test_classification_schema_describes_every_field_for_a_model() -> None:
    schema = InstrumentClassification.model_json_schema()
    assert schema["description"]
    for name, field in schema["properties"].items():
        assert field.get("description"), f"{name} has no description"


def test_job_steps_come_in_workflow_order_and_money_serialises_as_numbers() -> None:
    now = datetime.now(UTC)
    job = Job.model_validate(
        {
            "id": uuid4(),
            "clerk_user_id": "u",
            "status": "pending",
            "execution_arn": None,
            "steps": {name: StepState() for name in reversed(STEP_NAMES)},
            "report_payload": None,
            "charts_payload": None,
            "retirement_payload": None,
            "summary_payload": None,
            "failed_step": None,
            "error_message": None,
            "error_cause": None,
            "usage": {},
            "input_tokens": 0,
            "output_tokens": 0,
            "cost_usd": Decimal("0.012345"),
            "redrive_count": 0,
            "created_at": now,
            "started_at": None,
            "completed_at": None,
            "updated_at": now,
        }
    )
    assert tuple(job.steps) == STEP_NAMES
    assert job.model_dump(mode="json")["cost_usd"] == 0.012345
