package languages

import (
	"github.com/smacker/go-tree-sitter/kotlin"
)

func init() { registerTreeSitter(kotlinLanguage) }

// kotlinProperty matches a property's name; properties are captured only at
// file and class level, since the grammar uses the same node for locals.
const kotlinProperty = `(property_declaration (variable_declaration (simple_identifier) @name))`

// The Kotlin grammar has few field names, so patterns match by position.
var kotlinLanguage = &tsLanguage{
	name:    "Kotlin",
	grammar: kotlin.GetLanguage,
	query: `
(package_header (identifier) @package) @skiptree
(import_header (identifier) @import) @skiptree
(import_header (identifier) @import (import_alias (type_identifier) @alias))

(class_declaration (type_identifier) @name [(class_body) (enum_class_body)]? @body) @def.class
((class_declaration "interface" (type_identifier) @name (class_body)? @body) @def.interface)
(object_declaration (type_identifier) @name (class_body)? @body) @def.class
(function_declaration (simple_identifier) @name (function_body)? @body) @def.function
(type_alias (type_identifier) @name) @def.type
(enum_entry (simple_identifier) @name) @def.constant
(source_file ` + kotlinProperty + ` @def.variable)
(class_body ` + kotlinProperty + ` @def.variable)
((source_file (property_declaration (modifiers) @_const (variable_declaration (simple_identifier) @name)) @def.constant)
  (#match? @_const "const"))
((class_body (property_declaration (modifiers) @_const (variable_declaration (simple_identifier) @name)) @def.constant)
  (#match? @_const "const"))

(navigation_expression . (_) @qualifier (navigation_suffix (simple_identifier) @ref))
(simple_identifier) @ref
(type_identifier) @ref

(parameter (simple_identifier) @skip)
(class_parameter (simple_identifier) @skip)
(variable_declaration (simple_identifier) @skip)
(type_parameter (type_identifier) @skip)
`,
	containers: map[string]tsContainer{
		"class_declaration":  {},
		"object_declaration": {},
	},
	scopes:   []string{"function_declaration", "lambda_literal", "anonymous_function"},
	exported: kotlinExported,
}

// kotlinExported: declarations are public by default; private and internal
// (module-wide) are not part of the API.
func kotlinExported(s tsSite) bool {
	return !hasModifier(s.node, s.src, "private", "internal")
}
