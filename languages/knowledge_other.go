package languages

// Reviewer checklists shared by sibling languages.
var (
	fortranChecks = []string{
		"missing implicit none",
		"loops that walk arrays in row order (Fortran is column-major)",
		"dummy arguments without intent",
		"single-precision literals (1.0 rather than 1.0d0 or _dp) in double-precision code",
		"COMMON blocks and SAVE holding global state",
	}
	hdlChecks = []string{
		"blocking assignments in clocked blocks, or non-blocking in combinational ones",
		"latches inferred from a signal not assigned on every path",
		"incomplete sensitivity lists (use always @* or always_comb)",
		"clock-domain crossings without synchronisers",
		"width mismatches truncating silently",
		"one signal driven from several blocks",
	}
)

// otherLanguages are the rest: databases, hardware description,
// infrastructure, smart contracts and older or smaller general-purpose
// languages.
var otherLanguages = []Language{
	{
		// Linguist files plain SQL under "data", but migrations deserve review.
		Name: "SQL", LineComment: "--", BlockComment: slashStar,
		TestPatterns: []string{"**/test/**/*.sql", "**/tests/**/*.sql"},
		ReviewChecks: []string{
			"migrations that lock or rewrite big tables (an index built without CONCURRENTLY, a column type change)",
			"destructive migrations with no way back",
			"new foreign keys and filter columns without indexes",
			"SELECT * and reliance on column order",
			"NULL semantics in comparisons and NOT IN",
		},
	},
	{
		Name: "PLpgSQL", LineComment: "--", BlockComment: slashStar,
		TestPatterns: []string{"**/test/**/*.sql", "**/tests/**/*.sql", "**/*_test.sql"},
		ReviewChecks: []string{
			"EXECUTE with concatenated input (use format with %I and %L, or USING)",
			"SECURITY DEFINER functions without a fixed search_path",
			"WHEN OTHERS handlers that swallow errors",
			"row-by-row loops where one set-based statement works",
		},
	},
	{
		Name: "TSQL", LineComment: "--", BlockComment: slashStar,
		TestPatterns: []string{"**/test/**/*.sql", "**/tests/**/*.sql"},
		ReviewChecks: []string{
			"dynamic SQL via EXEC and concatenation instead of sp_executesql parameters",
			"procedures without SET NOCOUNT ON and SET XACT_ABORT ON",
			"cursors where set-based logic works",
			"NOLOCK hints reading uncommitted data",
			"implicit conversions that defeat indexes",
		},
	},
	{
		Name: "PLSQL", LineComment: "--", BlockComment: slashStar,
		TestPatterns: []string{"**/test/**/*.sql", "**/test/**/*.pks", "**/test/**/*.pkb", "**/test_*.pks", "**/test_*.pkb"},
		ReviewChecks: []string{
			"EXECUTE IMMEDIATE with concatenated input instead of bind variables",
			"WHEN OTHERS THEN NULL",
			"row-by-row processing where BULK COLLECT or FORALL fits",
			"COMMIT inside procedures that callers run in their own transaction",
		},
	},
	{
		Name: "Solidity", LineComment: "//", BlockComment: slashStar,
		TestPatterns: []string{"**/*.t.sol", "**/test/**/*.sol"},
		ReviewChecks: []string{
			"reentrancy: external calls before state updates (checks-effects-interactions)",
			"privileged functions without access control",
			"return values of low-level call, send and token transfers unchecked",
			"tx.origin used for authorisation",
			"rounding and precision loss in token arithmetic, and unchecked blocks",
			"loops over unbounded storage arrays (gas limit)",
		},
	},
	{
		Name: "Verilog", LineComment: "//", BlockComment: slashStar,
		TestPatterns: []string{"**/*_tb.v", "**/tb_*.v", "**/tb/**/*.v", "**/test/**/*.v"},
		ReviewChecks: hdlChecks,
	},
	{
		Name: "SystemVerilog", LineComment: "//", BlockComment: slashStar,
		TestPatterns: []string{"**/*_tb.sv", "**/tb_*.sv", "**/tb/**/*.sv", "**/test/**/*.sv"},
		ReviewChecks: hdlChecks,
	},
	{
		Name: "VHDL", LineComment: "--", BlockComment: slashStar,
		TestPatterns: []string{"**/*_tb.vhd", "**/tb_*.vhd", "**/*_tb.vhdl", "**/tb/**/*.vhd"},
		ReviewChecks: []string{
			"incomplete sensitivity lists in combinational processes",
			"latches from signals not assigned on every path",
			"std_logic_arith mixed with numeric_std",
			"clock-domain crossings without synchronisers",
			"signal versus variable update timing inside processes",
		},
	},
	{
		Name: "HCL", LineComment: "#", BlockComment: slashStar,
		TestPatterns: []string{"**/*.tftest.hcl", "**/tests/**/*.hcl"},
		ReviewChecks: []string{
			"secrets in variables, defaults or outputs not marked sensitive",
			"security groups or firewalls open to 0.0.0.0/0",
			"providers and modules without pinned versions",
			"changed attributes that force resources to be destroyed and recreated",
			"count indexes shifting and recreating resources where for_each is stable",
			"public buckets and unencrypted storage",
		},
	},
	{
		Name: "Nix", LineComment: "#", BlockComment: slashStar,
		TestPatterns: []string{"**/tests/**/*.nix", "**/test/**/*.nix"},
		ReviewChecks: []string{
			"fetches without a hash, and impure builtins",
			"import <nixpkgs> from channels instead of pinned inputs",
			"with expressions obscuring where names come from",
			"import from derivation slowing evaluation",
		},
	},
	{
		Name: "Fortran", LineComment: "!",
		TestPatterns: []string{"**/test/**/*.f", "**/tests/**/*.f"},
		ReviewChecks: fortranChecks,
	},
	{
		Name: "Fortran Free Form", LineComment: "!",
		TestPatterns: []string{"**/test/**/*.f90", "**/tests/**/*.f90", "**/test_*.f90"},
		ReviewChecks: fortranChecks,
	},
	{
		Name: "Ada", LineComment: "--",
		TestPatterns: []string{"**/tests/**/*.adb", "**/tests/**/*.ads", "**/test_*.adb"},
		ReviewChecks: []string{
			"Unchecked_Conversion and Unchecked_Deallocation",
			"pragma Suppress of checks, and when others => null",
			"subtypes without the range constraints the domain has",
			"variables shared between tasks outside protected objects",
		},
	},
	{
		Name: "Pascal", LineComment: "//", BlockComment: [2]string{"{", "}"},
		TestPatterns: []string{"**/test/**/*.pas", "**/tests/**/*.pas", "**/*Tests.pas"},
		ReviewChecks: []string{
			"objects created without try..finally Free",
			"range and overflow checks switched off ({$R-}, {$Q-})",
			"with statements obscuring which object a name belongs to",
			"function Result left unassigned on some paths",
		},
	},
	{
		Name: "Visual Basic .NET", LineComment: "'",
		TestPatterns: []string{"**/*Tests.vb", "**/*Test.vb"},
		ReviewChecks: []string{
			"Option Strict Off allowing late binding and implicit conversions",
			"On Error Resume Next",
			"IDisposable objects without Using",
			"SQL concatenated instead of parameters",
			"= Nothing where Is Nothing is meant",
		},
	},
	{
		Name: "Nim", LineComment: "#", BlockComment: [2]string{"#[", "]#"},
		TestPatterns: []string{"**/tests/**/*.nim", "**/test_*.nim"},
		ReviewChecks: []string{
			"ptr, addr and cast bypassing memory safety",
			"procs that raise without a {.raises.} annotation",
			"globals touched from threads without GC safety",
			"discard hiding results that matter",
		},
	},
	{
		Name: "Crystal", LineComment: "#",
		TestPatterns: []string{"**/spec/**/*_spec.cr"},
		ReviewChecks: []string{
			"not_nil! and .as() on values that can be nil",
			"fibers sharing mutable state without channels or a mutex",
			"union types widened by accident",
			"Pointer and other unsafe code",
		},
	},
	{
		Name: "Starlark", LineComment: "#",
		TestPatterns: []string{"**/*_test.bzl", "**/tests/**/*.bzl"},
		ReviewChecks: []string{
			"non-hermetic rules reading the environment or absolute paths",
			"globs pulling in files nobody meant",
			"//visibility:public where narrower visibility works",
			"http_archive without sha256 or integrity",
			"select() without a default condition",
		},
	},
	{
		Name: "Jsonnet", LineComment: "//", BlockComment: slashStar,
		TestPatterns: []string{"**/*_test.jsonnet", "**/tests/**/*.jsonnet"},
		ReviewChecks: []string{
			": versus +: replacing a whole object instead of merging",
			"hidden (::) versus visible fields",
			"self versus $ in nested objects",
			"std.extVar without a default",
		},
	},
	{
		Name: "Prolog", LineComment: "%", BlockComment: slashStar,
		TestPatterns: []string{"**/*.plt", "**/tests/**/*.pl"},
		ReviewChecks: []string{
			"missing or misplaced cuts causing unintended backtracking",
			"choice points left open on deterministic predicates",
			"left recursion that never terminates",
			"global state through assert and retract",
			"= (unification) where == or =:= is meant",
		},
	},
	{
		// Smalltalk has only "double-quoted" comments.
		Name: "Smalltalk", BlockComment: [2]string{`"`, `"`},
		TestPatterns: []string{"**/*Test.st", "**/*Tests/**/*.st"},
		ReviewChecks: []string{
			"messages to nil that will end in doesNotUnderstand:",
			"= overridden without hash",
			"resources released without ensure:",
			"class-side state shared by every instance",
		},
	},
	{
		Name: "Lean", LineComment: "--", BlockComment: [2]string{"/-", "-/"},
		TestPatterns: []string{"**/test/**/*.lean", "**/tests/**/*.lean"},
		ReviewChecks: []string{
			"sorry left in proofs",
			"new axioms and unsafe or partial definitions",
			"simp lemmas that loop",
			"decide or native_decide on large goals",
		},
	},
	{
		Name: "Odin", LineComment: "//", BlockComment: slashStar,
		TestPatterns: []string{"**/tests/**/*.odin", "**/*_test.odin"},
		ReviewChecks: []string{
			"allocations without a matching defer delete or free",
			"context.temp_allocator memory kept past the temporary scope",
			"#no_bounds_check on unproven indexes",
			"errors dropped instead of handled or passed on with or_return",
		},
	},
	// The three build languages below have no test-file convention.
	{
		Name: "Dockerfile", LineComment: "#",
		ReviewChecks: []string{
			"base images on latest or without a pinned tag or digest",
			"containers running as root (no USER)",
			"secrets in ARG, ENV or copied into layers",
			"apt-get update and install in separate RUN layers, caches not cleaned",
			"ADD with remote URLs where COPY or a checked download fits",
		},
	},
	{
		Name: "Makefile", LineComment: "#",
		ReviewChecks: []string{
			"targets that are not files missing from .PHONY",
			"$(shell ...) run at parse time on every invocation",
			"unquoted variables in destructive recipes (rm -rf $(DIR)/)",
			"missing prerequisites making parallel builds flaky",
		},
	},
	{
		Name: "CMake", LineComment: "#", BlockComment: [2]string{"#[[", "]]"},
		ReviewChecks: []string{
			"directory-wide commands (include_directories, add_definitions) instead of target_* with PRIVATE or PUBLIC",
			"file(GLOB) for sources, missing new files until reconfigure",
			"hard-coded compiler flags and absolute paths",
			"a cmake_minimum_required so old that modern policies are off",
		},
	},
}
