"""The committed sample's first night (support/nights.py ``sample_night_one``), ingested once for the
modules that run a night on the sample: tests/conftest.py puts test_backup, test_activity and
test_oversized_upload in one work unit (``run/sample_night``). Pristine: a test that changes anything works
on ``support.nights.copy_of`` it."""

from __future__ import annotations

import pytest
from support.nights import SampleNight, sample_night_one


@pytest.fixture(scope="session")
def sample_night(tmp_path_factory: pytest.TempPathFactory) -> SampleNight:
    return sample_night_one(tmp_path_factory.mktemp("sample-night"))
