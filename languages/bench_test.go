package languages

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// benchInputs pairs each benchmarked language with its input. Go reads a
// real file from the Go distribution; the others repeat this package's
// sample file up to benchSize, which keeps the token mix of real code but
// not the shape of one large file (see docs/benchmarks/languages.md).
var benchInputs = []struct{ language, file string }{
	{"Python", "store.py"}, {"JavaScript", "app.js"}, {"TypeScript", "cache.ts"}, {"TSX", "Panel.tsx"},
	{"Java", "Store.java"}, {"C", "buf.c"}, {"C++", "cache.cpp"}, {"C#", "Cache.cs"}, {"Ruby", "store.rb"},
	{"Rust", "cache.rs"}, {"PHP", "Cache.php"}, {"Kotlin", "Cache.kt"}, {"Swift", "Cache.swift"},
	{"Scala", "Cache.scala"}, {"Shell", "deploy.sh"},
	{"Lua", "cache.lua"}, {"Perl", "Store.pm"}, {"Dart", "cache.dart"}, {"Elixir", "store.ex"},
}

const benchSize = 64 << 10

func BenchmarkExtract(b *testing.B) {
	goSrc, err := os.ReadFile(filepath.Join(runtime.GOROOT(), "src", "net", "http", "server.go"))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("Go", func(b *testing.B) { benchExtract(b, "Go", goSrc) })
	for _, in := range benchInputs {
		sample, err := os.ReadFile(filepath.Join("testdata", "symbols", in.file))
		if err != nil {
			b.Fatal(err)
		}
		src := bytes.Repeat(sample, benchSize/len(sample)+1)
		b.Run(in.language, func(b *testing.B) { benchExtract(b, in.language, src) })
	}
}

func benchExtract(b *testing.B, language string, src []byte) {
	// Compile the query outside the timed loop: it happens once per process.
	if _, err := Extract(language, "bench", src); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Extract(language, "bench", src); err != nil {
			b.Fatal(err)
		}
	}
}
