"""The partnership health questionnaire: its twelve statements and three scales, in one place.

Used by the dataset ``kit.data.load("partnership_survey")`` and by the workshop's health-check app.
Plain Python (no pandas), so a workshop page that shows the statements starts fast.
Items are modelled on Dhillon (2007, 2009) on trust, shared goals and participation in partnerships;
a leading ``-`` in a scale marks a reverse-keyed item.

>>> len(ITEMS), sorted(SCALES), REVERSE_ITEMS
(12, ['participation', 'shared_goals', 'trust'], ('trust3', 'goals4', 'part2'))
>>> all(item.lstrip("-") in ITEMS for items in SCALES.values() for item in items)
True
"""

__all__ = ["ITEMS", "REVERSE_ITEMS", "SCALES"]

ITEMS = {
    "trust1": "I can rely on colleagues in partner schools to do what they say they will do.",
    "trust2": "I feel able to share our school's problems openly with partner schools.",
    "trust3": "I worry that partner schools will use what we share to their own advantage.",
    "trust4": "Partner schools respect our school's expertise.",
    "goals1": "The partnership has clear aims that I understand.",
    "goals2": "Our school's priorities fit the partnership's priorities.",
    "goals3": "Partner schools want the same things for pupils as we do.",
    "goals4": "The partnership's aims have little to do with my day-to-day work.",
    "part1": "I take part in joint planning or enquiry with partner schools.",
    "part2": "I rarely have time to attend partnership activities.",
    "part3": "Staff in my school are involved in partnership work.",
    "part4": "I have visited a partner school to see practice in the last term.",
}
REVERSE_ITEMS = ("trust3", "goals4", "part2")
SCALES = {
    "trust": ["trust1", "trust2", "-trust3", "trust4"],
    "shared_goals": ["goals1", "goals2", "goals3", "-goals4"],
    "participation": ["part1", "-part2", "part3", "part4"],
}
