"""The journal as FHIR R4B `AuditEvent` resources, following the ANS traceability guide
(« Traçabilité des événements », profile TDE AuditEvent: `type`, at most one `subtype`,
`action`, `recorded`, `period.start`, one or two `agent` each with a `who`, `source` with its
`observer`, `entity` for the objects concerned).

Only what the journal holds goes out: ids, object types, field names, dates. Never a name, an
e-mail or a value: the journal has none. Resources are plain JSON-ready dicts, built one entry
at a time, so an export of millions of entries runs in constant memory.
"""

import json
import uuid

from django.conf import settings

from .journal import Action

PROFILE = "https://interop.esante.gouv.fr/ig/fhir/tde/StructureDefinition/tde-auditevent"
AUDIT_EVENT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type"
DICOM = "http://dicom.nema.org/resources/ontology/DCM"
RESTFUL_INTERACTION = "http://hl7.org/fhir/restful-interaction"
ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type"
SECURITY_SOURCE_TYPE = "http://terminology.hl7.org/CodeSystem/security-source-type"
ID_NAMESPACE = uuid.UUID("8f1d7c52-3f0e-4c1a-9a59-2f4d1d6c0a19")  # fullUrl of an entry: uuid5 of its id

REST = {"system": AUDIT_EVENT_TYPE, "code": "rest", "display": "RESTful Operation"}
AUTHENTICATION = {"system": DICOM, "code": "110114", "display": "User Authentication"}


def _interaction(code):
    return {"system": RESTFUL_INTERACTION, "code": code, "display": code}


# action → (type, subtype, FHIR action code C/R/U/D/E, outcome)
MAPPING = {
    Action.CREATE: (REST, _interaction("create"), "C", "0"),
    Action.UPDATE: (REST, _interaction("update"), "U", "0"),
    Action.DELETE: (REST, _interaction("delete"), "D", "0"),
    Action.READ: (REST, _interaction("read"), "R", "0"),
    Action.TRANSITION: (REST, _interaction("update"), "U", "0"),
    Action.EXPORT: ({"system": DICOM, "code": "110106", "display": "Export"}, None, "R", "0"),
    Action.IMPORT: ({"system": DICOM, "code": "110107", "display": "Import"}, None, "C", "0"),
    Action.LOGIN: (AUTHENTICATION, {"system": DICOM, "code": "110122", "display": "Login"}, "E", "0"),
    Action.LOGIN_FAILED: (AUTHENTICATION, {"system": DICOM, "code": "110122", "display": "Login"}, "E", "4"),
    Action.LOGOUT: (AUTHENTICATION, {"system": DICOM, "code": "110123", "display": "Logout"}, "E", "0"),
    Action.PURGE: ({"system": DICOM, "code": "110101", "display": "Audit Log Used"}, _interaction("delete"), "D", "0"),
}


def _system(name: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}/fhir/{name}"


def _instant(moment) -> str:
    return moment.isoformat(timespec="microseconds")


def application_reference() -> dict:
    """The application itself: the observer of every event, the agent of unattributed ones."""
    return {
        "type": "Device",
        "identifier": {"system": _system("application"), "value": "maillon"},
        "display": "Maillon",
    }


def audit_event(entry) -> dict:
    """One journal entry (a `JournalEntry` or a dict of its columns) as a TDE AuditEvent."""
    values = entry if isinstance(entry, dict) else {name: getattr(entry, name) for name in COLUMNS}
    event_type, subtype, action, outcome = MAPPING.get(values["action"], (REST, None, "E", "0"))
    if values["actor_id"] is not None:
        # A user by their id only (a person of the CPTS, a coordinator, an administrator).
        agent = {
            "who": {"identifier": {"system": _system("utilisateur"), "value": str(values["actor_id"])}},
            "requestor": True,
        }
    else:
        agent = {"who": application_reference(), "requestor": False}
    entities = []
    if values["object_type"] or values["object_id"]:
        entity = {
            "what": {
                "identifier": {
                    "system": _system(f"objet/{values['object_type'] or 'inconnu'}"),
                    "value": values["object_id"] or "-",
                }
            },
            "type": {"system": ENTITY_TYPE, "code": "2", "display": "System Object"},
        }
        if values["fields"]:
            entity["detail"] = [{"type": "champs", "valueString": ",".join(str(name) for name in values["fields"])}]
        if values["note"]:
            entity["description"] = values["note"]
        entities.append(entity)
    if values["cpts_id"] is not None:
        entities.append(
            {
                "what": {
                    "type": "Organization",
                    "identifier": {"system": _system("cpts"), "value": str(values["cpts_id"])},
                },
                "type": {"system": ENTITY_TYPE, "code": "3", "display": "Organization"},
            }
        )
    chain = [{"type": "rang", "valueString": str(values["chain_index"])}] if values.get("chain_index") else []
    if values.get("hash"):
        chain.append({"type": "empreinte", "valueString": values["hash"]})
    if chain:
        entities.append(
            {
                "what": {"identifier": {"system": _system("journal"), "value": str(values["id"])}},
                "type": {"system": ENTITY_TYPE, "code": "4", "display": "Other"},
                "detail": chain,
            }
        )
    resource = {
        "resourceType": "AuditEvent",
        "id": f"journal-{values['id']}",
        "meta": {"profile": [PROFILE]},
        "type": event_type,
        "action": action,
        "period": {"start": _instant(values["at"]), "end": _instant(values["at"])},
        "recorded": _instant(values["at"]),
        "outcome": outcome,
        "agent": [agent],
        "source": {
            "site": "Maillon",
            "observer": application_reference(),
            "type": [{"system": SECURITY_SOURCE_TYPE, "code": "4", "display": "Application Server"}],
        },
    }
    if subtype is not None:
        resource["subtype"] = [subtype]
    if entities:
        resource["entity"] = entities
    return resource


COLUMNS = (
    "id",
    "at",
    "actor_id",
    "action",
    "object_type",
    "object_id",
    "fields",
    "cpts_id",
    "note",
    "chain_index",
    "hash",
)


def bundle_entry(resource: dict) -> dict:
    return {
        "fullUrl": f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, resource['id'])}",
        "resource": resource,
    }


def write_bundle(entries, stream, *, timestamp) -> int:
    """Write a FHIR `collection` Bundle of the entries (an iterable of column dicts) to
    `stream`, one entry at a time; returns how many."""
    head = json.dumps({"resourceType": "Bundle", "type": "collection", "timestamp": _instant(timestamp)})
    count = 0
    for values in entries:
        # FHIR JSON has no empty arrays: the "entry" key opens with the first entry.
        stream.write((head[:-1] + ', "entry": [' if count == 0 else ",") + "\n")
        stream.write(json.dumps(bundle_entry(audit_event(values)), ensure_ascii=False))
        count += 1
    stream.write("\n]}\n" if count else head + "\n")
    return count
