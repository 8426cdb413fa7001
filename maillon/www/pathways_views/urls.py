from . import edit, home, include, inclusion, library, page, programme

# Included under "cpts/<slug:cpts_slug>/" by maillon/www/urls.py; each route is declared above its view.
urlpatterns = page.urlpatterns(home, library, programme, edit, include, inclusion)
