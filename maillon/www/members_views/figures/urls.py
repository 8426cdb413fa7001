from .. import page
from . import dashboard

# Included under "cpts/<slug:cpts_slug>/" by maillon/www/members_views/urls.py; each route is declared above its view.
urlpatterns = page.urlpatterns(dashboard)
