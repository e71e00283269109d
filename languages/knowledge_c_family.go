package languages

// slashStar is the C block comment, shared by most of the languages below.
var slashStar = [2]string{"/*", "*/"}

// cFamilyLanguages are the compiled, brace-delimited systems and application
// languages descended from C.
var cFamilyLanguages = []Language{
	{
		Name: "C", LineComment: "//", BlockComment: slashStar,
		TestPatterns: []string{"**/test/**/*.c", "**/tests/**/*.c", "**/*_test.c", "**/test_*.c"},
		ReviewChecks: []string{
			"buffer overflows: unchecked lengths in memcpy, strcpy, sprintf and array indexing",
			"memory leaks and double frees on every error path",
			"use after free and pointers to stack memory that outlive it",
			"integer overflow and signed/unsigned mixing in size arithmetic",
			"unchecked return values of malloc, read, write and other system calls",
			"undefined behaviour: uninitialised reads, strict aliasing, oversized shifts",
		},
	},
	{
		Name: "C++", LineComment: "//", BlockComment: slashStar,
		TestPatterns: []string{
			"**/*_test.cc", "**/*_test.cpp", "**/*_unittest.cc", "**/*Test.cpp",
			"**/test/**/*.cpp", "**/tests/**/*.cpp", "**/test/**/*.cc", "**/tests/**/*.cc",
		},
		ReviewChecks: []string{
			"raw new/delete where RAII or smart pointers belong",
			"dangling references, and iterators invalidated by container mutation",
			"missing virtual destructor in a polymorphic base class",
			"copies of large objects where const& or std::move was meant",
			"exception safety: resources leaked when a constructor or call throws",
			"data races on shared state without a mutex or atomics",
		},
	},
	{
		Name: "Objective-C", LineComment: "//", BlockComment: slashStar,
		TestPatterns: []string{"**/*Tests.m", "**/*Test.m", "**/*Tests/**/*.m"},
		ReviewChecks: []string{
			"retain cycles through blocks that capture self strongly",
			"messages to nil silently returning zero and hiding bugs",
			"UI work off the main thread",
			"NSError out-parameters ignored",
			"missing nullability annotations in public headers",
		},
	},
	{
		Name: "C#", LineComment: "//", BlockComment: slashStar,
		TestPatterns: []string{"**/*Tests.cs", "**/*Test.cs", "**/*.Tests/**/*.cs", "**/*.Test/**/*.cs"},
		ReviewChecks: []string{
			"async void methods, and .Result or .Wait() blocking into deadlocks",
			"IDisposable objects not disposed (missing using)",
			"null dereferences hidden by disabled nullable annotations or the ! operator",
			"LINQ queries enumerated several times or on hot paths",
			"catch (Exception) that swallows errors",
			"SQL built from strings instead of parameters",
		},
	},
	{
		Name: "Go", LineComment: "//", BlockComment: slashStar,
		TestPatterns: []string{"**/*_test.go"},
		ReviewChecks: []string{
			"errors ignored, or returned without context and %w wrapping",
			"goroutine leaks and missing context cancellation or timeouts",
			"defer inside loops holding resources until the function returns",
			"writes to nil maps and nil pointer dereferences",
			"data races on maps and slices shared between goroutines",
			"unbounded reads of untrusted input (no io.LimitReader or size check)",
		},
	},
	{
		Name: "Rust", LineComment: "//", BlockComment: slashStar,
		// Unit tests live inline under #[cfg(test)]; only integration
		// tests can be told by path.
		TestPatterns: []string{"**/tests/**/*.rs", "**/*_test.rs", "**/test_*.rs"},
		ReviewChecks: []string{
			"unwrap or expect on fallible values in library code",
			"unsafe blocks without a SAFETY comment stating the invariants",
			"needless clone and allocation on hot paths",
			"blocking calls inside async functions",
			"Mutex guards held across .await",
			"integer overflow that wraps silently in release builds",
		},
	},
	{
		Name: "Zig", LineComment: "//",
		TestPatterns: []string{"**/test/**/*.zig", "**/tests/**/*.zig", "**/*_test.zig"},
		ReviewChecks: []string{
			"allocations without a matching defer or errdefer free",
			"errors discarded with catch unreachable",
			"undefined memory read before it is set",
			"unchecked @intCast and arithmetic that should use wrapping or saturating operators",
			"slices that outlive the buffer they point into",
		},
	},
	{
		Name: "D", LineComment: "//", BlockComment: slashStar,
		TestPatterns: []string{"**/test/**/*.d", "**/tests/**/*.d"},
		ReviewChecks: []string{
			"GC allocations in @nogc or hot code",
			"@trusted functions that are not actually memory safe",
			"shared data accessed without synchronisation",
			"exceptions escaping nothrow boundaries",
		},
	},
	{
		Name: "Swift", LineComment: "//", BlockComment: slashStar,
		TestPatterns: []string{"**/*Tests.swift", "**/*Test.swift", "**/Tests/**/*.swift"},
		ReviewChecks: []string{
			"force unwraps (!) and try! that crash on unexpected nil or errors",
			"retain cycles in closures missing [weak self]",
			"UI updates off the main actor",
			"@unchecked Sendable and other escapes from data-race checking",
			"shared mutation through class instances where value semantics were assumed",
		},
	},
	{
		Name: "Dart", LineComment: "//", BlockComment: slashStar,
		TestPatterns: []string{"**/*_test.dart", "**/test/**/*.dart"},
		ReviewChecks: []string{
			"Futures not awaited, losing their errors",
			"the ! null assertion used to silence null safety",
			"BuildContext used across async gaps, or setState after dispose",
			"StreamSubscriptions and controllers never cancelled or closed",
			"expensive work inside build methods",
		},
	},
	{
		Name: "Cuda", LineComment: "//", BlockComment: slashStar,
		TestPatterns: []string{"**/*_test.cu", "**/test/**/*.cu", "**/tests/**/*.cu"},
		ReviewChecks: []string{
			"unchecked errors from cudaMalloc, cudaMemcpy and kernel launches",
			"races from a missing __syncthreads between shared-memory phases",
			"out-of-bounds thread indexes when sizes are not a multiple of the block",
			"uncoalesced global memory access",
			"device memory leaked on error paths",
		},
	},
}
