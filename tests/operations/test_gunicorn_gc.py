"""Issue 15: gunicorn workers keep their long-lived objects out of the garbage collector's walks.

The oldest generation's collections walked every module, URL pattern and compiled template of a
worker, pausing a request for up to 120 ms every few requests at network scale (p95 of the member's
pages 270-350 ms; with the freeze 140-240 ms, benchmarks/pages.py). gunicorn.conf.py freezes them
when the worker has started and after its first requests.
"""

from __future__ import annotations

import gc
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest

CONFIG = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


@pytest.fixture
def hooks():
    gc.unfreeze()
    yield runpy.run_path(str(CONFIG))
    gc.unfreeze()


def test_a_started_worker_freezes_what_it_loaded(hooks):
    assert gc.get_freeze_count() == 0
    hooks["post_worker_init"](SimpleNamespace())
    assert gc.get_freeze_count() > 10_000  # the interpreter, Django and the portal's modules


def test_the_worker_freezes_again_after_its_first_requests_only(hooks):
    worker = SimpleNamespace()
    frozen_at = []
    for number in range(1, 31):
        gc.unfreeze()
        hooks["post_request"](worker, None, {}, None)
        if gc.get_freeze_count():
            frozen_at.append(number)
    assert frozen_at == list(hooks["FREEZE_AFTER_REQUESTS"]) == [1, 20]
