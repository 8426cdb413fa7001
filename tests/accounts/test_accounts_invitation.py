"""A coordinator invites a person; the person sets a password, then enrols the second factor."""

import datetime
import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client, TestCase
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from maillon.core import services
from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.core.models import CptsRole, CptsRoleKind, JournalEntry, User
from maillon.www.accounts_views.totp import LINK_SENT
from tests.accounts.helpers import code_for, give_code, give_password, shows
from tests.conftest import verified_client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.accounts.urls")]
NEW_PASSWORD = "une phrase de passe assez longue"


def invite_url(cpts):
    return reverse("cpts_invite", kwargs={"cpts_slug": cpts.slug})


def invite(client, cpts, email="nouvelle@example.org", role=CptsRoleKind.MEMBER):
    with TestCase.captureOnCommitCallbacks(execute=True):  # the worker sends the invitation
        return client.post(invite_url(cpts), {"email": email, "role": role})


def link_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/compte/invitation/\S+/)", message.body).group(1)


def accept(client, link, password=NEW_PASSWORD):
    form_url = client.get(link)["Location"]
    return client.post(form_url, {"new_password1": password, "new_password2": password})


def test_a_coordinator_invites_a_new_person(cpts, coordinator):
    client = verified_client(coordinator)
    response = invite(client, cpts, email="Nouvelle@Example.org", role=CptsRoleKind.COORDINATOR)
    assert response["Location"] == invite_url(cpts)
    user = User.objects.get(email="nouvelle@example.org")
    assert not user.has_usable_password()
    assert CptsRole.objects.get(user=user, cpts=cpts).role == CptsRoleKind.COORDINATOR
    (message,) = mail.outbox
    assert message.to == ["nouvelle@example.org"]
    assert cpts.name in message.subject
    assert "/compte/invitation/" in message.body
    assert shows(client.get(invite_url(cpts)), "Invitation envoyée")


def test_the_invitation_page_is_an_accessible_form(cpts, coordinator):
    page = verified_client(coordinator).get(invite_url(cpts)).content.decode()
    assert '<label for="id_email"' in page
    assert "<legend" in page and 'type="radio"' in page


def test_accepting_sets_a_password_then_asks_for_the_second_factor(cpts, coordinator):
    invite(verified_client(coordinator), cpts)
    client = Client()
    response = accept(client, link_in(mail.outbox[0]))
    assert response["Location"] == reverse("login_totp_setup")
    assert len(mail.outbox) == 1  # accepting the invitation is enough: no enrolment link to wait for
    user = User.objects.get(email="nouvelle@example.org")
    assert user.check_password(NEW_PASSWORD)
    # The password alone opens nothing.
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("account"), follow=True).redirect_chain[-1][0] == reverse("login_totp_setup")

    client.get(reverse("login_totp_setup"))
    device = TOTPDevice.objects.get(user=user)
    assert give_code(client, code_for(device), url_name="login_totp_setup")["Location"] == reverse("account")
    assert shows(client.get(reverse("account")), cpts.name)


def test_the_right_to_enrol_stays_with_the_session_that_accepted(cpts, coordinator):
    invite(verified_client(coordinator), cpts)
    client = Client()
    accept(client, link_in(mail.outbox[0]))
    user = User.objects.get(email="nouvelle@example.org")
    # Starting a login again with the password alone: back to the e-mailed link.
    client.post(reverse("login"), {"action": "restart"})
    give_password(client, user, password=NEW_PASSWORD)
    assert shows(client.get(reverse("login_totp_setup")), LINK_SENT)
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert "/compte/connexion/lien-double-authentification/" in mail.outbox[-1].body


def test_the_link_works_once(cpts, coordinator):
    invite(verified_client(coordinator), cpts)
    link = link_in(mail.outbox[0])
    accept(Client(), link)
    again = Client().get(link)
    assert again.status_code == 200
    assert shows(again, "Invitation expirée ou déjà utilisée")


def test_the_link_expires(cpts, coordinator, settings, monkeypatch):
    invite(verified_client(coordinator), cpts)
    link = link_in(mail.outbox[0])
    later = datetime.datetime.now() + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    monkeypatch.setattr(services.invitation_token_generator, "_now", lambda: later)
    assert shows(Client().get(link), "Invitation expirée ou déjà utilisée")


def test_a_password_reset_link_does_not_accept_an_invitation(cpts, coordinator):
    user = UserFactory()
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    link = reverse("invitation_accept", args=[uidb64, default_token_generator.make_token(user)])
    assert shows(Client().get(link), "Invitation expirée ou déjà utilisée")


def test_the_password_must_pass_the_validators(cpts, coordinator):
    invite(verified_client(coordinator), cpts)
    response = accept(Client(), link_in(mail.outbox[0]), password="court")
    assert response.status_code == 200
    assert not User.objects.get(email="nouvelle@example.org").has_usable_password()


