"""The synthesized database stack: Aurora that pauses, the Data API, encryption, migrations."""

import json
from typing import Any

from tests.support.templates import resources


def test_aurora_serverless_pauses_when_idle_with_the_data_api(
    templates: dict[str, dict[str, Any]],
) -> None:
    database = templates["AlexDatabase"]
    (cluster,) = resources(database, "AWS::RDS::DBCluster").values()
    properties = cluster["Properties"]
    assert properties["EnableHttpEndpoint"] is True
    assert properties["ServerlessV2ScalingConfiguration"]["MinCapacity"] == 0
    assert properties["StorageEncrypted"] is True
    assert properties["Engine"] == "aurora-postgresql"
    assert resources(database, "AWS::SecretsManager::SecretTargetAttachment")


def test_migrations_run_at_deploy_and_again_when_they_change(
    templates: dict[str, dict[str, Any]],
) -> None:
    database = templates["AlexDatabase"]
    (schema,) = resources(database, "AWS::CloudFormation::CustomResource").values()
    assert len(schema["Properties"]["MigrationsChecksum"]) == 64


def test_every_taggable_resource_carries_the_cost_tags(
    templates: dict[str, dict[str, Any]],
) -> None:
    for template in templates.values():
        for name, resource in template["Resources"].items():
            tags = resource.get("Properties", {}).get("Tags")
            if tags is None:
                continue
            keys = {t["Key"] for t in tags} if isinstance(tags, list) else set(tags)
            assert {"Project", "Environment", "Owner"} <= keys, name


def secret_readers(templates: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
    """Each role policy that may read a secret: `stack/policy` -> the secrets' references."""
    readers: dict[str, list[str]] = {}
    for stack, template in templates.items():
        for name, policy in resources(template, "AWS::IAM::Policy").items():
            for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
                actions = statement["Action"]
                if "secretsmanager:GetSecretValue" in (
                    actions if isinstance(actions, list) else [actions]
                ):
                    readers.setdefault(f"{stack}/{name}", []).append(
                        json.dumps(statement["Resource"])
                    )
    return readers


def test_only_the_migration_step_may_read_the_master_secret(
    templates: dict[str, dict[str, Any]],
) -> None:
    readers = secret_readers(templates)
    master = [who for who, secrets in readers.items() if any("ClusterSecret" in s for s in secrets)]
    assert len(master) == 1 and master[0].startswith("AlexDatabase/Migrate")
    runtime = [who for who in readers if not who.startswith("AlexDatabase/")]
    # Every runtime function (eight in the analysis, the API) signs in as the application role.
    assert len(runtime) == 9
    for who in runtime:
        assert any("AppSecret" in s for s in readers[who]), who


def test_runtime_functions_are_handed_the_application_roles_secret(
    templates: dict[str, dict[str, Any]],
) -> None:
    for stack in ("AlexAnalysis", "AlexApi"):
        for function in resources(templates[stack], "AWS::Lambda::Function").values():
            environment = function["Properties"].get("Environment", {}).get("Variables", {})
            if "DB_SECRET_ARN" in environment:
                assert "AppSecret" in json.dumps(environment["DB_SECRET_ARN"])
