"""The conversation: turn pipeline, settings, assistant factory and the `teller` CLI."""
