"""The agency directory: agencies, recipient groups and their protocol order."""
