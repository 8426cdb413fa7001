"""Members of a CPTS: professionals and structures, with their adhesion.

Who (`maillon.members.policies`, as on the pages): any role in the CPTS reads (members see
active adhesions only, coordinators every state); coordinators write. No role in the CPTS
(a platform admin included: these are personal data) answers 404, as for a CPTS that does
not exist; an adhesion the user may not see answers 404, as a missing one; a member who
writes gets 403. Each read of professionals' personal data is journaled (one entry per list,
one per detail).
"""

import dataclasses
from typing import Annotated

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Prefetch, Q
from ninja import Query, Schema, Status
from ninja.errors import HttpError

from maillon.core import journal
from maillon.core.identifiers import compact, is_valid_finess, validate_siret
from maillon.core.imports import ImportRejected, Limits, api_errors
from maillon.core.workflows import TransitionNotAllowed
from maillon.members import imports, policies, services
from maillon.members.models import (
    College,
    Involvement,
    Membership,
    MembershipStatus,
    PracticePlace,
    Structure,
)
from maillon.members.professions import Profession, StructureKind
from maillon.territories.models import Commune, normalize_name

from .common import CptsRouter, PageNumber, PageSize, cpts_or_404, first_or_404, multipart_body, page_of
from .errors import InvalidField, import_refused, validation_error_response
from .presenters import member_detail_dict, member_dict, structure_dict
from .schemas import (
    ERRORS,
    READ_ERRORS,
    ConflictOut,
    MemberDetailOut,
    MemberIn,
    MemberPageOut,
    MembershipPatchIn,
    MessageOut,
    StructureIn,
    StructureOut,
    StructurePageOut,
    ValidationErrorOut,
)

router = CptsRouter(tags=["Membres"], read_errors=READ_ERRORS, write_errors=ERRORS)

PAGE_SIZE = 20
MEMBER_NOT_FOUND = "Adhésion introuvable."
STRUCTURE_NOT_FOUND = "Structure introuvable dans cette CPTS."
COORDINATOR_ONLY = "Seuls les coordinateurs de cette CPTS peuvent modifier ses membres."
# What a read shows, for the journal (names only, never values).
PERSONAL_FIELDS = {
    "members.Professional": ["first_name", "last_name", "rpps", "adeli", "email", "phone", "practice_places"],
    "members.Structure": ["name", "address", "phone", "email"],
}

MembershipState = Annotated[MembershipStatus | None, Query(description="État de l'adhésion")]


# --- Access -------------------------------------------------------------------------


def access(request, cpts_id, *, write=False, importing=False):
    """The CPTS; 404 unless the user sees its members, 403 for a member who adds one."""
    user = request.auth
    cpts = cpts_or_404(request, cpts_id, policies.can_see_directory)
    if write and not policies.can_manage_members(user, cpts):
        raise HttpError(403, COORDINATOR_ONLY)
    if importing and not policies.can_import_members(user, cpts):
        raise HttpError(403, COORDINATOR_ONLY)
    return cpts


def ensure_may_decide(request, membership):
    """403 for a user who sees the adhesion (404 before, otherwise) but may not change it."""
    if not policies.can_decide_membership(request.auth, membership):
        raise HttpError(403, COORDINATOR_ONLY)


def college_of(cpts, college_id):
    if college_id is None:
        return None
    college = College.objects.for_cpts(cpts).filter(pk=college_id).first()
    if college is None:
        raise InvalidField("college_id", ["Ce collège n'existe pas dans cette CPTS."])
    return college


# --- Professionals ------------------------------------------------------------------


def member_queryset(cpts):
    places = PracticePlace.objects.select_related("commune", "structure")
    return (
        Membership.objects.for_cpts(cpts)
        .filter(professional__isnull=False)
        .select_related("professional", "college")
        .prefetch_related(
            Prefetch("professional__practice_places", queryset=places), "professional__languages", "missions"
        )
    )


def words_in(search_text, q):
    """Every word of `q`, accents and case aside, in the `search_text` field."""
    condition = Q()
    for word in normalize_name(q).split():
        condition &= Q(**{f"{search_text}__contains": word})
    return condition


def search_filter(q):
    """Digits: an RPPS or ADELI number; words: in the names, profession and skills."""
    number = compact(q)
    if number.isascii() and number.isdigit() and len(number) >= 9:
        return Q(professional__rpps=number) | Q(professional__adeli=number)
    return words_in("professional__search_text", q)


