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


#: the rooms of the package, lowest first: a room imports only rooms below it
LAYERS = [
    ["_engine"],
    ["_core"],
    ["network"],
    ["datasets", "io", "interventions"],
    ["simulate"],
    ["analysis", "sweep"],
    ["wording"],
    ["whom_to_ask", "plot"],
    ["calibrate"],
    ["report"],
    ["cli"],
]
#: imports made inside a function that go up on purpose: a result's
#: convenience method that says itself in words
UPWARD_CALLS = {("referral.analysis._other_people", "referral.wording._sentences")}


def _room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_every_room_imports_only_rooms_below_it():
    level = {room: i for i, rooms in enumerate(LAYERS) for room in rooms}
    graph = import_graph()
    rooms = {_room(m) for m in graph} - {"", "__main__"}
    assert rooms == set(level), "a room is missing from LAYERS"
    upward = []
    for source, target in graph.edges():
        a, b = _room(source), _room(target)
        if a in level and b in level and a != b and level[b] >= level[a]:
            upward.append((source, target))
    assert sorted(upward) == sorted(UPWARD_CALLS)


def layout_summary() -> str:
    """Rooms per folder, imports between folders, and cycles (for the notes)."""
    graph = import_graph()
    lines = []
    for rooms in LAYERS:
        for room in rooms:
            mods = sorted(m for m in graph if _room(m) == room)
            lines.append(f"{room:14s} {len(mods):3d} modules")
    cross = sum(1 for a, b in graph.edges() if _room(a) != _room(b))
    cycles = [c for c in nx.strongly_connected_components(graph) if len(c) > 1]
    lines.append(f"imports between rooms: {cross}; upward: {len(UPWARD_CALLS)}")
    lines.append(f"cycles: {len(cycles)}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(layout_summary())
