"""Writes of the creation of a CPTS: letters and their decisions, the checklist, the start-up
grant, the projet de santé. Each in one transaction; a refusal is a ValidationError in French
naming its field, and changes nothing."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.text import slugify

from maillon.core import journal
from maillon.core.missions import SOCLE, Mission
from maillon.core.models import Cpts, CptsRoleKind, CptsStatus, LegalForm
from maillon.core.notifications.sending import on_commit
from maillon.core.services import check_address, create_cpts, invite
from maillon.members.professions import Profession
from maillon.territories.services import communes_by_code, find_conflicts, lock, set_territory, today

from . import notifications
from .models import (
    DECIDED_STEPS,
    WORKING_PROJECT_STATUSES,
    ActionSheet,
    CreationStep,
    Funder,
    GrantPayment,
    GrantSpending,
    LetterComment,
    LetterCommune,
    LetterOfIntent,
    MissionSection,
    ProjectReview,
    ProjectStatus,
    ProjectVersion,
    Promoter,
    PromoterKind,
    ReviewDecision,
    StartupGrant,
    Step,
    StepDocument,
)

LINK_SALT = "maillon.creation.letter"


# --- Lettres d'intention -----------------------------------------------------------------------


def follow_token(letter) -> str:
    """The promoters' private link to their letter: signed, valid as long as its nonce is."""
    return signing.dumps({"letter": letter.pk, "nonce": letter.link_nonce}, salt=LINK_SALT, compress=True)


def letter_of_token(token: str):
    """The letter a follow-up link opens, or None (wrong, forged or retired link)."""
    try:
        data = signing.loads(token, salt=LINK_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    letter = LetterOfIntent.objects.filter(pk=data.get("letter")).first()
    if letter is None or letter.link_nonce != data.get("nonce"):
        return None
    if letter.decided_at is not None:
        # Decided: the link still tells the outcome for a while, then opens nothing (the promoters'
        # names and numbers stay with the ARS; an accepted CPTS has its own space).
        ends = letter.decided_at + datetime.timedelta(days=settings.MAILLON_LETTER_LINK_DAYS_AFTER_DECISION)
        if timezone.now() >= ends:
            return None
    return letter


@dataclass(frozen=True)
class PromoterIn:
    kind: str
    name: str
    email: str
    profession: str = ""
    rpps: str = ""
    finess: str = ""
    siret: str = ""


def _clean_promoters(promoters) -> list[Promoter]:
    if not promoters:
        raise ValidationError({"promoters": "Porteurs : indiquez au moins un porteur du projet."})
    if len(promoters) > settings.MAILLON_LETTER_MAX_PROMOTERS:
        raise ValidationError(
            {"promoters": f"Porteurs : {settings.MAILLON_LETTER_MAX_PROMOTERS} porteurs au plus par lettre."}
        )
    rows = []
    for index, given in enumerate(promoters, start=1):
        promoter = Promoter(
            kind=given.kind,
            name=(given.name or "").strip(),
            email=(given.email or "").strip().lower(),
            profession=given.profession or "",
            rpps=(given.rpps or "").strip(),
            finess=(given.finess or "").strip().upper(),
            siret=(given.siret or "").replace(" ", ""),
            position=index,
        )
        # Said in words before the fields are checked (the check constraint would say its name).
        if promoter.kind == PromoterKind.PROFESSIONAL and not (promoter.rpps and promoter.profession):
            raise ValidationError(
                {"promoters": f"Porteur n° {index} — un professionnel s'identifie par son RPPS et sa profession."}
            )
        if promoter.kind == PromoterKind.STRUCTURE and not (promoter.finess or promoter.siret):
            raise ValidationError(
                {"promoters": f"Porteur n° {index} — une structure s'identifie par son FINESS ou son SIRET."}
            )
        try:
            promoter.full_clean(exclude=["letter"], validate_constraints=False)
        except ValidationError as error:
            messages = [f"{label} : {text}" for label, texts in _labelled(promoter, error) for text in texts]
            raise ValidationError({"promoters": [f"Porteur n° {index} — {message}" for message in messages]}) from None
        rows.append(promoter)
    return rows


def _labelled(instance, error):
    for name, texts in error.message_dict.items():
        label = str(instance._meta.get_field(name).verbose_name if name != "__all__" else "Porteur")
        yield label[:1].upper() + label[1:], texts  # « RPPS », not « Rpps »


def _clean_territory(codes):
    """The draft territory's communes: known, not too many, none in a CPTS's territory now."""
    codes = [str(code).strip().upper() for code in codes or [] if str(code).strip()]
    if not codes:
        raise ValidationError({"communes": "Territoire envisagé : choisissez au moins une commune."})
    if len(set(codes)) > settings.MAILLON_LETTER_MAX_COMMUNES:
        raise ValidationError(
            {"communes": f"Territoire envisagé : {settings.MAILLON_LETTER_MAX_COMMUNES} communes au plus."}
        )
    try:
        communes = list(communes_by_code(codes).values())
    except ValidationError as error:
        raise ValidationError({"communes": f"Territoire envisagé : {error.messages[0]}"}) from None
    conflicts = find_conflicts(communes)
    if conflicts:
        raise ValidationError({"communes": [f"Territoire envisagé : {conflict.message}" for conflict in conflicts]})
    return sorted(communes, key=lambda commune: commune.code)


def region_of(communes):
    """The région holding most of the draft territory's population (a territory may cross a border)."""
    by_region: dict[str, int] = {}
    for commune in communes:
        region = commune.departement.region_id
        by_region[region] = by_region.get(region, 0) + commune.population + 1
    return max(sorted(by_region), key=lambda code: by_region[code])


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"project_name": "Nom envisagé de la CPTS : ce champ est obligatoire."})
    if Cpts.objects.filter(name__iexact=name).exists():
        raise ValidationError({"project_name": "Nom envisagé de la CPTS : une CPTS porte déjà ce nom ; précisez-le."})
    try:
        check_address(slugify(name)[:80])
    except ValidationError as error:
        raise ValidationError(
            {"project_name": error.message_dict["name"][0].replace("Nom de la CPTS", "Nom envisagé de la CPTS")}
        ) from None
    return name


