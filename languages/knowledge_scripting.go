package languages

// scriptingLanguages are dynamic, usually interpreted languages, from general
// purpose ones to shells and numeric environments.
var scriptingLanguages = []Language{
	{
		Name: "Python", LineComment: "#", BlockComment: [2]string{`"""`, `"""`},
		TestPatterns: []string{"**/test_*.py", "**/*_test.py", "**/tests/**/*.py", "**/conftest.py"},
		ReviewChecks: []string{
			"mutable default arguments",
			"bare or broad except that swallows errors",
			"SQL or shell commands built with string formatting (injection)",
			"files and connections opened without a with block",
			"blocking calls inside async def",
			"public functions without type hints, or hints that do not match",
		},
	},
	{
		Name: "Ruby", LineComment: "#", BlockComment: [2]string{"=begin", "=end"},
		TestPatterns: []string{"**/*_spec.rb", "**/*_test.rb", "**/test_*.rb", "**/spec/**/*.rb", "**/test/**/*.rb"},
		ReviewChecks: []string{
			"N+1 queries (missing includes or preload)",
			"mass assignment without strong parameters",
			"SQL interpolated into where or find_by_sql",
			"NoMethodError on nil from chained calls",
			"monkey patches on core classes",
			"callbacks hiding side effects",
		},
	},
	{
		Name: "Perl", LineComment: "#", BlockComment: [2]string{"=pod", "=cut"},
		TestPatterns: []string{"**/t/**/*.t", "**/*.t"},
		ReviewChecks: []string{
			"missing use strict and use warnings",
			"two-argument open, and open or close results unchecked",
			"list versus scalar context bugs",
			"untrusted input in regexes, system or backticks",
			"global variables such as $_ clobbered by nested calls",
		},
	},
	{
		Name: "Raku", LineComment: "#", BlockComment: [2]string{"#`(", ")"},
		TestPatterns: []string{"**/t/**/*.rakutest", "**/t/**/*.t", "**/*.rakutest"},
		ReviewChecks: []string{
			"Failures left unhandled until they explode far from their cause",
			"containers versus values: unintended itemisation of lists",
			"start blocks and promises whose results are never awaited",
			"untrusted input in EVAL or shell",
		},
	},
	{
		Name: "Lua", LineComment: "--", BlockComment: [2]string{"--[[", "]]"},
		TestPatterns: []string{"**/*_spec.lua", "**/spec/**/*.lua", "**/test_*.lua", "**/tests/**/*.lua"},
		ReviewChecks: []string{
			"accidental globals from a missing local",
			"off-by-one errors from 1-based indexing",
			"# on tables with holes",
			"nil versus false in conditions",
			"string concatenation in loops instead of table.concat",
		},
	},
	{
		Name: "Shell", LineComment: "#",
		TestPatterns: []string{"**/*.bats", "**/test/**/*.sh", "**/tests/**/*.sh", "**/*_test.sh"},
		ReviewChecks: []string{
			"unquoted expansions split into words and globbed",
			"no set -euo pipefail, or exit codes left unchecked",
			"eval or untrusted input inside commands",
			"cd without handling its failure",
			"bashisms in scripts run by /bin/sh",
			"predictable temporary file names instead of mktemp",
		},
	},
	{
		Name: "PowerShell", LineComment: "#", BlockComment: [2]string{"<#", "#>"},
		TestPatterns: []string{"**/*.Tests.ps1"},
		ReviewChecks: []string{
			"non-terminating errors ignored (no -ErrorAction Stop)",
			"Invoke-Expression on untrusted input",
			"credentials as plain strings instead of PSCredential or SecureString",
			"aliases (%, ?, ls) in scripts instead of full cmdlet names",
			"functions returning stray pipeline output from unassigned expressions",
		},
	},
	{
		Name: "R", LineComment: "#",
		TestPatterns: []string{"**/tests/**/*.R", "**/tests/**/*.r"},
		ReviewChecks: []string{
			"1:length(x) on empty vectors instead of seq_along",
			"T and F instead of TRUE and FALSE",
			"vectors grown inside loops",
			"sapply returning different types by input (prefer vapply)",
			"factor and character conversion surprises",
		},
	},
	{
		Name: "Julia", LineComment: "#", BlockComment: [2]string{"#=", "=#"},
		TestPatterns: []string{"**/test/**/*.jl"},
		ReviewChecks: []string{
			"type-unstable functions on hot paths",
			"non-constant globals used in performance-sensitive code",
			"1:length(a) instead of eachindex on arrays that may be offset",
			"type piracy: methods added to types and functions the package does not own",
			"@inbounds on indexes that are not proven in range",
		},
	},
	{
		Name: "Tcl", LineComment: "#",
		TestPatterns: []string{"**/*.test", "**/tests/**/*.tcl"},
		ReviewChecks: []string{
			"unbraced expr arguments (double substitution and injection)",
			"eval or subst on untrusted strings",
			"strings and lists confused when quoting",
			"catch without looking at the result",
		},
	},
	{
		Name: "Cython", LineComment: "#",
		TestPatterns: []string{"**/test_*.pyx", "**/tests/**/*.pyx"},
		ReviewChecks: []string{
			"boundscheck or wraparound disabled over unchecked indexes",
			"Python objects touched inside nogil sections",
			"malloc'd memory not freed on every path",
			"C integer overflow in typed variables",
		},
	},
	{
		Name: "Vim Script", LineComment: `"`,
		TestPatterns: []string{"**/test/**/*.vim", "**/test_*.vim"},
		ReviewChecks: []string{
			"functions without abort",
			"variables without a g:, s: or l: scope",
			"autocmds outside an augroup cleared with autocmd!",
			"== whose case sensitivity depends on 'ignorecase' (use ==# or ==?)",
		},
	},
	{
		Name: "MATLAB", LineComment: "%", BlockComment: [2]string{"%{", "%}"},
		TestPatterns: []string{"**/*Test.m", "**/tests/**/*.m"},
		ReviewChecks: []string{
			"arrays grown inside loops without preallocation",
			"i or j shadowing the imaginary unit",
			"* and .* (matrix versus element-wise) confused",
			"eval and evalin",
			"global variables",
		},
	},
}
