"""Creating a CPTS (issue 18): the lettre d'intention and the ARS's decisions on it, the 10 steps,
the start-up grant, and the projet de santé written, submitted and decided (docs/api.md).

Who: the rules of maillon/creation/policies.py, the ones the pages ask too; writes through
maillon/creation/services.py.
- **Lettres d'intention**: filed without an account (`POST /creation/letters`, throttled per
  address; the answer gives no follow-up link: it goes to the contact by e-mail only). Read by
  the ARS officers of the letter's région, each reading of the promoters' names and contacts
  journaled; decided (information asked, accepted, refused) by its authorities. Anyone else gets
  404, as for a letter that does not exist; an observer who decides, 403.
- **The 10 steps and the projet de santé**: read by the CPTS's people and the authorities and
  observers over it; written by its coordinators. Each funder (an authority of the ARS, of the
  Assurance Maladie, over the CPTS) decides once on a submitted version.
- **Start-up grant**: read by the coordinators and the authorities and observers over the CPTS;
  recorded (amount, conditions, payments) by an ARS authority over it; its spending written by
  the coordinators.

A CPTS (or an object of it) the caller may not see answers 404, as for one that does not exist;
seeing without the right to act, 403. A refusal of the domain naming a field of the body answers
422 on that field; a transition the state does not allow, 409 with the state
(`{"detail", "status", "status_label"}`); another rule of the domain, 409 with its sentence.
"""

import datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from ninja import Query, Schema, Status
from ninja.errors import HttpError
from pydantic import Field, StringConstraints

from maillon.core import journal, throttle
from maillon.core.models import LegalForm
from maillon.core.policies import ensure_allowed
from maillon.core.workflows import TransitionNotAllowed
from maillon.creation import policies, registry, selectors, services
from maillon.creation.models import (
    ActionSheet,
    GrantPayment,
    GrantSpending,
    LetterComment,
    LetterCommune,
    LetterEvent,
    LetterOfIntent,
    LetterStatus,
    MissionSection,
    ProjectEvent,
    ProjectReview,
    ProjectStatus,
    ProjectVersion,
    PromoterKind,
    ReviewDecision,
    SpendingCategory,
    StartupGrant,
    Step,
)
from maillon.members.professions import Profession
from maillon.territories.services import TerritoryConflictError, find_conflicts
from maillon.territories.taille import taille_for_population

from .common import CptsRouter, PageNumber, cpts_or_404, first_or_404, page_of, page_size
from .discussions import person_ref
from .errors import InvalidField, conflict, refusals_as_409
from .presenters import conflict_dict, cpts_ref, territory_commune_dict
from .schemas import (
    READ_ERRORS,
    ConflictErrorOut,
    ConflictOut,
    CptsRefOut,
    IsoDate,
    MessageOut,
    RegionOut,
    TerritoryCommuneOut,
    TerritoryConflictOut,
    ValidationErrorOut,
)

router = CptsRouter(tags=["Création d'une CPTS"], read_errors=READ_ERRORS)

PAGE_SIZE = 50
PageSize = page_size(100)

# The count of the public page's form too (www/creation_views): one budget per address.
THROTTLE_SCOPE = "creation_letter"
ANSWER_THROTTLE_SCOPE = "creation_letter_answer"
TOO_MANY_ANSWERS = (
    "Trop de réponses ont été envoyées depuis votre connexion cette dernière heure. Réessayez dans une heure."
)
LINK_NOT_FOUND = "Ce lien ne permet pas d'ouvrir une lettre d'intention : il est erroné ou a été remplacé."
LETTER_ANSWERED = "Votre réponse est envoyée à l'ARS : la lettre attend de nouveau sa décision."
TOO_MANY = (
    "Trop de lettres d'intention ont été envoyées depuis votre connexion cette dernière heure. "
    "Réessayez dans une heure."
)
JSON_ONLY = "Envoyez le corps en JSON (Content-Type: application/json)."
LETTER_FILED = (
    "Votre lettre d'intention est déposée et transmise à l'ARS de votre région. Le lien de suivi est envoyé "
    "au courriel du contact : vérifiez votre messagerie."
)

LETTERS_NOT_FOUND = "Lettres d'intention introuvables : seuls les agents de l'ARS de la région les lisent."
LETTER_NOT_FOUND = "Lettre d'intention introuvable."
STEP_NOT_FOUND = "Étape introuvable : les étapes vont de 1 à 10."
GRANT_NOT_FOUND = "Aucune subvention de démarrage n'est enregistrée pour cette CPTS."
PAYMENT_NOT_FOUND = "Versement introuvable."
SPENDING_NOT_FOUND = "Dépense introuvable."
VERSION_NOT_FOUND = "Version du projet de santé introuvable."
SECTION_NOT_FOUND = "Mission absente de cette version du projet de santé : choisissez-la avec le diagnostic."
SHEET_NOT_FOUND = "Fiche-action introuvable."
NOT_TO_REVIEW = "Décision : cette version est « {label} » ; seule une version déposée reçoit une décision."
ALREADY_REVIEWED = "Décision : votre organisme (ou vous-même) a déjà décidé sur cette version."
SHEET_STARTERS_ONLY = "Seuls les coordinateurs de la CPTS démarrent l'objet d'une fiche-action."
NOT_VALIDATED = (
    "Objet à démarrer : cette version est « {label} » ; une fiche-action démarre son objet une fois le "
    "projet de santé validé."
)

LETTER_DECIDERS_ONLY = "Seules les autorités de l'ARS de la région décident d'une lettre d'intention."
STEPS_COORDINATORS_ONLY = "Seuls les coordinateurs de la CPTS tiennent les étapes de la création."
PROJECT_COORDINATORS_ONLY = "Seuls les coordinateurs de la CPTS rédigent et déposent le projet de santé."
REVIEW_FUNDERS_ONLY = (
    "Décision : seules l'ARS et l'Assurance Maladie (une autorité sur la CPTS) décident, chacune une fois, "
    "sur une version déposée."
)
NEGOTIATION_FUNDERS_ONLY = (
    "Seules l'ARS et l'Assurance Maladie (une autorité sur la CPTS) ouvrent la négociation de l'ACI."
)
GRANT_ARS_ONLY = "Seule une autorité de l'ARS sur la CPTS enregistre la subvention de démarrage et ses versements."
SPENDING_COORDINATORS_ONLY = "Seuls les coordinateurs de la CPTS saisissent les dépenses de la subvention."
TERRITORY_TAKEN = (
    "Territoire envisagé : une commune est entrée depuis le dépôt dans le territoire d'une autre CPTS ; "
    "rien n'a été créé."
)

