#!/usr/bin/env python3
"""Checks the import graph of every crate of the workspace: no circles between
files, and no import that runs back up to a facade.

A facade is a module file that declares child modules from a folder of its own
(lib.rs, main.rs, mod.rs, or foo.rs beside foo/). Shared vocabulary lives in a
leaf module that both sides import; a file never imports an item from a facade
above it (`super::Thing`, `crate::Thing`, `super::super::Thing` ...), whether
the facade defines the item or re-exports it. A unit-test module (`mod tests`)
belongs to its parent and may take the parent's items (`use super::*`).

How it reads the code: comments and literals are blanked; every `use` tree and
every `crate::`/`super::`/`self::` path in the code is resolved against the
module tree (built from the `mod` declarations, `#[path]` included) to the file
of the deepest module it names. An edge A -> B means A names B's module or an
item in it. Circles are the strongly connected components of that graph.

Exits 1 and prints each finding (file:line) when there is one, else prints a
one-line summary and exits 0.

Usage: scripts/check-imports.py [--graph] [CRATE_SRC_DIR ...]
  (default: src, crates/*/src and fuzz/src of the repository)
  --graph   also print every edge (file -> file)
"""

import glob
import os
import re
import sys

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"

# Files whose circles and facade imports are known and left to the rebuild of
# the entity tagger (issue 24: feature templates declared once, one scorer
# interface) and of the NER training that goes with it: reported, not failed.
# Remove an entry when its file is clean; never add one.
KNOWN = (
)


def known(path):
    return path.startswith(KNOWN)


def blank(text):
    """The text with comments, strings and char literals replaced by spaces
    (newlines kept, so offsets and line numbers stay)."""
    out = list(text)
    i, n = 0, len(text)

    def wipe(a, b):
        for k in range(a, b):
            if out[k] != "\n":
                out[k] = " "

    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            wipe(i, j)
            i = j
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            wipe(i, j)
            i = j
        elif re.match(r'(?:b|c)?r#*"', text[i : i + 40]) and (
            i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")
        ):
            m = re.match(r'(?:b|c)?r(#*)"', text[i:])
            end = text.find('"' + m.group(1), i + m.end())
            end = n if end < 0 else end + 1 + len(m.group(1))
            wipe(i, end)
            i = end
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            wipe(i, j + 1)
            i = j + 1
        elif c == "'":
            m = re.match(r"'(\\u\{[0-9a-fA-F]+\}|\\x[0-9a-fA-F]{2}|\\.|[^\\'\n])'", text[i:])
            if m:
                wipe(i, i + m.end())
                i += m.end()
            else:
                i += 1  # a lifetime
        else:
            i += 1
    return "".join(out)


class Module:
    def __init__(self, path, file, is_facade):
        self.path = path  # tuple of names from the crate root
        self.file = file  # the file holding it (inline modules: the parent's file)
        self.is_facade = is_facade
        self.children = {}


