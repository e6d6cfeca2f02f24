"""What both web doors share (the staff panel `admin_views/` and the portal `portal/`): error pages and
sending stored files. Neither door imports the other."""
