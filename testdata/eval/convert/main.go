// Command convert turns the AACR-Bench offline subset into reviewbot's eval
// corpus format (SPEC section 8): testdata/eval/aacr.jsonl, the diffs it
// names, and the licence and notice files of every upstream project whose
// code the diffs hold. See ../README.md.
//
//	go run ./testdata/eval/convert -src ../shared/bench/aacr -mirrors /path/to/mirrors
//
// -mirrors is a directory of bare clones named owner+name/repo (as the
// fetch tool lays them out); with it, each project's LICENSE, LICENCE,
// COPYING and NOTICE files are copied verbatim from the PR's head commit.
// Without it the licence files already in the output are kept and only the
// corpus and the diffs are rewritten.
package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// excluded are upstream projects left out, and why.
var excluded = map[string]string{
	"bluewave-labs/Checkmate": "AGPL-3.0: its code would carry AGPL terms into this repository",
}

// categories maps AACR-Bench's comment categories onto SPEC section 4's.
var categories = map[string]string{
	"Code Defect":                     "bug",
	"Maintainability and Readability": "maintainability",
	"Performance":                     "performance",
	"Security Vulnerability":          "security",
}

// contexts maps AACR-Bench's context levels onto short words.
var contexts = map[string]string{"Diff Level": "diff", "File Level": "file", "Repo Level": "repo"}

type aacrComment struct {
	Note     string `json:"note"`
	Path     string `json:"path"`
	Side     string `json:"side"`
	From     int    `json:"from_line"`
	To       int    `json:"to_line"`
	Category string `json:"category"`
	Context  string `json:"context"`
}

type aacrPR struct {
	ID       string        `json:"instance_id"`
	URL      string        `json:"githubPrUrl"`
	Repo     string        `json:"repo"`
	Language string        `json:"language"`
	Base     string        `json:"base_commit_for_diff"`
	Head     string        `json:"target_commit(pr_head)"`
	DiffFile string        `json:"diff_file"`
	DiffSHA  string        `json:"diff_sha256"`
	Comments []aacrComment `json:"comments"`
	Negative []aacrComment `json:"negative_comments"`
}

type reference struct {
	Path      string `json:"path"`
	Side      string `json:"side"`
	StartLine int    `json:"start_line"`
	EndLine   int    `json:"end_line"`
	Body      string `json:"body"`
	Category  string `json:"category"`
	Context   string `json:"context,omitempty"`
}

type entry struct {
	ID         string      `json:"id"`
	DiffFile   string      `json:"diff_file"`
	Base       string      `json:"base"`
	Head       string      `json:"head"`
	Language   string      `json:"language"`
	References []reference `json:"references"`
	Clean      bool        `json:"clean"`
	Repo       string      `json:"repo"`
	URL        string      `json:"url"`
	Noise      []reference `json:"noise,omitempty"`
}

func main() {
	src := flag.String("src", "../shared/bench/aacr", "AACR-Bench offline subset directory")
	out := flag.String("out", "testdata/eval", "output directory")
	mirrors := flag.String("mirrors", "", "directory of upstream clones named owner+name/repo, for licence files")
	flag.Parse()
	if err := convert(*src, *out, *mirrors); err != nil {
		fmt.Fprintln(os.Stderr, "convert:", err)
		os.Exit(1)
	}
}

