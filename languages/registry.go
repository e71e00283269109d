package languages

import (
	"path"
	"slices"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/go-enry/go-enry/v2"
)

// Language is what reviewbot knows about one linguist language.
type Language struct {
	Name string // linguist name: "Go", "C++", "Shell"; or a dialect's name, see Base
	Type string // linguist type: programming, markup, data or prose
	// Base is, for a dialect, the linguist language it refines: a GitHub
	// Actions workflow is YAML recognised by its path (see Detect). A
	// dialect is its base language for everything but review knowledge.
	// Base is "" for linguist's own languages.
	Base         string
	LineComment  string    // "//", "#", "--"; "" when the language has none
	BlockComment [2]string // opening and closing delimiters; zero when none
	// TestPatterns are doublestar globs matched against the slash-separated
	// repository path; "**/" at the front matches at any depth, including
	// the root.
	TestPatterns []string
	// ReviewChecks are short things a reviewer looks for in this language,
	// fit to be listed in a prompt.
	ReviewChecks []string
}

// knowledge holds every language with review knowledge, keyed by linguist
// name. Each knowledge_*.go file contributes one family's list.
var knowledge = func() map[string]Language {
	m := map[string]Language{}
	for _, family := range [][]Language{
		cFamilyLanguages, webLanguages, scriptingLanguages, jvmLanguages,
		functionalLanguages, otherLanguages, ciLanguages,
	} {
		for _, l := range family {
			m[l.Name] = l
		}
	}
	return m
}()

// Detect names the linguist language of a file from its path and, when
// given, its content (shebangs, modelines and linguist's heuristics and
// classifier tell apart the languages that share an extension, such as .h or
// .m). With nil or empty content only the file name is used. It returns ""
// for binary content or an unknown file.
//
// A file linguist calls by a general name but whose path says what it is
// gets the name of that dialect instead: a GitHub Actions workflow or
// action.yml is GitHubActions, not YAML, so that its own review knowledge
// reaches the reviewer. Lookup gives a dialect its base language's type.
func Detect(filePath string, content []byte) string {
	var lang string
	if len(content) == 0 {
		lang = detectByName(filePath)
	} else {
		lang = enry.GetLanguage(filePath, content)
	}
	return refine(lang, filePath)
}

// refine names the dialect of a file whose linguist language is lang, or
// returns lang. The dialect applies only when linguist agrees on the base
// language, so a README.md inside .github/workflows stays Markdown.
func refine(lang, filePath string) string {
	if lang == "YAML" && isGitHubActionsPath(strings.ReplaceAll(filePath, "\\", "/")) {
		return GitHubActions
	}
	return lang
}

// preferredByExtension settles extensions that several languages share when
// there is no content to look at and more than one of the candidates has
// review knowledge, in favour of the one most repositories mean.
var preferredByExtension = map[string]string{
	".php": "PHP",         // not Hack
	".sql": "SQL",         // not one vendor's dialect
	".m":   "Objective-C", // not MATLAB
}

// detectByName guesses from the file name alone. enry's own answer without
// content runs its classifier on nothing, which picks by prior and gets
// common cases wrong (.rs as XML, .cs as Smalltalk); a candidate we hold
// review knowledge for is nearly always the one meant.
func detectByName(filePath string) string {
	candidates := enry.GetLanguagesByFilename(filePath, nil, nil)
	if len(candidates) == 0 {
		candidates = enry.GetLanguagesByExtension(filePath, nil, nil)
	}
	switch len(candidates) {
	case 0:
		return ""
	case 1:
		return candidates[0]
	}
	ext := strings.ToLower(path.Ext(filePath))
	if l, ok := preferredByExtension[ext]; ok && slices.Contains(candidates, l) {
		return l
	}
	for _, c := range candidates {
		if _, ok := knowledge[c]; ok {
			return c
		}
	}
	return enry.GetLanguage(filePath, nil)
}

// Lookup returns what is known about a language, by linguist name, by one
// of linguist's aliases ("golang", "c++", "sh") or by a dialect's name
// (GitHubActions). Any language linguist knows is found, with its Name and
// Type; comment syntax, test patterns and review checks are filled only for
// the languages listed by Known.
func Lookup(name string) (Language, bool) {
	if l, ok := knowledge[name]; ok {
		l.Type = languageType(name)
		return l, true
	}
	if enry.GetLanguageType(name) == enry.Unknown {
		canonical, ok := enry.GetLanguageByAlias(name)
		if !ok {
			return Language{}, false
		}
		name = canonical
	}
	l := knowledge[name] // zero knowledge when linguist knows it and we don't
	l.Name = name
	l.Type = languageType(name)
	return l, true
}

// languageType maps enry's enumeration to linguist's own words. A dialect
// has its base language's type.
func languageType(name string) string {
	if l, ok := knowledge[name]; ok && l.Base != "" {
		name = l.Base
	}
	switch enry.GetLanguageType(name) {
	case enry.Programming:
		return "programming"
	case enry.Markup:
		return "markup"
	case enry.Data:
		return "data"
	case enry.Prose:
		return "prose"
	}
	return ""
}

// IsTestFile reports whether filePath holds tests, by the conventions of the
// given language. Languages without their own patterns fall back to
// linguist's general test-path rules.
func IsTestFile(language, filePath string) bool {
	p := strings.TrimPrefix(path.Clean(strings.ReplaceAll(filePath, "\\", "/")), "/")
	l, ok := knowledge[language]
	if !ok || len(l.TestPatterns) == 0 {
		return enry.IsTest(p)
	}
	for _, pattern := range l.TestPatterns {
		// Patterns are checked by a test, so a match error cannot happen.
		if ok, _ := doublestar.Match(pattern, p); ok {
			return true
		}
	}
	return false
}

// Known lists, sorted, the languages that carry review knowledge.
func Known() []string {
	names := make([]string, 0, len(knowledge))
	for name := range knowledge {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}
