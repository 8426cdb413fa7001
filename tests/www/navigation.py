"""Crawl the site as a person would: from their home, following links and the addresses of the
forms on each page, never typing an address. Used by the demo test (the one load of the
real demo region, where every kind of page has data to show).

`crawl(client, start)` answers which named routes were reached (a link or a form pointing to
them), and the pages that did not answer as they should. `TOKEN_LINKS` are the routes reached
only from a message (a signed link), never from a page: the crawl cannot reach them, by design.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import urljoin, urlsplit

from django.urls import Resolver404, resolve

from .english import english_strings_in

# Reached from an e-mail or an SMS, with a signed token in the address: never a link of a page.
TOKEN_LINKS = {
    "members_unsubscribe": "the unsubscribe link at the foot of a message to the members",
    "crisis_response_ack": "the acknowledgement link of an alert",
    "pathways_reminders_stop": "the opt-out link of a patient's reminder (e-mail or SMS)",
    "mt_patient_status": "the patient's private follow-up link, sent at registration",
    "mt_patient_status_export": "the patient's data, from their private follow-up link",
    "invitation_accept": "the invitation e-mail",
    "password_reset_confirm": "the password reset e-mail",
    "login_totp_enrolment_link": "the second-factor enrolment link sent to a new account",
    "snp_slots_feed": "a calendar feed: its secret address is pasted into the member's calendar",
    "prevention_registration_cancel": "the cancellation link of a registrant's messages (prevention sessions)",
    "discussions_unsubscribe": "the one-click unsubscribe link of a discussion space's e-mails",
    "creation_letter_follow": "the promoters' private link to their lettre d'intention, sent when they file it",
    "login_unlock": "the unlock link e-mailed to an account's owner when its failed logins are delayed",
}
# Reached only in the course of logging in or out, before any home.
LOGIN_FLOW = {
    "login",
    "login_second_factor",
    "login_totp_setup",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_complete",
}
# Never fetched by the crawl (the route still counts as reached through its link or form):
# leaving the session, and files that are not pages.
NOT_FETCHED = {"logout"}
LINK = re.compile(r"""<a\b[^>]*?\bhref="([^"#]*)(?:#[^"]*)?"[^>]*>""", re.IGNORECASE)
FORM = re.compile(r"""<form\b([^>]*)>""", re.IGNORECASE)
ATTRIBUTE = re.compile(r"""\b(method|action)="([^"]*)\"""", re.IGNORECASE)
# What the page's scripts call: htmx attributes and the addresses handed to a script.
SCRIPTED = re.compile(r"""\b(hx-get|hx-post|data-[a-z-]*url)="([^"]*)\"""", re.IGNORECASE)


@dataclass
class Crawl:
    reached: Counter = field(default_factory=Counter)
    fetched: Counter = field(default_factory=Counter)
    broken: list = field(default_factory=list)  # (url, status, from page)
    english: list = field(default_factory=list)  # (url, [strings])


