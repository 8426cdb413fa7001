from maillon.www.toolkit.routes import Routes

page = Routes()  # the routes of the prevention pages, declared next to their views
