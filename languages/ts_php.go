package languages

import (
	"github.com/smacker/go-tree-sitter/php"
)

func init() { registerTreeSitter(phpLanguage) }

// phpInclude matches require/include with a literal path, alone or after
// a __DIR__ . prefix.
const phpInclude = `
([(require_expression (string) @import) (require_once_expression (string) @import)
  (include_expression (string) @import) (include_once_expression (string) @import)])
([(require_expression (binary_expression right: (string) @import))
  (require_once_expression (binary_expression right: (string) @import))
  (include_expression (binary_expression right: (string) @import))
  (include_once_expression (binary_expression right: (string) @import))])
`

var phpLanguage = &tsLanguage{
	name:    "PHP",
	grammar: php.GetLanguage,
	query: phpInclude + `
(namespace_definition name: (namespace_name) @package) @skiptree
(namespace_use_declaration) @skiptree
(namespace_use_clause [(qualified_name) (name)] @import)
(namespace_use_clause [(qualified_name) (name)] @import (namespace_aliasing_clause (name) @alias))

(function_definition name: (name) @name body: (_) @body) @def.function
(method_declaration name: (name) @name body: (_)? @body) @def.function
(class_declaration name: (name) @name body: (_) @body) @def.class
(trait_declaration name: (name) @name body: (_) @body) @def.class
(interface_declaration name: (name) @name body: (_) @body) @def.interface
(enum_declaration name: (name) @name body: (_) @body) @def.type
(enum_case name: (name) @name) @def.constant
(const_declaration (const_element (name) @name)) @def.constant
(property_declaration (property_element (variable_name (name) @name))) @def.variable

(member_call_expression object: (_) @qualifier name: (name) @ref)
(nullsafe_member_call_expression object: (_) @qualifier name: (name) @ref)
(member_access_expression object: (_) @qualifier name: (name) @ref)
(scoped_call_expression scope: (_) @qualifier name: (name) @ref)
(name) @ref

(simple_parameter name: (variable_name (name) @skip))
(variadic_parameter name: (variable_name (name) @skip))
(property_promotion_parameter name: (variable_name (name) @skip))
`,
	containers: map[string]tsContainer{
		"class_declaration":     {field: "name"},
		"trait_declaration":     {field: "name"},
		"interface_declaration": {field: "name"},
		"enum_declaration":      {field: "name"},
	},
	scopes:   []string{"function_definition", "method_declaration", "anonymous_function_creation_expression", "arrow_function"},
	exported: phpExported,
}

// phpExported: members are public unless marked private; protected ones are
// part of the API subclasses see.
func phpExported(s tsSite) bool {
	return !hasModifier(s.node, s.src, "private")
}
