"""Pure Block Kit builders: (service results, translator, now) -> `Reply` or `View`.

They use `slack_sdk.models` so Slack's limits are checked at `to_dict()`, never touch the network
or the database, and escape every user-written string. The shell renders the same output as text.
"""
