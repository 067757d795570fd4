"""The synthesized database stack: Aurora that pauses, the Data API, encryption, migrations."""

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