def _clean_professions(professions) -> list[str]:
    known = set(Profession.values)
    chosen = [code for code in dict.fromkeys(professions or []) if code]
    unknown = [code for code in chosen if code not in known]
    if unknown:
        raise ValidationError({"professions": "Professions engagées : choisissez dans la liste."})
    if not chosen:
        raise ValidationError({"professions": "Professions engagées : cochez au moins une profession."})
    return chosen


@transaction.atomic
def file_letter(
    *,
    project_name,
    legal_form,
    professions,
    needs,
    contact_name,
    contact_email,
    contact_phone="",
    communes,
    promoters,
) -> LetterOfIntent:
    """A lettre d'intention filed by its promoters; the ARS of its région is told, and the contact
    receives the private follow-up link."""
    if legal_form not in LegalForm.values:
        raise ValidationError({"legal_form": "Forme juridique envisagée : choisissez dans la liste."})
    territory = _clean_territory(communes)
    rows = _clean_promoters(promoters)
    letter = LetterOfIntent(
        project_name=_check_name(project_name),
        legal_form=legal_form,
        professions=_clean_professions(professions),
        needs=(needs or "").strip(),
        contact_name=(contact_name or "").strip(),
        contact_email=(contact_email or "").strip().lower(),
        contact_phone=(contact_phone or "").strip(),
        population=sum(commune.population for commune in territory),
        region_id=region_of(territory),
        link_nonce=get_random_string(32),
    )
    letter.full_clean()
    letter.save()
    LetterCommune.objects.bulk_create(LetterCommune(letter=letter, commune=commune) for commune in territory)
    for promoter in rows:
        promoter.letter = letter
        promoter.save()
    letter.workflow.start(letter, by=None, note="dépôt")
    on_commit(notifications.send_letter_filed, letter.pk)
    return letter


def _locked(letter) -> LetterOfIntent:
    return LetterOfIntent.objects.select_for_update().get(pk=letter.pk)


