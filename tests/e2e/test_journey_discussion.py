"""Journey: on a phone, a member opens the CPTS's space of all members from their discussions,
reads a topic, sees a colleague's new message arrive without reloading, answers, and is told
why a message holding a NIR is refused (the number is not shown back)."""

import re

import pytest
from playwright.sync_api import expect

from maillon.discussions import services
from maillon.discussions.models import DiscussionSpace, HealthDataRefusal, Message, SpaceKind

from .pages import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NIR = "1 85 05 78 006 084 91"


def test_a_member_on_a_phone_follows_a_thread_live_and_answers(new_page, cpts, coordinator, member, settings):
    settings.MAILLON_DISCUSSION_POLL_SECONDS = 1
    services.ensure_cpts_spaces(cpts)
    space = DiscussionSpace.objects.get(cpts=cpts, kind=SpaceKind.MEMBERS)
    topic = services.start_topic(
        space, title="Garde du week-end de Pâques", body="Qui prend le samedi matin ?", by=coordinator
    ).topic

    phone = new_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    login(phone, member)
    phone.goto("/discussions/")
    phone.get_by_role("link", name=re.compile("Tous les adhérents")).first.click()
    phone.get_by_role("link", name="Garde du week-end de Pâques").click()
    expect(phone.locator("#thread")).to_contain_text("Qui prend le samedi matin ?")

    services.post_message(topic, body="Je peux prendre le samedi, jusqu'à 13 h.", by=coordinator)
    expect(phone.locator("#thread")).to_contain_text("jusqu'à 13 h")  # no reload

    composer = phone.locator("textarea[name=body]")
    composer.fill("Merci, je prends le dimanche.")
    phone.get_by_role("button", name="Envoyer").click()
    expect(phone.locator("#thread")).to_contain_text("je prends le dimanche")

    phone.locator("textarea[name=body]").fill(f"Le patient {NIR} appellera")
    phone.get_by_role("button", name="Envoyer").click()
    expect(phone.locator("main")).to_contain_text("MSSanté")
    expect(phone.locator("textarea[name=body]")).to_have_value("")
    assert NIR not in phone.content()
    assert HealthDataRefusal.objects.filter(space=space).count() == 1
    assert Message.objects.filter(topic=topic).count() == 3
    # Nothing runs past the phone's width.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
