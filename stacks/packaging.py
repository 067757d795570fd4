"""Lambda code and dependencies, packaged without Docker.

The code asset is the project's own packages; the dependency layer is built by pip for the
Lambda platform (python3.12, arm64, manylinux wheels only). Both run as CDK local bundling, which
the tests switch off (`aws:cdk:bundling-stacks` empty), so synthesis there needs no network.
"""

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsii
from aws_cdk import AssetHashType, BundlingOptions, DockerImage, ILocalBundling
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

ROOT = Path(__file__).resolve().parent.parent
CODE_PACKAGES = ("shared", "runtime", "functions", "state_machines")
# boto3 is in the Lambda runtime; psycopg and pgserver are for local runs only.
LAYER_PACKAGES = (
    "aws-lambda-powertools",
    "langfuse",
    "litellm",
    "massive",
    "numpy",
    "openai-agents",
    "openinference-instrumentation-openai-agents",
    "pydantic",
    "pydantic-settings",
)
LAYER_DESCRIPTION = (
    "Alex's Python dependencies: Agents SDK, LiteLLM, Powertools, Langfuse, NumPy, Massive"
)
# Lambda's Python runtime has boto3 and its botocore: botocore (which aws-xray-sdk pulls in) is left
# to it, so boto3 and botocore are always the pair the runtime was built with.
RUNTIME_PROVIDED = ("botocore", "botocore-*.dist-info")
# What the agents' layer leaves out (glob patterns; tests/infra/test_packaging.py runs the agents
# without them): LiteLLM's proxy admin UI and Swagger assets, static files no Lambda reads, and
# hf_xet, the Hugging Face Hub's optional Xet download client (the Hub downloads without it).
LAYER_TRIM = (
    "litellm/proxy/_experimental/out",
    "litellm/proxy/swagger",
    "hf_xet",
    "hf_xet-*.dist-info",
    *RUNTIME_PROVIDED,
)
# The API's layer: no agents and no LiteLLM, so its cold start stays short.
API_LAYER_PACKAGES = (
    "aws-lambda-powertools",
    "fastapi",
    "mangum",
    "pydantic",
    "pydantic-settings",
    "pyjwt",
)
RUNTIME = lambda_.Runtime.PYTHON_3_12
ARCHITECTURE = lambda_.Architecture.ARM_64


def pinned(names: tuple[str, ...]) -> list[str]:
    """The exact versions pyproject.toml pins for these packages."""
    import tomllib

    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    return [d for d in dependencies if d.split("==")[0].split("[")[0] in names]


@jsii.implements(ILocalBundling)
class _CopySources:
    def try_bundle(self, output_dir: str, options: Any) -> bool:
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
        for package in CODE_PACKAGES:
            shutil.copytree(ROOT / package, Path(output_dir) / package, ignore=ignore)
        return True


def install_layer(target: Path, packages: tuple[str, ...], trim: tuple[str, ...]) -> None:
    """The pinned `packages` as Lambda's python3.12 on arm64 imports them, into `target`, less
    what the `trim` patterns match."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-compile",
            "--target",
            str(target),
            "--platform",
            "manylinux2014_aarch64",
            "--platform",
            "manylinux_2_28_aarch64",
            "--only-binary=:all:",
            "--python-version",
            "3.12",
            "--implementation",
            "cp",
            *pinned(packages),
        ],
        check=True,
    )
    for path in trimmed_paths(target, trim):
        shutil.rmtree(path)


def trimmed_paths(target: Path, trim: tuple[str, ...]) -> list[Path]:
    """What the `trim` patterns match in `target`; each must match (a new version that moves one
    fails here, not in AWS)."""
    paths = []
    for pattern in trim:
        matches = sorted(target.glob(pattern))
        if not matches:
            raise FileNotFoundError(f"{pattern} matches nothing in {target}: update LAYER_TRIM")
        paths += matches
    return paths


@jsii.implements(ILocalBundling)
class _PipInstall:
    def __init__(self, packages: tuple[str, ...], trim: tuple[str, ...]) -> None:
        self.packages, self.trim = packages, trim

    def try_bundle(self, output_dir: str, options: Any) -> bool:
        install_layer(Path(output_dir) / "python", self.packages, self.trim)
        return True


def _bundled(local: ILocalBundling) -> BundlingOptions:
    # The image is required by the API but never used: local bundling always succeeds.
    return BundlingOptions(image=DockerImage.from_registry("local-bundling-only"), local=local)


def _sources_hash() -> str:
    digest = hashlib.sha256()
    for package in CODE_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.*")):
            if "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    return digest.hexdigest()


def source_code() -> lambda_.Code:
    # Hashed over every packaged file, so a change anywhere in them makes a new asset.
    return lambda_.Code.from_asset(
        str(ROOT / "shared"),
        bundling=_bundled(_CopySources()),
        asset_hash=_sources_hash(),
        asset_hash_type=AssetHashType.CUSTOM,
    )


def dependency_layer(
    scope: Construct,
    id: str,
    packages: tuple[str, ...] = LAYER_PACKAGES,
    description: str = LAYER_DESCRIPTION,
    trim: tuple[str, ...] = LAYER_TRIM,
) -> lambda_.LayerVersion:
    # Named by the pinned versions and the trim: the same reuse the layer built in cdk.out.
    pins = hashlib.sha256(" ".join([*pinned(packages), *trim]).encode()).hexdigest()
    code = lambda_.Code.from_asset(
        str(ROOT / "stacks"),
        bundling=_bundled(_PipInstall(packages, trim)),
        asset_hash=pins,
        asset_hash_type=AssetHashType.CUSTOM,
    )
    return lambda_.LayerVersion(
        scope,
        id,
        code=code,
        compatible_runtimes=[RUNTIME],
        compatible_architectures=[ARCHITECTURE],
        description=description,
    )
