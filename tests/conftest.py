from __future__ import annotations

import pytest

from generator.model import Guide
from generator.parse import load_bundled_guide


@pytest.fixture(scope="session")
def bundled_guide() -> Guide:
    return load_bundled_guide()


@pytest.fixture(autouse=True)
def wide_consoles(monkeypatch: pytest.MonkeyPatch) -> None:
    """CLI output in tests never depends on the terminal running them (COLUMNS, a TTY or not)."""
    from generator.cli import common

    for console in (common.console, common.err_console):
        monkeypatch.setattr(console, "_width", 200)
        monkeypatch.setattr(console, "_height", 50)
