package codebase

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/reviewbot/reviewbot/internal/gittest"
)

// fixture reads a file of testdata/impact (real code, licences in the
// README there).
func fixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "impact", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func githubRepo(t *testing.T) map[string]string {
	return map[string]string{
		"go.mod":           goMod,
		"github/github.go": fixture(t, "github_github.go.txt"),
		"github/pulls.go":  fixture(t, "github_pulls.go.txt"),
		"github/issues.go": fixture(t, "github_issues.go.txt"),
		"github/users.go":  fixture(t, "github_users.go.txt"),
		"tool/tool.go":     fixture(t, "github_use.go.txt"),
	}
}

// Three services with an Edit method each: a change to one lists the
// calls on that service only, as types tell (issue 8: "a repository with
// fifty Edit methods must not list every .Edit call under each").
func TestGoSameNamedMethodsToldApartByType(t *testing.T) {
	base := githubRepo(t)
	pulls := base["github/pulls.go"]
	head := strings.Replace(pulls, `u := fmt.Sprintf("repos/%v/%v/pulls/%d", owner, repo, number)`, `u := fmt.Sprintf("repos/%v/%v/pulls/%d/", owner, repo, number)`, 1)
	a, _ := analyzeCommits(t, base, map[string]string{"github/pulls.go": head}, 0)
	im := findImpact(a, "PullRequestsService.Edit")
	if im == nil {
		t.Fatalf("no impact for PullRequestsService.Edit:\n%s", dumpAnalysis(a))
	}
	use := base["tool/tool.go"]
	if want := []string{loc("tool/tool.go", lineOf(t, use, "client.PullRequests.Edit"))}; !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v (the Issues and Users Edit calls are other methods)", im.Locations, want)
	}
	if !strings.Contains(im.Summary, "receiver types checked") {
		t.Errorf("summary %q does not say the receivers were type-checked", im.Summary)
	}
	if !slices.ContainsFunc(a.Notes, func(n string) bool { return strings.Contains(n, "type-checked from source") }) {
		t.Errorf("no note on type-checking: %q", a.Notes)
	}
}

// A field shared by several structs (Body) is told apart the same way.
func TestGoSameNamedFieldsToldApartByType(t *testing.T) {
	base := githubRepo(t)
	head := strings.Replace(base["github/pulls.go"], "Body  *string `json:\"body,omitempty\"`", "Body  string `json:\"body,omitempty\"`", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"github/pulls.go": head}, 0)
	im := findImpact(a, "PullRequest.Body")
	if im == nil || im.Change != ChangeSignature {
		t.Fatalf("no signature impact for PullRequest.Body:\n%s", dumpAnalysis(a))
	}
	if want := []string{loc("tool/tool.go", lineOf(t, base["tool/tool.go"], "return *p.Body"))}; !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
}

// A deleted method's remaining calls are those on its old receiver type,
// not the calls of the other services' Edit.
func TestGoDeletedMethodRemainingCallsByType(t *testing.T) {
	base := githubRepo(t)
	issues := base["github/issues.go"]
	from := strings.Index(issues, "// Edit (update) an issue.")
	to := strings.Index(issues, "// Lock an issue's conversation.")
	head := issues[:from] + issues[to:]
	a, _ := analyzeCommits(t, base, map[string]string{"github/issues.go": head}, 0)
	im := findImpact(a, "IssuesService.Edit")
	if im == nil || im.Change != ChangeDeleted {
		t.Fatalf("no deleted impact for IssuesService.Edit:\n%s", dumpAnalysis(a))
	}
	if want := []string{loc("tool/tool.go", lineOf(t, base["tool/tool.go"], "client.Issues.Edit"))}; !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
}

func ginRepo(t *testing.T) map[string]string {
	return map[string]string{
		"go.mod":             goMod,
		"gin/gin.go":         fixture(t, "gin_gin.go.txt"),
		"gin/routergroup.go": fixture(t, "gin_routergroup.go.txt"),
		"gin/use.go":         fixture(t, "gin_use.go.txt"),
	}
}

