"""The public sign-up form of a regional group: its questions, one pending request per address,
acceptance by the pilot team (the account made without a password when there is none), refusal,
no patient identifier in an answer."""

import pytest
from django.core.exceptions import ValidationError

from maillon.core.factories import UserFactory
from maillon.core.models import User
from maillon.discussions import policies, services
from maillon.discussions.models import (
    HealthDataRefusal,
    NotifyLevel,
    ParticipantRole,
    ParticipantStatus,
    SignupRequest,
    SignupStatus,
)

from .spaces_support import participant, regional_group

pytestmark = pytest.mark.django_db

NIR = "2 84 05 75 112 233 43"


def group_with_questions():
    group = regional_group(questions=[("Depuis quand exercez-vous en libéral ?", True), ("Vos attentes ?", False)])
    required, optional = group.signup_questions.order_by("position")
    return group, required, optional


def form(required, email="ines.moreau@example.org", answer="Depuis 2019", **extra):
    values = {
        "first_name": "Inès",
        "last_name": "Moreau",
        "email": email,
        "profession": "Sage-femme",
        "answers": {str(required.pk): answer},
        **extra,
    }
    return services.SignupForm(**values)


def test_signup_a_required_question_must_be_answered():
    group, required, optional = group_with_questions()
    with pytest.raises(ValidationError) as refused:
        services.submit_signup(group, form(required, answer="  "))
    assert refused.value.message_dict == {
        f"question_{required.pk}": ["Depuis quand exercez-vous en libéral ? : répondez à cette question."]
    }
    assert not SignupRequest.objects.exists()

    request = services.submit_signup(group, form(required))
    assert request.answers == {str(required.pk): "Depuis 2019", str(optional.pk): ""}
    assert request.status == SignupStatus.PENDING


def test_signup_a_pending_request_is_not_rewritten_by_a_second_from_the_same_address():
    """Whoever types someone else's address cannot change the request they made."""
    group, required, _ = group_with_questions()
    first = services.submit_signup(group, form(required, answer="Depuis 2019"))
    second = services.submit_signup(group, form(required, email="Ines.Moreau@EXAMPLE.org", answer="Depuis 2018"))
    assert second.pk == first.pk
    request = SignupRequest.objects.get()
    assert (request.email, request.answers[str(required.pk)]) == ("ines.moreau@example.org", "Depuis 2019")


def test_signup_after_a_refusal_a_new_request_may_be_sent():
    group, required, _ = group_with_questions()
    services.refuse_signup(services.submit_signup(group, form(required)), by=group.created_by)
    services.submit_signup(group, form(required))
    assert sorted(SignupRequest.objects.values_list("status", flat=True)) == ["pending", "refused"]


def test_signup_accepting_creates_the_account_without_password_and_the_participant():
    group, required, _ = group_with_questions()
    pilot = group.created_by
    request = services.submit_signup(group, form(required))
    assert policies.can_review_signups(pilot, group)

    place = services.accept_signup(request, by=pilot)

    user = User.objects.get(email="ines.moreau@example.org")
    assert (user.first_name, user.last_name, user.has_usable_password()) == ("Inès", "Moreau", False)
    assert (place.user, place.space, place.role, place.status, place.notify) == (
        user,
        group,
        ParticipantRole.PARTICIPANT,
        ParticipantStatus.ACTIVE,
        NotifyLevel.ALL,
    )
    request.refresh_from_db()
    assert (request.status, request.user) == (SignupStatus.ACCEPTED, user)
    event = request.events.get()
    assert (event.to_status, event.by) == (SignupStatus.ACCEPTED, pilot)
    assert policies.can_read(User.objects.get(pk=user.pk), group)
    with pytest.raises(ValidationError):
        services.accept_signup(request, by=pilot)  # final


def test_signup_accepting_someone_with_an_account_uses_it():
    group, required, _ = group_with_questions()
    known = UserFactory(email="ines.moreau@example.org")
    place = services.accept_signup(services.submit_signup(group, form(required)), by=group.created_by)
    assert place.user == known
    assert User.objects.filter(email__iexact="ines.moreau@example.org").count() == 1
    known.refresh_from_db()
    assert known.has_usable_password()


def test_signup_accepting_someone_once_removed_reinstates_them():
    group, required, _ = group_with_questions()
    former = participant(group, email="ines.moreau@example.org")
    services.remove(group.participants.get(user=former), by=group.created_by)
    place = services.accept_signup(services.submit_signup(group, form(required)), by=group.created_by)
    assert place.status == ParticipantStatus.ACTIVE


def test_signup_refusing_leaves_no_account():
    group, required, _ = group_with_questions()
    request = services.submit_signup(group, form(required))
    services.refuse_signup(request, by=group.created_by, note="hors région")
    request.refresh_from_db()
    assert request.status == SignupStatus.REFUSED
    assert request.events.get().note == "hors région"
    assert not User.objects.filter(email="ines.moreau@example.org").exists()
    assert group.participants.count() == 1  # the pilot


def test_signup_a_nir_in_an_answer_is_refused():
    group, required, _ = group_with_questions()
    with pytest.raises(ValidationError) as refused:
        services.submit_signup(group, form(required, answer=f"Ma patiente {NIR} m'a parlé du groupe"))
    (message,) = refused.value.message_dict[f"question_{required.pk}"]
    assert message.startswith("Depuis quand exercez-vous en libéral ? : il contient un numéro")
    assert not SignupRequest.objects.exists()
    assert HealthDataRefusal.objects.filter(space=group, user=None).count() == 1


def test_signup_a_closed_or_archived_group_takes_no_request():
    group, required, _ = group_with_questions()
    group.signup_open = False
    group.save()
    with pytest.raises(ValidationError, match="ne prend pas d'inscriptions"):
        services.submit_signup(group, form(required))
    assert group not in policies.signup_spaces()


def test_signup_only_the_pilot_team_and_the_managers_review():
    group = regional_group()
    moderator = participant(group, role="moderator")
    pilot = participant(group, role="pilot")
    member = participant(group)
    assert policies.can_review_signups(group.created_by, group)
    assert policies.can_review_signups(pilot, group)
    assert not policies.can_review_signups(moderator, group)
    assert not policies.can_review_signups(member, group)


def test_signup_an_invalid_address_is_refused_naming_its_field():
    group, required, _ = group_with_questions()
    with pytest.raises(ValidationError) as refused:
        services.submit_signup(group, form(required, email="pas-une-adresse"))
    assert "email" in refused.value.message_dict
