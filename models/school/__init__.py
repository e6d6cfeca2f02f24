"""The school's organisation: years and periods, settings, timetable, movement, subgroups, plans, imports."""
