from maillon.www.toolkit.routes import Routes

page = Routes()  # the routes of the care pathways pages, declared next to their views