def find_modules(root_file, crate):
    """The crate's module tree from its root file: {path tuple: Module}."""
    modules = {}

    def visit(path, file, mod_dir):
        text = blank(open(file, encoding="utf-8").read())
        raw = open(file, encoding="utf-8").read()
        name = os.path.basename(file)
        has_dir = name in ("lib.rs", "main.rs", "mod.rs") or os.path.isdir(file[:-3])
        mod = Module(path, file, has_dir)
        modules[path] = mod
        # File-level `mod name;` declarations (inline modules are resolved
        # while scanning, as parts of this file).
        declared = list(re.finditer(r"(?m)^[ \t]*(?:pub(?:\([^)]*\))?\s+)?mod\s+(" + IDENT + r")\s*;", text))
        # The core's `internal_mods! { a; b; }` declares modules too.
        for block in re.finditer(r"internal_mods!\s*\{([^}]*)\}", text):
            declared += list(re.finditer(r"(" + IDENT + r")\s*;", text[: block.end()]))[
                -len(re.findall(r";", block.group(1))) :
            ] if block.group(1).strip() else []
        for m in declared:
            child = m.group(1)
            before = raw[: m.start()]
            attrs = re.findall(r'#\[path\s*=\s*"([^"]+)"\]\s*(?:#\[[^\]]*\]\s*)*$', before)
            depth = nesting(text, m.start())
            if depth:
                continue  # declared inside an inline module: rare, not followed
            if attrs:
                child_file = os.path.normpath(os.path.join(os.path.dirname(file), attrs[-1]))
                child_dir = None
            else:
                a = os.path.join(mod_dir, child + ".rs")
                b = os.path.join(mod_dir, child, "mod.rs")
                child_file = a if os.path.exists(a) else b
                child_dir = os.path.join(mod_dir, child)
            if not os.path.exists(child_file):
                continue
            mod.children[child] = path + (child,)
            visit(path + (child,), child_file, child_dir or os.path.dirname(child_file))

    root_dir = os.path.dirname(root_file)
    visit((), root_file, root_dir)
    return modules


def nesting(text, pos):
    """How many inline `mod x {` blocks enclose `pos`."""
    return len(inline_stack(text, pos))


def inline_stack(text, pos):
    """The names of the inline modules enclosing `pos`, outermost first."""
    stack = []  # (name, brace depth at which it opened)
    depth = 0
    i = 0
    pattern = re.compile(r"\bmod\s+(" + IDENT + r")\s*\{|[{}]")
    for m in pattern.finditer(text, 0, pos):
        tok = m.group(0)
        if tok == "{":
            depth += 1
        elif tok == "}":
            depth -= 1
            while stack and stack[-1][1] > depth:
                stack.pop()
        else:
            depth += 1
            stack.append((m.group(1), depth))
    return [s[0] for s in stack]


def expand_use(tree):
    """The full paths of a `use` tree (`a::{b, c::d as e, *}`), as lists of
    segments (`self` inside braces names the prefix; aliases are dropped)."""
    tokens = re.findall(IDENT + r"|::|[{},*]", tree)
    pos = 0
    out = []

    def parse(prefix):
        nonlocal pos
        path = list(prefix)
        while pos < len(tokens):
            tok = tokens[pos]
            if tok == "::":
                pos += 1
            elif tok == "{":
                pos += 1
                while pos < len(tokens) and tokens[pos] != "}":
                    parse(path)
                    if pos < len(tokens) and tokens[pos] == ",":
                        pos += 1
                pos += 1
                return
            elif tok in (",", "}"):
                break
            elif tok == "as":
                pos += 2  # the alias
            elif tok == "self" and path:
                pos += 1
            else:
                path.append(tok)
                pos += 1
        out.append(path)

    parse([])
    return [p for p in out if p]


def resolve(modules, current, segments):
    """(target module path, item name or None) for `segments` used in module
    `current`, or None when the path leaves the crate."""
    if not segments:
        return None
    first = segments[0]
    if first == "crate":
        at, rest = (), segments[1:]
    elif first in ("super", "self"):
        at = list(current)
        rest = list(segments)
        while rest and rest[0] in ("super", "self"):
            if rest[0] == "super":
                if not at:
                    return None
                at.pop()
            rest.pop(0)
        at = tuple(at)
    else:
        return None
    while rest and at + (rest[0],) in modules:
        at = at + (rest[0],)
        rest = rest[1:]
    if at not in modules:
        # an inline module of a file: climb to the file's module
        while at and at not in modules:
            at = at[:-1]
        rest = []
    item = rest[0] if rest else None
    return at, item


def line_of(text, pos):
    return text.count("\n", 0, pos) + 1


