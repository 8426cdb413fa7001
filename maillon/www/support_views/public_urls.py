from . import ads_public, page

# Included under "annonces/" by maillon/www/urls.py: the public search of ads, no login.
urlpatterns = page.urlpatterns(ads_public)
