"""The Content-Security-Policy holds in a real browser: the main pages of every role load
in headless Chromium with the policy enforced (nonces, no inline script, no inline style)
and not one violation is reported, neither by the page's `securitypolicyviolation` events
nor on the console. A page without the header fails too: no policy, nothing proven. The
pages that are not ours hold too: the Django admin (the platform admin, after the real login)
and the API's documentation (django-ninja's Swagger UI, which must also draw its operations)."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from maillon.core.factories import UserFactory
from maillon.discussions import services as discussions
from maillon.discussions.models import DiscussionSpace, SpaceKind
from maillon.members.factories import MembershipFactory, ProfessionalFactory
from maillon.mt.factories import PatientFactory
from maillon.pathways.factories import InclusionFactory
from maillon.support.factories import (
    AdFactory,
    EquipmentFactory,
    HousingFactory,
    PlacementFactory,
    SupervisorFactory,
)
from maillon.territories.factories import TerritoryRoleFactory

from .pages import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Runs before any script of the page (added through the browser's protocol, which the policy
# does not govern): every violation, enforced or report-only, goes to the test.
LISTEN = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.maillonCspViolation(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`
  );
});
"""
UNSAFE = {"'unsafe-inline'", "'unsafe-eval'", "*"}
CONSOLE_VIOLATION = re.compile(r"Content Security Policy|Refused to (load|execute|apply|evaluate|frame)", re.I)


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for directive in filter(str.strip, policy.split(";")):
        name, *sources = directive.split()
        parsed[name.lower()] = sources
    return parsed


class Watch:
    """One browser page that records every policy violation and visits pages."""

    def __init__(self, page):
        self.page = page
        self.violations: list[str] = []
        self.without_policy: list[str] = []
        page.expose_function("maillonCspViolation", lambda text: self.violations.append(f"{page.url}: {text}"))
        page.add_init_script(LISTEN)
        page.on(
            "console",
            lambda message: (
                self.violations.append(f"{page.url}: console: {message.text}")
                if CONSOLE_VIOLATION.search(message.text)
                else None
            ),
        )

    def visit(self, url):
        response = self.page.goto(url)
        assert response is not None and response.ok, f"{url} answered {response and response.status}"
        policy = response.headers.get("content-security-policy", "")
        parsed = directives(policy)
        # Strict: scripts and styles restricted, never by an unsafe source; our pages' scripts by
        # 'self' and the response's nonce, the Django admin's and the API docs' by 'self' alone
        # (their templates use no nonce, so django-csp sends none).
        restricted = all(name in parsed and not UNSAFE & set(parsed[name]) for name in ("script-src", "style-src"))
        ours = not url.startswith(("/admin/", "/api/"))
        if ours and not any(source.startswith("'nonce-") for source in parsed.get("script-src", [])):
            restricted = False
        if not restricted:
            self.without_policy.append(f"{url}: {policy or 'no Content-Security-Policy header'}")
        # Loaded: DSFR's and the page's scripts ran, maps and charts drew, htmx bound its
        # elements; one more frame for what they started.
        self.page.evaluate("() => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 50)))")


def territory_user(cpts, role):
    departement = cpts.territory_rows.first().commune.departement
    user = UserFactory(with_totp=True)
    TerritoryRoleFactory(role=role, departement=departement, user=user)
    return user