LetterStatusCode = Literal[tuple(LetterStatus.values)]
LegalFormCode = Literal[tuple(LegalForm.values)]
PromoterKindCode = Literal[tuple(PromoterKind.values)]
SpendingCategoryCode = Literal[tuple(SpendingCategory.values)]
DecisionCode = Literal[tuple(ReviewDecision.values)]


def text(max_length, *, min_length=0):
    return Annotated[str, StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length)]


Amount = Annotated[Decimal, Field(gt=0, max_digits=10, decimal_places=2)]


# --- Schemas: lettres d'intention ---------------------------------------------------------------


class CreationPromoterIn(Schema):
    kind: PromoterKindCode = Field(description="professional (RPPS et profession) ou structure (FINESS ou SIRET).")
    name: text(200)
    email: text(254) = Field(description="Invité comme coordinateur de la CPTS si la lettre est acceptée.")
    profession: text(10) = Field("", description="Code G15 de la profession (un professionnel).")
    rpps: text(11) = ""
    finess: text(9) = ""
    siret: Annotated[str, StringConstraints(max_length=20)] = ""


class CreationLetterIn(Schema):
    project_name: text(200) = Field(description="Nom envisagé de la CPTS.")
    legal_form: LegalFormCode = LegalForm.ASSOCIATION_1901.value
    professions: list[text(10)] = Field(max_length=100, description="Codes G15 des professions engagées.")
    needs: text(5000) = Field(description="Premiers besoins repérés sur le territoire.")
    contact_name: text(200)
    contact_email: text(254) = Field(description="Reçoit le lien de suivi (par courriel seulement).")
    contact_phone: text(20) = ""
    communes: list[text(10)] = Field(
        max_length=2000, description="Codes INSEE des communes du territoire envisagé.", examples=[["78646"]]
    )
    promoters: list[CreationPromoterIn] = Field(max_length=200)


class CreationLetterFiledOut(Schema):
    id: int
    status: str
    status_label: str
    detail: str


class CreationLetterOut(Schema):
    id: int
    project_name: str
    region: RegionOut
    legal_form: str
    legal_form_label: str
    status: str = Field(description="submitted, information_requested, accepted ou refused.")
    status_label: str
    population: int = Field(description="Population du territoire envisagé au dépôt.")
    taille: int
    submitted_at: datetime.datetime
    decided_at: datetime.datetime | None
    cpts: CptsRefOut | None = Field(description="La CPTS créée par l'acceptation.")


class CreationLetterPageOut(Schema):
    items: list[CreationLetterOut]
    count: int


class CreationCodeLabelOut(Schema):
    code: str
    label: str


class CreationPromoterOut(Schema):
    kind: str
    kind_label: str
    name: str
    email: str
    profession: CreationCodeLabelOut | None
    rpps: str
    finess: str
    siret: str
    identifier: str = Field(description="« RPPS … », « FINESS … » ou « SIRET … ».")


class CreationLetterCommentOut(Schema):
    from_promoters: bool
    author: str | None = Field(description="L'agent de l'ARS ; null pour les porteurs.")
    body: str
    at: datetime.datetime


class CreationEventOut(Schema):
    from_status: str
    to_status: str
    at: datetime.datetime
    by: str | None
    note: str


class CreationLetterDetailOut(CreationLetterOut):
    professions: list[CreationCodeLabelOut]
    needs: str
    contact_name: str
    contact_email: str
    contact_phone: str
    communes: list[TerritoryCommuneOut]
    conflicts: list[TerritoryConflictOut] = Field(
        description="Les communes déjà dans le territoire d'une CPTS aujourd'hui (l'acceptation serait refusée)."
    )
    promoters: list[CreationPromoterOut]
    comments: list[CreationLetterCommentOut]
    events: list[CreationEventOut]
    can_decide: bool = Field(description="Vous pouvez demander des compléments, accepter ou refuser.")


class CreationCommentsIn(Schema):
    comments: text(5000) = Field(description="Ce que les porteurs doivent compléter ; ils le reçoivent par courriel.")


class CreationAcceptIn(Schema):
    name: text(200) = Field("", description="Nom de la CPTS créée ; celui de la lettre par défaut.")


class CreationAnswerIn(Schema):
    token: text(500, min_length=1) = Field(
        description="Le jeton du lien de suivi reçu par courriel (dans le corps, jamais dans l'adresse)."
    )
    body: text(5000) = Field(description="La réponse des porteurs aux questions de l'ARS.")
    needs: text(5000) = Field("", description="Les premiers besoins, s'ils changent ; vide : inchangés.")
    communes: list[text(10)] | None = Field(
        None,
        max_length=2000,
        description="Le territoire envisagé redessiné (codes INSEE) ; absent : inchangé.",
        examples=[["78646"]],
    )


class CreationAnswerOut(Schema):
    status: str
    status_label: str
    detail: str


class CreationRefuseIn(Schema):
    reason: text(5000) = Field(description="Le motif, envoyé aux porteurs.")


# --- Schemas: the 10 steps ----------------------------------------------------------------------


class CreationStepOut(Schema):
    number: int
    label: str
    planned_on: datetime.date | None
    done_on: datetime.date | None
    done: bool
    decided_by: str = Field(
        description="La décision qui coche l'étape (4, 9, 10) ; vide pour une étape cochée à la main."
    )
    note: str
    documents: int = Field(description="Nombre de documents déposés (sur la page de l'étape).")


class CreationStepPageOut(Schema):
    items: list[CreationStepOut]
    count: int


class CreationStepIn(Schema):
    planned_on: IsoDate | None = None
    done_on: IsoDate | None = Field(None, description="Jamais pour les étapes 4, 9 et 10, cochées par une décision.")
    note: text(500) = ""


# --- Schemas: start-up grant --------------------------------------------------------------------


