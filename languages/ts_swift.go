package languages

import (
	"github.com/smacker/go-tree-sitter/swift"
)

func init() { registerTreeSitter(swiftLanguage) }

// swiftProperty matches a stored property's name, at file or type level
// only: the grammar uses the same node for locals.
const swiftProperty = `(property_declaration name: (pattern bound_identifier: (simple_identifier) @name))`

// Patterns name one child each and leave the body to the driver's
// "body" field lookup: Swift's grammar has so many parse states that a
// pattern with two fields of function_declaration takes half a minute to
// compile.
//
// The grammar spells class, struct, enum and extension all as
// class_declaration; an extension names a user_type rather than a
// type_identifier, so it is a container but not a definition.
var swiftLanguage = &tsLanguage{
	name:    "Swift",
	grammar: swift.GetLanguage,
	query: `
(import_declaration (identifier) @import) @skiptree

(class_declaration name: (type_identifier) @name) @def.class
(protocol_declaration name: (type_identifier) @name) @def.interface
(function_declaration name: (simple_identifier) @name) @def.function
(protocol_function_declaration name: (simple_identifier) @name) @def.function
(init_declaration "init" @name) @def.function
(typealias_declaration name: (type_identifier) @name) @def.type
(enum_entry name: (simple_identifier) @name) @def.constant
(source_file ` + swiftProperty + ` @def.variable)
(class_body ` + swiftProperty + ` @def.variable)
((source_file (property_declaration (value_binding_pattern) @_let
    name: (pattern bound_identifier: (simple_identifier) @name)) @def.constant)
  (#eq? @_let "let"))

(navigation_expression target: (_) @qualifier suffix: (navigation_suffix suffix: (simple_identifier) @ref))
(simple_identifier) @ref
(type_identifier) @ref

(parameter name: (simple_identifier) @skip)
(parameter external_name: (simple_identifier) @skip)
(pattern bound_identifier: (simple_identifier) @skip)
(value_argument_label (simple_identifier) @skip)
(type_parameter (type_identifier) @skip)
`,
	containers: map[string]tsContainer{
		"class_declaration":    {field: "name"},
		"protocol_declaration": {field: "name"},
	},
	scopes:   []string{"function_declaration", "init_declaration", "lambda_literal"},
	exported: swiftExported,
}

// swiftExported: the default access level, internal, is visible across the
// module; private and fileprivate are not.
func swiftExported(s tsSite) bool {
	return !hasModifier(s.node, s.src, "private", "fileprivate")
}