func convert(src, out, mirrors string) error {
	f, err := os.Open(filepath.Join(src, "aacr_offline_subset.jsonl"))
	if err != nil {
		return err
	}
	defer f.Close()
	var prs []aacrPR
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var p aacrPR
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			return err
		}
		prs = append(prs, p)
	}
	if err := sc.Err(); err != nil {
		return err
	}
	diffDir := filepath.Join(out, "aacr", "diffs")
	if err := os.MkdirAll(diffDir, 0o755); err != nil {
		return err
	}
	if err := copyFile(filepath.Join(src, "LICENSE"), filepath.Join(out, "aacr", "LICENSE")); err != nil {
		return err
	}
	var lines []string
	kept, refs, noise := 0, 0, 0
	licences := map[string]map[string][]byte{} // repo -> file -> text at its newest kept PR
	for _, p := range prs {
		if why, ok := excluded[p.Repo]; ok {
			fmt.Printf("left out %s: %s\n", p.ID, why)
			continue
		}
		data, err := os.ReadFile(filepath.Join(src, p.DiffFile))
		if err != nil {
			return err
		}
		if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != p.DiffSHA {
			return fmt.Errorf("%s: the diff's SHA-256 is not the recorded %s", p.ID, p.DiffSHA)
		}
		name := filepath.Base(p.DiffFile)
		if err := os.WriteFile(filepath.Join(diffDir, name), data, 0o644); err != nil {
			return err
		}
		e := entry{ID: p.ID, DiffFile: "aacr/diffs/" + name, Base: p.Base, Head: p.Head, Language: p.Language, Repo: p.Repo, URL: p.URL, References: []reference{}}
		for _, c := range p.Comments {
			e.References = append(e.References, ref(c))
		}
		for _, c := range p.Negative {
			e.Noise = append(e.Noise, ref(c))
		}
		b, err := json.Marshal(e)
		if err != nil {
			return err
		}
		lines = append(lines, string(b))
		kept++
		refs += len(e.References)
		noise += len(e.Noise)
		if mirrors != "" {
			files, err := licenceFiles(filepath.Join(mirrors, strings.ReplaceAll(p.Repo, "/", "+"), "repo"), p.Head, diffPaths(data))
			if err != nil {
				return fmt.Errorf("%s: %w", p.ID, err)
			}
			if licences[p.Repo] == nil {
				licences[p.Repo] = map[string][]byte{}
			}
			for name, text := range files {
				// Keep every distinct text once; a later one is named by
				// the commit it comes from.
				seen := false
				for have, old := range licences[p.Repo] {
					if (have == name || strings.HasPrefix(have, name+"@")) && string(old) == string(text) {
						seen = true
					}
				}
				if seen {
					continue
				}
				if _, taken := licences[p.Repo][name]; taken {
					name += "@" + p.Head[:12]
				}
				licences[p.Repo][name] = text
			}
		}
	}
	if err := os.WriteFile(filepath.Join(out, "aacr.jsonl"), []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		return err
	}
	for repo, files := range licences {
		dir := filepath.Join(out, "aacr", "licenses", strings.ReplaceAll(repo, "/", "__"))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		for name, text := range files {
			if err := os.WriteFile(filepath.Join(dir, strings.ReplaceAll(name, "/", "__")), text, 0o644); err != nil {
				return err
			}
		}
	}
	fmt.Printf("%d pull requests, %d references, %d rejected comments -> %s\n", kept, refs, noise, filepath.Join(out, "aacr.jsonl"))
	return nil
}

func ref(c aacrComment) reference {
	cat, ok := categories[c.Category]
	if !ok {
		cat = strings.ToLower(c.Category)
	}
	return reference{Path: c.Path, Side: strings.ToUpper(c.Side), StartLine: c.From, EndLine: c.To, Body: c.Note, Category: cat, Context: contexts[c.Context]}
}

// diffPaths lists the b/ paths of a diff's "diff --git" lines.
func diffPaths(diff []byte) []string {
	var out []string
	for _, l := range strings.Split(string(diff), "\n") {
		if strings.HasPrefix(l, "diff --git ") {
			if i := strings.LastIndex(l, " b/"); i >= 0 {
				out = append(out, l[i+3:])
			}
		}
	}
	return out
}

// licenceFiles returns the licence and notice files of a commit that cover
// the changed paths: those at the top level and those in a directory
// holding a changed file, since a subdirectory can carry a licence of its
// own (laravel/framework's components do).
func licenceFiles(gitDir, commit string, changed []string) (map[string][]byte, error) {
	dirs := map[string]bool{".": true}
	for _, p := range changed {
		for d := filepath.Dir(p); d != "." && d != "/"; d = filepath.Dir(d) {
			dirs[d] = true
		}
	}
	ls, err := exec.Command("git", "--git-dir", gitDir, "ls-tree", "-r", "--name-only", commit).Output()
	if err != nil {
		return nil, fmt.Errorf("list %s in %s: %w", commit, gitDir, err)
	}
	out := map[string][]byte{}
	var names []string
	for _, p := range strings.Split(strings.TrimSpace(string(ls)), "\n") {
		if !dirs[filepath.Dir(p)] {
			continue
		}
		base := strings.ToUpper(filepath.Base(p))
		if strings.HasPrefix(base, "LICENSE") || strings.HasPrefix(base, "LICENCE") || strings.HasPrefix(base, "COPYING") || base == "NOTICE" || strings.HasPrefix(base, "NOTICE.") {
			names = append(names, p)
		}
	}
	sort.Strings(names)
	for _, p := range names {
		text, err := exec.Command("git", "--git-dir", gitDir, "show", commit+":"+p).Output()
		if err != nil {
			return nil, err
		}
		out[p] = text
	}
	return out, nil
}

func copyFile(from, to string) error {
	data, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, data, 0o644)
}
