"""The inbox (R22): conversations between families and staff, about a student or general, with files.

Who may start a conversation with whom is models/access.py (``message_contact_ids``); who reads one is its
participants only (``conversation_ids``): the administration reads a thread when a participant adds them
(``add_participant``). ``writing`` changes (start, reply, add, write to a class's parents), ``reading``
builds the pages (the list with search, a thread, the unread count, the contacts per child).
"""
