"""Page routes are declared next to their views (`www/toolkit/routes.py`): no route name and
no URL pattern may change (templates, tests and e-mails use them), and Django must still resolve
every page's address to that page (a fixed segment before a `<str:…>` or `<slug:…>` at the same
place)."""

import pytest
from django.urls import resolve

from .test_routes import sample_url
from .urlwalk import site_routes

# Every named route of the site, name → full pattern, as they were before the routes moved
# next to their views. A route added later is added here.
ROUTES = {
    "home": "",
    "commune_search": "communes/",
    "cpts_list": "cpts/",
    "region_overview": "regions/",
    "departement_overview": "departements/<str:code>/",
    "legal_notice": "mentions-legales/",
    "privacy": "donnees-personnelles/",
    "accessibility": "accessibilite/",
    "aci_simulator": "aci/simulateur/",
    "account": "compte/",
    "login": "compte/connexion/",
    "login_second_factor": "compte/connexion/code/",
    "login_totp_setup": "compte/connexion/activer-double-authentification/",
    "login_totp_enrolment_link": "compte/connexion/lien-double-authentification/<str:token>/",
    "logout": "compte/deconnexion/",
    "password_reset": "compte/mot-de-passe/",
    "password_reset_done": "compte/mot-de-passe/envoye/",
    "password_reset_confirm": "compte/mot-de-passe/<uidb64>/<token>/",
    "password_reset_complete": "compte/mot-de-passe/termine/",
    "invitation_accept": "compte/invitation/<uidb64>/<token>/",
    "account_token_create": "compte/jetons/",
    "account_token_revoke": "compte/jetons/<int:pk>/revocation/",
    "account_notifications": "compte/notifications/",
    "account_notifications_read": "compte/notifications/lues/",
    "account_notification_preferences": "compte/notifications/preferences/",
    "my_home": "accueil/",
    "home_authority": "accueil/autorite/",
    "home_observer": "accueil/observation/",
    "home_sas": "accueil/regulation-sas/",
    "home_admin": "accueil/administration/",
    "home_admin_cpts_new": "accueil/administration/nouvelle-cpts/",
    "observatory_members": "observatoire/adherents/",
    "cpts_detail": "cpts/<slug:cpts_slug>/",
    "cpts_dashboard": "cpts/<slug:cpts_slug>/espace/",
    "cpts_territory_edit": "cpts/<slug:cpts_slug>/territoire/",
    "cpts_territory_preview": "cpts/<slug:cpts_slug>/territoire/apercu/",
    "cpts_lifecycle": "cpts/<slug:cpts_slug>/etapes/",
    "cpts_invite": "cpts/<slug:cpts_slug>/invitations/",
    "members_directory": "cpts/<slug:cpts_slug>/annuaire/",
    "members_directory_export": "cpts/<slug:cpts_slug>/annuaire/export/<str:fmt>/",
    "members_card": "cpts/<slug:cpts_slug>/annuaire/<int:pk>/",
    "members_vcard": "cpts/<slug:cpts_slug>/annuaire/<int:pk>/vcard/",
    "members_structure_card": "cpts/<slug:cpts_slug>/annuaire/structures/<int:pk>/",
    "members_structure_vcard": "cpts/<slug:cpts_slug>/annuaire/structures/<int:pk>/vcard/",
    "members_join": "cpts/<slug:cpts_slug>/adherer/",
    "members_list": "cpts/<slug:cpts_slug>/membres/",
    "members_membership": "cpts/<slug:cpts_slug>/membres/<int:pk>/",
    "members_colleges": "cpts/<slug:cpts_slug>/colleges/",
    "members_fees": "cpts/<slug:cpts_slug>/cotisations/",
    "members_my_card": "cpts/<slug:cpts_slug>/ma-fiche/",
    "members_structure_edit": "cpts/<slug:cpts_slug>/annuaire/structures/<int:pk>/modifier/",
    "members_import": "cpts/<slug:cpts_slug>/membres/import/",
    "members_figures": "cpts/<slug:cpts_slug>/membres/chiffres/",
    "members_mailings": "cpts/<slug:cpts_slug>/messages/",
    "members_mailing_new": "cpts/<slug:cpts_slug>/messages/nouveau/",
    "members_mailing": "cpts/<slug:cpts_slug>/messages/<int:pk>/",
    "members_unsubscribe": "cpts/<slug:cpts_slug>/desinscription/<str:token>/",
    "governance_elections": "cpts/<slug:cpts_slug>/gouvernance/elections/",
    "governance_election": "cpts/<slug:cpts_slug>/gouvernance/elections/<int:pk>/",
    "governance_election_vote": "cpts/<slug:cpts_slug>/gouvernance/elections/<int:pk>/voter/",
    "governance_election_candidate": "cpts/<slug:cpts_slug>/gouvernance/elections/<int:pk>/candidats/",
    "governance_election_open": "cpts/<slug:cpts_slug>/gouvernance/elections/<int:pk>/ouvrir/",
    "governance_election_close": "cpts/<slug:cpts_slug>/gouvernance/elections/<int:pk>/clore/",
    "governance_election_mandate": "cpts/<slug:cpts_slug>/gouvernance/elections/<int:pk>/mandats/",
    "governance_mandates": "cpts/<slug:cpts_slug>/gouvernance/mandats/",
    "governance_assemblies": "cpts/<slug:cpts_slug>/gouvernance/assemblees/",
    "governance_assembly": "cpts/<slug:cpts_slug>/gouvernance/assemblees/<int:pk>/",
    "governance_documents": "cpts/<slug:cpts_slug>/gouvernance/documents/",
    "governance_document_download": "cpts/<slug:cpts_slug>/gouvernance/documents/versions/<int:pk>/",
    "meetings_list": "cpts/<slug:cpts_slug>/reunions/",
    "meetings_meeting": "cpts/<slug:cpts_slug>/reunions/<int:pk>/",
    "meetings_meeting_answer": "cpts/<slug:cpts_slug>/reunions/<int:pk>/disponibilites/",
    "meetings_meeting_choose": "cpts/<slug:cpts_slug>/reunions/<int:pk>/fixer-la-date/",
    "meetings_meeting_cancel": "cpts/<slug:cpts_slug>/reunions/<int:pk>/annuler/",
    "meetings_meeting_invite": "cpts/<slug:cpts_slug>/reunions/<int:pk>/inviter/",
    "meetings_meeting_search": "cpts/<slug:cpts_slug>/reunions/<int:pk>/chercher/",
    "meetings_meeting_invite_picked": "cpts/<slug:cpts_slug>/reunions/<int:pk>/inviter-par-nom/",
    "meetings_meeting_attendance": "cpts/<slug:cpts_slug>/reunions/<int:pk>/presences/",
    "meetings_meeting_edit": "cpts/<slug:cpts_slug>/reunions/<int:pk>/modifier/",
    "meetings_meeting_delete": "cpts/<slug:cpts_slug>/reunions/<int:pk>/supprimer/",
    "meetings_time": "cpts/<slug:cpts_slug>/temps/",
    "meetings_time_declare": "cpts/<slug:cpts_slug>/temps/declarer/",
    "meetings_time_rate": "cpts/<slug:cpts_slug>/temps/taux/",
    "meetings_time_validate": "cpts/<slug:cpts_slug>/temps/<int:pk>/valider/",
    "meetings_time_reject": "cpts/<slug:cpts_slug>/temps/<int:pk>/refuser/",
    "meetings_time_unvalidate": "cpts/<slug:cpts_slug>/temps/<int:pk>/retirer-la-validation/",
    "meetings_time_edit": "cpts/<slug:cpts_slug>/temps/<int:pk>/modifier/",
    "meetings_bank_details": "cpts/<slug:cpts_slug>/temps/coordonnees-bancaires/",
    "meetings_payments": "cpts/<slug:cpts_slug>/indemnites/",
    "meetings_payments_export": "cpts/<slug:cpts_slug>/indemnites/export/<str:fmt>/",
    "meetings_statement": "cpts/<slug:cpts_slug>/indemnites/releves/<int:pk>/",
    "meetings_statement_export": "cpts/<slug:cpts_slug>/indemnites/releves/<int:pk>/export/<str:fmt>/",
    "contracts_overview": "cpts/<slug:cpts_slug>/aci/",
    "contracts_funding": "cpts/<slug:cpts_slug>/aci/financement/",
    "contracts_indicators": "cpts/<slug:cpts_slug>/aci/indicateurs/",
    "contracts_indicator_document": "cpts/<slug:cpts_slug>/aci/indicateurs/valeurs/<int:pk>/justificatif/",
    "contracts_report": "cpts/<slug:cpts_slug>/aci/dialogue/<int:year>/",
    "contracts_report_download": "cpts/<slug:cpts_slug>/aci/dialogue/versions/<int:pk>/<str:fmt>/",
    "mt_queue": "cpts/<slug:cpts_slug>/medecin-traitant/",
    "mt_patient_new": "cpts/<slug:cpts_slug>/medecin-traitant/inscrire/",
    "mt_import": "cpts/<slug:cpts_slug>/medecin-traitant/import-cpam/",
    "mt_patient": "cpts/<slug:cpts_slug>/medecin-traitant/patients/<int:pk>/",
    "mt_patient_export": "cpts/<slug:cpts_slug>/medecin-traitant/patients/<int:pk>/donnees.<str:fmt>",
    "mt_weights": "cpts/<slug:cpts_slug>/medecin-traitant/priorites/",
    "mt_proposals": "cpts/<slug:cpts_slug>/medecin-traitant/propositions/",
    "mt_propose": "cpts/<slug:cpts_slug>/medecin-traitant/propositions/calculer/",
    "mt_proposal": "cpts/<slug:cpts_slug>/medecin-traitant/propositions/<int:pk>/",
    "mt_run": "cpts/<slug:cpts_slug>/medecin-traitant/calculs/<int:pk>/",
    "mt_offer": "cpts/<slug:cpts_slug>/medecin-traitant/mon-offre/",
    "mt_find": "medecin-traitant/",
    "mt_patient_status": "medecin-traitant/suivi/<str:token>/",
    "mt_patient_status_export": "medecin-traitant/suivi/<str:token>/mes-donnees.<str:fmt>",
    "mt_register": "medecin-traitant/<slug:cpts_slug>/inscription/",
    "snp_slots": "cpts/<slug:cpts_slug>/snp/creneaux/",
    "snp_slot_new": "cpts/<slug:cpts_slug>/snp/creneaux/nouveau/",
    "snp_slot_series_new": "cpts/<slug:cpts_slug>/snp/creneaux/recurrence/",
    "snp_slot_series": "cpts/<slug:cpts_slug>/snp/creneaux/recurrences/<int:pk>/",
    "snp_slot_import": "cpts/<slug:cpts_slug>/snp/creneaux/import-ics/",
    "snp_slot_cancel": "cpts/<slug:cpts_slug>/snp/creneaux/<int:pk>/annuler/",
    "snp_slot_sharing": "cpts/<slug:cpts_slug>/snp/creneaux/<int:pk>/partage/",
    "snp_slot_agendas": "cpts/<slug:cpts_slug>/snp/agendas/",
    "snp_slot_setup": "cpts/<slug:cpts_slug>/snp/professions/",
    "snp_slots_feed": "cpts/<slug:cpts_slug>/snp/flux/<str:token>.ics",
    "snp_requests": "cpts/<slug:cpts_slug>/snp/demandes/",
    "snp_request_new": "cpts/<slug:cpts_slug>/snp/demandes/nouvelle/",
    "snp_request_duty": "cpts/<slug:cpts_slug>/snp/demandes/garde/",
    "snp_request_appointments": "cpts/<slug:cpts_slug>/snp/demandes/mes-rendez-vous/",
    "snp_request_detail": "cpts/<slug:cpts_slug>/snp/demandes/<int:pk>/",
    "snp_request_search": "cpts/<slug:cpts_slug>/snp/demandes/<int:pk>/creneaux/",
    "snp_request_book": "cpts/<slug:cpts_slug>/snp/demandes/<int:pk>/reserver/",
    "snp_request_send_to_duty": "cpts/<slug:cpts_slug>/snp/demandes/<int:pk>/garde/",
    "snp_request_cancel": "cpts/<slug:cpts_slug>/snp/demandes/<int:pk>/annuler/",
    "snp_request_booking_cancel": "cpts/<slug:cpts_slug>/snp/demandes/rendez-vous/<int:pk>/annuler/",
    "snp_request_outcome": "cpts/<slug:cpts_slug>/snp/demandes/rendez-vous/<int:pk>/issue/",
    "crisis_plan": "cpts/<slug:cpts_slug>/crise/plan/",
    "crisis_plan_version": "cpts/<slug:cpts_slug>/crise/plan/<int:year>/",
    "crisis_plan_section": "cpts/<slug:cpts_slug>/crise/plan/<int:year>/sections/<slug:code>/",
    "crisis_plan_professionals": "cpts/<slug:cpts_slug>/crise/plan/<int:year>/professionnels/",
    "crisis_plan_diff": "cpts/<slug:cpts_slug>/crise/plan/<int:year>/ecarts/",
    "crisis_plan_pdf": "cpts/<slug:cpts_slug>/crise/plan/<int:year>/pdf/",
    "crisis_response_list": "cpts/<slug:cpts_slug>/crise/",
    "crisis_response_activate": "cpts/<slug:cpts_slug>/crise/declencher/",
    "crisis_response_chain": "cpts/<slug:cpts_slug>/crise/chaine/",
    "crisis_response_board": "cpts/<slug:cpts_slug>/crise/<int:pk>/",
    "crisis_response_board_live": "cpts/<slug:cpts_slug>/crise/<int:pk>/direct/",
    "crisis_response_retex": "cpts/<slug:cpts_slug>/crise/<int:pk>/retex/",
    "crisis_response_ack": "crise/accuse/<str:token>/",
    "sms_inbound": "sms/inbound",
    "pathways_reminders_stop": "parcours/rappels/arret/<str:token>/",
    "fhir_slot": "fhir/Slot",
    "pathways_home": "cpts/<slug:cpts_slug>/parcours/",
    "pathways_library": "cpts/<slug:cpts_slug>/parcours/programmes/nouveau/",
    "pathways_programme_from_template": "cpts/<slug:cpts_slug>/parcours/programmes/depuis-un-modele/",
    "pathways_programme_copy": "cpts/<slug:cpts_slug>/parcours/programmes/copier/",
    "pathways_programme": "cpts/<slug:cpts_slug>/parcours/programmes/<int:pk>/",
    "pathways_programme_edit": "cpts/<slug:cpts_slug>/parcours/programmes/<int:pk>/modifier/",
    "pathways_include": "cpts/<slug:cpts_slug>/parcours/inclure/",
    "pathways_inclusion": "cpts/<slug:cpts_slug>/parcours/inclusions/<int:pk>/",
    "pathways_team_add_adherent": "cpts/<slug:cpts_slug>/parcours/inclusions/<int:pk>/equipe/adherent/",
    "pathways_team_add_person": "cpts/<slug:cpts_slug>/parcours/inclusions/<int:pk>/equipe/personne/",
    "pathways_team_end": "cpts/<slug:cpts_slug>/parcours/inclusions/<int:pk>/equipe/fin/",
    "pathways_lead_change": "cpts/<slug:cpts_slug>/parcours/inclusions/<int:pk>/referent/",
    "pathways_inclusion_close": "cpts/<slug:cpts_slug>/parcours/inclusions/<int:pk>/clore/",
    "pathways_inclusion_move": "cpts/<slug:cpts_slug>/parcours/inclusions/<int:pk>/version/",
    "pathways_stay_record": "cpts/<slug:cpts_slug>/parcours/inclusions/<int:pk>/hospitalisations/",
    "pathways_stay_discharge": "cpts/<slug:cpts_slug>/parcours/inclusions/<int:pk>/hospitalisations/sortie/",
    "pathways_plan_revise": "cpts/<slug:cpts_slug>/parcours/inclusions/<int:pk>/ppcs/nouvelle-version/",
    "pathways_plan_pdf": "cpts/<slug:cpts_slug>/parcours/inclusions/<int:pk>/ppcs/pdf/",
    "pathways_tasks": "cpts/<slug:cpts_slug>/parcours/taches/",
    "pathways_task_complete": "cpts/<slug:cpts_slug>/parcours/taches/<int:pk>/faite/",
    "pathways_breaks": "cpts/<slug:cpts_slug>/parcours/ruptures/",
    "pathways_break_resolve": "cpts/<slug:cpts_slug>/parcours/ruptures/<int:pk>/resoudre/",
    # >>> prevention-public: Prevention sessions (issue 16)
    "prevention_session_public": "cpts/<slug:cpts_slug>/prevention/seances/<int:pk>/",
    "prevention_session_ics": "cpts/<slug:cpts_slug>/prevention/seances/<int:pk>/agenda.ics",
    "prevention_material_public": "cpts/<slug:cpts_slug>/prevention/supports/<int:pk>/telecharger/",
    "prevention_registration_cancel": "prevention/inscription/<str:token>/annuler/",
    # <<< prevention-public
    # >>> prevention-import: a measure's values imported from a source's file (issue 16)
    "prevention_measure_import": "cpts/<slug:cpts_slug>/prevention/mesures/<int:pk>/importer/",
    # <<< prevention-import
    # >>> prevention-pages: the coordination's prevention pages (issue 16)
    "prevention_action_new": "cpts/<slug:cpts_slug>/prevention/actions/nouvelle/",
    "prevention_action": "cpts/<slug:cpts_slug>/prevention/actions/<int:pk>/",
    "prevention_action_edit": "cpts/<slug:cpts_slug>/prevention/actions/<int:pk>/modifier/",
    "prevention_action_complete": "cpts/<slug:cpts_slug>/prevention/actions/<int:pk>/terminer/",
    "prevention_action_cancel": "cpts/<slug:cpts_slug>/prevention/actions/<int:pk>/annuler/",
    "prevention_session_new": "cpts/<slug:cpts_slug>/prevention/actions/<int:pk>/seances/nouvelle/",
    "prevention_session": "cpts/<slug:cpts_slug>/prevention/seances/<int:pk>/gestion/",
    "prevention_session_edit": "cpts/<slug:cpts_slug>/prevention/seances/<int:pk>/modifier/",
    "prevention_session_cancel": "cpts/<slug:cpts_slug>/prevention/seances/<int:pk>/annuler/",
    "prevention_session_held": "cpts/<slug:cpts_slug>/prevention/seances/<int:pk>/tenue/",
    "prevention_registration_cancel_by_staff": "cpts/<slug:cpts_slug>/prevention/inscriptions/<int:pk>/annuler/",
    "prevention_session_attendance": "cpts/<slug:cpts_slug>/prevention/seances/<int:pk>/presences/",
    "prevention_home": "cpts/<slug:cpts_slug>/prevention/",
    "prevention_material_new": "cpts/<slug:cpts_slug>/prevention/actions/<int:pk>/supports/nouveau/",
    "prevention_material_version": "cpts/<slug:cpts_slug>/prevention/supports/<int:pk>/version/",
    "prevention_material_download": "cpts/<slug:cpts_slug>/prevention/supports/<int:pk>/versions/<int:number>/",
    "prevention_measure_new": "cpts/<slug:cpts_slug>/prevention/actions/<int:pk>/mesures/nouvelle/",
    "prevention_measure": "cpts/<slug:cpts_slug>/prevention/mesures/<int:pk>/",
    "prevention_measure_value": "cpts/<slug:cpts_slug>/prevention/mesures/<int:pk>/valeurs/",
    # <<< prevention-pages
    # >>> discussions-groups: organisations, groups, people and moderation (issue 17)
    "discussions_unsubscribe": "discussions/desabonnement/<str:token>/",
    "discussions_space_people": "discussions/<int:space_id>/participants/",
    "discussions_participant_action": "discussions/participants/<int:participant_id>/<str:action>/",
    "discussions_signups": "discussions/<int:space_id>/inscriptions/",
    "discussions_signup_accept": "discussions/inscriptions/<int:signup_id>/accepter/",
    "discussions_signup_refuse": "discussions/inscriptions/<int:signup_id>/refuser/",
    "discussions_space_edit": "discussions/<int:space_id>/modifier/",
    "discussions_space_moderation": "discussions/<int:space_id>/moderation/",
    "discussions_space_visio": "discussions/<int:space_id>/visio/",
    "organisations_index": "organisations/",
    "organisations_new": "organisations/nouvelle/",
    "organisations_organisation": "organisations/<int:organisation_id>/",
    "organisations_manager_grant": "organisations/<int:organisation_id>/gestionnaires/",
    "organisations_manager_withdraw": "organisations/personnes/<int:person_id>/retirer/",
    "discussions_regional_group_new": "organisations/<int:organisation_id>/groupes/nouveau/",
    "discussions_groups_public": "groupes/",
    "discussions_group_signup": "groupes/<int:space_id>/inscription/",
    # <<< discussions-groups
    # >>> discussions-threads: reading and writing in the discussion spaces (issue 17)
    "discussions_index": "discussions/",
    "discussions_mentions": "discussions/mentions/",
    "discussions_search": "discussions/recherche/",
    "discussions_space": "discussions/<int:space_id>/",
    "discussions_topic_new": "discussions/<int:space_id>/nouveau-sujet/",
    "discussions_space_notify": "discussions/<int:space_id>/me-prevenir/",
    "discussions_topic": "discussions/sujets/<int:topic_id>/",
    "discussions_topic_new_messages": "discussions/sujets/<int:topic_id>/nouveaux/",
    "discussions_reply": "discussions/sujets/<int:topic_id>/repondre/",
    "discussions_topic_pin": "discussions/sujets/<int:topic_id>/epingler/",
    "discussions_topic_unpin": "discussions/sujets/<int:topic_id>/desepingler/",
    "discussions_message_edit": "discussions/messages/<int:message_id>/modifier/",
    "discussions_message_delete": "discussions/messages/<int:message_id>/supprimer/",
    "discussions_message_hide": "discussions/messages/<int:message_id>/masquer/",
    "discussions_message_unhide": "discussions/messages/<int:message_id>/afficher/",
    "discussions_attachment": "discussions/pieces-jointes/<int:attachment_id>/",
    "cpts_discussions": "cpts/<slug:cpts_slug>/discussions/",
    "discussions_working_group_new": "cpts/<slug:cpts_slug>/discussions/groupe-de-travail/",
    # <<< discussions-threads
}


