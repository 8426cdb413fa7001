"""The public allow-list: the only routes a visitor reaches without logging in.

Every other route needs a strongly authenticated user. A test walks the URL
configuration and fails on a route that is on neither list (tests/test_routes.py).
"""

PUBLIC_ROUTES = {
    # Public pages: finding one's CPTS, CPTS pages, the regional overview, legal pages.
    "home",
    "commune_search",
    "cpts_list",
    "cpts_detail",
    "region_overview",
    "departement_overview",
    "legal_notice",
    "privacy",
    "accessibility",
    # The ACI funding simulator (issue 4): public amounts, nothing stored.
    "aci_simulator",
    # Authentication itself.
    "login",
    "login_second_factor",
    "login_totp_setup",
    "login_totp_enrolment_link",
    # The unlock link e-mailed when many addresses fail at one account (issue 19).
    "login_unlock",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "invitation_accept",
    # A professional or a structure asks to join a CPTS (the coordinator decides).
    "members_join",
    # The unsubscribe link of the CPTS's messages (a signed token, no login).
    "members_unsubscribe",
    # The médecin traitant desk (issue 5): find the CPTS of one's commune, register, and
    # follow one's registration through a private link (a signed, expiring token).
    "mt_find",
    "mt_register",
    "mt_patient_status",
    "oidc_authentication_init",
    "oidc_authentication_callback",
    # Static assets served by Django in development.
    "static",
    # >>> snp-slots: Same-day care slots (issue 6)
    # The bookings feed of a member's agenda: its secret token is the credential.
    "snp_slots_feed",
    # <<< snp-slots
    # >>> snp-requests: Same-day care requests (issue 6)
    # <<< snp-requests
    # >>> fhir: FHIR for the SAS (issue 6)
    # The SAS's slot search: checks its own Bearer token of a SAS client (maillon/fhir/auth.py).
    "fhir_slot",
    # <<< fhir
    # >>> crisis: Crisis plan and alerts (issue 7)
    # <<< crisis
    # >>> crisis-response: Crises, alerts, RETEX (issue 7)
    # The acknowledgement link of an alert (a signed, single-use, expiring token).
    "crisis_response_ack",
    # <<< crisis-response
    # >>> mt: Médecin traitant desk, more (issue 5)
    "mt_patient_status_export",  # the patient's signed link is the credential
    # <<< mt
    # >>> pathways-reminders: Patient reminders (issue 15)
    # The SMS provider's replies (« STOP »): an HMAC signature with MAILLON_SMS_INBOUND_SECRET.
    "sms_inbound",
    # The opt-out link of a reminder (a signed token of the inclusion; GET asks, POST stops).
    "pathways_reminders_stop",
    # <<< pathways-reminders
    # >>> prevention-public: Prevention sessions (issue 16)
    # A session's public page (register without an account), its .ics, its public materials;
    # a registrant cancels through the secret token of their messages.
    "prevention_session_public",
    "prevention_session_ics",
    "prevention_material_public",
    "prevention_registration_cancel",
    # <<< prevention-public
    # >>> discussions-groups: regional groups (issue 17)
    # The groups open to sign-up and each one's sign-up form (throttled per address); the
    # one-click unsubscribe link of a space's e-mails (a signed token, POST without CSRF).
    "discussions_groups_public",
    "discussions_group_signup",
    "discussions_unsubscribe",
    # <<< discussions-groups
    # >>> creation: « Créer une CPTS », filing a lettre d'intention (throttled per address), and the
    # promoters' private follow-up page (a signed link) (issue 18)
    "creation_start",
    "creation_letter_new",
    "creation_letter_territory",
    "creation_letter_follow",
    # <<< creation
    # >>> support: mission 6 (issue 21) — « Faire son stage ici » (placements, free rooms, apply
    # without an account: throttled, robot trap), the public search of ads, one ad, their RSS feed.
    "internships_public",
    "ad_search",
    "ad_public_detail",
    "ad_feed",
    # <<< support
}

