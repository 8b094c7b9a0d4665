"""The survey builder: compose a survey from bank and custom questions, check it, keep its
draft, preview it as respondents will see it, and publish frozen versions.

`composition` (the draft's shape and its operations), `custom_questions` (the organisation's
own questions), `drafts` (the editable draft, saved as staff work), `checks` (what publishing
requires), `versions` (publishing freezes a version that never changes), `preview` (the
builder's preview route, rendered by the respondent's template).
"""
