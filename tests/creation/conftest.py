import pytest
from django.urls import NoReverseMatch, reverse


@pytest.fixture
def message_routes():
    """The pages the messages link to (the web layer of the creation): a test of the messages
    waits for them."""
    try:
        reverse("creation_letter_follow", args=["x"])
        reverse("creation_letter", args=[1])
        reverse("creation_project", args=["x"])
    except NoReverseMatch:
        pytest.skip("the creation pages' routes are not mounted yet")
