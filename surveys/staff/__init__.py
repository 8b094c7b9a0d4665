"""Staff accounts and their login: `auth` (password hashes, lockout, the signed session
cookie), `accounts` (creating and managing staff users). The login routes are in
`surveys.staff.routes`.
"""
