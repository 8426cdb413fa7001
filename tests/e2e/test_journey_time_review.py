"""Journey 5: a member declares project time; the coordinator reviews and validates it in
the paid-time page; the member then sees it validated."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.members.factories import MembershipFactory, ProfessionalFactory

from .pages import TimePage, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def bruno(cpts):
    """A member with an account and an active adhesion through their professional card."""
    user = UserFactory(with_totp=True)
    CptsRoleFactory(cpts=cpts, user=user)
    professional = ProfessionalFactory(user=user, first_name="Bruno", last_name="Lefèvre")
    MembershipFactory(cpts=cpts, professional=professional)
    return user


def test_a_member_declares_time_the_coordinator_validates_it_and_the_member_sees_it_validated(
    new_page, cpts, bruno, coordinator
):
    today = timezone.localdate()
    # A day of the open year: only its validations are listed (and can be withdrawn).
    day = max(today - datetime.timedelta(days=3), today.replace(month=1, day=1))
    member_page = new_page()
    login(member_page, bruno)
    mine = TimePage.open(member_page, cpts.slug).declare(date=day.isoformat(), hours="1,5", note="Réunion de projet")
    expect(member_page.get_by_text("Temps déclaré : la coordination le validera.")).to_be_visible()
    my_entry = member_page.get_by_role("listitem").filter(has_text=f"{day:%d/%m/%Y} — 1,50 h")
    expect(my_entry).to_contain_text("À valider")

    coordination = new_page()
    login(coordination, coordinator)
    review = TimePage.open(coordination, cpts.slug)
    expect(review.pending.get_by_role("row").filter(has_text="Bruno Lefèvre")).to_contain_text("Réunion de projet")
    review.validate("Bruno Lefèvre")
    expect(coordination.get_by_text("Temps validé.")).to_be_visible()
    expect(coordination.get_by_text("Aucun temps à valider.")).to_be_visible()
    expect(review.validated.get_by_role("row").filter(has_text="Bruno Lefèvre")).to_contain_text(f"{day:%d/%m/%Y}")

    mine.page.reload()
    expect(my_entry).to_contain_text("Validé")
