"""An SMTP server in this process on a free loopback port (aiosmtpd): the letters it received, or a refusal."""

from __future__ import annotations

import email
import logging
import socket
from email import policy

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

ACCOUNT = ("diary", "p@ss-word-77")  # the login the server accepts (AUTH PLAIN/LOGIN without TLS, loopback only)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Handler:
    def __init__(self):
        self.letters: list[email.message.EmailMessage] = []
        self.refuse: str | None = None  # e.g. "451 4.3.0 mailbox busy": every DATA is answered so

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        if self.refuse:
            return self.refuse
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.letters.append(message)
        return "250 OK"


class LocalSMTP:
    def __init__(self):
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command at INFO
        self.handler = Handler()
        self.port = free_port()
        self.logins: list[tuple[str, str]] = []
        self.controller = Controller(
            self.handler,
            hostname="127.0.0.1",
            port=self.port,
            authenticator=self._authenticate,
            auth_require_tls=False,
            auth_exclude_mechanism=["LOGIN"],
        )

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        pair = (auth_data.login.decode(), auth_data.password.decode())
        self.logins.append(pair)
        return AuthResult(success=pair == ACCOUNT)

    @property
    def letters(self):
        return self.handler.letters

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        if self.controller.loop.is_running():
            self.controller.stop()


def body(message, kind: str = "plain") -> str:
    return message.get_body(preferencelist=(kind,)).get_content()
