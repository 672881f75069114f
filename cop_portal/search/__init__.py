"""Search at /search/ across knowledge, meetings and people (the rules are at the top of views.py)."""
