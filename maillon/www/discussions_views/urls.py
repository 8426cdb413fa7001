from . import attachments, index, messages, page, spaces, topics

# Included under "discussions/" by maillon/www/urls.py; each route is declared above its view. The
# fixed segments (mentions/, recherche/, sujets/, messages/, pieces-jointes/) never meet an `<int:…>`
# of the same place: the order below is the reading order.
urlpatterns = page.urlpatterns(index, spaces, topics, messages, attachments)
