"""Exchange with e-office systems: edXML packages of requests, replies and status messages."""
