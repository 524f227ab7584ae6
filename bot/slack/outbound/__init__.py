"""Slack outbound operations that listeners and scheduled jobs share (posting and updating a
feature's messages). Handlers and jobs both import from here; neither imports the other."""
