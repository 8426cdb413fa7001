"""The ARS's letter pages read the same number of queries whatever they hold: the list whatever
its number of letters, a letter whatever its number of communes, promoters, exchanges and events."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from maillon.creation.factories import (
    LetterCommentFactory,
    LetterCommuneFactory,
    LetterOfIntentFactory,
    PromoterFactory,
)
from maillon.creation.models import LetterEvent, LetterStatus
from maillon.territories.factories import CommuneFactory, DepartementFactory, RegionFactory

from .letters import ars_officer, verified_client

pytestmark = pytest.mark.django_db


def queries(client, address) -> int:
    client.get(address)  # sessions, caches: warmed once
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured)


@pytest.fixture
def yvelines():
    return DepartementFactory(code="78", name="Yvelines", region=RegionFactory(code="11", name="Île-de-France"))


def letters(region, count):
    for _ in range(count):
        letter = LetterOfIntentFactory(region=region)
        PromoterFactory(letter=letter)


def full_letter(letter, count, departement, start):
    for index in range(count):
        commune = CommuneFactory(code=f"78{start + index:03d}", departement=departement, population=1_000)
        LetterCommuneFactory(letter=letter, commune=commune)
        PromoterFactory(letter=letter)
        LetterCommentFactory(letter=letter, from_promoters=bool(index % 2))
        LetterEvent.objects.create(letter=letter, from_status=LetterStatus.SUBMITTED, to_status=LetterStatus.SUBMITTED)


def test_the_list_of_letters_does_not_grow_with_its_letters(yvelines):
    client = verified_client(ars_officer())
    letters(yvelines.region, 3)
    few = queries(client, reverse("creation_letters"))
    letters(yvelines.region, 27)
    assert queries(client, reverse("creation_letters")) == few


def test_a_letter_does_not_grow_with_its_communes_promoters_and_exchange(yvelines):
    client = verified_client(ars_officer())
    small, large = LetterOfIntentFactory(region=yvelines.region), LetterOfIntentFactory(region=yvelines.region)
    full_letter(small, 3, yvelines, 100)
    full_letter(large, 30, yvelines, 200)
    assert queries(client, reverse("creation_letter", args=[large.pk])) == queries(
        client, reverse("creation_letter", args=[small.pk])
    )