// Engine embeds RouterGroup: router.GET(...) is the promoted method, and
// router.RouterGroup.GET(...) and a call through IRoutes reach it too; the
// test client's own GET is another method.
func TestGoPromotedMethodThroughEmbedding(t *testing.T) {
	base := ginRepo(t)
	head := strings.Replace(base["gin/routergroup.go"], "return group.handle(http.MethodGet, relativePath, handlers)", "return group.handle(\"GET\", relativePath, handlers)", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"gin/routergroup.go": head}, 0)
	im := findImpact(a, "RouterGroup.GET")
	if im == nil {
		t.Fatalf("no impact for RouterGroup.GET:\n%s", dumpAnalysis(a))
	}
	use := base["gin/use.go"]
	want := []string{
		loc("gin/use.go", lineOf(t, use, `router.GET("/ping"`)),
		loc("gin/use.go", lineOf(t, use, `router.RouterGroup.GET`)),
		loc("gin/use.go", lineOf(t, use, `r.GET("/iface"`)),
	}
	if !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v (c.GET is the test client's)", im.Locations, want)
	}
}

// A method the PR adds is listed only where untouched code already
// resolves to it: Engine.GET now shadows the promoted RouterGroup.GET at
// router.GET(...) and answers the IRoutes call on the engine, while the
// explicit router.RouterGroup.GET and the test client's GET stay what
// they were.
func TestGoAddedMethodListedWhereItShadows(t *testing.T) {
	base := ginRepo(t)
	head := base["gin/gin.go"] + "\n// GET on the engine itself.\nfunc (engine *Engine) GET(relativePath string, handlers ...HandlerFunc) IRoutes {\n\treturn engine.RouterGroup.GET(relativePath, handlers...)\n}\n"
	a, _ := analyzeCommits(t, base, map[string]string{"gin/gin.go": head}, 0)
	im := findImpact(a, "Engine.GET")
	if im == nil || im.Change != "added" {
		t.Fatalf("no added impact for Engine.GET:\n%s", dumpAnalysis(a))
	}
	use := base["gin/use.go"]
	if want := []string{loc("gin/use.go", lineOf(t, use, `router.GET("/ping"`)), loc("gin/use.go", lineOf(t, use, `r.GET("/iface"`))}; !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
}

func zapRepo(t *testing.T) map[string]string {
	return map[string]string{"go.mod": goMod, "zapcore/encoder.go": fixture(t, "zap_encoder.go.txt")}
}

// jsonEncoder.AddString is reached through the ObjectEncoder interface it
// implements (as gopls counts references), not through MapObjectEncoder's
// method of the same name.
func TestGoInterfaceCallReachesImplementation(t *testing.T) {
	base := zapRepo(t)
	src := base["zapcore/encoder.go"]
	head := strings.Replace(src, "\tenc.buf = append(enc.buf, val...)\n", "\tenc.buf = append(enc.buf, '\"')\n\tenc.buf = append(enc.buf, val...)\n", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"zapcore/encoder.go": head}, 0)
	im := findImpact(a, "jsonEncoder.AddString")
	if im == nil {
		t.Fatalf("no impact for jsonEncoder.AddString:\n%s", dumpAnalysis(a))
	}
	if want := []string{loc("zapcore/encoder.go", lineOf(t, head, "enc.AddString(f.Key, f.String)"))}; !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v (m.AddString is MapObjectEncoder's)", im.Locations, want)
	}
}

// An interface that gains a method breaks its implementations: both
// encoders must now have AddBool, and they are what is listed.
func TestGoInterfaceGainedMethodListsImplementations(t *testing.T) {
	base := zapRepo(t)
	src := base["zapcore/encoder.go"]
	head := strings.Replace(src, "\tAddInt64(key string, value int64)\n}", "\tAddInt64(key string, value int64)\n\tAddBool(key string, value bool)\n}", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"zapcore/encoder.go": head}, 0)
	im := findImpact(a, "ObjectEncoder.AddBool")
	if im == nil {
		t.Fatalf("no impact for ObjectEncoder.AddBool:\n%s", dumpAnalysis(a))
	}
	want := []string{
		loc("zapcore/encoder.go", lineOf(t, head, "type jsonEncoder struct")),
		loc("zapcore/encoder.go", lineOf(t, head, "type MapObjectEncoder struct")),
	}
	if !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
	if !strings.Contains(im.Summary, "implementations that must follow") {
		t.Errorf("summary %q does not say these are implementations", im.Summary)
	}
}

