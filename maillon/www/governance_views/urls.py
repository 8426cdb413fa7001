from . import assemblies, assembly, documents, download, election, elections, mandates, page

# Included under "cpts/<slug:cpts_slug>/" by maillon/www/urls.py; each route is declared above its view.
urlpatterns = page.urlpatterns(elections, election, mandates, assemblies, assembly, documents, download)
