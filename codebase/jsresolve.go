package codebase

import (
	"context"
	"encoding/json"
	"path"
	"regexp"
	"sort"
	"strings"
)

// jsPackages tells which bare JavaScript/TypeScript import specifiers name
// the repository itself rather than an installed dependency: the "name"
// of a package.json in the repository (with its "exports" subpaths), the
// "paths" of a tsconfig.json at the root, and, for a source tree published
// without its package.json, a package name whose subpath imports all
// resolve to directories of the repository.
type jsPackages struct {
	pkgs  map[string]jsPackage // package name → its directory and exports
	paths []tsPathAlias        // tsconfig compilerOptions.paths, longest prefix first
}

type jsPackage struct {
	dir     string            // "" for the repository root
	exports map[string]string // "./sub" → target path, "." for the main entry
}

// tsPathAlias is one tsconfig paths entry: "prefix*" → "target*" under dir.
type tsPathAlias struct {
	prefix, suffix string // the pattern around its "*" (no star: exact)
	star           bool
	targets        []string // repository paths, "*" kept
}

// jsPackagesOf reads the package.json and root tsconfig.json files of the
// snapshot once.
func (s *snapshot) jsPackagesOf(ctx context.Context) *jsPackages {
	s.jsOnce.Do(func() {
		jp := &jsPackages{pkgs: map[string]jsPackage{}}
		for _, p := range s.files {
			if path.Base(p) != "package.json" || ignoredDir(p) {
				continue
			}
			data, err := s.read(ctx, p)
			if err != nil {
				continue
			}
			var pj struct {
				Name    string          `json:"name"`
				Main    string          `json:"main"`
				Types   string          `json:"types"`
				Exports json.RawMessage `json:"exports"`
			}
			if json.Unmarshal(data, &pj) != nil || pj.Name == "" {
				continue
			}
			pkg := jsPackage{dir: dirOf(p), exports: map[string]string{}}
			for _, entry := range []string{pj.Main, pj.Types} {
				if entry != "" {
					pkg.exports["."] = entry
				}
			}
			readExports(pj.Exports, pkg.exports)
			jp.pkgs[pj.Name] = pkg
		}
		if data, err := s.read(ctx, "tsconfig.json"); err == nil {
			jp.paths = readTSPaths(data)
		}
		s.jsPkgs = jp
	})
	return s.jsPkgs
}

// readExports flattens package.json "exports" into subpath → file, taking
// for conditional entries the first of types, import, default, require.
func readExports(raw json.RawMessage, into map[string]string) {
	if len(raw) == 0 {
		return
	}
	var str string
	if json.Unmarshal(raw, &str) == nil {
		into["."] = str
		return
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return
	}
	conditional := false
	for k := range m {
		if !strings.HasPrefix(k, ".") {
			conditional = true
		}
	}
	if conditional {
		if t := exportTarget(raw); t != "" {
			into["."] = t
		}
		return
	}
	for k, v := range m {
		if t := exportTarget(v); t != "" {
			into[k] = t
		}
	}
}

// exportTarget picks one file from an exports value: a string, or a
// conditions object, searched depth first.
func exportTarget(raw json.RawMessage) string {
	var str string
	if json.Unmarshal(raw, &str) == nil {
		return str
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return ""
	}
	for _, cond := range []string{"types", "import", "default", "require", "node"} {
		if v, ok := m[cond]; ok {
			if t := exportTarget(v); t != "" {
				return t
			}
		}
	}
	return ""
}

var (
	jsonLineComment  = regexp.MustCompile(`(?m)^\s*//.*$`)
	jsonBlockComment = regexp.MustCompile(`(?s)/\*.*?\*/`)
	jsonTrailComma   = regexp.MustCompile(`,(\s*[}\]])`)
)

// readTSPaths reads compilerOptions.baseUrl and paths from a tsconfig.json,
// which may hold comments and trailing commas.
func readTSPaths(data []byte) []tsPathAlias {
	clean := jsonBlockComment.ReplaceAll(data, nil)
	clean = jsonLineComment.ReplaceAll(clean, nil)
	clean = jsonTrailComma.ReplaceAll(clean, []byte("$1"))
	var tc struct {
		CompilerOptions struct {
			BaseURL string              `json:"baseUrl"`
			Paths   map[string][]string `json:"paths"`
		} `json:"compilerOptions"`
	}
	if json.Unmarshal(clean, &tc) != nil {
		return nil
	}
	base := path.Clean(tc.CompilerOptions.BaseURL)
	if base == "." || strings.HasPrefix(base, "..") {
		base = ""
	}
	var out []tsPathAlias
	for pat, targets := range tc.CompilerOptions.Paths {
		a := tsPathAlias{prefix: pat}
		if i := strings.Index(pat, "*"); i >= 0 {
			a.prefix, a.suffix, a.star = pat[:i], pat[i+1:], true
		}
		for _, t := range targets {
			t = strings.TrimPrefix(path.Join(base, t), "./")
			if !strings.HasPrefix(t, "..") {
				a.targets = append(a.targets, t)
			}
		}
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool {
		if len(out[i].prefix) != len(out[j].prefix) {
			return len(out[i].prefix) > len(out[j].prefix)
		}
		return out[i].prefix < out[j].prefix
	})
	return out
}

