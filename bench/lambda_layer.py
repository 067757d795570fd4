"""Size of the agents' dependency layer as Lambda gets it (python3.12, arm64, manylinux), built
the way the stacks build it (stacks/packaging.py), with and without what it leaves out.

Run on demand (it downloads wheels): `.venv/bin/python bench/lambda_layer.py`. Lambda allows
250 MiB (262 MB) unzipped for a function and its layers together. boto3 and botocore are left
out: the runtime provides them.
"""

import shutil
import tempfile
from pathlib import Path

from stacks.packaging import LAYER_PACKAGES, LAYER_TRIM, install_layer, trimmed_paths

LIMIT_MB = 262  # 250 MiB


def size_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1_000_000


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        target = Path(directory) / "python"
        install_layer(target, LAYER_PACKAGES, trim=())
        whole = size_mb(target)
        trimmed = {
            path.relative_to(target): size_mb(path) for path in trimmed_paths(target, LAYER_TRIM)
        }
        for path in trimmed:
            shutil.rmtree(target / path)
        unzipped = size_mb(target)
        archive = shutil.make_archive(str(Path(directory) / "layer"), "zip", directory, "python")
        zipped = Path(archive).stat().st_size / 1_000_000
        largest = sorted((size_mb(p), p.name) for p in target.iterdir() if p.is_dir())[-8:]
    print(f"agents layer: {unzipped:.0f} MB unzipped ({LIMIT_MB} MB limit), {zipped:.0f} MB zipped")
    print(f"  before trimming {whole:.0f} MB; left out:")
    for part, megabytes in trimmed.items():
        print(f"  {part!s:<40} {megabytes:6.1f} MB")
    print("largest packages:")
    for megabytes, name in reversed(largest):
        print(f"  {name:<28} {megabytes:6.1f} MB")


if __name__ == "__main__":
    main()
