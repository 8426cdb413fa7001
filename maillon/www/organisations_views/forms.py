"""The forms of the organisations, groups and moderation pages.

Sign-up questions are written in one text area, one question per line; a line that ends with
an asterisk (« * ») asks for a required answer (`parse_questions`, `questions_text`)."""

from django import forms
from django.core.exceptions import ValidationError

from maillon.core.identifiers import is_valid_rpps
from maillon.discussions.models import ParticipantRole, SignupQuestion
from maillon.meetings.models import validate_series_rule
from maillon.organisations.models import Organisation, OrganisationKind
from maillon.territories.models import Region

from ..public_views.public_request import RobotTrap
from ..toolkit.forms import MaillonForm, datetime_field, named_field, text_field

MAX_QUESTIONS = 10
REQUIRED_MARK = "*"
QUESTIONS_HELP = (
    "Une question par ligne, 10 au plus. Terminez la ligne par un astérisque (*) quand la réponse "
    "est obligatoire, par exemple : « Depuis combien de temps exercez-vous en libéral ? * »."
)


def parse_questions(text: str) -> list[tuple[str, bool]]:
    """(label, required) of each non-empty line; « * » at the end marks a required answer."""
    questions = []
    for line in (text or "").splitlines():
        line = line.strip()
        required = line.endswith(REQUIRED_MARK)
        label = line.rstrip(REQUIRED_MARK).strip()
        if label:
            questions.append((label, required))
    return questions


def questions_text(space) -> str:
    return "\n".join(
        f"{question.label} {REQUIRED_MARK}" if question.required else question.label
        for question in space.signup_questions.all()
    )


class QuestionsField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(
            label="Questions du formulaire d'inscription",
            required=False,
            widget=forms.Textarea(attrs={"rows": 5}),
            help_text=QUESTIONS_HELP,
            **kwargs,
        )

    def clean(self, value):
        questions = parse_questions(super().clean(value))
        if len(questions) > MAX_QUESTIONS:
            raise ValidationError(f"Questions : {MAX_QUESTIONS} questions au plus (il y en a {len(questions)}).")
        for label, _ in questions:
            if len(label) > 300:
                raise ValidationError(f"Questions : 300 caractères au plus par question (« {label[:40]}… »).")
        return questions


# --- Organisations ---


class OrganisationForm(MaillonForm):
    name = text_field("Nom", 150)
    kind = forms.ChoiceField(label="Type", choices=OrganisationKind.choices)
    region = forms.ModelChoiceField(
        label="Région",
        queryset=Region.objects.order_by("name"),
        required=False,
        help_text="Laissez vide pour une organisation nationale (France entière).",
        error_messages={"invalid_choice": "Région : choisissez une des régions proposées."},
    )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if Organisation.objects.filter(name__iexact=name).exists():
            raise ValidationError("Nom : une organisation porte déjà ce nom.")
        return name


class EmailForm(MaillonForm):
    email = forms.EmailField(label="Adresse électronique", max_length=254)


# --- Groups ---


class RegionalGroupForm(MaillonForm):
    name = text_field("Nom du groupe", 120)
    description = text_field(
        "Description",
        2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Montrée sur la page publique d'inscription : à qui le groupe s'adresse, ce qu'on y échange.",
    )
    questions = QuestionsField()


