package languages

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestExtractPythonAttributesAreClassMembers(t *testing.T) {
	src := `class Parser:
    limit = 10

    def __init__(self, md):
        self.md = md
        self.md = None

    def run(self):
        return self.md
`
	fs, err := Extract("Python", "p.py", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range fs.Definitions {
		got = append(got, string(d.Kind)+" "+d.QualifiedName())
	}
	want := []string{"class Parser", "variable Parser.limit", "method Parser.__init__", "variable Parser.md", "method Parser.run"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("definitions = %v, want %v", got, want)
	}
	// The second assignment and the read are uses of the attribute.
	uses := 0
	for _, r := range fs.References {
		if r.Name == "md" && r.Qualifier == "self" && r.Member {
			uses++
		}
	}
	if uses != 2 {
		t.Errorf("self.md uses = %d, want 2: %+v", uses, fs.References)
	}
}

func TestExtractPythonDocstringsAndWrites(t *testing.T) {
	src := `class Session:
    """A session.

    Keeps cookies.
    """

    timeout = 5
    """Seconds to wait."""

    def request(self, method):
        "Send one request."
        response = self.send(method)
        response.request = method
        return response.request
`
	fs, err := Extract("Python", "s.py", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []LineSpan{{2, 5}, {8, 8}, {11, 11}}
	if len(fs.Docs) != len(want) {
		t.Fatalf("docs = %v, want %v", fs.Docs, want)
	}
	for i := range want {
		if fs.Docs[i] != want[i] {
			t.Errorf("docs = %v, want %v", fs.Docs, want)
		}
	}
	var writes, reads []int
	for _, r := range fs.References {
		if r.Name != "request" {
			continue
		}
		if r.Write {
			writes = append(writes, r.Line)
		} else {
			reads = append(reads, r.Line)
		}
	}
	if len(writes) != 1 || writes[0] != 13 || len(reads) != 1 || reads[0] != 14 {
		t.Errorf("request writes %v reads %v, want [13] [14]", writes, reads)
	}
}

func TestExtractPythonMemberOfACallStaysAMember(t *testing.T) {
	fs, err := Extract("Python", "c.py", []byte("x = make().name\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range fs.References {
		if r.Name == "name" && !r.Member {
			t.Errorf("make().name lost its member reading: %+v", r)
		}
	}
}

func TestExtractPythonDunderAllStringsAreReferences(t *testing.T) {
	src := `from ._make import Attribute, evolve

__all__ = [
    "Attribute",
    "evolve",
]
__all__ += ("has",)


def names():
    __all__ = ["local"]
    other = ["evolve"]
    return __all__, other
`
	fs, err := Extract("Python", "pkg/__init__.py", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range fs.References {
		if r.Line >= 3 && r.Qualifier == "" && !r.Member && r.Name != "__all__" && r.Name != "other" && r.Name != "names" {
			got = append(got, fmt.Sprintf("%s@%d:%d", r.Name, r.Line, r.Column))
		}
	}
	slices.Sort(got)
	// Only the module-level __all__ strings, at the name inside the quotes;
	// a local list named __all__ and other lists of strings are data.
	want := []string{"Attribute@4:6", "evolve@5:6", "has@7:14"}
	if !slices.Equal(got, want) {
		t.Errorf("references = %v, want %v", got, want)
	}
}
