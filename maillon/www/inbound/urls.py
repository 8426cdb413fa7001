from . import page, reminders_stop, sms

# Included under "" by maillon/www/urls.py: public routes, no login (a signature is the proof).
urlpatterns = page.urlpatterns(sms, reminders_stop)
