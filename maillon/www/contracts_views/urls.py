from . import contract, documents, funding, indicators, page, report

# Included under "cpts/<slug:cpts_slug>/" by maillon/www/urls.py; each route is declared above its view.
urlpatterns = page.urlpatterns(contract, funding, indicators, documents, report)