// A new field breaks nothing: neither the struct nor the field is listed.
func TestGoNewFieldBreaksNothing(t *testing.T) {
	base := githubRepo(t)
	head := strings.Replace(base["github/pulls.go"], "\tBody  *string `json:\"body,omitempty\"`\n", "\tBody  *string `json:\"body,omitempty\"`\n\tDraft *bool   `json:\"draft,omitempty\"`\n", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"github/pulls.go": head}, 0)
	if len(a.Impact) != 0 {
		t.Errorf("a new field reported:\n%s", dumpAnalysis(a))
	}
}

// A call on a value whose type comes from outside the module (an
// io.Writer) may reach a method through that interface: it is matched by
// name and the summary says so. A field of an outside type (resp.Body) is
// never this module's field.
func TestGoUnknownReceiverFallsBackAndSaysSo(t *testing.T) {
	src := `package count

import "io"

type counter struct{ n int }

func (c *counter) Write(p []byte) (int, error) {
	c.n += len(p)
	return len(p), nil
}

func copyTo(w io.Writer, b []byte) { w.Write(b) }
`
	base := map[string]string{"go.mod": goMod, "count/count.go": src}
	head := strings.Replace(src, "c.n += len(p)", "c.n += 2 * len(p)", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"count/count.go": head}, 0)
	im := findImpact(a, "counter.Write")
	if im == nil {
		t.Fatalf("no impact for counter.Write:\n%s", dumpAnalysis(a))
	}
	if want := []string{loc("count/count.go", lineOf(t, src, "w.Write(b)"))}; !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
	if !strings.Contains(im.Summary, "receiver's type is unknown") {
		t.Errorf("summary %q does not say the receiver type was unknown", im.Summary)
	}
}

// The deleted Project.Body must not claim resp.Body on an *http.Response.
func TestGoDeletedFieldIgnoresOutsideTypes(t *testing.T) {
	base := githubRepo(t)
	base["github/projects.go"] = "package github\n\n// Project represents a GitHub Project.\ntype Project struct {\n\tID   *int64  `json:\"id,omitempty\"`\n\tBody *string `json:\"body,omitempty\"`\n}\n"
	head := "package github\n\n// Project represents a GitHub Project.\ntype Project struct {\n\tID *int64 `json:\"id,omitempty\"`\n}\n"
	a, _ := analyzeCommits(t, base, map[string]string{"github/projects.go": head}, 0)
	im := findImpact(a, "Project.Body")
	if im == nil || im.Change != ChangeDeleted {
		t.Fatalf("no deleted impact for Project.Body:\n%s", dumpAnalysis(a))
	}
	if len(im.Locations) != 0 {
		t.Errorf("locations = %v, want none (resp.Body, p.Body and i.Body are other types' fields)", im.Locations)
	}
}

// Signature means the declaration header: a one-line function's body, a
// constant's value and a move into a const group are not signature
// changes, and say what they are.
func TestGoSignatureMeansTheHeader(t *testing.T) {
	src := `package limits

const Max = 10

const Min = 1

func Double(n int) int { return n * 2 }

func Use() int { return Double(Max) + Min }
`
	base := map[string]string{"go.mod": goMod, "limits/limits.go": src}
	head := strings.Replace(src, "const Max = 10", "const Max = 20", 1)
	head = strings.Replace(head, "const Min = 1\n", "const (\n\tMin = 1\n)\n", 1)
	head = strings.Replace(head, "return n * 2 }", "return n + n }", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"limits/limits.go": head}, 0)
	use := loc("limits/limits.go", lineOf(t, head, "func Use()"))
	max := findImpact(a, "limits.Max")
	if max == nil || max.Change != ChangeModified || !strings.HasPrefix(max.Summary, "value changed") || !slices.Equal(max.Locations, []string{use}) {
		t.Errorf("Max: want a value change used in Use:\n%s", dumpAnalysis(a))
	}
	double := findImpact(a, "limits.Double")
	if double == nil || double.Change != ChangeModified || !strings.HasPrefix(double.Summary, "body changed") {
		t.Errorf("Double: want a body change:\n%s", dumpAnalysis(a))
	}
	if im := findImpact(a, "limits.Min"); im == nil || len(im.Locations) != 0 || !strings.Contains(im.Summary, "moved into or out of a declaration group") {
		t.Errorf("Min only moved into a const group: want it said so, without locations:\n%s", dumpAnalysis(a))
	}
	// A header change is still one.
	head2 := strings.Replace(src, "func Double(n int) int", "func Double(n int64) int64", 1)
	a2, _ := analyzeCommits(t, base, map[string]string{"limits/limits.go": head2}, 0)
	if d := findImpact(a2, "limits.Double"); d == nil || d.Change != ChangeSignature {
		t.Errorf("Double with new parameter types: want a signature change:\n%s", dumpAnalysis(a2))
	}
}

