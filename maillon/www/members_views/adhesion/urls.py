from .. import page
from . import colleges, fees, join, member_list, membership, my_card, structure_card

# Included under "cpts/<slug:cpts_slug>/" by maillon/www/members_views/urls.py; each route is declared above its view.
urlpatterns = page.urlpatterns(join, member_list, membership, colleges, fees, my_card, structure_card)
