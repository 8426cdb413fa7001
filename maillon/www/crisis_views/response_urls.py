from . import page, response_board, response_chain, response_crises, response_retex

# Included under "cpts/<slug:cpts_slug>/" by maillon/www/urls.py: crises, alerts, RETEX.
urlpatterns = page.urlpatterns(response_crises, response_chain, response_board, response_retex)
