"""Sending a stored file to the browser, the same way for the staff panel and the portal.

Files are only ever sent as downloads: Content-Disposition: attachment, the stored (whitelisted) content
type, nosniff and a sandboxing CSP, so an uploaded file can never run as a page of this site."""

from __future__ import annotations

import io

from flask import send_file

from models.tables.journal import Attachment


def send_attachment(att: Attachment):
    response = send_file(
        io.BytesIO(att.content),
        mimetype=att.content_type,
        as_attachment=True,
        download_name=att.filename,
        etag=False,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response
