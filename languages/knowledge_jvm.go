package languages

// jvmLanguages compile to the Java virtual machine, plus Salesforce's
// Java-like Apex.
var jvmLanguages = []Language{
	{
		Name: "Java", LineComment: "//", BlockComment: slashStar,
		TestPatterns: []string{"**/src/test/**/*.java", "**/*Test.java", "**/*Tests.java", "**/*IT.java"},
		ReviewChecks: []string{
			"resources not closed (use try-with-resources)",
			"== on strings or boxed values, and equals without hashCode",
			"NullPointerException risks and Optional misuse",
			"shared mutable state (HashMap, SimpleDateFormat) used across threads",
			"swallowed exceptions and catch (Exception)",
			"SQL concatenated instead of PreparedStatement parameters",
		},
	},
	{
		Name: "Kotlin", LineComment: "//", BlockComment: slashStar,
		TestPatterns: []string{"**/src/test/**/*.kt", "**/src/androidTest/**/*.kt", "**/*Test.kt", "**/*Tests.kt"},
		ReviewChecks: []string{
			"!! non-null assertions",
			"GlobalScope and coroutines outside a structured, cancellable scope",
			"blocking calls on Dispatchers.Main or inside suspend functions",
			"Java platform types treated as non-null",
			"lateinit properties read before initialisation",
		},
	},
	{
		Name: "Scala", LineComment: "//", BlockComment: slashStar,
		TestPatterns: []string{"**/src/test/**/*.scala", "**/*Spec.scala", "**/*Test.scala", "**/*Suite.scala"},
		ReviewChecks: []string{
			"Option.get, head and other partial functions",
			"blocking (Await.result) inside Futures or effects",
			"implicits or givens in scope changing behaviour unexpectedly",
			"non-exhaustive pattern matches",
			"mutable collections shared between threads",
			"null from Java APIs not wrapped in Option",
		},
	},
	{
		Name: "Groovy", LineComment: "//", BlockComment: slashStar,
		TestPatterns: []string{"**/src/test/**/*.groovy", "**/*Spec.groovy", "**/*Test.groovy"},
		ReviewChecks: []string{
			"dynamic typing hiding missing methods until run time (consider @CompileStatic)",
			"GString versus String in map keys and equality",
			"Groovy truth: empty collections, 0 and \"\" are false",
			"secrets interpolated into sh steps of Jenkins pipelines",
		},
	},
	{
		Name: "Clojure", LineComment: ";",
		TestPatterns: []string{"**/test/**/*.clj", "**/*_test.clj", "**/*_test.cljs", "**/*_test.cljc"},
		ReviewChecks: []string{
			"lazy sequences realised outside with-open or binding scope",
			"side effects inside lazy map or for that are never realised",
			"side-effecting functions passed to swap!, which may retry",
			"reflection warnings (missing type hints) on hot paths",
			"nil punning that hides missing keys",
		},
	},
	{
		Name: "Apex", LineComment: "//", BlockComment: slashStar,
		TestPatterns: []string{"**/*Test.cls", "**/*_Test.cls", "**/*Tests.cls"},
		ReviewChecks: []string{
			"SOQL or DML inside loops (governor limits)",
			"missing with sharing and CRUD/FLS checks",
			"dynamic SOQL without bind variables or escapeSingleQuotes",
			"hard-coded record IDs",
			"tests relying on org data (SeeAllData=true)",
		},
	},
}
