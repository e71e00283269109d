package tiers

import (
	"fmt"
	"path"
	"slices"
	"strings"
)

// Router thresholds. A change this small gets little from the premium
// model unless it touches a risky path, which is checked first.
const (
	trivialLines = 20
	trivialFiles = 5
)

// Route implements SPEC section 3: a requested free or team tier is
// honoured; auto decides from the measured signals and states why.
// Risky paths win over size; docs-only, generated-only and trivial changes
// stay on the cheap tier.
func Route(requested Tier, s Signals) Decision {
	switch requested {
	case Free, Team:
		return Decision{Tier: requested, Reason: fmt.Sprintf("requested: %s", requested)}
	}
	size := fmt.Sprintf("%d %s, %d changed %s", s.Files, plural(s.Files, "file", "files"), s.ChangedLines, plural(s.ChangedLines, "line", "lines"))
	free := func(why string) Decision { return Decision{Tier: Free, Reason: "auto: " + why + " -> free"} }
	team := func(why string) Decision { return Decision{Tier: Team, Reason: "auto: " + why + " -> team"} }
	switch {
	case s.Files == 0:
		return free("no reviewable files")
	case s.DocsOnly:
		return free(size + ", documentation only")
	case s.GeneratedOnly:
		return free(size + ", generated or lock files only")
	case len(s.RiskyPaths) > 0:
		touches := s.RiskyPaths[0]
		if n := len(s.RiskyPaths) - 1; n > 0 {
			touches += fmt.Sprintf(" and %d more risky %s", n, plural(n, "path", "paths"))
		}
		return team(size + ", touches " + touches)
	case s.ChangedLines <= trivialLines && s.Files <= trivialFiles:
		return free(size + ", trivial change")
	}
	if len(s.Languages) > 0 {
		size += " in " + strings.Join(s.Languages, ", ")
	}
	return team(size)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// riskyWords are path words whose code deserves the premium reviewer:
// security boundaries, money, schema changes and CI with secrets. A path
// word matches when it starts with one of these (auth matches authz and
// authentication).
var riskyWords = []string{
	"auth", "oauth", "login", "logout", "passw", "secret", "credential", "token", "session", "jwt", "saml", "sso", "acl", "rbac", "permission", "sanitiz",
	"crypt", "cipher", "tls", "ssl", "cert", "security", "vault", "keystore",
	"migration", "migrate",
	"payment", "billing", "invoice", "checkout", "stripe", "wallet", "refund",
}

// riskyExceptions are words that start like a risky word but are not.
var riskyExceptions = []string{"author", "authors", "tokenizer", "tokenize"}

// riskyNames are files whose change alters who may approve, what runs in
// CI or where code comes from: composite actions, code owners, submodules.
var riskyNames = []string{"action.yml", "action.yaml", "codeowners", ".gitmodules"}

// IsRiskyPath reports whether a changed path touches a risky area
// (authentication, cryptography, security, migrations, payments, CI
// workflows and actions, code owners, submodules).
func IsRiskyPath(p string) bool {
	lp := strings.ToLower(p)
	if strings.HasPrefix(lp, ".github/workflows/") || slices.Contains(riskyNames, path.Base(lp)) {
		return true
	}
	words := strings.FieldsFunc(lp, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	})
	for _, w := range words {
		if slices.Contains(riskyExceptions, w) {
			continue
		}
		for _, risky := range riskyWords {
			if strings.HasPrefix(w, risky) || (risky == "crypt" && strings.Contains(w, risky)) {
				return true
			}
		}
	}
	return false
}

// docExtensions and docNames mark documentation files.
var (
	docExtensions = []string{".md", ".markdown", ".rst", ".adoc", ".txt"}
	docNames      = []string{"license", "licence", "notice", "authors", "codeowners", "changelog", "contributing"}
)

// IsDocPath reports whether a path is documentation.
func IsDocPath(p string) bool {
	lp := strings.ToLower(p)
	base := path.Base(lp)
	stem := strings.TrimSuffix(base, path.Ext(base))
	return slices.Contains(docExtensions, path.Ext(lp)) || slices.Contains(docNames, stem) ||
		strings.HasPrefix(lp, "docs/") || strings.HasPrefix(lp, "doc/")
}

// generatedNames and generatedSuffixes mark lock files and generated code.
var (
	generatedNames    = []string{"go.sum", "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "cargo.lock", "poetry.lock", "pipfile.lock", "gemfile.lock", "composer.lock", "uv.lock", "bun.lockb"}
	generatedSuffixes = []string{".pb.go", "_pb2.py", "_pb2_grpc.py", ".pb.cc", ".pb.h", "_generated.go", ".gen.go", ".min.js", ".min.css", ".snap", "_string.go"}
)

// IsGeneratedPath reports whether a path is a lock file or generated code.
func IsGeneratedPath(p string) bool {
	lp := strings.ToLower(p)
	base := path.Base(lp)
	if slices.Contains(generatedNames, base) || strings.HasPrefix(base, "zz_generated") {
		return true
	}
	for _, s := range generatedSuffixes {
		if strings.HasSuffix(base, s) {
			return true
		}
	}
	return strings.HasPrefix(lp, "vendor/") || strings.Contains(lp, "/vendor/") || strings.Contains(lp, "node_modules/")
}

// MeasureSignals computes the router's inputs from the files of a PR.
func MeasureSignals(files []File) Signals {
	s := Signals{Files: len(files), DocsOnly: len(files) > 0, GeneratedOnly: len(files) > 0}
	for _, f := range files {
		s.ChangedLines += f.Added + f.Removed
		if f.Language != "" && !slices.Contains(s.Languages, f.Language) {
			s.Languages = append(s.Languages, f.Language)
		}
		if IsRiskyPath(f.Path) || (f.OldPath != "" && IsRiskyPath(f.OldPath)) {
			s.RiskyPaths = append(s.RiskyPaths, f.Path)
		}
		s.DocsOnly = s.DocsOnly && IsDocPath(f.Path)
		s.GeneratedOnly = s.GeneratedOnly && IsGeneratedPath(f.Path)
	}
	slices.Sort(s.Languages)
	return s
}