def test_a_person_who_already_has_a_role_is_refused_clearly(cpts, coordinator, member):
    response = invite(verified_client(coordinator), cpts, email=member.email.upper())
    assert response.status_code == 200
    assert shows(response, "Cette personne a déjà un rôle dans cette CPTS.")
    assert not mail.outbox
    assert CptsRole.objects.filter(user=member, cpts=cpts).count() == 1


def test_a_person_who_has_accepted_but_not_enrolled_yet_is_refused_too(cpts, coordinator):
    someone = CptsRoleFactory(cpts=cpts, user=UserFactory()).user  # has a password, no authenticator
    response = invite(verified_client(coordinator), cpts, email=someone.email)
    assert shows(response, "Cette personne a déjà un rôle dans cette CPTS.")
    assert not mail.outbox


def test_re_inviting_a_person_who_never_accepted_sends_a_fresh_working_link(cpts, coordinator, settings, monkeypatch):
    client = verified_client(coordinator)
    invite(client, cpts)
    first = link_in(mail.outbox[0])
    later = datetime.datetime.now() + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    monkeypatch.setattr(services.invitation_token_generator, "_now", lambda: later)
    assert shows(Client().get(first), "Invitation expirée ou déjà utilisée")

    response = invite(client, cpts, email="Nouvelle@example.org")
    assert response["Location"] == invite_url(cpts)
    assert shows(client.get(invite_url(cpts)), "Invitation renvoyée")
    assert len(mail.outbox) == 2
    user = User.objects.get(email="nouvelle@example.org")
    assert CptsRole.objects.filter(user=user, cpts=cpts).count() == 1

    invitee = Client()
    assert accept(invitee, link_in(mail.outbox[1]))["Location"] == reverse("login_totp_setup")
    invitee.get(reverse("login_totp_setup"))
    device = TOTPDevice.objects.get(user=user)
    assert give_code(invitee, code_for(device), url_name="login_totp_setup")["Location"] == reverse("my_home")


def test_re_inviting_applies_the_role_chosen_the_second_time(cpts, coordinator):
    with TestCase.captureOnCommitCallbacks(execute=True):
        invitation = services.invite(cpts, email="api@example.org", role=CptsRoleKind.MEMBER, by=coordinator)
        again = services.invite(cpts, email="api@example.org", role=CptsRoleKind.COORDINATOR, by=coordinator)
    assert again.resent and again.sent_link and not again.created_user
    assert again.role.pk == invitation.role.pk
    assert CptsRole.objects.get(pk=invitation.role.pk).role == CptsRoleKind.COORDINATOR
    entry = JournalEntry.objects.get(note="invitation renvoyée")
    assert entry.actor_id == coordinator.pk and entry.object_id == str(invitation.role.pk)
    assert len(mail.outbox) == 2 and "/compte/invitation/" in mail.outbox[1].body


def test_a_person_with_an_account_is_told_of_the_new_role_without_a_password_link(cpts, other_cpts, coordinator):
    someone = CptsRoleFactory(cpts=other_cpts, user=UserFactory(with_totp=True)).user
    invite(verified_client(coordinator), cpts, email=someone.email)
    assert CptsRole.objects.filter(user=someone, cpts=cpts).exists()
    (message,) = mail.outbox
    assert "/compte/invitation/" not in message.body
    assert reverse("login") in message.body


def test_a_member_cannot_invite(cpts, member):
    # The member sees the members' space, but may not invite: 403.
    assert invite(verified_client(member), cpts).status_code == 403
    assert not mail.outbox


def test_the_coordinator_of_another_cpts_cannot_invite(cpts, other_cpts):
    other_coordinator = CptsRoleFactory(cpts=other_cpts, coordinator=True, user=UserFactory(with_totp=True)).user
    client = verified_client(other_coordinator)
    assert client.get(invite_url(cpts)).status_code == 404
    assert invite(client, cpts).status_code == 404
    assert not User.objects.filter(email="nouvelle@example.org").exists()


def test_a_visitor_is_sent_to_the_login(client, cpts):
    assert invite(client, cpts)["Location"].startswith(reverse("login"))


def test_the_service_journals_the_invitation_as_the_inviter(cpts, coordinator):
    invitation = services.invite(cpts, email="api@example.org", role=CptsRoleKind.MEMBER, by=coordinator)
    assert invitation.created_user and invitation.sent_link and not invitation.resent
    entry = JournalEntry.objects.get(object_type="core.CptsRole", object_id=str(invitation.role.pk))
    assert entry.actor_id == coordinator.pk and entry.cpts_id == cpts.pk
    assert "api@example.org" not in str(list(JournalEntry.objects.values()))


def test_the_service_refuses_an_unknown_role(cpts, coordinator):
    with pytest.raises(ValidationError):
        services.invite(cpts, email="x@example.org", role="president", by=coordinator)
    assert not User.objects.filter(email="x@example.org").exists()
