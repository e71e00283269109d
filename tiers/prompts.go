package tiers

import (
	"embed"
	"fmt"
	"maps"
	"slices"
	"strings"
	"text/template"

	"github.com/bmatcuk/doublestar/v4"
)

// The prompts live as markdown templates so they can be read and reviewed
// like documentation rather than as Go string literals.
//
//go:embed prompts/*.md
var promptFiles embed.FS

var prompts = template.Must(template.New("prompts").Funcs(template.FuncMap{
	"data": dataBlock,
}).ParseFS(promptFiles, "prompts/*.md"))

// dataTag delimits untrusted material in prompts. The system prompts name
// it and tell the model never to follow instructions found inside.
const dataTag = "reviewbot-data"

// neutralize keeps untrusted text from closing or opening a data block of
// its own: the tag name is altered wherever it appears in the text, which
// changes nothing a reviewer would care about.
func neutralize(s string) string {
	return strings.ReplaceAll(s, dataTag, "reviewbot_data")
}

// dataBlock wraps untrusted text in a delimited DATA block.
func dataBlock(kind, attrs, text string) string {
	return fmt.Sprintf("<%s kind=%q%s>\n%s\n</%s>", dataTag, kind, attrs, neutralize(strings.TrimRight(text, "\n")), dataTag)
}

// attr renders one attribute of a data block; quotes inside the value are
// replaced so a crafted path cannot break out of the attribute.
func attr(key, value string) string {
	if value == "" {
		return ""
	}
	return fmt.Sprintf(" %s=\"%s\"", key, strings.ReplaceAll(neutralize(value), `"`, "'"))
}

// render executes one prompt template.
func render(name string, data any) string {
	var b strings.Builder
	if err := prompts.ExecuteTemplate(&b, name, data); err != nil {
		// The templates are embedded and their data types fixed, so this
		// is a programming error that every test run would catch.
		panic(fmt.Sprintf("render prompt %s: %v", name, err))
	}
	return strings.TrimSpace(b.String()) + "\n"
}

// systemPrompt is the fixed instruction text for one purpose.
func systemPrompt(p purpose, language string) string {
	name := "system_summary.md"
	if p == purposeReview {
		name = "system_review.md"
	}
	return render(name, struct{ Language string }{language})
}

type langNotes struct {
	Language string
	Notes    []string
}

type dataItem struct {
	Attrs string
	Text  string
}

type sharedData struct {
	PR            PR
	Instructions  string
	LanguageNotes []langNotes
	Context       []dataItem
}

// sharedPrompt renders the part every chunk of a run starts with: PR title
// and description, repository guidance, language notes and codebase
// context. Its bytes are identical across chunks so the provider can cache
// it.
func sharedPrompt(in Input, context []ContextItem) string {
	d := sharedData{PR: in.PR, Instructions: strings.TrimSpace(in.Instructions)}
	// Only the languages of this PR, in a stable order, so the prefix
	// stays byte-identical between runs.
	langs := map[string]bool{}
	for _, f := range in.Files {
		langs[f.Language] = true
	}
	for _, lang := range slices.Sorted(maps.Keys(in.LanguageNotes)) {
		if langs[lang] && len(in.LanguageNotes[lang]) > 0 {
			d.LanguageNotes = append(d.LanguageNotes, langNotes{Language: lang, Notes: in.LanguageNotes[lang]})
		}
	}
	for _, c := range context {
		d.Context = append(d.Context, dataItem{Attrs: contextAttrs(c), Text: c.Text})
	}
	return render("shared.md", d)
}

// contextAttrs names a context item so the model can cite path:line.
func contextAttrs(c ContextItem) string {
	lines := ""
	if c.StartLine > 0 {
		lines = fmt.Sprintf("%d-%d", c.StartLine, max(c.StartLine, c.EndLine))
	}
	return attr("path", c.Path) + attr("lines", lines) + attr("relation", c.Kind) + attr("symbol", c.Symbol)
}

type chunkFile struct {
	Path     string
	Guidance string
	Attrs    string
	Patch    string
}

type chunkData struct {
	Part, Parts int
	Files       []chunkFile
	Impact      []dataItem
}

// fileEntry renders what one file contributes to a chunk, with the path
// instructions whose globs match it.
func fileEntry(f File, pis []PathInstruction) chunkFile {
	var guidance []string
	for _, pi := range pis {
		if ok, _ := doublestar.Match(pi.Glob, f.Path); ok && strings.TrimSpace(pi.Text) != "" {
			guidance = append(guidance, strings.TrimSpace(pi.Text))
		}
	}
	attrs := attr("path", f.Path) + attr("old_path", f.OldPath) + attr("status", f.Status) + attr("language", f.Language)
	return chunkFile{Path: f.Path, Guidance: strings.Join(guidance, "\n"), Attrs: attrs, Patch: f.Patch}
}

// maxPromptLocations caps the locations of one impact entry in the
// review prompt: the model needs examples of who breaks, not every caller
// of a helper, and each location costs input tokens.
const maxPromptLocations = 40

// impactItems renders the static impact facts for the review prompt.
func impactItems(items []ImpactItem) []dataItem {
	var out []dataItem
	for _, it := range items {
		var b strings.Builder
		if it.Change != "" {
			fmt.Fprintf(&b, "change: %s\n", it.Change)
		}
		if it.Summary != "" {
			fmt.Fprintf(&b, "found: %s\n", it.Summary)
		}
		locs := it.Locations
		more := ""
		if len(locs) > maxPromptLocations {
			locs, more = locs[:maxPromptLocations], fmt.Sprintf(" (and %d more)", len(locs)-maxPromptLocations)
		}
		fmt.Fprintf(&b, "locations: %s%s", strings.Join(locs, ", "), more)
		out = append(out, dataItem{Attrs: attr("symbol", it.Symbol), Text: b.String()})
	}
	return out
}

// chunkPrompt renders the per-chunk part of the user message.
func chunkPrompt(p purpose, d chunkData) string {
	if p == purposeReview {
		return render("chunk_review.md", d)
	}
	return render("chunk_summary.md", d)
}

type repairData struct {
	Error     string
	Tool      string
	HasTool   bool
	Truncated bool
}

// repairPrompt asks once for a valid answer after an unusable one.
func repairPrompt(d repairData) string {
	return render("repair.md", d)
}
