"""Build the ruledex Python bindings against the C library.

Run `make` at the repository root first: the extension links the static
library it builds ($RULEDEX_BUILD, default ../../build/libruledex.a) with
the same system libraries (pkg-config: libfyaml, libpcre2-8, libhs, libdeflate),
and takes the public headers from ../../include.  The log-source table
(../../data/logsources.yml) is shipped inside the package.
"""

import os
import shutil
import subprocess

from setuptools import Extension, setup

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
BUILD = os.environ.get("RULEDEX_BUILD", os.path.join(ROOT, "build"))
LIB = os.path.join(BUILD, "libruledex.a")
PKGS = ["libfyaml", "libpcre2-8", "libhs", "libdeflate"]


def pkg_config(flag):
    try:
        out = subprocess.run(["pkg-config", flag] + PKGS, check=True, capture_output=True, text=True)
    except (OSError, subprocess.CalledProcessError) as e:
        raise SystemExit(f"ruledex: pkg-config {flag} {' '.join(PKGS)} failed ({e}); "
                         "run scripts/install-deps.sh") from e
    return out.stdout.split()


if not os.path.exists(LIB):
    raise SystemExit(f"ruledex: {LIB} not found: run `make` at {ROOT} first "
                     "(or set RULEDEX_BUILD to the build directory)")

data = os.path.join(HERE, "ruledex", "data")
os.makedirs(data, exist_ok=True)
shutil.copyfile(os.path.join(ROOT, "data", "logsources.yml"), os.path.join(data, "logsources.yml"))

setup(
    name="ruledex",
    version="0.1.0",
    description="Python bindings of ruledex: load detection rules, hunt events, explain matches",
    packages=["ruledex"],
    package_data={"ruledex": ["data/logsources.yml"]},
    python_requires=">=3.8",
    ext_modules=[
        Extension(
            "ruledex._ruledex",
            sources=[os.path.join("ruledex", "_ruledex.c")],
            include_dirs=[os.path.join(ROOT, "include")],
            extra_compile_args=["-std=c11", "-Wall", "-Wextra"] +
                               [f for f in pkg_config("--cflags") if f.startswith("-I")],
            extra_objects=[LIB],
            # rebuilt when the library changes: setuptools compares only
            # sources and depends with the built module, not extra_objects
            depends=[LIB],
            extra_link_args=pkg_config("--libs") + ["-lpthread", "-lm"],
        )
    ],
)
