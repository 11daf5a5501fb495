"""Rooms and chairs, protocols, courses, appointments and session records (DESIGN.md §2)."""
