"""Comment rounds: the request letter, its recipients, the deadline and the tracker."""
