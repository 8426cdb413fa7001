from ninja import NinjaAPI

api = NinjaAPI(title="Maillon API", version="1", urls_namespace="api-1")