class SpaceForm(MaillonForm):
    """Name and description; a regional group adds its sign-up (open or not, questions), a
    working group its participants (people with a role in its CPTS)."""

    name = text_field("Nom", 120)
    description = text_field("Description", 2000, required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, space, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        if space.is_regional:
            self.add_field(
                "signup_open",
                forms.BooleanField(
                    label="Inscriptions ouvertes",
                    required=False,
                    help_text="Le groupe figure sur la page publique des groupes et reçoit des demandes.",
                ),
            )
            self.add_field("questions", QuestionsField())
        if space.kind == "working_group":
            self.add_field(
                "users",
                forms.TypedMultipleChoiceField(
                    label="Participants",
                    choices=people,
                    coerce=int,
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                    error_messages={"invalid_choice": "Participants : choisissez parmi les personnes de la CPTS."},
                ),
            )


class NoteForm(MaillonForm):
    note = text_field("Motif", 200, required=False)


class ModerationForm(MaillonForm):
    note = text_field(
        "Motif", 200, help_text="Noté au registre de modération, que voient la modération et les gestionnaires."
    )


class AddPersonForm(MaillonForm):
    email = forms.EmailField(label="Adresse électronique", max_length=254, help_text="La personne a déjà un compte.")
    role = forms.ChoiceField(label="Rôle", choices=ParticipantRole.choices, initial=ParticipantRole.PARTICIPANT)


class RoleForm(MaillonForm):
    role = forms.ChoiceField(label="Rôle", choices=ParticipantRole.choices)


# --- The recurring visio ---


class Frequency:
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    CUSTOM = "custom"
    CHOICES = [
        (WEEKLY, "Chaque semaine"),
        (FORTNIGHTLY, "Toutes les deux semaines"),
        (MONTHLY, "Chaque mois, le même jour de la semaine (par exemple le 2e mardi)"),
        (QUARTERLY, "Chaque trimestre, le même jour de la semaine (par exemple le 2e mardi)"),
        (CUSTOM, "Autre règle (RRULE)"),
    ]


WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def rule_for(frequency: str, first_starts_at, custom: str = "") -> str:
    """The RRULE of a frequency chosen in words, from the weekday of the first session and its
    rank in its month (the 5th weekday of a month becomes « the last »)."""
    if frequency == Frequency.WEEKLY:
        return "FREQ=WEEKLY"
    if frequency == Frequency.FORTNIGHTLY:
        return "FREQ=WEEKLY;INTERVAL=2"
    if frequency in (Frequency.MONTHLY, Frequency.QUARTERLY):
        rank = (first_starts_at.day - 1) // 7 + 1
        day = f"{-1 if rank == 5 else rank}{WEEKDAYS[first_starts_at.weekday()]}"
        interval = ";INTERVAL=3" if frequency == Frequency.QUARTERLY else ""
        return f"FREQ=MONTHLY{interval};BYDAY={day}"
    return custom.strip()


def frequency_of(rule: str) -> tuple[str, str]:
    """The frequency that writes `rule` (the custom rule otherwise)."""
    known = {"FREQ=WEEKLY": Frequency.WEEKLY, "FREQ=WEEKLY;INTERVAL=2": Frequency.FORTNIGHTLY}
    if rule in known:
        return known[rule], ""
    if rule.startswith("FREQ=MONTHLY;BYDAY="):
        return Frequency.MONTHLY, ""
    if rule.startswith("FREQ=MONTHLY;INTERVAL=3;BYDAY="):
        return Frequency.QUARTERLY, ""
    return Frequency.CUSTOM, rule


class SeriesForm(MaillonForm):
    title = text_field("Intitulé", 200, initial="Visio du groupe")
    first_starts_at = datetime_field("Première séance", help_text="Le jour et l'heure de la première séance.")
    frequency = forms.ChoiceField(
        label="Fréquence",
        choices=Frequency.CHOICES,
        error_messages={"invalid_choice": "Fréquence : choisissez une des fréquences proposées."},
    )
    rule = text_field(
        "Règle de récurrence (RRULE)",
        200,
        required=False,
        help_text="Seulement pour « Autre règle », par exemple FREQ=MONTHLY;INTERVAL=2;BYDAY=+1TH.",
    )
    duration_minutes = named_field(
        forms.IntegerField,
        "Durée (minutes)",
        {"min_value": "15 minutes au moins.", "max_value": "480 minutes au plus."},
        min_value=15,
        max_value=480,
        initial=60,
    )
    visio_url = forms.URLField(
        label="Lien de visioconférence",
        required=False,
        max_length=200,
        assume_scheme="https",
        error_messages={"invalid": "Lien de visioconférence : saisissez une adresse complète (https://…)."},
    )

    def clean(self):
        data = super().clean()
        start = data.get("first_starts_at")
        frequency = data.get("frequency")
        if start is None or not frequency:
            return data
        if frequency == Frequency.CUSTOM and not (data.get("rule") or "").strip():
            self.add_error("rule", "Règle de récurrence : écrivez la règle, ou choisissez une fréquence proposée.")
            return data
        rule = rule_for(frequency, start, data.get("rule") or "")
        try:
            validate_series_rule(rule)
        except ValidationError as error:
            self.add_error("rule", error)
        data["rule"] = rule
        return data


class SessionRecordForm(MaillonForm):
    starts_at = forms.TypedChoiceField(label="Séance", coerce=str)
    replay_url = forms.URLField(
        label="Lien du replay",
        required=False,
        max_length=200,
        assume_scheme="https",
        error_messages={"invalid": "Lien du replay : saisissez une adresse complète (https://…)."},
    )
    minutes = text_field("Compte rendu court", 4000, required=False, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, past_starts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].choices = [(start.isoformat(), f"{start:%d/%m/%Y à %H:%M}") for start in past_starts]
        self.fields["starts_at"].error_messages["invalid_choice"] = "Séance : choisissez une des séances passées."


# --- The public sign-up form ---


class SignupPublicForm(MaillonForm, RobotTrap):
    first_name = text_field("Prénom", 100)
    last_name = text_field("Nom", 100)
    email = forms.EmailField(
        label="Courriel", max_length=254, help_text="Pour recevoir la réponse de l'équipe pilote et votre accès."
    )
    profession = text_field("Profession", 100, help_text="Par exemple : sage-femme, infirmière, médecin généraliste.")
    rpps = text_field("Numéro RPPS", 20, required=False, help_text="Facultatif : 11 chiffres.")
    practice_commune = text_field("Commune d'exercice", 100, required=False)
    cpts_name = text_field(
        "CPTS d'exercice", 150, required=False, help_text="Facultatif : la CPTS dont vous êtes membre."
    )
    consent = forms.BooleanField(
        label=(
            "J'accepte que l'organisation qui anime ce groupe conserve ces informations pour examiner ma demande. "
            "Seules son équipe pilote et ses gestionnaires les voient."
        ),
        error_messages={"required": "Consentement : cochez la case ; sans elle, la demande ne peut pas être envoyée."},
    )

    field_order = [
        "first_name",
        "last_name",
        "email",
        "profession",
        "rpps",
        "practice_commune",
        "cpts_name",
    ]

    def __init__(self, *args, space, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(space.signup_questions.all())
        for question in self.questions:
            self.add_field(
                self.question_field(question),
                forms.CharField(
                    label=question.label,
                    required=question.required,
                    max_length=2000,
                    widget=forms.Textarea(attrs={"rows": 3}),
                    error_messages={
                        "required": f"{question.label} : répondez à cette question.",
                        "max_length": f"{question.label} : 2000 caractères au plus.",
                    },
                ),
            )
        # The consent and the trap after the questions.
        self.order_fields([*self.field_order, *map(self.question_field, self.questions), "consent", "website"])

    @staticmethod
    def question_field(question: SignupQuestion) -> str:
        return f"question_{question.pk}"

    def question_fields(self):
        return [self[self.question_field(question)] for question in self.questions]

    def clean_rpps(self):
        rpps = "".join(self.cleaned_data.get("rpps", "").split())
        if rpps and not is_valid_rpps(rpps):
            raise ValidationError("Numéro RPPS : il compte 11 chiffres et sa clé de contrôle doit être juste.")
        return rpps

    def signup(self):
        from maillon.discussions.services import SignupForm

        data = self.cleaned_data
        return SignupForm(
            first_name=data["first_name"].strip(),
            last_name=data["last_name"].strip(),
            email=data["email"],
            profession=data["profession"].strip(),
            rpps=data["rpps"],
            practice_commune=data["practice_commune"].strip(),
            cpts_name=data["cpts_name"].strip(),
            answers={str(question.pk): data.get(self.question_field(question), "") for question in self.questions},
        )