class CreationPaymentOut(Schema):
    id: int
    due_on: datetime.date
    amount: Decimal
    paid_on: datetime.date | None


class CreationGrantOut(Schema):
    cpts: CptsRefOut
    amount: Decimal
    decided_on: datetime.date
    conditions: str
    decided_by: str | None
    payments: list[CreationPaymentOut]
    paid: Decimal = Field(description="Total des versements faits.")
    spent: Decimal = Field(description="Total des dépenses saisies.")
    left: Decimal = Field(description="Ce qui reste à dépenser.")


class CreationPaymentIn(Schema):
    due_on: IsoDate
    amount: Amount


class CreationGrantIn(Schema):
    amount: Amount
    decided_on: IsoDate
    conditions: text(3000) = ""
    payments: list[CreationPaymentIn] = Field(
        default_factory=list,
        max_length=24,
        description="Les versements prévus ; ils remplacent ceux qui ne sont pas encore versés.",
    )


class CreationPaidIn(Schema):
    paid_on: IsoDate


class CreationSpendingOut(Schema):
    id: int
    spent_on: datetime.date
    category: str
    category_label: str
    label: str
    amount: Decimal
    recorded_by: str | None


class CreationSpendingPageOut(Schema):
    items: list[CreationSpendingOut]
    count: int


class CreationSpendingIn(Schema):
    spent_on: IsoDate
    category: SpendingCategoryCode
    label: text(200)
    amount: Amount


# --- Schemas: projet de santé -------------------------------------------------------------------


class CreationVersionOut(Schema):
    number: int
    status: str = Field(description="draft, submitted, returned ou validated.")
    status_label: str
    missions: list[int]
    created_at: datetime.datetime
    submitted_at: datetime.datetime | None
    decided_at: datetime.datetime | None


class CreationVersionPageOut(Schema):
    items: list[CreationVersionOut]
    count: int


class CreationSheetOut(Schema):
    id: int
    title: str
    need: str
    objective: str
    target_population: str
    actions: str
    owner: str
    partners: str
    calendar: str
    budget: Decimal | None
    indicators: list[str] = Field(description="Un indicateur par ligne ; proposés au contrat ACI une fois validé.")
    position: int
    started: str = Field(description="L'objet de mission démarré depuis la fiche (« type:id ») ; vide sinon.")


class CreationSectionOut(Schema):
    mission: int
    mission_label: str
    diagnosis: str
    sheets: list[CreationSheetOut]


class CreationReviewOut(Schema):
    funder: str = Field(description="ars ou assurance_maladie.")
    funder_label: str
    decision: str
    decision_label: str
    comments: str
    by: str | None
    at: datetime.datetime


class CreationVersionDetailOut(CreationVersionOut):
    diagnosis: str
    sections: list[CreationSectionOut]
    reviews: list[CreationReviewOut]
    events: list[CreationEventOut]
    submission_problems: list[str] = Field(description="Ce qui empêche de déposer un brouillon ; vide sinon.")
    review_funder: str | None = Field(description="L'organisme pour lequel vous décidez sur cette version, sinon null.")


class CreationDiagnosisIn(Schema):
    diagnosis: text(20000)
    missions: list[int] = Field(
        max_length=6, description="Les missions choisies (1 à 6) ; les missions socle (1 à 4) le sont toujours."
    )


class CreationSectionIn(Schema):
    diagnosis: text(10000)


class CreationSheetIn(Schema):
    title: text(200)
    need: text(5000)
    objective: text(5000)
    target_population: text(500)
    actions: text(10000)
    owner: text(200)
    partners: text(500) = ""
    calendar: text(500)
    budget: Annotated[Decimal, Field(ge=0, max_digits=10, decimal_places=2)] | None = None
    indicators: text(3000) = Field("", description="Un indicateur par ligne.")


class CreationReviewIn(Schema):
    decision: DecisionCode = Field(description="validated ou returned (avec des remarques).")
    comments: text(10000) = ""


class CreationStartIn(Schema):
    kind: text(50, min_length=1) = Field(description="L'objet à démarrer, un de ceux de la mission de la fiche.")


class CreationStartedOut(Schema):
    kind: str
    id: int
    path: str = Field(description="La page de l'objet créé.")


class CreationCptsStatusOut(CptsRefOut):
    status: str
    status_label: str


# --- Presenters ---------------------------------------------------------------------------------


def name_of(user) -> str | None:
    """A person by name, never by e-mail address: the one helper of the API (`discussions.person_ref`)."""
    if user is None:
        return None
    return person_ref(user)["name"]


def event_dict(event) -> dict:
    return {
        "from_status": event.from_status,
        "to_status": event.to_status,
        "at": event.at,
        "by": name_of(event.by),
        "note": event.note,
    }


def letter_dict(letter) -> dict:
    population = letter.population
    return {
        "id": letter.pk,
        "project_name": letter.project_name,
        "region": {"code": letter.region.code, "name": letter.region.name},
        "legal_form": letter.legal_form,
        "legal_form_label": letter.get_legal_form_display(),
        "status": letter.status,
        "status_label": letter.get_status_display(),
        "population": population,
        "taille": taille_for_population(population),
        "submitted_at": letter.submitted_at,
        "decided_at": letter.decided_at,
        "cpts": cpts_ref(letter.cpts) if letter.cpts else None,
    }


def promoter_dict(promoter) -> dict:
    profession = None
    if promoter.profession:
        profession = {"code": promoter.profession, "label": promoter.get_profession_display()}
    return {
        "kind": promoter.kind,
        "kind_label": promoter.get_kind_display(),
        "name": promoter.name,
        "email": promoter.email,
        "profession": profession,
        "rpps": promoter.rpps,
        "finess": promoter.finess,
        "siret": promoter.siret,
        "identifier": promoter.identifier,
    }


