//go:build !unix

package main

// lockFile is a no-op where flock is missing: one serve per SQLite
// database is then the operator's to ensure.
func lockFile(path string) (unlock func(), err error) { return func() {}, nil }
