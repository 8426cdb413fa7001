"""The demo's files: the founding documents of each governed demo CPTS (its statuts and its
règlement intérieur, one version each) and the supporting document of one ACI indicator value.

Each file is a small one-page PDF written with reportlab (the platform's PDF blocks, without
its « Généré par Maillon » footer: these are the CPTS's own documents), stored through the
model's FileField, so it lands under MEDIA_ROOT as an upload does. A founding document's
version goes through `FoundingDocument.add_version`, which checks the file as the upload form
does (`validate_document_file`); the value's document through `contracts.services.record_value`.

Deterministic (one random generator per CPTS, from the seed; `invariant` PDFs) and idempotent:
a document is found again by CPTS, kind and title and gets a version only when it has none;
the value keeps the document it has.
"""

import datetime
import random

from django.core.files.base import ContentFile
from django.utils import formats, translation

from maillon.contracts import services as contract_services
from maillon.contracts.models import Contract
from maillon.core import pdf
from maillon.core.models import Cpts, CptsStatus, User
from maillon.governance.models import DocumentKind, FoundingDocument
from maillon.members.models import Fee
from maillon.territories.models import TerritoryCommune

from .members import COLLEGES, FEE_BY_TAILLE

STATUTES_TITLE = "Statuts de l'association"
RULES_TITLE = "Règlement intérieur"
# The indicator whose value of the last finished contract year gets its supporting document.
PROVEN_INDICATOR = "m1-ald-sans-mt"
PROOF_SOURCE = "Rézone CPTS (Assurance Maladie)"


def french_date(day: datetime.date) -> str:
    with translation.override("fr"):
        return formats.date_format(day, "j F Y")


def document_pdf(title: str, subtitle: str, blocks: list) -> bytes:
    """A one-page document in the platform's PDF style, the same bytes on every run."""
    return pdf.pdf_bytes(title, subtitle, blocks, invariant=1)


def articles_pdf(title: str, subtitle: str, articles: list, closing: str) -> bytes:
    """A text of articles, (heading, text) each, then its closing line."""
    blocks = [block for heading, text in articles for block in (pdf.Heading(heading), pdf.Paragraph(text))]
    return document_pdf(title, subtitle, [*blocks, pdf.Paragraph(closing)])


def town(cpts: Cpts) -> str:
    """« Saint-Germain-en-Laye » from « 12 rue de Pologne, 78100 Saint-Germain-en-Laye »."""
    last = cpts.address.rsplit(",", 1)[-1].strip()
    code, _, name = last.partition(" ")
    return name if code.isdigit() and name else last


def founding_date(cpts: Cpts) -> datetime.date | None:
    """The day of the constituent assembly: before the letter of intent."""
    step = cpts.steps.filter(to_status=CptsStatus.LETTER_OF_INTENT).order_by("date").first()
    return step.date if step else None


# --- Founding documents ----------------------------------------------------------------------


def statutes_pdf(cpts: Cpts, adopted_on: datetime.date) -> bytes:
    communes = list(
        TerritoryCommune.objects.for_cpts(cpts)
        .current()
        .order_by("commune__name")
        .values_list("commune__name", flat=True)
    )
    colleges = " ; ".join(f"{name} ({seats} siège{'s' if seats > 1 else ''})" for name, seats in COLLEGES)
    articles = [
        (
            "Article 1 — Constitution et dénomination",
            "Il est fondé entre les adhérents aux présents statuts une association régie par la loi du "
            f"1er juillet 1901 et le décret du 16 août 1901, ayant pour titre : {cpts.name}.",
        ),
        (
            "Article 2 — Objet",
            "L'association constitue la communauté professionnelle territoriale de santé de son territoire "
            "(article L. 1434-12 du code de la santé publique) et porte son projet de santé : accès aux soins "
            "(médecin traitant, soins non programmés), parcours pluriprofessionnels, prévention, réponse aux "
            "crises sanitaires graves, qualité et pertinence des soins, accompagnement des professionnels.",
        ),
        ("Article 3 — Siège social", f"Le siège social est fixé au {cpts.address}."),
        (
            "Article 4 — Territoire",
            f"Le territoire de la CPTS comprend {len(communes)} communes : {', '.join(communes)}.",
        ),
        (
            "Article 5 — Membres et collèges",
            "Peuvent adhérer les professionnels de santé, les structures et les représentants des usagers "
            f"du territoire. Les membres sont répartis en collèges, chacun représenté au conseil "
            f"d'administration : {colleges}.",
        ),
        (
            "Article 6 — Ressources",
            "Les ressources de l'association comprennent les cotisations de ses membres, les financements de "
            "l'accord conventionnel interprofessionnel (ACI), les subventions publiques et toute ressource "
            "autorisée par la loi.",
        ),
        (
            "Article 7 — Assemblée générale",
            "L'assemblée générale ordinaire réunit tous les membres à jour de leur cotisation une fois par an. "
            "Elle approuve les comptes, fixe les cotisations et proclame les représentants élus des collèges.",
        ),
    ]
    return articles_pdf(
        f"Statuts de l'association {cpts.name}",
        f"Association loi 1901 — adoptés par l'assemblée générale constitutive du {french_date(adopted_on)}",
        articles,
        f"Fait à {town(cpts)}, le {french_date(adopted_on)}.",
    )


