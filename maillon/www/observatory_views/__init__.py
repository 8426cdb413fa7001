from maillon.www.toolkit.routes import Routes

page = Routes()  # the routes of the observatory pages, declared next to their views
