"""An agency's answer to a round: registration, assignment, comments, approval, submission."""
