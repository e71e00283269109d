package languages

import (
	"strings"

	sitter "github.com/smacker/go-tree-sitter"
	"github.com/smacker/go-tree-sitter/scala"
)

func init() { registerTreeSitter(scalaLanguage) }

// scalaDefinitionValue matches a val or var's name at file or class level;
// the grammar uses the same nodes for locals.
const scalaDefinitionValue = `[(val_definition pattern: (identifier) @name) (var_definition pattern: (identifier) @name)]`

var scalaLanguage = &tsLanguage{
	name:    "Scala",
	grammar: scala.GetLanguage,
	query: `
(package_clause name: (_) @package) @skiptree
(import_declaration) @import @skiptree

(class_definition name: (identifier) @name body: (_)? @body) @def.class
(object_definition name: (identifier) @name body: (_)? @body) @def.class
(trait_definition name: (identifier) @name body: (_)? @body) @def.interface
(function_definition name: (identifier) @name body: (_) @body) @def.function
(function_declaration name: (identifier) @name) @def.function
(type_definition name: (type_identifier) @name) @def.type
(compilation_unit ` + scalaDefinitionValue + ` @def.variable)
(template_body ` + scalaDefinitionValue + ` @def.variable)

(field_expression value: (_) @qualifier field: (identifier) @ref)
(identifier) @ref
(type_identifier) @ref

(parameter name: (identifier) @skip)
(class_parameter name: (identifier) @skip)
(val_definition pattern: (identifier) @skip)
(var_definition pattern: (identifier) @skip)
(type_parameters name: (identifier) @skip)
`,
	containers: map[string]tsContainer{
		"class_definition":  {field: "name"},
		"object_definition": {field: "name"},
		"trait_definition":  {field: "name"},
	},
	scopes:     []string{"function_definition", "lambda_expression"},
	exported:   scalaExported,
	importPath: scalaImportPath,
}

// scalaExported: members are public unless private.
func scalaExported(s tsSite) bool {
	return !hasModifier(s.node, s.src, "private")
}

// scalaImportPath joins the path segments of an import, which the grammar
// keeps as separate children: import a.b.{C, D} gives "a.b".
func scalaImportPath(n *sitter.Node, src []byte) string {
	var parts []string
	for i := 0; i < int(n.ChildCount()); i++ {
		if n.FieldNameForChild(i) == "path" && n.Child(i).IsNamed() {
			parts = append(parts, n.Child(i).Content(src))
		}
	}
	return strings.Join(parts, ".")
}
