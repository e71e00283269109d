package codebase

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// analysisEnds writes files into a directory and analyses a change of
// the given lines of path in it: whatever the other files say, the
// analysis must end, without a panic and within 20 s.
func analysisEnds(t *testing.T, files map[string]string, path, lang string, lines []int) {
	dir := t.TempDir()
	for p, src := range files {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		a, err := Analyze(context.Background(), Options{Head: Dir(dir), Changes: []Change{{Path: path, OldPath: path, Status: "modified", Language: lang, Added: lines, Removed: lines}}})
		if err == nil && a == nil {
			t.Error("Analyze returned neither an analysis nor an error")
		}
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		var b strings.Builder
		for p, src := range files {
			b.WriteString("--- " + p + "\n" + src + "\n")
		}
		t.Fatalf("the analysis did not end within 20 s on\n%s", b.String())
	}
}

// FuzzPythonReceiverTyping runs the impact analysis of a changed Python
// method over two modules of arbitrary content that use it: whatever those
// files say (annotations naming each other, self-referential assignments,
// deep attribute chains), the analysis ends. A pair of files annotating
// each other once made receiver typing recurse without end (the first
// seed).
func FuzzPythonReceiverTyping(f *testing.F) {
	f.Add("import pkg.b\nimport pkg.a\n\nX: pkg.b.Y = pkg.b.Y\nZ = pkg.a.Z\n", "import pkg.a\n\nY: pkg.a.X = pkg.a.X\n\n\ndef f():\n    return pkg.a.X.area()\n")
	f.Add("from .shapes import Shape\n\n\nclass S(Shape):\n    def area(self, x: \"S\"):\n        return x.area()\n", "from .a import S\n\n\ndef g(s: S, t):\n    return s.area(), t.area(), S().area()\n")
	f.Add("class T:\n    def __getattr__(self, n) -> \"T\":\n        return self\n\n\ndef h(t: T):\n    return t.a.b.c.area()\n", "import pkg.a as m\n\nq = m.T().x.area()\n")
	requireExtractor(f, "Python", "pkg/shapes.py", pyShapes)
	f.Fuzz(func(t *testing.T, a, b string) {
		if len(a)+len(b) > 1<<14 {
			return
		}
		files := map[string]string{"pkg/__init__.py": "\n", "pkg/shapes.py": strings.Replace(pyShapes, "return 0", "return 2", 1), "pkg/a.py": a, "pkg/b.py": b}
		analysisEnds(t, files, "pkg/shapes.py", "Python", []int{3})
	})
}

const jsShape = `'use strict'

class Shape {
  area () {
    return 2
  }
}

Shape.prototype.scale = function (k) {
  return this.area() * k
}

module.exports = Shape
`

// FuzzJavaScriptReferences does the same for a changed JavaScript class
// over two CommonJS modules of arbitrary content (requiring each other,
// re-exporting, assigning prototypes).
func FuzzJavaScriptReferences(f *testing.F) {
	f.Add("const b = require('./b')\nconst Shape = require('./shape')\nmodule.exports = b\nexports.x = new Shape().area()\n", "const a = require('./a')\nmodule.exports = a\na.x.area()\n")
	f.Add("const Shape = require('./shape')\nclass Sq extends Shape { area () { return super.area() } }\nmodule.exports = Sq\n", "const Sq = require('./a')\nconst { area } = new Sq()\nmodule.exports = { area, b: require('./b') }\n")
	f.Add("module.exports = require('./a')\n", "exports.area = require('./b').area\nmodule.exports.area()\n")
	f.Fuzz(func(t *testing.T, a, b string) {
		if len(a)+len(b) > 1<<14 {
			return
		}
		files := map[string]string{"lib/shape.js": jsShape, "lib/a.js": a, "lib/b.js": b, "package.json": `{"name": "shapes", "main": "lib/shape.js"}`}
		analysisEnds(t, files, "lib/shape.js", "JavaScript", []int{5})
	})
}