def letter_detail(user, letter_id) -> dict:
    """The letter as its officers read it; the reading of the promoters' data journaled."""
    letter = (
        LetterOfIntent.objects.select_related("region", "cpts")
        .prefetch_related(
            Prefetch("communes", LetterCommune.objects.select_related("commune").order_by("commune__code")),
            "promoters",
            Prefetch("comments", LetterComment.objects.select_related("author")),
            Prefetch("events", LetterEvent.objects.select_related("by")),
        )
        .get(pk=letter_id)
    )
    communes = [row.commune for row in letter.communes.all()]
    professions = dict(Profession.choices)
    answer = letter_dict(letter)
    answer.update(
        professions=[{"code": code, "label": professions.get(code, code)} for code in letter.professions],
        needs=letter.needs,
        contact_name=letter.contact_name,
        contact_email=letter.contact_email,
        contact_phone=letter.contact_phone,
        communes=[territory_commune_dict(commune) for commune in communes],
        conflicts=[conflict_dict(found) for found in find_conflicts(communes)] if letter.is_open else [],
        promoters=[promoter_dict(promoter) for promoter in letter.promoters.all()],
        comments=[
            {
                "from_promoters": comment.from_promoters,
                "author": name_of(comment.author),
                "body": comment.body,
                "at": comment.at,
            }
            for comment in letter.comments.all()
        ],
        events=[event_dict(event) for event in letter.events.all()],
        can_decide=policies.can_decide_letter(user, letter),
    )
    journal.record(
        journal.Action.READ,
        letter,
        actor=user,
        fields=["contact_name", "contact_email", "contact_phone", "promoters"],
        note="API",
    )
    return answer


def step_dict(row) -> dict:
    return {
        "number": row.number,
        "label": row.label,
        "planned_on": row.planned_on,
        "done_on": row.done_on,
        "done": row.done,
        "decided_by": row.decided_by,
        "note": row.step.note if row.step else "",
        "documents": len(row.step.documents.all()) if row.step else 0,
    }


def grant_dict(grant) -> dict:
    payments = list(grant.payments.all())
    totals = selectors.grant_totals(grant)
    return {
        "cpts": cpts_ref(grant.cpts),
        "amount": grant.amount,
        "decided_on": grant.decided_on,
        "conditions": grant.conditions,
        "decided_by": name_of(grant.decided_by),
        "payments": [
            {"id": payment.pk, "due_on": payment.due_on, "amount": payment.amount, "paid_on": payment.paid_on}
            for payment in payments
        ],
        "paid": totals.paid,
        "spent": totals.spent,
        "left": totals.left,
    }


def spending_dict(spending) -> dict:
    return {
        "id": spending.pk,
        "spent_on": spending.spent_on,
        "category": spending.category,
        "category_label": spending.get_category_display(),
        "label": spending.label,
        "amount": spending.amount,
        "recorded_by": name_of(spending.recorded_by),
    }


def version_dict(version) -> dict:
    return {
        "number": version.number,
        "status": version.status,
        "status_label": version.get_status_display(),
        "missions": sorted(section.mission for section in version.sections.all()),
        "created_at": version.created_at,
        "submitted_at": version.submitted_at,
        "decided_at": version.decided_at,
    }


def sheet_dict(sheet) -> dict:
    return {
        "id": sheet.pk,
        **{name: getattr(sheet, name) for name in services.SHEET_FIELDS if name != "indicators"},
        "indicators": sheet.indicator_lines,
        "position": sheet.position,
        "started": sheet.started,
    }


def version_detail(user, version) -> dict:
    version = (
        ProjectVersion.objects.select_related("cpts")
        .prefetch_related(
            Prefetch("sections", MissionSection.objects.prefetch_related("sheets")),
            Prefetch("reviews", ProjectReview.objects.select_related("by")),
            Prefetch("events", ProjectEvent.objects.select_related("by")),
        )
        .get(pk=version.pk)
    )
    return {
        **version_dict(version),
        "diagnosis": version.diagnosis,
        "sections": [
            {
                "mission": section.mission,
                "mission_label": section.get_mission_display(),
                "diagnosis": section.diagnosis,
                "sheets": [sheet_dict(sheet) for sheet in section.sheets.all()],
            }
            for section in version.sections.all()
        ],
        "reviews": [
            {
                "funder": review.funder,
                "funder_label": review.get_funder_display(),
                "decision": review.decision,
                "decision_label": review.get_decision_display(),
                "comments": review.comments,
                "by": name_of(review.by),
                "at": review.at,
            }
            for review in version.reviews.all()
        ],
        "events": [event_dict(event) for event in version.events.all()],
        "submission_problems": services.submission_problems(version) if version.is_draft else [],
        "review_funder": policies.review_funder(user, version),
    }


# --- Access -------------------------------------------------------------------------------------


def readable_letter(request, letter_id) -> LetterOfIntent:
    """The letter; 404, as a missing one, unless the caller is an officer of its région."""
    return first_or_404(
        LetterOfIntent.objects.filter(pk=letter_id), LETTER_NOT_FOUND, request.auth, policies.can_see_letter
    )


def decidable_letter(request, letter_id) -> LetterOfIntent:
    letter = readable_letter(request, letter_id)
    ensure_allowed(policies.can_decide_letter(request.auth, letter), LETTER_DECIDERS_ONLY)
    return letter


def creation_of(request, cpts_id):
    """The CPTS; 404 unless the caller follows its creation (its people, the authorities and observers over it)."""
    return cpts_or_404(request, cpts_id, policies.can_see_creation)


def writable_project(request, cpts_id):
    cpts = creation_of(request, cpts_id)
    ensure_allowed(policies.can_write_project(request.auth, cpts), PROJECT_COORDINATORS_ONLY)
    return cpts


def version_of(cpts, number) -> ProjectVersion:
    return first_or_404(ProjectVersion.objects.for_cpts(cpts).filter(number=number), VERSION_NOT_FOUND)


def grant_of(request, cpts_id) -> StartupGrant:
    """The CPTS's grant; 404 when the caller may not read it, or when there is none."""
    cpts = cpts_or_404(request, cpts_id, policies.can_see_grant)
    grant = first_or_404(StartupGrant.objects.for_cpts(cpts).select_related("cpts", "decided_by"), GRANT_NOT_FOUND)
    return grant


def state_conflict(version, detail: str) -> dict:
    """The 409 of a version whose state does not allow the act: the phrase and the state."""
    label = version.get_status_display()
    return {"detail": detail.format(label=label), "status": version.status, "status_label": label}


