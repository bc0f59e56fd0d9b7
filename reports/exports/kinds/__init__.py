"""Export kinds: every module here is imported at start-up and registers its kinds."""
