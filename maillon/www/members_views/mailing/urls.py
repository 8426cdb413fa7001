from .. import page
from . import detail, mailing_list, new, unsubscribe

# Included under "cpts/<slug:cpts_slug>/" by maillon/www/members_views/urls.py; each route is declared above its view.
urlpatterns = page.urlpatterns(mailing_list, new, detail, unsubscribe)
