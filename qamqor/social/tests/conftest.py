import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def in_english(client):
    """The tests read the English messages; the kk and ru ones are checked by the translation tests."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield
