package languages

import (
	"strings"

	"github.com/smacker/go-tree-sitter/python"
)

func init() { registerTreeSitter(pythonLanguage) }

var pythonLanguage = &tsLanguage{
	name:    "Python",
	grammar: python.GetLanguage,
	// A decorated definition starts at its first decorator; the bare
	// pattern after it then matches the same name and is dropped. The
	// strings of a module-level __all__ name what the module exports, so
	// each is a use of that name, as an identifier would be.
	query: `
(module (expression_statement (assignment left: (identifier) @name) @def.variable))
(class_definition body: (block (expression_statement (assignment left: (identifier) @name) @def.variable)))
((assignment left: (attribute object: (identifier) @_self attribute: (identifier) @name)) @def.attribute
  (#eq? @_self "self"))
(decorated_definition definition: (class_definition name: (identifier) @name body: (block) @body)) @def.class
(class_definition name: (identifier) @name body: (block) @body) @def.class
(decorated_definition definition: (function_definition name: (identifier) @name body: (block) @body)) @def.function
(function_definition name: (identifier) @name body: (block) @body) @def.function

(import_statement name: (dotted_name) @import)
(import_statement name: (aliased_import name: (dotted_name) @import alias: (identifier) @alias))
(import_from_statement module_name: (_) @import)
(import_statement name: (dotted_name (identifier) @skip))
(import_statement name: (aliased_import name: (dotted_name (identifier) @skip)))
(import_from_statement module_name: (dotted_name (identifier) @skip))
(import_from_statement module_name: (relative_import (dotted_name (identifier) @skip)))
(aliased_import alias: (identifier) @skip)

(attribute object: (_) @qualifier attribute: (identifier) @ref)
(identifier) @ref

(module (expression_statement (assignment left: (identifier) @_all
  right: [(list (string (string_content) @ref)) (tuple (string (string_content) @ref))]))
  (#eq? @_all "__all__"))
(module (expression_statement (augmented_assignment left: (identifier) @_all
  right: [(list (string (string_content) @ref)) (tuple (string (string_content) @ref))]))
  (#eq? @_all "__all__"))

(expression_statement . (string) @doc .)
(assignment left: (attribute attribute: (identifier) @write))
(assignment left: (identifier) @write)
(assignment left: (pattern_list (identifier) @write))
(assignment left: (tuple_pattern (identifier) @write))
(assignment left: (pattern_list (attribute attribute: (identifier) @write)))

(parameters (identifier) @skip)
(lambda_parameters (identifier) @skip)
(typed_parameter (identifier) @skip)
(default_parameter name: (identifier) @skip)
(typed_default_parameter name: (identifier) @skip)
(list_splat_pattern (identifier) @skip)
(dictionary_splat_pattern (identifier) @skip)
(keyword_argument name: (identifier) @skip)
`,
	containers: map[string]tsContainer{"class_definition": {field: "name"}},
	scopes:     []string{"function_definition", "lambda"},
	exported:   pythonExported,
}

// pythonExported follows the convention that a leading underscore marks a
// name private, while dunder names (__init__) are part of the protocol.
func pythonExported(s tsSite) bool {
	name := s.name
	return !strings.HasPrefix(name, "_") || strings.HasPrefix(name, "__") && strings.HasSuffix(name, "__")
}
