"""nomination-bot: turns nomination e-mail into a decided participant list."""
