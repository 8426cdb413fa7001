"""The authenticated user's own account and roles."""

import datetime

from ninja import Field, Router, Schema

from maillon.core import journal
from maillon.core.models import CptsRole
from maillon.core.policies import is_platform_admin
from maillon.territories.models import TerritoryRole

from .presenters import code_name, cpts_ref
from .schemas import AUTH_ERRORS, MeOut

router = Router(tags=["Compte"])


class MeTokenOut(Schema):
    expires_at: datetime.datetime = Field(description="Fin de validité du jeton (date et heure ISO 8601).")
    scopes: list[str] = Field(
        description="Portées du jeton, « <domaine>:read » ou « <domaine>:write » (l'écriture inclut la lecture).",
        examples=[["members:read", "snp:read", "snp:write"]],
    )


class AccountOut(MeOut):
    token: MeTokenOut | None = Field(description="Le jeton de l'appel ; null pour une session du navigateur.")


PERSONAL_FIELDS = ["email", "first_name", "last_name"]


def territory_role_dict(role):
    return {
        "role": role.role,
        "role_label": role.get_role_display(),
        "organisation": role.organisation,
        "departement": code_name(role.departement) if role.departement else None,
        "region": code_name(role.region) if role.region else None,
    }


@router.get("/me", response={200: AccountOut, **AUTH_ERRORS}, summary="Mon compte")
def me(request):
    """Adresse, nom, rôles dans les CPTS et rôles territoriaux de l'utilisateur authentifié ; le
    jeton de l'appel (fin de validité, portées), ou null pour une session. Aucune portée requise."""
    user = request.auth
    token = getattr(request, "api_token", None)
    cpts_roles = CptsRole.objects.filter(user=user).select_related("cpts").order_by("cpts__name")
    territory_roles = TerritoryRole.objects.filter(user=user).select_related("departement", "region")
    journal.record_read(user, PERSONAL_FIELDS, actor=user)
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "is_platform_admin": is_platform_admin(user),
        "cpts_roles": [
            {"cpts": cpts_ref(role.cpts), "role": role.role, "role_label": role.get_role_display()}
            for role in cpts_roles
        ],
        "territory_roles": [territory_role_dict(role) for role in territory_roles.order_by("pk")],
        "token": {"expires_at": token.expires_at, "scopes": token.scopes} if token is not None else None,
    }
