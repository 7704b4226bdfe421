"""Scheduled work besides ingestion: the staff digest."""