def _comment(letter, body, *, by=None, from_promoters=False, field="comments"):
    body = (body or "").strip()
    if not body:
        label = "Votre réponse" if from_promoters else "Message aux porteurs"
        raise ValidationError({field: f"{label} : ce champ est obligatoire."})
    if len(body) > 5000:
        raise ValidationError({field: "Message : 5 000 caractères au plus."})
    return LetterComment.objects.create(letter=letter, body=body, author=by, from_promoters=from_promoters)


@transaction.atomic
def request_information(letter, *, by, comments) -> LetterOfIntent:
    """The ARS asks the promoters for more; they are told with their link."""
    letter = _locked(letter)
    letter.workflow.check(letter, "request_information")
    _comment(letter, comments, by=by)
    letter.workflow.run(letter, "request_information", by=by)
    on_commit(notifications.send_letter_question, letter.pk)
    return letter


@transaction.atomic
def answer_letter(letter, *, body, communes=None, needs=None) -> LetterOfIntent:
    """The promoters answer through their link, possibly with a redrawn territory or needs; the
    letter waits for the ARS again."""
    letter = _locked(letter)
    letter.workflow.check(letter, "answer")
    _comment(letter, body, from_promoters=True, field="body")
    changes = {}
    if communes is not None:
        territory = _clean_territory(communes)
        letter.communes.all().delete()
        LetterCommune.objects.bulk_create(LetterCommune(letter=letter, commune=commune) for commune in territory)
        changes["population"] = sum(commune.population for commune in territory)
        # A redrawn territory may now lie mostly in another région: its ARS decides.
        changes["region_id"] = region_of(territory)
    if needs is not None and needs.strip():
        changes["needs"] = needs.strip()[:5000]
    letter.workflow.run(letter, "answer", by=None, changes=changes, note="réponse des porteurs")
    on_commit(notifications.send_letter_answered, letter.pk)
    return letter


@transaction.atomic
def refuse_letter(letter, *, by, reason) -> LetterOfIntent:
    letter = _locked(letter)
    letter.workflow.check(letter, "refuse")
    _comment(letter, reason, by=by, field="reason")
    letter.workflow.run(letter, "refuse", by=by, changes={"decided_at": timezone.now()})
    on_commit(notifications.send_letter_decided, letter.pk)
    return letter


@transaction.atomic
def accept_letter(letter, *, by, name=None) -> LetterOfIntent:
    """The CPTS is created at the step « Lettre d'intention » (today, recorded by the officer) with
    the draft territory, its first checklist steps ticked, and the promoters invited as its
    coordinators. A commune taken by another CPTS since the filing refuses it all, naming it."""
    letter = _locked(letter)
    letter.workflow.check(letter, "accept")
    name = (name or letter.project_name).strip()
    try:
        # No public e-mail yet: the contact's address was given for the follow-up link only; the
        # coordinators publish the CPTS's own contact once they are in.
        with transaction.atomic():
            cpts = create_cpts(by=by, name=name, legal_form=letter.legal_form)
    except ValidationError as error:
        raise ValidationError({"name": error.messages}) from None
    except IntegrityError:  # the same name accepted at the same moment for another letter
        raise ValidationError({"name": "Nom de la CPTS : une CPTS porte déjà ce nom ; précisez-le."}) from None
    codes = list(letter.communes.values_list("commune_id", flat=True))
    set_territory(cpts, codes, on=today(), by=by)  # TerritoryConflictError names the other CPTS
    filed_on = timezone.localdate(letter.submitted_at)
    for step in (Step.PROMOTERS, Step.TERRITORY, Step.FIRST_NEEDS):
        CreationStep.objects.create(cpts=cpts, step=step, done_on=filed_on, note="Lettre d'intention")
    ensure_steps(cpts)
    invited = set()
    for promoter in letter.promoters.all():
        if promoter.email in invited:
            continue  # one address, one invitation
        invited.add(promoter.email)
        try:
            invite(cpts, email=promoter.email, role=CptsRoleKind.COORDINATOR, by=by)
        except ValidationError as error:  # a deactivated account: say whose, change nothing
            message = " ".join(error.messages)
            raise ValidationError({"promoters": f"{promoter} ({promoter.email}) : {message}"}) from None
    letter.workflow.run(letter, "accept", by=by, changes={"cpts": cpts, "decided_at": timezone.now()})
    on_commit(notifications.send_letter_decided, letter.pk)
    return letter