// A package that exists only under a build tag (integration tests) is
// type-checked as that build sees it, so its calls are told apart too.
func TestGoTaggedPackageIsTypeChecked(t *testing.T) {
	base := githubRepo(t)
	use := base["tool/tool.go"]
	base["integration/it_test.go"] = "//go:build integration\n\n" + strings.Replace(use, "package tool", "package integration", 1)
	head := strings.Replace(base["github/pulls.go"], `u := fmt.Sprintf("repos/%v/%v/pulls/%d", owner, repo, number)`, `u := fmt.Sprintf("repos/%v/%v/pulls/%d/", owner, repo, number)`, 1)
	a, _ := analyzeCommits(t, base, map[string]string{"github/pulls.go": head}, 0)
	im := findImpact(a, "PullRequestsService.Edit")
	if im == nil {
		t.Fatalf("no impact:\n%s", dumpAnalysis(a))
	}
	want := []string{
		loc("integration/it_test.go", 2+lineOf(t, use, "client.PullRequests.Edit")),
		loc("tool/tool.go", lineOf(t, use, "client.PullRequests.Edit")),
	}
	if !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
}

// A file the review skips (generated) still changed: its changed lines
// are no references of the change, its changed definitions are traced to
// their callers, and it gets no context items.
func TestSkippedChangeCountsForImpactOnly(t *testing.T) {
	base := githubRepo(t)
	acc := "// Code generated by gen-accessors; DO NOT EDIT.\n\npackage github\n\n// GetTitle returns the Title field if it's non-nil, zero value otherwise.\nfunc (p *PullRequest) GetTitle() string {\n\tif p == nil || p.Title == nil {\n\t\treturn \"\"\n\t}\n\treturn *p.Title\n}\n"
	base["github/github-accessors.go"] = acc
	base["tool/title.go"] = "package tool\n\nimport \"example.com/app/github\"\n\nfunc title(p *github.PullRequest) string { return p.GetTitle() }\n"
	newAcc := strings.Replace(acc, "return *p.Title\n", "return *p.Title + \"\"\n", 1)
	// The regenerated file also starts using Ptr, a helper that is new.
	newAcc += "\nfunc usePtr() *int { return Ptr(1) }\n"
	newGithub := base["github/github.go"] + "\n// Ptr allocates a new T value to store v and returns a pointer to it.\nfunc Ptr[T any](v T) *T { return &v }\n"
	r, changes := commitPair(t, base, map[string]string{"github/github-accessors.go": newAcc, "github/github.go": newGithub})
	for i := range changes {
		if changes[i].Path == "github/github-accessors.go" {
			changes[i].Skipped = true
		}
	}
	a := analyzeChanges(t, r, changes)
	if im := findImpact(a, "github.Ptr"); im != nil {
		t.Errorf("the new Ptr is listed at lines the skipped file added: %+v", *im)
	}
	im := findImpact(a, "PullRequest.GetTitle")
	if im == nil || !slices.Equal(im.Locations, []string{loc("tool/title.go", 5)}) {
		t.Errorf("want GetTitle traced to tool/title.go:5:\n%s", dumpAnalysis(a))
	}
	for _, c := range a.Context {
		if c.Path == "github/github-accessors.go" && c.Kind == KindEnclosing {
			t.Errorf("context item from the skipped file: %+v", c)
		}
	}
}

// commitPair commits base and head trees and returns the repository and
// the Changes between them, for tests that adjust the Changes.
func commitPair(t *testing.T, base, head map[string]string) (*commitRange, []Change) {
	t.Helper()
	r := gittest.New(t)
	r.Write(base)
	b := r.Commit("base")
	r.Write(head)
	h := r.Commit("head")
	return &commitRange{r: r, base: b, head: h}, changesBetween(t, r, b, h)
}

type commitRange struct {
	r          *gittest.Repo
	base, head string
}

