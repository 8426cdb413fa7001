"""The web toolkit every page of www uses: the one base form and its date fields (`forms`),
the commune picker (`communes`), breadcrumbs (`navigation`), htmx helpers (`htmx`) and dates
as the pages say them (`dates`: « semaine du 7 décembre 2026 »; template filters in
`www/templatetags/toolkit.py`)."""
