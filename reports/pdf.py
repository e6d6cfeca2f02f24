"""HTML → PDF through xhtml2pdf with an embedded Cyrillic/Kazakh font and no access outside the font dir."""
from __future__ import annotations

import io
import threading
from pathlib import Path

import fontpkg
from flask import render_template
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessPolicy

FONT_REGULAR = Path(fontpkg.path("PT Sans"))
FONT_BOLD = Path(fontpkg.path("PT Sans", weight="bold"))
FONT_DIR = FONT_REGULAR.parent
_LOCK = threading.Lock()  # xhtml2pdf/reportlab keep global state: one render at a time


def render_pdf(template: str, **context) -> bytes:
    html = render_template(template, font_regular=FONT_REGULAR.as_uri(), font_bold=FONT_BOLD.as_uri(), **context)
    out = io.BytesIO()
    with _LOCK:
        result = pisa.CreatePDF(
            html, dest=out, encoding="utf-8",
            resource_policy=ResourceAccessPolicy(base_dir=str(FONT_DIR), allow_remote=False),
        )
    if result.err:
        raise RuntimeError(f"PDF rendering failed with {result.err} errors")
    return out.getvalue()
