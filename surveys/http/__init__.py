"""The HTTP wing shared by every plain route (staff login, respondent pages, the API):
security headers and responses, bounded body reading, the server guard, abuse limits kept
in the database, the public base URL of the links, health and the stylesheet."""
