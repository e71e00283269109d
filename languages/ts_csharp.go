package languages

import (
	"github.com/smacker/go-tree-sitter/csharp"
)

func init() { registerTreeSitter(csharpLanguage) }

// The namespace is reported as the file's Package rather than as a
// container, as Java's package is.
var csharpLanguage = &tsLanguage{
	name:    "C#",
	grammar: csharp.GetLanguage,
	query: `
(namespace_declaration name: (_) @package)
(namespace_declaration name: (_) @skiptree)
(using_directive !name [(identifier) (qualified_name)] @import) @skiptree
(using_directive name: (identifier) @alias [(identifier) (qualified_name)] @import)

(class_declaration name: (identifier) @name body: (_) @body) @def.class
(struct_declaration name: (identifier) @name body: (_) @body) @def.class
(record_declaration name: (identifier) @name) @def.class
(interface_declaration name: (identifier) @name body: (_) @body) @def.interface
(enum_declaration name: (identifier) @name body: (_) @body) @def.type
(enum_member_declaration name: (identifier) @name) @def.constant
(delegate_declaration name: (identifier) @name) @def.type
(method_declaration name: (identifier) @name body: (_)? @body) @def.function
(constructor_declaration name: (identifier) @name body: (_) @body) @def.function
(property_declaration name: (identifier) @name) @def.variable
(field_declaration (variable_declaration (variable_declarator name: (identifier) @name))) @def.variable
((field_declaration (modifier) @_const (variable_declaration (variable_declarator name: (identifier) @name))) @def.constant
  (#eq? @_const "const"))

(member_access_expression expression: (_) @qualifier name: (identifier) @ref)
(member_access_expression name: (identifier) @ref)
(identifier) @ref

(parameter name: (identifier) @skip)
(variable_declarator name: (identifier) @skip)
(type_parameter name: (identifier) @skip)
`,
	containers: map[string]tsContainer{
		"class_declaration":     {field: "name"},
		"struct_declaration":    {field: "name"},
		"record_declaration":    {field: "name"},
		"interface_declaration": {field: "name"},
		"enum_declaration":      {field: "name"},
	},
	scopes:   []string{"method_declaration", "constructor_declaration", "lambda_expression", "local_function_statement"},
	exported: csharpExported,
}

// csharpExported counts public and protected members, and interface
// members, which are public unless marked otherwise. internal stays inside
// its assembly and so is not exported.
func csharpExported(s tsSite) bool {
	return s.parentType(2) == "interface_declaration" || hasModifier(s.node, s.src, "public", "protected")
}
