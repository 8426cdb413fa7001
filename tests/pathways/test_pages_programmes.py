"""Programmes through the pages: from a library template, copied from a CPTS that shares one,
and changed — which makes a new version while the patients already included keep theirs."""

from html import unescape

import pytest
from django.urls import reverse

from maillon.pathways.factories import ProgrammeFactory, ProgrammeStepFactory
from maillon.pathways.models import Programme
from maillon.pathways.templates import TEMPLATES

from ..conftest import verified_client
from .test_pages_access import inclusion_fixture, lead_fixture, programme_fixture, teammate_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_coordination_starts_a_programme_from_a_library_template(cpts, coordinator):
    client = verified_client(coordinator)
    library = client.get(reverse("pathways_library", args=[cpts.slug])).content.decode()
    for template in TEMPLATES.values():
        assert unescape(template.name) in unescape(library)
    response = client.post(reverse("pathways_programme_from_template", args=[cpts.slug]), {"template": "pregnancy"})
    programme = Programme.objects.for_cpts(cpts).get()
    assert response["Location"] == reverse("pathways_programme", args=[cpts.slug, programme.pk])
    assert programme.perinatal and programme.template == "pregnancy"
    page = unescape(client.get(response["Location"]).content.decode())
    assert "Périnatalité / santé de la femme" in page and "Entretien prénatal précoce" in page
    home = unescape(client.get(reverse("pathways_home", args=[cpts.slug])).content.decode())
    assert "Parcours de la grossesse" in home and "Périnatalité / santé de la femme" in home


def test_an_unknown_template_is_refused_with_its_reason(cpts, coordinator):
    client = verified_client(coordinator)
    response = client.post(reverse("pathways_programme_from_template", args=[cpts.slug]), {"template": "nope"})
    assert response.status_code == 400
    assert "Modèle : choisissez un modèle de la bibliothèque." in unescape(response.content.decode())
    assert not Programme.objects.exists()


def test_a_programme_another_cpts_shares_is_copied_but_not_one_it_keeps(cpts, other_cpts, coordinator):
    shared = ProgrammeFactory(cpts=other_cpts, name="Insuffisance cardiaque", shared=True)
    ProgrammeStepFactory(programme=shared, position=1, title="Pesée quotidienne", profession="60")
    kept = ProgrammeFactory(cpts=other_cpts, name="Programme privé", shared=False)
    client = verified_client(coordinator)
    library = client.get(reverse("pathways_library", args=[cpts.slug])).content.decode()
    assert "Insuffisance cardiaque" in library and "Pesée quotidienne" in library and "Programme privé" not in library
    url = reverse("pathways_programme_copy", args=[cpts.slug])
    assert client.post(url, {"programme": kept.pk}).status_code == 404
    response = client.post(url, {"programme": shared.pk})
    copy = Programme.objects.for_cpts(cpts).get()
    assert response["Location"] == reverse("pathways_programme", args=[cpts.slug, copy.pk])
    assert (copy.name, copy.version, copy.shared) == ("Insuffisance cardiaque", 1, False)
    assert [step.title for step in copy.steps.all()] == ["Pesée quotidienne"]


def test_a_member_may_not_start_nor_copy_a_programme(cpts, lead):
    client = verified_client(lead.professional.user)
    assert (
        client.post(
            reverse("pathways_programme_from_template", args=[cpts.slug]), {"template": "pregnancy"}
        ).status_code
        == 404
    )
    assert client.post(reverse("pathways_programme_copy", args=[cpts.slug]), {"programme": "1"}).status_code == 404
    assert not Programme.objects.exists()


def steps_data(programme, rows, extra=2):
    data = {
        "name": programme.name,
        "description": "Rester chez soi, entouré.",
        "eligibility": "75 ans et plus.",
        "perinatal": "",
        "shared": "on",
        "steps-TOTAL_FORMS": str(len(rows) + extra),
        "steps-INITIAL_FORMS": str(programme.steps.count()),
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "40",
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"steps-{index}-{name}"] = value
    for index in range(len(rows), len(rows) + extra):
        data |= {
            f"steps-{index}-anchor": "inclusion",
            f"steps-{index}-offset_days": "0",
            f"steps-{index}-tolerance_days": "7",
        }
    return data


def step(title, profession="", role="", anchor="inclusion", offset="15", tolerance="7", delete=""):
    row = {
        "title": title,
        "profession": profession,
        "role": role,
        "anchor": anchor,
        "offset_days": offset,
        "tolerance_days": tolerance,
    }
    return row | ({"DELETE": "on"} if delete else {})


def test_a_change_through_the_page_is_a_new_version_and_the_included_patients_keep_theirs(
    cpts, coordinator, programme, inclusion
):
    client = verified_client(coordinator)
    url = reverse("pathways_programme_edit", args=[cpts.slug, programme.pk])
    page = unescape(client.get(url).content.decode())
    assert "Les patients déjà inclus gardent la version" in page and "Évaluation gériatrique" in page
    rows = [
        step("Évaluation gériatrique", profession="10"),
        step("Visite infirmière", profession="60", delete="on"),
        step("Réévaluation", role="Référent", anchor="recurring", offset="90", tolerance="15"),
    ]
    data = steps_data(programme, rows)
    data["steps-INITIAL_FORMS"] = "2"
    response = client.post(url, data)
    assert response.status_code == 302, unescape(response.content.decode())
    new = Programme.objects.for_cpts(cpts).get(superseded_at__isnull=True)
    assert response["Location"] == reverse("pathways_programme", args=[cpts.slug, new.pk])
    assert (new.version, new.lineage, new.shared, new.description) == (
        2,
        programme.lineage,
        True,
        "Rester chez soi, entouré.",
    )
    assert [(s.position, s.title, s.role, s.anchor) for s in new.steps.all()] == [
        (1, "Évaluation gériatrique", "", "inclusion"),
        (2, "Réévaluation", "Référent", "recurring"),
    ]
    inclusion.refresh_from_db()
    assert inclusion.programme_id == programme.pk
    programme.refresh_from_db()
    assert not programme.is_current
    old_page = unescape(client.get(reverse("pathways_programme", args=[cpts.slug, programme.pk])).content.decode())
    assert "les patients inclus dans cette version la gardent" in old_page
    assert client.get(url).status_code == 404  # only the current version is edited


def test_a_bad_step_names_its_field_and_writes_no_version(cpts, coordinator, programme):
    client = verified_client(coordinator)
    url = reverse("pathways_programme_edit", args=[cpts.slug, programme.pk])
    rows = [step("Évaluation gériatrique"), step("Visite", profession="60", anchor="recurring", offset="0")]
    response = client.post(url, steps_data(programme, rows) | {"name": ""})
    page = unescape(response.content.decode())
    assert response.status_code == 200
    assert "Nom du programme : indiquez un nom." in page
    assert "Étape 1 — " in page and "Profession : indiquez une profession ou un rôle pour cette étape." in page
    assert "Délai (jours) : une étape régulière revient au moins tous les 1 jour." in page
    assert Programme.objects.count() == 1


def test_every_step_removed_is_refused(cpts, coordinator, programme):
    client = verified_client(coordinator)
    url = reverse("pathways_programme_edit", args=[cpts.slug, programme.pk])
    rows = [
        step("Évaluation gériatrique", profession="10", delete="on"),
        step("Visite infirmière", profession="60", delete="on"),
    ]
    page = unescape(client.post(url, steps_data(programme, rows)).content.decode())
    assert "Étapes : un programme garde au moins une étape." in page
    assert Programme.objects.count() == 1
