"""Including a patient through the page: the identity, the consent, the lead and one more
member of the care team; a refusal names its field and writes nothing."""

import datetime
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from maillon.core.models import JournalEntry
from maillon.pathways.models import CareTeamMember, Inclusion

from ..conftest import verified_client
from .test_pages_access import inclusion_fixture, lead_fixture, outsider_fixture, programme_fixture, teammate_fixture  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def form_data(programme, lead, changes=None, **more):
    data = {
        "programme": programme.pk,
        "birth_name": "Lefèvre",
        "used_name": "",
        "given_names": "Anne Marie",
        "first_given_name": "Anne",
        "sex": "F",
        "birth_date": "12/03/1941",
        "birth_place_code": "78646",
        "ins_number": "",
        "identity_qualification": "provisional",
        "phone": "06 12 34 56 78",
        "email": "",
        "consent_on": timezone.localdate().isoformat(),
        "consent_mode": "oral",
        "consent": "on",
        "lead": lead.pk,
        "team_member": "",
        "team_role": "",
    }
    return data | (changes or {}) | more


def test_a_member_includes_a_patient_and_lands_on_the_inclusion_page(cpts, programme, lead, teammate):
    client = verified_client(lead.professional.user)
    url = reverse("pathways_include", args=[cpts.slug])
    page = client.get(url).content.decode()
    assert f'<option value="{lead.pk}" selected>' in page  # a member leads by default
    assert "identitovigilance" in page and "a donné son accord" in page
    data = form_data(programme, lead, team_member=teammate.pk, team_role="Infirmier à domicile")
    response = client.post(url, data)
    inclusion = Inclusion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("pathways_inclusion", args=[cpts.slug, inclusion.pk])
    assert "Lefèvre" not in response["Location"]
    assert (inclusion.birth_name, inclusion.birth_date, inclusion.lead) == ("Lefèvre", datetime.date(1941, 3, 12), lead)
    assert inclusion.consent_recorded_by == lead.professional.user
    assert inclusion.phone == "06 12 34 56 78"
    team = {(m.membership_id, m.role) for m in CareTeamMember.objects.filter(inclusion=inclusion)}
    assert team == {(lead.pk, "Référent"), (teammate.pk, "Infirmier à domicile")}
    page = client.get(response["Location"]).content.decode()
    assert "LEFÈVRE Anne" in page and "Infirmier à domicile" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"birth_name": ""}, "Nom de naissance : ce champ est obligatoire."),
        ({"consent": ""}, "Consentement : cochez la case"),
        ({"consent_on": ""}, "Consentement recueilli le : indiquez la date."),
        ({"consent_mode": ""}, "Recueil du consentement : choisissez une valeur."),
        ({"birth_date": "31/02/1950"}, "Date de naissance : saisissez une date valide"),
        ({"birth_date": "01/01/2999"}, "Date de naissance : la date ne peut pas être dans le futur."),
        ({"identity_qualification": "qualified"}, "Matricule INS : une identité récupérée ou qualifiée"),
        ({"ins_number": "123"}, "Matricule INS : le numéro n'est pas valide"),
        ({"birth_place_code": "7"}, "Lieu de naissance : "),
        ({"email": "pas-un-courriel"}, "Courriel : saisissez une adresse électronique valide"),
        ({"lead": "999999"}, "Professionnel référent : choisissez un adhérent de la liste."),
    ],
)
def test_a_bad_input_names_its_field_and_writes_nothing(cpts, coordinator, programme, lead, changes, message):
    client = verified_client(coordinator)
    before = JournalEntry.objects.exclude(action="read").count()
    response = client.post(reverse("pathways_include", args=[cpts.slug]), form_data(programme, lead, changes))
    assert response.status_code == 200
    assert message in unescape(response.content.decode())
    assert not Inclusion.objects.exists() and not CareTeamMember.objects.exists()
    assert JournalEntry.objects.exclude(action="read").count() == before


def test_a_lead_outside_the_cpts_or_a_superseded_programme_is_refused(cpts, other_cpts, coordinator, programme, lead):
    from maillon.members.factories import MembershipFactory
    from maillon.pathways import services

    stranger = MembershipFactory(cpts=other_cpts)
    url = reverse("pathways_include", args=[cpts.slug])
    client = verified_client(coordinator)
    assert "Professionnel référent : " in unescape(client.post(url, form_data(programme, stranger)).content.decode())
    services.new_version(programme, name="Maintien à domicile v2")
    page = unescape(client.post(url, form_data(programme, lead)).content.decode())
    assert "Programme : choisissez un programme en vigueur." in page
    assert not Inclusion.objects.exists()


def test_the_page_says_so_when_the_cpts_has_no_programme_yet(cpts, coordinator, outsider):
    page = verified_client(outsider.professional.user).get(reverse("pathways_include", args=[cpts.slug]))
    assert "La CPTS n'a pas encore de programme" in unescape(page.content.decode())
    page = verified_client(coordinator).get(reverse("pathways_include", args=[cpts.slug])).content.decode()
    assert reverse("pathways_library", args=[cpts.slug]) in page


def test_reading_the_inclusion_and_the_list_is_journaled(cpts, coordinator, inclusion):
    client = verified_client(coordinator)
    client.get(reverse("pathways_home", args=[cpts.slug]))
    listed = JournalEntry.objects.get(action="read", object_type="pathways.Inclusion", object_id=str(inclusion.pk))
    assert listed.actor_id == coordinator.pk and "birth_name" in listed.fields and listed.cpts_id == cpts.pk
    client.get(reverse("pathways_inclusion", args=[cpts.slug, inclusion.pk]))
    reads = JournalEntry.objects.filter(action="read", object_type="pathways.Inclusion", object_id=str(inclusion.pk))
    assert reads.count() == 2
    assert "ins_number" in reads.order_by("-pk").first().fields
