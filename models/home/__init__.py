"""The start pages: the public overview, the teacher's day, the administration's school day."""