def test_no_route_name_nor_pattern_changes():
    routes = site_routes()
    assert len({route.qualified_name for route in routes}) == len(routes), "a route name is declared twice"
    assert {route.qualified_name: route.pattern for route in routes} == ROUTES


@pytest.mark.parametrize("route", site_routes(), ids=lambda route: route.qualified_name)
def test_every_route_resolves_to_itself(route):
    assert resolve(sample_url(route)).view_name == route.qualified_name


@pytest.mark.parametrize(
    ("url", "name"),
    [
        # A patient's token that reads like a page of the CPTS: the fixed `suivi/` wins.
        ("/medecin-traitant/suivi/inscription/", "mt_patient_status"),
        ("/medecin-traitant/plaine/inscription/", "mt_register"),
    ],
)
def test_a_fixed_segment_comes_before_a_variable_one(url, name):
    assert resolve(url).url_name == name


def test_two_views_of_one_module_under_one_route_name_are_refused():
    import pytest
    from django.core.exceptions import ImproperlyConfigured

    from maillon.www.toolkit.routes import Routes

    page = Routes()

    def first(request):
        return None

    def second(request):
        return None

    page("a/", name="same")(first)
    with pytest.raises(ImproperlyConfigured, match="declared twice"):
        page("b/", name="same")(second)
