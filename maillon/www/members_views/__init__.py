from maillon.www.toolkit.routes import Routes

page = Routes()  # the routes of the members pages (every subpackage), declared next to their views
