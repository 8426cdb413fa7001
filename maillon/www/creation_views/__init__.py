from maillon.www.toolkit.routes import Routes

page = Routes()  # the routes of the creation of a CPTS (letters, steps, grant, projet de santé)
