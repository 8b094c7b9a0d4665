"""Surveys answered in the room: a session link per campaign (short URL, QR code, printable
sheet), the trainer's projection page with a live count, and the two ways in (a named survey
proves who answers by email; an anonymous one opens one seat per device)."""
