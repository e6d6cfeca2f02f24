"""What every staff view shares: only signed-in staff may enter."""
from __future__ import annotations

from flask import abort, redirect, request, url_for
from flask_admin import AdminIndexView
from flask_login import current_user

from models.accounts import STAFF_ROLES


def is_staff() -> bool:
    return bool(getattr(current_user, "is_authenticated", False) and current_user.has_role(*STAFF_ROLES))


class StaffIndexView(AdminIndexView):
    def is_accessible(self) -> bool:
        return is_staff()

    def inaccessible_callback(self, name, **kwargs):
        if not getattr(current_user, "is_authenticated", False):
            return redirect(url_for("portal.index", next=request.full_path))
        abort(403)
