"""The domain layer: plain async functions over the models, shared by Slack handlers, scheduled
jobs, the CLI and the shell. Nothing here imports Slack. Services take a session as their first
argument and an explicit actor, check every rule and permission, raise `bot.services.errors.DomainError`
subclasses, and never commit: the caller's unit of work does."""
