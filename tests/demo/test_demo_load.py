"""The demo region on the real communes: one test, because importing the communes costs seconds.

Everything the demo promises is checked on one load, then again after a second load
(idempotence).
"""

import base64
import datetime
import io
import json
import random
from collections import Counter

import pytest
import shapely
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db.models import Count
from django.test import Client
from django.utils import timezone as django_timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from stdnum.fr import siren

from maillon.core import token_scopes
from maillon.core.identifiers import is_valid_adeli, is_valid_finess, is_valid_rpps
from maillon.core.models import (
    LIFECYCLE_ORDER,
    ApiToken,
    Cpts,
    CptsRole,
    JournalEntry,
    LifecycleStep,
    User,
    token_digest,
)
from maillon.core.notifications.models import Delivery
from maillon.demo import builder, governance, members
from maillon.governance.models import (
    Ballot,
    BallotChoice,
    Candidate,
    DocumentVersion,
    Election,
    FoundingDocument,
    GeneralAssembly,
    Mandate,
    VoterRecord,
)
from maillon.members.models import (
    College,
    Fee,
    Mailing,
    MailingRecipient,
    Membership,
    MembershipEvent,
    PracticePlace,
    Professional,
    Structure,
)
from maillon.members.professions import NATIONAL_ADHERENTS_2024, NationalCategory, Specialty
from maillon.organisations.models import OrganisationPerson
from maillon.territories.communes_import import import_communes
from maillon.territories.models import Commune, TerritoryCommune, TerritoryRole
from maillon.territories.taille import taille_for_population
from tests.conftest import verified_client
from tests.www.navigation import check_navigation

from .coherence import check_demo_coherence, check_demo_content, check_demo_pages

ROLES = {"admin", "coordinator", "member", "observer", "authority", "sas_regulator", "manager"}


def demo_client(account):
    """Logged in as a demo account (password and second factor), or a visitor for None."""
    return verified_client(User.objects.get(email=account["email"])) if account else Client()


def load_demo(path):
    out = io.StringIO()
    call_command("load_demo", credentials=path, force=True, stdout=out)
    return out.getvalue()


MEMBER_MODELS = [College, Professional, Structure, PracticePlace, Membership, MembershipEvent, Fee]
GOVERNANCE_MODELS = [Election, Candidate, VoterRecord, Ballot, BallotChoice, Mandate, GeneralAssembly]
# The large rows of the national table (each > 2 % of adherents): present in every demo CPTS.
BIG_CATEGORIES = [category for category, count in NATIONAL_ADHERENTS_2024.items() if count > 1000]


def counts():
    models = [Cpts, LifecycleStep, TerritoryCommune, User, CptsRole, TerritoryRole, TOTPDevice, ApiToken, JournalEntry]
    counted = {model.__name__: model.objects.count() for model in [*models, *MEMBER_MODELS, *GOVERNANCE_MODELS]}
    counted["attendance"] = GeneralAssembly.attendance.through.objects.count()
    for model in (FoundingDocument, DocumentVersion, Mailing, MailingRecipient, Delivery):
        counted[model.__name__] = model.objects.count()
    from django.apps import apps

    for app in (
        "contracts",
        "meetings",
        "crisis_response",
        "snp",
        "mt",
        "prevention",
        "organisations",
        "discussions",
        "support",
    ):
        counted.update({model.__name__: model.objects.count() for model in apps.get_app_config(app).get_models()})
    return counted


def demo_cpts():
    return list(Cpts.objects.filter(slug__in=[spec.slug for spec in builder.CPTS_SPECS]))


def current_codes(cpts):
    return sorted(TerritoryCommune.objects.for_cpts(cpts).current().values_list("commune_id", flat=True))


def is_contiguous(codes):
    """Connected through touching (or overlapping, after simplification) contours."""
    contours = dict(Commune.objects.filter(pk__in=codes).values_list("code", "contour"))
    shapes = {code: shapely.from_geojson(contour) for code, contour in contours.items()}
    reached, frontier = {codes[0]}, [codes[0]]
    while frontier:
        code = frontier.pop()
        for other in codes:
            if other not in reached and shapely.intersects(shapes[code], shapes[other]):
                reached.add(other)
                frontier.append(other)
    return reached == set(codes)


