"""The Maildir inbox and outbox: a creation cut short by a kill is finished, not fatal."""

from bot.inbox.maildir import MaildirInbox, ensure_folder, ensure_maildir
from bot.store.models import MailboxState


def test_a_maildir_whose_creation_was_cut_short_is_completed(tmp_path):
    root = tmp_path / "inbox"
    (root / "tmp").mkdir(parents=True)  # killed after the first of the three folders

    with MaildirInbox(root, 1_000_000) as inbox:
        assert inbox.fetch_new(MailboxState(mailbox=inbox.name)) == []

    assert all((root / part).is_dir() for part in ("tmp", "new", "cur"))


def test_a_sub_folder_cut_short_is_completed_and_marked(tmp_path):
    root = tmp_path / "inbox"
    ensure_maildir(root)
    (root / ".Nominations-Processed" / "tmp").mkdir(parents=True)

    target = ensure_folder(root, "Nominations-Processed")

    assert all((target / part).is_dir() for part in ("tmp", "new", "cur"))
    assert (target / "maildirfolder").is_file()
    assert ensure_maildir(root).list_folders() == ["Nominations-Processed"]
