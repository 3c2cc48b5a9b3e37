"""Round two: two versions of a draft compared, with the comments behind each change."""
