from . import organisations, page

# Included under "organisations/" by maillon/www/urls.py; each route is declared above its view.
urlpatterns = page.urlpatterns(organisations)