def grant_answer(grant) -> dict:
    grant = (
        StartupGrant.objects.select_related("cpts", "decided_by")
        .prefetch_related("payments", "spendings")
        .get(pk=grant.pk)
    )
    return grant_dict(grant)


# --- Lettres d'intention ------------------------------------------------------------------------


@router.post(
    "/creation/letters",
    response={201: CreationLetterFiledOut, 415: MessageOut, 422: ValidationErrorOut, 429: MessageOut},
    auth=None,
    summary="Déposer une lettre d'intention",
)
def file_letter(request, payload: CreationLetterIn):
    """Sans compte : les porteurs (professionnels identifiés par leur RPPS et leur profession,
    structures par leur FINESS ou leur SIRET), le territoire envisagé (codes INSEE ; aucune commune
    déjà dans le territoire d'une CPTS), les professions engagées, la forme juridique, le contact.
    La lettre va aux agents de l'ARS de la région qui porte l'essentiel de la population ; le lien
    de suivi part au courriel du contact, jamais dans la réponse. Un champ refusé : 422 sur ce
    champ ; trop de dépôts depuis la même adresse dans l'heure : 429, rien n'est écrit."""
    # A cross-site form can post text/plain without asking first: only JSON, which browsers
    # send to another site after a preflight this API never grants.
    if request.content_type != "application/json":
        raise HttpError(415, JSON_ONLY)
    if not throttle.allow(request, THROTTLE_SCOPE):
        raise HttpError(429, TOO_MANY)
    data = payload.dict()
    promoters = [services.PromoterIn(**promoter) for promoter in data.pop("promoters")]
    with refusals_as_409(*CreationLetterIn.model_fields):
        letter = services.file_letter(**data, promoters=promoters)
    return Status(
        201,
        {"id": letter.pk, "status": letter.status, "status_label": letter.get_status_display(), "detail": LETTER_FILED},
    )


@router.get("/creation/letters", response=CreationLetterPageOut, summary="Lettres d'intention de ma région")
def list_letters(
    request,
    status: Annotated[
        LetterStatusCode | None, Query(description="submitted, information_requested, accepted, refused")
    ] = None,
    page: PageNumber = 1,
    page_size: PageSize = PAGE_SIZE,
):
    """Les plus récentes d'abord. Les agents de l'ARS (autorité ou observateur) de la région de la
    lettre ; les autres : 404. `status=submitted` : celles qui attendent une décision."""
    user = request.auth
    if not policies.can_see_letters(user):
        raise HttpError(404, LETTERS_NOT_FOUND)
    letters = policies.visible_letters(user).select_related("region", "cpts").order_by("-submitted_at", "-pk")
    if status:
        letters = letters.filter(status=status)
    shown, count = page_of(letters, page, page_size)
    return {"items": [letter_dict(letter) for letter in shown], "count": count}


@router.get("/creation/letters/{int:letter_id}", response=CreationLetterDetailOut, summary="Une lettre d'intention")
def get_letter(request, letter_id: int):
    """Les porteurs, le territoire envisagé (population, taille, conflits d'aujourd'hui), l'échange
    avec les porteurs et l'historique des décisions. Les agents de l'ARS de la région ; les autres :
    404. Chaque lecture est inscrite au journal."""
    letter = readable_letter(request, letter_id)
    return letter_detail(request.auth, letter.pk)


@router.post(
    "/creation/letters/{int:letter_id}/request-information",
    response={200: CreationLetterDetailOut, 409: ConflictOut},
    summary="Demander des compléments aux porteurs",
)
def request_information(request, letter_id: int, payload: CreationCommentsIn):
    """Les porteurs reçoivent `comments` avec leur lien de suivi, et répondent par lui. Une autorité
    de l'ARS de la région (un observateur : 403). Une lettre qui n'est pas « déposée » : 409."""
    letter = decidable_letter(request, letter_id)
    with refusals_as_409("comments"):
        services.request_information(letter, by=request.auth, comments=payload.comments)
    return letter_detail(request.auth, letter.pk)


@router.post(
    "/creation/letters/{int:letter_id}/accept",
    response={200: CreationLetterDetailOut, 409: ConflictOut | ConflictErrorOut | MessageOut},
    summary="Accepter une lettre d'intention (crée la CPTS)",
)
def accept_letter(request, letter_id: int, payload: CreationAcceptIn):
    """Crée la CPTS à l'étape « Lettre d'intention », avec le territoire envisagé, et invite les
    porteurs comme coordinateurs ; la réponse la nomme (`cpts`). Une commune entrée entre-temps dans
    le territoire d'une autre CPTS : 409 nommant cette CPTS (`conflicts`), rien n'est créé ; un nom
    déjà pris : 422 sur `name`. Une autorité de l'ARS de la région ; une lettre qui n'attend pas de
    décision : 409 avec son état."""
    letter = decidable_letter(request, letter_id)
    with refusals_as_409("name"):
        try:
            services.accept_letter(letter, by=request.auth, name=payload.name or None)
        except TerritoryConflictError as error:
            conflicts = [conflict_dict(found) for found in error.conflicts]
            return Status(409, {"detail": TERRITORY_TAKEN, "conflicts": conflicts})
    return letter_detail(request.auth, letter.pk)


@router.post(
    "/creation/letters/{int:letter_id}/refuse",
    response={200: CreationLetterDetailOut, 409: ConflictOut},
    summary="Refuser une lettre d'intention",
)
def refuse_letter(request, letter_id: int, payload: CreationRefuseIn):
    """`reason` est envoyé aux porteurs. Une autorité de l'ARS de la région ; une lettre déjà
    décidée : 409 avec son état."""
    letter = decidable_letter(request, letter_id)
    with refusals_as_409("reason"):
        services.refuse_letter(letter, by=request.auth, reason=payload.reason)
    return letter_detail(request.auth, letter.pk)


