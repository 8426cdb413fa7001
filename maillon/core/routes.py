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
    # Authentication itself.
    "login",
    "login_second_factor",
    "login_totp_setup",
    "login_totp_enrolment_link",
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
    "oidc_authentication_init",
    "oidc_authentication_callback",
    # Static assets served by Django in development.
    "static",
}

PROTECTED_ROUTES = {
    "account",
    "account_token_create",
    "account_token_revoke",
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
    "meetings_time",
    "meetings_bank_details",
    "meetings_payments",
    "meetings_payments_export",
    "meetings_statement",
}


def route_name(match) -> str:
    return match.url_name or ""


def is_public_route(match) -> bool:
    if match.app_name == "admin":
        return False
    return route_name(match) in PUBLIC_ROUTES
