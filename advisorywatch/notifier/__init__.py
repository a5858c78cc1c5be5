"""Notifications through Apprise: channels, the outbox sender and message rendering."""
