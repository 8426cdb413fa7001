"""The menu of a CPTS's space: each section shows the pages this person may open there.

Every entry asks the policy the page's own door asks (`allow(check=…)` of the view), so the
menu never offers a page that would answer 404; `tests/www/test_navigation.py` crawls from each
role's home through these menus and fails on a page route it cannot reach.
"""

from dataclasses import dataclass

from django.urls import reverse

from maillon.contracts import policies as contract_policies
from maillon.core import cpts_policies
from maillon.core.policies import has_cpts_role, is_coordinator
from maillon.creation import policies as creation_policies
from maillon.crisis import policies as crisis_policies
from maillon.crisis_response import policies as response_policies
from maillon.discussions import policies as discussion_policies
from maillon.governance import policies as governance_policies
from maillon.meetings import policies as meeting_policies
from maillon.members import policies as member_policies
from maillon.pathways import policies as pathway_policies
from maillon.prevention import policies as prevention_policies
from maillon.quality import policies as quality_policies
from maillon.snp import policies as snp_policies
from maillon.support import policies as support_policies


@dataclass(frozen=True)
class Entry:
    label: str
    url: str


@dataclass(frozen=True)
class Section:
    label: str
    entries: list[Entry]
    current: bool = False  # the page shown is one of its entries (aria-current on its button)


def is_doctor(user) -> bool:
    """A médecin (profession code 10): the MT offer is theirs."""
    professional = getattr(user, "professional", None)
    return professional is not None and professional.profession == "10"


