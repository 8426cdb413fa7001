"""Page objects: what a person does on each page, in the words of the page.

Locators go by role and label (what a screen reader announces), so a journey
that passes here is one that a keyboard or screen-reader user can also follow.
Each action returns the page object of where it lands.
"""

import re

from django.urls import reverse
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from maillon.core.factories import DEFAULT_PASSWORD


def current_code(device) -> str:
    """The code the person's authenticator application shows now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def field(page: Page, label: str):
    """The input that a <label> names by its own text (without the required marker and the hint).

    Found through the label's `for`, so a label that names nothing fails the journey.
    """
    label_element = page.locator(f'xpath=//label[normalize-space(text()[1])="{label}"]')
    return page.locator("#" + label_element.get_attribute("for"))


def tick(page: Page, box):
    """Tick a DSFR checkbox or radio as a person does: by its label (the input itself is drawn over)."""
    page.locator(f'label[for="{box.get_attribute("id")}"]').click()
    expect(box).to_be_checked()


class BasePage:
    url_name = ""

    def __init__(self, page: Page):
        self.page = page

    @classmethod
    def open(cls, page: Page, *args, query=""):
        page.goto(reverse(cls.url_name, args=args) + query)
        return cls(page)

    @property
    def heading(self):
        return self.page.get_by_role("heading", level=1)

    def expect_heading(self, text):
        expect(self.heading).to_contain_text(text)
        return self

    def main_nav_link(self, name):
        return self.page.get_by_role("navigation", name="Menu principal").get_by_role("link", name=name)

    def log_out(self):
        self.page.get_by_role("button", name="Se déconnecter").click()
        return HomePage(self.page)


# Public pages ---------------------------------------------------------------------------


class HomePage(BasePage):
    url_name = "home"

    def search_commune(self, query):
        search = self.page.get_by_role("search", name="Quelle CPTS pour ma commune ?")
        search.get_by_role("searchbox").fill(query)
        search.get_by_role("button", name="Rechercher").click()
        return CommuneSearchPage(self.page)


class CommuneSearchPage(BasePage):
    url_name = "commune_search"

    @property
    def status(self):
        return self.page.locator("#commune-results-status")

    def open_cpts(self, name):
        self.page.get_by_role("link", name=name).click()
        return CptsPublicPage(self.page)


class CptsPublicPage(BasePage):
    url_name = "cpts_detail"

    def ask_to_join(self):
        self.page.get_by_role("link", name="Adhérer à la CPTS").click()
        return JoinPage(self.page)


class JoinPage(BasePage):
    url_name = "members_join"

    def fill_professional(self, *, first_name, last_name, profession, rpps, email, address, commune, commune_label):
        page = self.page
        field(page, "Prénom").fill(first_name)
        field(page, "Nom").fill(last_name)
        field(page, "Profession").select_option(profession)
        field(page, "Numéro RPPS").fill(rpps)
        field(page, "Adresse électronique").fill(email)
        field(page, "Adresse du lieu d'exercice principal").fill(address)
        field(page, "Commune").fill(commune)
        # htmx lists the matching communes while typing: pick ours, as a person would.
        tick(page, page.get_by_label(commune_label))
        tick(page, page.locator("input[name=consent]"))
        return self

    def send(self):
        self.page.get_by_role("button", name="Envoyer ma demande").click()
        return self


class MtFindPage(BasePage):
    url_name = "mt_find"

    def search_commune(self, query):
        field(self.page, "Nom de la commune ou code postal").fill(query)
        self.page.get_by_role("search").get_by_role("button", name="Rechercher").click()
        return self

    def register_with(self, cpts_name):
        self.page.get_by_role("link", name=re.compile(f"S'inscrire auprès de la {re.escape(cpts_name)}")).click()
        return MtRegisterPage(self.page)


class MtRegisterPage(BasePage):
    url_name = "mt_register"

    def fill(self, *, last_name, first_name, birth_date, email, criteria=()):
        page = self.page
        field(page, "Nom").fill(last_name)
        field(page, "Prénom").fill(first_name)
        field(page, "Date de naissance").fill(birth_date)  # a date input takes ISO dates
        field(page, "Courriel").fill(email)
        for criterion in criteria:
            tick(page, page.locator(f"input[name=criteria][value={criterion}]"))
        tick(page, page.locator("input[name=consent]"))
        return self

    def submit(self):
        self.page.get_by_role("button", name="M'inscrire").click()
        return self


# Accounts --------------------------------------------------------------------------------


class LoginPage(BasePage):
    url_name = "login"

    @property
    def email(self):
        return field(self.page, "Adresse électronique")

    @property
    def password(self):
        return field(self.page, "Mot de passe")

    @property
    def submit_button(self):
        return self.page.get_by_role("button", name="Continuer")

    def give_password(self, email, password=DEFAULT_PASSWORD):
        self.email.fill(email)
        self.password.fill(password)
        self.submit_button.click()
        return SecondFactorPage(self.page).expect_heading("Code de connexion")


class SecondFactorPage(BasePage):
    url_name = "login_second_factor"

    def give_code(self, code):
        field(self.page, "Code à usage unique").fill(code)
        self.page.get_by_role("button", name="Se connecter", exact=True).click()
        return AccountPage(self.page)


class AccountPage(BasePage):
    url_name = "account"

    def open_space(self, cpts_name):
        self.main_nav_link(cpts_name).click()
        return DashboardPage(self.page)


def login(page: Page, user, *, password=DEFAULT_PASSWORD) -> "BasePage":
    """The real login: e-mail and password, then the code of the user's authenticator; it lands
    on the person's home (their one space, or « Mes espaces »)."""
    home = login_to_home(page, user, password=password)
    expect(page).not_to_have_url(re.compile(r"/compte/connexion/"))
    return home


