"""Journey 7: axe-core (axe-playwright-python) finds no serious or critical violation on
the pages every visitor meets: home, login, the public page of a CPTS, the public
médecin traitant form."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

pytestmark = pytest.mark.e2e

BLOCKING_IMPACTS = {"serious", "critical"}
# Rules known to fail for a reason outside our templates, each with why; keep it short.
ALLOWED_RULES: dict[str, str] = {}

PAGES = {
    "home": lambda cpts: reverse("home"),
    "login": lambda cpts: reverse("login"),
    "cpts_detail": lambda cpts: reverse("cpts_detail", args=[cpts.slug]),
    "mt_register": lambda cpts: reverse("mt_register", args=[cpts.slug]) + "?commune=78646",
}


def blocking_violations(results) -> list[dict]:
    return [
        violation
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS and violation["id"] not in ALLOWED_RULES
    ]


def describe(violations) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} — {violation['helpUrl']}")
        lines.extend(f"    {node['target']}: {node['html'][:160]}" for node in violation["nodes"][:5])
    return "\n".join(lines)


@pytest.mark.django_db(transaction=True)
def test_the_pages_every_visitor_meets_have_no_serious_or_critical_violation(page, cpts):
    # One test for the four pages: each transactional test pays a full flush of the database.
    reports = []
    for name, url in PAGES.items():
        page.goto(url(cpts))
        violations = blocking_violations(Axe().run(page))
        if violations:
            reports.append(f"axe on {name}:\n{describe(violations)}")

    assert not reports, "\n".join(reports)


def test_the_check_catches_a_field_without_label(browser):
    """The same check on a broken page (no server, no database): it must fail, or the test above proves nothing."""
    page = browser.new_page()
    page.set_content('<html lang="fr"><head><title>T</title></head><body><main><h1>T</h1><input></main></body></html>')

    violations = blocking_violations(Axe().run(page))

    assert [violation["id"] for violation in violations] == ["label"]
    assert "label (critical)" in describe(violations)
    page.close()
