// The rule that decides which definitions a diff changed, shared by the
// LSP (Go, Python) and TypeScript reference sides so every language is
// judged the same way.
//
// A definition is changed when a head-side added line lies within its
// range. Containers (classes, structs, interfaces, enums, namespaces) are
// descended into: a line inside a member changes that member; a line inside
// the container but outside every member (header, decorator, docstring,
// field list) changes the container itself. Functions and methods are
// leaves: their local variables and nested functions are not definitions
// anyone outside can reference, so lines inside them change the function.

// Node is { name, kind, container, start, end, selLine, selChar, children,
//   isContainer, isDefinition } with 1-based inclusive lines.
//
// A node may carry ranges, [[start, end], ...], when one definition is
// written in several places (Python @overload stubs); it then covers all
// of them.
export function changedDefs(nodes, added) {
  const out = [];
  const covers = (n, l) => (n.ranges || [[n.start, n.end]]).some(([s, e]) => l >= s && l <= e);
  const anyIn = (n) => {
    for (const l of added) if (covers(n, l)) return true;
    return false;
  };
  const visit = (n) => {
    if (!anyIn(n)) return;
    if (n.isContainer && n.children.length) {
      const kids = n.children.filter((c) => c.isDefinition || c.isContainer);
      for (const c of kids) visit(c);
      // lines of the container not covered by any member change the container
      for (const l of added) {
        if (l < n.start || l > n.end) continue;
        if (!kids.some((c) => covers(c, l))) {
          if (n.isDefinition) out.push(n);
          break;
        }
      }
      return;
    }
    if (n.isDefinition) out.push(n);
  };
  for (const n of nodes) visit(n);
  return out;
}

// keepLocation applies the "excluding the change itself" rule to one
// reference: drop it when it lies on an added line, or inside the changed
// definition's own range (its declaration, its own body).
export function keepLocation(def, defPath, refPath, refLine, addedByPath) {
  if (refPath === defPath && refLine >= def.start && refLine <= def.end) return false;
  const a = addedByPath.get(refPath);
  if (a && a.has(refLine)) return false;
  return true;
}