@router.post(
    "/creation/letters/answer",
    response={
        200: CreationAnswerOut,
        404: MessageOut,
        409: ConflictOut | MessageOut,
        415: MessageOut,
        422: ValidationErrorOut,
        429: MessageOut,
    },
    auth=None,
    summary="Répondre à l'ARS (porteurs, par le lien de suivi)",
)
def answer_letter(request, payload: CreationAnswerIn):
    """Sans compte : les porteurs répondent aux questions de l'ARS avec le jeton de leur lien de
    suivi (`token`, dans le corps, jamais dans l'adresse), et redessinent s'il le faut le territoire
    envisagé (`communes`) ou les besoins (`needs`). La lettre attend de nouveau la décision de l'ARS,
    qui est prévenue. Un jeton erroné ou remplacé : 404 ; une lettre sur laquelle l'ARS ne demande
    rien : 409 avec son état ; un champ refusé : 422 sur ce champ ; trop de réponses depuis la même
    adresse dans l'heure : 429, rien n'est écrit."""
    if request.content_type != "application/json":
        raise HttpError(415, JSON_ONLY)
    if not throttle.allow(request, ANSWER_THROTTLE_SCOPE):
        raise HttpError(429, TOO_MANY_ANSWERS)
    letter = services.letter_of_token(payload.token)
    if letter is None:
        raise HttpError(404, LINK_NOT_FOUND)
    communes = payload.communes
    if communes is not None and set(communes) == set(letter.communes.values_list("commune_id", flat=True)):
        communes = None  # the same territory: nothing redrawn
    with refusals_as_409("body", "needs", "communes"):
        letter = services.answer_letter(
            letter,
            body=payload.body,
            needs=payload.needs if payload.needs and payload.needs != letter.needs else None,
            **({"communes": communes} if communes is not None else {}),
        )
    return {"status": letter.status, "status_label": letter.get_status_display(), "detail": LETTER_ANSWERED}


# --- The 10 steps -------------------------------------------------------------------------------


@router.get("/cpts/{int:cpts_id}/creation/steps", response=CreationStepPageOut, summary="Les 10 étapes de la création")
def list_steps(request, cpts_id: int):
    """Dans l'ordre de la méthode, avec les dates prévues et faites ; les étapes 4, 9 et 10 prennent
    la date de la décision qui les coche (lettre acceptée, projet validé, ACI signé). Les personnes de
    la CPTS, les autorités et observateurs sur son territoire."""
    cpts = creation_of(request, cpts_id)
    rows = selectors.checklist(cpts)
    return {"items": [step_dict(row) for row in rows], "count": len(rows)}


@router.put("/cpts/{int:cpts_id}/creation/steps/{int:number}", response=CreationStepOut, summary="Tenir une étape")
def put_step(request, cpts_id: int, number: int, payload: CreationStepIn):
    """La date prévue, la date faite (cochée) et une note. Une étape cochée par une décision (4, 9,
    10) ne prend pas de date faite : 422 sur `done_on`. Les coordinateurs de la CPTS (les autres
    lecteurs : 403)."""
    cpts = creation_of(request, cpts_id)
    if number not in Step.values:
        raise HttpError(404, STEP_NOT_FOUND)
    ensure_allowed(policies.can_edit_steps(request.auth, cpts), STEPS_COORDINATORS_ONLY)
    services.ensure_steps(cpts)
    step = cpts.creation_steps.get(step=number)
    with refusals_as_409("planned_on", "done_on", "note"):
        services.update_step(
            step, by=request.auth, planned_on=payload.planned_on, done_on=payload.done_on, note=payload.note
        )
    return step_dict(next(row for row in selectors.checklist(cpts) if row.number == number))


# --- Start-up grant -----------------------------------------------------------------------------


@router.get("/cpts/{int:cpts_id}/creation/grant", response=CreationGrantOut, summary="La subvention de démarrage")
def get_grant(request, cpts_id: int):
    """Le montant, les conditions, les versements prévus et faits, ce qui est dépensé et ce qui
    reste. Les coordinateurs, les autorités et observateurs sur le territoire de la CPTS ; sans
    subvention enregistrée : 404."""
    return grant_answer(grant_of(request, cpts_id))


@router.put("/cpts/{int:cpts_id}/creation/grant", response=CreationGrantOut, summary="Enregistrer la subvention")
def put_grant(request, cpts_id: int, payload: CreationGrantIn):
    """La décision de l'ARS : le montant (celui de la région le plus souvent), la date, les
    conditions et les versements prévus (ils remplacent ceux qui ne sont pas versés ; leur total ne
    dépasse pas la subvention). Une autorité de l'ARS sur la CPTS (les autres lecteurs : 403)."""
    cpts = cpts_or_404(request, cpts_id, policies.can_see_grant)
    ensure_allowed(policies.can_record_grant(request.auth, cpts), GRANT_ARS_ONLY)
    with refusals_as_409(*CreationGrantIn.model_fields):
        grant = services.record_grant(
            cpts,
            by=request.auth,
            amount=payload.amount,
            decided_on=payload.decided_on,
            conditions=payload.conditions,
            payments=[(payment.due_on, payment.amount) for payment in payload.payments],
        )
    return grant_answer(grant)


@router.post(
    "/cpts/{int:cpts_id}/creation/grant/payments/{int:payment_id}/paid",
    response=CreationGrantOut,
    summary="Noter un versement fait",
)
def mark_paid(request, cpts_id: int, payment_id: int, payload: CreationPaidIn):
    """La date du versement (pas dans le futur). Une autorité de l'ARS sur la CPTS."""
    grant = grant_of(request, cpts_id)
    ensure_allowed(policies.can_record_grant(request.auth, grant.cpts), GRANT_ARS_ONLY)
    payment = first_or_404(GrantPayment.objects.filter(grant=grant, pk=payment_id), PAYMENT_NOT_FOUND)
    with refusals_as_409("paid_on"):
        services.mark_paid(payment, by=request.auth, paid_on=payload.paid_on)
    return grant_answer(grant)


@router.get(
    "/cpts/{int:cpts_id}/creation/grant/spendings",
    response=CreationSpendingPageOut,
    summary="Les dépenses de la subvention",
)
def list_spendings(request, cpts_id: int, page: PageNumber = 1, page_size: PageSize = PAGE_SIZE):
    """Par date. Qui lit la subvention."""
    grant = grant_of(request, cpts_id)
    spendings = grant.spendings.select_related("recorded_by").order_by("spent_on", "pk")
    shown, count = page_of(spendings, page, page_size)
    return {"items": [spending_dict(spending) for spending in shown], "count": count}


