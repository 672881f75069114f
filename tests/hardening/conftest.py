import pytest


@pytest.fixture
def private_files(settings, tmp_path):
    """Keep knowledge files written by a test in its own temporary directory."""
    settings.KNOWLEDGE_FILES_ROOT = tmp_path / "private"
    return settings.KNOWLEDGE_FILES_ROOT