def route_of(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.namespace:  # the admin, the API
        return None
    return match.url_name


def targets(html: str, base: str):
    """(method, path with query) of every link and form of a page, on this site."""
    for href in LINK.findall(html):
        yield "get", unescape(href)
    for attributes in FORM.findall(html):
        found = {name.lower(): value for name, value in ATTRIBUTE.findall(attributes)}
        yield found.get("method", "get").lower(), unescape(found.get("action", "")) or base
    for attribute, url in SCRIPTED.findall(html):
        # hx-post and the scripts' addresses are called with a body or parameters: reached, not fetched.
        yield "get" if attribute.lower() == "hx-get" else "script", unescape(url)


def local(url: str, base: str) -> str | None:
    parts = urlsplit(urljoin(base, url))
    if parts.scheme not in ("http", "https", "") or (parts.netloc and parts.netloc != "testserver"):
        return None
    if parts.path.startswith(("/static/", "/admin/", "/api/")):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(client, start: str, *, per_route: int = 5) -> Crawl:
    """Breadth first from `start`; at most `per_route` pages fetched for each route (the first
    patients, meetings… stand for the others)."""
    result = Crawl()
    queue, seen = [(start, "(accueil)")], {start}
    while queue:
        url, origin = queue.pop(0)
        route = route_of(urlsplit(url).path)
        if route is None or route in NOT_FETCHED or result.fetched[route] >= per_route:
            continue
        result.fetched[route] += 1
        result.reached[route] += 1
        response = client.get(url)
        while response.status_code in (301, 302) and response["Location"].startswith("/"):
            url = response["Location"]
            result.reached[route_of(urlsplit(url).path)] += 1
            response = client.get(url)
        if response.status_code != 200:
            result.broken.append((url, response.status_code, origin))
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        html = response.content.decode()
        if found := english_strings_in(html):
            result.english.append((url, found))
        for method, target in targets(html, url):
            path = local(target, url)
            if path is None:
                continue
            name = route_of(urlsplit(path).path)
            if name is None:
                continue
            result.reached[name] += 1
            if method == "get" and path not in seen:
                seen.add(path)
                queue.append((path, url))
    return result


# --- What each role must reach -------------------------------------------------------------------

# Answers a machine, not a person: the SAS's FHIR slot search (its own Bearer token).
MACHINE = {
    "fhir_slot": "the SAS's FHIR slot search, called by the SAS's software",
    "sms_inbound": "the SMS provider's webhook for the patients' replies (STOP)",
}
# Pages shown only in a state the demo does not keep: they are reached in their own tests.
STATE_BOUND = {
    "crisis_response_board_live": "the live part of a crisis board, polled only while a crisis is under way",
    "pathways_inclusion_move": "moving a patient to a programme's newer version: the demo's programmes have one",
    "discussions_message_edit": "editing one's message: only within MAILLON_DISCUSSION_EDIT_MINUTES of sending it",
    # The demo's projet de santé is under examination (submitted): nothing is being written.
    "creation_project_diagnosis": "writing a draft projet de santé: the demo's is submitted, frozen",
    "creation_project_section": "writing a draft projet de santé: the demo's is submitted, frozen",
    "creation_sheet_new": "writing a draft projet de santé: the demo's is submitted, frozen",
    "creation_sheet_edit": "writing a draft projet de santé: the demo's is submitted, frozen",
    # Mission 5: the demo's case conference is held (its decisions are in a PPCS): none to program or record.
    "quality_conference_schedule": "programming a case conference asked for: the demo's conference is held",
    "quality_conference_record": "recording a programmed case conference: the demo's conference is held",
}
# Actions that check the method by hand (a GET answers 405 from inside the view).
POSTED_BY_HAND = {"snp_slot_cancel", "snp_slot_sharing"}

PUBLIC = {
    "home",
    "commune_search",
    "cpts_list",
    "region_overview",
    "departement_overview",
    "legal_notice",
    "privacy",
    "accessibility",
    "aci_simulator",
    "cpts_detail",
    "mt_find",
    "mt_register",
    # The coming prevention sessions of a CPTS's public page, their .ics and public materials.
    "prevention_session_public",
    "prevention_session_ics",
    "prevention_material_public",
    # The regional groups open to sign-up and their public form (linked from the home page).
    "discussions_groups_public",
    "discussions_group_signup",
    # « Créer une CPTS » (linked from the home page) and the filing of a lettre d'intention.
    "creation_start",
    "creation_letter_new",
    # Mission 6: the ads of the territories (linked from the home page and the CPTS's page), one ad,
    # their RSS feed, and « Faire son stage ici » (from the CPTS's page).
    "ad_search",
    "ad_public_detail",
    "ad_feed",
    "internships_public",
}
VISITOR = PUBLIC | {"members_join", "login", "password_reset"}
ACCOUNT = PUBLIC | {
    "my_home",
    "account",
    "account_notifications",
    # The header's « Discussions » (a person who reads no space finds an empty list).
    "discussions_index",
    "discussions_mentions",
    "discussions_search",
}
READS_CONTRACT = {"contracts_overview", "contracts_funding", "contracts_indicators", "contracts_report"}
READS_PLAN = {"crisis_plan", "crisis_plan_version", "crisis_plan_diff", "crisis_plan_pdf"}
READS_CRISES = {"crisis_response_list", "crisis_response_board", "crisis_response_retex"}
# The creation of a CPTS: its steps and projet de santé (every role in the CPTS and its authorities).
READS_CREATION = {"creation_steps", "creation_project"}
# A submitted projet de santé, its versions, its PDF and its grant, followed by the ARS and the CPAM.
FOLLOWS_CREATION = READS_CREATION | {
    "creation_project_version",
    "creation_project_pdf",
    "creation_grant",
    "creation_step_document_download",
}
ARS_LETTERS = {"creation_letters", "creation_letter"}
# Mission 5 (issue 20): every role of the CPTS reads its home, the conferences it sees, the reviews
# (their shared summaries), its own actions and the practice-analysis groups; asks for a conference,
# reports an event, and evaluates the pathway of a patient it sees (from the inclusion's page).
READS_QUALITY = {
    "quality_home",
    "quality_conferences",
    "quality_conference_request",
    "quality_reviews",
    "quality_review_report",
    "quality_actions",
    "quality_groups",
    "quality_group",
    "quality_evaluation",
    "quality_evaluation_pdf",
}
# The coordination: the demo's conference (held, its record as a PDF), its two event reviews (one
# under analysis), its group's edition and sessions.
RUNS_QUALITY = READS_QUALITY | {
    "quality_conference",
    "quality_conference_pdf",
    "quality_review",
    "quality_review_analysis",
    "quality_group_create",
    "quality_group_edit",
    "quality_group_session_add",
}
# Mission 6 (issue 21): every role of the CPTS reads its hub, the supervisors, placements and
# applications it may see, the housing and its calendar, the tutoring pairs, cross-trainings and
# the shared equipment (and books it), and the CPTS's ads (and submits one).
READS_SUPPORT = {
    "support_home",
    "supervisor_list",
    "placement_list",
    "application_list",
    "housing_list",
    "housing_detail",
    "tutoring_list",
    "cross_training_list",
    "equipment_list",
    "equipment_detail",
    "equipment_book",
    "ad_list",
    "ad_create",
    "ad_detail",
}
# The coordination: every page that writes, the installation projects and their welcome kit, the
# public page's texts.
RUNS_SUPPORT = READS_SUPPORT | {
    "supervisor_create",
    "supervisor_edit",
    "placement_create",
    "placement_detail",
    "housing_create",
    "housing_edit",
    "installation_list",
    "installation_create",
    "installation_detail",
    "installation_edit",
    "welcome_kit",
    "welcome_kit_pdf",
    "tutoring_create",
    "cross_training_create",
    "equipment_create",
    "ad_edit",
    "site_edit",
}
MEMBERS_SPACE = {
    "cpts_dashboard",
    "members_directory",
    "members_card",
    "members_vcard",
    "members_structure_card",
    "members_structure_vcard",
    "members_my_card",
    "members_figures",
    "governance_elections",
    "governance_election",
    "governance_mandates",
    "governance_assemblies",
    "governance_assembly",
    "governance_documents",
    "meetings_list",
    "meetings_meeting",
    "meetings_time",
    "meetings_time_edit",
    "meetings_bank_details",
    "meetings_statement",
    "meetings_statement_export",
    "mt_queue",
    "mt_patient_new",
    "mt_offer",
    "snp_requests",
    "snp_request_new",
    "snp_request_detail",
    "snp_request_duty",
    "snp_request_appointments",
    "snp_slots",
    "pathways_home",
    "pathways_include",
    "pathways_tasks",
    "pathways_breaks",
    # The demo member leads elderly patients (some with a PPCS) and is in others' care teams.
    "pathways_programme",
    "pathways_inclusion",
    "pathways_plan_revise",
    "pathways_plan_pdf",
    *READS_PLAN,
    # Prevention: the demo member is in charge of a campaign (its registrants, its attendance sheet).
    "prevention_home",
    "prevention_action",
    "prevention_measure",
    "prevention_session",
    "prevention_session_attendance",
    "prevention_material_download",
    # Discussions: the CPTS's spaces, their topics, new messages polled by htmx, the demo's attachments.
    "cpts_discussions",
    "discussions_space",
    "discussions_topic",
    "discussions_topic_new",
    "discussions_topic_new_messages",
    "discussions_attachment",
    *READS_CREATION,
}
# Groups and moderation (issue 17): who runs a space reaches its people, register and settings
# from the space's page; an organisation's manager from their organisation's page.
SPACE_PEOPLE = {"discussions_space_people"}
RUNS_CPTS_SPACES = SPACE_PEOPLE | {"discussions_space_moderation", "discussions_space_edit"}
ORGANISATIONS = {"organisations_index", "organisations_organisation"}
MANAGES_ORGANISATION = (
    ORGANISATIONS
    | RUNS_CPTS_SPACES
    | {"discussions_regional_group_new", "discussions_space_visio", "discussions_signups"}
)
PAGES = {
    "visitor": VISITOR,
    "coordinator": ACCOUNT
    | MEMBERS_SPACE
    | READS_CONTRACT
    | READS_CRISES
    | RUNS_QUALITY
    | RUNS_SUPPORT
    | {
        "cpts_territory_edit",
        "cpts_lifecycle",
        "cpts_invite",
        "members_list",
        "members_membership",
        "members_structure_edit",
        "members_colleges",
        "members_fees",
        "members_import",
        "members_directory_export",
        "members_mailings",
        "members_mailing_new",
        "members_mailing",
        "governance_document_download",
        "meetings_meeting_edit",
        "meetings_meeting_delete",
        "meetings_payments",
        "meetings_payments_export",
        "contracts_report_download",
        "contracts_indicator_document",
        "mt_import",
        "mt_patient",
        "mt_patient_export",
        "mt_weights",
        "mt_proposals",
        "mt_proposal",
        "mt_run",
        "snp_request_search",
        "snp_slot_setup",
        "snp_slot_series",
        "crisis_plan_section",
        "crisis_plan_professionals",
        "crisis_response_activate",
        "crisis_response_chain",
        "pathways_library",
        "pathways_programme_edit",
        # A measure's values imported from a source's file (from the measure's page).
        "prevention_measure_import",
        "prevention_action_new",
        "prevention_action_edit",
        "prevention_measure_new",
        "prevention_session_new",
        "prevention_session_edit",
        "prevention_material_new",
        "discussions_working_group_new",
        "creation_step_edit",
        "creation_grant",
    }
    | RUNS_CPTS_SPACES,
    # A doctor of another CPTS, with slots and agendas of their own.
    "member": ACCOUNT
    | MEMBERS_SPACE
    | READS_QUALITY
    | READS_SUPPORT
    | SPACE_PEOPLE
    | {"snp_slot_agendas", "snp_slot_new", "snp_slot_series_new", "snp_slot_import"},
    # The ARS's observer: also the lettres d'intention of the région.
    "observer": ACCOUNT
    | {"home_observer", "observatory_members"}
    | READS_CONTRACT
    | READS_PLAN
    | READS_CRISES
    | FOLLOWS_CREATION
    | ARS_LETTERS,
    # The CPAM's authority: decides on the projet de santé for the Assurance Maladie.
    "authority": ACCOUNT
    | {"home_authority", "observatory_members", "contracts_report_download", "crisis_response_activate"}
    | READS_CONTRACT
    | READS_PLAN
    | READS_CRISES
    | FOLLOWS_CREATION
    | {"creation_project_review"},
    # The ARS's authority: decides on the letters, records the start-up grant, reviews for the ARS.
    "ars_authority": ACCOUNT
    | {"home_authority", "observatory_members", "contracts_report_download", "crisis_response_activate"}
    | READS_CONTRACT
    | READS_PLAN
    | READS_CRISES
    | FOLLOWS_CREATION
    | ARS_LETTERS
    | {"creation_project_review", "creation_grant_record"},
    "sas_regulator": ACCOUNT | {"home_sas", "snp_requests", "snp_request_new", "snp_request_detail"},
    "admin": ACCOUNT
    | {"home_admin", "cpts_dashboard", "cpts_invite", "cpts_lifecycle", "cpts_territory_edit", "members_figures"}
    | READS_CONTRACT
    | {"contracts_report_download"}
    | ORGANISATIONS
    | {"organisations_new"},
    # The manager of the demo's URPS (an organisation's manager, no CPTS role): its regional group.
    "manager": ACCOUNT | MANAGES_ORGANISATION,
}


def crawled_role(account: dict) -> str:
    """The demo's two authorities are crawled apart: the CPAM's (`autorite.…`) and the ARS's
    (`instruction.…`, who decides on the lettres d'intention and records the start-up grants)."""
    if account["role"] == "authority" and account["email"].startswith("instruction."):
        return "ars_authority"
    return account["role"]


def check_navigation(accounts: list[dict], client_for):
    """Crawl the demo as each role from its home (`client_for(account)` logs in as the account;
    None for a visitor). Fails on a page of the role that no link reaches, a link that does
    not answer, and English on a page."""
    chosen = {"visitor": None}
    for account in accounts:
        if account["role"] == "coordinator" and account["cpts"] != "seine-et-foret":
            continue
        chosen.setdefault(crawled_role(account), account)
    assert set(chosen) == set(PAGES)
    for role, account in chosen.items():
        client = client_for(account)
        result = crawl(client, "/accueil/" if account else "/")
        missing = PAGES[role] - set(result.reached)
        assert not missing, f"{role} : pages qu'aucun lien n'atteint depuis son accueil : {sorted(missing)}"
        assert not result.broken, f"{role} : liens qui ne répondent pas : {result.broken}"
        assert not result.english, f"{role} : anglais sur ces pages : {result.english}"
