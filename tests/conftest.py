from __future__ import annotations

import pytest

from generator.model import Guide
from generator.parse import load_bundled_guide


@pytest.fixture(scope="session")
def bundled_guide() -> Guide:
    return load_bundled_guide()