def journal_read(cpts, member=None, *, object_type="members.Professional", note=""):
    journal.record(
        journal.Action.READ,
        member,
        object_type=object_type,
        cpts_id=cpts.pk,
        fields=PERSONAL_FIELDS[object_type],
        note=note,
    )


@router.get("/cpts/{int:cpts_id}/members", response=MemberPageOut, summary="Lister les membres")
def list_members(
    request,
    cpts_id: int,
    profession: Annotated[Profession | None, Query(description="Code G15 (ex. 60)")] = None,
    commune: Annotated[str | None, Query(max_length=5, description="Code INSEE d'un lieu d'exercice")] = None,
    status: MembershipState = None,
    q: Annotated[str | None, Query(max_length=100, description="Nom, compétence, ou numéro RPPS / ADELI")] = None,
    college: Annotated[int | None, Query(description="Identifiant d'un collège")] = None,
    mission: Annotated[
        list[int] | None, Query(description="Numéro(s) de mission (1 à 6) : participe à l'une d'elles")
    ] = None,
    page: PageNumber = 1,
    page_size: PageSize = PAGE_SIZE,
):
    """Les adhésions des professionnels de la CPTS, par nom ; paginé (`items`, `count`).

    Un membre voit les adhérents actifs ; un coordinateur voit aussi les demandes, refus et départs.
    """
    cpts = access(request, cpts_id)
    memberships = policies.visible_memberships(request.auth, cpts, member_queryset(cpts))
    if profession:
        memberships = memberships.filter(professional__profession=profession)
    if commune:
        places = PracticePlace.objects.filter(commune_id=commune.strip().upper()).values("professional_id")
        memberships = memberships.filter(professional_id__in=places)
    if status:
        memberships = memberships.filter(status=status)
    if q:
        memberships = memberships.filter(search_filter(q))
    if college is not None:
        memberships = memberships.filter(college_id=college)
    if mission:
        try:
            missions = services.clean_missions(mission, label="mission")
        except DjangoValidationError as error:
            return validation_error_response(["query", "mission"], error.messages)
        memberships = memberships.matching(missions=missions)
    items, count = page_of(
        memberships.order_by("professional__last_name", "professional__first_name", "pk"), page, page_size
    )
    journal_read(cpts, note=f"liste de {len(items)} membres (page {page}, {count} en tout)")
    return {"items": [member_dict(membership) for membership in items], "count": count}


def get_membership(user, cpts, membership_id):
    """The adhesion if the user may see it; 404, as a missing one, otherwise."""
    memberships = policies.visible_memberships(user, cpts, member_queryset(cpts)).prefetch_related("fees", "events")
    return first_or_404(memberships.filter(pk=membership_id), MEMBER_NOT_FOUND)


@router.get("/cpts/{int:cpts_id}/members/{int:membership_id}", response=MemberDetailOut, summary="Détail d'un membre")
def get_member(request, cpts_id: int, membership_id: int):
    """L'adhésion, la fiche du professionnel, ses cotisations et l'historique des états."""
    cpts = access(request, cpts_id)
    membership = get_membership(request.auth, cpts, membership_id)
    journal_read(cpts, membership.professional)
    return detail_of(membership, request.auth)


def detail_of(membership, user):
    """The adhesion; its fees, leave reason and history only to whom `can_see_adhesion_history` allows."""
    detail = {**member_detail_dict(membership), "missions": services.missions_of(membership)}
    if not policies.can_see_adhesion_history(user, membership):
        detail.update(fees=[], events=[], leave_reason="")
    return detail


# Column keys of the import → fields of MemberIn, to place errors.
IMPORT_KEY_TO_FIELD = {"commune_code": "commune", "college": "college_id", "postal_code": "commune"}


def record_of(payload: MemberIn, college) -> dict[str, str]:
    """The body as an import row, so that the API follows the import's rules."""
    yes_no = {True: "oui", False: "non"}
    return {
        "last_name": payload.last_name,
        "first_name": payload.first_name,
        "profession": payload.profession,
        "specialty": payload.specialty,
        "rpps": payload.rpps,
        "adeli": payload.adeli,
        "email": payload.email,
        "phone": payload.phone,
        "address": payload.address,
        "commune_code": payload.commune,
        "college": college.name if college else "",
        # Unsaid, it is implied by the missions (as in the import), else the mailing list.
        "involvement": payload.involvement if "involvement" in payload.model_fields_set else "",
        "missions": ", ".join(str(number) for number in payload.missions),
        "skills": ", ".join(payload.skills),
        "languages": ", ".join(payload.languages),
        "accepts_new_patients": yes_no[payload.accepts_new_patients],
        "takes_part_in_snp": yes_no[payload.takes_part_in_snp],
    }