# --- The 10 steps ------------------------------------------------------------------------------

# A step a decision proves: the lifecycle status whose recorded date ticks it.
STEP_STATUS = {
    Step.LETTER: CptsStatus.LETTER_OF_INTENT,
    Step.VALIDATION: CptsStatus.PROJECT_VALIDATED,
    Step.ACI: CptsStatus.ACI_SIGNED,
}
assert set(STEP_STATUS) == set(DECIDED_STEPS)


def ensure_steps(cpts) -> None:
    """The ten rows of the checklist (the missing ones created)."""
    have = set(CreationStep.objects.for_cpts(cpts).values_list("step", flat=True))
    CreationStep.objects.bulk_create(
        [CreationStep(cpts=cpts, step=step) for step in Step.values if step not in have], ignore_conflicts=True
    )


@transaction.atomic
def update_step(step, *, by, planned_on=None, done_on=None, note="") -> CreationStep:
    """Plan a step, tick it done with its date, or write a note. A step a decision proves takes
    its date from that decision: only its plan and note are written here."""
    step = CreationStep.objects.select_for_update().get(pk=step.pk)
    if done_on is not None and done_on > today():
        raise ValidationError({"done_on": "Faite le : la date ne peut pas être dans le futur."})
    if step.is_decided and done_on is not None:
        raise ValidationError({"done_on": f"Faite le : cette étape est cochée par {step.decided_by}."})
    step.planned_on = planned_on
    if not step.is_decided:
        step.done_on = done_on
    step.note = (note or "").strip()[:500]
    with journal.acting_as(by):
        step.save()
    return step


@transaction.atomic
def add_step_document(step, *, by, title, file) -> StepDocument:
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "Titre : ce champ est obligatoire."})
    document = StepDocument(step=step, title=title[:200], file=file, uploaded_by=by)
    document.full_clean(exclude=["uploaded_by"])
    with journal.acting_as(by):
        document.save()
    return document


@transaction.atomic
def delete_step_document(document, *, by) -> None:
    stored = document.file
    with journal.acting_as(by):
        document.delete()
    transaction.on_commit(lambda: stored.storage.delete(stored.name))


# --- Start-up grant ----------------------------------------------------------------------------


def grant_amount_for(region_code: str | None) -> Decimal | None:
    """The region's start-up grant from the setting (None where the setting is silent)."""
    amount = settings.MAILLON_STARTUP_GRANT_BY_REGION.get(region_code or "")
    return Decimal(amount) if amount else None


def _positive(amount, field, label) -> Decimal:
    if amount is None or Decimal(amount) <= 0:
        raise ValidationError({field: f"{label} : indiquez un montant supérieur à zéro."})
    return Decimal(amount).quantize(Decimal("0.01"))


