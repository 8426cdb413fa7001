"""The web toolkit every page of www uses: the one base form and its date fields (`forms`),
the commune picker (`communes`), breadcrumbs (`navigation`) and htmx helpers (`htmx`)."""