@router.post(
    "/cpts/{int:cpts_id}/creation/grant/spendings",
    response={201: CreationSpendingOut},
    summary="Saisir une dépense de la subvention",
)
def create_spending(request, cpts_id: int, payload: CreationSpendingIn):
    """Une ligne de ce que la subvention a payé ; leur total ne dépasse pas la subvention (422 sur
    `amount`). Les coordinateurs de la CPTS (les autres lecteurs : 403)."""
    grant = grant_of(request, cpts_id)
    ensure_allowed(policies.can_record_spending(request.auth, grant.cpts), SPENDING_COORDINATORS_ONLY)
    with refusals_as_409(*CreationSpendingIn.model_fields):
        spending = services.record_spending(grant, by=request.auth, **payload.dict())
    return Status(201, spending_dict(spending))


@router.delete(
    "/cpts/{int:cpts_id}/creation/grant/spendings/{int:spending_id}",
    response={204: None},
    summary="Supprimer une dépense de la subvention",
)
def delete_spending(request, cpts_id: int, spending_id: int):
    """Les coordinateurs de la CPTS."""
    grant = grant_of(request, cpts_id)
    ensure_allowed(policies.can_record_spending(request.auth, grant.cpts), SPENDING_COORDINATORS_ONLY)
    spending = first_or_404(GrantSpending.objects.filter(grant=grant, pk=spending_id), SPENDING_NOT_FOUND)
    with refusals_as_409():
        services.delete_spending(spending, by=request.auth)
    return Status(204, None)


# --- Projet de santé ----------------------------------------------------------------------------


@router.get(
    "/cpts/{int:cpts_id}/health-project/versions",
    response=CreationVersionPageOut,
    summary="Les versions du projet de santé",
)
def list_versions(request, cpts_id: int, page: PageNumber = 1, page_size: PageSize = PAGE_SIZE):
    """La plus récente d'abord. Les personnes de la CPTS, les autorités et observateurs sur son
    territoire."""
    cpts = creation_of(request, cpts_id)
    versions = ProjectVersion.objects.for_cpts(cpts).prefetch_related("sections").order_by("-number")
    shown, count = page_of(versions, page, page_size)
    return {"items": [version_dict(version) for version in shown], "count": count}


@router.post(
    "/cpts/{int:cpts_id}/health-project/versions",
    response={201: CreationVersionDetailOut},
    summary="Commencer une version du projet de santé",
)
def start_version(request, cpts_id: int):
    """Un brouillon : vide pour la première, copie de la dernière version (renvoyée ou validée)
    ensuite. Une version déjà en rédaction ou en examen : 409. Les coordinateurs de la CPTS."""
    cpts = writable_project(request, cpts_id)
    with refusals_as_409():
        version = services.start_version(cpts, by=request.auth)
    return Status(201, version_detail(request.auth, version))


@router.get(
    "/cpts/{int:cpts_id}/health-project/versions/{int:number}",
    response=CreationVersionDetailOut,
    summary="Une version du projet de santé",
)
def get_version(request, cpts_id: int, number: int):
    """Le diagnostic, les missions avec leurs fiches-actions, les décisions de l'ARS et de
    l'Assurance Maladie, l'historique ; pour un brouillon, ce qui empêche encore de le déposer."""
    cpts = creation_of(request, cpts_id)
    return version_detail(request.auth, version_of(cpts, number))


@router.put(
    "/cpts/{int:cpts_id}/health-project/versions/{int:number}/diagnosis",
    response=CreationVersionDetailOut,
    summary="Écrire le diagnostic et choisir les missions",
)
def put_diagnosis(request, cpts_id: int, number: int, payload: CreationDiagnosisIn):
    """La synthèse du diagnostic territorial et les missions choisies (les missions socle le sont
    toujours ; une mission retirée ne doit plus avoir de fiche-action : 422 sur `missions`). Un
    brouillon seulement (sinon 409). Les coordinateurs de la CPTS."""
    cpts = writable_project(request, cpts_id)
    version = version_of(cpts, number)
    with refusals_as_409("diagnosis", "missions"):
        services.save_diagnosis(version, by=request.auth, diagnosis=payload.diagnosis, missions=payload.missions)
    return version_detail(request.auth, version)


def section_of(version, mission) -> MissionSection:
    return first_or_404(version.sections.filter(mission=mission), SECTION_NOT_FOUND)


@router.put(
    "/cpts/{int:cpts_id}/health-project/versions/{int:number}/missions/{int:mission}",
    response=CreationVersionDetailOut,
    summary="Écrire le diagnostic d'une mission",
)
def put_section(request, cpts_id: int, number: int, mission: int, payload: CreationSectionIn):
    """Ce que le diagnostic a trouvé pour cette mission. Un brouillon seulement ; une mission que la
    version n'a pas choisie : 404. Les coordinateurs de la CPTS."""
    cpts = writable_project(request, cpts_id)
    version = version_of(cpts, number)
    section = section_of(version, mission)
    with refusals_as_409("diagnosis"):
        services.save_section(section, by=request.auth, diagnosis=payload.diagnosis)
    return version_detail(request.auth, version)


@router.post(
    "/cpts/{int:cpts_id}/health-project/versions/{int:number}/missions/{int:mission}/sheets",
    response={201: CreationSheetOut},
    summary="Ajouter une fiche-action",
)
def create_sheet(request, cpts_id: int, number: int, mission: int, payload: CreationSheetIn):
    """Une fiche-action de la mission : besoin, objectif, population cible, actions, pilote,
    partenaires, calendrier, budget, indicateurs. Un brouillon seulement (sinon 409) ; une mission
    que la version n'a pas choisie : 404. Les coordinateurs de la CPTS."""
    cpts = writable_project(request, cpts_id)
    section = section_of(version_of(cpts, number), mission)
    with refusals_as_409(*CreationSheetIn.model_fields):
        sheet = services.save_sheet(section, by=request.auth, **payload.dict())
    return Status(201, sheet_dict(sheet))


def sheet_of(cpts, sheet_id) -> ActionSheet:
    sheets = ActionSheet.objects.select_related("section__version").filter(section__version__cpts=cpts, pk=sheet_id)
    return first_or_404(sheets, SHEET_NOT_FOUND)


