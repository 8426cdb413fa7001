"""A message holding a patient's NIR or INS is refused with a message pointing to the pathway
tool or MSSanté; the refusal is counted and journaled, its text kept nowhere."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from maillon.core.models import JournalEntry
from maillon.discussions import health_data, services
from maillon.discussions.models import HealthDataRefusal, Message, Topic

from .spaces_support import members_space, person

pytestmark = pytest.mark.django_db

# A valid NIR (key 97 - (n mod 97)), written as on a carte Vitale.
NIR = "2 84 05 75 112 233 43"
NIR_DIGITS = NIR.replace(" ", "")


def assert_nothing_keeps(text):
    assert not Message.objects.filter(body__contains=text).exists()
    for entry in JournalEntry.objects.all():
        assert text not in f"{entry.note} {entry.fields}"


def test_the_example_nir_is_valid():
    from stdnum.fr import nir

    assert nir.is_valid(NIR_DIGITS)


def test_a_message_with_a_nir_is_refused_and_counted_without_its_text():
    space = members_space()
    writer = person(space.cpts)
    topic = services.start_topic(space, title="Une question", body="Bonjour à tous", by=writer).topic
    body = f"Patiente vue ce matin, NIR {NIR}, qui peut la recevoir ?"

    with pytest.raises(ValidationError) as refused:
        services.post_message(topic, body=body, by=writer)

    assert refused.value.message_dict["body"] == [health_data.REFUSAL]
    assert "MSSanté" in health_data.REFUSAL and "parcours" in health_data.REFUSAL
    refusal = HealthDataRefusal.objects.get()
    assert (refusal.space, refusal.user) == (space, writer)
    assert JournalEntry.objects.filter(object_type__icontains="healthdatarefusal").count() == 1
    assert Message.objects.count() == 1  # the first message only
    topic.refresh_from_db()
    assert topic.message_count == 1
    assert_nothing_keeps(NIR_DIGITS[:5])
    assert_nothing_keeps(NIR)


def test_a_new_topic_with_a_nir_is_refused_and_counted_and_no_topic_is_left():
    space = members_space()
    writer = person(space.cpts)

    with pytest.raises(ValidationError):
        services.start_topic(space, title="Patient", body=f"INS {NIR_DIGITS} à orienter", by=writer)

    assert HealthDataRefusal.objects.count() == 1
    assert not Topic.objects.exists()
    assert not Message.objects.exists()


def test_an_edit_adding_a_nir_is_refused_and_counted_and_the_message_unchanged():
    space = members_space()
    writer = person(space.cpts)
    message = services.start_topic(space, title="Une question", body="Bonjour", by=writer)

    with pytest.raises(ValidationError):
        services.edit_message(message, body=f"Bonjour, NIR {NIR}", by=writer)

    message.refresh_from_db()
    assert message.body == "Bonjour"
    assert HealthDataRefusal.objects.count() == 1
    assert_nothing_keeps(NIR)


def test_a_phone_number_or_a_date_is_not_refused():
    space = members_space()
    writer = person(space.cpts)
    message = services.start_topic(
        space,
        title="Réunion",
        body="Rappelez-moi au 01 23 45 67 89 ou au 06.12.34.56.78, réunion le 12.03.2026 à 20 h.",
        by=writer,
    )
    assert message.pk
    assert not HealthDataRefusal.objects.exists()


def test_a_topic_title_with_a_nir_is_refused_and_counted():
    space = members_space()
    writer = person(space.cpts)
    with pytest.raises(ValidationError) as refused:
        services.start_topic(space, title=f"Patiente {NIR}", body="Qui peut la recevoir ?", by=writer)
    (message,) = refused.value.message_dict["title"]
    assert message.startswith("Sujet : il contient un numéro qui ressemble à un NIR ou à un INS.")
    assert HealthDataRefusal.objects.count() == 1
    assert not Topic.objects.exists()


def test_a_file_named_with_a_nir_is_refused_and_counted():
    space = members_space()
    writer = person(space.cpts)
    scan = ContentFile(b"%PDF-1.4 ordonnance", name=f"ordonnance_{NIR.replace(' ', '')}.pdf")
    with pytest.raises(ValidationError) as refused:
        services.start_topic(space, title="Ordonnance", body="Voici le scan", by=writer, files=[scan])
    (message,) = refused.value.message_dict["files"]
    assert "il contient un numéro qui ressemble à un NIR" in message
    assert HealthDataRefusal.objects.count() == 1
    assert not Message.objects.exists()
