"""Which model the agents use, decided without importing them: the API asks it too (whether the
next analysis can classify instruments), and must stay light."""

import functools
import logging

from shared.settings import Settings, get_settings

log = logging.getLogger(__name__)

OFFLINE = "offline"

# What a person reads about an offline result: what it is, and how to change it. Only a setup
# outside AWS runs offline (in AWS the agents use Bedrock), so it speaks to whoever started it.
OFFLINE_NOTICE = (
    "Written without a language model: exact figures, template wording. For written advice,"
    " set ALEX_MODEL before starting Alex (see the README's Configuration)."
)


def model_name(settings: Settings | None = None) -> str:
    """The LiteLLM model string the agents use, or "offline"."""
    settings = settings or get_settings()
    if settings.model:
        return settings.model
    if settings.environment == "aws" or _aws_credentials_exist():
        return f"bedrock/{settings.bedrock_model_id}"
    _say_offline()
    return OFFLINE


@functools.cache
def _say_offline() -> None:
    """Once a process: every step asks which model to use."""
    log.warning(
        "No model configured and no AWS credentials found: using the offline model, which"
        " writes templated text without a language model. Set ALEX_MODEL or AWS credentials."
    )


def _aws_credentials_exist() -> bool:
    import boto3

    return boto3.Session().get_credentials() is not None


def classifies(settings: Settings | None = None) -> bool:
    """Whether an analysis can classify instruments: a language model is configured."""
    return model_name(settings) != OFFLINE