// splitPackage splits a bare specifier into its package name (one segment,
// two for @scope/name) and the subpath after it ("" for the package itself).
func splitPackage(spec string) (name, sub string) {
	parts := strings.SplitN(spec, "/", 3)
	n := 1
	if strings.HasPrefix(spec, "@") && len(parts) > 1 {
		n = 2
	}
	if len(parts) <= n {
		return spec, ""
	}
	name = strings.Join(parts[:n], "/")
	return name, strings.TrimPrefix(spec, name+"/")
}

// resolveBare resolves a bare specifier that names the repository itself
// to a module key, or returns false.
func (s *snapshot) resolveBare(ctx context.Context, spec string) (string, bool) {
	jp := s.jsPackagesOf(ctx)
	for _, a := range jp.paths {
		var mid string
		switch {
		case !a.star && spec == a.prefix:
		case a.star && strings.HasPrefix(spec, a.prefix) && strings.HasSuffix(spec, a.suffix) && len(spec) >= len(a.prefix)+len(a.suffix):
			mid = spec[len(a.prefix) : len(spec)-len(a.suffix)]
		default:
			continue
		}
		for _, t := range a.targets {
			if key, ok := s.jsModule(strings.ReplaceAll(t, "*", mid)); ok {
				return key, true
			}
		}
	}
	name, sub := splitPackage(spec)
	s.mu.Lock()
	pkg, ok := jp.pkgs[name]
	if !ok {
		pkg, ok = s.jsSelf[name]
	}
	s.mu.Unlock()
	if !ok {
		return "", false
	}
	return s.resolveInPackage(pkg, sub)
}

// resolveInPackage finds the module a subpath of a package stands for:
// its exports entry, else the subpath as a directory or file of the
// package, at its root or under src/.
func (s *snapshot) resolveInPackage(pkg jsPackage, sub string) (string, bool) {
	exp := "."
	if sub != "" {
		exp = "./" + sub
	}
	var cands []string
	if t, ok := pkg.exports[exp]; ok {
		cands = append(cands, path.Join(pkg.dir, t))
	}
	for _, root := range []string{pkg.dir, path.Join(pkg.dir, "src")} {
		if sub == "" {
			cands = append(cands, path.Join(root, "index"))
		} else {
			cands = append(cands, path.Join(root, sub))
		}
	}
	for _, c := range cands {
		if key, ok := s.jsModule(c); ok {
			return key, true
		}
	}
	return "", false
}

// jsModule checks that a path (with or without a JavaScript/TypeScript
// extension) names a source module of the snapshot and returns its key.
func (s *snapshot) jsModule(p string) (string, bool) {
	p = strings.TrimPrefix(path.Clean(p), "./")
	if p == "." {
		p = ""
	}
	for _, ext := range []string{".d.ts", ".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx"} {
		if strings.HasSuffix(p, ext) {
			p = strings.TrimSuffix(p, ext)
			break
		}
	}
	for _, ext := range jsModuleFiles {
		if f := strings.TrimPrefix(p+ext, "/"); s.has[f] {
			if key := moduleKey(f); key != "" {
				return key, true
			}
			return rootModule, true
		}
	}
	return "", false
}

// inferSelfPackages learns package names that stand for the repository in
// a source tree published without its package.json (an npm package's
// src/): a bare package name, not itself a path of the repository, whose
// every subpath import in the given files resolves to a module of the
// repository (import from "pkg/v4" with a v4/index.ts).
func (s *snapshot) inferSelfPackages(ctx context.Context, files []*parsedFile) {
	jp := s.jsPackagesOf(ctx)
	if len(jp.pkgs) > 0 {
		return // the repository says what it is called
	}
	good, bad := map[string]int{}, map[string]bool{}
	for _, pf := range files {
		if pf.syms == nil || !jsLike[pf.lang] {
			continue
		}
		for _, im := range pf.syms.Imports {
			spec := strings.Trim(im.Path, "\"'` ")
			if spec == "" || strings.HasPrefix(spec, ".") || strings.HasPrefix(spec, "/") || strings.Contains(spec, ":") {
				continue
			}
			name, sub := splitPackage(spec)
			if sub == "" {
				continue
			}
			if s.has[name] || len(s.byDir[name]) > 0 {
				bad[name] = true // a repository path: not a package name
				continue
			}
			if _, ok := s.resolveInPackage(jsPackage{}, sub); ok {
				good[name]++
			} else {
				bad[name] = true
			}
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.jsSelf == nil {
		s.jsSelf = map[string]jsPackage{}
	}
	for name := range good {
		if !bad[name] {
			s.jsSelf[name] = jsPackage{exports: map[string]string{}}
		}
	}
}

// jsLike are the languages whose imports resolveBare understands.
var jsLike = map[string]bool{"TypeScript": true, "TSX": true, "JavaScript": true}
