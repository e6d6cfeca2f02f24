"""A preview as the operator sees it, in plain values (JSON): what the page shows of every row, the counts and
the fingerprint the confirmation must match. A big file's preview is analysed by a background job (tasks.py)
that writes this to a file; the page reads it back. A small file's preview goes through the same shape, so the
page has one way of showing either.

Messages stay messages (a Russian template and its values, ``Msg``), translated when shown: the job may run in
another language than the page is read in.
"""

from __future__ import annotations

import io
import zipfile

from models.school.imports.common import MAX_UNZIPPED, Msg, Preview, show

FORMAT = 2  # bump when the shape changes: an older stored preview is then analysed again


def rough_rows(data: bytes) -> int:
    """About how many rows a file has, without reading it as a table (which takes seconds for a big XLSX): the
    line breaks of a CSV, the row elements of an XLSX's sheets (decompressed in chunks, at most MAX_UNZIPPED).
    Decides whether a preview runs in the request or as a job; a damaged file counts 0 (its reading, quick,
    says what is wrong)."""
    if data[:4] != b"PK\x03\x04":
        return data.count(b"\n")
    rows = read = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                    continue
                with archive.open(name) as sheet:
                    tail = b""
                    while chunk := sheet.read(1 << 20):
                        read += len(chunk)
                        if read > MAX_UNZIPPED:
                            return rows
                        text = tail + chunk
                        rows += text.count(b"<row ") + text.count(b"<row>")
                        tail = text[-5:]
                        rows -= tail.count(b"<row ") + tail.count(b"<row>")  # counted again with the next chunk
                    rows += tail.count(b"<row ") + tail.count(b"<row>")
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return 0
    return rows


def pack(value: object) -> object:
    """A Msg (with nested Msg values) or a plain value as JSON."""
    if isinstance(value, Msg):
        return {"msg": value.template, "params": {k: pack(v) for k, v in value.params.items()}}
    return "" if value is None else str(value)


def unpack(value: object) -> Msg | str:
    if isinstance(value, dict):
        return Msg(value["msg"], **{k: unpack(v) for k, v in value.get("params", {}).items()})
    return value


def preview_data(result: Preview) -> dict:
    return {
        "format": FORMAT,
        "kind": result.kind,
        "year": result.year.name if result.year else None,
        "counts": result.counts,
        "ok": result.ok,
        "fingerprint": result.fingerprint,
        "kept": result.kept,
        "manual": sum(1 for r in result.rows for c in r.fields if c.manual),
        "warned": sum(1 for r in result.rows if r.warnings and r.status != "error"),
        "file_errors": [pack(m) for m in result.file_errors],
        "rows": [
            {
                "line": r.line,
                "status": r.status,
                "label": r.label,
                "errors": [pack(m) for m in r.errors],
                "changes": [pack(m) for m in r.changes],
                "warnings": [pack(m) for m in r.warnings],
                "fields": [
                    {
                        "key": c.key,
                        "label": c.label,
                        "old": pack(show(c.old)),
                        "new": pack(show(c.new)),
                        "manual": c.manual,
                        "apply": c.apply,
                    }
                    for c in r.fields
                ],
            }
            for r in result.rows
        ],
    }
