"""People and sessions coming from the organisation's files (CSV or XLSX exports).

`vocabulary` (the words files use for headers, stakeholder types, modalities, languages),
`reading` (the file becomes a table, its headers a mapping), `rows` (each row checked and
cleaned on its own), `writing` (`import_people`: the good rows written, idempotently),
`report` (what the import says, safe to export).
"""
