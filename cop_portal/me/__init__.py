"""A signed-in person's own pages at /me/: the dashboard and accepting an invitation (the
notification settings at /me/notifications/ are cop_portal.notifications' view)."""
