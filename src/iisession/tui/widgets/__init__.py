"""Reusable widgets, one per module. Widgets never touch the disk."""
