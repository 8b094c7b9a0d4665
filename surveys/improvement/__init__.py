"""The Qualiopi indicator 31/32 records: `complaints` (the complaints and incidents register),
`actions` (improvement actions: owner, due date, status, measured effect), `evidence_notes`
(notes kept as evidence, e.g. a financer webinar attended instead of a survey).
"""
