"""Print, as JSON, the lines of every bare string statement (docstrings,
attribute docstrings) in the Python files named on stdin, one path a line.
Used by diff.mjs: like comments, such lines change no behaviour."""
import ast
import json
import sys

out = {}
for path in sys.stdin.read().split("\n"):
    if not path:
        continue
    try:
        with open(path, "rb") as f:
            tree = ast.parse(f.read(), filename=path)
    except (SyntaxError, ValueError, OSError):
        continue  # left to count as code
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            lines.extend(range(node.lineno, node.end_lineno + 1))
    out[path] = lines
json.dump(out, sys.stdout)
