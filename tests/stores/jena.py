"""Apache Jena's TDB2 command-line tools from Debian (``libapache-jena-java`` 4.5: jars only, no scripts, no
Fuseki), run with a classpath built in a temporary folder. As packaged, Jena fails at start-up
(ExceptionInInitializerError in xerces.impl.dv.SchemaDVFactory): Debian moved the shaded xerces classes from
org/apache/jena/ext/xerces/ to xerces/ but left their message files behind; copies of those files at the new path,
in a folder put first on the classpath, fix it. docs/stores.md gives the same recipe for the shell."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

JARS = Path("/usr/share/java")
# Jena's jars and the libraries libapache-jena-java depends on (its Debian "Depends"), as /usr/share/java names them
JENA_JARS = ("jena-arq", "jena-base", "jena-cmds", "jena-core", "jena-dboe-base", "jena-dboe-index",
             "jena-dboe-storage", "jena-dboe-trans-data", "jena-dboe-transaction", "jena-iri", "jena-tdb", "jena-tdb2",
             "commons-cli", "commons-codec", "commons-compress", "commons-csv", "commons-io", "commons-lang3",
             "dexx.collection", "gson", "guava", "httpclient", "httpcore", "jackson-annotations", "jackson-core",
             "jackson-databind", "jakarta.json-api", "jsonld-java", "protobuf", "slf4j-api", "slf4j-nop", "thrift",
             "titanium-json-ld")  # fmt: skip
JAVA = shutil.which("java")
JENA = JAVA is not None and (JARS / "jena-tdb2.jar").is_file() and (JARS / "jena-cmds.jar").is_file()
_SHADED = "org/apache/jena/ext/"


def classpath(folder: Path) -> str:
    """Jena's classpath, with the xerces message files copied into ``folder/jena-fix`` (the start-up fix)."""
    fix = folder / "jena-fix"
    with zipfile.ZipFile(JARS / "jena-core.jar") as jar:
        for name in jar.namelist():
            if name.startswith(_SHADED + "xerces/") and name.endswith(".properties"):
                target = fix / name[len(_SHADED) :]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(jar.read(name))
    return ":".join([str(fix), *(str(JARS / f"{name}.jar") for name in JENA_JARS)])


def run(cp: str, tool: str, *args: str) -> str:
    """Run a Jena command (tdb2.tdbloader, tdb2.tdbquery, …) and return its output; fail with its error text."""
    assert JAVA is not None
    result = subprocess.run([JAVA, "-cp", cp, tool, *args], capture_output=True, text=True, timeout=300, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{tool} failed ({result.returncode}): {result.stderr[-2000:]}")
    return result.stdout


def tdb2_select(cp: str, db: Path, text: str) -> dict:
    """A SELECT on the TDB2 database ``db`` with the union of its named graphs as the default graph (SPARQL JSON)."""
    query = db.parent / "query.rq"
    query.write_text(text, encoding="utf-8")
    return json.loads(run(cp, "tdb2.tdbquery", "--loc", str(db), "--set", "tdb:unionDefaultGraph=true",
                          "--results=JSON", "--query", str(query)))  # fmt: skip
