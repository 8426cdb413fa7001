"""The REST API, version 1, mounted at /api/v1/ (see docs/api.md).

Every operation is private (`PRIVATE`: a token or a strong session), set once below;
a public one, or its router, says `auth=None`. tests/api/test_api_operations_declare_auth.py lists both.
"""

from ninja import NinjaAPI

from . import (
    aci,
    ads,
    communes,
    contracts,
    cpts,
    creation,
    crisis,
    crisis_response,
    discussions,
    errors,
    me,
    meetings,
    members,
    mt,
    organisations,
    pathways,
    pathways_work,
    prevention,
    prevention_imports,
    quality,
    reports,
    snp_requests,
    snp_slots,
    support,
    territories,
)
from .auth import NO_SCOPE, PRIVATE, area_auth

api = NinjaAPI(
    title="Maillon API",
    version="1",
    description="API des CPTS : communes, CPTS, territoires, membres. Guide : docs/api.md.",
    urls_namespace="api-1",
    openapi_url="/openapi.json",
    docs_url="/docs",
    # Private unless an operation (or its router) says `auth=None`.
    auth=PRIVATE,
)
errors.install(api)

# Each router is mounted with the token scope area of its private operations
# (core.token_scopes; auth.area_auth): a token needs `<area>:read` for a GET, `<area>:write`
# otherwise. A router of public operations only is mounted without one. A router mounted
# without its area refuses every token (auth.UNDECLARED) and fails tests/api/test_api_token_scopes.py.
api.add_router("", communes.router)  # public
api.add_router("", cpts.router, auth=area_auth("territories"))
api.add_router("", territories.router)  # public
api.add_router("", me.router, auth=area_auth(NO_SCOPE))
api.add_router("", members.router, auth=area_auth("members"))
api.add_router("", meetings.router, auth=area_auth("meetings"))
api.add_router("", aci.router)  # public
api.add_router("", contracts.router, auth=area_auth("aci"))
api.add_router("", reports.router, auth=area_auth("aci"))
api.add_router("", mt.router, auth=area_auth("mt"))
api.add_router("", snp_slots.router, auth=area_auth("snp"))
api.add_router("", snp_requests.router, auth=area_auth("snp"))
api.add_router("", crisis.router, auth=area_auth("crisis"))
api.add_router("", crisis_response.router, auth=area_auth("crisis"))
api.add_router("", pathways.router, auth=area_auth("pathways"))
api.add_router("", pathways_work.router, auth=area_auth("pathways"))
api.add_router("", prevention.router, auth=area_auth("prevention"))
api.add_router("", prevention_imports.router, auth=area_auth("prevention"))
api.add_router("", organisations.router, auth=area_auth("organisations"))
api.add_router("", discussions.router, auth=area_auth("discussions"))
api.add_router("", creation.router, auth=area_auth("creation"))
api.add_router("", quality.router, auth=area_auth("quality"))
api.add_router("", ads.router)  # public
api.add_router("", support.router, auth=area_auth("support"))
