package languages

import (
	"github.com/smacker/go-tree-sitter/javascript"
	"github.com/smacker/go-tree-sitter/typescript/tsx"
	"github.com/smacker/go-tree-sitter/typescript/typescript"
)

func init() {
	registerTreeSitter(javascriptLanguage)
	registerTreeSitter(typescriptLanguage)
	registerTreeSitter(tsxLanguage)
}

// jsQuery holds the patterns JavaScript shares with TypeScript and TSX,
// whose grammars extend it.
const jsQuery = `
(function_declaration name: (identifier) @name body: (_) @body) @def.function
(generator_function_declaration name: (identifier) @name body: (_) @body) @def.function
(method_definition name: (_) @name body: (_) @body) @def.function
(variable_declarator name: (identifier) @name
  value: [(arrow_function body: (_) @body) (function_expression body: (_) @body)]) @def.function
(class_declaration name: (_) @name body: (_) @body) @def.class
(program (lexical_declaration "const" (variable_declarator name: (identifier) @name)) @def.constant)
(program (lexical_declaration "let" (variable_declarator name: (identifier) @name)) @def.variable)
(program (variable_declaration (variable_declarator name: (identifier) @name)) @def.variable)
(program (export_statement declaration: (lexical_declaration "const" (variable_declarator name: (identifier) @name)) @def.constant))
(program (export_statement declaration: (lexical_declaration "let" (variable_declarator name: (identifier) @name)) @def.variable))

(import_statement source: (string) @import)
(import_statement (import_clause (identifier) @alias) source: (string) @import)
(import_statement (import_clause (namespace_import (identifier) @alias)) source: (string) @import)
(export_statement source: (string) @reexport)
(export_statement !source (export_clause (export_specifier name: (identifier) @exportname)))
(export_statement !source (export_clause (export_specifier name: (identifier) @exportname alias: (_) @exportalias)))
(import_statement (import_clause (named_imports (import_specifier name: (identifier) @importname))) source: (string) @import)
(export_statement (export_clause (export_specifier name: (identifier) @importname)) source: (string) @reexport)
(export_statement value: (identifier) @exportdefault)
(import_statement (import_clause (identifier) @importdefault) source: (string) @import)
((call_expression function: (identifier) @_require arguments: (arguments . (string) @import))
  (#eq? @_require "require"))
(call_expression function: (import) arguments: (arguments . (string) @import))
(import_clause (identifier) @skip)
(namespace_import (identifier) @skip)
(import_specifier alias: (_) @skip)
(export_specifier alias: (_) @skip)

(member_expression object: (_) @qualifier property: (property_identifier) @ref)
(member_expression object: (_) @qualifier property: (private_property_identifier) @ref)
(identifier) @ref
(shorthand_property_identifier) @ref

(variable_declarator name: (identifier) @skip)
(arrow_function parameter: (identifier) @skip)
(assignment_pattern left: (identifier) @skip)
(array_pattern (identifier) @skip)
`

// jsOnlyQuery uses node types that only the JavaScript grammar has.
const jsOnlyQuery = `
(field_definition property: (property_identifier) @name
  value: [(arrow_function body: (_) @body) (function_expression body: (_) @body)]) @def.function
(formal_parameters (identifier) @skip)
`

// tsQuery adds TypeScript's declarations and type references.
const tsQuery = `
(public_field_definition name: (property_identifier) @name
  value: [(arrow_function body: (_) @body) (function_expression body: (_) @body)]) @def.function
(abstract_class_declaration name: (type_identifier) @name body: (_) @body) @def.class
(interface_declaration name: (type_identifier) @name body: (_) @body) @def.interface
(type_alias_declaration name: (type_identifier) @name) @def.type
(property_signature name: (property_identifier) @name) @def.variable
(public_field_definition name: (property_identifier) @name) @def.variable
(public_field_definition name: (private_property_identifier) @name) @def.variable
(enum_declaration name: (identifier) @name body: (_) @body) @def.type
(method_signature name: (_) @name) @def.function
(abstract_method_signature name: (_) @name) @def.function
(function_signature name: (identifier) @name) @def.function
(internal_module name: (_) @name body: (_) @body) @def.module

(nested_type_identifier module: (_) @qualifier name: (type_identifier) @ref)
(type_identifier) @ref
; T["name"] names the member name of T.
(lookup_type . (_) @qualifier (literal_type (string (string_fragment) @ref)))

(required_parameter pattern: (identifier) @skip)
(optional_parameter pattern: (identifier) @skip)
(type_parameter name: (type_identifier) @skip)
`

var jsContainers = map[string]tsContainer{
	"class_declaration":          {field: "name"},
	"class":                      {field: "name"},
	"abstract_class_declaration": {field: "name"},
	"interface_declaration":      {field: "name"},
	// The properties of an object type (type Ctx = { client: C }) are
	// members of the alias, reached as ctx.client.
	"type_alias_declaration": {field: "name"},
	"internal_module":        {field: "name", module: true},
}

var jsScopes = []string{
	"function_declaration", "generator_function_declaration", "function_expression",
	"arrow_function", "method_definition",
}

