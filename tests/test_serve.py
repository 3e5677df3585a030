"""`wardrobe serve` in-process (the framework's client): pairing, every refusal, and a paired phone's day."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import time

import pytest
from conftest import garment_photo, run_cli
from fastapi.testclient import TestClient
from PIL import Image

from wardrobe.settings import Settings

BASE = "http://127.0.0.1:8765"


@pytest.fixture
def web(use_tiny_model, private_home):
    from wardrobe.web.app import create_app
    from wardrobe.web.server import ServeOptions

    app = create_app(Settings.resolve(home=private_home), ServeOptions(seed=1, photo_limit=2_000_000))
    with TestClient(app, base_url=BASE) as client:
        yield client


def pairing_code(client, user: str = "alice") -> str:
    from wardrobe.services.pairing import new_code

    return new_code(client.app.state.server.wardrobe, user).code


def paired(client, user: str = "alice") -> TestClient:
    answer = client.get(f"/pair/{pairing_code(client, user)}", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/", answer.text
    client.headers["origin"] = BASE
    return client


def photo_bytes(tmp_path, name: str, **kwargs) -> bytes:
    return garment_photo(tmp_path / name, **kwargs).read_bytes()


def db(home):
    return sqlite3.connect(home / "inventory.sqlite3")


def test_nobody_unpaired_gets_in(web):
    assert web.get("/", follow_redirects=False).headers["location"] == "/pair"
    for path in ("/api/items", "/api/outfits", "/api/items/1/photo", "/openapi.json", "/api/history"):
        answer = web.get(path)
        assert answer.status_code == 401 and "pair" in answer.json()["error"], path
    assert web.post("/api/wears", json={"items": [1]}).status_code == 401
    assert web.get("/pair").status_code == 200 and "wardrobe pair" in web.get("/pair").text
    assert web.get("/static/app.css").status_code == 200


def test_only_its_own_host_names_are_answered(web):
    assert web.get("/pair", headers={"host": "evil.example"}).status_code == 400  # DNS rebinding
    assert web.get("/pair", headers={"host": "localhost:8765"}).status_code == 200
    assert web.get("/pair", headers={"host": "127.0.0.1.evil.example:8765"}).status_code == 400


def test_every_answer_carries_the_security_headers(web):
    for answer in (web.get("/pair"), web.get("/api/items"), web.get("/", headers={"host": "x.example"}),
                   web.get("/static/app.js"), web.get("/pair/wrong")):
        csp = answer.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp, answer.request.url
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "same-origin"


def test_a_pairing_code_works_once_for_one_user_and_sets_a_strict_cookie(web, private_home):
    code = pairing_code(web, "alice")
    answer = web.get(f"/pair/{code}", follow_redirects=False)
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "secure" not in cookie
    assert web.get("/api/items").status_code == 200
    assert "alice" in web.get("/").text
    web.cookies.clear()
    again = web.get(f"/pair/{code}", follow_redirects=False)
    assert again.status_code == 403 and "wardrobe pair" in again.text
    assert web.get("/api/items").status_code == 401


def test_an_expired_code_is_refused(web, private_home):
    code = pairing_code(web)
    with db(private_home) as con:
        con.execute("UPDATE pairing_codes SET expires_at = datetime('now', '-1 minute')")
    assert web.get(f"/pair/{code}").status_code == 403


def test_wrong_codes_are_throttled(web):
    good = pairing_code(web)
    for n in range(5):
        assert web.get(f"/pair/wrong{n}").status_code == 403
    assert web.get(f"/pair/{good}").status_code == 429  # even the right one waits now


def test_https_cookies_are_secure(use_tiny_model, private_home):
    from wardrobe.web.app import create_app
    from wardrobe.web.server import ServeOptions

    app = create_app(Settings.resolve(home=private_home), ServeOptions(secure=True))
    with TestClient(app, base_url="https://127.0.0.1:8765") as client:
        answer = client.get(f"/pair/{pairing_code(client)}", follow_redirects=False)
        assert "secure" in answer.headers["set-cookie"].lower()


def test_changes_need_this_servers_origin_or_the_pages_token(web, tmp_path):
    paired(web)
    web.headers.pop("origin")
    add = {"files": [("photo", ("a.png", photo_bytes(tmp_path, "a.png"), "image/png"))]}
    assert web.post("/api/items", **add).status_code == 403  # no Origin, no Referer, no token
    assert web.post("/api/items", headers={"origin": "http://evil.example"}, **add).status_code == 403
    assert web.post("/api/items", headers={"referer": "http://evil.example/x"}, **add).status_code == 403
    assert web.post("/api/items", headers={"origin": "null"}, **add).status_code == 403
    csrf = web.get("/add").text.split('name="csrf" content="')[1].split('"')[0]
    assert web.post("/api/items", headers={"x-csrf-token": "0" * 64}, **add).status_code == 403
    assert web.post("/api/items", headers={"x-csrf-token": csrf}, **add).status_code == 201
    assert web.post("/api/items", headers={"referer": f"{BASE}/add"}, **add).status_code == 200  # already there


def test_uploads_over_the_limit_and_files_that_are_not_photos_are_refused(web, tmp_path):
    paired(web)
    noise = Image.effect_noise((1400, 1400), 90).convert("RGB")
    big = io.BytesIO()
    noise.save(big, "PNG")
    assert len(big.getvalue()) > 2_000_000
    answer = web.post("/api/items", files=[("photo", ("big.png", big.getvalue(), "image/png"))])
    assert answer.status_code == 413 and "at most" in answer.json()["error"]
    text = web.post("/api/items", files=[("photo", ("notes.jpg", b"not a photo at all", "image/jpeg"))])
    assert text.status_code == 415
    [record] = text.json()
    from wardrobe.vision.safe_open import EXPECTED

    assert record["error"] == f"not an image Wardrobe can read ({EXPECTED})"  # the line `add` gives
    assert web.post("/api/items", files=[]).status_code == 400
    assert web.post("/api/items", content=b"x" * 100, headers={"content-type": "multipart/form-data; boundary=z"}
                    ).status_code == 400


def test_photos_are_served_by_id_only_to_who_may_see_them(web, tmp_path, private_home):
    paired(web, "alice")
    [mine] = web.post("/api/items", files=[("photo", ("a.png", photo_bytes(tmp_path, "a.png"), "image/png"))]).json()
    assert web.get(f"/api/items/{mine['id']}/photo").content == (tmp_path / "a.png").read_bytes()
    assert web.get(f"/api/items/{mine['id']}/thumbnail").headers["content-type"] == "image/jpeg"
    bob = TestClient(web.app, base_url=BASE)
    paired(bob, "bob")
    for path in (f"/api/items/{mine['id']}/photo", f"/api/items/{mine['id']}", f"/items/{mine['id']}"):
        assert bob.get(path).status_code == 404, path
    assert bob.put(f"/api/items/{mine['id']}/label", json={"category": "coat"}).status_code == 404
    assert [i["id"] for i in bob.get("/api/items").json()] == []
    web.put(f"/api/items/{mine['id']}/owner", json={"to": None})  # shared: now bob sees it
    assert bob.get(f"/api/items/{mine['id']}/photo").status_code == 200


def test_a_paired_phones_day_lands_in_the_database(web, tmp_path, private_home):
    paired(web, "alice")
    photos = [("photo", (f"{n}.png", photo_bytes(tmp_path, f"{n}.png", size=size, colour=colour), "image/png"))
              for n, (size, colour) in enumerate([((300, 400), (30, 60, 150)), ((200, 500), (20, 20, 20)),
                                                  ((400, 200), (200, 30, 30))])]
    added = web.post("/api/items", files=photos)
    assert added.status_code == 201, added.text
    records = added.json()
    assert [r["path"] for r in records] == ["0.png", "1.png", "2.png"]
    assert all({"id", "category", "slot", "colours", "unsure", "top"} <= set(r) for r in records)
    for record, label in zip(records, ("t-shirt", "trouser", "sneaker")):
        assert web.put(f"/api/items/{record['id']}/label", json={"category": label}).status_code == 200
    outfits = web.get("/api/outfits?n=2")
    assert outfits.status_code == 200, outfits.text
    first = outfits.json()[0]
    assert web.post(f"/api/outfits/{first['id']}/rating", json={"value": "like"}).json()["rating"] == "like"
    worn = web.post("/api/wears", json={"items": [i["id"] for i in first["items"]]})
    assert worn.status_code == 200
    with db(private_home) as con:
        owners = con.execute("SELECT DISTINCT users.name FROM items JOIN users ON users.id = items.owner_id").fetchall()
        assert owners == [("alice",)]
        assert con.execute("SELECT count(*) FROM corrections").fetchone() == (3,)
        assert con.execute("SELECT outfit_id, value FROM ratings").fetchall() == [(first["id"], 1)]
        assert con.execute("SELECT count(*) FROM wears").fetchone() == (len(first["items"]),)
    history = web.get("/api/history").json()
    assert [e["what"] for e in history] == ["wore", "liked"]
    for page in ("/", "/add", "/closet", f"/items/{records[0]['id']}", "/history", "/api", "/closet?category=trouser"):
        answer = web.get(page)
        assert answer.status_code == 200 and "<script>" not in answer.text, page


def test_todays_outfits_are_dressed_for_the_forecast_and_the_occasion(private_home, forecast_server):
    from conftest import stock_closet

    from wardrobe.web.app import create_app
    from wardrobe.web.server import ServeOptions

    stock_closet(private_home, {0: 2, 1: 2, 7: 1, 5: 1, 4: 1})
    settings = Settings.resolve(home=private_home).replace(location=(1.5, 2.5), forecast_url=forecast_server.url)
    with TestClient(create_app(settings, ServeOptions(seed=1)), base_url=BASE) as client:
        paired(client, "alice")
        day = client.get("/api/day").json()
        assert day == {"weather": {"temperature": 2.0, "rain": False, "wind": False, "snow": False, "source": "forecast",
                                   "said": "2 °C (forecast)"}, "note": None, "occasions": []}
        outfits = client.get("/api/outfits?n=2&occasion=Work").json()
        assert [(o["weather"]["said"], o["occasion"]) for o in outfits] == [("2 °C (forecast)", "work")] * 2
        assert all("Coat" in {i["category"] for i in o["items"]} for o in outfits)
        assert client.get("/api/day").json()["occasions"] == ["work"]
        refused = client.get("/api/outfits?occasion=%07")
        assert refused.status_code == 400 and "occasion" in refused.json()["error"]
        page = client.get("/").text
        assert 'id="occasion"' in page and 'id="day"' in page
    assert len(forecast_server.requests) == 1


def test_page_forms_relabel_launder_and_give(web, tmp_path):
    paired(web, "alice")
    [item] = web.post("/api/items", files=[("photo", ("a.png", photo_bytes(tmp_path, "a.png"), "image/png"))]).json()
    page = f"/items/{item['id']}"
    assert web.post(f"{page}/label", data={"category": "skirt"}, follow_redirects=False).status_code == 303
    assert web.get(f"/api/items/{item['id']}").json()["category"] == "Skirt"
    web.post(f"{page}/state", data={"state": "laundry"})
    assert web.get(f"/api/items/{item['id']}").json()["state"] == "laundry"
    name = web.get(f"/api/items/{item['id']}").json()["name"]
    assert name.endswith("skirt")
    shown = f'alt="{name} #{item["id"]}"'
    assert shown not in web.get("/closet").text and shown in web.get("/closet?state=laundry").text
    web.post(f"{page}/owner", data={"to": ""})
    assert web.get(f"/api/items/{item['id']}").json()["owner"] is None


def test_tags_from_the_item_page_and_the_api_name_the_piece_and_filter_the_closet(web, tmp_path):
    paired(web, "alice")
    [item] = web.post("/api/items", files=[("photo", ("a.png", photo_bytes(tmp_path, "a.png"), "image/png"))]).json()
    page = f"/items/{item['id']}"
    web.post(f"{page}/label", data={"category": "shirt"})
    assert 'name="pattern"' in web.get(page).text and '<option value="jeans"' not in web.get(page).text  # a shirt's kinds
    answer = web.post(f"{page}/tags", data={"pattern": "striped", "colour": "navy", "kind": "", "material": ""},
                      follow_redirects=False)
    assert answer.status_code == 303
    assert "<h1>navy striped shirt <small>" in web.get(page).text
    assert '>navy striped shirt</span>' in web.get("/closet?pattern=striped&colour=navy&state=all").text
    assert "navy striped shirt" not in web.get("/closet?pattern=floral&state=all").text
    record = web.put(f"/api/items/{item['id']}/tags", json={"kind": "Polo", "colour": None}).json()
    assert (record["name"], record["tags"]) == (f"{record['colour']} striped polo", {"kind": "polo", "pattern": "striped"})
    assert [i["id"] for i in web.get("/api/items?kind=polo").json()] == [item["id"]]
    assert web.get("/api/items?kind=polo&pattern=solid").json() == []
    refused = web.put(f"/api/items/{item['id']}/tags", json={"kind": "jeans"})
    assert refused.status_code == 400 and "not a kind of Shirt" in refused.json()["error"]


@pytest.mark.parametrize("method, path, body", [
    ("get", "/api/items/99999999999999999999999", None), ("get", "/api/items/-1/photo", None),
    ("get", "/api/items/abc", None), ("put", "/api/items/1/label", {"category": "scarf"}),
    ("put", "/api/items/1/label", {"nope": 1}), ("put", "/api/items/1/state", {"state": "burnt"}),
    ("post", "/api/outfits/5/rating", {"value": "meh"}), ("post", "/api/outfits/5/rating", {"value": "like"}),
    ("post", "/api/wears", {"items": []}), ("post", "/api/wears", {"items": [10**30]}),
    ("get", "/api/outfits?n=0", None), ("get", "/api/outfits", None), ("get", "/items/77", None),
    ("get", "/closet?category=scarf", None), ("get", "/closet?state=x", None), ("put", "/api/items/1/owner", {"to": "\x1b"}),
    ("get", "/api/items?category=%00", None), ("post", "/items/1/label", None),
    ("put", "/api/items/1/tags", {"pattern": "zebra"}), ("get", "/api/items?colour=teal", None),
    ("get", "/closet?pattern=zebra", None), ("post", "/items/1/tags", None),
])
def test_odd_requests_get_one_line_never_a_500(web, method, path, body):
    paired(web)
    answer = getattr(web, method)(path, **({"json": body} if body is not None else {}))
    assert 400 <= answer.status_code < 500, (answer.status_code, answer.text)
    if path.startswith("/api/"):
        assert answer.json()["error"] and "Traceback" not in answer.text


def test_revoked_devices_must_pair_again(web, private_home):
    paired(web)
    listed = json.loads(run_cli("devices", "--json").stdout)
    assert [(d["user"], d["revoked"]) for d in listed] == [("alice", False)]
    revoked = run_cli("devices", "--revoke", str(listed[0]["id"]))
    assert revoked.returncode == 0 and "(revoked)" in revoked.stdout
    assert web.get("/api/items").status_code == 401
    assert run_cli("devices", "--revoke", "99").returncode == 3


def test_pair_prints_a_fresh_link_for_the_user(private_home):
    result = run_cli("--user", "bob", "pair", "--url", "http://closet.local:8765", "--json")
    assert result.returncode == 0, result.stderr
    [link] = json.loads(result.stdout)
    assert link["user"] == "bob" and link["url"].startswith("http://closet.local:8765/pair/")
    plain = run_cli("pair")
    assert plain.stdout.startswith("http://127.0.0.1:8765/pair/") and "10 minutes" in plain.stderr



def test_an_unsure_item_asks_and_deleting_asks_first(web, tmp_path, private_home):
    paired(web)
    [item] = web.post("/api/items", files=[("photo", ("a.png", photo_bytes(tmp_path, "a.png"), "image/png"))]).json()
    assert item["unsure"]  # the tiny model is unsure of everything
    assert f'href="/items/{item["id"]}"' in web.get("/closet?unsure=true").text
    page = web.get(f"/items/{item['id']}").text
    assert "The classifier is unsure" in page
    guess = page.split('class="row guesses"')[1].split('value="')[1].split('"')[0]
    web.post(f"/items/{item['id']}/label", data={"category": guess})
    assert "The classifier is unsure" not in web.get(f"/items/{item['id']}").text
    assert f'href="/items/{item["id"]}"' not in web.get("/closet?unsure=true").text
    asked = web.post(f"/items/{item['id']}/remove", follow_redirects=False)
    assert asked.headers["location"].endswith("?remove=ask") and web.get(f"/api/items/{item['id']}").status_code == 200
    assert "for good?" in web.get(asked.headers["location"]).text
    web.post(f"/items/{item['id']}/remove", data={"confirm": "yes"})
    assert web.get(f"/api/items/{item['id']}").status_code == 404
    assert not list((private_home / "photos").rglob("*.png"))


def test_four_phones_uploading_at_once_lose_and_double_nothing(live, tmp_path, private_home):
    """4 clients upload 20 photos each at once, half of each one's also another's: every request answered."""
    import threading

    import httpx

    photos = [photo_bytes(tmp_path, f"{n}.png", size=(120 + n, 160), colour=(5 * n, 80, 200 - 4 * n)) for n in range(40)]
    plans = [[(c * 10 + k) % 40 for k in range(20)] for c in range(4)]
    answers: list[list[int]] = [[] for _ in range(4)]
    failures: list[str] = []
    clients = [httpx.Client(base_url=live.url, headers={"origin": live.url}, timeout=120) for _ in range(4)]
    for c, client in enumerate(clients):
        assert client.get(live.pairing_link(f"user{c}").removeprefix(live.url)).status_code == 303

    def phone(c: int) -> None:
        try:
            for n in plans[c]:
                answer = clients[c].post("/api/items", files=[("photo", (f"{n}.png", photos[n], "image/png"))])
                answers[c].append(answer.status_code)
        except Exception as exc:  # noqa: BLE001  a request that got no answer fails the test below
            failures.append(repr(exc))

    threads = [threading.Thread(target=phone, args=(c,)) for c in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    for client in clients:
        client.close()
    assert not failures and [len(a) for a in answers] == [20, 20, 20, 20], failures
    assert all(status in (200, 201) for a in answers for status in a), answers
    with db(private_home) as con:
        assert con.execute("SELECT count(*), count(DISTINCT sha256) FROM items").fetchone() == (40, 40)


def test_the_serve_command_prints_a_link_that_pairs_and_stops_on_a_signal(processes, use_tiny_model, private_home):
    import signal
    import sys

    import httpx
    from conftest import free_port

    for _ in range(5):  # another process may take the free port before the server listens: then try another
        port = free_port()
        server = processes.popen([sys.executable, "-m", "wardrobe", "serve", "--port", str(port)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        link = server.stdout.readline().strip()
        assert link.startswith(f"http://127.0.0.1:{port}/pair/"), server.stderr.read()
        answer, deadline = None, time.monotonic() + 60
        while answer is None and server.poll() is None and time.monotonic() < deadline:
            try:
                answer = httpx.get(link, follow_redirects=False, timeout=2)
            except httpx.HTTPError:
                time.sleep(0.1)
        if answer is not None:
            break
        assert "address already in use" in server.stderr.read().lower()
    assert answer is not None
    assert answer.status_code == 303 and "wardrobe_session" in answer.headers["set-cookie"]
    assert json.loads((private_home / "server.json").read_text()) == {"url": f"http://127.0.0.1:{port}"}
    server.send_signal(signal.SIGINT)
    assert server.wait(timeout=30) in (0, 130)
    assert "Traceback" not in server.stderr.read()


def test_serve_on_a_port_in_use_is_one_line(private_home):
    import socket

    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        result = run_cli("serve", "--port", str(held.getsockname()[1]))
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "cannot listen on 127.0.0.1" in result.stderr
