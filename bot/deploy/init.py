"""``nombot init DIR``: a new deployment folder, ready to edit, check and run.

Part of the deployment tooling (``bot.deploy``), registered by ``bot.cli``. It writes
``config.toml`` (the packaged example, commented, with its paths inside the folder),
``rules/`` (the example event and its access instructions), an empty ``templates/``
override folder, ``var/`` (database and Maildirs), ``nombot.env`` (mode 0600, the names of
the secrets' variables, commented) and ``nombot.service`` (a systemd unit for the folder).
Everything it copies comes from the installed package: ``bot/deploy/example`` in the wheel,
the top-level files in a source checkout.
"""

import os
import re
import sys
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Annotated

import typer

from bot.errors import UserError

EXAMPLE = "example"  # bot/deploy/example in the wheel (pyproject.toml, force-include)
# Where the same files sit in a source checkout, relative to its top.
CHECKOUT = {
    "config.example.toml": "config.example.toml",
    "rules": "rules",
    "nombot.service": "deploy/nombot.service",
}
# The keys of config.example.toml that init sets: (section, key, TOML value). A key that is
# only shown commented out in the example is written uncommented.
SETTINGS = (
    ("", "rules_dir", '"rules"'),
    ("", "templates_dir", '"templates"'),
    ("inbox", "url", '"maildir:var/mail/inbox"'),
    ("outbox", "url", '"maildir:var/mail/outbox"'),
    ("database", "url", '"sqlite:///var/nombot.db"'),
)
_SECTION = re.compile(r"^\[([^\]]+)\]\s*(#.*)?$")
_UNIT_UNSAFE = re.compile(r"[\s\"'\\;]")  # characters a unit file would need quoted
HOMES = (Path("/home"), Path("/root"), Path("/run/user"))
TMPS = (Path("/tmp"), Path("/var/tmp"))


def packaged(name: str) -> Traversable:
    """One of the files ``nombot init`` copies, from the installed package."""
    inside = resources.files("bot.deploy").joinpath(EXAMPLE, name)
    if inside.is_file() or inside.is_dir():
        return inside
    checkout = Path(__file__).resolve().parents[2] / CHECKOUT[name]
    if checkout.exists():
        return checkout
    raise UserError(f"{name}: not in the installed package ({inside}); reinstall nomination-bot")


def set_key(text: str, section: str, key: str, value: str) -> str:
    """``text`` (TOML) with ``key`` of ``[section]`` ("" for the top) set to ``value``,
    keeping the line's comment; a commented-out ``# key = …`` line is taken over."""
    pattern = re.compile(
        rf"^(?:#\s*)?{re.escape(key)}\s*=\s*(?:\"(?:[^\"\\]|\\.)*\"|[^\s#]+)(?P<comment>\s*#.*)?$"
    )
    lines = text.splitlines(keepends=True)
    current = ""
    for number, line in enumerate(lines):
        header = _SECTION.match(line.strip())
        if header:
            current = header.group(1).strip()
            continue
        match = pattern.match(line.rstrip("\n"))
        if current == section and match:
            lines[number] = f"{key} = {value}{match.group('comment') or ''}\n"
            return "".join(lines)
    where = f"[{section}] " if section else ""
    raise UserError(f"config.example.toml: no {where}{key} to set; reinstall nomination-bot")


def configuration(folder: Path) -> str:
    """The packaged example configuration, with its paths inside ``folder``."""
    text = packaged("config.example.toml").read_text(encoding="utf-8")
    for section, key, value in SETTINGS:
        text = set_key(text, section, key, value)
    return (
        f"# Written by `nombot init` for {folder}, from the packaged config.example.toml:\n"
        "# rules, templates, database and Maildirs are in this folder. Edit [inbox] and\n"
        "# [outbox] (imap://…, smtp://…), [digest] and [policy], then run `nombot check`.\n"
        "#\n" + text
    )


def copy_tree(source: Traversable, target: Path) -> list[Path]:
    """Copy a packaged folder; returns the files written."""
    target.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for entry in sorted(source.iterdir(), key=lambda e: e.name):
        if entry.name.startswith(".") or entry.name == "__pycache__":
            continue
        if entry.is_dir():
            written += copy_tree(entry, target / entry.name)
        else:
            (target / entry.name).write_bytes(entry.read_bytes())
            written.append(target / entry.name)
    return written


def secrets_file(variables: dict[str, str], folder: Path) -> str:
    lines = [
        f"# Secrets of the nomination-bot in {folder}: VARIABLE=value lines, read by",
        "# nombot.service (EnvironmentFile=; systemd reads it before switching to User=).",
        "# Keep this file mode 0600 and out of version control; the configuration names",
        "# the variables, never the values. For a shell: set -a; . ./nombot.env; set +a",
        "",
    ]
    width = max(map(len, variables)) + 1
    lines += [f"# {name + '=':<{width}}   # {what}" for name, what in variables.items()]
    return "\n".join(lines) + "\n"


def write_secret_file(path: Path, text: str) -> bool:
    """Create ``path`` with mode 0600; an existing one (it may hold secrets) is kept."""
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(text)
    os.chmod(path, 0o600)  # whatever the umask
    return True


def program() -> list[str]:
    """How the running program is started again: its ``nombot`` script, else ``python -m bot``."""
    script = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if script is not None and script.name == "nombot" and os.access(script, os.X_OK):
        return [os.path.abspath(script)]
    return [os.path.abspath(sys.executable), "-m", "bot"]


def _unit_value(value: str) -> str:
    if _UNIT_UNSAFE.search(value):
        raise UserError(
            f"{value!r}: a path with spaces or quotes cannot go in nombot.service; "
            "choose another folder"
        )
    return value.replace("%", "%%")  # systemd's specifier character


