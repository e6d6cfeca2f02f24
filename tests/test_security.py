"""Flask-Admin's inline handlers are rewritten so that the strict CSP needs no 'unsafe-inline'."""
import re

from security import rewrite_inline_handlers


def test_rewrite_inline_handlers():
    html = ("""<a class="dropdown-item" href="javascript:void(0)" onclick="return modelActions.execute('revoke');">x</a>"""
            """<button onclick="return faHelpers.safeConfirm('Вы уверены?');">d</button>"""
            """<a class="filter" onclick="return false;">f</a>""")
    out = rewrite_inline_handlers(html)
    assert not re.search(r"\son\w+=|javascript:", out)
    assert 'data-model-action="revoke"' in out and 'data-confirm="Вы уверены?"' in out


def test_admin_pages_carry_no_inline_handlers(client, login_as, world):
    login_as("operator")
    for url in ("/admin/invites/", "/admin/users/", "/admin/logins/"):
        body = client.get(url).get_data(as_text=True)
        assert not re.search(r"\son[a-z]+\s*=\s*[\"']|javascript:", body), url
