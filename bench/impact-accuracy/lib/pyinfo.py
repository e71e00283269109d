"""Facts about Python files that only Python's own parser gives exactly,
printed as JSON for the paths named on stdin (one a line):

  doc   the lines of every bare string statement (module, class, function
        and attribute docstrings): like comments, they change no behaviour;
  defs  every function defined directly in a module or class body, with its
        class path ("" at module level) and its lines including decorators.
        pyright's document symbols list an overloaded name once, so the
        @overload stubs would otherwise belong to no definition. Also every
        module or class variable assigned over several lines ("var": true),
        whose pyright range is its first line only.
"""
import ast
import json
import sys


def defs_of(body, scope, out):
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            start = min([node.lineno] + [d.lineno for d in node.decorator_list])
            out.append({"scope": scope, "name": node.name, "start": start, "end": node.end_lineno})
        elif isinstance(node, ast.ClassDef):
            defs_of(node.body, f"{scope}.{node.name}" if scope else node.name, out)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.end_lineno > node.lineno:
            # A module or class variable whose value spans several lines
            # (X = create(\n ...\n)): pyright's range is its first line.
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                if isinstance(t, ast.Name):
                    out.append({"scope": scope, "name": t.id, "start": node.lineno, "end": node.end_lineno, "var": True})


result = {}
for path in sys.stdin.read().split("\n"):
    if not path:
        continue
    try:
        with open(path, "rb") as f:
            tree = ast.parse(f.read(), filename=path)
    except (SyntaxError, ValueError, OSError):
        continue  # no facts: every line counts as code
    doc = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            doc.extend(range(node.lineno, node.end_lineno + 1))
    defs = []
    defs_of(tree.body, "", defs)
    result[path] = {"doc": doc, "defs": defs}
json.dump(result, sys.stdout)
