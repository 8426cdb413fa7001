"""The demo's discussion spaces, without the commune import: each CPTS's spaces with a history
(a pinned topic, a working group, an edited message, an advertisement hidden with its reason,
unread mentions of the member account), the URPS's regional group across two CPTS (pilots,
moderators, sign-ups, a quarterly visio, a muted participant) — and no message sent."""

import pytest
from django.utils import timezone

from maillon.core.factories import CptsFactory, CptsRoleFactory, UserFactory
from maillon.demo import discussions
from maillon.discussions import health_data
from maillon.discussions.models import (
    Attachment,
    DiscussionSpace,
    Mention,
    Message,
    MessageStatus,
    ParticipantRole,
    ParticipantStatus,
    SignupStatus,
    SpaceKind,
    Topic,
)
from maillon.members.factories import MembershipFactory, ProfessionalFactory
from maillon.members.professions import Profession, Specialty
from maillon.organisations.factories import OrganisationFactory, OrganisationPersonFactory
from maillon.territories.factories import CommuneFactory, TerritoryCommuneFactory

pytestmark = pytest.mark.django_db


def adherents(cpts, profession, count, specialty=Specialty.NONE):
    for _ in range(count):
        MembershipFactory(cpts=cpts, professional=ProfessionalFactory(profession=profession, specialty=specialty))


def demo_cpts(slug, midwives):
    cpts = CptsFactory(slug=slug, name=f"CPTS {slug}")
    TerritoryCommuneFactory(cpts=cpts, commune=CommuneFactory(name="Poissy", population=40_000))
    adherents(cpts, Profession.MEDECIN, 2, Specialty.GENERAL_PRACTICE)
    for profession in (Profession.PHARMACIEN, Profession.INFIRMIER, Profession.MASSEUR_KINESITHERAPEUTE):
        adherents(cpts, profession, 1)
    adherents(cpts, Profession.SAGE_FEMME, midwives)
    return cpts


@pytest.fixture
def member():
    return UserFactory(first_name="Léa", last_name="Fournier")


@pytest.fixture
def loaded(member, django_capture_on_commit_callbacks):
    cpts_by_slug = {slug: demo_cpts(slug, count) for slug, count in discussions.GROUP_CPTS}
    home = cpts_by_slug[discussions.GROUP_CPTS[0][0]]
    CptsRoleFactory(cpts=home, user=member)
    MembershipFactory(
        cpts=home,
        professional=ProfessionalFactory(first_name="Léa", last_name="Fournier", user=member),
    )
    coordinators = {slug: CptsRoleFactory(cpts=cpts, coordinator=True).user for slug, cpts in cpts_by_slug.items()}
    manager = OrganisationPersonFactory(
        organisation=OrganisationFactory(name=discussions.ORGANISATION), manager=True
    ).user
    with django_capture_on_commit_callbacks() as queued:
        result = discussions.ensure_discussions(
            cpts_by_slug, coordinators, manager=manager, member=member, today=timezone.localdate()
        )
    return cpts_by_slug, coordinators, manager, result, queued


def test_each_cpts_has_its_spaces_and_a_history(loaded, member):
    cpts_by_slug, coordinators, *_ = loaded
    for slug, cpts in cpts_by_slug.items():
        spaces = DiscussionSpace.objects.for_cpts(cpts)
        assert spaces.filter(kind=SpaceKind.MISSION).count() == 4
        topics = Topic.objects.filter(space__in=spaces)
        assert topics.count() >= 7 and topics.filter(pinned_at__isnull=False).count() == 1
        assert topics.filter(title="Garde du week-end de Pâques").exists()
        assert topics.filter(title="Nouvelle infirmière sur Poissy ?").exists()
        group = spaces.get(kind=SpaceKind.WORKING_GROUP)
        assert group.created_by == coordinators[slug] and 3 <= group.participants.count() <= 5
        messages = Message.objects.filter(space__in=spaces)
        assert messages.filter(edited_at__isnull=False).count() == 1
        assert {a.name for a in Attachment.objects.filter(message__in=messages)} == {
            "charte-espace-discussion.pdf",
            "compte-rendu-reunion-lancement.pdf",
        }
        hidden = messages.get(status=MessageStatus.HIDDEN)
        event = hidden.events.get()
        assert event.by == coordinators[slug] and event.note == discussions.HIDDEN_REASON
        assert all(message.created_at < timezone.now() for message in messages)
    assert Mention.objects.filter(user=member, read_at__isnull=True).count() == 3


def test_every_topic_counts_its_messages_and_none_holds_a_patient_identifier(loaded):
    for topic in Topic.objects.all():
        messages = list(topic.messages.order_by("pk"))
        assert topic.message_count == len(messages)
        assert topic.last_message_at == messages[-1].created_at
        assert [m.created_at for m in messages] == sorted(m.created_at for m in messages)
    assert not any(
        health_data.holds_patient_identifier(body) for body in Message.objects.values_list("body", flat=True)
    )


def test_the_regional_group_spans_two_cpts_with_its_pilots_moderators_and_visio(loaded):
    cpts_by_slug, _, manager, result, _ = loaded
    group = result.group
    assert group.kind == SpaceKind.REGIONAL_GROUP and group.organisation.name == discussions.ORGANISATION
    places = group.participants.all()
    spanned = {cpts.slug for cpts in cpts_by_slug.values() if places.filter(user__cpts_roles__cpts=cpts).exists()}
    assert spanned == set(cpts_by_slug)
    assert places.filter(role=ParticipantRole.PILOT).count() == 3
    assert places.filter(role=ParticipantRole.MODERATOR).count() == 2
    assert places.get(user=manager).role == ParticipantRole.MODERATOR
    muted = places.get(status=ParticipantStatus.MUTED)
    assert muted.events.get().note == discussions.MUTE_REASON
    statuses = sorted(group.signup_requests.values_list("status", flat=True))
    assert statuses == [SignupStatus.ACCEPTED, SignupStatus.PENDING, SignupStatus.PENDING]
    assert group.signup_questions.count() == len(discussions.SIGNUP_QUESTIONS)
    series = group.visio
    assert series.rule == discussions.VISIO_RULE
    assert series.next_starts(1)[0] > timezone.now()
    held = series.sessions.get()
    assert series.is_occurrence(held.starts_at) and held.starts_at < timezone.now()
    assert timezone.localtime(held.starts_at).hour == 20 and held.replay_url and held.minutes


def test_nothing_is_sent_and_a_second_load_changes_nothing(loaded, member):
    cpts_by_slug, coordinators, manager, _, queued = loaded
    assert not [callback for callback in queued if discussions.is_discussion_message(callback)]
    before = (Message.objects.count(), Topic.objects.count(), DiscussionSpace.objects.count())
    again = discussions.ensure_discussions(
        cpts_by_slug, coordinators, manager=manager, member=member, today=timezone.localdate()
    )
    assert again.group is None and not any(again.cpts.values())
    assert (Message.objects.count(), Topic.objects.count(), DiscussionSpace.objects.count()) == before