@transaction.atomic
def record_grant(cpts, *, by, amount, decided_on, conditions="", payments=()) -> StartupGrant:
    """The ARS's decision: the amount, its conditions and its payment dates (replacing the payments
    not yet paid). The payments never exceed the grant."""
    lock(cpts)  # one grant per CPTS, even when racing
    amount = _positive(amount, "amount", "Montant")
    if decided_on is None or decided_on > today():
        raise ValidationError({"decided_on": "Décidée le : indiquez une date qui n'est pas dans le futur."})
    grant = StartupGrant.objects.select_for_update().filter(cpts=cpts).first() or StartupGrant(cpts=cpts)
    grant.amount, grant.decided_on, grant.conditions = amount, decided_on, (conditions or "").strip()
    grant.decided_by = grant.decided_by or by
    grant.full_clean(exclude=["cpts", "decided_by"])
    with journal.acting_as(by):
        grant.save()
        paid = list(grant.payments.exclude(paid_on=None))
        grant.payments.filter(paid_on=None).delete()
        planned = [(due_on, _positive(value, "payments", "Versements")) for due_on, value in payments]
        total = sum((payment.amount for payment in paid), Decimal(0)) + sum((value for _, value in planned), Decimal(0))
        if total > amount:
            raise ValidationError(
                {"payments": f"Versements : leur total ({total} €) dépasse la subvention ({amount} €)."}
            )
        spent = grant.spendings.aggregate(total=Sum("amount"))["total"] or Decimal(0)
        if spent > amount:
            raise ValidationError({"amount": f"Montant : les dépenses déjà saisies ({spent} €) le dépassent."})
        for due_on, value in planned:
            if due_on is None:
                raise ValidationError({"payments": "Versements : indiquez la date de chaque versement."})
            payment = GrantPayment(grant=grant, due_on=due_on, amount=value)
            _clean_payment(payment)
            payment.save()
    return grant


def _clean_payment(payment):
    """The payment's own checks (the digits of its amount…), said under « Versements »."""
    try:
        payment.full_clean(exclude=["grant"])
    except ValidationError as error:
        raise ValidationError({"payments": [f"Versements : {message}" for message in error.messages]}) from None


@transaction.atomic
def mark_paid(payment, *, by, paid_on) -> GrantPayment:
    grant = StartupGrant.objects.select_for_update().get(pk=payment.grant_id)  # as record_grant
    payment = GrantPayment.objects.get(pk=payment.pk)
    if payment.paid_on is not None:
        raise ValidationError({"paid_on": f"Versée le : ce versement est déjà versé, le {payment.paid_on:%d/%m/%Y}."})
    if paid_on is None or paid_on > today():
        raise ValidationError({"paid_on": "Versée le : indiquez une date qui n'est pas dans le futur."})
    if paid_on < grant.decided_on:
        raise ValidationError(
            {"paid_on": f"Versée le : la date précède la décision de la subvention ({grant.decided_on:%d/%m/%Y})."}
        )
    payment.paid_on = paid_on
    with journal.acting_as(by):
        payment.save()
    return payment


@transaction.atomic
def record_spending(grant, *, by, spent_on, category, label, amount) -> GrantSpending:
    """A line of what the grant paid for; the lines never add up to more than the grant."""
    grant = StartupGrant.objects.select_for_update().get(pk=grant.pk)
    spending = GrantSpending(
        grant=grant,
        spent_on=spent_on,
        category=category,
        label=(label or "").strip(),
        amount=_positive(amount, "amount", "Montant"),
        recorded_by=by,
    )
    spending.full_clean(exclude=["grant", "recorded_by"])
    if spent_on > today():
        raise ValidationError({"spent_on": "Date : elle ne peut pas être dans le futur."})
    spent = grant.spendings.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    if spent + spending.amount > grant.amount:
        left = grant.amount - spent
        raise ValidationError({"amount": f"Montant : il dépasse ce qui reste de la subvention ({left} €)."})
    with journal.acting_as(by):
        spending.save()
    return spending


@transaction.atomic
def delete_spending(spending, *, by) -> None:
    with journal.acting_as(by):
        spending.delete()


# --- Projet de santé ---------------------------------------------------------------------------


def working_version(cpts):
    """The version being written or examined, if any."""
    return ProjectVersion.objects.for_cpts(cpts).filter(status__in=WORKING_PROJECT_STATUSES).first()


def latest_version(cpts):
    return ProjectVersion.objects.for_cpts(cpts).order_by("-number").first()


def validated_version(cpts):
    return ProjectVersion.objects.for_cpts(cpts).filter(status=ProjectStatus.VALIDATED).order_by("-number").first()


SHEET_FIELDS = (
    "title",
    "need",
    "objective",
    "target_population",
    "actions",
    "owner",
    "partners",
    "calendar",
    "budget",
    "indicators",
)


