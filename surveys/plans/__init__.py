"""Survey plans: which published survey goes to which audience, when, with which reminders.

`rules` (pure checks of a plan: timings, offsets, reminders, duplicates), `service` (the
default proposals, the plans' rows and their description in a sentence).
"""