@router.post(
    "/cpts/{int:cpts_id}/members", response={201: MemberDetailOut, 409: MessageOut}, summary="Ajouter un membre"
)
def create_member(request, cpts_id: int, payload: MemberIn):
    """Un professionnel (retrouvé par son RPPS ou ADELI, sinon créé) devient adhérent, à la date du jour.

    Mêmes règles que l'import : RPPS ou ADELI obligatoire avec sa clé juste, profession
    connue, commune par son code INSEE. Un professionnel déjà inscrit est repris sans
    changer sa fiche ; une adhésion déjà en cours ou en attente répond 409.
    """
    cpts = access(request, cpts_id, write=True)
    with transaction.atomic():
        row = imports.check_record(cpts, record_of(payload, college_of(cpts, payload.college_id)))
        if row.errors:
            error = row.errors[0]
            raise InvalidField(IMPORT_KEY_TO_FIELD.get(error.key, error.key), [e.message for e in row.errors])
        try:
            membership = imports.enrol_record(cpts, row, by=request.auth)
        except DjangoValidationError as error:
            raise HttpError(409, " ".join(error.messages)) from error
    return Status(201, detail_of(get_membership(request.auth, cpts, membership.pk), request.auth))


# --- Import ----------------------------------------------------------------------------


class ImportErrorOut(Schema):
    line: int | None  # the line in the file (header = 1); None for the whole file
    field: str  # the column as the file names it, or "file"
    message: str


class ImportCheckOut(Schema):
    rows_read: int
    rows_valid: int
    errors: list[ImportErrorOut]


class ImportDoneOut(Schema):
    created: int
    reused: int
    skipped: int
    memberships: int
    structures: int
    missions_updated: int


IMPORT_BODY = multipart_body({"file": {"type": "string", "format": "binary", "description": "CSV ou XLSX"}}, ["file"])


def uploaded_file(request):
    """(content, filename) of the multipart field `file`: 413 above the limit, before the body is read."""
    limits = Limits.from_settings()
    if limits.body_too_large(request.META):
        raise HttpError(413, limits.too_large(int(request.META["CONTENT_LENGTH"])))
    try:
        upload = request.FILES.get("file")
    except RequestDataTooBig as error:
        raise HttpError(413, limits.too_large(int(request.META.get("CONTENT_LENGTH") or 0))) from error
    if upload is None:
        return None, ""
    if upload.size > limits.max_bytes:
        raise HttpError(413, limits.too_large(upload.size))
    return upload.read(), upload.name


@router.post(
    "/cpts/{int:cpts_id}/members/import",
    response={200: ImportCheckOut, 201: ImportDoneOut, 413: MessageOut, 422: ValidationErrorOut},
    summary="Importer des membres (CSV ou XLSX)",
    openapi_extra=IMPORT_BODY,
)
def import_members(
    request,
    cpts_id: int,
    dry_run: Annotated[bool, Query(description="Vérifier le fichier sans rien écrire")] = False,
):
    """Le fichier des membres (champ `file`, mêmes colonnes que la page d'import), en entier ou pas du tout.

    Avec `?dry_run=true` : 200 avec les lignes lues, les lignes valides et les erreurs (`line` : la
    ligne dans le fichier, titres = 1 ; `null` et `field` = `file` pour une erreur du fichier).
    Sinon : 201 avec les nombres de l'import, ou 422 avec les erreurs et rien d'écrit ; 413 au-delà
    de la taille permise.
    """
    cpts = access(request, cpts_id, importing=True)
    content, filename = uploaded_file(request)
    if content is None:
        errors = [{"line": None, "field": "file", "message": "Fichier : choisissez le fichier à importer."}]
        if dry_run:
            return Status(200, {"rows_read": 0, "rows_valid": 0, "errors": errors})
        return import_refused(errors)
    if dry_run:
        preview = imports.analyse(cpts, content, filename)
        return Status(
            200,
            {
                "rows_read": len(preview.rows),
                "rows_valid": len(preview.rows) - len(preview.error_rows),
                "errors": api_errors(preview, imports.COLUMN_SET),
            },
        )
    try:
        result = imports.commit(cpts, content, filename, by=request.auth)
    except ImportRejected as error:
        return import_refused(api_errors(error.preview, imports.COLUMN_SET))
    return Status(201, dataclasses.asdict(result))