def test_the_main_pages_of_every_role_load_without_a_policy_violation(new_page, cpts, coordinator, member):
    slug = cpts.slug
    departement = cpts.territory_rows.first().commune.departement
    membership = MembershipFactory(cpts=cpts, professional=ProfessionalFactory(user=member))
    patient = PatientFactory(cpts=cpts)
    inclusion = InclusionFactory(cpts=cpts, lead=membership)
    discussions.ensure_cpts_spaces(cpts)
    space = DiscussionSpace.objects.get(cpts=cpts, kind=SpaceKind.MEMBERS)
    topic = discussions.start_topic(space, title="Garde du samedi", body="Qui prend le samedi ?", by=coordinator).topic
    # Mission 6: an ad on the map of the public search, an open placement, housing and equipment calendars.
    commune = cpts.territory_rows.first().commune
    ad = AdFactory(cpts=cpts, published=True, commune=commune)
    PlacementFactory(supervisor=SupervisorFactory(cpts=cpts))
    housing = HousingFactory(cpts=cpts, commune=commune)
    equipment = EquipmentFactory(cpts=cpts)

    visits = {
        None: [
            reverse("home"),
            reverse("commune_search") + "?q=Versailles",
            reverse("cpts_list"),
            reverse("cpts_detail", args=[slug]),
            reverse("region_overview"),
            reverse("departement_overview", args=[departement.code]),
            reverse("aci_simulator"),
            reverse("mt_find"),
            reverse("mt_register", args=[slug]) + "?commune=78646",
            reverse("creation_start"),
            reverse("login"),
            reverse("ad_search"),
            reverse("ad_public_detail", args=[ad.pk]),
            reverse("internships_public", args=[slug]),
        ],
        coordinator: [
            reverse("my_home"),
            reverse("members_list", args=[slug]),
            reverse("members_directory", args=[slug]),
            reverse("members_figures", args=[slug]),
            reverse("cpts_territory_edit", args=[slug]),
            reverse("mt_queue", args=[slug]),
            reverse("mt_patient", args=[slug, patient.pk]),
            reverse("pathways_home", args=[slug]),
            reverse("pathways_inclusion", args=[slug, inclusion.pk]),
            reverse("prevention_home", args=[slug]),
            reverse("contracts_overview", args=[slug]),
            reverse("support_home", args=[slug]),
            reverse("housing_detail", args=[slug, housing.pk]),
            reverse("equipment_detail", args=[slug, equipment.pk]),
            reverse("ad_create", args=[slug]),
            reverse("discussions_topic", args=[topic.pk]),
            reverse("account"),
        ],
        member: [reverse("my_home"), reverse("discussions_index"), reverse("discussions_topic", args=[topic.pk])],
        territory_user(cpts, "authority"): [reverse("home_authority")],
        territory_user(cpts, "observer"): [reverse("home_observer")],
        territory_user(cpts, "sas_regulator"): [reverse("home_sas"), f"/cpts/{slug}/snp/demandes/"],
        UserFactory(with_totp=True, is_superuser=True, is_staff=True): [
            reverse("home_admin"),
            reverse("account"),
            # Django's admin: its index, a list with filters and search, a form with its widgets.
            reverse("admin:index"),
            reverse("admin:core_user_changelist"),
            reverse("admin:core_cpts_change", args=[cpts.pk]),
            reverse("admin:core_journalentry_changelist"),
        ],
    }

    violations, without_policy = [], []
    for user, urls in visits.items():
        watch = Watch(new_page())
        if user is not None:
            login(watch.page, user)
        for url in urls:
            watch.visit(url)
        violations += watch.violations
        without_policy += watch.without_policy

    assert not without_policy, "Pages without a strict policy:\n" + "\n".join(without_policy)
    assert not violations, "Policy violations:\n" + "\n".join(violations)


def test_the_api_documentation_works_under_the_policy(new_page):
    """/api/v1/docs: django-ninja's Swagger UI, from this site's static files. It must not only
    load without a violation but draw the operations (its scripts ran, the schema was fetched),
    and open one."""
    watch = Watch(new_page())
    watch.visit("/api/v1/docs")
    page = watch.page

    path = page.locator(".opblock-summary-path", has_text=re.compile(r"^/api/v1/me$"))
    me = page.locator(".opblock-summary", has=path)
    expect(me).to_be_visible()
    me.click()
    expect(page.locator(".opblock.is-open .responses-wrapper")).to_be_visible()
    expect(page.locator(".opblock.is-open").get_by_text("Mon compte")).to_be_visible()
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 50)))")

    assert not watch.without_policy, watch.without_policy
    assert not watch.violations, "Policy violations:\n" + "\n".join(watch.violations)


def test_the_watch_catches_an_inline_script_refused_by_the_policy(browser):
    """The same watch on a page that breaks the policy (no server): it must report it, or the test
    above proves nothing."""
    page = browser.new_page()
    watch = Watch(page)
    page.route(
        "https://maillon.invalid/",
        lambda route: route.fulfill(
            status=200,
            headers={"Content-Security-Policy": "script-src 'self'; style-src 'self'"},
            content_type="text/html",
            body='<html><body><p style="color: red">x</p><script>document.title = "ran"</script></body></html>',
        ),
    )
    page.goto("https://maillon.invalid/")
    page.wait_for_load_state("load")

    assert page.title() != "ran"
    assert any("script-src" in violation for violation in watch.violations), watch.violations
    assert any("style-src" in violation for violation in watch.violations), watch.violations
    page.close()
