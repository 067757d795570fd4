"""Packaging: the code asset follows every packaged file; the layer follows the pinned versions."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from stacks import packaging


def test_code_asset_changes_when_any_packaged_file_changes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for package in packaging.CODE_PACKAGES:
        (tmp_path / package).mkdir()
        (tmp_path / package / "module.py").write_text("x = 1\n")
    monkeypatch.setattr(packaging, "ROOT", tmp_path)
    before = packaging._sources_hash()
    (tmp_path / "functions" / "module.py").write_text("x = 2\n")
    assert packaging._sources_hash() != before


def test_layer_installs_exactly_the_pinned_versions() -> None:
    pins = packaging.pinned(packaging.LAYER_PACKAGES)
    assert len(pins) == len(packaging.LAYER_PACKAGES)
    assert all("==" in pin for pin in pins)
    assert not any(pin.startswith(("psycopg", "pgserver", "boto3")) for pin in pins)


# Runs an agent through LiteLLM (its answer mocked: no network), as the Lambda would.
THROUGH_LITELLM = """
import asyncio, litellm
from agents import RunConfig, Runner
from agents.extensions.models.litellm_model import LitellmModel
import functions.charter.handler, functions.reporter.handler
import functions.retirement.handler, functions.tagger.handler
from functions.reporter.agent import reporter

answer = litellm.acompletion
async def mocked(*args, **kwargs):
    return await answer(*args, **{**kwargs, "mock_response": "A report."})
litellm.acompletion = mocked
model = LitellmModel(model="openai/gpt-4o-mini", api_key="sk-stand-in")
result = asyncio.run(Runner.run(reporter, "Write it.", run_config=RunConfig(model=model)))
print(result.final_output, litellm.__file__)
"""


def layer_without_trim(site: Path, farm: Path) -> set[Path]:
    """`site`'s packages in `farm` (links; copies where a part is left out) less what the layer
    leaves out, but with what the runtime provides; returns what was left out."""
    runtime = set(packaging.trimmed_paths(site, packaging.RUNTIME_PROVIDED))
    left_out = set(packaging.trimmed_paths(site, packaging.LAYER_TRIM)) - runtime
    farm.mkdir()
    for entry in site.iterdir():
        if entry in left_out:
            continue
        if any(entry in path.parents for path in left_out):
            shutil.copytree(
                entry,
                farm / entry.name,
                ignore=lambda d, names: [name for name in names if Path(d) / name in left_out],
            )
        else:
            (farm / entry.name).symlink_to(entry)
    return left_out


def test_the_agents_run_without_what_the_layer_leaves_out(tmp_path: Path) -> None:
    import litellm

    site = Path(litellm.__file__).parent.parent
    layer = tmp_path / "layer"
    left_out = layer_without_trim(site, layer)
    assert {path.name for path in left_out} >= {"swagger", "hf_xet"}
    environment = {
        **os.environ,
        # As Lambda sets it: the layer, then the code; no site-packages (-S).
        "PYTHONPATH": os.pathsep.join([str(layer), str(packaging.ROOT)]),
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
        "OPENAI_AGENTS_DISABLE_TRACING": "1",
        "ALEX_ENV": "local",
    }
    run = subprocess.run(
        [sys.executable, "-S", "-c", THROUGH_LITELLM],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    answer, imported_from = run.stdout.split()[-3:-1], run.stdout.split()[-1]
    assert " ".join(answer) == "A report."
    assert imported_from.startswith(str(layer))  # the trimmed copy, not the installed one


def test_a_trim_that_matches_nothing_fails_the_build(tmp_path: Path) -> None:
    (tmp_path / "litellm").mkdir()
    with pytest.raises(FileNotFoundError, match="hf_xet matches nothing"):
        packaging.trimmed_paths(tmp_path, ("litellm", "hf_xet"))