def apply_changes(membership, payload, cpts, *, by):
    """Collège, involvement and missions, then the state transition, through the model's methods."""
    sent = payload.model_fields_set
    if "college_id" in sent:
        membership.college = college_of(cpts, payload.college_id)
    if "involvement" in sent and payload.involvement:
        membership.involvement = payload.involvement
    membership.save()
    if payload.missions is not None or "involvement" in sent:
        # Checked even when only the involvement changes: a mailing-list adherent has no mission.
        missions = payload.missions if payload.missions is not None else services.missions_of(membership)
        try:
            services.set_missions(membership, missions)
        except DjangoValidationError as error:
            raise InvalidField("missions", error.messages) from error
    try:
        if payload.action == "accept":
            membership.accept(by=by, on=payload.on)
        elif payload.action == "refuse":
            membership.refuse(by=by, reason=payload.reason)
        elif payload.action == "leave":
            membership.leave(by=by, on=payload.on, reason=payload.reason)
    except TransitionNotAllowed:
        raise  # 409, and the block above rolls back
    except DjangoValidationError as error:
        field = "on" if "left_on" in getattr(error, "message_dict", {}) else "action"
        raise InvalidField(field, error.messages) from error


@router.patch(
    "/cpts/{int:cpts_id}/members/{int:membership_id}",
    response={200: MemberDetailOut, 409: ConflictOut},
    summary="Modifier une adhésion",
)
def update_member(request, cpts_id: int, membership_id: int, payload: MembershipPatchIn):
    """Collège, niveau d'implication, et `action` : accepter ou refuser une demande, enregistrer un départ.

    La fiche du professionnel lui appartient : elle ne se modifie pas ici.
    """
    cpts = access(request, cpts_id)
    membership = get_membership(request.auth, cpts, membership_id)
    ensure_may_decide(request, membership)
    with transaction.atomic():
        apply_changes(membership, payload, cpts, by=request.auth)
    return detail_of(get_membership(request.auth, cpts, membership_id), request.auth)


# --- Structures ---------------------------------------------------------------------


def structure_memberships(user, cpts):
    """The latest adhesion of each structure in the CPTS (one item per structure) the user may see."""
    newer = Membership.objects.filter(
        cpts=cpts, structure=OuterRef("structure"), requested_at__gt=OuterRef("requested_at")
    )
    memberships = (
        Membership.objects.for_cpts(cpts)
        .filter(structure__isnull=False)
        .exclude(Exists(newer))
        .select_related("structure__commune", "college")
        .prefetch_related("missions")
    )
    return policies.visible_memberships(user, cpts, memberships)


@router.get("/cpts/{int:cpts_id}/structures", response=StructurePageOut, summary="Lister les structures membres")
def list_structures(
    request,
    cpts_id: int,
    kind: Annotated[StructureKind | None, Query(description="Type de structure")] = None,
    commune: Annotated[str | None, Query(max_length=5, description="Code INSEE")] = None,
    status: MembershipState = None,
    q: Annotated[str | None, Query(max_length=100, description="Nom, ou numéro FINESS / SIRET")] = None,
    page: PageNumber = 1,
    page_size: PageSize = PAGE_SIZE,
):
    """Les structures (MSP, pharmacies, EHPAD…) adhérentes de la CPTS, avec leur dernière adhésion ; paginé."""
    cpts = access(request, cpts_id)
    memberships = structure_memberships(request.auth, cpts)
    if kind:
        memberships = memberships.filter(structure__kind=kind)
    if commune:
        memberships = memberships.filter(structure__commune_id=commune.strip().upper())
    if status:
        memberships = memberships.filter(status=status)
    if q:
        number = compact(q)
        by_number = Q(structure__finess=number) | Q(structure__siret=number)
        memberships = memberships.filter(by_number | words_in("structure__search_text", q))
    items, count = page_of(memberships.order_by("structure__name", "pk"), page, page_size)
    # A structure's contacts may name a person (a pharmacist's pharmacy): journaled like the members.
    journal_read(cpts, object_type="members.Structure", note=f"liste de {len(items)} structures (page {page})")
    return {"items": [structure_out(membership) for membership in items], "count": count}


def structure_out(membership):
    return {**structure_dict(membership), "missions": services.missions_of(membership)}