@transaction.atomic
def start_version(cpts, *, by) -> ProjectVersion:
    """A new draft: the first one empty, the next one a copy of the latest version (returned or
    validated) — its missions, diagnosis and fiches-actions."""
    lock(cpts)
    if working_version(cpts) is not None:
        raise ValidationError("Une version du projet de santé est déjà en rédaction ou en examen.")
    previous = latest_version(cpts)
    with journal.acting_as(by):
        try:
            version = ProjectVersion.objects.create(
                cpts=cpts,
                number=(previous.number + 1) if previous else 1,
                diagnosis=previous.diagnosis if previous else "",
            )
        except IntegrityError as error:  # a concurrent start lost the race
            raise ValidationError("Une version du projet de santé est déjà en rédaction ou en examen.") from error
        version.workflow.start(version, by=by)
        if previous is not None:
            for section in previous.sections.prefetch_related("sheets"):
                copy = MissionSection.objects.create(
                    version=version, mission=section.mission, diagnosis=section.diagnosis
                )
                for sheet in section.sheets.all():
                    ActionSheet.objects.create(
                        section=copy,
                        position=sheet.position,
                        started=sheet.started,
                        source=sheet,
                        **{name: getattr(sheet, name) for name in SHEET_FIELDS},
                    )
    return version


def _check_draft(version):
    if not version.is_draft:
        raise ValidationError(f"{version} est « {version.get_status_display()} » : il ne se modifie plus.")


@transaction.atomic
def save_diagnosis(version, *, by, diagnosis, missions) -> ProjectVersion:
    """The general diagnosis and the missions taken on (the socle ones always are)."""
    version = ProjectVersion.objects.select_for_update().get(pk=version.pk)
    _check_draft(version)
    try:
        chosen = sorted({int(mission) for mission in missions} | set(SOCLE))
    except (TypeError, ValueError):
        raise ValidationError({"missions": "Missions : choisissez parmi les missions 1 à 6."}) from None
    if any(mission not in Mission.values for mission in chosen):
        raise ValidationError({"missions": "Missions : choisissez parmi les missions 1 à 6."})
    version.diagnosis = (diagnosis or "").strip()
    with journal.acting_as(by):
        version.full_clean(exclude=["cpts"])
        version.save()
        have = {section.mission: section for section in version.sections.all()}
        for mission in chosen:
            if mission not in have:
                MissionSection.objects.create(version=version, mission=mission)
        for mission, section in have.items():
            if mission not in chosen:
                if section.sheets.exists():
                    label = Mission(mission).label
                    raise ValidationError(
                        {"missions": f"Missions : la mission {label} a des fiches-actions ; supprimez-les d'abord."}
                    )
                section.delete()
    return version


@transaction.atomic
def save_section(section, *, by, diagnosis) -> MissionSection:
    _check_draft(ProjectVersion.objects.select_for_update().get(pk=section.version_id))
    section.diagnosis = (diagnosis or "").strip()
    with journal.acting_as(by):
        section.full_clean(exclude=["version"])
        section.save()
    return section


@transaction.atomic
def save_sheet(section, *, by, sheet=None, **fields) -> ActionSheet:
    """Create or change a fiche-action of a draft."""
    _check_draft(ProjectVersion.objects.select_for_update().get(pk=section.version_id))
    if sheet is None:
        sheet = ActionSheet(section=section, position=section.sheets.count() + 1)
    elif sheet.section_id != section.pk:
        raise ValidationError("Cette fiche-action n'appartient pas à cette mission.")
    for name in SHEET_FIELDS:
        if name in fields:
            value = fields[name]
            setattr(sheet, name, value.strip() if isinstance(value, str) else value)
    sheet.full_clean(exclude=["section", "started"])
    with journal.acting_as(by):
        sheet.save()
    return sheet


@transaction.atomic
def delete_sheet(sheet, *, by) -> None:
    _check_draft(ProjectVersion.objects.select_for_update().get(pk=sheet.section.version_id))
    with journal.acting_as(by):
        sheet.delete()


