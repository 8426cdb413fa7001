"""The library of programme templates shipped with the product (DOMAIN.md §3, mission 2;
HAS PPCS 2019). A CPTS starts a programme from one (`services.create_from_template`) and
then adapts it: the template is a starting point, never a rule.

A step: (title, profession code or "", role or "", anchor, offset in days, tolerance in days).
"""

from dataclasses import dataclass, field

from maillon.members.professions import Profession as P

from .models import Anchor as A


@dataclass(frozen=True)
class Template:
    name: str
    description: str
    eligibility: str
    steps: list = field(default_factory=list)
    grids: list = field(default_factory=list)
    perinatal: bool = False


AUTONOMY_GRID = {"name": "Autonomie (AGGIR simplifiée)", "items": ["Se déplacer", "Se laver", "S'habiller", "Manger"]}
PPCS_GRID = {"name": "Évaluation multidimensionnelle", "items": ["Santé", "Autonomie", "Social", "Environnement"]}

TEMPLATES = {
    "elderly_home": Template(
        "Maintien à domicile de la personne âgée",
        "Coordonner médecin, infirmier, pharmacien et aidants pour qu'une personne âgée fragile reste chez elle.",
        "75 ans et plus, vivant à domicile, avec une fragilité repérée (chute, dénutrition, isolement).",
        steps=[
            ("Évaluation gériatrique à domicile", P.MEDECIN, "", A.INCLUSION, 15, 7),
            ("Bilan de l'environnement et des aides", "", "Coordination", A.INCLUSION, 30, 15),
            ("Revue des traitements (iatrogénie)", P.PHARMACIEN, "", A.PREVIOUS, 15, 7),
            ("Visite infirmière de suivi", P.INFIRMIER, "", A.RECURRING, 30, 7),
            ("Réévaluation du plan", "", "Référent", A.RECURRING, 180, 30),
        ],
        grids=[AUTONOMY_GRID, PPCS_GRID],
    ),
    "complex_situation": Template(
        "Situation complexe",
        "Un plan personnalisé de coordination en santé (PPCS) pour un patient dont la prise en charge "
        "mobilise plusieurs professions et des aides sociales.",
        "Patient dont la situation dépasse un seul professionnel (avis du référent).",
        steps=[
            ("Évaluation multidimensionnelle", "", "Référent", A.INCLUSION, 15, 7),
            ("Rédaction du PPCS avec l'équipe", "", "Coordination", A.PREVIOUS, 15, 7),
            ("Réévaluation du PPCS", "", "Référent", A.RECURRING, 90, 15),
        ],
        grids=[PPCS_GRID],
    ),
    "pregnancy": Template(
        "Parcours de la grossesse",
        "Suivre la grossesse en ville, de la déclaration à la visite post-natale, avec sage-femme et médecin.",
        "Femme enceinte suivie en ville sur le territoire.",
        steps=[
            ("Entretien prénatal précoce", P.SAGE_FEMME, "", A.INCLUSION, 30, 15),
            ("Consultation du 4e mois", P.SAGE_FEMME, "", A.PREVIOUS, 30, 15),
            ("Consultation du 8e mois", P.MEDECIN, "", A.PREVIOUS, 120, 15),
            ("Entretien postnatal précoce", P.SAGE_FEMME, "", A.PREVIOUS, 60, 15),
        ],
        grids=[{"name": "Vulnérabilités", "items": ["Isolement", "Précarité", "Addictions", "Violences"]}],
        perinatal=True,
    ),
    "postpartum_depression": Template(
        "Dépression du post-partum : repérage et prise en charge",
        "Repérer tôt la dépression du post-partum et orienter vers le psychologue et le médecin.",
        "Femme dans l'année qui suit un accouchement, avec un score EPDS élevé ou un signe d'alerte.",
        steps=[
            ("Repérage (EPDS)", P.SAGE_FEMME, "", A.INCLUSION, 7, 3),
            ("Consultation médicale", P.MEDECIN, "", A.PREVIOUS, 7, 7),
            ("Premier entretien psychologique", P.PSYCHOLOGUE, "", A.PREVIOUS, 15, 7),
            ("Suivi par la sage-femme", P.SAGE_FEMME, "", A.RECURRING, 30, 7),
        ],
        grids=[{"name": "EPDS", "items": ["Score EPDS", "Idées noires", "Soutien de l'entourage"]}],
        perinatal=True,
    ),
    "heart_failure": Template(
        "Suivi de l'insuffisance cardiaque",
        "Éviter les réhospitalisations : éducation, surveillance du poids, adaptation des traitements.",
        "Patient sortant d'hospitalisation pour insuffisance cardiaque.",
        steps=[
            ("Consultation du médecin traitant après la sortie", P.MEDECIN, "", A.INCLUSION, 7, 3),
            ("Visite infirmière (poids, œdèmes)", P.INFIRMIER, "", A.RECURRING, 7, 2),
            ("Consultation de cardiologie", P.MEDECIN, "Cardiologue", A.INCLUSION, 60, 15),
            ("Conciliation médicamenteuse", P.PHARMACIEN, "", A.INCLUSION, 15, 7),
        ],
    ),
    "diabetes": Template(
        "Suivi du diabète de type 2",
        "Les examens de suivi du diabète faits à temps, avec l'infirmier, le podologue et l'ophtalmologiste.",
        "Patient diabétique de type 2 dont le suivi a pris du retard.",
        steps=[
            ("Consultation et HbA1c", P.MEDECIN, "", A.RECURRING, 90, 15),
            ("Examen des pieds", P.PEDICURE_PODOLOGUE, "", A.RECURRING, 365, 30),
            ("Fond d'œil", P.ORTHOPTISTE, "", A.RECURRING, 365, 60),
            ("Éducation thérapeutique", P.INFIRMIER, "", A.INCLUSION, 30, 15),
        ],
    ),
}