# CPTS space ------------------------------------------------------------------------------


class DashboardPage(BasePage):
    url_name = "cpts_dashboard"


class MembersListPage(BasePage):
    url_name = "members_list"

    def open_membership(self, member_name):
        self.page.get_by_role("link", name=member_name).click()
        return MembershipPage(self.page)


class MembershipPage(BasePage):
    url_name = "members_membership"

    def accept(self):
        self.page.get_by_role("button", name="Accepter l'adhésion").click()
        return self


class DirectoryPage(BasePage):
    url_name = "members_directory"

    @property
    def professionals(self):
        return self.page.get_by_role("table").filter(has_text="Professionnels trouvés")


class MtQueuePage(BasePage):
    url_name = "mt_queue"

    @property
    def queue(self):
        return self.page.get_by_role("table", name="File d'attente")


class TimePage(BasePage):
    url_name = "meetings_time"

    def declare(self, *, date, hours, note):
        page = self.page
        field(page, "Date").fill(date)
        field(page, "Heures").fill(hours)
        field(page, "Ce qui a été fait").fill(note)
        page.get_by_role("button", name="Déclarer", exact=True).click()
        return self

    @property
    def pending(self):
        return self.page.get_by_role("table", name="Temps déclarés par les membres")

    @property
    def validated(self):
        return self.page.get_by_role("table", name="Validations récentes")

    def validate(self, member_name):
        row = self.pending.get_by_role("row").filter(has_text=member_name)
        row.get_by_role("button", name="Valider").click()
        return self


# Homes of the roles ------------------------------------------------------------------------


def login_to_home(page: Page, user, *, password=DEFAULT_PASSWORD) -> BasePage:
    """The real login (e-mail, password, code), which lands on the person's home: their one
    space, or « Mes espaces » to choose between several."""
    device = user.totpdevice_set.get(confirmed=True)
    LoginPage.open(page).give_password(user.email, password).give_code(current_code(device))
    return BasePage(page)


class MainMenu:
    """The header's « Menu principal »: « Mon espace » (or the « Mes espaces » dropdown), one
    dropdown per section of the CPTS space, then « Les CPTS en France »."""

    def __init__(self, page: Page):
        self.page = page
        self.nav = page.get_by_role("navigation", name="Menu principal")

    def dropdown(self, name):
        return self.nav.get_by_role("button", name=name, exact=True)

    def ready_dropdown(self, name):
        """The dropdown once DSFR's script has bound it: a click or a key before that does nothing."""
        dropdown = self.dropdown(name)
        expect(dropdown).to_have_attribute("data-fr-js-collapse-button", "true")
        return dropdown

    def link(self, name):
        return self.nav.get_by_role("link", name=name, exact=True)

    def go_to_my_space(self):
        self.link("Mon espace").click()
        return BasePage(self.page)

    def follow(self, dropdown, entry):
        """Open a dropdown with the mouse and follow one of its links."""
        button = self.ready_dropdown(dropdown)
        button.click()
        expect(button).to_have_attribute("aria-expanded", "true")
        self.link(entry).click()
        return BasePage(self.page)

    def switch_to(self, home):
        """Another of the person's homes, through « Mes espaces »."""
        return self.follow("Mes espaces", home)


class SpaceHomePage(DashboardPage):
    """The CPTS space as a home: « À traiter », each line a count and the page behind it."""

    def waiting(self, label, count):
        """The line of « À traiter » that says `count` `label` (a link, named by its count and label)."""
        return self.page.get_by_role("link", name=f"{count} {label}", exact=True)

    def expect_waiting(self, label, count):
        expect(self.waiting(label, count)).to_be_visible()
        return self

    def open_waiting(self, label, count):
        self.waiting(label, count).click()
        return BasePage(self.page)


class InvitePage(BasePage):
    url_name = "cpts_invite"

    def invite(self, email, role_label):
        field(self.page, "Adresse électronique de la personne invitée").fill(email)
        tick(self.page, self.page.get_by_label(role_label, exact=True))
        self.page.get_by_role("button", name="Envoyer l'invitation").click()
        return self


class AdminHomePage(BasePage):
    url_name = "home_admin"

    def create_cpts(self, *, name, legal_form_label):
        field(self.page, "Nom de la CPTS").fill(name)
        field(self.page, "Forme juridique").select_option(label=legal_form_label)
        self.page.get_by_role("button", name="Créer la CPTS").click()
        return InvitePage(self.page)
