from __future__ import annotations

import pytest

from .smtp_server import LocalSMTP


@pytest.fixture()
def smtp():
    server = LocalSMTP().start()
    yield server
    server.stop()
