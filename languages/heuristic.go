package languages

import (
	"regexp"
	"strings"
)

// The heuristic extractor serves every programming language that has no
// grammar here. It reads lines, not syntax: definitions are lines that
// start with a defining keyword, their extent comes from brace matching or
// indentation, and references are the identifier tokens outside comments
// and strings. Results carry FileSymbols.Heuristic so that callers can
// weigh them accordingly.

// heuristicDef matches a definition line: optional modifiers, a defining
// keyword, then a name that may carry its container (Lua's M.f or M:f,
// Ruby's self.f).
var heuristicDef = regexp.MustCompile(`^(\s*)(?:(?:export|public|private|protected|internal|static|async|pub|abstract|final|override|inline|local|extern|virtual|open|sealed|data|case|partial|default|unsafe|pure|elemental|recursive)\s+)*` +
	`(func|function|def|defp|defn|defmacro|defun|fn|fun|sub|proc|method|macro|class|struct|interface|trait|protocol|module|defmodule|mod|namespace|package|enum|type|record|object|impl|let|val|var|const)\s+(?:(?:rec|mut)\s+)?` +
	`([A-Za-z_$][\w$]*(?:(?:::|[.:])[A-Za-z_$][\w$]*)*[?!]?)`)

// heuristicTypedFunc matches a C-family function or method header with no
// defining keyword ("Future<String> get(String key) async {"): types and
// modifiers, a name, a parameter list, and a body brace ending the line.
var heuristicTypedFunc = regexp.MustCompile(`^(\s*)(?:[\w$<>\[\],.?*&:]+\s+)+\**([A-Za-z_$][\w$]*)\s*\([^;]*\{\s*$`)

// notFunctions are words that head a line like a typed function but open a
// statement.
var notFunctions = toSet(`if for foreach while switch catch return new else do try synchronized using lock fixed when`)

// heuristicKinds maps defining keywords to kinds; impl opens a container
// for an existing type rather than defining one, so it is absent.
var heuristicKinds = map[string]DefKind{
	"func": KindFunction, "function": KindFunction, "def": KindFunction, "defp": KindFunction,
	"defn": KindFunction, "defmacro": KindFunction, "defun": KindFunction, "fn": KindFunction,
	"fun": KindFunction, "sub": KindFunction, "proc": KindFunction, "method": KindFunction,
	"macro": KindFunction,
	"class": KindClass, "struct": KindClass, "record": KindClass, "object": KindClass,
	"interface": KindInterface, "trait": KindInterface, "protocol": KindInterface,
	"module": KindModule, "defmodule": KindModule, "mod": KindModule, "namespace": KindModule, "package": KindModule,
	"enum": KindType, "type": KindType,
	"let": KindVariable, "val": KindVariable, "var": KindVariable, "const": KindConstant,
}

// heuristicImport matches the common import forms, at the start of a line
// or as the value of an assignment (local json = require("json")); the
// path is the quoted or bracketed text, else the first word after the
// keyword.
var heuristicImport = regexp.MustCompile(`^\s*(?:(?:local|my|our|const|let|var|val)?\s*[\w$,\s]*=\s*)?[#(]?\s*(?:import|require|require_relative|use|using|include|load|source|open|library|from|alias|extern\s+crate)\b[\s(]*` +
	`(?:"([^"]+)"|'([^']+)'|<([^>]+)>|([A-Za-z_@.][\w.:/\\@-]*))`)

var heuristicPackage = regexp.MustCompile(`^\s*(?:package|namespace)\s+([A-Za-z_][\w.:\\]*)`)

var identifierRE = regexp.MustCompile(`[A-Za-z_$][\w$]*`)

// heuristicKeywords are words of many languages that are never worth
// reporting as references.
var heuristicKeywords = toSet(`alias and as assert async await begin break case catch class const continue def
defer defmodule defp del do elif else elsif end ensure enum except export extends false final finally fn for
foreach from fun func function go goto if impl implements import in include instanceof interface
is lambda let local loop match mod module mut my namespace new nil no none not null of or our package pass
private proc protected pub public raise record ref require rescue return self static struct sub
super switch then this throw throws trait true try type typeof undef unless until use using val var
void when where while with yield`)

func toSet(words string) map[string]bool {
	set := map[string]bool{}
	for _, w := range strings.Fields(words) {
		set[w] = true
	}
	return set
}

