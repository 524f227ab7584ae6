"""What everything stands on: the database and its SQLite driver, settings, logs, and the i18n layer."""
