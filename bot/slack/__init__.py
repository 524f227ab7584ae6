"""How a message goes out: the outbound sender paced under Slack's rate limits, the pooled HTTP
session, the bot's credentials and standing, each feature's posting, and the loopback Web API stand-in."""