@router.put(
    "/cpts/{int:cpts_id}/health-project/sheets/{int:sheet_id}",
    response=CreationSheetOut,
    summary="Modifier une fiche-action",
)
def put_sheet(request, cpts_id: int, sheet_id: int, payload: CreationSheetIn):
    """Tous ses champs sont remplacés. D'un brouillon seulement (sinon 409). Les coordinateurs de
    la CPTS."""
    cpts = writable_project(request, cpts_id)
    sheet = sheet_of(cpts, sheet_id)
    with refusals_as_409(*CreationSheetIn.model_fields):
        sheet = services.save_sheet(sheet.section, by=request.auth, sheet=sheet, **payload.dict())
    return sheet_dict(sheet)


@router.delete(
    "/cpts/{int:cpts_id}/health-project/sheets/{int:sheet_id}",
    response={204: None},
    summary="Supprimer une fiche-action",
)
def delete_sheet(request, cpts_id: int, sheet_id: int):
    """D'un brouillon seulement (sinon 409). Les coordinateurs de la CPTS."""
    cpts = writable_project(request, cpts_id)
    sheet = sheet_of(cpts, sheet_id)
    with refusals_as_409():
        services.delete_sheet(sheet, by=request.auth)
    return Status(204, None)


@router.post(
    "/cpts/{int:cpts_id}/health-project/versions/{int:number}/submit",
    response={200: CreationVersionDetailOut, 409: ConflictOut},
    summary="Déposer le projet de santé auprès de l'ARS et de l'Assurance Maladie",
)
def submit_version(request, cpts_id: int, number: int):
    """Le brouillon est figé et envoyé aux deux organismes ; la CPTS passe à « Projet de santé
    déposé ». Incomplet : 422, un élément par problème, à `["body", "payload",
    "submission_problems"]` ; une version qui n'est pas un brouillon : 409 avec son état. Les
    coordinateurs de la CPTS."""
    cpts = writable_project(request, cpts_id)
    version = version_of(cpts, number)
    try:
        services.submit_project(version, by=request.auth)
    except TransitionNotAllowed:
        raise
    except DjangoValidationError as error:
        problems = getattr(error, "error_dict", {}).get("status")
        if problems is None:
            raise conflict(error) from error
        raise InvalidField(fields={"submission_problems": error.message_dict["status"]}) from error
    return version_detail(request.auth, version)


@router.post(
    "/cpts/{int:cpts_id}/health-project/versions/{int:number}/reviews",
    response={201: CreationVersionDetailOut, 409: ConflictOut},
    summary="Valider ou renvoyer une version déposée (ARS, Assurance Maladie)",
)
def review_version(request, cpts_id: int, number: int, payload: CreationReviewIn):
    """La décision de votre organisme (l'ARS ou l'Assurance Maladie, selon votre rôle d'autorité
    sur la CPTS), une fois par version : `validated`, ou `returned` avec des remarques (422 sur
    `comments` sans elles). Renvoyée par l'un : la version est close, la suivante part d'elle.
    Validée par les deux : la CPTS passe à « Projet de santé validé ». Une version qui n'est pas
    déposée, ou déjà décidée par votre organisme : 409 avec son état. Une personne qui n'est
    l'autorité d'aucun des deux organismes sur la CPTS : 403."""
    cpts = creation_of(request, cpts_id)
    version = version_of(cpts, number)
    funder = policies.review_funder(request.auth, version)
    if funder is None:
        ensure_allowed(bool(policies.funders_over(request.auth, cpts)), REVIEW_FUNDERS_ONLY)
        detail = NOT_TO_REVIEW if version.status != ProjectStatus.SUBMITTED else ALREADY_REVIEWED
        return Status(409, state_conflict(version, detail))
    with refusals_as_409("decision", "comments"):
        services.review_project(
            version, by=request.auth, funder=funder, decision=payload.decision, comments=payload.comments
        )
    return Status(201, version_detail(request.auth, version))


@router.post(
    "/cpts/{int:cpts_id}/health-project/sheets/{int:sheet_id}/start",
    response={201: CreationStartedOut, 409: ConflictOut, 422: ValidationErrorOut},
    summary="Démarrer l'objet d'une fiche-action",
)
def start_sheet(request, cpts_id: int, sheet_id: int, payload: CreationStartIn):
    """Crée l'objet de mission que décrit une fiche-action (`kind` : un de ceux de sa mission) et
    le nomme dans la réponse (`kind`, `id`, `path` : sa page). Les coordinateurs de la CPTS (les
    autres lecteurs : 403), sur une fiche de la dernière version validée : une version qui n'est
    pas validée, 409 avec son état ; un objet qui n'est pas de la mission, une fiche déjà démarrée
    ou d'une version remplacée : 422 sur `kind`."""
    cpts = creation_of(request, cpts_id)
    sheet = sheet_of(cpts, sheet_id)
    version = sheet.section.version
    if not policies.can_start_from_sheet(request.auth, version):
        ensure_allowed(policies.can_write_project(request.auth, cpts), SHEET_STARTERS_ONLY)
        return Status(409, state_conflict(version, NOT_VALIDATED))
    with refusals_as_409("kind"):
        obj = registry.start_from_sheet(sheet, payload.kind, by=request.auth)
    starter = registry.starter(payload.kind)
    return Status(201, {"kind": payload.kind, "id": obj.pk, "path": starter.path(obj)})


@router.post(
    "/cpts/{int:cpts_id}/health-project/negotiation",
    response=CreationCptsStatusOut,
    summary="Ouvrir la négociation de l'ACI",
)
def open_negotiation(request, cpts_id: int):
    """Une fois le projet de santé validé par les deux organismes (sinon 409), la CPTS passe à « En
    négociation ». Une autorité de l'ARS ou de l'Assurance Maladie sur la CPTS (les autres : 403)."""
    cpts = creation_of(request, cpts_id)
    ensure_allowed(policies.can_open_negotiation(request.auth, cpts), NEGOTIATION_FUNDERS_ONLY)
    with refusals_as_409():
        services.open_negotiation(cpts, by=request.auth)
    cpts.refresh_from_db(fields=["status"])
    return {**cpts_ref(cpts), "status": cpts.status, "status_label": cpts.get_status_display()}
