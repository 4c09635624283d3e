// Placeholder so the target compiles; filled in by its issue.
