"""What comes in from outside without a login: the patients' replies to their reminders (the
SMS provider's signed callback) and the reminders' opt-out page (a signed link)."""

from maillon.www.toolkit.routes import Routes

page = Routes()  # the routes of these public pages, declared next to their views
