"""Notices to families (R21): what changed about a child since the family last looked, read from the audit log."""