func analyzeChanges(t *testing.T, cr *commitRange, changes []Change) *Analysis {
	t.Helper()
	hs, bs := GitTree(cr.r.Dir, cr.head), GitTree(cr.r.Dir, cr.base)
	t.Cleanup(func() {
		hs.(interface{ Close() error }).Close()
		bs.(interface{ Close() error }).Close()
	})
	a, err := Analyze(context.Background(), Options{Base: bs, Head: hs, Changes: changes})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// The receiver's declared type settles a reference without a type-checker:
// c *logger is the target's own type, o other is another type declaring
// Logf, and t *testing.T a pointer to a type from outside the module,
// which is never an interface and so never this module's method.
func TestGoDeclaredReceiverTypeSettlesReference(t *testing.T) {
	src := `package logs

import "testing"

type logger struct{ lines []string }

func (l *logger) Logf(format string, args ...any) { l.lines = append(l.lines, format) }

type other struct{}

func (other) Logf(format string, args ...any) {}

func use(c *logger, o other, t *testing.T) {
	c.Logf("a")
	o.Logf("b")
	t.Logf("c")
}
`
	base := map[string]string{"go.mod": goMod, "logs/logs.go": src}
	head := strings.Replace(src, "l.lines = append(l.lines, format)", "l.lines = append(l.lines, \"> \"+format)", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"logs/logs.go": head}, 0)
	im := findImpact(a, "logger.Logf")
	if im == nil {
		t.Fatalf("no impact for logger.Logf:\n%s", dumpAnalysis(a))
	}
	if want := []string{loc("logs/logs.go", lineOf(t, src, `c.Logf("a")`))}; !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
}

// cmdRepo is a command package in go-redis's shape: every command type
// embeds baseCmd and gets the interface's methods from it; rawCmd has
// its own.
func cmdRepo() map[string]string {
	return map[string]string{
		"go.mod": goMod,
		"redis/cmd.go": `package redis

type Cmder interface {
	Name() string
}

type baseCmd struct {
	name string
	err  error
}

func (c *baseCmd) Name() string { return c.name }

type StatusCmd struct {
	baseCmd
	val string
}

type IntCmd struct {
	baseCmd
	val int64
}

type rawCmd struct{ n string }

func (r rawCmd) Name() string { return r.n }
`,
		"redis/client.go": `package redis

type StringCmdable interface {
	Get(key string) *StatusCmd
}

type HashCmdable interface {
	HLen(key string) *IntCmd
}

type Cmdable interface {
	StringCmdable
}

type Client struct{}

func (c *Client) Get(key string) *StatusCmd { return &StatusCmd{} }
func (c *Client) HLen(key string) *IntCmd  { return &IntCmd{} }

var _ Cmdable = (*Client)(nil)

func use(c Cmdable) *StatusCmd { return c.Get("k") }
`,
	}
}

// An interface method added together with the embedded type that
// provides it breaks none of the types embedding it: only rawCmd, which
// lacks the method, must follow.
func TestGoInterfaceMethodPromotedByEmbeddingBreaksNothing(t *testing.T) {
	base := cmdRepo()
	src := base["redis/cmd.go"]
	head := strings.Replace(src, "\tName() string\n}", "\tName() string\n\tSetErr(err error)\n}", 1)
	head = strings.Replace(head, "func (c *baseCmd) Name() string { return c.name }\n", "func (c *baseCmd) Name() string { return c.name }\n\nfunc (c *baseCmd) SetErr(err error) { c.err = err }\n", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"redis/cmd.go": head}, 0)
	im := findImpact(a, "Cmder.SetErr")
	if im == nil {
		t.Fatalf("no impact for Cmder.SetErr:\n%s", dumpAnalysis(a))
	}
	if want := []string{loc("redis/cmd.go", lineOf(t, head, "type rawCmd struct"))}; !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v (StatusCmd and IntCmd get SetErr from baseCmd)", im.Locations, want)
	}
}

// An interface whose header is unchanged and which gains an embedded
// interface: its uses are not what breaks, so none is listed.
func TestGoInterfaceBodyChangeListsNoUses(t *testing.T) {
	base := cmdRepo()
	head := strings.Replace(base["redis/client.go"], "\tStringCmdable\n}", "\tStringCmdable\n\tHashCmdable\n}", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"redis/client.go": head}, 0)
	if im := findImpact(a, "redis.Cmdable"); im != nil && len(im.Locations) > 0 {
		t.Errorf("uses of Cmdable listed for a body change: %v\n%s", im.Locations, dumpAnalysis(a))
	}
}

