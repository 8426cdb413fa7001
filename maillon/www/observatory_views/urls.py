from . import members, page

# Included under "observatoire/" by maillon/www/urls.py; each route is declared above its view.
urlpatterns = page.urlpatterns(members)
