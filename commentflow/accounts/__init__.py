"""Users, their roles, server-side login sessions and the login throttle."""