// extractHeuristic is the fallback extractor. It never fails: the worst a
// strange file can do is yield few symbols.
func extractHeuristic(language string, src []byte) *FileSymbols {
	fs := &FileSymbols{Heuristic: true}
	raw := strings.Split(string(src), "\n")
	lineComments, blockComment := commentSyntax(language)
	code := maskCommentsAndStrings(raw, lineComments, blockComment)

	for i, line := range raw {
		if m := heuristicImport.FindStringSubmatch(line); m != nil && strings.TrimSpace(code[i]) != "" {
			fs.Imports = append(fs.Imports, Import{Path: firstNonEmpty(m[1:]...), Line: i + 1})
		}
		if fs.Package == "" {
			if m := heuristicPackage.FindStringSubmatch(code[i]); m != nil {
				fs.Package = m[1]
			}
		}
	}

	closing := matchBraces(code)
	defined := map[[2]int]bool{} // (line, column) of each definition's name
	for i, line := range code {
		m := heuristicDef.FindStringSubmatchIndex(line)
		if m == nil {
			// A typed header is read as a function with an empty keyword.
			t := heuristicTypedFunc.FindStringSubmatchIndex(line)
			if t == nil || notFunctions[line[t[4]:t[5]]] {
				continue
			}
			m = []int{t[0], t[1], t[2], t[3], t[3], t[3], t[4], t[5]}
		}
		indent, keyword, name := line[m[2]:m[3]], line[m[4]:m[5]], line[m[6]:m[7]]
		kind, ok := heuristicKinds[keyword]
		if keyword == "" {
			kind, ok = KindFunction, true
		}
		isValue := kind == KindVariable || kind == KindConstant
		if !ok && keyword != "impl" || isValue && indent != "" {
			continue // locals are not definitions
		}
		d := Definition{Name: name, Kind: kind, StartLine: i + 1}
		// Ruby's def self.f, Lua's function M.f or M:f, Perl's sub A::f:
		// the prefix is the container. Module names keep their path.
		if kind == KindFunction {
			if j := strings.LastIndexAny(name, ".:"); j >= 0 {
				d.Container, d.Name = strings.TrimRight(name[:j], ":"), name[j+1:]
			}
		}
		d.SignatureEnd, d.EndLine = heuristicExtent(code, closing, i, len(indent))
		modifiers := line[:m[4]]
		d.Exported = !strings.HasPrefix(d.Name, "_") && keyword != "defp" &&
			!strings.Contains(modifiers, "private") && !strings.Contains(modifiers, "local")
		defined[[2]int{i, m[7] - len(d.Name)}] = true
		if keyword == "impl" {
			d.Kind = KindClass // a container only; dropped below
		}
		fs.Definitions = append(fs.Definitions, d)
	}
	assignContainers(fs, code)

	for i, line := range code {
		for _, loc := range identifierRE.FindAllStringIndex(line, -1) {
			word := line[loc[0]:loc[1]]
			if heuristicKeywords[word] || defined[[2]int{i, loc[0]}] || isDigitLed(word) {
				continue
			}
			fs.References = append(fs.References, Reference{
				Name: word, Qualifier: heuristicQualifier(line[:loc[0]]),
				Line: i + 1, Column: loc[0] + 1,
			})
		}
	}
	return fs
}

func isDigitLed(w string) bool { return w[0] >= '0' && w[0] <= '9' }

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// commentSyntax returns the comment delimiters to strip: the language's own
// where known, else the C and shell forms, which cover most others.
func commentSyntax(language string) (line []string, block [2]string) {
	if l, ok := knowledge[language]; ok {
		if l.LineComment != "" {
			line = []string{l.LineComment}
		}
		return line, l.BlockComment
	}
	return []string{"//", "#"}, [2]string{"/*", "*/"}
}

// maskCommentsAndStrings blanks comments and string literals with spaces,
// keeping every byte's column, so that later passes see only code.
// Strings are single-line and escape with a backslash: roughly right for
// most languages, and a wrong guess only costs a few references.
func maskCommentsAndStrings(lines []string, lineComments []string, block [2]string) []string {
	out := make([]string, len(lines))
	inBlock := false
	for n, line := range lines {
		b := []byte(line)
		var quote byte
		for i := 0; i < len(b); i++ {
			switch {
			case inBlock:
				if block[1] != "" && strings.HasPrefix(line[i:], block[1]) {
					inBlock = false
					blank(b, i, i+len(block[1]))
					i += len(block[1]) - 1
				} else {
					b[i] = ' '
				}
			case quote != 0:
				if b[i] == '\\' && i+1 < len(b) {
					b[i], b[i+1] = ' ', ' '
					i++
				} else if b[i] == quote {
					quote = 0
				} else {
					b[i] = ' '
				}
			case block[0] != "" && strings.HasPrefix(line[i:], block[0]):
				inBlock = true
				blank(b, i, i+len(block[0]))
				i += len(block[0]) - 1
			case hasAnyPrefix(line[i:], lineComments):
				blank(b, i, len(b))
				i = len(b)
			case b[i] == '"' || b[i] == '\'' || b[i] == '`':
				quote = b[i]
			}
		}
		out[n] = string(b)
	}
	return out
}

