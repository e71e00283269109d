package languages

// webLanguages run in or serve the browser: JavaScript and its typed and
// compiled relatives, and the PHP family.
var webLanguages = []Language{
	{
		Name: "JavaScript", LineComment: "//", BlockComment: slashStar,
		TestPatterns: []string{
			"**/*.test.js", "**/*.spec.js", "**/*.test.jsx", "**/*.spec.jsx",
			"**/*.test.mjs", "**/*.test.cjs", "**/__tests__/**/*.js", "**/__tests__/**/*.jsx",
			"**/test/**/*.js",
		},
		ReviewChecks: []string{
			"== instead of ===, and truthiness checks that treat 0 or \"\" as missing",
			"promises without await or .catch (unhandled rejections)",
			"XSS through innerHTML, dangerouslySetInnerHTML or unescaped templates",
			"prototype pollution when merging untrusted objects",
			"event listeners, intervals and subscriptions never removed",
			"arguments, props or shared state mutated in place",
		},
	},
	{
		Name: "TypeScript", LineComment: "//", BlockComment: slashStar,
		TestPatterns: []string{"**/*.test.ts", "**/*.spec.ts", "**/__tests__/**/*.ts", "**/test/**/*.ts"},
		ReviewChecks: []string{
			"any, as casts and ! assertions that bypass the type checker",
			"floating promises: missing await or .catch",
			"external data (JSON, API responses) trusted as typed without validation",
			"switches over unions with no exhaustiveness (never) check",
			"optional chaining that hides a null which is really a bug",
		},
	},
	{
		Name: "TSX", LineComment: "//", BlockComment: slashStar,
		TestPatterns: []string{"**/*.test.tsx", "**/*.spec.tsx", "**/__tests__/**/*.tsx"},
		ReviewChecks: []string{
			"useEffect with missing dependencies or no cleanup",
			"list items without stable keys",
			"dangerouslySetInnerHTML with untrusted content",
			"state updated from stale closures",
			"any and as casts around props",
		},
	},
	{
		Name: "CoffeeScript", LineComment: "#", BlockComment: [2]string{"###", "###"},
		TestPatterns: []string{"**/*.test.coffee", "**/*.spec.coffee", "**/test/**/*.coffee"},
		ReviewChecks: []string{
			"implicit returns leaking values, such as arrays built by a final loop",
			"-> versus => changing what this is bound to",
			"indentation changes moving a line into or out of a block",
			"assignment silently reusing an outer variable of the same name",
		},
	},
	{
		Name: "PHP", LineComment: "//", BlockComment: slashStar,
		TestPatterns: []string{"**/*Test.php", "**/tests/**/*.php"},
		ReviewChecks: []string{
			"SQL built by concatenation instead of prepared statements",
			"output not escaped (XSS) by htmlspecialchars or the template engine",
			"loose == comparisons between strings and numbers",
			"untrusted input reaching include, file paths or unserialize()",
			"missing declare(strict_types=1) and parameter or return types",
			"state-changing requests without CSRF protection",
		},
	},
	{
		Name: "Hack", LineComment: "//", BlockComment: slashStar,
		TestPatterns: []string{"**/*Test.hack", "**/*Test.php", "**/tests/**/*.hack"},
		ReviewChecks: []string{
			"HH_FIXME and other type-checker suppressions",
			"awaitables awaited one by one in loops instead of concurrently",
			"mixed and dynamic types spreading through public APIs",
			"XHP escaping bypassed with raw HTML",
		},
	},
}
