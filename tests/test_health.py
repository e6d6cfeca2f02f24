def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    backup = {
        "schedule": "off",  # no school yet
        "last_at": None,
        "size_bytes": None,
        "verified": False,
        "drill_ok": None,
        "overdue": False,
        "last_attempt_failed": False,
    }
    assert response.json == {
        "status": "ok",
        "database": "ok",
        "throttle_storage": "ok",
        "database_ok": True,
        "backup": backup,
    }


def test_healthz_answers_503_naming_the_check_that_failed(client, monkeypatch):
    """A load balancer takes the instance out while a storage it needs does not answer."""
    import health

    def queue_down(_app):
        raise ConnectionError("no queue")

    monkeypatch.setitem(health.CHECKS, "queue", queue_down)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "fail" and response.json["queue"] == "error: ConnectionError"
    assert response.json["database_ok"] is True


def test_start_page_is_russian_without_a_school(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Электронный журнал" in response.get_data(as_text=True)
