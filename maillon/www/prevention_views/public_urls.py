from . import page, public_cancel

# Included under "prevention/" by maillon/www/urls.py: public pages, no login (the secret link of
# a registrant's messages).
urlpatterns = page.urlpatterns(public_cancel)
