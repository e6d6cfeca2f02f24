"""E-mail to families (R21): the school's mail server (``smtp``), each parent's choice per child
(``preferences``) and the rules of delivery (``delivery``: who is due, claiming, results). Composing and
sending a letter needs templates and a socket: that is mailer.py, on top of these."""
