// Package languages knows the languages of a repository's files: which
// linguist language a file is (Detect, through go-enry), what a reviewer
// should look for in it (Lookup, Known, IsTestFile), and which symbols it
// defines, uses and imports (Extract).
//
// Extract reads Go with go/parser and fifteen languages with tree-sitter
// grammars, each described by one query in a ts_*.go file and run by the
// shared driver in treesitter.go. Every other programming language falls
// back to a line-based heuristic (heuristic.go) whose results are marked
// FileSymbols.Heuristic. Data, markup and prose formats get ErrUnsupported.
//
// Extract is safe for concurrent use: compiled queries are shared, parsers
// are made per call.
package languages