def get_structure_membership(user, cpts, structure_id):
    return first_or_404(structure_memberships(user, cpts).filter(structure_id=structure_id), STRUCTURE_NOT_FOUND)


@router.get(
    "/cpts/{int:cpts_id}/structures/{int:structure_id}", response=StructureOut, summary="Détail d'une structure membre"
)
def get_structure(request, cpts_id: int, structure_id: int):
    """La structure et sa dernière adhésion dans la CPTS."""
    cpts = access(request, cpts_id)
    membership = get_structure_membership(request.auth, cpts, structure_id)
    journal_read(cpts, membership.structure, object_type="members.Structure")
    return structure_out(membership)


def checked_numbers(payload):
    """(finess, siret), compact, with their keys checked; 422 naming the field."""
    finess, siret = compact(payload.finess), compact(payload.siret)
    if not finess and not siret:
        raise InvalidField("finess", ["Indiquez le numéro FINESS ou le numéro SIRET de la structure."])
    if finess and not is_valid_finess(finess):
        raise InvalidField(
            "finess", ["Le numéro FINESS doit compter 9 caractères (2A/2B en Corse) et sa clé de contrôle être juste."]
        )
    if siret:
        try:
            validate_siret(siret)
        except DjangoValidationError as error:
            raise InvalidField("siret", error.messages) from error
    return finess or None, siret or None


def existing_structure(finess, siret):
    by_finess = Structure.objects.filter(finess=finess).first() if finess else None
    by_siret = Structure.objects.filter(siret=siret).first() if siret else None
    if by_finess and by_siret and by_finess.pk != by_siret.pk:
        raise InvalidField("siret", ["Ce SIRET est celui d'une autre structure que ce FINESS."])
    return by_finess or by_siret


def new_structure(payload, finess, siret):
    commune = Commune.objects.filter(pk=payload.commune.upper()).first()
    if commune is None:
        raise InvalidField("commune", [f"« {payload.commune} » n'est pas le code INSEE d'une commune."])
    structure = Structure(
        name=payload.name,
        kind=payload.kind,
        finess=finess,
        siret=siret,
        address=payload.address,
        commune=commune,
        phone=payload.phone,
        email=payload.email.lower(),
    )
    try:
        structure.full_clean(validate_unique=False, validate_constraints=False)
    except DjangoValidationError as error:
        raise InvalidField.of(error) from error
    structure.save()
    return structure


def involvement_of(payload):
    """Unsaid, the involvement is implied by the missions (as for the members), else the mailing list."""
    if payload.missions and "involvement" not in payload.model_fields_set:
        return Involvement.MISSION
    return payload.involvement


@router.post(
    "/cpts/{int:cpts_id}/structures",
    response={201: StructureOut, 409: MessageOut},
    summary="Ajouter une structure membre",
)
def create_structure(request, cpts_id: int, payload: StructureIn):
    """Une structure (retrouvée par son FINESS ou son SIRET, sinon créée) devient adhérente, à la date du jour.

    Une structure déjà inscrite est reprise sans changer sa fiche ; une adhésion déjà en
    cours ou en attente répond 409.
    """
    cpts = access(request, cpts_id, write=True)
    with transaction.atomic():
        college = college_of(cpts, payload.college_id)
        finess, siret = checked_numbers(payload)
        structure = existing_structure(finess, siret) or new_structure(payload, finess, siret)
        try:
            membership = services.enrol(
                cpts, by=request.auth, structure=structure, college=college, involvement=involvement_of(payload)
            )
        except (DjangoValidationError, IntegrityError) as error:
            raise HttpError(409, services.ALREADY_MEMBER) from error
        try:
            services.set_missions(membership, payload.missions)
        except DjangoValidationError as error:
            raise InvalidField("missions", error.messages) from error
    return Status(201, structure_out(get_structure_membership(request.auth, cpts, structure.pk)))


@router.patch(
    "/cpts/{int:cpts_id}/structures/{int:structure_id}",
    response=StructureOut,
    summary="Modifier l'adhésion d'une structure",
)
def update_structure(request, cpts_id: int, structure_id: int, payload: MembershipPatchIn):
    """Sur la dernière adhésion de la structure : collège, implication, `action` (accept, refuse, leave)."""
    cpts = access(request, cpts_id)
    membership = get_structure_membership(request.auth, cpts, structure_id)
    ensure_may_decide(request, membership)
    with transaction.atomic():
        apply_changes(membership, payload, cpts, by=request.auth)
    return structure_out(get_structure_membership(request.auth, cpts, structure_id))
