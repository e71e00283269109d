package languages

import (
	"github.com/smacker/go-tree-sitter/bash"
)

func init() { registerTreeSitter(shellLanguage) }

// Linguist's "Shell" covers sh, bash and zsh; the bash grammar reads the
// common subset. Commands count as references: a call to a function and to
// a program look the same.
var shellLanguage = &tsLanguage{
	name:    "Shell",
	grammar: bash.GetLanguage,
	query: `
(function_definition name: (word) @name body: (_) @body) @def.function
(program (variable_assignment name: (variable_name) @name) @def.variable)
(program (declaration_command (variable_assignment name: (variable_name) @name)) @def.variable)
((command name: (command_name (word) @_source) argument: (_) @import)
  (#match? @_source "^(source|\\.)$"))

(command name: (command_name (word) @ref))
((simple_expansion (variable_name) @ref) (#not-match? @ref "^[0-9]"))
((expansion (variable_name) @ref) (#not-match? @ref "^[0-9]"))
`,
	scopes: []string{"function_definition"},
}
