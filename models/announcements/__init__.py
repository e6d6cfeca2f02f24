"""Announcements and surveys (R23).

Who publishes to whom, who edits what and who reads or answers what is models/access.py (``can_publish``,
``managed_ids``, ``announcement_ids``, ``respondent_survey_ids``). ``window`` turns the days a person types
into the stored moments; ``board`` writes and lists announcements (with files checked as homework files are);
``surveys`` writes surveys and their questions and takes the answers; ``results`` sums them up for the staff.
"""
