import pytest


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    """Keep uploaded files of each test in its own directory."""
    settings.KNOWLEDGE_FILES_ROOT = tmp_path / "private"
    return settings.KNOWLEDGE_FILES_ROOT
