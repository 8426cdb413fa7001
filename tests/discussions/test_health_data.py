"""The NIR / INS check of the threads (maillon/discussions/health_data.py), by property: any
valid NIR, however its groups are spaced or dotted and wherever it sits in a text, is found;
phone numbers, dates and a 15-digit number with a wrong key are not."""

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from stdnum.fr import nir

from maillon.discussions.health_data import holds_patient_identifier

# The suite runs in parallel on busy machines: there the time a draw or a check takes measures the
# machine, not the rule.
UNHURRIED = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
SEPARATORS = ["", " ", ".", "\u00a0", "\u202f"]
# What surrounds the number: words, punctuation, other numbers — no letter glued to it. (A
# fixed alphabet: drawing from Unicode categories is too slow for Hypothesis on a busy machine.)
TEXT = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéèêàçôîÉÀ ,;:!?()«»'’-/+*%€\u00a0\u202f\t"
WORDS = st.text(alphabet=TEXT + "0123456789", max_size=40)

# After a number with a wrong key, no digit: digits there could make, with the number's last
# groups, another 15-digit number which might validate.
LETTERS = st.text(alphabet=TEXT, max_size=40)


@st.composite
def nir_bodies(draw):
    """The 13 digits before the key: sex (or 3, 4 special, 7, 8 for an NIA), year, month,
    département (2A / 2B for Corsica), commune, order."""
    first = draw(st.sampled_from("123478"))
    year = draw(st.integers(0, 99))
    month = draw(st.sampled_from([*range(1, 13), 20, 30, 42, 50, 99]))
    departement = draw(st.sampled_from([f"{n:02d}" for n in range(1, 96)] + ["2A", "2B", "97", "98", "99"]))
    commune = draw(st.integers(1, 999))
    order = draw(st.integers(1, 999))
    return f"{first}{year:02d}{month:02d}{departement}{commune:03d}{order:03d}"


def valid_nir(body: str) -> str:
    number = body + nir.calc_check_digits(body)
    assert nir.is_valid(number)
    return number


@st.composite
def written(draw, number: str):
    """The number cut in groups anywhere (often as on a carte Vitale: 1 2 2 2 3 3 2), each cut
    written with nothing, a space, a dot or a no-break space."""
    if draw(st.booleans()):
        cuts = [1, 3, 5, 7, 10, 13]
    else:
        cuts = sorted(draw(st.sets(st.integers(1, len(number) - 1), max_size=8)))
    pieces, start = [], 0
    for cut in [*cuts, len(number)]:
        pieces.append(number[start:cut])
        start = cut
    text = pieces[0]
    for piece in pieces[1:]:
        text += draw(st.sampled_from(SEPARATORS)) + piece
    if draw(st.booleans()):
        text = text.lower()  # 2a / 2b
    return text


@st.composite
def nir_in_a_text(draw):
    number = valid_nir(draw(nir_bodies()))
    before, after = draw(WORDS), draw(WORDS)
    return f"{before} {draw(written(number))} {after}"


@UNHURRIED
@given(nir_in_a_text())
@example("Patiente 1 85 05 78 006 084 91 vue ce matin")
@example("INS: 185057800608491.")
def test_any_valid_nir_written_in_a_text_is_found(text):
    assert holds_patient_identifier(text)


@pytest.mark.parametrize("departement", ["2A", "2B", "2a"])
def test_a_nir_born_in_corsica_is_found(departement):
    body = f"28405{departement.upper()}112233"
    key = nir.calc_check_digits(body)
    assert holds_patient_identifier(f"Mme X (2 84 05 {departement} 112 233 {key}), à revoir")


@st.composite
def phone(draw):
    digits = "0" + str(draw(st.integers(1, 9))) + "".join(str(draw(st.integers(0, 9))) for _ in range(8))
    pairs = [digits[i : i + 2] for i in range(0, 10, 2)]
    style = draw(st.sampled_from(["spaced", "dotted", "compact", "international"]))
    if style == "spaced":
        return " ".join(pairs)
    if style == "dotted":
        return ".".join(pairs)
    if style == "compact":
        return digits
    return "+33 " + digits[1] + " " + " ".join(pairs[1:])


@st.composite
def date(draw):
    day, month, year = draw(st.integers(1, 28)), draw(st.integers(1, 12)), draw(st.integers(1930, 2030))
    style = draw(st.sampled_from(["{d:02d}/{m:02d}/{y}", "{d:02d}.{m:02d}.{y}", "{y}-{m:02d}-{d:02d}", "{d} {m} {y}"]))
    hour = draw(st.sampled_from(["", " à 20 h 30", " 14:00"]))
    return style.format(d=day, m=month, y=year) + hour


@UNHURRIED
@given(st.lists(st.one_of(phone(), date()), min_size=1, max_size=6), st.sampled_from([" et ", ", ", " ou le ", " — "]))
@example(["01 23 45 67 89", "06.12.34.56.78", "12.03.2026"], " et ")
def test_phone_numbers_and_dates_are_not_patient_identifiers(numbers, joiner):
    text = "Rappelez-moi au " + joiner.join(numbers) + "."
    assert not holds_patient_identifier(text)


@UNHURRIED
@given(nir_bodies(), st.integers(1, 96), st.sampled_from(SEPARATORS[:3]), LETTERS)
def test_a_fifteen_digit_number_with_a_wrong_key_is_not_found(body, shift, separator, words):
    key = (int(nir.calc_check_digits(body)) + shift) % 100
    number = f"{body}{key:02d}"
    assert not nir.is_valid(number)
    # The same cuts as a carte Vitale, with the separator drawn.
    groups = [number[:1], number[1:3], number[3:5], number[5:7], number[7:10], number[10:13], number[13:]]
    assert not holds_patient_identifier(f"Dossier {separator.join(groups)} {words}")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Réunion jeudi à 20 h, salle 12.",
        "RPPS 10100901734, FINESS 750712184",
        "SIRET 732 829 320 00074",
        "Montant : 1 250 000,00 € le 12/03/2026",
    ],
)
def test_ordinary_numbers_are_not_patient_identifiers(text):
    assert not holds_patient_identifier(text)
