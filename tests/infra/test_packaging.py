"""Packaging: the code asset follows every packaged file; the layer follows the pinned versions."""

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
