"""Models of the knowledge app; see DESIGN.md and its issue."""
