"""The REST API, version 1, mounted at /api/v1/ (see docs/api.md).

Every operation is private (`PRIVATE`: a token or a strong session), set once below;
a public one, or its router, says `auth=None`. tests/api/test_api_operations_declare_auth.py lists both.
"""

from ninja import NinjaAPI

from . import (
    aci,
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
    reports,
    snp_requests,
    snp_slots,
    territories,
)
from .auth import PRIVATE

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

api.add_router("", communes.router)
api.add_router("", cpts.router)
api.add_router("", territories.router)
api.add_router("", me.router)
api.add_router("", members.router)
api.add_router("", meetings.router)
api.add_router("", aci.router)
api.add_router("", contracts.router)
api.add_router("", reports.router)
api.add_router("", mt.router)
api.add_router("", snp_slots.router)
api.add_router("", snp_requests.router)
api.add_router("", crisis.router)
api.add_router("", crisis_response.router)
api.add_router("", pathways.router)
api.add_router("", pathways_work.router)
api.add_router("", prevention.router)
api.add_router("", prevention_imports.router)
api.add_router("", organisations.router)
api.add_router("", discussions.router)
api.add_router("", creation.router)
