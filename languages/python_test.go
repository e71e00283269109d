package languages

import (
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
