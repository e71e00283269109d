package review

import (
	"fmt"
	"path"
	"regexp"
	"strings"
	"unicode"
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

// maxFileTokens caps the diff of one file, in estimated tokens (about
// 8,000 changed lines). A diff this size is nearly always generated code or
// data, and it would fill a premium call by itself. The cap sits below what
// the default premium model leaves for one file (Claude Sonnet's 200K window
// less output, system prompt and up to half of the room for codebase
// context, about 89K), so that with the default models the planner never
// has to drop a file after the router has counted it: a file too large to
// review is skipped here, before it feeds the router, the risk or the
// file count.
const maxFileTokens = 80_000

// FilterFiles splits the diff's files into those to review and those to
// skip, each skip with its reason. content returns a file's head content
// when available (nil otherwise); it sharpens binary, language and
// generated detection.
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
		// The language is detected once, and only when a check needs it:
		// with content, enry may run its classifier.
		lang, detected := "", false
		language := func() string {
			if !detected && !f.Binary {
				lang, detected = languages.Detect(p, data), true
			}
			return lang
		}
		if reason := skipReason(f, cfg, language, data); reason != "" {
			skipped = append(skipped, SkippedFile{Path: p, Reason: reason})
			continue
		}
		rf := ReviewFile{FileDiff: f, Language: language(), Docs: enry.IsDocumentation(p) || isProse(p), Test: enry.IsTest(p)}
		if hasInvalidUTF8(f) {
			rf.Note = "contains bytes that are not valid UTF-8 (legacy encoding?); they are shown as U+FFFD and no suggestion is offered on those lines"
		}
		kept = append(kept, rf)
	}
	return kept, skipped
}

// skipReason says why a file is not reviewed, or "" to review it. The
// checks run from facts (configuration, binary, no content change, size) to
// judgements about who wrote the file, and among those the most specific
// reason comes first: a minified app.min.js is "minified", though linguist's
// vendor rules list *.min.js too.
func skipReason(f *FileDiff, cfg *Config, language func() string, data []byte) string {
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
	if t := patchTokens(f); t > maxFileTokens {
		return fmt.Sprintf("too large to review: its diff is about %d tokens (+%d -%d lines), over the limit of %d for one file; a diff this size is nearly always generated, so split the change if it is not", t, f.Additions, f.Deletions, maxFileTokens)
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
	case vendored(p):
		return vendorReason(p)
	case minifiedName.MatchString(base):
		return "minified (its name ends in `" + minifiedName.FindString(base) + "`)"
	}
	if why := minifiedShape(p, language(), f); why != "" {
		return why
	}
	if enry.IsGenerated(p, data) {
		return "generated file (linguist generated rules); list its exact path in paths.include to review it anyway"
	}
	return ""
}

// reviewedConfig are hand-written repository, CI and supply-chain files
// that linguist's vendor rules list. Linguist leaves them out of a
// repository's language statistics, which suits a language bar and not a
// review: a workflow, a CODEOWNERS line or a submodule URL is among the
// most security-sensitive text of a pull request. An entry ending in "/"
// is a directory; the others are a path tail. Like linguist's rules, each
// matches at any depth.
var reviewedConfig = []string{
	".github/",           // workflows, actions, CODEOWNERS, dependabot, reviewbot.yml, templates
	".teamcity/",         // TeamCity pipelines (Kotlin DSL)
	"Jenkinsfile",        // a Jenkins pipeline
	".gitattributes",     // diff, merge and LFS filters
	".gitmodules",        // submodule URLs: where code is fetched from
	".gitignore",         // what can be committed by accident
	".gitpod.Dockerfile", // the image a workspace runs
	"Vagrantfile",        // a development VM's provisioning (Ruby)
	".vscode/tasks.json", // tasks can run commands when the folder opens
	"gradle/wrapper/gradle-wrapper.properties", // the Gradle distribution every build downloads, and its checksum
	".mvn/wrapper/maven-wrapper.properties",    // likewise for Maven
}

// configSpan finds the leftmost reviewedConfig entry in p and returns where
// it starts and how long it is, or -1.
func configSpan(p string) (start, n int) {
	for i := 0; i < len(p); i++ {
		if i > 0 && p[i-1] != '/' {
			continue
		}
		tail := p[i:]
		for _, e := range reviewedConfig {
			if tail == e || (strings.HasSuffix(e, "/") && strings.HasPrefix(tail, e)) {
				return i, len(e)
			}
		}
	}
	return -1, 0
}

// minifiedName is linguist's own rule for minified file names, one of its
// vendor rules.
var minifiedName = regexp.MustCompile(`[.-]min\.(js|css)$`)

// declarationFile matches TypeScript declaration files, which linguist's
// vendor rules list whole, being third-party type stubs or compiler output
// in most repositories' statistics. In a pull request they are as often the
// hand-written types of the project (a compiler's AST, an API's shapes) and
// draw real review comments; where they are third-party or emitted, another
// rule (node_modules/, dist/, @types) or a generated header says so.
var declarationFile = regexp.MustCompile(`\.d\.ts$`)

