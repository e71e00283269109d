package webhook

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"math"
	"net/http"
	"strings"
	"time"
)

// The pages are html/template files and one stylesheet, embedded in the
// binary: no build step, no CDN, no script.
//
//go:embed templates/*.html static/*
var webFiles embed.FS

// pageNames are the templates under templates/, each rendered inside
// layout.html.
var pageNames = []string{"message", "setup", "manifest", "done", "login", "overview", "reviews"}

// pages renders the web side's HTML.
type pages struct {
	t         map[string]*template.Template
	githubURL string
	// secrets returns what must never appear in a page (the admin token,
	// the App's webhook secret and private key): a rendered page holding
	// one is not sent.
	secrets func() [][]byte
	log     *slog.Logger
}

func newPages(githubURL string) (*pages, error) {
	funcs := template.FuncMap{
		"short":    func(s string) string { return short(s) },
		"usd":      func(f float64) string { return fmt.Sprintf("$%.4f", f) },
		"usd2":     func(f float64) string { return fmt.Sprintf("$%.2f", f) },
		"ms":       func(d time.Duration) string { return d.Round(time.Millisecond).String() },
		"when":     func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") },
		"num":      func(n int64) string { return groupDigits(n) },
		"truncate": truncate,
		"redact":   RedactSecrets,
		"github":   func() string { return githubURL },
	}
	p := &pages{t: map[string]*template.Template{}, githubURL: githubURL}
	for _, name := range pageNames {
		t, err := template.New(name).Funcs(funcs).ParseFS(webFiles, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("parse page %s: %w", name, err)
		}
		p.t[name] = t
	}
	return p, nil
}

// render writes page name with data, or a plain 500 when it does not
// render or would show a secret.
func (p *pages) render(w http.ResponseWriter, status int, name string, data map[string]any) {
	var buf bytes.Buffer
	if err := p.t[name].ExecuteTemplate(&buf, "layout", data); err != nil {
		p.logger().Error("render page", "page", name, "err", err)
		http.Error(w, "reviewbot could not render this page; see its log", http.StatusInternalServerError)
		return
	}
	if p.secrets != nil {
		for _, s := range p.secrets() {
			if len(s) >= 8 && bytes.Contains(buf.Bytes(), s) {
				p.logger().Error("a page would have shown a secret; not sent", "page", name)
				http.Error(w, "reviewbot refused to send this page: it held a secret; see its log", http.StatusInternalServerError)
				return
			}
		}
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// message renders a page with a title and a paragraph.
func (p *pages) message(w http.ResponseWriter, status int, title, text string) {
	p.render(w, status, "message", map[string]any{"Title": title, "Text": text})
}

// static serves the embedded stylesheet.
func (p *pages) static() http.Handler {
	sub, _ := fs.Sub(webFiles, "static")
	files := http.StripPrefix("/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	})
}

func (p *pages) logger() *slog.Logger {
	if p.log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return p.log
}

// truncate cuts s to n runes with an ellipsis.
func truncate(n int, s string) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// groupDigits writes 1234567 as 1,234,567.
func groupDigits(n int64) string {
	s := fmt.Sprint(int64(math.Abs(float64(n))))
	var b strings.Builder
	if n < 0 {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
