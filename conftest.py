"""Project-wide pytest hooks.

Tests that read the real GC open data carry ``@pytest.mark.realdata``. They are skipped only when
``../shared/data`` is absent, and when ``COMPTOIR_REQUIRE_REALDATA=1`` (as in CI) a missing folder
fails the run instead, so a green CI can never hide skipped real-data tests.
"""

import os
from pathlib import Path

import pytest

SHARED_DATA = Path(
    os.environ.get(
        "COMPTOIR_SHARED_DATA", Path(__file__).resolve().parent.parent / "shared" / "data"
    )
)
INVENTORY_DIR = SHARED_DATA / "gc-service-inventory"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if (INVENTORY_DIR / "service.csv").exists():
        return
    realdata = [item for item in items if item.get_closest_marker("realdata")]
    if not realdata:
        return
    if os.environ.get("COMPTOIR_REQUIRE_REALDATA") == "1":
        raise pytest.UsageError(
            f"{len(realdata)} real-data tests need {INVENTORY_DIR}, which is missing"
        )
    skip = pytest.mark.skip(reason=f"the real open data is not at {INVENTORY_DIR}")
    for item in realdata:
        item.add_marker(skip)


@pytest.fixture(scope="session")
def real_inventory_dir() -> Path:
    """The folder of the real GC service inventory (service.csv, service-std.csv, dictionary)."""
    return INVENTORY_DIR