def check_cpts_and_territories():
    today = datetime.date.today()
    cpts_list = demo_cpts()
    assert len(cpts_list) >= 5
    tailles = set()
    for cpts in cpts_list:
        codes = current_codes(cpts)
        assert codes, cpts.slug
        assert {code[:2] for code in codes} == {"78"}
        assert is_contiguous(codes), f"territoire non contigu : {cpts.slug}"
        population = sum(Commune.objects.filter(pk__in=codes).values_list("population", flat=True))
        tailles.add(taille_for_population(population))
        assert siren.is_valid(cpts.siren)
        assert cpts.email.endswith("example.org")
        steps = list(cpts.steps.order_by("date"))
        assert [step.to_status for step in steps] == LIFECYCLE_ORDER[: len(steps)]
        assert steps[-1].to_status == cpts.status
        assert all(step.date < today for step in steps)
    assert {1, 2, 3, 4} <= tailles
    assert set(LIFECYCLE_ORDER) <= {cpts.status for cpts in cpts_list}
    signatures = LifecycleStep.objects.filter(to_status="aci_signed").values_list("date", flat=True)
    assert any(395 <= (today - signed).days <= 460 for signed in signatures), "une CPTS signée il y a ~14 mois"

    shared = TerritoryCommune.objects.current().values("commune").annotate(n=Count("cpts")).filter(n__gt=1)
    assert not shared.exists()
    covered = TerritoryCommune.objects.current().values("commune_id")
    assert Commune.objects.filter(departement_id="78").exclude(pk__in=covered).exists(), "zones blanches"


def check_territories_are_deterministic():
    plan = builder.plan_territories(random.Random(django_settings.MAILLON_DEMO_SEED))
    for cpts in demo_cpts():
        assert current_codes(cpts) == plan[cpts.slug]


def check_accounts(path):
    content = json.loads(path.read_text())
    assert content["site"] == django_settings.SITE_URL
    assert content["generated_at"]
    accounts = content["accounts"]
    roles = Counter(account["role"] for account in accounts)
    assert set(roles) == ROLES
    assert roles["coordinator"] == len(demo_cpts())
    client = Client()
    for account in accounts:
        check_account(client, account)
    return accounts


def check_account(client, account):
    user = User.objects.get(email=account["email"])
    assert len(account["password"]) >= 12
    assert user.check_password(account["password"])

    key = base64.b32decode(account["totp_secret"])
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed
    assert device.verify_token(f"{totp(key):06d}")

    if account["role"] == "admin":
        # No token for the platform admin while MAILLON_API_SUPERUSER_TOKENS is off.
        assert account["token"] is None and not ApiToken.objects.filter(user=user).exists()
        return
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {account['token']}")
    assert response.status_code == 200, account["email"]
    me = response.json()
    # The scopes of the role's areas (write where the role writes), the default life.
    assert me["token"]["scopes"] == token_scopes.scopes_for(user), account["email"]
    token = ApiToken.objects.get(digest=token_digest(account["token"]))
    assert token.expires_at - token.created_at > datetime.timedelta(days=89)
    assert me["email"] == account["email"]
    assert me["is_platform_admin"] == (account["role"] == "admin")
    if account["role"] in ("coordinator", "member"):
        assert [(r["cpts"]["slug"], r["role"]) for r in me["cpts_roles"]] == [(account["cpts"], account["role"])]
    elif account["role"] == builder.ORGANISATION_MANAGER:
        # A manager of an organisation (the demo's URPS): no CPTS, no territorial role.
        assert account["cpts"] is None and not me["cpts_roles"] and not me["territory_roles"]
        assert OrganisationPerson.objects.filter(user=user, role="manager").exists()
    elif account["role"] != "admin":
        assert account["cpts"] is None
        assert [r["role"] for r in me["territory_roles"]] == [account["role"]]


