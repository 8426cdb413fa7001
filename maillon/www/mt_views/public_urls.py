from . import export, find, public_page, register, status

# Included under "medecin-traitant/" by maillon/www/urls.py: public pages, no login; each route
# is declared above its view. `status` before `register`: "suivi/<str:token>/" is tried before
# "<slug:cpts_slug>/inscription/".
urlpatterns = public_page.urlpatterns(find, status, export, register)
