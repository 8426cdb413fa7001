"""The PDF toolkit lives in the domain (`maillon.core.pdf`): the report of the dialogue de
gestion renders without the web layer. The pages import it from here as before."""

from maillon.core.pdf import (  # noqa: F401
    NBSP,
    Heading,
    KeyValues,
    Paragraph,
    Table,
    decimal_fr,
    euros,
    markup,
    render_pdf,
    winansi,
)