def submission_problems(version) -> list[str]:
    """What keeps a draft from being submitted, in French (empty: ready)."""
    problems = []
    if not version.diagnosis.strip():
        problems.append("La synthèse du diagnostic territorial est vide.")
    counts = dict(version.sections.annotate(count=Count("sheets")).values_list("mission", "count"))
    for mission in SOCLE:
        if not counts.get(mission):
            problems.append(f"La mission {Mission(mission).label} n'a aucune fiche-action (mission socle).")
    for mission, count in sorted(counts.items()):
        if mission not in SOCLE and not count:
            problems.append(f"La mission {Mission(mission).label} est choisie sans fiche-action.")
    return problems


@transaction.atomic
def submit_project(version, *, by) -> ProjectVersion:
    """Submitted to the ARS and the Assurance Maladie; the CPTS moves to « Projet de santé déposé »."""
    version = ProjectVersion.objects.select_for_update().get(pk=version.pk)
    version.workflow.check(version, "submit")
    problems = submission_problems(version)
    if problems:
        raise ValidationError({"status": problems})
    version.workflow.run(version, "submit", by=by, changes={"submitted_at": timezone.now()})
    version.cpts.advance_to(CptsStatus.PROJECT_SUBMITTED, on=today(), by=by)
    _tick(version.cpts, Step.HEALTH_PROJECT, by=by)
    on_commit(notifications.send_project_submitted, version.pk)
    return version


def _tick(cpts, step_number, *, by):
    ensure_steps(cpts)  # a CPTS older than the checklist has no rows yet
    step = CreationStep.objects.filter(cpts=cpts, step=step_number).first()
    if step is not None and step.done_on is None:
        step.done_on = today()
        with journal.acting_as(by):
            step.save()


@transaction.atomic
def review_project(version, *, by, funder, decision, comments="") -> ProjectReview:
    """One funder's decision. Returned by either: the version is sent back (the next one starts
    from it). Validated by both: the CPTS moves to « Projet de santé validé »."""
    version = ProjectVersion.objects.select_for_update().get(pk=version.pk)
    version.workflow.check(version, "validate")
    if funder not in Funder.values:
        raise ValidationError({"funder": "Organisme : choisissez l'ARS ou l'Assurance Maladie."})
    if decision not in ReviewDecision.values:
        raise ValidationError({"decision": "Décision : choisissez de valider ou de renvoyer le projet."})
    comments = (comments or "").strip()
    if decision == ReviewDecision.RETURNED and not comments:
        raise ValidationError({"comments": "Remarques : dites aux porteurs ce qu'il faut reprendre."})
    if version.reviews.filter(funder=funder).exists():
        raise ValidationError({"funder": "Organisme : sa décision sur cette version est déjà enregistrée."})
    if by is not None and version.reviews.filter(by=by).exists():
        # Two funders, two decisions: one person holding both roles decides for one only.
        raise ValidationError({"funder": "Organisme : vous avez déjà décidé sur cette version pour l'autre organisme."})
    with journal.acting_as(by):
        review = ProjectReview.objects.create(
            version=version, funder=funder, decision=decision, comments=comments, by=by
        )
    if decision == ReviewDecision.RETURNED:
        version.workflow.run(version, "send_back", by=by, changes={"decided_at": timezone.now()}, note=funder)
    elif set(version.reviews.filter(decision=ReviewDecision.VALIDATED).values_list("funder", flat=True)) == set(
        Funder.values
    ):
        version.workflow.run(version, "validate", by=by, changes={"decided_at": timezone.now()})
        version.cpts.advance_to(CptsStatus.PROJECT_VALIDATED, on=today(), by=by)
    on_commit(notifications.send_project_reviewed, review.pk)
    return review


@transaction.atomic
def open_negotiation(cpts, *, by, on=None):
    """The ARS and the Assurance Maladie open the negotiation of the ACI (after validation)."""
    cpts = lock(cpts)
    if cpts.status != CptsStatus.PROJECT_VALIDATED:
        raise ValidationError(
            {
                "status": "La négociation de l'ACI s'ouvre une fois le projet de santé validé "
                "par l'ARS et l'Assurance Maladie."
            }
        )
    return cpts.record_step(status=CptsStatus.NEGOTIATION, on=on or today(), by=by)
