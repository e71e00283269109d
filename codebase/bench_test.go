package codebase

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/reviewbot/reviewbot/languages"
)

// The large-repository benchmark combines two real modules from the Go
// module cache (bench/codebase-large.sh fetches them) into one git
// repository of about a million lines, applies a synthetic 1,000-line change
// to 200 real functions and times a cold Analyze through GitTree sources.
var largeModules = []struct{ path, version, dir string }{
	{"github.com/aws/aws-sdk-go-v2/service/ec2", "v1.344.3", "ec2"},
	{"golang.org/x/tools", "v0.23.0", "tools"},
}

type largeRepo struct {
	dir, base, head string
	changes         []Change
	goLines         int
}

func setupLargeRepo(b *testing.B) *largeRepo {
	b.Helper()
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		b.Skipf("go env GOMODCACHE: %v", err)
	}
	cache := strings.TrimSpace(string(out))
	dir := b.TempDir()
	for _, m := range largeModules {
		src := filepath.Join(cache, escapeModulePath(m.path)+"@"+m.version)
		if _, err := os.Stat(src); err != nil {
			b.Skipf("%s@%s is not in the module cache; run bench/codebase-large.sh", m.path, m.version)
		}
		if out, err := exec.Command("cp", "-r", src, filepath.Join(dir, m.dir)).CombinedOutput(); err != nil {
			b.Fatalf("copy %s: %v\n%s", m.path, err, out)
		}
	}
	if out, err := exec.Command("chmod", "-R", "u+w", dir).CombinedOutput(); err != nil {
		b.Fatalf("chmod: %v\n%s", err, out)
	}
	gitB := func(args ...string) string {
		cmd := exec.Command("git", append([]string{"-c", "user.name=b", "-c", "user.email=b@example.com", "-c", "commit.gpgsign=false"}, args...)...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	gitB("init", "-q", "-b", "main")
	gitB("add", "-A")
	gitB("commit", "-q", "-m", "base")
	lr := &largeRepo{dir: dir, base: gitB("rev-parse", "HEAD")}
	lr.changes, lr.goLines = syntheticChange(b, dir)
	gitB("add", "-A")
	gitB("commit", "-q", "-m", "head")
	lr.head = gitB("rev-parse", "HEAD")
	return lr
}

// escapeModulePath applies the module cache's case encoding (!x for X).
func escapeModulePath(p string) string {
	var sb strings.Builder
	for _, c := range p {
		if c >= 'A' && c <= 'Z' {
			sb.WriteByte('!')
			c += 'a' - 'A'
		}
		sb.WriteRune(c)
	}
	return sb.String()
}

// syntheticChange edits 200 functions, 100 per module, spread over the
// non-test files in path order: five added lines at the top of each body
// (1,000 lines), and one in ten also gets a parameter added, which makes
// it a signature change. It returns the Changes and the Go line count.
func syntheticChange(b *testing.B, dir string) ([]Change, int) {
	var files []string
	lines := 0
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") {
			return nil
		}
		data, _ := os.ReadFile(p)
		lines += strings.Count(string(data), "\n")
		if len(data) < maxFileSize && !strings.HasSuffix(p, "_test.go") && !strings.Contains(p, "/testdata/") {
			rel, _ := filepath.Rel(dir, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(files)
	var changes []Change
	for _, m := range largeModules {
		var mine []string
		for _, f := range files {
			if strings.HasPrefix(f, m.dir+"/") {
				mine = append(mine, f)
			}
		}
		// Spread over the module first, then fill up from the files left
		// when some sampled files hold no function long enough.
		step := max(1, len(mine)/100)
		var order []string
		for i := 0; i < len(mine); i += step {
			order = append(order, mine[i])
		}
		for i, f := range mine {
			if i%step != 0 {
				order = append(order, f)
			}
		}
		edited := 0
		for _, f := range order {
			if edited == 100 {
				break
			}
			if c, ok := editFirstFunction(b, dir, f, edited%10 == 0); ok {
				changes = append(changes, c)
				edited++
			}
		}
	}
	return changes, lines
}

func editFirstFunction(b *testing.B, dir, rel string, signature bool) (Change, bool) {
	p := filepath.Join(dir, filepath.FromSlash(rel))
	data, err := os.ReadFile(p)
	if err != nil {
		b.Fatal(err)
	}
	fs, err := languages.Extract("Go", rel, data)
	if err != nil {
		b.Fatal(err)
	}
	for _, d := range fs.Definitions {
		if d.Kind != languages.KindFunction && d.Kind != languages.KindMethod || d.EndLine-d.SignatureEnd < 3 {
			continue
		}
		ls := strings.Split(string(data), "\n")
		c := Change{Path: rel, OldPath: rel, Status: "modified", Language: "Go"}
		ins := []string{"\t{", "\t\tsynthetic := 0", "\t\tsynthetic++", "\t\t_ = synthetic", "\t}"}
		at := d.SignatureEnd // insert after the header line
		out := append(append(append([]string{}, ls[:at]...), ins...), ls[at:]...)
		for i := range ins {
			c.Added = append(c.Added, at+1+i)
		}
		if signature && strings.Contains(out[d.StartLine-1], d.Name+"(") {
			out[d.StartLine-1] = strings.Replace(out[d.StartLine-1], d.Name+"(", d.Name+"(synthetic int, ", 1)
			c.Removed = append(c.Removed, d.StartLine)
			c.Added = append([]int{d.StartLine}, c.Added...)
		}
		if err := os.WriteFile(p, []byte(strings.Join(out, "\n")), 0o644); err != nil {
			b.Fatal(err)
		}
		return c, true
	}
	return Change{}, false
}

func BenchmarkAnalyzeLarge(b *testing.B) {
	lr := setupLargeRepo(b)
	added := 0
	for _, c := range lr.changes {
		added += len(c.Added)
	}
	b.Logf("repository: %d Go lines; change: %d files, %d added lines; GOMAXPROCS=%d", lr.goLines, len(lr.changes), added, runtime.GOMAXPROCS(0))
	var last *Analysis
	var peak uint64
	b.ResetTimer()
	for range b.N {
		runtime.GC()
		// Fresh sources each round: a cold ls-tree and cat-file process.
		head, base := GitTree(lr.dir, lr.head), GitTree(lr.dir, lr.base)
		stop := make(chan struct{})
		done := make(chan uint64)
		go samplePeakHeap(stop, done)
		a, err := Analyze(context.Background(), Options{Base: base, Head: head, Changes: lr.changes})
		close(stop)
		peak = max(peak, <-done)
		if err != nil {
			b.Fatal(err)
		}
		head.(interface{ Close() error }).Close()
		base.(interface{ Close() error }).Close()
		last = a
	}
	b.StopTimer()
	locs := 0
	for _, im := range last.Impact {
		locs += len(im.Locations)
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(last.Stats.FilesScanned), "files-scanned")
	b.ReportMetric(float64(last.Stats.FilesParsed), "files-parsed")
	b.ReportMetric(float64(len(last.Impact)), "impacts")
	b.Logf("stats %+v; %d impacts with %d locations; %d context items; notes: %q",
		last.Stats, len(last.Impact), locs, len(last.Context), last.Notes)
	for i, im := range last.Impact[:min(len(last.Impact), 12)] {
		b.Logf("impact %d: %s %s: %s %v", i, im.Symbol, im.Change, im.Summary, im.Locations[:min(len(im.Locations), 3)])
	}
	if len(last.Impact) == 0 {
		b.Error("no impact found for 200 changed functions")
	}
}

// samplePeakHeap polls the live heap until stop closes and sends its peak.
func samplePeakHeap(stop <-chan struct{}, done chan<- uint64) {
	var peak uint64
	var ms runtime.MemStats
	for {
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapInuse)
		select {
		case <-stop:
			done <- peak
			return
		default:
		}
		select {
		case <-stop:
			runtime.ReadMemStats(&ms)
			done <- max(peak, ms.HeapInuse)
			return
		case <-time.After(10 * time.Millisecond):
		}
	}
}
