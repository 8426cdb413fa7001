from maillon.www.toolkit.routes import Routes

page = Routes()  # the routes of the discussion pages (reading and writing), declared next to their views
