"""Project-wide rules: every model has a factory, every template is used, every foreign key's
on_delete is deliberate, tenancy reads through for_cpts, the web layer sits on top, and every
state field moves through the one workflow mechanism."""

import ast
import importlib
import re
from pathlib import Path

import factory
from django.apps import apps
from django.conf import settings
from django.db.models.signals import pre_save

from maillon.core import workflows

# Internal rows that only exist inside one function (see JournalEntry.purge_older_than).
NO_FACTORY_NEEDED = {"core.JournalPurgePermit"}


def project_models():
    return [model for model in apps.get_models() if model.__module__.startswith("maillon.")]


def factory_models():
    models = set()
    for config in apps.get_app_configs():
        if not config.name.startswith("maillon."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.factories")
        except ModuleNotFoundError:
            continue
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, factory.django.DjangoModelFactory):
                model = value._meta.model
                if isinstance(model, str):
                    model = apps.get_model(model)
                if model is not None:
                    models.add(model._meta.label)
    return models


def test_every_model_has_a_factory():
    missing = {m._meta.label for m in project_models()} - factory_models() - NO_FACTORY_NEEDED
    assert not missing, f"Models without a factory: {sorted(missing)}"


def test_every_template_of_the_project_is_used():
    root = Path(settings.BASE_DIR) / "maillon"
    files = [path for pattern in ("**/*.py", "**/*.html", "**/*.txt") for path in root.glob(pattern)]
    sources = "\n".join(path.read_text(encoding="utf-8") for path in files)
    unused = []
    for template_dir in root.glob("*/templates"):
        for template in template_dir.rglob("*.html"):
            name = template.relative_to(template_dir).as_posix()
            if name == "base.html" or re.fullmatch(r"\d{3}\.html", name):
                continue  # used by Django itself (base of every page, error pages)
            if not re.search(re.escape(name), sources) and not re.search(re.escape(Path(name).name), sources):
                unused.append(name)
    assert not unused, f"Templates used nowhere: {sorted(unused)}"


# --- Foreign keys ---------------------------------------------------------------------------

FOREIGN_KEYS_FILE = Path(__file__).with_name("foreign_keys.txt")
# Rows that belong to the account itself go with it; everything else keeps its history.
USER_OWNED = {
    "core.CptsRole.user",
    "core.ApiToken.user",
    "territories.TerritoryRole.user",
    "snp.SasClient.user",
    # A person's notifications and choices are theirs alone.
    "notifications.Notification.user",
    "notifications.NotificationPreference.user",
    # A person's place in an organisation or a discussion space, their read state and mentions:
    # theirs alone (the messages they wrote stay, their author set to none).
    "organisations.OrganisationPerson.user",
    "discussions.Participant.user",
    "discussions.Mention.user",
    "discussions.TopicRead.user",
}
REFERENCE_DATA = {"territories.Region", "territories.Departement", "territories.Epci", "territories.Commune"}
# A postal code is part of its commune.
PART_OF_REFERENCE_DATA = {"territories.PostalCode.commune"}


def foreign_keys():
    for model in project_models():
        for field in model._meta.concrete_fields:
            if field.is_relation and (field.many_to_one or field.one_to_one):
                yield f"{model._meta.label}.{field.name}", field


def foreign_key_inventory() -> str:
    lines = sorted(
        f"{name} -> {field.related_model._meta.label}: {field.remote_field.on_delete.__name__}"
        for name, field in foreign_keys()
    )
    return "\n".join(lines) + "\n"


def test_every_foreign_key_has_a_deliberate_on_delete():
    """Each key's on_delete is reviewed: the inventory (tests/foreign_keys.txt) lists them all, so
    adding or changing one shows in the review; and two rules hold whatever the inventory says."""
    wrong = []
    for name, field in foreign_keys():
        on_delete = field.remote_field.on_delete.__name__
        target = field.related_model._meta.label
        if target == settings.AUTH_USER_MODEL and name not in USER_OWNED and on_delete == "CASCADE":
            wrong.append(f"{name}: erasing an account must not erase this history (SET_NULL or PROTECT)")
        if target in REFERENCE_DATA and name not in PART_OF_REFERENCE_DATA and on_delete == "CASCADE":
            wrong.append(f"{name}: reference data must not take this row with it (PROTECT or SET_NULL)")
    assert not wrong, "\n".join(wrong)
    assert FOREIGN_KEYS_FILE.read_text(encoding="utf-8") == foreign_key_inventory(), (
        "A foreign key was added or its on_delete changed: review it, then write the inventory with "
        "`DJANGO_SETTINGS_MODULE=maillon.settings .venv/bin/python -c 'import django; django.setup(); "
        "from tests.test_consistency import write_inventory; write_inventory()'` and review its diff."
    )


