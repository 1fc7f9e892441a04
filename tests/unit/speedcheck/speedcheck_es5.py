"""An ES5 gate on top of esprima: esprima 4 parses ES2017, so ES2015+ syntax is found in the tree.

`esprima.parseScript` alone accepts `let`, arrow functions and template strings (the tests
prove it), which Internet Explorer 11 cannot run. This walks the syntax tree and names every
construct newer than ES5, plus the few browser APIs IE11 lacks.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import esprima

ES2015_NODES = {
    "ArrowFunctionExpression": "arrow function",
    "ClassDeclaration": "class",
    "ClassExpression": "class",
    "TemplateLiteral": "template string",
    "TaggedTemplateExpression": "tagged template",
    "ForOfStatement": "for…of",
    "SpreadElement": "spread",
    "RestElement": "rest parameter",
    "AssignmentPattern": "default value",
    "ObjectPattern": "destructuring",
    "ArrayPattern": "destructuring",
    "AwaitExpression": "await",
    "YieldExpression": "yield",
    "MetaProperty": "new.target",
    "Super": "super",
    "ImportDeclaration": "import",
    "ExportNamedDeclaration": "export",
    "ExportDefaultDeclaration": "export",
    "ExportAllDeclaration": "export",
}
IE11_MISSING_GLOBALS = {"Promise", "fetch", "Symbol", "Proxy", "Reflect", "WeakSet"}


def _nodes(tree: Any) -> Iterator[dict[str, Any]]:
    if isinstance(tree, dict):
        if "type" in tree:
            yield tree
        for value in tree.values():
            yield from _nodes(value)
    elif isinstance(tree, list):
        for item in tree:
            yield from _nodes(item)


def _problem(node: dict[str, Any]) -> str | None:
    kind = node["type"]
    if kind in ES2015_NODES:
        return ES2015_NODES[kind]
    checks = [
        (kind == "VariableDeclaration" and node.get("kind") != "var", f"{node.get('kind')}"),
        ("Function" in kind and (node.get("async") or node.get("generator")), "async/generator"),
        (kind == "Property" and (node.get("shorthand") or node.get("method")), "shorthand"),
        (kind == "Property" and node.get("computed"), "computed property name"),
        (kind in {"BinaryExpression", "AssignmentExpression"} and "**" in node["operator"], "**"),
        (kind == "Literal" and str(node.get("raw", ""))[:2].lower() in {"0b", "0o"}, "0b/0o"),
        (
            kind == "Literal" and set((node.get("regex") or {}).get("flags", "")) & {"u", "y"},
            "regex flag",
        ),
        (kind == "Identifier" and node.get("name") in IE11_MISSING_GLOBALS, str(node.get("name"))),
    ]
    return next((label for matched, label in checks if matched), None)


def es5_violations(source: str) -> list[str]:
    """`line N: construct` for everything newer than ES5 (a syntax error is one too)."""
    tree = esprima.parseScript(source, {"loc": True}).toDict()
    found = []
    for node in _nodes(tree):
        label = _problem(node)
        if label is not None:
            line = node.get("loc", {}).get("start", {}).get("line", "?")
            found.append(f"line {line}: {label}")
    return found