// vendored reports whether linguist's vendor rules make p third-party code.
// Some of those rules are about a kind of file rather than about who wrote
// it, and are left out here: repository configuration (reviewedConfig),
// unless it sits inside third-party code itself (vendor/x/.github/, a
// JavaScript action's node_modules); the *.min.js name, which is its own
// reason; and TypeScript declarations.
func vendored(p string) bool {
	if !enry.IsVendor(p) {
		return false
	}
	if i, n := configSpan(p); i >= 0 {
		return (i > 0 && enry.IsVendor(p[:i])) || (i+n < len(p) && enry.IsVendor(p[i+n:]))
	}
	p = minifiedName.ReplaceAllString(p, ".$1")
	p = declarationFile.ReplaceAllString(p, ".ts")
	return enry.IsVendor(p)
}

// testDataDirs and buildOutputDirs are the vendor rules of linguist that
// name test data and build output rather than third-party code, so that the
// skip says which it is.
var (
	testDataDirs    = regexp.MustCompile(`(^|/)(testdata|[Tt]ests?/fixtures|[Ss]pecs?/fixtures|inst/extdata)/`)
	buildOutputDirs = regexp.MustCompile(`(^|/)dist/`)
)

// vendorReason words the skip of a vendored file by what it is.
func vendorReason(p string) string {
	switch {
	case testDataDirs.MatchString(p):
		return "test data or fixtures (linguist's vendor rules)"
	case buildOutputDirs.MatchString(p):
		return "build output in dist/ (linguist's vendor rules)"
	}
	return "third-party code (linguist's vendor rules)"
}

// Minified lines, told by shape. Measured on real files (see
// testdata/filter/README.md): the long lines of minified JavaScript and CSS
// (Day.js, jQuery, Pure) are 1.4-2.3% blanks and 20-36% ASCII punctuation;
// those of hand-written Markdown tables and paragraphs 16-19% blanks and
// 1-4% punctuation; Chinese prose has neither blanks nor ASCII punctuation.
// Average line length alone cannot tell them apart: a diff that adds two
// table rows averages 400 characters a line.
const (
	denseLineLen  = 500  // bytes; shorter lines are read by people whatever their shape
	denseMaxBlank = 0.06 // share of spaces and tabs
	denseMinPunct = 0.15 // share of ASCII punctuation
)

// minifiedShape says why a file's added lines are minified or built
// output, or "". Prose (Markdown, reStructuredText, AsciiDoc, plain text)
// is written by people and never minified, whatever its lines look like.
// Otherwise a source-map comment marks build output, and dense lines (long,
// almost without blanks, full of punctuation) holding at least half of the
// added text mark minified code.
func minifiedShape(p, lang string, f *FileDiff) string {
	if isProse(p) {
		return ""
	}
	if l, ok := languages.Lookup(lang); ok && l.Type == "prose" {
		return ""
	}
	total, dense := 0, 0
	for _, h := range f.Hunks {
		for _, l := range h.Lines {
			if l.Kind != LineAdded {
				continue
			}
			if sourceMapComment(l.Text) {
				return "minified or compiled output (it carries a source-map comment)"
			}
			total += len(l.Text)
			if isDenseLine(l.Text) {
				dense += len(l.Text)
			}
		}
	}
	if dense > 0 && 2*dense >= total {
		return fmt.Sprintf("minified (%d%% of the added text is on lines of over %d characters with almost no spaces)", 100*dense/total, denseLineLen)
	}
	return ""
}

// isDenseLine reports whether a line has the shape of minified code.
func isDenseLine(s string) bool {
	if len(s) < denseLineLen {
		return false
	}
	blank, punct := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ' ' || c == '\t':
			blank++
		case c < utf8.RuneSelf && (unicode.IsPunct(rune(c)) || unicode.IsSymbol(rune(c))):
			punct++
		}
	}
	n := float64(len(s))
	return float64(blank)/n < denseMaxBlank && float64(punct)/n >= denseMinPunct
}

// sourceMapComment reports whether a line is the source-map reference that
// bundlers and minifiers append (//# sourceMappingURL=..., /*# ... */ in
// CSS; //@ is the older spelling).
func sourceMapComment(s string) bool {
	s = strings.TrimSpace(s)
	for _, prefix := range []string{"//# sourceMappingURL=", "//@ sourceMappingURL=", "/*# sourceMappingURL=", "/*@ sourceMappingURL="} {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}

// patchTokens estimates the tokens of the file's numbered patch (see
// NumberedPatch) without building it: each line carries its number, a
// side letter and a sign besides its text, each hunk a header.
func patchTokens(f *FileDiff) int {
	n := 0
	for _, h := range f.Hunks {
		n += 32 + len(h.Section)
		for _, l := range h.Lines {
			n += len(l.Text) + 10
		}
	}
	return (n + 3) / 4 // four bytes a token, as tiers.EstimateTokens counts
}

func matchAny(globs []string, p string) string {
	for _, g := range globs {
		if ok, _ := doublestar.Match(g, p); ok {
			return g
		}
	}
	return ""
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
