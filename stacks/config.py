"""Deployment settings from CDK context (`cdk.json` or `-c key=value`), with defaults."""

from dataclasses import dataclass

from constructs import Node


@dataclass(frozen=True)
class DeployConfig:
    environment: str
    owner: str
    bedrock_model_id: str
    bedrock_region: str
    deletion_protection: bool

    @classmethod
    def from_context(cls, node: Node) -> "DeployConfig":
        def get(key: str, default: str) -> str:
            value = node.try_get_context(key)
            return default if value is None else str(value)

        return cls(
            environment=get("environment", "dev"),
            owner=get("owner", "alex-team"),
            bedrock_model_id=get("bedrockModelId", "openai.gpt-oss-120b-1:0"),
            bedrock_region=get("bedrockRegion", "us-west-2"),
            deletion_protection=get("deletionProtection", "false").lower() == "true",
        )
