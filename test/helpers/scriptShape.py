# Checks exported scripts against the scripts made from benign values, as Python itself
# reads them: for each pair (SCRIPT, BENIGN) on stdin (a JSON list), SCRIPT must compile
# (py_compile, which decodes the file with the encoding it declares) and its syntax tree,
# with every constant's value blanked, must equal BENIGN's: then SCRIPT runs no statement,
# call or name that the generated code does not. A negative number (-x parses as
# UnaryOp(USub, x)) counts as one constant. Prints a JSON list of problems ([] if none).
import ast
import json
import py_compile
import sys


class Blank(ast.NodeTransformer):
    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, (ast.USub, ast.UAdd)) and isinstance(node.operand, ast.Constant):
            return ast.Constant(value=None)
        return node

    def visit_Constant(self, node):
        return ast.Constant(value=None)


def shape(path):
    with open(path, "rb") as f:
        tree = ast.parse(f.read(), path)  # bytes: the file's coding declaration applies, as when it runs
    return ast.dump(Blank().visit(tree))


problems = []
for script, benign in json.load(sys.stdin):
    try:
        py_compile.compile(script, doraise=True)
    except py_compile.PyCompileError as e:
        problems.append(f"{script}: does not compile: {e.msg}")
        continue
    got, want = shape(script), shape(benign)
    if got != want:
        at = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
        problems.append(f"{script}: its syntax tree differs from {benign}'s beyond the constants, at ...{got[max(0, at - 80):at + 80]}...")
print(json.dumps(problems))