def rules_pdf(cpts: Cpts, adopted_on: datetime.date, fee: str) -> bytes:
    articles = [
        (
            "Article 1 — Objet",
            "Le présent règlement précise les statuts de l'association : adhésion, cotisation, "
            "indemnisation du temps des membres et confidentialité.",
        ),
        (
            "Article 2 — Adhésion",
            "La demande d'adhésion se fait en ligne ; elle est validée par la coordination, qui rattache le "
            "membre à son collège. Un membre peut quitter librement l'association, notamment s'il change "
            "de territoire.",
        ),
        ("Article 3 — Cotisation", f"La cotisation annuelle est fixée à {fee} par l'assemblée générale."),
        (
            "Article 4 — Indemnisation",
            "Le temps passé par les membres aux réunions et aux projets de la CPTS est indemnisé au taux "
            "horaire voté chaque année, dans la limite du plafond annuel de la Sécurité sociale.",
        ),
        (
            "Article 5 — Confidentialité",
            "Les membres s'engagent à ne partager les données de patients qu'avec les professionnels qui "
            "les prennent en charge, dans le respect du secret professionnel.",
        ),
    ]
    return articles_pdf(
        f"Règlement intérieur de la {cpts.name}",
        "",
        articles,
        f"Adopté par le conseil d'administration le {french_date(adopted_on)}.",
    )


def ensure_founding_documents(cpts: Cpts, coordinator: User, *, seed: int, today: datetime.date) -> int:
    """The statuts, adopted at the constituent assembly, and the règlement intérieur, adopted by
    the board a few weeks later; returns how many versions were added."""
    founded = founding_date(cpts)
    if cpts.is_dissolved or founded is None:
        return 0
    rng = random.Random(f"{seed}:documents:{cpts.slug}")
    statutes_on = founded - datetime.timedelta(days=rng.randint(20, 40))
    rules_on = min(statutes_on + datetime.timedelta(days=rng.randint(30, 60)), today)
    # The members' cotisation of the year, as the demo's adhesions have it.
    amount = Fee.objects.filter(membership__cpts=cpts).order_by("-year").values_list("amount", flat=True).first()
    fee = pdf.euros(amount if amount is not None else FEE_BY_TAILLE[1])
    plans = [
        (
            DocumentKind.STATUTES,
            STATUTES_TITLE,
            statutes_on,
            "Adoptés par l'assemblée générale constitutive",
            lambda: statutes_pdf(cpts, statutes_on),
            "statuts",
        ),
        (
            DocumentKind.RULES,
            RULES_TITLE,
            rules_on,
            "Adopté par le conseil d'administration",
            lambda: rules_pdf(cpts, rules_on, fee),
            "reglement-interieur",
        ),
    ]
    added = 0
    for kind, title, adopted_on, note, content, stem in plans:
        document, _ = FoundingDocument.objects.get_or_create(cpts=cpts, kind=kind, title=title)
        if document.versions.exists():
            continue
        upload = ContentFile(content(), name=f"{stem}-{cpts.slug}.pdf")
        document.add_version(file=upload, adopted_on=adopted_on, note=note, by=coordinator)
        added += 1
    return added


# --- The supporting document of an indicator value -------------------------------------------


def proof_pdf(value, contract: Contract, today: datetime.date) -> bytes:
    indicator = value.indicator
    year = contract.year(value.contract_year)
    last_day = year.ends_on - datetime.timedelta(days=1)  # [starts_on, ends_on)
    unit = f" {indicator.unit}" if indicator.unit else ""
    pairs = [
        ("Indicateur", indicator.name),
        (
            "Année du contrat",
            f"{value.contract_year} (du {french_date(year.starts_on)} au {french_date(last_day)})",
        ),
        ("Valeur constatée", f"{pdf.decimal_fr(value.value, 0 if value.value == int(value.value) else 2)}{unit}"),
    ]
    if indicator.baseline_value is not None:
        pairs.append(("Valeur de référence", f"{pdf.decimal_fr(indicator.baseline_value, 0)}{unit}"))
    pairs.append(("Source", PROOF_SOURCE))
    extracted_on = min(year.ends_on + datetime.timedelta(days=12), today)
    blocks = [
        pdf.KeyValues(pairs),
        pdf.Paragraph(
            f"Extraction du {french_date(extracted_on)} sur les communes du territoire de la {contract.cpts.name}, "
            "transmise par l'Assurance Maladie pour le dialogue de gestion. Effectifs arrondis, sans donnée "
            "nominative."
        ),
    ]
    return document_pdf(
        f"Justificatif — {indicator.name}", f"{contract.cpts.name} — contrat {contract.reference}", blocks
    )


def ensure_indicator_document(cpts: Cpts, coordinator: User, *, today: datetime.date):
    """The Rézone extract behind the value of « patients en ALD sans médecin traitant » for the
    last finished contract year; None when there is none or it has its document already."""
    contract = Contract.objects.for_cpts(cpts).first()
    if cpts.is_dissolved or contract is None:
        return None
    indicator = contract.indicators.filter(code=PROVEN_INDICATOR).first()
    finished = [year.number for year in contract.years() if year.ends_on <= today]
    value = (
        indicator.values.filter(contract_year__in=finished).order_by("-contract_year").first() if indicator else None
    )
    if value is None or value.document:
        return None
    upload = ContentFile(
        proof_pdf(value, contract, today), name=f"rezone-{PROVEN_INDICATOR}-annee-{value.contract_year}.pdf"
    )
    return contract_services.record_value(
        indicator=indicator,
        contract_year=value.contract_year,
        value=value.value,
        by=value.entered_by or coordinator,
        note=value.note,
        document=upload,
    )
