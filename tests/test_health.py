def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "database_ok": True}


def test_start_page_is_russian_without_a_school(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Электронный журнал" in response.get_data(as_text=True)
