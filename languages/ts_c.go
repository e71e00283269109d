package languages

import (
	"github.com/smacker/go-tree-sitter/c"
	"github.com/smacker/go-tree-sitter/cpp"
)

func init() {
	registerTreeSitter(cLanguage)
	registerTreeSitter(cppLanguage)
}

// cDeclarator matches the declarator of a function returning a value, a
// pointer or a pointer to pointer, capturing the function's name.
const cDeclarator = `[
  (function_declarator declarator: (_) @name)
  (pointer_declarator declarator: (function_declarator declarator: (_) @name))
  (pointer_declarator declarator: (pointer_declarator declarator: (function_declarator declarator: (_) @name)))
]`

// cVariable matches the declarator of a file-level variable.
const cVariable = `[
  (identifier) @name
  (init_declarator declarator: (identifier) @name)
  (pointer_declarator declarator: (identifier) @name)
  (init_declarator declarator: (pointer_declarator declarator: (identifier) @name))
  (array_declarator declarator: (identifier) @name)
  (init_declarator declarator: (array_declarator declarator: (identifier) @name))
  (init_declarator declarator: (pointer_declarator declarator: (array_declarator declarator: (identifier) @name)))
]`

// cQuery is shared by C and C++. Prototypes count as definitions: in a
// header they are the only statement of a function's signature.
const cQuery = `
(function_definition declarator: ` + cDeclarator + ` body: (_) @body) @def.function
(declaration declarator: ` + cDeclarator + `) @def.function
(struct_specifier name: (type_identifier) @name body: (_) @body) @def.type
(union_specifier name: (type_identifier) @name body: (_) @body) @def.type
(enum_specifier name: (type_identifier) @name body: (_) @body) @def.type
(enumerator name: (identifier) @name) @def.constant
(type_definition declarator: (type_identifier) @name) @def.type
(translation_unit (declaration declarator: ` + cVariable + `) @def.variable)
(preproc_def name: (identifier) @name) @def.constant
(preproc_function_def name: (identifier) @name) @def.function
(preproc_include path: (_) @import)

(field_expression argument: (_) @qualifier field: (field_identifier) @ref)
(identifier) @ref
(type_identifier) @ref

(parameter_declaration declarator: (identifier) @skip)
(parameter_declaration declarator: (pointer_declarator declarator: (identifier) @skip))
(parameter_declaration declarator: (array_declarator declarator: (identifier) @skip))
(init_declarator declarator: (identifier) @skip)
(declaration declarator: (identifier) @skip)
(preproc_params (identifier) @skip)
`

// cppQuery adds classes, namespaces, member prototypes and scoped names.
const cppQuery = `
(class_specifier name: (_) @name body: (_) @body) @def.class
(namespace_definition name: (_) @name body: (_) @body) @def.module
(field_declaration declarator: ` + cDeclarator + `) @def.function
(alias_declaration name: (type_identifier) @name) @def.type
(declaration_list (declaration declarator: ` + cVariable + `) @def.variable)

(qualified_identifier scope: (_) @qualifier name: [(identifier) (type_identifier)] @ref)
(parameter_declaration declarator: (reference_declarator (identifier) @skip))
(type_parameter_declaration (type_identifier) @skip)
(namespace_definition name: (_) @skip)
(access_specifier) @visibility
`

var cLanguage = &tsLanguage{
	name:     "C",
	grammar:  c.GetLanguage,
	query:    cQuery,
	scopes:   []string{"function_definition"},
	exported: cExported,
}

var cppLanguage = &tsLanguage{
	name:    "C++",
	grammar: cpp.GetLanguage,
	query:   cQuery + cppQuery,
	containers: map[string]tsContainer{
		"class_specifier":      {field: "name"},
		"struct_specifier":     {field: "name"},
		"union_specifier":      {field: "name"},
		"namespace_definition": {field: "name", module: true},
	},
	scopes:   []string{"function_definition", "lambda_expression"},
	exported: cppExported,
	hidden:   []string{"private"},
}

// cExported: static gives a file-level name internal linkage.
func cExported(s tsSite) bool {
	for i := 0; i < int(s.node.NamedChildCount()); i++ {
		ch := s.node.NamedChild(i)
		if ch.Type() == "storage_class_specifier" && ch.Content(s.src) == "static" {
			return false
		}
	}
	return true
}

// cppExported adds C++'s default access to C's rule: a member before any
// access section is public in a struct and private in a class. The driver
// applies the sections themselves (hidden: private).
func cppExported(s tsSite) bool {
	if s.parentType(1) != "field_declaration_list" {
		return cExported(s)
	}
	return s.parentType(2) != "class_specifier"
}
