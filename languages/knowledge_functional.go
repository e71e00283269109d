package languages

// Comment delimiters shared by the ML and Lisp families.
var (
	mlComment      = [2]string{"(*", "*)"}
	haskellComment = [2]string{"{-", "-}"}
	lispComment    = [2]string{"#|", "|#"}
)

// functionalLanguages are the ML, Haskell, BEAM and Lisp families.
var functionalLanguages = []Language{
	{
		Name: "Haskell", LineComment: "--", BlockComment: haskellComment,
		TestPatterns: []string{"**/test/**/*.hs", "**/*Spec.hs", "**/*Test.hs"},
		ReviewChecks: []string{
			"partial functions: head, fromJust, !!, read",
			"space leaks from lazy accumulators (foldl, lazy State or IORef)",
			"incomplete pattern matches",
			"String for large text instead of Text or ByteString",
			"orphan instances",
			"exceptions thrown from pure code",
		},
	},
	{
		Name: "OCaml", BlockComment: mlComment,
		TestPatterns: []string{"**/test/**/*.ml", "**/tests/**/*.ml", "**/*_test.ml"},
		ReviewChecks: []string{
			"partial functions (List.hd, Option.get, Hashtbl.find) that raise",
			"wildcard matches that will hide new variants",
			"polymorphic equality or compare on abstract, functional or cyclic values",
			"results thrown away with ignore or let _ =",
			"mutable state shared between Lwt or Eio fibers",
		},
	},
	{
		Name: "F#", LineComment: "//", BlockComment: mlComment,
		TestPatterns: []string{"**/*Tests.fs", "**/*Test.fs", "**/tests/**/*.fs"},
		ReviewChecks: []string{
			"incomplete pattern matches",
			"null from .NET APIs not wrapped in Option",
			"exceptions used for control flow where Result fits",
			"Async.RunSynchronously and .Result blocking threads",
			"mutable values captured in closures",
		},
	},
	{
		Name: "Elixir", LineComment: "#",
		TestPatterns: []string{"**/test/**/*_test.exs"},
		ReviewChecks: []string{
			"String.to_atom on external input (the atom table is never collected)",
			"a single GenServer becoming a bottleneck, or calls that time out",
			"{:error, _} results not handled in with or case",
			"Ecto N+1 queries and interpolated fragments",
			"processes started with spawn instead of under a supervisor",
		},
	},
	{
		Name: "Erlang", LineComment: "%",
		TestPatterns: []string{"**/test/**/*_SUITE.erl", "**/*_tests.erl", "**/test/**/*.erl"},
		ReviewChecks: []string{
			"processes without links or monitors leaking or dying silently",
			"unmatched messages growing a mailbox without bound",
			"list_to_atom on external input",
			"gen_server calls with infinity timeouts, and call cycles that deadlock",
			"catch-all clauses hiding unexpected messages",
		},
	},
	{
		Name: "Elm", LineComment: "--", BlockComment: haskellComment,
		TestPatterns: []string{"**/tests/**/*.elm"},
		ReviewChecks: []string{
			"Debug.log or Debug.todo left in",
			"models that can represent impossible states",
			"decoders that silently fall back to defaults on bad JSON",
			"port data used without validation",
		},
	},
	{
		Name: "Common Lisp", LineComment: ";", BlockComment: lispComment,
		TestPatterns: []string{"**/t/**/*.lisp", "**/test/**/*.lisp", "**/tests/**/*.lisp"},
		ReviewChecks: []string{
			"special variables without *earmuffs*",
			"destructive operations (sort, nconc) on shared or literal lists",
			"handler-case that swallows conditions",
			"macros evaluating an argument twice or capturing variables",
			"eq on numbers or characters where eql is needed",
		},
	},
	{
		Name: "Scheme", LineComment: ";", BlockComment: lispComment,
		TestPatterns: []string{"**/test/**/*.scm", "**/tests/**/*.scm"},
		ReviewChecks: []string{
			"mutation of literal constants",
			"non-tail recursion over large inputs",
			"eq? on numbers or strings",
			"continuations escaping past dynamic-wind cleanup",
		},
	},
	{
		Name: "Racket", LineComment: ";", BlockComment: lispComment,
		TestPatterns: []string{"**/tests/**/*.rkt", "**/test/**/*.rkt", "**/*-test.rkt"},
		ReviewChecks: []string{
			"missing contracts on module boundaries",
			"non-tail recursion over large inputs",
			"mutable state (set!, boxes) shared between threads or places",
			"eq? where equal? is meant",
		},
	},
	{
		Name: "Emacs Lisp", LineComment: ";",
		TestPatterns: []string{"**/test/**/*.el", "**/*-test.el", "**/*-tests.el"},
		ReviewChecks: []string{
			"missing lexical-binding: t cookie",
			"global symbols without the package prefix",
			"hooks and advice added but never removed",
			"synchronous process calls blocking the editor",
		},
	},
	{
		Name: "PureScript", LineComment: "--", BlockComment: haskellComment,
		TestPatterns: []string{"**/test/**/*.purs"},
		ReviewChecks: []string{
			"unsafePartial, unsafeCoerce and other escapes from the type system",
			"foreign (FFI) JavaScript that does not match its declared type",
			"orphan instances",
			"Effect and Aff mixed so that errors are lost",
		},
	},
	{
		Name: "Gleam", LineComment: "//",
		TestPatterns: []string{"**/test/**/*_test.gleam"},
		ReviewChecks: []string{
			"let assert crashing on values that can really occur",
			"todo or panic left in",
			"external functions whose Gleam types do not match the target code",
			"errors turned into silent defaults with result.unwrap",
		},
	},
}