def check_crate(root_file, edges, findings, crate_label):
    modules = find_modules(root_file, crate_label)
    by_file = {m.file: m for m in modules.values()}
    for file, mod in by_file.items():
        raw = open(file, encoding="utf-8").read()
        text = blank(raw)
        uses = []
        spans = []
        for m in re.finditer(r"\buse\s+([^;]+);", text):
            stack = inline_stack(text, m.start())
            for path in expand_use(m.group(1)):
                if path and path[0] in mod.children and not stack:
                    path = ["self"] + path
                uses.append((m.start(), stack, path))
            spans.append((m.start(), m.end()))

        def in_use(pos):
            return any(a <= pos < b for a, b in spans)

        for m in re.finditer(r"(?<![\w$:])((?:crate|super|self)(?:::" + IDENT + r")+)", text):
            if in_use(m.start()) or text[max(0, m.start() - 3) : m.start()] == "in ":
                continue
            uses.append((m.start(), inline_stack(text, m.start()), m.group(1).split("::")))
        for pos, stack, path in uses:
            current = mod.path + tuple(stack)
            if path == ["*"] or not path:
                continue
            target = resolve(modules, current, path)
            if target is None:
                continue
            tpath, item = target
            tmod = modules[tpath]
            line = line_of(raw, pos)
            if tmod.file != file:
                edges.setdefault(file, {}).setdefault(tmod.file, line)
            # An item (or glob) taken from a facade above the current module.
            above = len(tpath) < len(mod.path) and mod.path[: len(tpath)] == tpath
            # A unit-test module (`mod tests`, inline or in its own file) is a
            # part of its parent: it may take the parent's items.
            if current[-1:] == ("tests",) and tpath == current[:-1]:
                above = False
            glob_use = path[-1] == "*"
            if above and tmod.is_facade and (item is not None or glob_use) and tmod.file != file:
                what = "::".join(path)
                findings.append(f"{file}:{line}: `{what}` reaches up to the facade {tmod.file}")
    return modules


def cycles(edges):
    """Strongly connected components with more than one file (Tarjan)."""
    index, low, on, stack, out = {}, {}, set(), [], []
    counter = [0]
    sys.setrecursionlimit(10000)

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, {}):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in list(edges):
        if v not in index:
            strong(v)
    return out


def main(argv):
    if "-h" in argv or "--help" in argv:
        print(__doc__.strip())
        return 0
    show = "--graph" in argv
    dirs = [a for a in argv if not a.startswith("-")]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    os.chdir(root)
    if not dirs:
        dirs = ["src"] + sorted(glob.glob("crates/*/src")) + ["fuzz/src"]
    edges, findings = {}, []
    files = 0
    for d in dirs:
        for name in ("lib.rs", "main.rs"):
            root_file = os.path.join(d, name)
            if os.path.exists(root_file):
                files += len(check_crate(root_file, edges, findings, d))
    for comp in cycles(edges):
        ring = " <-> ".join(comp)
        lines = [f"{a} -> {b} (line {l})" for a in comp for b, l in edges.get(a, {}).items() if b in comp]
        findings.append(f"circle: {ring}\n    " + "\n    ".join(lines))
    # A circle is known when all its files but facades are; a facade import
    # when the importing file is.
    def is_known(finding):
        if finding.startswith("circle: "):
            files = finding.split("\n")[0][len("circle: ") :].split(" <-> ")
            return all(known(f) or os.path.basename(f) == "mod.rs" for f in files)
        return known(finding.split(":")[0])

    known_findings = sorted({f for f in findings if is_known(f)})
    findings = [f for f in findings if not is_known(f)]
    for f in known_findings:
        print("known (issue 24): " + f.split("\n")[0])
    if show:
        for a in sorted(edges):
            for b in sorted(edges[a]):
                print(f"{a} -> {b}")
    if findings:
        for f in sorted(set(findings)):
            print(f)
        print(f"{len(set(findings))} import problems in {files} modules")
        return 1
    print(
        f"import graph: {files} modules, no circles, no imports up to a facade"
        f" ({len(known_findings)} known in the entity tagger, left to issue 24)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