// cjsQuery reads CommonJS and prototype-style definitions, which plain
// JavaScript packages are written in: X.prototype.m = function is method m
// of X, obj.m = function (express's res.send) method m of obj, exports.f =
// and module.exports.f = an exported function f, the functions of a
// module.exports = { ... } object exported functions, and module.exports =
// X exports X as the module's default.
const cjsQuery = `
((expression_statement (assignment_expression
   left: (member_expression
     object: (member_expression object: (identifier) @container @skip property: (property_identifier) @_proto)
     property: (property_identifier) @name)
   right: [(function_expression body: (_) @body) (arrow_function body: (_) @body)
           (call_expression arguments: (arguments [(function_expression body: (_) @body) (arrow_function body: (_) @body)]))])) @def.function
 (#eq? @_proto "prototype"))
((expression_statement (assignment_expression
   left: (member_expression object: (identifier) @container @skip property: (property_identifier) @name)
   right: [(function_expression body: (_) @body) (arrow_function body: (_) @body)])) @def.function
 (#not-match? @container "^(exports|module|this)$"))
((expression_statement (assignment_expression
   left: (member_expression object: (identifier) @_exports property: (property_identifier) @name)
   right: [(function_expression body: (_) @body) (arrow_function body: (_) @body)])) @def.function
 (#eq? @_exports "exports"))
((expression_statement (assignment_expression
   left: (member_expression
     object: (member_expression object: (identifier) @_module property: (property_identifier) @_exports)
     property: (property_identifier) @name)
   right: [(function_expression body: (_) @body) (arrow_function body: (_) @body)])) @def.function
 (#eq? @_module "module") (#eq? @_exports "exports"))
((expression_statement (assignment_expression
   left: (member_expression object: (identifier) @_exports property: (property_identifier) @exportname)
   right: (identifier)))
 (#eq? @_exports "exports"))
; exports.BIT = 0x10: an exported constant.
((expression_statement (assignment_expression
   left: (member_expression object: (identifier) @_exports property: (property_identifier) @name)
   right: [(number) (string) (template_string) (true) (false) (null) (object) (array) (binary_expression) (unary_expression)])) @def.constant
 (#eq? @_exports "exports"))
((assignment_expression
   left: (member_expression object: (identifier) @_module property: (property_identifier) @_exports)
   right: (identifier) @exportdefault)
 (#eq? @_module "module") (#eq? @_exports "exports"))
((assignment_expression
   left: (member_expression object: (identifier) @_module property: (property_identifier) @_exports)
   right: (object (pair key: (property_identifier) @name
     value: [(function_expression body: (_) @body) (arrow_function body: (_) @body)]) @def.function))
 (#eq? @_module "module") (#eq? @_exports "exports"))
((assignment_expression
   left: (member_expression object: (identifier) @_module property: (property_identifier) @_exports)
   right: (object (shorthand_property_identifier) @exportname))
 (#eq? @_module "module") (#eq? @_exports "exports"))

; const X = require('./x') binds X to the module's exports (its default);
; const { a, b } = require('./x') binds its names a and b.
((variable_declarator name: (identifier) @importdefault @alias
   value: (call_expression function: (identifier) @_require arguments: (arguments . (string) @import)))
 (#eq? @_require "require"))
((variable_declarator name: (object_pattern (shorthand_property_identifier_pattern) @importname)
   value: (call_expression function: (identifier) @_require arguments: (arguments . (string) @import)))
 (#eq? @_require "require"))
`

var javascriptLanguage = &tsLanguage{
	name:       "JavaScript",
	grammar:    javascript.GetLanguage,
	query:      jsQuery + jsOnlyQuery + cjsQuery,
	containers: jsContainers,
	scopes:     jsScopes,
	exported:   cjsExported,
}

// cjsExported: besides ES exports, a CommonJS definition is visible to
// every module that requires its file: assigned to exports or
// module.exports, or a method assigned to an object or prototype, reached
// by whoever holds that object.
func cjsExported(s tsSite) bool {
	if jsExported(s) {
		return true
	}
	switch s.node.Type() {
	case "expression_statement":
		return true
	case "pair":
		return true // a function of a module.exports = { ... } object
	}
	return false
}

var typescriptLanguage = &tsLanguage{
	name:       "TypeScript",
	grammar:    typescript.GetLanguage,
	query:      jsQuery + tsQuery,
	containers: jsContainers,
	scopes:     jsScopes,
	exported:   jsExported,
}

var tsxLanguage = &tsLanguage{
	name:       "TSX",
	grammar:    tsx.GetLanguage,
	query:      jsQuery + tsQuery,
	containers: jsContainers,
	scopes:     jsScopes,
	exported:   jsExported,
}

// jsExported: an ES module exports only what an export statement names;
// members of an exported class are visible unless private (TypeScript's
// private or protected, or a #name).
func jsExported(s tsSite) bool {
	if s.name != "" && s.name[0] == '#' || hasModifier(s.node, s.src, "private", "protected") {
		return false
	}
	return s.inside("export_statement")
}
