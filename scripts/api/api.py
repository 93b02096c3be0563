#!/usr/bin/env python3
"""The public API of every library product, from the compiler's symbol graph.

  scripts/api.sh            count: "M: N public symbols, K undocumented" per product; fails when K > 0
  scripts/api.sh --update   write the listing api/<M>.txt of every product
  scripts/api.sh --check    regenerate the listings and compare with api/; fails on a difference,
                            and when the API changed without a CHANGELOG.md entry (see check_changelog)

The symbol graph is swift-symbolgraph-extract's (minimum access level public, no SPI) of the
modules `swift build` left in .build/debug/Modules; M@Other.symbols.json (M's extensions of
another module's types) is part of M's API. Not counted: symbols the compiler synthesizes from
another module's protocol (`!=` of Equatable): they are not declared here and have no source.
Documented: a doc comment of its own, or, for an implementation of another module's protocol
requirement (`description`, `==`, `hash(into:)`), the protocol's, which DocC shows for it.
"""
import json, os, re, shutil, subprocess, sys, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
API = ROOT / "api"
VERSION_FILE = ROOT / "Sources/xen-detect/Version.swift"
CHANGELOG = ROOT / "CHANGELOG.md"


def products():
    text = (ROOT / "Package.swift").read_text()
    return re.findall(r'^\s*\.library\(name: "([A-Za-z0-9_]+)"', text, re.M)


def version():
    m = re.search(r'let toolkitVersion = "([0-9]+\.[0-9]+\.[0-9]+)"', VERSION_FILE.read_text())
    if not m:
        sys.exit(f"api: no `let toolkitVersion = \"X.Y.Z\"` in {VERSION_FILE.relative_to(ROOT)}")
    return m.group(1)


def extract(module, out):
    """Runs swift-symbolgraph-extract for one module; returns its symbol graph files."""
    out.mkdir(parents=True, exist_ok=True)
    build = ROOT / ".build/debug"
    cmd = ["swift-symbolgraph-extract", "-module-name", module, "-target", "x86_64-unknown-linux-gnu",
           "-I", str(build / "Modules"), "-I", str(ROOT / "Sources/CXenShim/include"),
           "-Xcc", f"-fmodule-map-file={build / 'CXenShim.build/module.modulemap'}",
           "-minimum-access-level", "public", "-output-dir", str(out)]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"api: swift-symbolgraph-extract {module} failed:\n{r.stderr}")
    files = sorted(out.glob(f"{module}.symbols.json")) + sorted(out.glob(f"{module}@*.symbols.json"))
    if not files:
        sys.exit(f"api: no symbol graph for {module}")
    return files


def fragments(fs):
    return re.sub(r"\s+", " ", "".join(f["spelling"] for f in fs)).strip()


def load(module, out):
    """(symbols, lines): the counted symbols and the listing's lines of one module."""
    symbols, lines = [], set()
    for f in extract(module, out):
        g = json.loads(f.read_text())
        extended = f.name[len(module) + 1:-len(".symbols.json")] if "@" in f.name else None
        names = {}
        for s in g["symbols"]:
            names[s["identifier"]["precise"]] = ".".join(s["pathComponents"])
            if "::SYNTHESIZED::" in s["identifier"]["precise"] or s["kind"]["identifier"] == "swift.extension":
                continue
            if s.get("accessLevel") not in ("public", "open"):
                continue
            path = ".".join(s["pathComponents"])
            if extended:
                path = f"{extended}.{path}"
            doc = s.get("docComment")
            own = bool(doc and doc.get("lines") and doc.get("module", module) == module
                       and any(l["text"].strip() for l in doc["lines"]))
            inherited = bool(doc and doc.get("module", module) != module)
            symbols.append((path, s["kind"]["identifier"], own or inherited, inherited))
            kind = s["kind"]["identifier"].removeprefix("swift.")
            lines.add(f"{path} [{kind}] {fragments(s['declarationFragments'])}")
        for r in g["relationships"]:
            if r["kind"] != "conformsTo" or "::SYNTHESIZED::" in r["source"]:
                continue
            source = names.get(r["source"])
            if source is None:
                continue
            target = r.get("targetFallback") or names.get(r["target"]) or r["target"]
            lines.add(f"{source} [conformance] : {target}")
    return symbols, sorted(lines)


def listing(module, lines, v):
    return (f"# The public API of {module}, xen-detect {v}: one line per public declaration (path [kind]\n"
            f"# declaration) and conformance, from the symbol graph. Regenerate: bash scripts/api.sh --update\n"
            + "".join(l + "\n" for l in lines))


