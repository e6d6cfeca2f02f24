"""Accounts: passwords and sign-in, invitation codes, who uses the system."""
