"""The plan uses the platform's rules rather than copies: the active professionals of the
CPTS (members), the authority of its territory (contracts), one rendering of a professional
for the PDF and the diff (crisis.document)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillon.contracts.policies import is_authority
from maillon.crisis import document, services
from maillon.crisis.models import PlanProfessional
from maillon.members.factories import MembershipFactory
from maillon.members.models import MembershipStatus
from maillon.members.selectors import active_professionals
from maillon.www import pdf
from maillon.www.crisis_views.plan_files import pdf_blocks

from .conftest import complete_draft, fill, territorial_user

pytestmark = pytest.mark.django_db


def test_only_a_professional_with_an_active_adhesion_is_picked(cpts, other_cpts, coordinator):
    version = services.start_version(cpts, by=coordinator)
    left = MembershipFactory(cpts=cpts, status=MembershipStatus.LEFT).professional
    MembershipFactory(cpts=other_cpts, professional=left)  # active elsewhere only
    active = MembershipFactory(cpts=cpts).professional
    assert list(active_professionals(cpts)) == [active]
    with pytest.raises(ValidationError, match="adhérent actif"):
        services.add_professional(version, professional=left, role="Renfort", by=coordinator)
    assert services.add_professional(version, professional=active, role="Renfort", by=coordinator).pk


def test_only_an_authority_of_the_territory_validates(cpts, coordinator, authority, foreign_authority):
    version = complete_draft(cpts, coordinator)
    services.submit_version(version, by=coordinator)
    observer = territorial_user("observer")
    for user in (observer, foreign_authority, coordinator):
        assert not is_authority(user, cpts)
        with pytest.raises(PermissionDenied):
            services.validate_version(version, by=user)
    assert is_authority(authority, cpts)
    services.validate_version(version, by=authority)
    version.refresh_from_db()
    assert version.status == "validated"


def test_the_pdf_and_the_diff_show_the_same_professional_values(cpts, coordinator):
    version = fill(services.start_version(cpts, by=coordinator), coordinator)
    row = PlanProfessional.objects.select_related("professional").get(version=version)
    [table] = [block for block in pdf_blocks(version) if isinstance(block, pdf.Table)]
    assert table.header == document.PROFESSIONAL_COLUMNS
    assert table.rows == [document.professional_cells(row)]
    line = document.professional_line(row)
    assert all(value in line for value in document.professional_cells(row) if value)
