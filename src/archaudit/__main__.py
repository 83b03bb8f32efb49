from archaudit.cli import entry

entry()
