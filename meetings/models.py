"""Models of the meetings app; see DESIGN.md and its issue."""
