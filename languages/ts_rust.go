package languages

import (
	"github.com/smacker/go-tree-sitter/rust"
)

func init() { registerTreeSitter(rustLanguage) }

// Functions in an impl or trait are methods of the implementing type or of
// the trait; functions in a mod are plain functions.
var rustLanguage = &tsLanguage{
	name:    "Rust",
	grammar: rust.GetLanguage,
	query: `
(use_declaration argument: (_) @import) @skiptree
(use_declaration argument: (use_as_clause path: (_) @import alias: (identifier) @alias))
(extern_crate_declaration name: (identifier) @import) @skiptree

(function_item name: (identifier) @name body: (_) @body) @def.function
(function_signature_item name: (identifier) @name) @def.function
(struct_item name: (type_identifier) @name body: (_)? @body) @def.type
(union_item name: (type_identifier) @name body: (_) @body) @def.type
(enum_item name: (type_identifier) @name body: (_) @body) @def.type
(enum_variant name: (identifier) @name) @def.constant
(type_item name: (type_identifier) @name) @def.type
(trait_item name: (type_identifier) @name body: (_) @body) @def.interface
(mod_item name: (identifier) @name body: (_)? @body) @def.module
(const_item name: (identifier) @name) @def.constant
(static_item name: (identifier) @name) @def.variable
(macro_definition name: (identifier) @name) @def.function

(field_expression value: (_) @qualifier field: (field_identifier) @ref)
(scoped_identifier path: (_) @qualifier name: (identifier) @ref)
(scoped_type_identifier path: (_) @qualifier name: (type_identifier) @ref)
(identifier) @ref
(type_identifier) @ref

(parameter pattern: (identifier) @skip)
(closure_parameters (identifier) @skip)
(let_declaration pattern: (identifier) @skip)
(type_parameters (type_identifier) @skip)
(constrained_type_parameter left: (type_identifier) @skip)
`,
	containers: map[string]tsContainer{
		"impl_item":  {field: "type"},
		"trait_item": {field: "name"},
		"mod_item":   {field: "name", module: true},
	},
	scopes:   []string{"function_item", "closure_expression"},
	exported: rustExported,
}

// rustExported: pub in any form (pub, pub(crate)) exports, as does being an
// item of a trait or of a trait implementation, whose visibility is the
// trait's.
func rustExported(s tsSite) bool {
	if hasModifier(s.node, s.src, "pub") {
		return true
	}
	owner := s.parent(2)
	return s.parentType(1) == "declaration_list" && owner != nil && (owner.Type() == "trait_item" ||
		owner.Type() == "impl_item" && owner.ChildByFieldName("trait") != nil)
}
