"""Django's and the admin's English, which no page of Maillon may show.

`english_strings_in(html)` lists the strings of ENGLISH_STRINGS found in the text a person reads
on the page: text between tags, the page title and the labels of options; never attribute
values, scripts, styles or code, so a CSS class (`fr-btn--secondary`) or a JSON island cannot
trip it. The navigation crawl runs it on every page it reaches."""

import re
from html.parser import HTMLParser

ENGLISH_STRINGS = [
    # Error pages (Django's defaults, its debug pages, the CSRF failure page).
    "Page not found",
    "Not Found",
    "The requested resource was not found",
    "Server Error",
    "Internal Server Error",
    "Bad Request",
    "Forbidden",
    "Method Not Allowed",
    "CSRF verification failed",
    "Request aborted",
    "Using the URLconf",
    "You're seeing this error because you have",
    "Request Method",
    "Exception Value",
    "Traceback",
    # Form errors and widgets.
    "This field is required",
    "Enter a valid",
    "Enter a whole number",
    "Enter a number",
    "Enter a list of values",
    "Select a valid choice",
    "Ensure this value",
    "Ensure that there are no more than",
    "Please correct the error",
    "Please enter the correct",
    "The two password fields",
    "---------",
    "Currently:",
    "Change:",
    # The admin's own words.
    "Django administration",
    "Django site admin",
    "Site administration",
    "Welcome,",
    "View site",
    "Change password",
    "Log out",
    "Recent actions",
    "My actions",
    "None available",
    "Save and continue editing",
    "Save and add another",
    "Save and continue",
    "Save as new",
    "Add another",
    "Delete selected",
    "Are you sure?",
    "No, take me back",
    "Show all",
    "Clear all filters",
    "Start typing to filter",
    "Skip to main content",
    "Toggle navigation",
    "Change history",
    "You don’t have permission",
    "You don't have permission",
    "Select all",
    "to change",
    "to view",
    "Action:",
    # Third-party apps and fields left with their code name.
    "Task Results",
    "Task Result",
    "Tasks Database Backend",
    "TOTP devices",
    "TOTP device",
    "Otp_Totp",
    "Recorded by",
    "Created at",
    "Updated at",
    "Last used at",
    "Created by",
]

# Elements whose content nobody reads as text.
HIDDEN = {"script", "style", "template", "code", "pre", "noscript", "svg"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hidden_depth = 0
        self.chunks = []

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN:
            self.hidden_depth += 1

    def handle_endtag(self, tag):
        if tag in HIDDEN and self.hidden_depth:
            self.hidden_depth -= 1

    def handle_data(self, data):
        if not self.hidden_depth:
            self.chunks.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    # Each text node apart: « Log » in one tag and « out » in the next do not make « Log out ».
    return "\n".join(" ".join(chunk.split()) for chunk in parser.chunks)


def _pattern(string: str) -> re.Pattern:
    start = r"\b" if string[0].isalnum() else ""
    end = r"\b" if string[-1].isalnum() else ""
    return re.compile(start + re.escape(string) + end, re.IGNORECASE)


PATTERNS = [(string, _pattern(string)) for string in ENGLISH_STRINGS]


def english_strings_in(html: str) -> list[str]:
    """The strings of ENGLISH_STRINGS the page shows, in the list's order; [] for a French page."""
    text = visible_text(html)
    return [string for string, pattern in PATTERNS if pattern.search(text)]