func blank(b []byte, from, to int) {
	for i := from; i < to && i < len(b); i++ {
		b[i] = ' '
	}
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// matchBraces maps each line to the line where the last brace opened on it
// closes, in one pass over the masked code. Only the last matters: a body
// opener ends its line ("sub f {", "} else {").
func matchBraces(code []string) map[int]int {
	closing := map[int]int{}
	type open struct{ line, col int }
	var stack []open
	lastOpen := make([]int, len(code))
	for n, line := range code {
		lastOpen[n] = strings.LastIndexByte(line, '{')
	}
	for n, line := range code {
		for i := 0; i < len(line); i++ {
			switch line[i] {
			case '{':
				stack = append(stack, open{n, i})
			case '}':
				if len(stack) == 0 {
					continue // unbalanced: ignore rather than guess
				}
				o := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				if o.col == lastOpen[o.line] {
					closing[o.line] = n
				}
			}
		}
	}
	return closing
}

// heuristicExtent finds where a definition starting at line i ends. A brace
// that ends one of the next few lines opens a body whose closing brace ends
// the definition; a ";" first means a declaration with no body. Otherwise
// the body is the indented block below, plus a closing "end" or bracket at
// the definition's own indentation.
func heuristicExtent(code []string, closing map[int]int, i, indent int) (sigEnd, end int) {
	for j := i; j < len(code) && j < i+4; j++ {
		t := strings.TrimSpace(code[j])
		if strings.HasSuffix(t, "{") {
			if c, ok := closing[j]; ok {
				return j + 1, c + 1
			}
			return j + 1, len(code) // never closed: runs to the end
		}
		if strings.HasSuffix(t, ";") || strings.HasSuffix(t, "}") {
			return i + 1, j + 1
		}
	}
	end = i
	for j := i + 1; j < len(code); j++ {
		t := strings.TrimSpace(code[j])
		if t == "" {
			continue
		}
		ind := len(code[j]) - len(strings.TrimLeft(code[j], " \t"))
		if ind <= indent {
			if ind == indent && (strings.HasPrefix(t, "end") || strings.HasPrefix(t, "}") || strings.HasPrefix(t, ")")) {
				end = j
			}
			break
		}
		end = j
	}
	return i + 1, end + 1
}

// assignContainers gives each definition the innermost class, interface or
// module whose extent holds it; functions in a class or interface become
// methods. impl blocks serve as containers and are then dropped. Walking
// in line order with a stack of open containers keeps this linear in
// practice.
func assignContainers(fs *FileSymbols, code []string) {
	var open []Definition
	kept := fs.Definitions[:0]
	for _, d := range fs.Definitions {
		for len(open) > 0 && open[len(open)-1].EndLine < d.StartLine {
			open = open[:len(open)-1]
		}
		if d.Container == "" {
			for k := len(open) - 1; k >= 0; k-- {
				if c := open[k]; c.EndLine >= d.EndLine {
					d.Container = containerName(c, code)
					if d.Kind == KindFunction && c.Kind != KindModule {
						d.Kind = KindMethod
					}
					break
				}
			}
		} else if d.Kind == KindFunction {
			d.Kind = KindMethod
		}
		if d.Kind == KindClass || d.Kind == KindInterface || d.Kind == KindModule {
			open = append(open, d)
		}
		if !isImpl(d, code) {
			kept = append(kept, d)
		}
	}
	fs.Definitions = kept
}

// containerName is the name of a container, or for an impl block the type
// it implements (impl Trait for Type gives Type).
func containerName(c Definition, code []string) string {
	if !isImpl(c, code) {
		return c.Name
	}
	fields := strings.Fields(code[c.StartLine-1])
	for k, f := range fields {
		if f == "for" && k+1 < len(fields) {
			return strings.TrimRight(identifierRE.FindString(fields[k+1]), "{")
		}
	}
	return c.Name
}

func isImpl(d Definition, code []string) bool {
	m := heuristicDef.FindStringSubmatch(code[d.StartLine-1])
	return m != nil && m[2] == "impl"
}

// heuristicQualifier is the identifier just before a member operator (".",
// "::", "->", ":") that ends prefix, or "".
func heuristicQualifier(prefix string) string {
	trimmed := prefix
	for _, op := range []string{"::", "->", ".", ":"} {
		if strings.HasSuffix(prefix, op) {
			trimmed = prefix[:len(prefix)-len(op)]
			break
		}
	}
	if trimmed == prefix {
		return ""
	}
	j := len(trimmed)
	for j > 0 && isIdentByte(trimmed[j-1]) {
		j--
	}
	if j == len(trimmed) || isDigitLed(trimmed[j:]) {
		return ""
	}
	return trimmed[j:]
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