def check_territory_roles():
    observer = TerritoryRole.objects.get(role="observer", user__email__startswith="observation.")
    assert (observer.region_id, observer.departement_id, observer.organisation) == ("11", None, "ARS Île-de-France")
    authority = TerritoryRole.objects.get(role="authority", user__email__startswith="autorite.")
    assert (authority.departement_id, authority.organisation) == ("78", "CPAM des Yvelines")
    regulator = TerritoryRole.objects.get(role="sas_regulator")
    assert regulator.departement_id == "78"


def check_members():
    """Collèges with seats; members spread over each territory, following the national mix."""
    national_total = sum(NATIONAL_ADHERENTS_2024.values())
    everywhere = Counter()
    for cpts in demo_cpts():
        colleges = list(College.objects.for_cpts(cpts).order_by("position").values_list("name", "seats"))
        assert colleges == members.COLLEGES
        active = list(Membership.objects.for_cpts(cpts).active().select_related("professional", "structure", "college"))
        adhesions = Membership.objects.for_cpts(cpts).count()
        assert 40 <= adhesions <= 150, (cpts.slug, adhesions)
        assert len(active) >= 0.8 * adhesions
        mix = Counter(membership.national_category for membership in active)
        assert set(BIG_CATEGORIES) <= set(mix), (cpts.slug, mix)
        everywhere += mix
        assert all(membership.college is not None for membership in active)
        territory = set(current_codes(cpts))
        places = PracticePlace.objects.filter(professional__memberships__cpts=cpts).values_list("commune_id", flat=True)
        assert set(places) <= territory, "practice places in the CPTS's communes"
        assert len(set(places)) > 1
        fees = Fee.objects.filter(membership__cpts=cpts, year=datetime.date.today().year)
        assert fees.count() == len(active)
        assert 0 < fees.filter(paid_on__isnull=False).count() < len(active)
        kinds = set(Structure.objects.filter(memberships__cpts=cpts).values_list("kind", flat=True))
        assert {"msp", "ehpad", "pharmacie"} <= kinds
    total = sum(everywhere.values())
    for category in BIG_CATEGORIES:
        share, national = everywhere[category] / total, NATIONAL_ADHERENTS_2024[category] / national_total
        assert abs(share - national) < 0.03, (category, round(share, 3), round(national, 3))
    assert everywhere[NationalCategory.INFIRMIERS] > everywhere[NationalCategory.SAGES_FEMMES]
    assert Membership.objects.filter(status="requested").exists(), "a few pending adhesions"
    assert Membership.objects.filter(status="left").exclude(leave_reason="").exists(), "a few departures"
    assert all(is_valid_rpps(rpps) for rpps in Professional.objects.exclude(rpps=None).values_list("rpps", flat=True))
    assert all(
        is_valid_adeli(adeli) for adeli in Professional.objects.exclude(adeli=None).values_list("adeli", flat=True)
    )
    finess = Structure.objects.exclude(finess=None).values_list("finess", flat=True)
    assert finess and all(is_valid_finess(number) for number in finess)
    account = Professional.objects.get(user__email="membre.plaine-de-versailles@example.org")
    assert (account.first_name, account.last_name) == ("Léa", "Fournier")
    assert account.memberships.get().cpts.slug == "plaine-de-versailles"


