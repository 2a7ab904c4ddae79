"""Student voice: interview and survey excerpts coded by two (and a third) coders, and a belonging survey scale.

Written for the inquiry strand: the excerpts are short, realistic sentences about school life from
pupils, staff and parents in six schools of the networked learning community (NLC01 to NLC06), each
with the theme it was written to express, and codes from two coders who disagree on purpose (on
ambiguous excerpts, and by occasional slips). A third coder coded only some excerpts (missing codes,
for Krippendorff's alpha). The survey is a sense-of-belonging scale with reverse-keyed items.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kit.data.catalogue import Column, dataset
from kit.errors import InputError

SCHOOLS = tuple(f"NLC{k:02d}" for k in range(1, 7))

#: The codebook of themes: code -> (definition, include when, exclude / use instead, example).
THEMES: dict[str, tuple[str, str, str, str]] = {
    "Belonging": (
        "Feeling part of the school, accepted, fitting in (or not).",
        "The speaker talks about fitting in, feeling at home, being accepted or an outsider.",
        "Friendships with named people are Relationships; being overlooked by adults is Unnoticed.",
        "I feel like this is my school now.",
    ),
    "Mobility": (
        "Moving school, arriving or leaving mid-year or mid-phase, and what it does.",
        "The excerpt is about joining, leaving, moving house or changing school.",
        "If the move is only the background to feeling left out, code Belonging; code Mobility when the move itself is the point.",
        "I have been to four schools since Year 7.",
    ),
    "Attendance": (
        "Being in school or not: absence, lateness, truancy, choosing not to take part.",
        "Missing days or lessons, coming late, reasons for staying away.",
        "Not joining in *inside* lessons while present is Teaching or Unnoticed.",
        "Some Mondays I just can't face coming in.",
    ),
    "Unnoticed": (
        "Going unnoticed: pupils who are neither outstanding nor challenging and slip under the radar.",
        "Nobody notices, asks, checks; being 'just in the middle'; being quiet and overlooked.",
        "Feeling an outsider among peers is Belonging.",
        "Teachers only know the really clever ones and the naughty ones.",
    ),
    "Teaching": (
        "Lessons and learning: explanations, feedback, pace, homework, how teachers teach.",
        "The excerpt is about what happens in lessons or how learning is organised.",
        "How a teacher treats a pupil as a person is Relationships.",
        "When she explains it with examples I finally get it.",
    ),
    "Relationships": (
        "Relationships with peers and adults: friendship, trust, conflict, care.",
        "Friends, falling out, trusting or not trusting a member of staff.",
        "General fitting in (not about particular people) is Belonging.",
        "Mr Khan always asks how my weekend was.",
    ),
}
CODES = tuple(THEMES)

# Which theme a coder slips into when unsure (plausible confusions).
CONFUSIONS = {
    "Belonging": ("Relationships", "Unnoticed"),
    "Mobility": ("Belonging", "Attendance"),
    "Attendance": ("Mobility", "Teaching"),
    "Unnoticed": ("Belonging", "Teaching"),
    "Teaching": ("Relationships", "Unnoticed"),
    "Relationships": ("Belonging", "Teaching"),
}

_FILL = {
    "subject": ("maths", "English", "science", "history", "geography", "French", "RE", "computing", "art", "PE"),
    "adult": ("Miss Patel", "Mr Okafor", "Mrs Hughes", "Mr Novak", "Ms Reid", "my tutor", "the head of year", "Mr Ahmed"),
    "day": ("Mondays", "Fridays", "after half term", "in the winter", "on PE days", "when it rains"),
    "count": ("two", "three", "four", "five"),
    "place": ("the canteen", "the corridor", "the library", "the playground", "the form room", "the sports hall"),
    "when": ("in Year 8", "in Year 9", "last year", "in the spring", "after Christmas", "in October"),
}

# Templates: (speaker, text). {x} slots are filled from _FILL. Pupils unless marked.
_TEMPLATES: dict[str, tuple[tuple[str, str], ...]] = {
    "Belonging": (
        ("pupil", "I feel like this is my school now, people say hello to me in {place}."),
        ("pupil", "Sometimes I feel like I'm just visiting, like it's not really my school."),
        ("pupil", "In {subject} I feel like I fit in, the rest of the day not so much."),
        ("pupil", "Wearing the badge for the school team made me feel part of something."),
        ("pupil", "People like me don't really get accepted here, you can tell."),
        ("pupil", "I was proud when my work went up on the wall in {subject}."),
        ("pupil", "It feels like the school is for other kids, not for ones from my estate."),
        ("teacher", "The ones who join a club {when} seem to feel much more at home."),
        ("parent", "She says she finally feels she belongs there, which is a big change from how she felt {when}."),
        ("pupil", "I don't feel like an outsider anymore since I joined the choir."),
        ("teacher", "A lot of our pupils say they feel the school isn't really theirs."),
        ("pupil", "Walking through {place} I feel like everyone else knows where they are going except me."),
    ),
    "Mobility": (
        ("pupil", "I've been to {count} schools since Year 7 so I stopped unpacking, if you know what I mean."),
        ("pupil", "We moved house {when} and I had to start here in the middle of term."),
        ("pupil", "Every time we move I have to learn a new timetable and new rules."),
        ("teacher", "We get a lot of in-year admissions and their records often arrive weeks later."),
        ("teacher", "When a pupil joins {when} there's no proper induction, they just get a map."),
        ("parent", "We had to move for my job and he lost his place in the top {subject} set."),
        ("pupil", "At my old school we had done different topics in {subject} so I was lost."),
        ("teacher", "Half of the Year 10 group weren't here in Year 7."),
        ("pupil", "I might be moving again after {when}, so there's no point joining things."),
        ("teacher", "Pupils who arrive mid-year often leave again before the exams."),
        ("parent", "Changing schools {when} was the hardest thing for her."),
        ("pupil", "The buddy they gave me on my first day showed me {place} and then disappeared."),
    ),
    "Attendance": (
        ("pupil", "Some {day} I just can't face coming in."),
        ("pupil", "I miss a lot of {subject} because it's first thing and I have to take my brother to school."),
        ("teacher", "His attendance dropped to about seventy per cent {when}."),
        ("pupil", "If I'm late they put me in isolation so I'd rather just not come."),
        ("parent", "Getting her out of the door in the morning is a battle most days."),
        ("pupil", "I skip {subject} because there's no point, I'm not doing it for GCSE."),
        ("teacher", "We phone home on the first day of absence but often nobody answers."),
        ("pupil", "Me and my mates go to the park instead of registration sometimes."),
        ("teacher", "Persistent absence is highest in Year 9, especially {day}."),
        ("pupil", "When I'd been off ill for a week it felt too hard to come back."),
        ("parent", "He says his stomach hurts every Sunday night."),
        ("pupil", "I come in for registration and then leave at lunch, nobody checks."),
    ),
    "Unnoticed": (
        ("pupil", "Teachers only know the really clever ones and the naughty ones, I'm in the middle."),
        ("pupil", "I could not come in for a week and I don't think anyone would notice."),
        ("pupil", "Nobody has asked me a question in {subject} all term."),
        ("teacher", "There are quiet ones in my group I couldn't tell you much about."),
        ("pupil", "I just get on with it so they leave me alone, I'm invisible really."),
        ("parent", "At parents' evening the teacher had to look at her list to remember who she was."),
        ("pupil", "If you don't cause trouble and you're not top of the class, you kind of disappear."),
        ("teacher", "The middle-ability pupils don't get the interventions, they're not on anyone's list."),
        ("pupil", "My reports always say 'working steadily' and that's it."),
        ("pupil", "I put my hand up in {subject} but she always picks the same people."),
        ("teacher", "We realised nobody had spoken to some pupils one to one in a whole year."),
        ("pupil", "I sit at the back and nobody really checks my work."),
    ),
    "Teaching": (
        ("pupil", "When {adult} explains it with examples I finally get it."),
        ("pupil", "In {subject} we just copy off the board for the whole lesson."),
        ("pupil", "I like it when we get feedback we can actually use, not just a grade."),
        ("teacher", "We've started using mini whiteboards so everyone has to answer."),
        ("pupil", "The homework is too hard and there's nobody at home to help."),
        ("pupil", "{subject} moves too fast, if you miss one bit you're lost for the rest."),
        ("teacher", "Setting by ability means some groups get a much narrower curriculum."),
        ("pupil", "We do practicals in {subject} and that's when I learn the most."),
        ("parent", "He says the lessons are boring because it's all worksheets."),
        ("pupil", "I wish teachers checked we understood before moving on."),
        ("teacher", "Our lesson study group looked at how questioning works in {subject}."),
        ("pupil", "The cover lessons in {subject} are just a film most weeks."),
    ),
    "Relationships": (
        ("pupil", "{adult} always asks how my weekend was and actually listens."),
        ("pupil", "I fell out with my friends {when} and now I sit on my own in {place}."),
        ("pupil", "I trust {adult}, I'd tell her if something was wrong."),
        ("pupil", "Some of the teachers shout and it makes me not want to talk to them."),
        ("parent", "Her best friend moved classes and she's been really low since."),
        ("teacher", "The relationship with the family took months to build but it's paid off."),
        ("pupil", "My friends are the reason I come in, honestly."),
        ("pupil", "There's a group in my form who make comments about me every day."),
        ("teacher", "Once you have a good relationship with him he works really hard."),
        ("pupil", "{adult} gave me a second chance when nobody else would."),
        ("pupil", "I've got one good mate here and we help each other out."),
        ("parent", "He gets on better with the teaching assistants than the teachers."),
    ),
}

# Deliberately ambiguous excerpts: two themes at once (first is the agreed theme after discussion).
_AMBIGUOUS: tuple[tuple[str, str, str, str], ...] = (
    ("Mobility", "Belonging", "pupil", "Since we moved here {when} I don't really have anywhere I feel at home."),
    ("Mobility", "Relationships", "pupil", "I left all my friends behind when we moved, here I eat lunch in {place} alone."),
    ("Attendance", "Relationships", "pupil", "I only come in on days when my friend is in."),
    ("Attendance", "Belonging", "pupil", "Why would I come in when it doesn't feel like my school?"),
    ("Unnoticed", "Belonging", "pupil", "Nobody would miss me if I left, I'm not really part of anything here."),
    ("Unnoticed", "Teaching", "pupil", "In {subject} the teacher helps the ones who struggle and the top ones, I just get the worksheet."),
    ("Teaching", "Relationships", "pupil", "{adult} makes {subject} fun because she knows what we're like."),
    ("Relationships", "Belonging", "pupil", "Having {adult} as a tutor is what makes it feel like my school."),
    ("Belonging", "Unnoticed", "teacher", "Some pupils tell us they feel invisible, like they're not really part of the school."),
    ("Mobility", "Attendance", "teacher", "The pupils who move in mid-year are the ones whose attendance drops first."),
    ("Attendance", "Teaching", "pupil", "I miss {subject} on purpose because I never understand it anyway."),
    ("Unnoticed", "Relationships", "teacher", "He's polite, never in trouble, and I realised I had never had a real conversation with him."),
)

SOURCES = ("interview", "focus group", "student voice survey", "photo elicitation")
_SOURCE_FOR = {"pupil": (0.35, 0.25, 0.3, 0.1), "teacher": (0.7, 0.3, 0.0, 0.0), "parent": (0.8, 0.2, 0.0, 0.0)}

EXCERPT_COLUMNS = [
    Column("excerpt_id", "Excerpt identifier", "", "E001 upwards"),
    Column("school", "School in the networked learning community", "", "NLC01 to NLC06"),
    Column("source", "How the excerpt was collected", "", ", ".join(SOURCES)),
    Column("speaker", "Who is speaking", "", "pupil, teacher, parent"),
    Column("year_group", "Year group the excerpt is about", "school year", "7 to 11"),
    Column("text", "The excerpt (synthetic, written for teaching)", "", "one or two sentences"),
    Column("theme", "The theme the excerpt was written to express (the agreed code after discussion)", "", ", ".join(CODES)),
    Column("second_theme", "For deliberately ambiguous excerpts, the other theme it also expresses (else missing)", "", ", ".join(CODES)),
    Column("coder_1", "Code given by the first coder", "", ", ".join(CODES)),
    Column("coder_2", "Code given by the second coder", "", ", ".join(CODES) + " (misspellings if typos > 0)"),
    Column("coder_3", "Code given by a third coder, who coded only some excerpts (missing otherwise)", "", ", ".join(CODES)),
]


def theme_codebook() -> pd.DataFrame:
    """The codebook of themes: one row per code with its definition, when to use it, when not, and an example.

    >>> theme_codebook()["code"].tolist()
    ['Belonging', 'Mobility', 'Attendance', 'Unnoticed', 'Teaching', 'Relationships']
    """
    return pd.DataFrame(
        [(code, *parts) for code, parts in THEMES.items()],
        columns=["code", "definition", "use_when", "do_not_use_when", "example"],
    )


_OPENINGS = {
    "pupil": ("", "", "", "Honestly, ", "I think ", "Yeah, ", "To be fair, ", "Like, ", "I dunno, ", "The thing is, "),
    "teacher": ("", "", "", "In my experience, ", "If I'm honest, ", "I'd say ", "To be frank, ", "Honestly, "),
    "parent": ("", "", "", "Well, ", "Honestly, ", "I'd say ", "The thing is, "),
}


def _fill(template: str, rng: np.random.Generator, speaker: str = "pupil") -> str:
    out = template
    for slot, choices in _FILL.items():
        token = "{" + slot + "}"
        while token in out:
            out = out.replace(token, str(choices[rng.integers(len(choices))]), 1)
    openings = _OPENINGS[speaker]
    opening = openings[rng.integers(len(openings))]
    if opening:
        keep = out.startswith(("I ", "I'", "Mr ", "Mrs ", "Miss ", "Ms ", "English", "French", "RE ", "PE ", "GCSE"))
        out = opening + (out if keep else out[0].lower() + out[1:])
    return out[0].upper() + out[1:]


def _coder(truth: np.ndarray, second: np.ndarray, ambiguous: np.ndarray, slip: float, take_second: float,
           rng: np.random.Generator) -> np.ndarray:
    codes = truth.copy()
    for i in range(len(truth)):
        if ambiguous[i] and rng.random() < take_second:
            codes[i] = second[i]
        elif rng.random() < slip:
            codes[i] = CONFUSIONS[truth[i]][rng.integers(2)]
    return codes


@dataset(
    "student_voice_excerpts",
    description="Interview and student-voice excerpts about school life, with a codebook of six themes and codes from two coders (and a partial third).",
    teaches="Coding qualitative evidence with a codebook; agreement between coders (Cohen's kappa, Krippendorff's alpha); resolving disagreements; typos in codes.",
    source="Synthetic (kit.data.excerpts), written for teaching from the school enquiries of an equity research network (Ainscow, Dyson, Goldrick & West, 2012).",
    columns=EXCERPT_COLUMNS,
)
def build_excerpts(seed: int = 2024, n_excerpts: int = 300, ambiguous_share: float = 0.12,
                   slip_1: float = 0.08, slip_2: float = 0.14, typos: int = 0,
                   coder_3_share: float = 0.4) -> pd.DataFrame:
    """Build the excerpts; ``typos`` misspells that many of coder 2's codes (e.g. 'Belongng').

    The known truths are in ``frame.attrs``: ``agreement`` (proportion of excerpts coder 1 and 2
    coded alike), ``agreement_ambiguous`` and ``agreement_clear`` (the same for ambiguous and clear
    excerpts), ``accuracy`` (each coder against ``theme``), ``typo_rows`` and ``codes``.

    >>> frame = build_excerpts(n_excerpts=60)
    >>> frame.shape
    (60, 11)
    >>> sorted(frame["theme"].unique())[:2]
    ['Attendance', 'Belonging']
    """
    if not 30 <= n_excerpts <= 2000:
        raise InputError("n_excerpts must be between 30 and 2000.")
    if not 0 <= ambiguous_share <= 0.5 or not 0 <= slip_1 < 0.5 or not 0 <= slip_2 < 0.5 or not 0 <= coder_3_share <= 1:
        raise InputError("ambiguous_share must be 0 to 0.5, slips 0 to 0.5 and coder_3_share 0 to 1.")
    if not 0 <= typos <= n_excerpts // 10:
        raise InputError(f"typos must be between 0 and {n_excerpts // 10}.")
    rng = np.random.default_rng(seed)
    n_amb = int(round(n_excerpts * ambiguous_share))
    rows, seen = [], set()

    def add(theme: str, second: str | None, speaker: str, template: str) -> bool:
        for _ in range(20):
            text = _fill(template, rng, speaker)
            if text not in seen:
                seen.add(text)
                rows.append((theme, second, speaker, text))
                return True
        return False

    attempts = 0
    while len(rows) < n_amb and attempts < 50 * n_excerpts:
        attempts += 1
        add(*_AMBIGUOUS[rng.integers(len(_AMBIGUOUS))])
    while len(rows) < n_excerpts and attempts < 100 * n_excerpts:
        attempts += 1
        theme = CODES[len(rows) % len(CODES)]
        speaker, template = _TEMPLATES[theme][rng.integers(len(_TEMPLATES[theme]))]
        add(theme, None, speaker, template)
    if len(rows) < n_excerpts:
        raise InputError(f"Only {len(rows)} different excerpts can be written; ask for fewer.")
    order = rng.permutation(len(rows))
    rows = [rows[i] for i in order]
    theme = np.array([r[0] for r in rows], dtype=object)
    second = np.array([r[1] or "" for r in rows], dtype=object)
    ambiguous = second != ""
    speaker = np.array([r[2] for r in rows], dtype=object)
    coder_1 = _coder(theme, second, ambiguous, slip_1, 0.35, rng)
    coder_2 = _coder(theme, second, ambiguous, slip_2, 0.55, rng)
    coder_3 = _coder(theme, second, ambiguous, slip_1, 0.45, rng).astype(object)
    coded_3 = rng.random(len(rows)) < coder_3_share
    coder_3[~coded_3] = None
    source = np.array([SOURCES[rng.choice(4, p=_SOURCE_FOR[s])] for s in speaker], dtype=object)
    typo_rows: list[int] = []
    if typos:
        misspell = {"Belonging": "Belongng", "Relationships": "Relationship", "Attendance": "attendance",
                    "Mobility": "Mobilty", "Unnoticed": "Un-noticed", "Teaching": "Teachng"}
        wrong = str(rng.choice(list(misspell)))  # one misspelling, used consistently (as people do)
        candidates = np.flatnonzero(coder_2 == wrong)
        typo_rows = sorted(rng.choice(candidates, size=min(typos, len(candidates)), replace=False).tolist())
        for i in typo_rows:
            coder_2[i] = misspell[wrong]
    frame = pd.DataFrame({
        "excerpt_id": [f"E{i + 1:03d}" for i in range(len(rows))],
        "school": np.array(SCHOOLS)[rng.integers(0, len(SCHOOLS), len(rows))],
        "source": source,
        "speaker": speaker,
        "year_group": rng.integers(7, 12, len(rows)),
        "text": [r[3] for r in rows],
        "theme": theme,
        "second_theme": pd.array([s or pd.NA for s in second], dtype="string"),
        "coder_1": coder_1,
        "coder_2": coder_2,
        "coder_3": coder_3,
    })
    for col in ("school", "source", "speaker", "text", "theme", "coder_1", "coder_2"):
        frame[col] = frame[col].astype("string")
    frame["coder_3"] = frame["coder_3"].astype("string")
    same = coder_1 == coder_2
    frame.attrs.update({
        "codes": list(CODES),
        "agreement": round(float(same.mean()), 4),
        "agreement_ambiguous": round(float(same[ambiguous].mean()), 4) if ambiguous.any() else None,
        "agreement_clear": round(float(same[~ambiguous].mean()), 4),
        "accuracy": {
            "coder_1": round(float((coder_1 == theme).mean()), 4),
            "coder_2": round(float((coder_2 == theme).mean()), 4),
        },
        "n_ambiguous": int(ambiguous.sum()),
        "typo_rows": [f"E{i + 1:03d}" for i in typo_rows],
    })
    return frame


# --------------------------------------------------------------------------------------------
# A sense-of-belonging survey scale
# --------------------------------------------------------------------------------------------
#: Items: column -> (wording, reverse-keyed, loading on belonging). Adapted from the Psychological
#: Sense of School Membership scale (Goodenow, 1993); belong_9 is a deliberately weak item.
ITEMS: dict[str, tuple[str, bool, float]] = {
    "belong_1": ("I feel like a real part of this school.", False, 0.80),
    "belong_2": ("People here notice when I'm good at something.", False, 0.65),
    "belong_3": ("It is hard for people like me to be accepted here.", True, 0.70),
    "belong_4": ("There is at least one adult in school I can talk to if I have a problem.", False, 0.60),
    "belong_5": ("Sometimes I feel as if I don't belong here.", True, 0.75),
    "belong_6": ("Other pupils here take my opinions seriously.", False, 0.60),
    "belong_7": ("I wish I were in a different school.", True, 0.65),
    "belong_8": ("Teachers here are interested in people like me.", False, 0.70),
    "belong_9": ("I like the food in the canteen.", False, 0.10),
}
LIKERT = {1: "Strongly disagree", 2: "Disagree", 3: "Neither agree nor disagree", 4: "Agree", 5: "Strongly agree"}

SURVEY_COLUMNS = [
    Column("respondent_id", "Respondent identifier", "", "R0001 upwards"),
    Column("school", "School in the networked learning community", "", "NLC01 to NLC06"),
    Column("year_group", "Year group", "school year", "7 to 11"),
    Column("joined_mid_phase", "Joined the school after the start of Year 7 (pupil mobility)", "", "True, False"),
    Column("attendance", "Sessions attended this year", "percent", "about 60 to 100"),
] + [
    Column(col, f"'{text}'{' (reverse-keyed)' if rev else ''}", "1 = strongly disagree ... 5 = strongly agree", "1 to 5, missing if not answered")
    for col, (text, rev, _) in ITEMS.items()
]


def _population_alpha(loadings: np.ndarray, noise_sd: float) -> float:
    """Alpha of the continuous item scores before rounding (latent variance 1, uniform error variance)."""
    k = len(loadings)
    item_var = loadings**2 + noise_sd**2
    total_var = loadings.sum() ** 2 + k * noise_sd**2
    return float(k / (k - 1) * (1 - item_var.sum() / total_var))


@dataset(
    "student_survey",
    description="A pupil survey: nine Likert items on sense of belonging at school (three reverse-keyed, one weak), with mobility and attendance.",
    teaches="Reverse-keyed items, Cronbach's alpha, alpha if an item is dropped, triangulating survey answers with attendance and mobility.",
    source="Synthetic (kit.data.excerpts); items adapted from the Psychological Sense of School Membership scale (Goodenow, 1993).",
    columns=SURVEY_COLUMNS,
)
def build_survey(seed: int = 2024, n_respondents: int = 400, missing_rate: float = 0.02,
                 mobility_effect: float = -0.5) -> pd.DataFrame:
    """Build the survey. Belonging is a latent score (SD 1) that is ``mobility_effect`` SDs lower for
    pupils who joined mid-phase; items load on it (``ITEMS``), three reverse-keyed.

    Known truths in ``frame.attrs``: ``reverse_keyed``, ``weak_item``, ``scale_items``,
    ``mobility_effect`` and ``population_alpha`` (alpha of the eight good items' continuous scores,
    before they were rounded to 1-5 answers; the sample alpha of the rounded answers is a little lower).

    >>> survey = build_survey(n_respondents=50)
    >>> survey.attrs["reverse_keyed"]
    ['belong_3', 'belong_5', 'belong_7']
    """
    if not 20 <= n_respondents <= 100_000:
        raise InputError("n_respondents must be between 20 and 100,000.")
    if not 0 <= missing_rate <= 0.3:
        raise InputError("missing_rate must be between 0 and 0.3.")
    rng = np.random.default_rng(seed)
    n = n_respondents
    mobile = rng.random(n) < 0.18
    belonging = rng.normal(0, 1, n) + mobility_effect * mobile
    attendance = np.clip(93 + 3.0 * belonging + rng.normal(0, 4, n) - 2.0 * mobile, 55, 100)
    noise_sd = 0.75
    frame = pd.DataFrame({
        "respondent_id": [f"R{i + 1:04d}" for i in range(n)],
        "school": np.array(SCHOOLS)[rng.integers(0, len(SCHOOLS), n)],
        "year_group": rng.integers(7, 12, n),
        "joined_mid_phase": mobile,
        "attendance": np.round(attendance, 1),
    })
    for col, (_, reverse, loading) in ITEMS.items():
        score = 3.2 + loading * belonging * (-1 if reverse else 1) + rng.normal(0, noise_sd, n)
        answer = np.clip(np.round(score), 1, 5).astype(float)
        answer[rng.random(n) < missing_rate] = np.nan
        frame[col] = pd.array(answer, dtype="Int64")
    frame["school"] = frame["school"].astype("string")
    good = [c for c, (_, _, lam) in ITEMS.items() if lam >= 0.5]
    frame.attrs.update({
        "scale_items": list(ITEMS),
        "reverse_keyed": [c for c, (_, rev, _) in ITEMS.items() if rev],
        "weak_item": "belong_9",
        "mobility_effect": mobility_effect,
        "population_alpha": round(_population_alpha(np.array([ITEMS[c][2] for c in good]), noise_sd), 4),
        "likert": dict(LIKERT),
    })
    return frame