PROTECTED_ROUTES = {
    # The home of each role (issue 14): where login leads.
    "my_home",
    "home_authority",
    "home_observer",
    "home_sas",
    "home_admin",
    "home_admin_cpts_new",
    "account",
    "account_token_create",
    "account_token_revoke",
    "account_token_rotate",
    "account_notifications",
    "account_notifications_read",
    "account_notification_preferences",
    "cpts_dashboard",
    "cpts_territory_edit",
    "cpts_territory_preview",
    "cpts_invite",
    "cpts_lifecycle",
    "oidc_logout",
    # Members (issue 3): the shared directory, adhesions, collèges, cotisations, import.
    "members_directory",
    "members_directory_export",
    "members_card",
    "members_vcard",
    "members_structure_vcard",
    "members_structure_card",
    "members_structure_edit",
    "members_my_card",
    "members_list",
    "members_membership",
    "members_colleges",
    "members_fees",
    "members_import",
    "members_figures",
    # Messages to members (coordinators).
    "members_mailings",
    "members_mailing_new",
    "members_mailing",
    # Governance (issue 3): elections (secret ballot), mandates, general assemblies, founding documents.
    "governance_elections",
    "governance_election",
    "governance_election_vote",
    "governance_election_candidate",
    "governance_election_open",
    "governance_election_close",
    "governance_election_mandate",
    "governance_mandates",
    "governance_assemblies",
    "governance_assembly",
    "governance_documents",
    "governance_document_download",
    # Regional observers: aggregated counts only.
    "observatory_members",
    # Meetings and time paid to members (issue 3): date polls, attendance, time, indemnities, IBAN.
    "meetings_list",
    "meetings_meeting",
    "meetings_meeting_answer",
    "meetings_meeting_choose",
    "meetings_meeting_cancel",
    "meetings_meeting_invite",
    "meetings_meeting_search",
    "meetings_meeting_invite_picked",
    "meetings_meeting_attendance",
    "meetings_meeting_edit",
    "meetings_meeting_delete",
    "meetings_time",
    "meetings_time_declare",
    "meetings_time_rate",
    "meetings_time_validate",
    "meetings_time_reject",
    "meetings_time_unvalidate",
    "meetings_time_edit",
    "meetings_bank_details",
    "meetings_payments",
    "meetings_payments_export",
    "meetings_statement",
    "meetings_statement_export",
    # The ACI contract (issue 4): coordinators write, the territory's observers and authorities read.
    "contracts_overview",
    "contracts_funding",
    "contracts_indicators",
    "contracts_indicator_document",
    # The dialogue de gestion: the year's report, its frozen versions and their files.
    "contracts_report",
    "contracts_report_download",
    # The médecin traitant desk (issue 5): queue, registrations, weights, proposals, offers.
    "mt_queue",
    "mt_patient_new",
    "mt_import",
    "mt_patient",
    "mt_weights",
    "mt_proposals",
    "mt_propose",
    "mt_proposal",
    "mt_run",
    "mt_offer",
    # >>> snp-slots: Same-day care slots (issue 6)
    "snp_slots",
    "snp_slot_new",
    "snp_slot_series_new",
    "snp_slot_series",
    "snp_slot_import",
    "snp_slot_cancel",
    "snp_slot_sharing",
    "snp_slot_agendas",
    "snp_slot_setup",
    # <<< snp-slots
    # >>> snp-requests: Same-day care requests (issue 6)
    # Requests, search and booking, duty list, outcomes, a member's appointments.
    "snp_requests",
    "snp_request_new",
    "snp_request_duty",
    "snp_request_appointments",
    "snp_request_detail",
    "snp_request_search",
    "snp_request_book",
    "snp_request_send_to_duty",
    "snp_request_cancel",
    "snp_request_booking_cancel",
    "snp_request_outcome",
    # <<< snp-requests
    # >>> fhir: FHIR for the SAS (issue 6)
    # <<< fhir
    # >>> crisis: Crisis plan and alerts (issue 7)
    # The crisis plan (mission 4): versions, editor, review by the authority, PDF, diff.
    "crisis_plan",
    "crisis_plan_version",
    "crisis_plan_section",
    "crisis_plan_professionals",
    "crisis_plan_diff",
    "crisis_plan_pdf",
    # <<< crisis
    # >>> crisis-response: Crises, alerts, RETEX (issue 7)
    "crisis_response_list",
    "crisis_response_activate",
    "crisis_response_chain",
    "crisis_response_board",
    "crisis_response_board_live",
    "crisis_response_retex",
    # <<< crisis-response
    # >>> mt: Médecin traitant desk, more (issue 5)
    "mt_patient_export",
    # <<< mt
    # >>> pathways: Care pathways (issue 15)
    "pathways_home",
    "pathways_library",
    "pathways_programme_from_template",
    "pathways_programme_copy",
    "pathways_programme",
    "pathways_programme_edit",
    "pathways_include",
    "pathways_inclusion",
    "pathways_team_add_adherent",
    "pathways_team_add_person",
    "pathways_team_end",
    "pathways_lead_change",
    "pathways_inclusion_close",
    "pathways_inclusion_move",
    "pathways_tasks",
    "pathways_task_complete",
    "pathways_breaks",
    "pathways_break_resolve",
    "pathways_plan_revise",
    "pathways_plan_pdf",
    "pathways_stay_record",
    "pathways_stay_discharge",
    # <<< pathways
    # >>> prevention-import: a measure's values imported from a source's file (issue 16)
    "prevention_measure_import",
    # <<< prevention-import
    # >>> prevention-pages: the coordination's prevention pages (issue 16)
    "prevention_action_new",
    "prevention_action",
    "prevention_action_edit",
    "prevention_action_complete",
    "prevention_action_cancel",
    "prevention_session_new",
    "prevention_session",
    "prevention_session_edit",
    "prevention_session_cancel",
    "prevention_session_held",
    "prevention_registration_cancel_by_staff",
    "prevention_session_attendance",
    "prevention_home",
    "prevention_material_new",
    "prevention_material_version",
    "prevention_material_download",
    "prevention_measure_new",
    "prevention_measure",
    "prevention_measure_value",
    # <<< prevention-pages
    # >>> quality: mission 5, quality and relevance of care (issue 20)
    "quality_action_complete",
    "quality_action_drop",
    "quality_actions",
    "quality_conference",
    "quality_conference_cancel",
    "quality_conference_pdf",
    "quality_conference_record",
    "quality_conference_request",
    "quality_conference_schedule",
    "quality_conferences",
    "quality_decision_complete",
    "quality_decision_drop",
    "quality_evaluation",
    "quality_evaluation_pdf",
    "quality_group",
    "quality_group_create",
    "quality_group_edit",
    "quality_group_session_add",
    "quality_groups",
    "quality_home",
    "quality_review",
    "quality_review_action_add",
    "quality_review_analysis",
    "quality_review_close",
    "quality_review_decide",
    "quality_review_dismiss",
    "quality_review_referent",
    "quality_review_report",
    "quality_review_share",
    "quality_reviews",
    # <<< quality
    # >>> support: mission 6, support for professionals (issue 21)
    "ad_create",
    "ad_detail",
    "ad_edit",
    "ad_fill",
    "ad_list",
    "ad_publish",
    "ad_refuse",
    "ad_withdraw",
    "application_accept",
    "application_decline",
    "application_list",
    "cross_training_create",
    "cross_training_list",
    "equipment_book",
    "equipment_booking_cancel",
    "equipment_create",
    "equipment_detail",
    "equipment_list",
    "housing_book",
    "housing_booking_cancel",
    "housing_create",
    "housing_detail",
    "housing_edit",
    "housing_list",
    "installation_abandon",
    "installation_create",
    "installation_detail",
    "installation_edit",
    "installation_list",
    "installation_settle",
    "installation_step",
    "placement_cancel",
    "placement_create",
    "placement_detail",
    "placement_fill",
    "placement_list",
    "site_edit",
    "supervisor_create",
    "supervisor_edit",
    "supervisor_list",
    "support_home",
    "tutoring_create",
    "tutoring_end",
    "tutoring_list",
    "welcome_kit",
    "welcome_kit_pdf",
    # <<< support
    # >>> discussions-groups: organisations, groups, people and moderation of the spaces (issue 17)
    "discussions_space_edit",
    "discussions_space_people",
    "discussions_participant_action",
    "discussions_space_moderation",
    "discussions_space_visio",
    "discussions_signups",
    "discussions_signup_accept",
    "discussions_signup_refuse",
    "organisations_index",
    "organisations_new",
    "organisations_organisation",
    "organisations_manager_grant",
    "organisations_manager_withdraw",
    "discussions_regional_group_new",
    # <<< discussions-groups
    # >>> discussions-threads: reading and writing in the discussion spaces (issue 17)
    "discussions_index",
    "discussions_mentions",
    "discussions_search",
    "discussions_space",
    "discussions_topic_new",
    "discussions_space_notify",
    "discussions_topic",
    "discussions_topic_new_messages",
    "discussions_reply",
    "discussions_topic_pin",
    "discussions_topic_unpin",
    "discussions_message_edit",
    "discussions_message_delete",
    "discussions_message_hide",
    "discussions_message_unhide",
    "discussions_attachment",
    "cpts_discussions",
    "discussions_working_group_new",
    # <<< discussions-threads
    # >>> creation: the ARS's letters, a CPTS's steps, grant and projet de santé (issue 18)
    "creation_letters",
    "creation_letter",
    "creation_letter_request",
    "creation_letter_accept",
    "creation_letter_refuse",
    "creation_steps",
    "creation_step_edit",
    "creation_step_document_download",
    "creation_step_document_delete",
    "creation_grant",
    "creation_grant_record",
    "creation_grant_payment_paid",
    "creation_grant_spending_add",
    "creation_grant_spending_delete",
    "creation_project",
    "creation_project_version",
    "creation_project_pdf",
    "creation_project_start",
    "creation_project_diagnosis",
    "creation_project_section",
    "creation_sheet_new",
    "creation_sheet_edit",
    "creation_sheet_delete",
    "creation_sheet_start",
    "creation_project_submit",
    "creation_project_review",
    "creation_negotiation_open",
    # <<< creation
}


def route_name(match) -> str:
    return match.url_name or ""


def is_public_route(match) -> bool:
    if match.app_name == "admin":
        return False
    return route_name(match) in PUBLIC_ROUTES
