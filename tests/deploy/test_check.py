"""`nombot check` against real servers: Dovecot, an SMTP server and the database (SQLite
and PostgreSQL), then what each kind of fault looks like: one line naming it."""

import time

from sqlalchemy import create_engine, text

from tests.conftest import ROOT, bot_env, write_config
from tests.deploy.conftest import closed_port, nombot, nombot_env


def _config(tmp_path, inbox: str, outbox: str, database_url: str, rules=ROOT / "rules"):
    return write_config(
        tmp_path / "config.toml",
        {
            "": {"rules_dir": str(rules)},
            "inbox": {"url": inbox},
            "outbox": {"url": outbox, "from": "CBD <nominations@cbd.int>"},
            "database": {"url": database_url},
        },
    )


def _check(config, tmp_path, env=None) -> tuple[int, dict[str, str], str]:
    result = nombot("--config", str(config), "check", cwd=tmp_path, env=env)
    lines = {line.split()[1]: line for line in result.stdout.splitlines() if line[:2] != "al"}
    return result.returncode, lines, result.stderr


def test_everything_reachable_passes(tmp_path, mailbox, smtp, database_url):
    config = _config(tmp_path, mailbox.url, f"smtp://127.0.0.1:{smtp.port}", database_url)
    nombot("--config", str(config), "db", "upgrade", cwd=tmp_path, env=bot_env())
    status, lines, stderr = _check(config, tmp_path, bot_env(mailbox.password))
    assert status == 0, (lines, stderr)
    assert list(lines) == ["config", "rules", "templates", "database", "schema", "imap", "smtp"]
    assert lines["imap"] == f"ok   imap      {mailbox.url} (0 message(s))"
    assert lines["smtp"] == f"ok   smtp      smtp://127.0.0.1:{smtp.port}"
    assert lines["schema"].startswith("ok   schema    at ")
    assert not smtp.handler.messages  # nothing was sent


def test_a_refused_login_and_a_missing_secret_are_named(tmp_path, mailbox):
    config = _config(tmp_path, mailbox.url, "maildir:out", f"sqlite:///{tmp_path / 'n.db'}")
    status, lines, stderr = _check(config, tmp_path, bot_env("not-the-password"))
    assert status == 1 and "login to" in lines["imap"] and "refused" in lines["imap"]
    assert lines["outbox"].startswith("ok   outbox    maildir:")
    assert stderr == "nombot: check failed: schema, imap\n"
    status, lines, _ = _check(config, tmp_path, nombot_env())
    assert lines["imap"].endswith("set the environment variable NOMBOT_IMAP_PASSWORD")


def test_an_unreachable_database_fails_within_seconds(tmp_path):
    url = f"postgresql+psycopg://nombot@127.0.0.1:{closed_port()}/nombot"
    config = _config(tmp_path, "maildir:in", "maildir:out", url)
    started = time.monotonic()
    status, lines, stderr = _check(config, tmp_path)
    assert time.monotonic() - started < 30
    assert status == 1 and lines["database"].startswith("FAIL database  postgresql+psycopg://")
    assert "schema" not in lines and stderr == "nombot: check failed: database\n"


def test_a_schema_behind_the_newest_is_named(tmp_path):
    database = tmp_path / "nombot.db"
    config = _config(tmp_path, "maildir:in", "maildir:out", f"sqlite:///{database}")
    nombot("--config", str(config), "db", "upgrade", cwd=tmp_path)
    engine = create_engine(f"sqlite:///{database}")
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0006'"))
    engine.dispose()
    status, lines, _ = _check(config, tmp_path)
    assert status == 1
    assert lines["schema"].startswith("FAIL schema    at 0006, the newest is ")
    assert lines["schema"].endswith("then `nombot db upgrade`")


def test_a_bad_event_file_fails_its_line_and_the_rest_still_run(tmp_path):
    rules = tmp_path / "rules"
    (rules / "events").mkdir(parents=True)
    (rules / "events" / "forum.toml").write_text("[event]\nslug = 'forum'\n")
    config = _config(tmp_path, "maildir:in", "maildir:out", f"sqlite:///{tmp_path / 'n.db'}", rules)
    status, lines, stderr = _check(config, tmp_path)
    assert status == 1 and lines["rules"].startswith(f"FAIL rules     {rules}/events/forum.toml")
    assert lines["inbox"].startswith("ok   inbox") and "templates" in lines
    assert stderr == "nombot: check failed: rules, schema\n"


def test_a_bad_configuration_is_the_only_line(tmp_path):
    config = write_config(tmp_path / "config.toml", {"inbox": {"url": "pop3://x"}})
    result = nombot("--config", str(config), "check", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith(f"FAIL config    {config}: inbox.url:")
    assert len(result.stdout.splitlines()) == 1
    assert result.stderr == "nombot: check failed: config\n"