def write_inventory():
    FOREIGN_KEYS_FILE.write_text(foreign_key_inventory(), encoding="utf-8")


# --- Tenancy --------------------------------------------------------------------------------


def test_every_model_with_a_cpts_key_reads_through_for_cpts():
    missing = []
    for model in project_models():
        field = next((f for f in model._meta.concrete_fields if f.name == "cpts"), None)
        if field is not None and field.is_relation and not hasattr(model._default_manager, "for_cpts"):
            missing.append(model._meta.label)
    assert not missing, f"Models with a cpts key whose default manager has no for_cpts(cpts): {missing}"


# --- Layers ---------------------------------------------------------------------------------

PACKAGE = Path(settings.BASE_DIR) / "maillon"
# The URL configuration and the settings name the web layer; nothing else below it may.
MAY_IMPORT_WWW = {PACKAGE / "urls.py", PACKAGE / "settings.py"}


def project_modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def imported_modules(tree) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_no_module_outside_the_web_layer_imports_it():
    offenders = []
    for path, tree in project_modules():
        if (PACKAGE / "www") in path.parents or path in MAY_IMPORT_WWW:
            continue
        if any(name == "maillon.www" or name.startswith("maillon.www.") for name in imported_modules(tree)):
            offenders.append(str(path.relative_to(settings.BASE_DIR)))
    assert not offenders, f"The domain, the API and FHIR never import the web layer: {offenders}"


# The mission apps never import each other, but for the dependencies docs/architecture.md declares.
MISSION_APPS = {"mt", "snp", "crisis", "crisis_response", "pathways", "prevention", "quality", "support"}
DECLARED_MISSION_DEPENDENCIES = {("crisis_response", "crisis"), ("quality", "pathways")}


def test_mission_apps_import_no_other_mission_but_the_declared_ones():
    offenders = []
    for path, tree in project_modules():
        app = path.relative_to(PACKAGE).parts[0]
        if app not in MISSION_APPS:
            continue
        for name in imported_modules(tree):
            parts = name.split(".")
            other = parts[1] if len(parts) > 1 and parts[0] == "maillon" else None
            if other in MISSION_APPS and other != app and (app, other) not in DECLARED_MISSION_DEPENDENCIES:
                offenders.append(f"{path.relative_to(settings.BASE_DIR)} imports {name}")
    assert not offenders, "\n".join(sorted(set(offenders)))


# Those that send: the one notification mechanism, and the crisis alerts' own outbox.
MAY_SEND_MAIL = {PACKAGE / "crisis_response" / "dispatch.py"}


def test_only_the_notification_mechanism_sends_mail():
    senders = "send_mail send_mass_mail mail_admins mail_managers EmailMessage EmailMultiAlternatives get_connection"
    forbidden = {f"django.core.mail.{name}" for name in senders.split()}
    offenders = []
    for path, tree in project_modules():
        if (PACKAGE / "core" / "notifications") in path.parents or path in MAY_SEND_MAIL:
            continue
        if imported_modules(tree) & forbidden:
            offenders.append(str(path.relative_to(settings.BASE_DIR)))
    assert not offenders, f"Messages go through maillon.core.notifications (queued on commit): {offenders}"


# --- Workflows ------------------------------------------------------------------------------

# State fields that are not workflows, and why.
NOT_WORKFLOWS = {
    # Delivery ledgers: claimed and settled in batches by the senders (one row per message
    # and recipient), never moved by a person.
    "members.MailingRecipient.status": "delivery ledger of a mailing",
    "crisis_response.AlertDelivery.status": "delivery ledger of the alert outbox (leases, SKIP LOCKED)",
    "notifications.Delivery.status": "delivery ledger of every message (one claimed row per recipient and channel)",
}


