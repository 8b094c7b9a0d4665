"""What the product tells other systems: webhook events written in the same transaction as
the fact they report (`webhook_events`). The tables are in `surveys.models.integration`;
the API serves them (`api/`) and the dispatcher delivers them (`reminders/webhooks.py`)."""
