package languages

import (
	"fmt"
	"slices"
	"testing"
)

func TestExtractTypeScriptExportsImportsAndPrivateNames(t *testing.T) {
	src := `import { a, b as c } from "./m";
import * as ns from "./n";

type Ctx = { client: string };

class Box {
  #count = 0;
  bump() { return this.#count; }
}

function _fn() { return a + c; }

export { _fn as fn, Box };
`
	fs, err := Extract("TypeScript", "x.ts", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var defs []string
	for _, d := range fs.Definitions {
		defs = append(defs, fmt.Sprintf("%s %s %v %s", d.Kind, d.QualifiedName(), d.Exported, d.ExportedAs))
	}
	for _, want := range []string{"variable Ctx.client false ", "variable Box.#count false ", "class Box true ", "function _fn true fn"} {
		if !slices.Contains(defs, want) {
			t.Errorf("no definition %q in %q", want, defs)
		}
	}
	var named []string
	for _, n := range fs.Named {
		named = append(named, fmt.Sprintf("%s>%s@%s:%d", n.Name, n.Local, n.Path, n.Line))
	}
	if want := []string{"a>@./m:1", "b>c@./m:1"}; !slices.Equal(named, want) {
		t.Errorf("named imports = %v, want %v", named, want)
	}
	found := false
	for _, r := range fs.References {
		if r.Name == "#count" && r.Qualifier == "this" && r.Member && r.Line == 8 {
			found = true
		}
	}
	if !found {
		t.Errorf("no this.#count reference: %+v", fs.References)
	}
}
