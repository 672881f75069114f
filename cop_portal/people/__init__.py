""" "Who knows what" at /people/: people found by expertise across the viewer's communities."""
