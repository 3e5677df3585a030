"""Commands of the phone companion: serve, pair, devices."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from wardrobe.cli.common import EXIT_USAGE, JSON_OPTION, app, changed, fail, note, opened, settings, shown

SERVER_FILE = "server.json"  # in the home: where the running server is, for `wardrobe pair`


def _base_url(host: str, port: int, secure: bool) -> str:
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "") else f"[{host}]" if ":" in host else host
    return f"{'https' if secure else 'http'}://{shown_host}:{port}"


def _print_pairing(url: str, user: str, expires_at) -> None:
    print(url)
    note(f"a pairing link for {shown(user)}: open it on the phone within 10 minutes (it works once; "
         f"until {expires_at:%H:%M} UTC)")
    if sys.stdout.isatty():
        import segno

        segno.make(url, error="m").terminal(compact=True)


def _check_port(host: str, port: int) -> None:
    """Refuse at once, in one line, an address this server cannot listen on (uvicorn would end with exit 3)."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            fail(f"cannot listen on {host}:{port} ({exc.strerror or exc}): another server holds it? choose --port",
                 EXIT_USAGE)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on; 0.0.0.0 lets the household's "
                             "phones in (pairing still decides who gets in)."),
    port: int = typer.Option(8765, "--port", min=1, max=65535),
    allow_host: list[str] = typer.Option([], "--allow-host", metavar="NAME", help="Another name the phones reach "
                                         "this computer by (e.g. closet.local); repeat for several."),
    tls_cert: Optional[Path] = typer.Option(None, "--tls-cert", metavar="FILE", help="Serve HTTPS with this "
                                            "certificate (PEM); needs --tls-key."),
    tls_key: Optional[Path] = typer.Option(None, "--tls-key", metavar="FILE", help="The certificate's private key."),
    pair_user: Optional[str] = typer.Option(None, "--pair", metavar="NAME", help="Whose pairing link to print at "
                                            "start [default: --user, else default]."),
) -> None:
    """Serve the closet to phones on your network.

    Serve the closet to phones on your network: add photos, today's outfit, the closet, history.
    Prints a pairing link (and its QR code): open it on the phone. Only paired devices get in;
    `wardrobe pair` prints another link, `wardrobe devices` lists and revokes them. Ctrl-C stops.
    """
    import uvicorn

    from wardrobe.services.pairing import new_code
    from wardrobe.web.app import create_app
    from wardrobe.web.server import ServeOptions

    if (tls_cert is None) != (tls_key is None):
        fail("--tls-cert and --tls-key go together", EXIT_USAGE)
    for path in (tls_cert, tls_key):
        if path is not None and not path.is_file():
            fail(f"{shown(path)}: no such file", EXIT_USAGE)
    _check_port(host, port)
    chosen = settings()
    secure = tls_cert is not None
    web = create_app(chosen, ServeOptions(host=host, port=port, allowed_hosts=tuple(allow_host), secure=secure))
    server = web.state.server
    base = _base_url(host, port, secure)
    with opened() as service:
        code = new_code(service, pair_user or chosen.taste_user)
        (chosen.home / SERVER_FILE).write_text(json.dumps({"url": base}) + "\n")
    server.wardrobe.classifier  # noqa: B018  the networks load now, not on the first photo
    _print_pairing(f"{base}/pair/{code.code}", code.user, code.expires_at)
    note(f"serving the closet in {chosen.home} on {base} (Ctrl-C stops)")
    uvicorn.run(web, host=host, port=port, log_level="warning", ssl_certfile=str(tls_cert) if tls_cert else None,
                ssl_keyfile=str(tls_key) if tls_key else None, server_header=False)


@app.command()
def pair(
    url: Optional[str] = typer.Option(None, "--url", metavar="URL", help="The server as the phone reaches it "
                                      "[default: what `wardrobe serve` noted in the home]."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Print a fresh pairing link for a phone.

    Print a fresh pairing link for --user (default: default): it pairs one phone, once, within 10 minutes.
    """
    from wardrobe.services.pairing import new_code

    chosen = settings()
    base = url
    if base is None:
        try:
            base = json.loads((chosen.home / SERVER_FILE).read_text())["url"]
        except (OSError, ValueError, KeyError, TypeError):
            base = _base_url("127.0.0.1", 8765, False)
    with opened() as service:
        code = new_code(service, chosen.taste_user)
    link = f"{str(base).rstrip('/')}/pair/{code.code}"
    if as_json:
        return changed([{"url": link, "user": code.user, "expires_at": code.expires_at.isoformat() + "Z"}])
    _print_pairing(link, code.user, code.expires_at)


@app.command()
def devices(
    revoke: list[int] = typer.Option([], "--revoke", metavar="ID", help="End this device's session (repeat for "
                                     "several); it must pair again."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array."),
) -> None:
    """List or revoke paired phones.

    List the phones and browsers paired with `wardrobe serve`, or revoke some.
    """
    from wardrobe.services import pairing

    with opened() as service:
        if revoke:
            pairing.revoke(service, revoke)
        found = pairing.devices(service)
    records = [{"id": d.id, "user": d.user, "name": d.name, "paired_at": d.created_at.isoformat() + "Z",
                "last_seen_at": d.last_seen_at.isoformat() + "Z", "revoked": d.revoked} for d in found]
    if as_json:
        print(json.dumps(records, indent=2))
        return
    if not records:
        note("no device is paired: `wardrobe serve` prints a pairing link, `wardrobe pair` another")
        return
    print(f"{'id':>4}  {'user':<12} {'paired':<16} {'last seen':<16} device")
    for d in found:
        state = " (revoked)" if d.revoked else ""
        print(f"{d.id:>4}  {shown(d.user)[:12]:<12} {d.created_at:%Y-%m-%d %H:%M} {d.last_seen_at:%Y-%m-%d %H:%M} "
              f"{shown(d.name)[:60]}{state}")