def state_fields():
    for model in project_models():
        if issubclass(model, workflows.TransitionLog):
            continue  # the logs record states, they have none
        for field in model._meta.concrete_fields:
            if field.choices and (field.name in {"status", "state"} or field.name.endswith(("_status", "_state"))):
                yield f"{model._meta.label}.{field.name}", model, field


def test_every_state_field_is_moved_by_a_workflow():
    declared = {f"{w.model._meta.label}.{w.field}" for w in workflows.REGISTRY}
    loose = [name for name, _, _ in state_fields() if name not in declared and name not in NOT_WORKFLOWS]
    assert not loose, f"State fields without a workflow (core/workflows.py): {loose}"
    stale = set(NOT_WORKFLOWS) - {name for name, _, _ in state_fields()}
    assert not stale, f"NOT_WORKFLOWS names fields that no longer exist: {stale}"


def test_every_workflow_model_guards_its_state_and_logs_its_transitions():
    for workflow in workflows.REGISTRY:
        assert issubclass(workflow.log_model, workflows.TransitionLog), workflow
        receivers = pre_save._live_receivers(workflow.model)
        flat = [receiver for group in receivers for receiver in (group if isinstance(group, list) else [group])]
        assert workflows.refuse_state_change_outside_workflow in flat, f"{workflow}: no guard on save()"


def direct_state_updates():
    """`<Model>.objects….update(status=…)` calls on a workflow model, outside core/workflows.py."""
    fields = {workflow.field for workflow in workflows.REGISTRY}
    model_names = {workflow.model.__name__ for workflow in workflows.REGISTRY}
    found = []
    for path, tree in project_modules():
        if path == PACKAGE / "core" / "workflows.py":
            continue
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr not in {"update", "bulk_update"}:
                continue
            touched = {keyword.arg for keyword in node.keywords} | {
                element.value
                for argument in node.args
                if isinstance(argument, ast.List | ast.Tuple)
                for element in argument.elts
                if isinstance(element, ast.Constant)
            }
            if touched & fields and root_name(node.func.value) in model_names:
                found.append(f"{path.relative_to(settings.BASE_DIR)}:{node.lineno}")
    return found


def root_name(node):
    while isinstance(node, ast.Attribute | ast.Call | ast.Subscript):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def test_no_code_moves_a_workflow_state_with_a_queryset_update():
    found = direct_state_updates()
    assert not found, f"A workflow state changes only through its transitions (Workflow.run): {found}"


# --- Rights ---------------------------------------------------------------------------------

TESTS = Path(__file__).parent
# Access rules are asked of the domain's policies; the faces never write one themselves.
FACES = [PACKAGE / "www", PACKAGE / "api", PACKAGE / "fhir"]
RULE_MARKERS = re.compile(r"\.is_superuser\b|\brole_in\(|\brequire_cpts_role\(|\bcpts_role\s*(==|!=|\bin\b)")


def policy_modules():
    for path in sorted(PACKAGE.rglob("*policies.py")):
        module = ".".join(path.relative_to(settings.BASE_DIR).with_suffix("").parts)
        yield module, importlib.import_module(module)


def test_every_policy_module_has_its_rights_matrix():
    from tests.policy_matrix import policies_of

    matrices = "\n".join(path.read_text(encoding="utf-8") for path in TESTS.rglob("test_*policy_matrix*.py"))
    missing = []
    for module, loaded in policy_modules():
        if not policies_of(loaded):
            continue  # only helpers (core.policies: who the user is), no policy of its own
        app, name = module.rsplit(".", 1)
        if f"from {app} import {name}" not in matrices and f"import {module}" not in matrices:
            missing.append(module)
    assert not missing, f"Policy modules without a matrix test (tests/policy_matrix.py): {missing}"


def test_no_page_api_or_fhir_module_writes_an_access_rule():
    found = []
    for face in FACES:
        for path in sorted(face.rglob("*.py")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if RULE_MARKERS.search(line) and not line.lstrip().startswith("#"):
                    found.append(f"{path.relative_to(settings.BASE_DIR)}:{number}: {line.strip()}")
    assert not found, "Ask the app's policies.py instead:\n" + "\n".join(found)
