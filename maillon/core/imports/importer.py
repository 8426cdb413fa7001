"""An import: its columns, its checks and its write; the kit reads, maps, previews and confirms."""

from .columns import ColumnSet
from .preview import BaseRow, Preview, all_or_nothing, records_of


class Importer:
    """Subclass per import: set the class attributes, write `check` and `write` (and `missing`)."""

    columns: ColumnSet
    preview_class: type[Preview] = Preview
    empty_message = ""  # a header without data lines
    template_filename = "modele.csv"
    race_message = "Les données ont changé pendant l'import : relancez l'aperçu."

    @property
    def required(self) -> tuple[str, ...]:
        return self.columns.required

    def missing(self, found) -> list[str]:
        """Labels of the required columns the header lacks (the column set's rule)."""
        return self.columns.missing(found)

    def check(self, cpts, records) -> list[BaseRow]:
        raise NotImplementedError

    def write(self, cpts, preview, *, by):
        raise NotImplementedError

    def template_csv(self) -> str:
        return self.columns.template_csv()

    def records_of(self, lines, preview, mapping=None):
        return records_of(
            lines, preview, self.columns, mapping=mapping, missing=self.missing, empty_message=self.empty_message
        )

    def analyse(self, cpts, content: bytes, filename: str = "", *, mapping=None):
        """Read and check the whole file; writes nothing. `mapping`: {column index: key} the user chose."""
        preview = self.preview_class()
        lines = preview.read(content, filename)
        if lines is None:
            return preview
        records = self.records_of(lines, preview, mapping)
        if not preview.file_errors:
            preview.rows = self.check(cpts, records)
        return preview

    def commit(self, cpts, content: bytes, filename: str = "", *, by, mapping=None):
        """All or nothing: analyse again (the platform may have changed since the preview), then write."""
        return all_or_nothing(
            cpts,
            lambda: self.analyse(cpts, content, filename, mapping=mapping),
            lambda preview: self.write(cpts, preview, by=by),
            race_message=self.race_message,
            empty=self.preview_class,
        )
