package review

import (
	"fmt"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/go-enry/go-enry/v2"
	"github.com/reviewbot/reviewbot/languages"
)

// SkippedFile is a changed file the model does not review, with the reason.
// Every skipped file is reported; none is dropped silently.
type SkippedFile struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// ReviewFile is a changed file that goes to review, with what detection
// found about it.
type ReviewFile struct {
	*FileDiff
	Language string // linguist name, "" when unknown
	Docs     bool   // documentation by linguist's rules
	Test     bool   // test code by linguist's rules
	// Note is a caveat shown with the file (e.g. invalid UTF-8 replaced).
	Note string
}

// lockFiles are dependency lock files: machine-written, reviewed by
// dependency tooling rather than by reading.
var lockFiles = map[string]bool{
	"package-lock.json": true, "npm-shrinkwrap.json": true, "yarn.lock": true, "pnpm-lock.yaml": true,
	"bun.lockb": true, "bun.lock": true, "go.sum": true, "Cargo.lock": true, "Gemfile.lock": true,
	"poetry.lock": true, "Pipfile.lock": true, "uv.lock": true, "composer.lock": true, "mix.lock": true,
	"pubspec.lock": true, "Podfile.lock": true, "packages.lock.json": true, "flake.lock": true,
	"gradle.lockfile": true, "Package.resolved": true, "deno.lock": true, ".terraform.lock.hcl": true,
}

// minifiedLineLen is the average added-line length above which a file is
// treated as minified: no person reads or reviews such lines.
const minifiedLineLen = 300

// FilterFiles splits the diff's files into those to review and those to
// skip, each skip with its reason. content returns a file's head content
// when available (nil otherwise); it sharpens binary and generated detection.
func FilterFiles(d *Diff, cfg *Config, content func(path string) []byte) (kept []ReviewFile, skipped []SkippedFile) {
	for _, u := range d.Unparsed {
		skipped = append(skipped, SkippedFile{Path: orDefault(u.Path, "(unknown file)"), Reason: "could not parse its diff: " + u.Err.Error()})
	}
	for _, f := range d.Files {
		p := f.Path()
		var data []byte
		if content != nil && f.NewPath != "" && !f.Binary {
			data = content(f.NewPath)
		}
		if reason := skipReason(f, cfg, data); reason != "" {
			skipped = append(skipped, SkippedFile{Path: p, Reason: reason})
			continue
		}
		rf := ReviewFile{FileDiff: f, Language: languages.Detect(p, data), Docs: enry.IsDocumentation(p) || isProse(p), Test: enry.IsTest(p)}
		if hasInvalidUTF8(f) {
			rf.Note = "contains bytes that are not valid UTF-8 (legacy encoding?); they are shown as U+FFFD and no suggestion is offered on those lines"
		}
		kept = append(kept, rf)
	}
	return kept, skipped
}

func skipReason(f *FileDiff, cfg *Config, data []byte) string {
	p := f.Path()
	if g := matchAny(cfg.Exclude, p); g != "" {
		return fmt.Sprintf("excluded by paths.exclude %q", g)
	}
	if len(cfg.Include) > 0 && matchAny(cfg.Include, p) == "" {
		return "not matched by paths.include"
	}
	switch {
	case f.Binary || (data != nil && enry.IsBinary(data)):
		return "binary file"
	case f.PatchOmitted:
		return fmt.Sprintf("GitHub omitted the patch (+%d -%d lines is too large for its API); review it locally with `reviewbot review`", f.Additions, f.Deletions)
	case len(f.Hunks) == 0 && f.ModeChanged:
		return fmt.Sprintf("only the file mode changed (%s -> %s)", f.OldMode, f.NewMode)
	case len(f.Hunks) == 0 && (f.Status == StatusRenamed || f.Status == StatusCopied):
		return fmt.Sprintf("%s from %s without content changes", f.Status, f.OldPath)
	case len(f.Hunks) == 0:
		return "empty file: no lines changed"
	}
	// A paths.include entry that names the file exactly overrides the
	// detection heuristics below, so that a team can review, say, a
	// checked-in generated client file by file. A wildcard include only
	// restricts: "**" must not turn every lock file back on.
	for _, g := range cfg.Include {
		if g == p {
			return ""
		}
	}
	base := path.Base(p)
	switch {
	case lockFiles[base]:
		return "lock file (machine-written dependency versions)"
	case enry.IsVendor(p):
		return "matches linguist's vendor rules (third-party code, fixtures or test data)"
	case enry.IsGenerated(p, data):
		return "generated file (linguist generated rules); list its exact path in paths.include to review it anyway"
	}
	if n, avg := addedLineStats(f); n > 0 && avg > minifiedLineLen {
		return fmt.Sprintf("minified or machine-written (added lines average %d characters)", avg)
	}
	return ""
}

func matchAny(globs []string, p string) string {
	for _, g := range globs {
		if ok, _ := doublestar.Match(g, p); ok {
			return g
		}
	}
	return ""
}

func addedLineStats(f *FileDiff) (n, avg int) {
	total := 0
	for _, h := range f.Hunks {
		for _, l := range h.Lines {
			if l.Kind == LineAdded {
				n++
				total += len(l.Text)
			}
		}
	}
	if n == 0 {
		return 0, 0
	}
	return n, total / n
}

func hasInvalidUTF8(f *FileDiff) bool {
	for _, h := range f.Hunks {
		for _, l := range h.Lines {
			if !utf8.ValidString(l.Text) {
				return true
			}
		}
	}
	return false
}

// isProse catches documentation files linguist's path rules miss.
func isProse(p string) bool {
	switch strings.ToLower(path.Ext(p)) {
	case ".md", ".mdx", ".rst", ".adoc", ".txt":
		return true
	}
	return false
}
