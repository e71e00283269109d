package languages

import (
	"github.com/smacker/go-tree-sitter/ruby"
)

func init() { registerTreeSitter(rubyLanguage) }

// Ruby modules hold methods that classes mix in, so they are class-like
// containers: def in a module is a method.
var rubyLanguage = &tsLanguage{
	name:    "Ruby",
	grammar: ruby.GetLanguage,
	query: `
((call method: (identifier) @_require arguments: (argument_list . (string (string_content) @import)))
  (#match? @_require "^(require|require_relative|load|autoload)$"))

(module name: (_) @name body: (_)? @body) @def.module
(class name: (_) @name body: (_)? @body) @def.class
(method name: (_) @name body: (_)? @body) @def.function
(singleton_method name: (_) @name body: (_)? @body) @def.function
(assignment left: (constant) @name) @def.constant

(call receiver: (_) @qualifier method: (identifier) @ref)
(scope_resolution scope: (_) @qualifier name: (constant) @ref)
(identifier) @ref
(constant) @ref

(method_parameters (identifier) @skip)
(lambda_parameters (identifier) @skip)
(block_parameters (identifier) @skip)
(optional_parameter name: (identifier) @skip)
(keyword_parameter name: (identifier) @skip)
(splat_parameter name: (identifier) @skip)
(hash_splat_parameter name: (identifier) @skip)
(block_parameter name: (identifier) @skip)
(assignment left: (identifier) @skip)
((identifier) @visibility (#match? @visibility "^(private|protected|public)$"))
`,
	containers: map[string]tsContainer{
		"class":  {field: "name"},
		"module": {field: "name"},
	},
	scopes: []string{"method", "singleton_method", "block", "do_block", "lambda"},
	// Methods after a bare private or protected line are hidden until a
	// public line.
	hidden: []string{"private", "protected"},
}
