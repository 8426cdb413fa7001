"""French names for the third-party models the admin shows (django-otp, django-tasks-db, django-dsfr).

django-otp does not mark its names for translation and django-tasks-db has no French catalogue:
their app, model and field names are set here, at start (`CoreConfig.ready`). Nothing here reaches
a migration: Django builds a model's state from its Meta as declared (`original_attrs`) and a field's
from the verbose name it was given (`_verbose_name`), not from the attributes set below.

The status labels of a task (« Ready », « Running »…) are choices, which do reach migrations: they are
translated by the catalogue of `maillon/core/locale/`. Help texts and fieldset titles of these
models' admin pages are French in `maillon/core/admin.py`.
"""

from dataclasses import dataclass, field

from django.apps import apps


@dataclass(frozen=True)
class ModelLabels:
    verbose_name: str
    verbose_name_plural: str
    fields: dict[str, str] = field(default_factory=dict)


APPS = {
    "otp_totp": "Double authentification (TOTP)",
    "django_tasks_database": "Tâches en arrière-plan",
    "dsfr": "Système de design de l'État (DSFR)",
}

MODELS = {
    "otp_totp.TOTPDevice": ModelLabels(
        "appareil TOTP",
        "appareils TOTP",
        {
            "user": "utilisateur",
            "name": "nom",
            "confirmed": "confirmé",
            "throttling_failure_timestamp": "dernier échec",
            "throttling_failure_count": "échecs consécutifs",
            "created_at": "date de création",
            "last_used_at": "dernière utilisation",
            "key": "clé secrète",
            "step": "pas (secondes)",
            "t0": "origine des pas (t0)",
            "digits": "nombre de chiffres",
            "tolerance": "tolérance",
            "drift": "décalage",
            "last_t": "dernier pas vérifié",
        },
    ),
    "django_tasks_database.DBTaskResult": ModelLabels(
        "tâche",
        "tâches",
        {
            "id": "identifiant",
            "status": "état",
            "enqueued_at": "mise en file le",
            "started_at": "commencée le",
            "finished_at": "terminée le",
            "args_kwargs": "arguments",
            "priority": "priorité",
            "task_path": "fonction",
            "worker_ids": "exécutants",
            "queue_name": "file",
            "backend_name": "moteur",
            "run_after": "à lancer après",
            "return_value": "valeur renvoyée",
            "exception_class_path": "exception",
            "traceback": "trace de l'erreur",
        },
    ),
    "dsfr.DsfrConfig": ModelLabels("configuration du site", "configurations du site"),
    "dsfr.DsfrSocialMedia": ModelLabels("réseau social", "réseaux sociaux", {"site_config": "configuration du site"}),
}


def apply_french_labels():
    for label, name in APPS.items():
        apps.get_app_config(label).verbose_name = name
    for label, names in MODELS.items():
        meta = apps.get_model(label)._meta
        meta.verbose_name = names.verbose_name
        meta.verbose_name_plural = names.verbose_name_plural
        for field_name, verbose_name in names.fields.items():
            meta.get_field(field_name).verbose_name = verbose_name