// A field moved within its struct (type and tag unchanged) breaks no use
// of it by name: it is said, with no locations, and the summary names
// the one thing that could see it (unkeyed literals).
func TestGoFieldMovedWithinStructListsNoUses(t *testing.T) {
	base := map[string]string{
		"go.mod": goMod,
		"cors/cors.go": `package cors

type Config struct {
	AllowOrigins []string
	MaxAge       int
	Debug        bool
}

func Allowed(c Config, o string) bool {
	for _, a := range c.AllowOrigins {
		if a == o {
			return c.MaxAge > 0
		}
	}
	return c.Debug
}
`,
	}
	head := strings.Replace(base["cors/cors.go"], "\tAllowOrigins []string\n\tMaxAge       int\n", "\tMaxAge       int\n\tAllowOrigins []string\n", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"cors/cors.go": head}, 0)
	for _, im := range a.Impact {
		if len(im.Locations) > 0 {
			t.Errorf("%s lists %v for a field move", im.Symbol, im.Locations)
		}
	}
	im := findImpact(a, "Config.MaxAge")
	if im == nil {
		im = findImpact(a, "Config.AllowOrigins")
	}
	if im == nil || !strings.Contains(im.Summary, "unkeyed literals of Config") {
		t.Errorf("no entry naming unkeyed literals:\n%s", dumpAnalysis(a))
	}
}

// A method reachable through an interface from outside the module
// (http.ResponseWriter) is matched by name only in packages that import
// its package, directly or through others: the router package, which
// never imports the middleware, calls WriteHeader on other writers.
func TestGoNameMatchOnlyWherePackageIsImported(t *testing.T) {
	base := map[string]string{
		"go.mod": goMod,
		"middleware/wrap.go": `package middleware

import "net/http"

type basicWriter struct {
	http.ResponseWriter
	code int
}

func (b *basicWriter) WriteHeader(code int) {
	b.code = code
	b.ResponseWriter.WriteHeader(code)
}

func Wrap(w http.ResponseWriter) http.ResponseWriter { return &basicWriter{ResponseWriter: w} }
`,
		"middleware/nocache.go": `package middleware

import "net/http"

func NoCache(w http.ResponseWriter) {
	w.WriteHeader(http.StatusNotModified)
}
`,
		"router/mux.go": `package router

import "net/http"

func notFound(w http.ResponseWriter) {
	w.WriteHeader(404)
}
`,
		"app/main.go": `package main

import (
	"net/http"

	"example.com/app/handlers"
)

func serve(w http.ResponseWriter) {
	handlers.Use(w)
	w.WriteHeader(200)
}
`,
		"handlers/h.go": `package handlers

import (
	"net/http"

	"example.com/app/middleware"
)

func Use(w http.ResponseWriter) { middleware.NoCache(middleware.Wrap(w)) }
`,
	}
	head := strings.Replace(base["middleware/wrap.go"], "\tb.code = code\n", "\tif b.code != 0 {\n\t\treturn\n\t}\n\tb.code = code\n", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"middleware/wrap.go": head}, 0)
	im := findImpact(a, "basicWriter.WriteHeader")
	if im == nil {
		t.Fatalf("no impact for basicWriter.WriteHeader:\n%s", dumpAnalysis(a))
	}
	want := []string{
		loc("app/main.go", lineOf(t, base["app/main.go"], "w.WriteHeader(200)")),
		loc("middleware/nocache.go", lineOf(t, base["middleware/nocache.go"], "w.WriteHeader(http.StatusNotModified)")),
	}
	if !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v (router never imports middleware)", im.Locations, want)
	}
}

