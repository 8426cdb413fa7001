from . import moderation, page, people, signups, spaces, unsubscribe, visio

# Included under "discussions/" by maillon/www/urls.py, next to the thread pages
# (`discussions_views`): the fixed segments (desabonnement/, participants/, inscriptions/) never
# meet an `<int:…>` at the same place; the order below is the reading order.
urlpatterns = page.urlpatterns(unsubscribe, people, signups, spaces, moderation, visio)
