package codebase

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzPythonReceiverTyping runs the impact analysis of a changed Python
// method over two modules of arbitrary content that use it: whatever those
// files say (annotations naming each other, self-referential assignments,
// deep attribute chains), the analysis ends, without a panic and within a
// few seconds. A pair of files annotating each other once made receiver
// typing recurse without end.
func FuzzPythonReceiverTyping(f *testing.F) {
	f.Add("import pkg.b\nimport pkg.a\n\nX: pkg.b.Y = pkg.b.Y\nZ = pkg.a.Z\n", "import pkg.a\n\nY: pkg.a.X = pkg.a.X\n\n\ndef f():\n    return pkg.a.X.area()\n")
	f.Add("from .shapes import Shape\n\n\nclass S(Shape):\n    def area(self, x: \"S\"):\n        return x.area()\n", "from .a import S\n\n\ndef g(s: S, t):\n    return s.area(), t.area(), S().area()\n")
	f.Add("class T:\n    def __getattr__(self, n) -> \"T\":\n        return self\n\n\ndef h(t: T):\n    return t.a.b.c.area()\n", "import pkg.a as m\n\nq = m.T().x.area()\n")
	requireExtractor(f, "Python", "pkg/shapes.py", pyShapes)
	f.Fuzz(func(t *testing.T, a, b string) {
		if len(a)+len(b) > 1<<14 {
			return
		}
		dir := t.TempDir()
		files := map[string]string{"pkg/__init__.py": "\n", "pkg/shapes.py": strings.Replace(pyShapes, "return 0", "return 2", 1), "pkg/a.py": a, "pkg/b.py": b}
		for p, src := range files {
			if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, p), []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		done := make(chan error, 1)
		go func() {
			a, err := Analyze(context.Background(), Options{Head: Dir(dir), Changes: []Change{{Path: "pkg/shapes.py", OldPath: "pkg/shapes.py", Status: "modified", Language: "Python", Added: []int{3}, Removed: []int{3}}}})
			if err == nil && a == nil {
				t.Error("Analyze returned neither an analysis nor an error")
			}
			done <- err
		}()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Fatalf("the analysis did not end within 20 s on\n--- pkg/a.py\n%s\n--- pkg/b.py\n%s", a, b)
		}
	})
}
