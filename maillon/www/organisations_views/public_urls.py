from . import page, public

# Included under "groupes/" by maillon/www/urls.py: the public list of regional groups and their
# sign-up forms, no login.
urlpatterns = page.urlpatterns(public)
