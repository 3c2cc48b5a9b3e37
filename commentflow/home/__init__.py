"""The start page each user lands on, and the language switch."""