def _sections(user, cpts):
    """(section label, [(entry label, route, allowed)]) in the menu's order."""
    role = has_cpts_role(user, cpts)
    coordinator = is_coordinator(user, cpts)
    professional = getattr(user, "professional", None) is not None
    governance = governance_policies.can_see_governance(user, cpts)
    meetings = meeting_policies.can_use_meetings(user, cpts)
    slots = snp_policies.can_use_slots(user, cpts)
    contract = contract_policies.can_read_contract(user, cpts)
    quality = quality_policies.can_use_quality(user, cpts)
    support = support_policies.can_use_support(user, cpts)
    return [
        (
            "Membres",
            [
                ("Adhérents et demandes", "members_list", coordinator),
                ("Annuaire", "members_directory", member_policies.can_see_directory(user, cpts)),
                ("Ma fiche", "members_my_card", member_policies.can_edit_own_card(user, cpts)),
                ("Collèges", "members_colleges", coordinator),
                ("Cotisations", "members_fees", coordinator),
                ("Importer des membres", "members_import", member_policies.can_import_members(user, cpts)),
                ("Messages aux membres", "members_mailings", coordinator),
                ("Adhérents en chiffres", "members_figures", member_policies.can_see_figures(user, cpts)),
                ("Inviter une personne", "cpts_invite", cpts_policies.can_invite(user, cpts)),
            ],
        ),
        (
            "Discussions",
            [
                ("Espaces de discussion", "cpts_discussions", role),
                (
                    "Nouveau groupe de travail",
                    "discussions_working_group_new",
                    discussion_policies.can_create_working_group(user, cpts),
                ),
            ],
        ),
        (
            "Gouvernance",
            [
                ("Élections", "governance_elections", governance),
                ("Mandats", "governance_mandates", governance),
                ("Assemblées générales", "governance_assemblies", governance),
                ("Documents fondateurs", "governance_documents", governance),
            ],
        ),
        (
            "Réunions et temps",
            [
                ("Réunions", "meetings_list", meetings),
                ("Temps déclarés", "meetings_time", meetings),
                ("Indemnités", "meetings_payments", meeting_policies.can_see_payments(user, cpts)),
                (
                    "Mes coordonnées bancaires",
                    "meetings_bank_details",
                    meeting_policies.can_manage_own_bank_details(user, cpts),
                ),
            ],
        ),
        (
            "Médecin traitant",
            [
                ("File d'attente", "mt_queue", role),
                ("Inscrire un patient", "mt_patient_new", role),
                ("Propositions", "mt_proposals", coordinator),
                ("Import de la liste CPAM", "mt_import", coordinator),
                ("Critères de priorité", "mt_weights", coordinator),
                ("Mon offre de médecin traitant", "mt_offer", role and is_doctor(user)),
            ],
        ),
        (
            "Soins non programmés",
            [
                ("Demandes", "snp_requests", snp_policies.can_use_requests(user, cpts)),
                ("Nouvelle demande", "snp_request_new", snp_policies.can_create_request(user, cpts)),
                ("Liste de garde", "snp_request_duty", snp_policies.can_use_duty_list(user, cpts)),
                ("Mes rendez-vous", "snp_request_appointments", snp_policies.can_see_appointments(user, cpts)),
                ("Créneaux" if coordinator else "Mes créneaux", "snp_slots", slots and (coordinator or professional)),
                ("Agendas", "snp_slot_agendas", slots and professional),
                ("Professions ouvertes", "snp_slot_setup", snp_policies.can_set_up_snp(user, cpts)),
            ],
        ),
        (
            "Parcours",
            [
                ("Programmes et patients", "pathways_home", pathway_policies.can_see_programmes(user, cpts)),
                ("Inclure un patient", "pathways_include", pathway_policies.can_include(user, cpts)),
                ("Mes tâches", "pathways_tasks", pathway_policies.can_see_programmes(user, cpts)),
                ("Ruptures", "pathways_breaks", pathway_policies.can_see_programmes(user, cpts)),
                ("Nouveau programme", "pathways_library", pathway_policies.can_manage_programmes(user, cpts)),
            ],
        ),
        (
            "Prévention",
            [
                ("Actions et séances", "prevention_home", prevention_policies.can_see_prevention(user, cpts)),
                ("Nouvelle action", "prevention_action_new", prevention_policies.can_manage_prevention(user, cpts)),
            ],
        ),
        (
            "Crise",
            [
                ("Plan de crise", "crisis_plan", crisis_policies.can_read_plan(user, cpts)),
                ("Crises et alertes", "crisis_response_list", response_policies.can_see_crises(user, cpts)),
                ("Chaîne d'alerte", "crisis_response_chain", response_policies.can_manage_chain(user, cpts)),
            ],
        ),
        (
            "Qualité",
            [
                ("Qualité et pertinence des soins", "quality_home", quality),
                ("Concertations pluriprofessionnelles", "quality_conferences", quality),
                (
                    "Demander une concertation",
                    "quality_conference_request",
                    quality_policies.can_request_conference(user, cpts),
                ),
                ("Revues d'événements indésirables", "quality_reviews", quality),
                (
                    "Déclarer un événement indésirable",
                    "quality_review_report",
                    quality_policies.can_report_event(user, cpts),
                ),
                ("Actions d'amélioration" if coordinator else "Mes décisions et actions", "quality_actions", quality),
                ("Groupes d'analyse des pratiques", "quality_groups", quality),
                ("Nouveau groupe d'analyse", "quality_group_create", quality_policies.can_create_group(user, cpts)),
            ],
        ),
        (
            "Accompagnement",
            [
                ("Accompagnement des professionnels", "support_home", support),
                ("Annonces", "ad_list", support),
            ],
        ),
        (
            "Contrat ACI",
            [
                ("Le contrat", "contracts_overview", contract),
                ("Financement", "contracts_funding", contract),
                ("Indicateurs", "contracts_indicators", contract),
            ],
        ),
        (
            "Création",
            [
                ("Étapes de la création", "creation_steps", creation_policies.can_see_creation(user, cpts)),
                ("Projet de santé", "creation_project", creation_policies.can_see_creation(user, cpts)),
                ("Subvention de démarrage", "creation_grant", creation_policies.can_see_grant(user, cpts)),
            ],
        ),
        (
            "Territoire",
            [
                ("Tracer le territoire", "cpts_territory_edit", cpts_policies.can_edit_territory(user, cpts)),
                ("Étapes de la CPTS", "cpts_lifecycle", cpts_policies.can_record_step(user, cpts)),
                ("Page publique", "cpts_detail", True),
            ],
        ),
    ]


def space_menu(user, cpts, path: str = "") -> list[Section]:
    """The sections of `cpts`'s space this user may open, with their pages; [] for someone
    who has nothing to do there. `path`: the page shown, to mark its section."""
    if cpts is None or not user.is_authenticated:
        return []
    sections = []
    for label, entries in _sections(user, cpts):
        allowed = [Entry(name, reverse(route, args=[cpts.slug])) for name, route, ok in entries if ok]
        if allowed and not (label == "Territoire" and len(allowed) == 1):
            sections.append(Section(label, allowed, current=any(entry.url == path for entry in allowed)))
    return sections