def check_governance():
    """A past, closed election per CPTS with a validated project, its elected, a bureau, an assembly."""
    today = datetime.date.today()
    governed = [cpts for cpts in demo_cpts() if governance.takes_part(cpts)]
    assert {cpts.slug for cpts in governed} >= {"seine-et-foret", "plaine-de-versailles", "mantois"}
    for cpts in demo_cpts():
        if cpts not in governed:
            assert not Election.objects.for_cpts(cpts).exists(), cpts.slug
    for cpts in governed:
        election = Election.objects.for_cpts(cpts).get(title=governance.ELECTION_TITLE)
        assert election.is_closed and election.college.name == "Médecins"
        assert election.closes_at < django_timezone.now() and election.closes_at.date() < today
        results = election.results()
        assert results.voters > 0 and results.turnout_percent > 0 and results.quorum_reached
        assert results.voters == Ballot.objects.filter(election=election).count()
        assert results.voters <= results.electorate
        assert results.elected and not results.tied
        records = VoterRecord.objects.filter(election=election)
        assert all(election.opens_at <= record.voted_at < election.closes_at for record in records)
        assert all(record.membership.college_id == election.college_id for record in records)
        for candidate in election.candidates.select_related("membership__professional"):
            assert candidate.membership.professional.specialty == Specialty.GENERAL_PRACTICE
        representatives = Mandate.objects.for_cpts(cpts).filter(body="college_rep", election=election)
        assert {m.membership_id for m in representatives} == {c.membership_id for c in results.elected}
        assert all(m.starts_on < today and m in Mandate.objects.current() for m in representatives)
        bureau = Mandate.objects.for_cpts(cpts).current().filter(body="bureau")
        assert sorted(bureau.values_list("role", flat=True)) == ["president", "secretary", "treasurer"]
        assert bureau.get(role="president").membership_id == results.elected[0].membership_id
        assert len({m.membership_id for m in bureau}) == 3
        assembly = GeneralAssembly.objects.for_cpts(cpts).get()
        assert election.closes_at.date() < assembly.date < today
        present = set(assembly.attendance.values_list("pk", flat=True))
        assert present and present <= set(assembly.members_on_the_day().values_list("pk", flat=True))
    # The demo member account voted (its pages show it) and kept the secret: no ballot names it.
    account = Professional.objects.get(user__email="membre.plaine-de-versailles@example.org")
    assert VoterRecord.objects.filter(membership__professional=account).count() == 1


def check_contracts():
    """An ACI for each CPTS at « ACI signé », signed on that step, with values and money."""
    from maillon.contracts.models import Contract
    from maillon.contracts.selectors import funding_for_year

    today = datetime.date.today()
    signed = [cpts for cpts in demo_cpts() if cpts.status == "aci_signed"]
    assert len(signed) >= 2
    for cpts in signed:
        contract = Contract.objects.for_cpts(cpts).get()
        assert contract.signed_on == cpts.steps.get(to_status="aci_signed").date < today
        assert contract.indicators.exists() and contract.spendings.exists() and contract.receipts.exists()
        assert contract.reports.get().data["contract"], "one frozen dialogue de gestion report"
        funding = funding_for_year(contract, 1)
        assert 0 < funding.total <= funding.maximum
    assert Contract.objects.count() == len(signed)


@pytest.mark.commune_import
@pytest.mark.django_db
def test_load_demo_builds_the_yvelines_demo_region_and_can_run_again(tmp_path, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
    settings.STATIC_ROOT = tmp_path / "static"  # WhiteNoise warns when it is missing
    settings.STATIC_ROOT.mkdir()
    import_communes()
    path = tmp_path / "demo-credentials.json"

    output = load_demo(path)
    assert "coordination.plaine-de-versailles@example.org" in output
    check_cpts_and_territories()
    check_territories_are_deterministic()
    check_territory_roles()
    check_members()
    check_governance()
    check_contracts()
    check_demo_coherence()
    check_demo_content()
    check_demo_pages()
    accounts = check_accounts(path)
    assert path.stat().st_mode & 0o077 == 0, "identifiants lisibles par le seul propriétaire"
    # Every role reaches its pages from its home, by links only (issue 14).
    check_navigation(accounts, client_for=demo_client)

    before = counts()
    load_demo(path)
    assert counts() == before
    assert json.loads(path.read_text())["accounts"] == accounts
    check_cpts_and_territories()
    check_members()
    check_governance()
    check_demo_coherence()

    # People use the demo: a dissolved demo CPTS does not make the next `make run` fail.
    from maillon.core.models import Cpts, CptsStatus
    from maillon.territories import services as territory_services

    dissolved = Cpts.objects.get(slug="mantois")
    territory_services.record_step(dissolved, status=CptsStatus.DISSOLVED)
    output = load_demo(path)
    assert "Attention" in output and "Mantois" in output
    dissolved.refresh_from_db()
    assert dissolved.is_dissolved and territory_services.current_population(dissolved) == 0
    assert Election.objects.for_cpts(dissolved).count() == 1, "a dissolved CPTS keeps its history, untouched"
