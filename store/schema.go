package store

// SchemaVersion is the version of the App's tables a migrated database
// has: the number of migrations.
func SchemaVersion() int { return len(migrations) }
