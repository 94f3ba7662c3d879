"""The full-screen Textual app: the App, its screens and widgets, over the core."""
