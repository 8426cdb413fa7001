"""Journey 6: the login page and the public médecin traitant form work with the keyboard
alone: Tab reaches every field and then the submit button, in the order of the page, each
focused element shows its focus, and Enter submits."""

import pytest
from playwright.sync_api import expect

from maillon.core.factories import DEFAULT_PASSWORD

from .pages import LoginPage, MtRegisterPage, SecondFactorPage, current_code, field

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Whether the focused element (or, for DSFR checkboxes and radios whose input is drawn
# over, its label) shows a focus ring, as the keyboard user sees it.
SHOWS_FOCUS = """el => {
  const ring = (node, pseudo) => {
    const style = getComputedStyle(node, pseudo);
    return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  };
  // A date input's last stop is the calendar button the browser draws inside it.
  if (el.type === 'date' && !el.matches(':focus')) return true;
  if (!el.matches(':focus-visible')) return false;
  if (ring(el)) return true;
  const label = el.labels && el.labels[0];
  return !!label && (ring(label) || ring(label, '::before') || ring(label, '::after'));
}"""
# What the focused element is: a field by its name (and value for a box), else its text.
FOCUSED = """() => {
  const el = document.activeElement;
  if (el.name && (el.type === 'checkbox')) return el.name + '=' + el.value;
  return el.name || el.textContent.trim();
}"""


def tab_through(page, *, until, limit=40) -> list[str]:
    """Press Tab until `until` is focused; the focused elements met, each checked for a visible focus.

    A date field takes several Tabs (day, month, year) on the same element: it counts once.
    """
    met = [page.evaluate(FOCUSED)]
    for _ in range(limit):
        page.keyboard.press("Tab")
        key = page.evaluate(FOCUSED)
        assert page.evaluate(f"({SHOWS_FOCUS})(document.activeElement)"), f"no visible focus on {key!r}"
        if key != met[-1]:
            met.append(key)
        if key == until:
            return met
    raise AssertionError(f"Tab never reached {until!r}; met {met}")


def test_the_login_form_is_tabbed_in_order_with_a_visible_focus_and_enter_submits(page, cpts, coordinator):
    login = LoginPage.open(page)
    expect(login.email).to_be_focused()  # autofocus: the first field, no Tab needed

    assert tab_through(page, until="Continuer") == ["email", "password", "Mot de passe oublié ?", "Continuer"]

    login.email.focus()
    page.keyboard.type(coordinator.email)
    page.keyboard.press("Tab")
    page.keyboard.type(DEFAULT_PASSWORD)
    page.keyboard.press("Enter")
    code = SecondFactorPage(page).expect_heading("Code de connexion")
    expect(field(page, "Code à usage unique")).to_be_focused()
    page.keyboard.type(current_code(coordinator.totpdevice_set.get()))
    page.keyboard.press("Enter")
    code.expect_heading(f"Espace de la {cpts.name}")


def test_the_public_mt_form_is_tabbed_in_order_with_a_visible_focus_and_enter_submits(page, cpts):
    form = MtRegisterPage.open(page, cpts.slug, query="?commune=78646")
    field(page, "Nom").focus()

    met = tab_through(page, until="M'inscrire")

    criteria = [f"criteria={value}" for value in ("ald", "c2s", "pregnancy", "disability", "mt_retired")]
    assert met == [
        "last_name",
        "first_name",
        "birth_date",
        "nir",
        "commune_query",
        "commune",
        "email",
        "phone",
        *criteria,
        "consent=on",
        "Vos droits sur vos données",
        "M'inscrire",
    ]
    form.fill(last_name="Martin", first_name="Jeanne", birth_date="1948-05-02", email="jeanne.martin@example.org")
    field(page, "Courriel").focus()
    page.keyboard.press("Enter")
    form.expect_heading("Demande enregistrée")