def top_changelog_version(text):
    m = re.search(r"^## \[([0-9]+\.[0-9]+\.[0-9]+)\]", text, re.M)
    return m.group(1) if m else None


def top_section(text):
    parts = re.split(r"^(?=## \[)", text, flags=re.M)
    return parts[1] if len(parts) > 1 else ""


def git(*args):
    r = subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True)
    return r.stdout if r.returncode == 0 else None


def check_changelog(v, changed_since_base):
    """The version is written once (Version.swift); CHANGELOG.md's top section is that version;
    an API that changed since the merge base with main came with a changed top section."""
    problems = []
    text = CHANGELOG.read_text() if CHANGELOG.exists() else ""
    top = top_changelog_version(text)
    if top != v:
        problems.append(f"CHANGELOG.md's top section is {top or 'missing'}, but Version.swift says {v}: "
                        f"add a '## [{v}] - YYYY-MM-DD' section naming the change")
    base = None
    for ref in ("origin/main", "main"):
        out = git("merge-base", "HEAD", ref)
        if out:
            base = out.strip()
            break
    if base is None:
        print("api: no main branch to compare with: the CHANGELOG-per-change check is not run")
        return problems
    changed = [m for m in changed_since_base(base)]
    if changed:
        old = git("show", f"{base}:CHANGELOG.md") or ""
        if top_section(old) == top_section(text):
            problems.append(f"the public API of {', '.join(changed)} changed since {base[:12]} (the merge base "
                            f"with main) but CHANGELOG.md's top section did not: name the change there "
                            f"(and bump Version.swift if it is released)")
    return problems


def main(argv):
    mode = argv[1] if len(argv) > 1 else "--count"
    if mode not in ("--count", "--update", "--check"):
        sys.exit("usage: scripts/api.sh [--count | --update | --check]")
    v = version()
    tmp = Path(tempfile.mkdtemp(prefix="xen-detect-api-"))
    try:
        results = {m: load(m, tmp / m) for m in products()}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    if mode == "--count":
        total = 0
        for m, (symbols, _) in results.items():
            undocumented = [s for s in symbols if not s[2]]
            inherited = sum(1 for s in symbols if s[3])
            total += len(undocumented)
            print(f"{m}: {len(symbols)} public symbols, {len(undocumented)} undocumented"
                  + (f" ({inherited} documented by the protocol they implement)" if inherited else ""))
            for path, kind, _, _ in undocumented if os.environ.get("API_LIST_UNDOCUMENTED") else []:
                print(f"   {path} [{kind.removeprefix('swift.')}]")
        if total:
            print(f"api: {total} public symbols have no doc comment (API_LIST_UNDOCUMENTED=1 lists them)", file=sys.stderr)
            return 1
        return 0

    if mode == "--update":
        API.mkdir(exist_ok=True)
        for m, (_, lines) in results.items():
            (API / f"{m}.txt").write_text(listing(m, lines, v))
        stale = {p.stem for p in API.glob("*.txt")} - set(results)
        for s in sorted(stale):
            (API / f"{s}.txt").unlink()
        print(f"api: wrote {len(results)} listings in api/ for {v}"
              + (f", removed {', '.join(sorted(stale))}" if stale else ""))
        return 0

    failed = False
    for m, (_, lines) in results.items():
        path = API / f"{m}.txt"
        want = listing(m, lines, v)
        have = path.read_text() if path.exists() else ""
        if have != want:
            failed = True
            import difflib
            sys.stdout.writelines(difflib.unified_diff(have.splitlines(True), want.splitlines(True),
                                                       f"api/{m}.txt (committed)", f"api/{m}.txt (the code)"))
    for extra in sorted({p.stem for p in API.glob("*.txt")} - set(results)):
        failed = True
        print(f"api/{extra}.txt lists a module that is no library product")
    if failed:
        print("api: the public API differs from the committed listing (diff above): if the change is meant, "
              "update the listing (bash scripts/api.sh --update) AND add a CHANGELOG.md entry naming it",
              file=sys.stderr)
        return 1

    def changed_since_base(base):
        for m in results:
            old = git("show", f"{base}:api/{m}.txt")
            if old is not None and old.split("\n", 2)[2:] != (API / f"{m}.txt").read_text().split("\n", 2)[2:]:
                yield m
    problems = check_changelog(v, changed_since_base)
    for p in problems:
        print(f"api: {p}", file=sys.stderr)
    if problems:
        return 1
    print(f"api: the public API of {len(results)} products matches api/ ({v}; CHANGELOG.md's top section is {v})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
