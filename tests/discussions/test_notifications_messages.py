"""A new message is told to each reader by the level they chose in the space, once."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from maillon.core.notifications.models import Notification
from maillon.discussions import notifications, services
from maillon.discussions.models import DiscussionSpace, NotifyLevel, SpaceKind

from .notifying import URLCONF, addresses, person, sent_to, write

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _pages(settings):
    settings.ROOT_URLCONF = URLCONF


@pytest.fixture
def group(cpts, django_capture_on_commit_callbacks):
    """A working group: Alice writes; Bruno wants every message, Claire mentions only, Denis
    nothing, Emma a daily digest."""
    alice = person(cpts, "Alice", "Durand", coordinator=True)
    people = {
        "bruno": person(cpts, "Bruno", "Martin"),
        "claire": person(cpts, "Claire", "Petit"),
        "denis": person(cpts, "Denis", "Roux"),
        "emma": person(cpts, "Emma", "Blanc"),
    }
    space = services.create_working_group(cpts, name="Parcours diabète", users=list(people.values()), by=alice)
    for name, level in (("claire", NotifyLevel.MENTIONS), ("denis", NotifyLevel.NONE), ("emma", NotifyLevel.DIGEST)):
        services.set_notify_level(space, people[name], level)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.start_topic(space, title="Ateliers de printemps", body="Qui anime ?", by=people["claire"])
    mail.outbox.clear()
    return {"space": space, "topic": first.topic, "alice": alice, **people}


def test_every_message_goes_to_who_chose_every_message_and_never_to_its_author(
    group, django_capture_on_commit_callbacks
):
    message = write(django_capture_on_commit_callbacks, group["topic"], group["alice"], "J'anime le premier atelier.")

    assert addresses() == [group["bruno"].email]  # not Claire (mentions), Denis (nothing), Emma (digest), Alice
    email = mail.outbox[0]
    assert email.subject == "Parcours diabète — Ateliers de printemps"
    assert "Alice Durand a écrit dans « Ateliers de printemps » (Parcours diabète) :" in email.body
    assert "J'anime le premier atelier." in email.body
    assert "http://" in email.body and reverse("discussions_topic", args=[message.topic_id]) in email.body
    assert "parce que vous suivez chaque message de l'espace « Parcours diabète »" in email.body
    notification = Notification.objects.filter(user=group["bruno"]).latest("pk")  # and on the site
    assert notification.url == reverse("discussions_topic", args=[message.topic_id])


def test_a_mention_reaches_every_level_but_nothing_and_one_email_when_it_also_follows_everything(
    group, django_capture_on_commit_callbacks
):
    write(
        django_capture_on_commit_callbacks,
        group["topic"],
        group["alice"],
        "@Bruno Martin @Claire Petit @Denis Roux @Emma Blanc : qui est libre le 12 ?",
    )

    assert addresses() == sorted(group[name].email for name in ("bruno", "claire", "emma"))
    [to_bruno] = sent_to(group["bruno"])  # mentioned and following every message: one e-mail
    assert to_bruno.subject == "Vous êtes mentionné(e) — Parcours diabète — Ateliers de printemps"
    assert "Alice Durand vous a mentionné(e)" in to_bruno.body


def test_a_replayed_task_sends_nothing_twice(group, django_capture_on_commit_callbacks):
    message = write(django_capture_on_commit_callbacks, group["topic"], group["alice"], "@Claire Petit merci !")
    assert len(mail.outbox) == 2

    assert notifications.send_message.call(message.pk, message_id="a-second-run") == 0
    assert len(mail.outbox) == 2


def test_a_message_hidden_before_the_worker_comes_is_not_sent(group, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        message = services.post_message(group["topic"], body="Un message à masquer.", by=group["bruno"])
    services.hide_message(message, by=group["alice"], note="hors sujet")
    for enqueue in queued:
        enqueue()
    assert mail.outbox == []


def test_a_member_mentioned_in_the_space_of_all_members_is_told_without_a_row_there(
    cpts, django_capture_on_commit_callbacks
):
    services.ensure_cpts_spaces(cpts)
    alice, bruno, claire = (
        person(cpts, *name) for name in (("Alice", "Durand"), ("Bruno", "Martin"), ("Claire", "Petit"))
    )
    space = DiscussionSpace.objects.get(cpts=cpts, kind=SpaceKind.MEMBERS)
    with django_capture_on_commit_callbacks(execute=True):
        services.start_topic(space, title="Garde du week-end", body="@Bruno Martin tu es disponible ?", by=alice)

    assert addresses() == [bruno.email]  # Claire reads the space, unnamed: mentions only by default
    assert not space.participants.filter(user=bruno).exists()  # no row written by the worker
    assert claire.email not in addresses()


def test_a_text_holding_a_nir_is_never_written_so_never_mailed(group, django_capture_on_commit_callbacks):
    with pytest.raises(ValidationError), django_capture_on_commit_callbacks(execute=True):
        services.post_message(group["topic"], body="Patient 1 85 05 78 006 084 91 à revoir", by=group["alice"])
    assert mail.outbox == []
