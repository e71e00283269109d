package languages

import (
	"github.com/smacker/go-tree-sitter/java"
)

func init() { registerTreeSitter(javaLanguage) }

var javaLanguage = &tsLanguage{
	name:    "Java",
	grammar: java.GetLanguage,
	query: `
(package_declaration (_) @package) @skiptree
(import_declaration [(scoped_identifier) (identifier)] @import) @skiptree

(class_declaration name: (identifier) @name body: (_) @body) @def.class
(record_declaration name: (identifier) @name body: (_) @body) @def.class
(interface_declaration name: (identifier) @name body: (_) @body) @def.interface
(annotation_type_declaration name: (identifier) @name body: (_) @body) @def.interface
(enum_declaration name: (identifier) @name body: (_) @body) @def.type
(enum_constant name: (identifier) @name) @def.constant
(method_declaration name: (identifier) @name body: (_)? @body) @def.function
(constructor_declaration name: (identifier) @name body: (_) @body) @def.function
(field_declaration declarator: (variable_declarator name: (identifier) @name)) @def.variable
((field_declaration (modifiers) @_mods declarator: (variable_declarator name: (identifier) @name)) @def.constant
  (#match? @_mods "static(.|\n)*final|final(.|\n)*static"))

(method_invocation object: (_) @qualifier name: (identifier) @ref)
(field_access object: (_) @qualifier field: (identifier) @ref)
(identifier) @ref
(type_identifier) @ref

(formal_parameter name: (identifier) @skip)
(spread_parameter (variable_declarator name: (identifier) @skip))
(catch_formal_parameter name: (identifier) @skip)
(variable_declarator name: (identifier) @skip)
(lambda_expression parameters: (identifier) @skip)
(inferred_parameters (identifier) @skip)
(type_parameter (type_identifier) @skip)
(marker_annotation name: (identifier) @ref)
`,
	containers: map[string]tsContainer{
		"class_declaration":           {field: "name"},
		"record_declaration":          {field: "name"},
		"interface_declaration":       {field: "name"},
		"annotation_type_declaration": {field: "name"},
		"enum_declaration":            {field: "name"},
	},
	scopes:   []string{"method_declaration", "constructor_declaration", "lambda_expression"},
	exported: javaExported,
}

// javaExported counts public and protected members, and everything in an
// interface, which is implicitly public; package-private is not exported.
func javaExported(s tsSite) bool {
	return s.parentType(1) == "interface_body" || hasModifier(s.node, s.src, "public", "protected")
}
