// Package codebase reads a repository snapshot and finds what a change needs
// around it: the context pack handed to the premium model (enclosing
// definitions, definitions used, callers, tests) and the downstream impact
// list (references to changed definitions), both found in the code rather
// than guessed by a model.
package codebase

import (
	"context"
	"time"
)

// Source is a read-only repository snapshot at one revision.
type Source interface {
	// Files lists every regular file path (slash-separated, relative to the
	// repository root).
	Files(ctx context.Context) ([]string, error)
	// ReadFile returns one file's content.
	ReadFile(ctx context.Context, path string) ([]byte, error)
}

// Change is one changed file of a diff, reduced to what analysis needs.
type Change struct {
	Path     string // path at head ("" when deleted)
	OldPath  string // path at base ("" when added)
	Status   string // added, deleted, modified, renamed, copied
	Language string // linguist name, "" when unknown
	Added    []int  // head line numbers of added lines
	Removed  []int  // base line numbers of removed lines
	// Skipped marks a file the review leaves out (generated, vendored,
	// too large). Its lines still changed: they are no references of the
	// change, and its changed definitions are traced to their callers
	// (a regenerated accessor breaks hand-written code too), but it gets
	// no context items, since nobody reviews it.
	Skipped bool
}

// Options configures one analysis.
type Options struct {
	Base, Head  Source   // snapshots before and after the change; Base may be nil
	Changes     []Change // the files the diff touches
	TokenBudget int      // budget for Context text; 0 means a default
}

// ContextItem is one piece of code handed to the model, citable as Path:StartLine.
type ContextItem struct {
	Path      string `json:"path"`
	StartLine int    `json:"start_line"`
	EndLine   int    `json:"end_line"`
	Kind      string `json:"kind"`   // enclosing, definition, caller, test
	Symbol    string `json:"symbol"` // the symbol it is about
	ForPath   string `json:"for_path"`
	ForLine   int    `json:"for_line"` // the changed line it serves
	Text      string `json:"text"`
	Tokens    int    `json:"tokens"`
}

// Impact is one changed definition and where it is used elsewhere.
type Impact struct {
	Symbol    string   `json:"symbol"`    // pkg.Func, Type.Method, module.func
	Change    string   `json:"change"`    // modified, signature, deleted, renamed
	Summary   string   `json:"summary"`   // one line, written from the facts
	Locations []string `json:"locations"` // path:line, excluding the change itself
}

// Analysis is the result of Analyze.
type Analysis struct {
	Context []ContextItem
	Impact  []Impact
	Notes   []string // what could not be analysed and why (never dropped silently)
	Stats   Stats
}

// Stats describes the work done, for benchmarks and logs.
type Stats struct {
	FilesListed   int
	FilesScanned  int // read for the word pre-filter
	FilesParsed   int
	ChangedDefs   int
	Duration      time.Duration
	ContextTokens int
}
