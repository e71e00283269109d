// Package eval measures review quality on a labelled corpus (SPEC section
// 8): it runs a reviewer (the pipeline, or the naive baseline) on each pull
// request, matches the findings to the expert references by location and,
// optionally, by a model's judgement, and reports precision, recall, F1,
// noise, tokens, dollars and seconds per pull request. Its dry run calls no
// model and reports which references the premium prompt would show at all:
// the ceiling of recall that the pipeline itself sets.
package eval

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Entry is one labelled pull request: one line of a corpus file. The keys
// are SPEC section 8's; Repo, URL and Noise are optional additions.
type Entry struct {
	ID string `json:"id"`
	// RepoDir is a git repository reviewed from Base to Head, as
	// `reviewbot review` would; DiffFile is a bare diff instead. Exactly
	// one is set; relative paths are relative to the corpus file.
	RepoDir    string      `json:"repo_dir,omitempty"`
	DiffFile   string      `json:"diff_file,omitempty"`
	Base       string      `json:"base,omitempty"`
	Head       string      `json:"head,omitempty"`
	Language   string      `json:"language"`
	References []Reference `json:"references"`
	// Clean marks a pull request with nothing to find: every finding on
	// it is a false alarm.
	Clean bool `json:"clean"`

	// Repo is the upstream repository ("owner/name"), shown to the model
	// as the pull request's repository; URL is where the PR lives.
	Repo string `json:"repo,omitempty"`
	URL  string `json:"url,omitempty"`
	// Noise are comments the corpus's annotators rejected (AACR-Bench's
	// negative samples): a finding that matches one is known noise.
	Noise []Reference `json:"noise,omitempty"`

	// Line is the entry's line in the corpus file.
	Line int `json:"-"`
}

// Reference is one expert comment on a line range.
type Reference struct {
	Path      string `json:"path"`
	Side      string `json:"side"` // LEFT or RIGHT
	StartLine int    `json:"start_line"`
	EndLine   int    `json:"end_line"`
	Body      string `json:"body"`
	Category  string `json:"category"`
	// Context is the corpus's own label of what a reviewer needs to see
	// to write the comment (AACR-Bench: diff, file or repo); optional.
	Context string `json:"context,omitempty"`
}

// Name is the label the pipeline shows for the entry's repository.
func (e *Entry) Name() string {
	if e.Repo != "" {
		return e.Repo
	}
	return e.ID
}

// Load reads a corpus file. Relative repo_dir and diff_file paths are made
// absolute against the corpus file's directory. Every problem names its
// line; unknown keys are errors, so that a misspelt key is not silently
// read as an empty corpus.
func Load(path string) ([]Entry, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read the corpus: %w", err)
	}
	dir := filepath.Dir(path)
	var (
		out  []Entry
		errs []error
	)
	ids := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		e, err := parseEntry(line)
		if err == nil {
			err = e.normalize(dir)
		}
		if err == nil && ids[e.ID] > 0 {
			err = fmt.Errorf("id %q is already used on line %d", e.ID, ids[e.ID])
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s:%d: %w", path, n, err))
			continue
		}
		e.Line = n
		ids[e.ID] = n
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read the corpus: %w", err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s holds no entry: one JSON object per line, see SPEC section 8", path)
	}
	return out, nil
}

func parseEntry(line []byte) (Entry, error) {
	var e Entry
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		return e, fmt.Errorf("not a corpus entry: %w", err)
	}
	if dec.More() {
		return e, errors.New("more than one JSON value on the line")
	}
	return e, nil
}

// normalize checks an entry and applies the defaults: side RIGHT, a
// one-line reference when start_line is 0, lower-case categories.
func (e *Entry) normalize(dir string) error {
	e.ID = strings.TrimSpace(e.ID)
	if e.ID == "" {
		return errors.New(`"id" is empty`)
	}
	switch {
	case e.RepoDir != "" && e.DiffFile != "":
		return fmt.Errorf("%s: set either repo_dir or diff_file, not both", e.ID)
	case e.RepoDir == "" && e.DiffFile == "":
		return fmt.Errorf("%s: needs repo_dir (a git repository with base and head) or diff_file", e.ID)
	case e.RepoDir != "" && e.Head == "":
		return fmt.Errorf("%s: repo_dir needs head (and base, else the default branch's merge-base)", e.ID)
	}
	abs := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(dir, p)
	}
	e.RepoDir, e.DiffFile = abs(e.RepoDir), abs(e.DiffFile)
	e.Language = strings.TrimSpace(e.Language)
	if e.Language == "" {
		e.Language = "unknown"
	}
	if e.References == nil {
		e.References = []Reference{}
	}
	if e.Clean && len(e.References) > 0 {
		return fmt.Errorf("%s: a clean entry has no references, this one has %d", e.ID, len(e.References))
	}
	for i := range e.References {
		if err := e.References[i].normalize(); err != nil {
			return fmt.Errorf("%s: reference %d: %w", e.ID, i+1, err)
		}
	}
	for i := range e.Noise {
		if err := e.Noise[i].normalize(); err != nil {
			return fmt.Errorf("%s: noise comment %d: %w", e.ID, i+1, err)
		}
	}
	return nil
}

func (r *Reference) normalize() error {
	r.Path = strings.TrimSpace(r.Path)
	r.Side = strings.ToUpper(strings.TrimSpace(r.Side))
	if r.Side == "" {
		r.Side = "RIGHT"
	}
	r.Category = strings.ToLower(strings.TrimSpace(r.Category))
	if r.Category == "" {
		r.Category = "uncategorized"
	}
	if r.StartLine == 0 {
		r.StartLine = r.EndLine
	}
	switch {
	case r.Path == "":
		return errors.New(`"path" is empty`)
	case r.Side != "LEFT" && r.Side != "RIGHT":
		return fmt.Errorf("side %q is not LEFT or RIGHT", r.Side)
	case r.EndLine < 1 || r.StartLine < 1 || r.StartLine > r.EndLine:
		return fmt.Errorf("lines %d-%d are not a range of lines from 1", r.StartLine, r.EndLine)
	}
	return nil
}