// echoRepo has two Add methods (so calls need types) and calls of Add on
// standard-library values: a header of a request parameter, of a
// recorder made by httptest, of a module method returning http.Header.
func echoRepo() map[string]string {
	return map[string]string{
		"go.mod": goMod,
		"echo/router.go": `package echo

import "net/http"

type HandlerFunc func(c *Context) error

type Router struct{ routes map[string]HandlerFunc }

func (r *Router) Add(method, path string, h HandlerFunc) {
	r.routes[method+path] = h
}

type Group struct{ prefix string }

func (g *Group) Add(method, path string, h HandlerFunc) {}

type Response struct{ w http.ResponseWriter }

func (r *Response) Header() http.Header { return r.w.Header() }

type Context struct {
	Request  *http.Request
	Response *Response
}
`,
		"echo/use_test.go": `package echo

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func setup(r *Router) {
	r.Add("GET", "/", nil)
}

func TestHeaders(t *testing.T) {
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Add("Cookie", "a=b")
	rec := httptest.NewRecorder()
	rec.Header().Add("Vary", "Origin")
	res := &Response{w: rec}
	res.Header().Add("Vary", "Accept")
	c := &Context{Request: req, Response: res}
	c.Request.Header.Add("X", "y")
	var h http.Header
	h.Add("k", "v")
	for _, r := range []*http.Request{req} {
		r.Header.Add("Z", "z")
	}
}
`,
	}
}

// A call of Add on a standard-library value (http.Header) is not a call
// of Router.Add: no standard interface declares an Add of three
// parameters. The one real call is listed.
func TestGoStdlibReceiverIsNotTheModulesMethod(t *testing.T) {
	base := echoRepo()
	head := strings.Replace(base["echo/router.go"], "\tr.routes[method+path] = h\n", "\tif h == nil {\n\t\treturn\n\t}\n\tr.routes[method+path] = h\n", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"echo/router.go": head}, 0)
	im := findImpact(a, "Router.Add")
	if im == nil {
		t.Fatalf("no impact for Router.Add:\n%s", dumpAnalysis(a))
	}
	want := []string{loc("echo/use_test.go", lineOf(t, base["echo/use_test.go"], `r.Add("GET", "/", nil)`))}
	if !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v", im.Locations, want)
	}
}

// WriteHeader is declared by http.ResponseWriter with the same arity: a
// call on a standard writer may reach the module's wrapper and stays.
func TestGoStdlibInterfaceMethodStillMatched(t *testing.T) {
	base := map[string]string{
		"go.mod": goMod,
		"mw/wrap.go": `package mw

import "net/http"

type basicWriter struct {
	http.ResponseWriter
	code int
}

func (b *basicWriter) WriteHeader(code int) { b.code = code }

type other struct{}

func (o other) WriteHeader(code int) {}
`,
		"mw/use.go": `package mw

import "net/http"

func deny(w http.ResponseWriter) { w.WriteHeader(403) }
`,
	}
	head := strings.Replace(base["mw/wrap.go"], "{ b.code = code }", "{ b.code = code + 0 }", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"mw/wrap.go": head}, 0)
	im := findImpact(a, "basicWriter.WriteHeader")
	if im == nil || !slices.Contains(im.Locations, loc("mw/use.go", 5)) {
		t.Errorf("w.WriteHeader on an http.ResponseWriter not listed:\n%s", dumpAnalysis(a))
	}
}

// String is declared by fmt.Stringer, so a String call on an unknown
// standard value may reach the module's; on a bytes.Buffer or a
// strings.Builder it never does.
func TestGoConcreteStdlibReceiverIsNotTheModulesMethod(t *testing.T) {
	base := map[string]string{
		"go.mod": goMod,
		"view/view.go": `package view

import (
	"bytes"
	"fmt"
	"strings"
)

type Model struct{ title string }

func (m Model) String() string { return m.title }

type Row struct{ cells []string }

func (r Row) String() string { return strings.Join(r.cells, " ") }

func render(m Model, s fmt.Stringer) string {
	var buf bytes.Buffer
	buf.WriteString(m.String())
	sb := &strings.Builder{}
	sb.WriteString(s.String())
	out := new(bytes.Buffer)
	_ = out.String()
	return buf.String() + sb.String()
}
`,
	}
	head := strings.Replace(base["view/view.go"], "{ return m.title }", "{ return \"[\" + m.title + \"]\" }", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"view/view.go": head}, 0)
	im := findImpact(a, "Model.String")
	if im == nil {
		t.Fatalf("no impact for Model.String:\n%s", dumpAnalysis(a))
	}
	src := base["view/view.go"]
	want := []string{
		loc("view/view.go", lineOf(t, src, "buf.WriteString(m.String())")),
		loc("view/view.go", lineOf(t, src, "sb.WriteString(s.String())")),
	}
	if !slices.Equal(im.Locations, want) {
		t.Errorf("locations = %v, want %v (buf, sb and out are the library's)", im.Locations, want)
	}
}