def service_unit(template: str, folder: Path, command: list[str]) -> str:
    """The packaged ``nombot.service`` made to run the bot of ``folder``: its working
    directory, environment file, configuration and writable ``var/``."""
    at_home = any(folder.is_relative_to(home) for home in HOMES)
    in_tmp = any(folder.is_relative_to(tmp) for tmp in TMPS)
    values = {
        "WorkingDirectory": _unit_value(str(folder)),
        "EnvironmentFile": _unit_value(str(folder / "nombot.env")),
        "ExecStart": " ".join(
            _unit_value(part) for part in (*command, "--config", str(folder / "config.toml"))
        )
        + " run",
        "ReadWritePaths": _unit_value(str(folder / "var")),
        # A folder in a home directory stays readable; ReadWritePaths opens its var/.
        "ProtectHome": "read-only" if at_home else "yes",
        # A private /tmp would hide a folder in /tmp from the service.
        "PrivateTmp": "no" if in_tmp else "yes",
    }
    dropped = ("StateDirectory", "StateDirectoryMode")  # the state is the folder's var/
    lines: list[str] = []
    for line in template[template.index("[Unit]") :].splitlines():
        key = line.partition("=")[0]
        if key in dropped:
            continue
        lines.append(f"{key}={values.pop(key)}" if key in values else line)
    if values:
        raise UserError(f"nombot.service: no {', '.join(values)} line; reinstall nomination-bot")
    header = (
        f"# nomination-bot in {folder}: `nombot run` as a service, written by `nombot init`.\n"
        f"# Install: useradd --system --home-dir {folder} --shell /usr/sbin/nologin nombot\n"
        f"#          chown -R nombot: {folder / 'var'}\n"
        f"#          cp {folder / 'nombot.service'} /etc/systemd/system/\n"
        "#          systemctl enable --now nombot\n"
    )
    return header + "\n".join(lines) + "\n"


def templates_readme() -> str:
    from bot.notify.writer import packaged_templates

    return f"""Mail templates of your own (templates_dir in config.toml).

The bot ships its templates, in seven languages, in
    {packaged_templates()}
A file here with the same path replaces the packaged one of that name and language; for
every file it does not find here the bot uses the packaged one. To change a mail, copy its
packaged file here under the same name and edit it, e.g. en/confirmation.txt.j2.

    <lang>/<name>.txt.j2       the text of a mail (Jinja2)
    <lang>/<name>.html.j2      its HTML part
    <lang>/<name>.subject.j2   its subject
    <lang>/_reasons.txt.j2     the sentences that explain each reason to a sender
    <lang>/roles.toml          the names of the focal-point roles

`nombot check` renders every template with sample data and names the file and line of
the first fault; the bot does the same at start-up.
"""


def refuse_unless_empty(folder: Path, force: bool) -> None:
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{folder} is not a folder")
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise UserError(
            f"{folder} is not empty; choose a new folder, or pass --force to write into it"
        )


def write_deployment(folder: Path, force: bool = False) -> list[str]:
    """Write the deployment folder; returns one line per thing written, for the user."""
    from bot.config import load_config

    folder = folder.expanduser().absolute()
    refuse_unless_empty(folder, force)
    unit = service_unit(packaged("nombot.service").read_text(encoding="utf-8"), folder, program())
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.toml").write_text(configuration(folder), encoding="utf-8")
    config = load_config(folder / "config.toml")  # what was written must be valid
    rules = copy_tree(packaged("rules"), folder / "rules")
    (folder / "templates").mkdir(exist_ok=True)
    (folder / "templates" / "README.txt").write_text(templates_readme(), encoding="utf-8")
    (folder / "var").mkdir(exist_ok=True)
    variables = {
        config.inbox.password_env: "[inbox] password_env: the IMAP password",
        config.outbox.password_env: "[outbox] password_env: the SMTP AUTH password",
        config.web.secret_env: "[web] secret_env: signs the staff interface's cookies "
        "(32+ characters)",
        "PGPASSWORD": "PostgreSQL's password, when [database] url names a user without one",
    }
    created = write_secret_file(folder / "nombot.env", secrets_file(variables, folder))
    (folder / "nombot.service").write_text(unit, encoding="utf-8")
    events = sorted(p.name for p in rules if p.parent.name == "events")
    access = [p for p in rules if p.parent.name == "access"]
    secrets = ", ".join(variables)
    return [
        "config.toml      the configuration, commented: edit [inbox], [outbox], [digest]",
        f"nombot.env       the secrets' variables, mode 0600: {secrets}"
        if created
        else "nombot.env       kept as it was (it may hold secrets)",
        f"rules/events/    {', '.join(events) or 'no event'}: the example call for nominations",
        *([f"rules/access/    {len(access)} access instruction file(s)"] if access else []),
        "templates/       your own versions of the mail templates (see README.txt there)",
        "var/             the SQLite database and the Maildirs",
        "nombot.service   a systemd unit running `nombot run` for this folder",
    ]


def init_command(
    folder: Annotated[Path, typer.Argument(help="The folder to create.", show_default=False)],
    force: Annotated[
        bool, typer.Option("--force", help="Write into a folder that is not empty.")
    ] = False,
) -> None:
    """Create a deployment folder: configuration, rules, templates, secrets file, systemd unit."""
    lines = write_deployment(folder, force)
    where = folder.expanduser().absolute()
    typer.echo(f"created {where}:")
    for line in lines:
        typer.echo(f"  {line}")
    config = where / "config.toml"
    typer.echo(f"next: edit {config}, then run: nombot --config {config} check")
