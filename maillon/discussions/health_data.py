"""No patient identifier in a thread: a text holding a number that validates as a NIR or an
INS (the INS is the NIR or, for people without one, the NIA: same format, same key) is refused.

Numbers are found with spaces or dots (up to three) between their digits (« 1 85 05 78 006 084 91 »); a
candidate starts and ends where a group of digits starts and ends, so a long run of phone
numbers is not read as one. Checked with python-stdnum (`stdnum.fr.nir`).
"""

import re

from stdnum.fr import nir

# A run of digit groups (and Corsica's 2A / 2B) separated by spaces or dots.
_RUN = re.compile(r"(?<![0-9A-Za-z])[0-9](?:[ .\u00a0\u202f]{0,3}[0-9AaBb])+(?![0-9A-Za-z])")
_SEPARATORS = " .\u00a0\u202f"
# The first digit of a NIR (1, 2: sex; 3, 4: special cases) or an NIA (7, 8).
_FIRST_DIGITS = set("123478")
LENGTH = 15

REFUSAL = (
    "Message : il contient un numéro qui ressemble à un NIR ou à un INS. Les informations d'un patient "
    "ne s'échangent pas dans un espace de discussion : utilisez l'outil de parcours de la CPTS ou "
    "votre messagerie sécurisée de santé (MSSanté). Le message n'a pas été enregistré."
)


# The reason, after « <field label> : », whatever field it is put on (a message, a title, a file).
REASON = REFUSAL.split(" : ", 1)[1]


def is_refusal(message: str) -> bool:
    """Whether an error message is this refusal (its field's typed value must not be shown back)."""
    return REASON in message


def _candidates(run: str):
    """Each 15-character window of the run that starts and ends on a group boundary."""
    characters, starts, ends = [], set(), set()
    for index, char in enumerate(run):
        if char in _SEPARATORS:
            continue
        if index == 0 or run[index - 1] in _SEPARATORS:
            starts.add(len(characters))
        characters.append(char.upper())
        if index == len(run) - 1 or run[index + 1] in _SEPARATORS:
            ends.add(len(characters))
    compact = "".join(characters)
    for start in sorted(starts):
        if start + LENGTH in ends and compact[start] in _FIRST_DIGITS:
            yield compact[start : start + LENGTH]


def holds_patient_identifier(text: str) -> bool:
    for match in _RUN.finditer(text or ""):
        if any(nir.is_valid(candidate) for candidate in _candidates(match.group())):
            return True
    return False
