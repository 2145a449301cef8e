"""The package's imports run one way: no cycle among referral's modules,
counting imports made inside functions too."""

import ast
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[1] / "referral"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def import_graph() -> nx.DiGraph:
    """Module -> module it imports (parent packages left out)."""
    modules = {_module_name(p): p for p in ROOT.rglob("*.py")}

    def resolve(name):
        while name and name not in modules:
            name = name.rsplit(".", 1)[0] if "." in name else ""
        return name

    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for module, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "referral"
            ):
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            for name in names:
                if not name.startswith("referral"):
                    continue
                target = resolve(name)
                if target and target != module and not module.startswith(target + "."):
                    graph.add_edge(module, target)
    return graph


def test_no_import_cycles():
    graph = import_graph()
    assert graph.number_of_nodes() > 40
    assert graph.number_of_edges() > 100
    cycles = [sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]
    assert cycles == []


def test_the_engine_imports_nothing_above_it():
    graph = import_graph()
    engine = [m for m in graph if m.startswith("referral._engine")]
    assert engine
    for module in engine:
        above = [
            t for t in graph.successors(module) if not t.startswith("referral._engine")
        ]
        assert above == [], module
