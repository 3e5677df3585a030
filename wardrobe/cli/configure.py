"""`wardrobe config`: read and change the home's config file (the location for the forecast, and defaults of flags)."""

from __future__ import annotations

import json
from enum import Enum
from typing import Optional

import typer

from wardrobe.cli.common import EXIT_HOME, EXIT_USAGE, app, fail, note, settings, shown
from wardrobe.config import CONFIG_ENV, CONFIG_KEYS


class Action(str, Enum):
    list = "list"
    get = "get"
    set = "set"
    unset = "unset"


KEYS_HELP = "; ".join(f"{key}: {meaning} (or {CONFIG_ENV[key]})" for key, meaning in CONFIG_KEYS.items())


@app.command("config", help=f"""Read or change the settings kept in the home.

`wardrobe config` lists every key, its value and where it comes from; `config get KEY`, `config set KEY VALUE`,
`config unset KEY`. A flag or WARDROBE_* variable wins over the file, which wins over the default. The file is
HOME/config.toml. Keys: {KEYS_HELP}.""")
def config_command(
    action: Action = typer.Argument(Action.list, metavar="[list|get|set|unset]", help="What to do [default: list]."),
    key: Optional[str] = typer.Argument(None, metavar="[KEY]", help=f"One of {', '.join(CONFIG_KEYS)}."),
    value: Optional[str] = typer.Argument(None, metavar="[VALUE]", help="With set: the value, e.g. "
                                          "`wardrobe config set location 52.52,13.41`."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON: the entries, or what changed."),
) -> None:
    from wardrobe.config import BadConfig
    from wardrobe.services import configuration

    wanted = {Action.list: (0, 0), Action.get: (1, 1), Action.set: (2, 2), Action.unset: (1, 1)}[action]
    given = (key is not None) + (value is not None)
    if given != wanted[0]:
        usage = {Action.list: "config [list]", Action.get: "config get KEY", Action.set: "config set KEY VALUE",
                 Action.unset: "config unset KEY"}[action]
        fail(f"usage: wardrobe {usage} (keys: {', '.join(CONFIG_KEYS)})", EXIT_USAGE)
    try:
        if action is Action.list:
            result = configuration.entries(settings())
        elif action is Action.get:
            result = configuration.get(settings(), key)
        elif action is Action.set:
            result = configuration.set_value(settings(), key, value)
        else:
            result = configuration.unset(settings(), key)
    except BadConfig as exc:
        fail(str(exc), EXIT_USAGE)
    except OSError as exc:
        fail(f"cannot write {settings().config_file} ({exc.strerror or type(exc).__name__})", EXIT_HOME)
    if as_json:
        print(json.dumps(result, indent=2))
        return
    if action is Action.list:
        for entry in result:
            print(f"{entry['key']:<13} {shown(entry['value'] if entry['value'] is not None else '-'):<40} "
                  f"{entry['source']}")
        note(f"the config file: {settings().config_file}")
    elif action is Action.get:
        if result["value"] is not None:
            print(shown(result["value"]))
    elif action is Action.set:
        note(f"{key} = {shown(result['value'])} (in {shown(result['file'])})")
    else:
        note(f"{key} removed from {shown(result['file'])}" if result["removed"] else f"{key} was not in the config file")
