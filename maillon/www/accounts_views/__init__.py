from maillon.www.toolkit.routes import Routes

page = Routes()  # the routes of the account pages, declared next to their views
