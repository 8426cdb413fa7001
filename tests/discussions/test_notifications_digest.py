"""The daily digest: one e-mail per person grouping their spaces, never the same message twice."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maillon.discussions import notifications, services
from maillon.discussions.models import NotifyLevel, Participant

from .notifying import URLCONF, at, person, sent_to, write

pytestmark = pytest.mark.django_db

MORNING = at(2026, 12, 7, 7, 0)  # the scheduler's hour
HOUR = datetime.timedelta(hours=1)


@pytest.fixture(autouse=True)
def _pages(settings):
    settings.ROOT_URLCONF = URLCONF


@pytest.fixture
def spaces(cpts, django_capture_on_commit_callbacks):
    """Two working groups; Emma chose the digest in both, Alice and Bruno write."""
    alice = person(cpts, "Alice", "Durand", coordinator=True)
    bruno = person(cpts, "Bruno", "Martin")
    emma = person(cpts, "Emma", "Blanc")
    made = {"alice": alice, "bruno": bruno, "emma": emma}
    for key, name in (("diabetes", "Parcours diabète"), ("rounds", "Tours de garde")):
        space = services.create_working_group(cpts, name=name, users=[bruno, emma], by=alice)
        services.set_notify_level(space, emma, NotifyLevel.DIGEST)
        with django_capture_on_commit_callbacks(execute=True):
            message = services.start_topic(space, title=f"Sujet de {name}", body="Bonjour à tous.", by=alice)
        Participant.objects.filter(space=space).update(digest_through=message.pk)  # an earlier digest covered it
        made[key] = message.topic
    mail.outbox.clear()
    return made


def digest(capture, now) -> int:
    with capture(execute=True):
        return notifications.queue_digests(now=now)


def place(space, user) -> Participant:
    return Participant.objects.get(space=space, user=user)


def test_one_email_groups_the_spaces_and_advances_what_it_covered(spaces, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    first = write(capture, spaces["diabetes"], spaces["alice"], "Atelier le 12.", when=MORNING - 3 * HOUR)
    second = write(capture, spaces["rounds"], spaces["bruno"], "Je prends samedi.", when=MORNING - 2 * HOUR)
    own = write(capture, spaces["rounds"], spaces["emma"], "Et moi dimanche.", when=MORNING - HOUR)
    mail.outbox.clear()  # Alice and Bruno follow every message

    assert digest(capture, MORNING) == 1

    [email] = sent_to(spaces["emma"])
    assert email.subject == "Espaces de discussion — résumé du jour : 2 nouveaux messages"
    for text in ("« Parcours diabète »", "« Tours de garde »", "Atelier le 12.", "Je prends samedi.", "Alice Durand"):
        assert text in email.body
    assert "Et moi dimanche." not in email.body  # her own
    assert email.body.count("Pour ne plus recevoir de message de") == 2  # one link per space
    assert place(spaces["diabetes"].space, spaces["emma"]).digest_through == first.pk
    assert place(spaces["rounds"].space, spaces["emma"]).digest_through == second.pk  # her own is never due
    assert own.pk > second.pk


def test_a_second_run_the_same_day_sends_nothing_and_later_messages_wait_for_the_next_day(
    spaces, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    write(capture, spaces["diabetes"], spaces["alice"], "Atelier le 12.", when=MORNING - HOUR)
    assert digest(capture, MORNING) == 1
    assert digest(capture, MORNING + HOUR) == 0  # nothing new: nothing queued
    late = write(capture, spaces["diabetes"], spaces["bruno"], "Salle réservée.", when=MORNING + 2 * HOUR)
    covered = place(spaces["diabetes"].space, spaces["emma"]).digest_through

    assert digest(capture, MORNING + 3 * HOUR) == 1  # queued, but today's digest already left
    assert len(sent_to(spaces["emma"])) == 1
    assert place(spaces["diabetes"].space, spaces["emma"]).digest_through == covered  # kept for tomorrow

    assert digest(capture, MORNING + 24 * HOUR) == 1
    tomorrow = sent_to(spaces["emma"])[-1]
    assert len(sent_to(spaces["emma"])) == 2
    assert "Salle réservée." in tomorrow.body and "Atelier le 12." not in tomorrow.body
    assert place(spaces["diabetes"].space, spaces["emma"]).digest_through == late.pk


def test_a_message_older_than_a_day_or_already_mailed_as_a_mention_is_not_in_the_digest(
    spaces, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    write(capture, spaces["diabetes"], spaces["alice"], "Un vieux message.", when=MORNING - 30 * HOUR)
    write(capture, spaces["diabetes"], spaces["alice"], "@Emma Blanc tu peux relire ?", when=MORNING - 2 * HOUR)
    assert len(sent_to(spaces["emma"])) == 1  # the mention, at once
    write(capture, spaces["rounds"], spaces["bruno"], "Je prends samedi.", when=MORNING - HOUR)

    assert digest(capture, MORNING) == 1
    email = sent_to(spaces["emma"])[-1]
    assert "Je prends samedi." in email.body
    assert "Un vieux message." not in email.body and "tu peux relire" not in email.body
    assert email.extra_headers["List-Unsubscribe"].startswith("<http")  # one space: the one-click header


def test_finding_who_gets_a_digest_is_one_query_and_a_digest_does_not_grow_with_its_messages(
    spaces, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    write(capture, spaces["diabetes"], spaces["alice"], "Premier.", when=MORNING - HOUR)
    with CaptureQueriesContext(connection) as finding, capture() as queued:
        assert notifications.queue_digests(now=MORNING) == 1
    assert len(finding) == 1
    with CaptureQueriesContext(connection) as few:
        for enqueue in queued:
            enqueue()

    for index in range(6):
        write(capture, spaces["rounds"], spaces["bruno"], f"Message {index}.", when=MORNING + 20 * HOUR)
    with CaptureQueriesContext(connection) as many:
        assert digest(capture, MORNING + 24 * HOUR) == 1
    assert len(sent_to(spaces["emma"])) == 2
    assert len(many) <= len(few) + 1  # + the finding query
