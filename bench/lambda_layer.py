"""Size of the agents' dependency layer as Lambda would get it (python3.12, arm64, manylinux).

Run on demand with a Python that has pip (it downloads wheels): `python3 bench/lambda_layer.py`.
Lambda allows 250 MiB (262 MB) unzipped for a function and its layers together. boto3 is left
out: the runtime provides it.
"""

import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT_MB = 262  # 250 MiB
LAYER_PACKAGES = (
    "aws-lambda-powertools", "langfuse", "litellm", "numpy", "openai-agents",
    "openinference-instrumentation-openai-agents", "pydantic", "pydantic-settings",
)  # fmt: skip


def pinned(names: tuple[str, ...]) -> list[str]:
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    return [d for d in dependencies if d.split("==")[0].split("[")[0] in names]


def size_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1_000_000


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        target = Path(directory) / "python"
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--target", str(target),
             "--platform", "manylinux2014_aarch64", "--platform", "manylinux_2_28_aarch64",
             "--only-binary=:all:", "--python-version", "3.12", "--implementation", "cp",
             "--no-compile", *pinned(LAYER_PACKAGES)],
            check=True,
        )  # fmt: skip
        unzipped = size_mb(target)
        archive = shutil.make_archive(str(Path(directory) / "layer"), "zip", directory, "python")
        zipped = Path(archive).stat().st_size / 1_000_000
        largest = sorted((size_mb(p), p.name) for p in target.iterdir() if p.is_dir())[-8:]
    print(f"agents layer: {unzipped:.0f} MB unzipped ({LIMIT_MB} MB limit), {zipped:.0f} MB zipped")
    for megabytes, name in reversed(largest):
        print(f"  {name:<28} {megabytes:6.1f} MB")


if __name__ == "__main__":
    main()
