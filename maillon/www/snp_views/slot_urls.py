from . import page, slots

# Included under "cpts/<slug:cpts_slug>/" by maillon/www/urls.py: members' SNP slots (the
# bookings feed of an agenda, `snp_slots_feed`, is reached by its secret token, no login).
urlpatterns = page.urlpatterns(slots)
