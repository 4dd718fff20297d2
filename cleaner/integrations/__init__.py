"""Adapters for the engines users run cleaner inside (optional extras)."""
